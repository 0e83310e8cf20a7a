/* td-resource-store.c: reading and writing the rows of a collection
 *
 * The engine's JSON form of an object: every field of the definition by its type (strings,
 * integers, booleans, JSON values for JSON and id-list columns, null) plus id, version,
 * created_at and updated_at. Column names in SQL come only from the static definitions (or
 * from members hooks add, checked to be plain identifiers); every value is a parameter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-resource"

#include "config.h"

#include "td-resource-private.h"

#include <string.h>

#include "td-api-routes.h"
#include "td-json.h"
#include "td-random.h"
#include "td-store-error.h"
#include "td-time.h"

/* Members the engine manages; never taken from changes. */
static const char * const managed_columns[] = {
  "id", "org_id", "version", "created_at", "updated_at", "deleted", NULL
};

GPtrArray *
td_resource_params_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
}

void
td_resource_params_add_text (GPtrArray  *params,
                             const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_NULL);

  if (value != NULL)
    json_node_init_string (node, value);
  g_ptr_array_add (params, node);
}

void
td_resource_params_add_int (GPtrArray *params,
                            gint64     value)
{
  g_ptr_array_add (params, json_node_init_int (json_node_alloc (), value));
}

void
td_resource_params_add_node (GPtrArray *params,
                             JsonNode  *node)
{
  g_ptr_array_add (params, json_node_copy (node));
}

/* Strings as text, integers and booleans as integers, arrays and objects as their JSON text. */
static void
bind_node (TdDbStmt *stmt,
           guint     index,
           JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    td_db_stmt_bind_null (stmt, index);
  else if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        td_db_stmt_bind_text (stmt, index, json_node_get_string (node));
      else if (type == G_TYPE_BOOLEAN)
        td_db_stmt_bind_int64 (stmt, index, json_node_get_boolean (node) ? 1 : 0);
      else if (type == G_TYPE_INT64)
        td_db_stmt_bind_int64 (stmt, index, json_node_get_int (node));
      else
        {
          g_autofree char *text = g_strdup_printf ("%.17g", json_node_get_double (node));

          td_db_stmt_bind_text (stmt, index, text);
        }
    }
  else
    {
      g_autofree char *text = td_json_to_string (node);

      td_db_stmt_bind_text (stmt, index, text);
    }
}

void
td_resource_bind_params (TdDbStmt  *stmt,
                         GPtrArray *params,
                         guint      first_index)
{
  for (guint i = 0; i < params->len; i++)
    bind_node (stmt, first_index + i, g_ptr_array_index (params, i));
}

/* Scope parameters come as strings (td_scope_append_sql's interface). */
static void
append_scope (TdApiCall           *call,
              const TdResourceDef *def,
              const char          *alias,
              GString             *sql,
              GPtrArray           *params)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

  td_scope_append_sql (call, def, alias, sql, strings);
  for (guint i = 0; i < strings->len; i++)
    td_resource_params_add_text (params, g_ptr_array_index (strings, i));
}

const TdFieldDef *
td_resource_find_field (const TdResourceDef *def,
                        const char          *name)
{
  for (gsize i = 0; i < def->n_fields; i++)
    if (g_str_equal (def->fields[i].name, name))
      return &def->fields[i];
  return NULL;
}

void
td_resource_append_columns (const TdResourceDef *def,
                            const char          *alias,
                            GString             *sql)
{
  g_string_append_printf (sql, " %s.id, %s.version, %s.created_at, %s.updated_at",
                          alias, alias, alias, alias);
  for (gsize i = 0; i < def->n_fields; i++)
    g_string_append_printf (sql, ", %s.%s", alias, def->fields[i].name);
}

static JsonNode *
json_column (TdDbStmt   *stmt,
             guint       column,
             TdFieldType type)
{
  JsonNode *node = NULL;

  if (!td_db_stmt_is_null (stmt, column))
    node = json_from_string (td_db_stmt_get_text (stmt, column), NULL);

  if (node == NULL && type == TD_FIELD_ID_LIST)
    node = json_node_init_array (json_node_alloc (), json_array_new ());
  else if (node == NULL)
    node = json_node_new (JSON_NODE_NULL);

  return node;
}

