/* td-resource-validate.c: request bodies of collections — types, lengths, references
 *
 * Everything from a body is untrusted: only members the definition marks writable are
 * taken, each is checked against its field's type and limits and normalized (timestamps
 * to UTC, id lists without duplicates), and ids must name objects the caller can see.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-resource"

#include "config.h"

#include "td-resource-private.h"

#include <string.h>

#include "td-json.h"
#include "td-random.h"
#include "td-time.h"

#define TEXT_DEFAULT_MAX_LENGTH   200
#define JSON_DEFAULT_MAX_BYTES    (64 * 1024)
#define ID_LIST_DEFAULT_MAX_ITEMS 1000

static TdApiResponse *
invalid_field (const TdFieldDef *field,
               const char       *format,
               ...) G_GNUC_PRINTF (2, 3);

static TdApiResponse *
invalid_field (const TdFieldDef *field,
               const char       *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return td_resource_invalid (field->name, message);
}

static TdApiResponse *
invalid_reference (const char *field,
                   const char *message)
{
  return td_api_response_new_error (422, "invalid_reference", message, field);
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static JsonNode *
validate_id_list (const TdFieldDef  *field,
                  JsonNode          *node,
                  TdApiResponse    **out_error)
{
  guint max_items = field->max_length > 0 ? field->max_length : ID_LIST_DEFAULT_MAX_ITEMS;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array, *result;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *out_error = invalid_field (field, "%s must be an array of ids", field->name);
      return NULL;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) > max_items)
    {
      *out_error = invalid_field (field, "%s may hold at most %u ids", field->name, max_items);
      return NULL;
    }

  /* Duplicates carry no meaning in a set; they are dropped, the order is kept. */
  result = json_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id;

      if (!is_string (element) || !td_uuid_is_valid (json_node_get_string (element)))
        {
          json_array_unref (result);
          *out_error = invalid_field (field, "%s must be an array of ids", field->name);
          return NULL;
        }
      id = json_node_get_string (element);
      if (g_hash_table_add (seen, (gpointer) id))
        json_array_add_string_element (result, id);
    }

  {
    JsonNode *list = json_node_new (JSON_NODE_ARRAY);

    /* take, not init: init adds a reference of its own and the array would leak. */
    json_node_take_array (list, result);
    return list;
  }
}

/* The normalized value of @node for @field, or NULL with *@out_error set to the 400. */
static JsonNode *
validate_value (const TdFieldDef  *field,
                JsonNode          *node,
                TdApiResponse    **out_error)
{
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (field->flags & TD_FIELD_NULLABLE)
        return json_node_new (JSON_NODE_NULL);
      *out_error = invalid_field (field, "%s may not be null", field->name);
      return NULL;
    }

  switch (field->type)
    {
    case TD_FIELD_TEXT:
      {
        guint max = field->max_length > 0 ? field->max_length : TEXT_DEFAULT_MAX_LENGTH;

        if (!is_string (node))
          break;
        if (g_utf8_strlen (json_node_get_string (node), -1) > max)
          {
            *out_error = invalid_field (field, "%s may be at most %u characters long",
                                        field->name, max);
            return NULL;
          }
        return json_node_copy (node);
      }

    case TD_FIELD_INT:
      {
        gint64 value;

        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
          break;
        value = json_node_get_int (node);
        if (field->max > field->min && (value < field->min || value > field->max))
          {
            *out_error = invalid_field (field, "%s must be between %" G_GINT64_FORMAT
                                        " and %" G_GINT64_FORMAT, field->name,
                                        field->min, field->max);
            return NULL;
          }
        return json_node_copy (node);
      }

    case TD_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        break;
      return json_node_copy (node);

    case TD_FIELD_ENUM:
      if (!is_string (node))
        break;
      if (field->choices == NULL ||
          !g_strv_contains ((const char * const *) field->choices, json_node_get_string (node)))
        {
          *out_error = invalid_field (field, "%s is not one of the allowed values", field->name);
          return NULL;
        }
      return json_node_copy (node);

    case TD_FIELD_REF:
      if (!is_string (node) || !td_uuid_is_valid (json_node_get_string (node)))
        {
          *out_error = invalid_field (field, "%s must be an id", field->name);
          return NULL;
        }
      return json_node_copy (node);

    case TD_FIELD_TIME:
      {
        gint64 usec;
        g_autofree char *normalized = NULL;

        if (!is_string (node) || !td_time_parse (json_node_get_string (node), &usec))
          {
            *out_error = invalid_field (field, "%s must be an RFC 3339 timestamp", field->name);
            return NULL;
          }
        normalized = td_time_format (usec);
        return json_node_init_string (json_node_alloc (), normalized);
      }

    case TD_FIELD_JSON:
      {
        gsize max = field->max_length > 0 ? field->max_length : JSON_DEFAULT_MAX_BYTES;
        g_autofree char *text = NULL;

        if (!JSON_NODE_HOLDS_OBJECT (node) && !JSON_NODE_HOLDS_ARRAY (node))
          {
            *out_error = invalid_field (field, "%s must be a JSON object or array", field->name);
            return NULL;
          }
        text = td_json_to_string (node);
        if (strlen (text) > max)
          {
            *out_error = invalid_field (field, "%s may be at most %" G_GSIZE_FORMAT " bytes long",
                                        field->name, max);
            return NULL;
          }
        return json_node_copy (node);
      }

    case TD_FIELD_ID_LIST:
      return validate_id_list (field, node, out_error);

    default:
      break;
    }

  *out_error = invalid_field (field, "%s has the wrong type", field->name);
  return NULL;
}

/* The members of @body the caller may write, validated and normalized. Members that are
 * not writable (and for customer-login callers, staff-only ones) are ignored. */
