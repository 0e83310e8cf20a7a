/* td-resource-list.c: GET on a collection — filters, full text, sort and cursor pages
 *
 * Pages are keyset pages over (sort value, id): the cursor carries the last row's values,
 * so a page costs an index range scan however deep it is, and rows written meanwhile
 * neither repeat nor vanish from a walk. Every parameter is checked; an unknown one is a
 * 400 rather than a silently ignored filter.
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

#define LIST_DEFAULT_LIMIT  50
#define LIST_MAX_LIMIT      500
#define FILTER_MAX_VALUES   50
#define QUERY_MAX_LENGTH    200
#define CURSOR_MAX_LENGTH   2048

static TdApiResponse *
invalid_parameter (const char *name,
                   const char *message)
{
  return td_api_response_new_error (400, "invalid_parameter", message, name);
}

/* Whether @field may be used to filter, sort or search by the caller: never a hidden
 * field, and for customer-login users never a staff-only one, since matching on a value
 * reveals it as surely as sending it would. */
static gboolean
field_usable (TdApiCall        *call,
              const TdFieldDef *field)
{
  if (field->flags & TD_FIELD_HIDDEN)
    return FALSE;
  return !(td_resource_is_customer (call) && (field->flags & TD_FIELD_STAFF_ONLY));
}

/* The sort of a list: a column, its direction and whether it may hold NULL. */
typedef struct
{
  const char       *spec;      /* as given, e.g. "-updated_at"; the cursor repeats it */
  const char       *column;
  const TdFieldDef *field;     /* NULL for created_at / updated_at */
  gboolean          descending;
  gboolean          nullable;
} TdListSort;

static gboolean
parse_sort (TdApiCall           *call,
            const TdResourceDef *def,
            const char          *spec,
            gboolean             from_client,
            TdListSort          *sort)
{
  const char *name = spec;

  sort->spec = spec;
  sort->descending = name[0] == '-';
  if (sort->descending)
    name++;

  sort->field = NULL;
  sort->nullable = FALSE;
  if (g_str_equal (name, "created_at") || g_str_equal (name, "updated_at"))
    {
      sort->column = g_str_equal (name, "created_at") ? "created_at" : "updated_at";
      return TRUE;
    }

  sort->field = td_resource_find_field (def, name);
  /* The definition's own default may name any field; clients only SORT fields. */
  if (sort->field == NULL || (from_client && !(sort->field->flags & TD_FIELD_SORT)) ||
      !field_usable (call, sort->field) ||
      sort->field->type == TD_FIELD_JSON || sort->field->type == TD_FIELD_ID_LIST)
    return FALSE;

  sort->column = sort->field->name;
  sort->nullable = (sort->field->flags & TD_FIELD_NULLABLE) != 0;
  return TRUE;
}

/* The cursor: base64url of {"s": sort spec, "v": sort value, "i": id}. Opaque to clients. */
static char *
encode_cursor (const TdListSort *sort,
               JsonObject       *row)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *cursor = json_object_new ();
  JsonNode *value = json_object_get_member (row, sort->column);
  g_autofree char *text = NULL;
  char *encoded;

  json_object_set_string_member (cursor, "s", sort->spec);
  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    json_object_set_int_member (cursor, "v", json_node_get_boolean (value) ? 1 : 0);
  else
    json_object_set_member (cursor, "v", value != NULL ? json_node_copy (value)
                                                       : json_node_new (JSON_NODE_NULL));
  json_object_set_string_member (cursor, "i", td_json_get_string (row, "id"));
  json_node_take_object (root, cursor);

  text = td_json_to_string (root);
  encoded = g_base64_encode ((const guchar *) text, strlen (text));
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  return encoded;
}