JsonObject *
td_resource_row_from_stmt (const TdResourceDef *def,
                           TdDbStmt            *stmt)
{
  JsonObject *row = json_object_new ();

  json_object_set_string_member (row, "id", td_db_stmt_get_text (stmt, 0));
  json_object_set_int_member (row, "version", td_db_stmt_get_int64 (stmt, 1));
  json_object_set_string_member (row, "created_at", td_db_stmt_get_text (stmt, 2));
  json_object_set_string_member (row, "updated_at", td_db_stmt_get_text (stmt, 3));

  for (gsize i = 0; i < def->n_fields; i++)
    {
      const TdFieldDef *field = &def->fields[i];
      guint column = 4 + i;

      if (field->type == TD_FIELD_JSON || field->type == TD_FIELD_ID_LIST)
        json_object_set_member (row, field->name, json_column (stmt, column, field->type));
      else if (td_db_stmt_is_null (stmt, column))
        json_object_set_null_member (row, field->name);
      else if (field->type == TD_FIELD_INT)
        json_object_set_int_member (row, field->name, td_db_stmt_get_int64 (stmt, column));
      else if (field->type == TD_FIELD_BOOL)
        json_object_set_boolean_member (row, field->name, td_db_stmt_get_int64 (stmt, column) != 0);
      else
        json_object_set_string_member (row, field->name, td_db_stmt_get_text (stmt, column));
    }

  return row;
}

/* SQLite's default limit on function arguments is 127: 4 common members + 59 fields. */
#define JSON_SQL_MAX_FIELDS 59

gboolean
td_resource_append_json_sql (TdApiCall           *call,
                             const TdResourceDef *def,
                             const char          *alias,
                             GString             *sql)
{
  gboolean customer = call != NULL && call->identity != NULL && td_resource_is_customer (call);

  if (def->n_fields > JSON_SQL_MAX_FIELDS)
    return FALSE;

  g_string_append_printf (sql, "json_object('id', %s.id, 'version', %s.version,"
                               " 'created_at', %s.created_at, 'updated_at', %s.updated_at",
                          alias, alias, alias, alias);
  for (gsize i = 0; i < def->n_fields; i++)
    {
      const TdFieldDef *field = &def->fields[i];

      if ((field->flags & TD_FIELD_HIDDEN) || (customer && (field->flags & TD_FIELD_STAFF_ONLY)))
        continue;

      /* Names are identifiers of our own definitions, never input. */
      g_string_append_printf (sql, ", '%s', ", field->name);
      switch (field->type)
        {
        case TD_FIELD_BOOL:
          g_string_append_printf (sql, "CASE WHEN %s.%s IS NULL THEN NULL WHEN %s.%s"
                                       " THEN json('true') ELSE json('false') END",
                                  alias, field->name, alias, field->name);
          break;
        case TD_FIELD_ID_LIST:
          g_string_append_printf (sql, "json(coalesce(%s.%s, '[]'))", alias, field->name);
          break;
        case TD_FIELD_JSON:
          g_string_append_printf (sql, "json(%s.%s)", alias, field->name);
          break;
        case TD_FIELD_TEXT:
        case TD_FIELD_INT:
        case TD_FIELD_ENUM:
        case TD_FIELD_REF:
        case TD_FIELD_TIME:
        default:
          g_string_append_printf (sql, "%s.%s", alias, field->name);
          break;
        }
    }
  g_string_append (sql, ")");
  return TRUE;
}