JsonObject *
td_resource_take_changes (TdApiCall            *call,
                          const TdResourceDef  *def,
                          JsonObject           *body,
                          gboolean              create,
                          TdApiResponse       **out_error)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  gboolean customer = td_resource_is_customer (call);
  TdFieldFlags writable = create ? (TD_FIELD_WRITABLE | TD_FIELD_CREATE_ONLY) : TD_FIELD_WRITABLE;

  for (gsize i = 0; i < def->n_fields; i++)
    {
      const TdFieldDef *field = &def->fields[i];
      JsonNode *node, *value;

      if (!(field->flags & writable) || (customer && (field->flags & TD_FIELD_STAFF_ONLY)))
        continue;

      node = json_object_get_member (body, field->name);
      if (node == NULL || (create && JSON_NODE_HOLDS_NULL (node) &&
                           (field->flags & TD_FIELD_REQUIRED)))
        {
          if (create && (field->flags & TD_FIELD_REQUIRED))
            {
              *out_error = invalid_field (field, "%s is required", field->name);
              return NULL;
            }
          if (create && field->type == TD_FIELD_ID_LIST)
            json_object_set_array_member (changes, field->name, json_array_new ());
          continue;
        }

      value = validate_value (field, node, out_error);
      if (value == NULL)
        return NULL;
      json_object_set_member (changes, field->name, value);
    }

  return g_steal_pointer (&changes);
}

static gboolean
node_array_contains (JsonNode   *node,
                     const char *id)
{
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), id) == 0)
      return TRUE;
  return FALSE;
}

/* The ids @field of @changes newly refers to: those already in @current were checked when
 * they were set, and may have left the caller's scope since without blocking other edits. */
static GPtrArray *
new_reference_ids (const TdFieldDef *field,
                   JsonObject       *changes,
                   JsonObject       *current)
{
  GPtrArray *ids = g_ptr_array_new ();
  JsonNode *node = json_object_get_member (changes, field->name);
  JsonNode *old = current != NULL ? json_object_get_member (current, field->name) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return ids;

  if (field->type == TD_FIELD_REF)
    {
      const char *id = json_node_get_string (node);

      if (old == NULL || !is_string (old) || g_strcmp0 (json_node_get_string (old), id) != 0)
        g_ptr_array_add (ids, (gpointer) id);
    }
  else
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *id = json_array_get_string_element (array, i);

          if (!node_array_contains (old, id))
            g_ptr_array_add (ids, (gpointer) id);
        }
    }

  return ids;
}

/* Every REF and ID_LIST id must name a live object of the referenced collection that the
 * caller can see (422 otherwise: the id may exist, but not for this caller). With
 * isolation on, an employee who belongs to departments may only assign their own
 * departments (DOMAIN.md §3). */
TdApiResponse *
td_resource_check_references (TdApiCall           *call,
                              const TdResourceDef *def,
                              JsonObject          *changes,
                              JsonObject          *current)
{
  TdUser *user = call->identity->user;

  for (gsize i = 0; i < def->n_fields; i++)
    {
      const TdFieldDef *field = &def->fields[i];
      g_autoptr(GPtrArray) ids = NULL;
      g_autoptr(GPtrArray) params = NULL;
      g_autoptr(GPtrArray) scope_params = NULL;
      g_autoptr(GString) sql = NULL;
      g_autoptr(TdDbStmt) stmt = NULL;
      g_autoptr(GError) error = NULL;

      if (field->type != TD_FIELD_REF && field->type != TD_FIELD_ID_LIST)
        continue;

      ids = new_reference_ids (field, changes, current);

      /* A customer-login user's own company is always theirs to name (the create handler
       * sets it), even where the customers collection itself is closed to them. */
      for (guint j = ids->len; td_resource_is_customer (call) && j > 0; j--)
        if (g_str_equal (ids->pdata[j - 1], user->customer_id))
          g_ptr_array_remove_index (ids, j - 1);
      if (ids->len == 0)
        continue;

      if (g_str_equal (field->name, "departments") && field->type == TD_FIELD_ID_LIST &&
          !td_resource_is_customer (call) && call->isolation != TD_ISOLATION_OFF &&
          user->departments[0] != NULL)
        for (guint j = 0; j < ids->len; j++)
          if (!g_strv_contains ((const char * const *) user->departments, ids->pdata[j]))
            return invalid_reference (field->name, "You may only assign departments you belong to");

      if (field->ref == NULL)
        continue;

      sql = g_string_new (NULL);
      g_string_printf (sql, "SELECT count(*) FROM %s r WHERE r.deleted = 0 AND r.id IN (",
                       field->ref->table);
      params = td_resource_params_new ();
      for (guint j = 0; j < ids->len; j++)
        {
          g_string_append (sql, j == 0 ? "?" : ", ?");
          td_resource_params_add_text (params, ids->pdata[j]);
        }
      g_string_append (sql, ")");
      scope_params = g_ptr_array_new_with_free_func (g_free);
      td_scope_append_sql (call, field->ref, "r", sql, scope_params);
      for (guint j = 0; j < scope_params->len; j++)
        td_resource_params_add_text (params, scope_params->pdata[j]);

      stmt = td_db_prepare (call->db, sql->str, &error);
      if (stmt == NULL)
        return td_api_internal_error ("Checking references failed", error);
      td_resource_bind_params (stmt, params, 1);
      if (td_db_stmt_step (stmt, &error) != TD_DB_STEP_ROW)
        return td_api_internal_error ("Checking references failed", error);

      if (td_db_stmt_get_int64 (stmt, 0) != ids->len)
        return invalid_reference (field->name, "No such object");
    }

  return NULL;
}