/* The sort value and id of @text, or FALSE if it is no cursor of this sort. */
static gboolean
decode_cursor (const TdListSort  *sort,
               const char        *text,
               JsonNode         **out_value,
               char             **out_id)
{
  g_autoptr(GString) padded = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree guchar *decoded = NULL;
  JsonObject *cursor;
  JsonNode *value;
  gsize length;
  const char *id;

  if (strlen (text) > CURSOR_MAX_LENGTH)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  padded = g_string_new (text);
  g_strdelimit (padded->str, "-", '+');
  g_strdelimit (padded->str, "_", '/');
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');

  decoded = g_base64_decode (padded->str, &length);
  if (decoded == NULL || length == 0)
    return FALSE;

  root = td_json_parse ((const char *) decoded, length, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  cursor = json_node_get_object (root);

  if (g_strcmp0 (td_json_get_string (cursor, "s"), sort->spec) != 0)
    return FALSE;
  id = td_json_get_string (cursor, "i");
  if (id == NULL || strlen (id) > 64)
    return FALSE;

  value = json_object_get_member (cursor, "v");
  if (value == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (value))
    {
      if (!sort->nullable)
        return FALSE;
    }
  else if (!JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  else if (sort->field != NULL &&
           (sort->field->type == TD_FIELD_INT || sort->field->type == TD_FIELD_BOOL))
    {
      if (json_node_get_value_type (value) != G_TYPE_INT64)
        return FALSE;
    }
  else if (json_node_get_value_type (value) != G_TYPE_STRING)
    return FALSE;

  *out_value = json_node_copy (value);
  *out_id = g_strdup (id);
  return TRUE;
}

/* Rows after the cursor in the sort order. NULLs sort first ascending and last
 * descending (SQLite's order); for columns that cannot be NULL the row-value form lets
 * SQLite seek the index directly. */
static void
append_keyset (const TdListSort *sort,
               JsonNode         *value,
               const char       *id,
               GString          *sql,
               GPtrArray        *params)
{
  if (!sort->nullable)
    {
      g_string_append_printf (sql, " AND (t.%s, t.id) %s (?, ?)", sort->column,
                              sort->descending ? "<" : ">");
      td_resource_params_add_node (params, value);
      td_resource_params_add_text (params, id);
    }
  else if (JSON_NODE_HOLDS_NULL (value) && !sort->descending)
    {
      g_string_append_printf (sql, " AND ((t.%s IS NULL AND t.id > ?) OR t.%s IS NOT NULL)",
                              sort->column, sort->column);
      td_resource_params_add_text (params, id);
    }
  else if (JSON_NODE_HOLDS_NULL (value))
    {
      g_string_append_printf (sql, " AND t.%s IS NULL AND t.id < ?", sort->column);
      td_resource_params_add_text (params, id);
    }
  else
    {
      if (sort->descending)
        g_string_append_printf (sql, " AND (t.%s < ? OR t.%s IS NULL OR (t.%s = ? AND t.id < ?))",
                                sort->column, sort->column, sort->column);
      else
        g_string_append_printf (sql, " AND (t.%s > ? OR (t.%s = ? AND t.id > ?))",
                                sort->column, sort->column);
      td_resource_params_add_node (params, value);
      td_resource_params_add_node (params, value);
      td_resource_params_add_text (params, id);
    }
}

/* One value of a filter parameter as a typed parameter, or NULL if it is no such value. */
static JsonNode *
filter_value (const TdFieldDef *field,
              const char       *text)
{
  switch (field->type)
    {
    case TD_FIELD_INT:
      {
        gint64 value;

        if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
          return NULL;
        return json_node_init_int (json_node_alloc (), value);
      }
    case TD_FIELD_BOOL:
      if (g_str_equal (text, "true") || g_str_equal (text, "false"))
        return json_node_init_int (json_node_alloc (), g_str_equal (text, "true"));
      return NULL;
    case TD_FIELD_ENUM:
      if (field->choices == NULL || !g_strv_contains ((const char * const *) field->choices, text))
        return NULL;
      return json_node_init_string (json_node_alloc (), text);
    case TD_FIELD_REF:
    case TD_FIELD_ID_LIST:
      if (!td_uuid_is_valid (text))
        return NULL;
      return json_node_init_string (json_node_alloc (), text);
    case TD_FIELD_TIME:
      {
        gint64 usec;
        g_autofree char *normalized = NULL;

        if (!td_time_parse (text, &usec))
          return NULL;
        normalized = td_time_format (usec);
        return json_node_init_string (json_node_alloc (), normalized);
      }
    case TD_FIELD_TEXT:
      if (g_utf8_strlen (text, -1) > (field->max_length > 0 ? field->max_length : 200))
        return NULL;
      return json_node_init_string (json_node_alloc (), text);
    case TD_FIELD_JSON:
    default:
      return NULL;
    }
}

/* ?name=a,b: any of the values; "null" matches no value for nullable fields; ID_LIST
 * fields match when the list contains any of the values. */
static TdApiResponse *
append_filter (const TdFieldDef *field,
               const char       *text,
               GString          *sql,
               GPtrArray        *params)
{
  g_auto(GStrv) values = g_strsplit (text, ",", -1);
  guint n = g_strv_length (values);
  gboolean with_null = FALSE;
  guint n_in = 0;
  g_autoptr(GString) in = g_string_new (NULL);

  if (n == 0 || n > FILTER_MAX_VALUES)
    return invalid_parameter (field->name, "Give 1 to 50 comma-separated values");

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node;

      if (g_str_equal (values[i], "null") && (field->flags & TD_FIELD_NULLABLE) &&
          field->type != TD_FIELD_ID_LIST)
        {
          with_null = TRUE;
          continue;
        }

      node = filter_value (field, values[i]);
      if (node == NULL)
        return invalid_parameter (field->name, "Not a valid value for this filter");
      g_string_append (in, n_in++ == 0 ? "?" : ", ?");
      g_ptr_array_add (params, node);
    }

  if (field->type == TD_FIELD_ID_LIST)
    g_string_append_printf (sql, " AND EXISTS (SELECT 1 FROM json_each(t.%s) td_fj"
                                 " WHERE td_fj.value IN (%s))", field->name, in->str);
  else if (n_in > 0 && with_null)
    g_string_append_printf (sql, " AND (t.%s IN (%s) OR t.%s IS NULL)",
                            field->name, in->str, field->name);
  else if (n_in > 0)
    g_string_append_printf (sql, " AND t.%s IN (%s)", field->name, in->str);
  else
    g_string_append_printf (sql, " AND t.%s IS NULL", field->name);

  return NULL;
}

/* ?q=: a case-insensitive substring of any SEARCH field; % and _ are literal. */
static TdApiResponse *
append_search (TdApiCall           *call,
               const TdResourceDef *def,
               const char          *q,
               GString             *sql,
               GPtrArray           *params)
{
  g_autoptr(GString) pattern = g_string_new ("%");
  gboolean first = TRUE;

  if (g_utf8_strlen (q, -1) > QUERY_MAX_LENGTH)
    return invalid_parameter ("q", "The search text is too long");

  for (const char *p = q; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  for (gsize i = 0; i < def->n_fields; i++)
    {
      const TdFieldDef *field = &def->fields[i];

      if (!(field->flags & TD_FIELD_SEARCH) || !field_usable (call, field))
        continue;
      g_string_append_printf (sql, "%st.%s LIKE ? ESCAPE '\\'", first ? " AND (" : " OR ",
                              field->name);
      td_resource_params_add_text (params, pattern->str);
      first = FALSE;
    }

  if (first)
    return invalid_parameter ("q", "This collection has no full-text search");
  g_string_append (sql, ")");
  return NULL;
}

/* ?name_from= (inclusive) and ?name_to= (exclusive) on created_at, updated_at and
 * DATE_RANGE fields. Returns FALSE when @key is no such parameter. */
static gboolean
is_range_parameter (TdApiCall            *call,
                    const TdResourceDef  *def,
                    const char           *key,
                    char                **out_column,
                    gboolean             *out_from)
{
  const char *suffix;
  g_autofree char *column = NULL;
  const TdFieldDef *field;

  if (g_str_has_suffix (key, "_from"))
    suffix = "_from";
  else if (g_str_has_suffix (key, "_to"))
    suffix = "_to";
  else
    return FALSE;

  column = g_strndup (key, strlen (key) - strlen (suffix));
  field = td_resource_find_field (def, column);
  if (!g_str_equal (column, "created_at") && !g_str_equal (column, "updated_at") &&
      (field == NULL || field->type != TD_FIELD_TIME || !(field->flags & TD_FIELD_DATE_RANGE) ||
       !field_usable (call, field)))
    return FALSE;

  *out_from = g_str_equal (suffix, "_from");
  *out_column = g_steal_pointer (&column);
  return TRUE;
}

TdApiResponse *
td_resource_list (TdApiCall *call)
{
  const TdResourceDef *def = call->route_data;
  GHashTable *query = call->request->query;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT");
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(GPtrArray) params = td_resource_params_new ();
  g_autoptr(GPtrArray) scope_params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) cursor_value = NULL;
  g_autofree char *cursor_id = NULL;
  g_autofree char *next_cursor = NULL;
  TdApiResponse *response = NULL;
  TdListSort sort;
  JsonObject *body;
  JsonArray *items;
  const char *text;
  guint64 limit = LIST_DEFAULT_LIMIT;
  GHashTableIter iter;
  gpointer key, value;
  TdDbStep step;
  TdReach reach = td_permission_reach (call->identity->user->role, def->perm_view);

  if (reach == TD_REACH_NONE)
    {
      g_autofree char *message = g_strdup_printf ("You may not view %s", def->collection);

      return td_api_response_new_error (403, "forbidden", message, NULL);
    }

  if (def->before_list != NULL)
    def->before_list (call);

  text = g_hash_table_lookup (query, "limit");
  if (text != NULL &&
      !g_ascii_string_to_unsigned (text, 10, 1, LIST_MAX_LIMIT, &limit, NULL))
    return invalid_parameter ("limit", "limit must be a number from 1 to 500");

  text = g_hash_table_lookup (query, "sort");
  if (text != NULL)
    {
      if (!parse_sort (call, def, text, TRUE, &sort))
        return invalid_parameter ("sort", "This field cannot be sorted by");
    }
  else if (!parse_sort (call, def, def->default_sort != NULL ? def->default_sort : "-updated_at",
                        FALSE, &sort))
    {
      /* A staff-only default sort is no error for customers: their cursor must not
       * carry the value, so they get the newest first instead. */
      if (!td_resource_is_customer (call))
        g_warning ("%s: the default sort %s names no sortable field", def->collection,
                   def->default_sort);
      parse_sort (call, def, "-updated_at", FALSE, &sort);
    }

  text = g_hash_table_lookup (query, "cursor");
  if (text != NULL && !decode_cursor (&sort, text, &cursor_value, &cursor_id))
    return invalid_parameter ("cursor", "Not a cursor of this list and sort");

  /* Scope first: it starts with the org_id the indexes lead with. */
  td_scope_append_sql (call, def, "t", where, scope_params);
  for (guint i = 0; i < scope_params->len; i++)
    td_resource_params_add_text (params, scope_params->pdata[i]);

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *name = key;
      const TdFieldDef *field;
      g_autofree char *column = NULL;
      gboolean from;

      if (g_str_equal (name, "limit") || g_str_equal (name, "sort") ||
          g_str_equal (name, "cursor"))
        continue;

      if (g_str_equal (name, "q"))
        response = append_search (call, def, value, where, params);
      else if ((field = td_resource_find_field (def, name)) != NULL &&
               (field->flags & TD_FIELD_FILTER) && field_usable (call, field))
        response = append_filter (field, value, where, params);
      else if (is_range_parameter (call, def, name, &column, &from))
        {
          gint64 usec;
          g_autofree char *normalized = NULL;

          if (!td_time_parse (value, &usec))
            return invalid_parameter (name, "Not an RFC 3339 timestamp");
          normalized = td_time_format (usec);
          g_string_append_printf (where, " AND t.%s %s ?", column, from ? ">=" : "<");
          td_resource_params_add_text (params, normalized);
        }
      else
        response = invalid_parameter (name, "Unknown parameter");

      if (response != NULL)
        return response;
    }

  if (cursor_value != NULL)
    append_keyset (&sort, cursor_value, cursor_id, where, params);

  td_resource_append_columns (def, "t", sql);
  g_string_append_printf (sql, " FROM %s t WHERE t.deleted = 0%s ORDER BY t.%s %s, t.id %s LIMIT ?",
                          def->table, where->str, sort.column,
                          sort.descending ? "DESC" : "ASC", sort.descending ? "DESC" : "ASC");
  td_resource_params_add_int (params, (gint64) limit + 1);

  stmt = td_db_prepare (call->db, sql->str, &error);
  if (stmt == NULL)
    return td_api_internal_error ("Listing failed", error);
  td_resource_bind_params (stmt, params, 1);

  while ((step = td_db_stmt_step (stmt, &error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (rows, td_resource_row_from_stmt (def, stmt));
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Listing failed", error);

  if (rows->len > limit)
    {
      g_ptr_array_set_size (rows, limit);
      next_cursor = encode_cursor (&sort, g_ptr_array_index (rows, limit - 1));
    }

  body = json_object_new ();
  items = json_array_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (rows, i);

      /* The matrix has no partial view reach today; should one appear, the page may come
       * out shorter than the limit but never shows what it must not. */
      if (reach != TD_REACH_ALL && !td_resource_allows (call, def, def->perm_view, row))
        continue;
      json_array_add_element (items, td_resource_present (call, def, row));
    }
  json_object_set_array_member (body, "items", items);
  if (next_cursor != NULL)
    json_object_set_string_member (body, "next_cursor", next_cursor);
  else
    json_object_set_null_member (body, "next_cursor");
  json_node_take_object (root, body);

  return td_api_response_new_json (200, root);
}