JsonObject *
td_resource_read (TdDb                *db,
                  TdApiCall           *call,
                  const TdResourceDef *def,
                  const char          *org_id,
                  const char          *id,
                  GError             **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT");
  g_autoptr(GPtrArray) params = td_resource_params_new ();
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  td_resource_append_columns (def, "t", sql);
  g_string_append_printf (sql, " FROM %s t WHERE t.id = ? AND t.deleted = 0", def->table);
  td_resource_params_add_text (params, id);
  if (call != NULL)
    append_scope (call, def, "t", sql, params);
  else
    {
      g_string_append (sql, " AND t.org_id = ?");
      td_resource_params_add_text (params, org_id);
    }

  stmt = td_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  td_resource_bind_params (stmt, params, 1);

  step = td_db_stmt_step (stmt, error);
  if (step != TD_DB_STEP_ROW)
    return NULL;

  return td_resource_row_from_stmt (def, stmt);
}

JsonObject *
td_resource_load (TdApiCall            *call,
                  const TdResourceDef  *def,
                  const char           *id,
                  TdApiResponse       **out_error)
{
  g_autoptr(GError) error = NULL;
  JsonObject *row;

  g_return_val_if_fail (call != NULL && def != NULL && out_error != NULL, NULL);

  if (id == NULL)
    {
      *out_error = td_resource_not_found ();
      return NULL;
    }

  row = td_resource_read (call->db, call, def, call->identity->user->org_id, id, &error);
  if (row != NULL)
    return row;

  if (error != NULL)
    *out_error = td_api_internal_error ("Reading an object failed", error);
  else
    *out_error = td_resource_not_found ();
  return NULL;
}

JsonNode *
td_resource_present (TdApiCall           *call,
                     const TdResourceDef *def,
                     JsonObject          *row)
{
  gboolean customer = call != NULL && call->identity != NULL && td_resource_is_customer (call);
  JsonObject *object = json_object_new ();
  static const char * const common[] = { "id", "version", "created_at", "updated_at" };

  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    if (json_object_has_member (row, common[i]))
      json_object_set_member (object, common[i],
                              json_node_copy (json_object_get_member (row, common[i])));

  for (gsize i = 0; i < def->n_fields; i++)
    {
      const TdFieldDef *field = &def->fields[i];
      JsonNode *node = json_object_get_member (row, field->name);

      if ((field->flags & TD_FIELD_HIDDEN) ||
          (customer && (field->flags & TD_FIELD_STAFF_ONLY)))
        continue;

      json_object_set_member (object, field->name,
                              node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL));
    }

  if (def->present != NULL)
    def->present (call, object);

  {
    JsonNode *node = json_node_new (JSON_NODE_OBJECT);

    /* take, not init: init adds a reference of its own and the object would leak. */
    json_node_take_object (node, object);
    return node;
  }
}

static void
set_etag (TdApiResponse *response,
          gint64         version)
{
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);

  td_api_response_set_header (response, "ETag", etag);
}

TdApiResponse *
td_resource_response_object (TdApiCall           *call,
                             const TdResourceDef *def,
                             guint                status,
                             JsonObject          *row)
{
  g_autoptr(JsonNode) node = td_resource_present (call, def, row);
  TdApiResponse *response = td_api_response_new_json (status, node);

  set_etag (response, td_json_get_int (row, "version", 0));
  return response;
}

/* 412 with the object as it is now, so that the client can merge without another GET. */
TdApiResponse *
td_resource_version_mismatch (TdApiCall           *call,
                              const TdResourceDef *def,
                              JsonObject          *current)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *body = json_object_new ();
  JsonObject *error = json_object_new ();
  TdApiResponse *response;

  json_object_set_string_member (error, "code", "version_mismatch");
  json_object_set_string_member (error, "message",
                                 "The object has changed since the version you sent");
  json_object_set_object_member (body, "error", error);
  json_object_set_member (body, "current", td_resource_present (call, def, current));
  json_node_take_object (root, body);

  response = td_api_response_new_json (412, root);
  set_etag (response, td_json_get_int (current, "version", 0));
  return response;
}

/* Hooks may add members of their own columns; whatever they are called, they only ever
 * become identifiers in SQL if they look like one. */
static gboolean
is_identifier (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_') || strlen (name) > 63)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
is_managed (const char *name)
{
  return g_strv_contains (managed_columns, name);
}

char *
td_resource_insert (TdDb                 *db,
                    const TdResourceDef  *def,
                    const char           *org_id,
                    JsonObject           *values,
                    GError              **error)
{
  g_autoptr(GString) sql = NULL;
  g_autoptr(GString) placeholders = NULL;
  g_autoptr(GPtrArray) params = td_resource_params_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();
  g_autofree char *id = NULL;
  const char *created_at, *updated_at;

  g_return_val_if_fail (db != NULL && def != NULL && org_id != NULL && values != NULL, NULL);

  id = g_strdup (td_json_get_string (values, "id"));
  if (id == NULL)
    id = td_uuid_new ();

  sql = g_string_new (NULL);
  g_string_printf (sql, "INSERT INTO %s (id, org_id, version, created_at, updated_at, deleted",
                   def->table);
  placeholders = g_string_new ("?, ?, 1, ?, ?, 0");
  td_resource_params_add_text (params, id);
  td_resource_params_add_text (params, org_id);
  /* Seeds and imports may date their rows; requests never reach here with these members
   * (bodies only give field members). */
  created_at = td_json_get_string (values, "created_at");
  updated_at = td_json_get_string (values, "updated_at");
  td_resource_params_add_text (params, created_at != NULL ? created_at : now);
  td_resource_params_add_text (params, updated_at != NULL ? updated_at
                                       : created_at != NULL ? created_at : now);

  members = json_object_get_members (values);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (is_managed (name))
        continue;
      if (!is_identifier (name))
        {
          g_set_error (error, TD_STORE_ERROR, TD_STORE_ERROR_FAILED,
                       "Not a column name: %s", name);
          return NULL;
        }
      g_string_append_printf (sql, ", %s", name);
      g_string_append (placeholders, ", ?");
      td_resource_params_add_node (params, json_object_get_member (values, name));
    }
  g_string_append_printf (sql, ") VALUES (%s)", placeholders->str);

  stmt = td_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  td_resource_bind_params (stmt, params, 1);
  if (!td_db_stmt_run (stmt, error))
    return NULL;

  if (td_changes_record (db, org_id, def->type, id, "upsert", error) == 0)
    return NULL;

  return g_steal_pointer (&id);
}

JsonObject *
td_resource_write (TdApiCall            *call,
                   const TdResourceDef  *def,
                   const char           *id,
                   JsonObject           *changes,
                   gint64                expected_version,
                   TdApiResponse       **out_error)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(GString) sql = NULL;
  g_autoptr(GPtrArray) params = td_resource_params_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();
  const char *org_id;
  TdResourceWrite write = { 0 };

  g_return_val_if_fail (call != NULL && def != NULL && changes != NULL && out_error != NULL, NULL);

  org_id = call->identity->user->org_id;
  current = td_resource_load (call, def, id, out_error);
  if (current == NULL)
    return NULL;

  if (expected_version > 0 && td_json_get_int (current, "version", 0) != expected_version)
    {
      *out_error = td_resource_version_mismatch (call, def, current);
      return NULL;
    }

  write.call = call;
  write.def = def;
  write.id = id;
  write.current = current;
  write.changes = changes;
  if (def->before_update != NULL && (*out_error = def->before_update (&write)) != NULL)
    return NULL;

  sql = g_string_new (NULL);
  g_string_printf (sql, "UPDATE %s SET version = version + 1, updated_at = ?", def->table);
  td_resource_params_add_text (params, now);

  members = json_object_get_members (changes);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (is_managed (name))
        continue;
      if (!is_identifier (name))
        {
          g_set_error (&error, TD_STORE_ERROR, TD_STORE_ERROR_FAILED, "Not a column name: %s", name);
          *out_error = td_api_internal_error ("Writing an object failed", error);
          return NULL;
        }
      g_string_append_printf (sql, ", %s = ?", name);
      td_resource_params_add_node (params, json_object_get_member (changes, name));
    }

  /* The version is checked again here, so that the check and the write are one step even
   * for a caller that did not read the row in this transaction. */
  g_string_append (sql, " WHERE id = ? AND org_id = ? AND deleted = 0 AND version = ?");
  td_resource_params_add_text (params, id);
  td_resource_params_add_text (params, org_id);
  td_resource_params_add_int (params, td_json_get_int (current, "version", 0));

  stmt = td_db_prepare (call->db, sql->str, &error);
  if (stmt == NULL)
    {
      *out_error = td_api_internal_error ("Writing an object failed", error);
      return NULL;
    }
  td_resource_bind_params (stmt, params, 1);
  if (!td_db_stmt_run (stmt, &error))
    {
      if (g_error_matches (error, TD_STORE_ERROR, TD_STORE_ERROR_CONSTRAINT))
        *out_error = td_resource_conflict ("The change conflicts with another object");
      else
        *out_error = td_api_internal_error ("Writing an object failed", error);
      return NULL;
    }
  if (td_db_changes (call->db) != 1)
    {
      *out_error = td_resource_version_mismatch (call, def, current);
      return NULL;
    }

  if (td_changes_record (call->db, org_id, def->type, id, "upsert", &error) == 0)
    {
      *out_error = td_api_internal_error ("Recording a change failed", error);
      return NULL;
    }

  updated = td_resource_read (call->db, NULL, def, org_id, id, &error);
  if (updated == NULL)
    {
      *out_error = td_api_internal_error ("Reading a written object failed", error);
      return NULL;
    }

  if (def->after_write != NULL && (*out_error = def->after_write (&write)) != NULL)
    return NULL;

  return g_steal_pointer (&updated);
}

TdApiResponse *
td_resource_not_found (void)
{
  return td_api_response_new_error (404, "not_found", "No such object", NULL);
}

TdApiResponse *
td_resource_forbidden (void)
{
  return td_api_response_new_error (403, "forbidden", "You may not do this", NULL);
}

TdApiResponse *
td_resource_conflict (const char *message)
{
  return td_api_response_new_error (409, "conflict", message, NULL);
}

TdApiResponse *
td_resource_invalid (const char *field,
                     const char *message)
{
  return td_api_response_new_error (400, "invalid_field", message, field);
}

typedef struct
{
  const TdResourceDef **defs;
  gsize                 n_defs;
} TdResourceRegistry;

static void
collect_def (const TdApiRoute *route,
             gpointer          user_data)
{
  GPtrArray *defs = user_data;

  /* Any of the five engine handlers names its collection, also where a collection does not
   * route every operation. */
  if ((route->handler == td_resource_list || route->handler == td_resource_get ||
       route->handler == td_resource_create || route->handler == td_resource_update ||
       route->handler == td_resource_delete) && route->data != NULL &&
      !g_ptr_array_find (defs, route->data, NULL))
    g_ptr_array_add (defs, (gpointer) route->data);
}

static gpointer
build_registry (gpointer data)
{
  TdResourceRegistry *registry = g_new0 (TdResourceRegistry, 1);
  GPtrArray *defs = g_ptr_array_new ();

  td_api_foreach_route (collect_def, defs);
  registry->n_defs = defs->len;
  g_ptr_array_add (defs, NULL);
  registry->defs = (const TdResourceDef **) g_ptr_array_free (defs, FALSE);
  return registry;
}

const TdResourceDef * const *
td_resource_all (gsize *out_n)
{
  static GOnce once = G_ONCE_INIT;
  TdResourceRegistry *registry = g_once (&once, build_registry, NULL);

  if (out_n != NULL)
    *out_n = registry->n_defs;
  return registry->defs;
}

const TdResourceDef *
td_resource_find (const char *collection)
{
  gsize n;
  const TdResourceDef * const *defs = td_resource_all (&n);

  for (gsize i = 0; i < n; i++)
    if (g_strcmp0 (defs[i]->collection, collection) == 0)
      return defs[i];
  return NULL;
}
