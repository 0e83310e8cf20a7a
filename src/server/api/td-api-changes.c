/* td-api-changes.c: GET /api/v1/changes, the change feed
 *
 * The feed walks the `changes` rows after the cursor in seq order and, for each, decides
 * what the caller may learn:
 *
 *  - the object is visible now (the same scope predicate and view reach as lists): it is
 *    sent as an upsert with its current form, once, at its newest row;
 *  - it is not visible now, but its scope before or after this change was one the caller
 *    could see: it is sent as a delete (it left the caller's scope, or was deleted);
 *  - otherwise nothing: the caller never learns of objects outside their scope.
 *
 * A cursor is void (410) when rows after it were pruned, when the caller's own scope
 * changed after it (role, company, departments, the organization's isolation mode), or
 * when it lies beyond the newest change (a restored database).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-changes"

#include "config.h"

#include "td-changes.h"

#include "td-api-response.h"
#include "td-api-routes.h"
#include "td-change-scope.h"
#include "td-json.h"
#include "td-resource-private.h"

/* Rows looked at per request at most: a caller who sees little of a busy tenant gets an
 * empty page with has_more and the cursor moved on, rather than a slow request. */
#define MAX_SCAN 20000

typedef struct
{
  gint64               seq;
  char                *type;
  char                *id;
  gboolean             latest;
  char                *before;   /* scope snapshots (JSON text), nullable; parsed only for */
  char                *after;    /* objects that are not visible now */
} FeedRow;

static void
feed_row_free (gpointer data)
{
  FeedRow *row = data;

  g_free (row->type);
  g_free (row->id);
  g_free (row->before);
  g_free (row->after);
  g_free (row);
}

static JsonObject *
parse_snapshot (const char *text)
{
  g_autoptr(JsonNode) node = NULL;

  if (text == NULL)
    return NULL;
  node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

static gboolean
read_int (TdDb        *db,
          const char  *sql,
          const char  *param,
          gint64      *out_value,
          GError     **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);
  TdDbStep step;

  if (stmt == NULL)
    return FALSE;
  if (param != NULL)
    td_db_stmt_bind_text (stmt, 1, param);
  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ERROR)
    return FALSE;
  *out_value = step == TD_DB_STEP_ROW ? td_db_stmt_get_int64 (stmt, 0) : 0;
  return TRUE;
}

static TdApiResponse *
resync_required (const char *why)
{
  return td_api_response_new_error (410, "resync_required", why, NULL);
}

/* NULL when @since can be answered for the caller, else the 410 (or 500). */
static TdApiResponse *
check_cursor (TdApiCall *call,
              gint64     since,
              gint64    *out_newest)
{
  g_autoptr(GError) error = NULL;
  gint64 min_since, newest, user_seq, org_seq;

  if (!read_int (call->db, "SELECT min_since FROM change_feed_state", NULL, &min_since, &error) ||
      !read_int (call->db, "SELECT coalesce(max(seq), 0) FROM changes", NULL, &newest, &error) ||
      !read_int (call->db, "SELECT scope_seq FROM employees WHERE id = ?",
                 call->identity->user->id, &user_seq, &error) ||
      !read_int (call->db, "SELECT scope_seq FROM organizations WHERE id = ?",
                 call->identity->user->org_id, &org_seq, &error))
    return td_api_internal_error ("Reading the change feed state failed", error);
  *out_newest = newest;

  /* since = 0 is the initial sync: always answerable. */
  if (since == 0)
    return NULL;
  if (since < min_since)
    return resync_required ("The cursor is older than the change history the server keeps");
  if (since < user_seq || since < org_seq)
    return resync_required ("What you may see has changed since this cursor");
  if (since > newest)
    return resync_required ("The cursor is newer than the server's history");
  return NULL;
}

/* The types the feed answers for, as a JSON array (the registry's, plus the organization
 * whose rows only carry the isolation mode and are never sent). */
static gpointer
build_feed_types (gpointer data)
{
  g_autoptr(JsonArray) types = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gsize n;
  const TdResourceDef * const *defs = td_resource_all (&n);

  for (gsize i = 0; i < n; i++)
    if (g_hash_table_add (seen, (gpointer) defs[i]->type))
      json_array_add_string_element (types, defs[i]->type);
  node = json_node_init_array (json_node_alloc (), types);
  return json_to_string (node, FALSE);
}

static const char *
feed_types_json (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, build_feed_types, NULL);
}

/* Scans up to @chunk rows after @since into @rows. Returns FALSE on error. */
static gboolean
scan_rows (TdApiCall  *call,
           gint64      since,
           guint       chunk,
           GPtrArray  *rows,
           GError    **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stmt = td_db_prepare (call->db,
                        "SELECT c.seq, c.type, c.object_id, c.scope_before, c.scope_after,"
                        " (SELECT max(n.seq) FROM changes n"
                        "   WHERE n.type = c.type AND n.object_id = c.object_id)"
                        " FROM changes c WHERE c.org_id = ? AND c.seq > ?"
                        /* Rows of types outside the feed (a case's messages, updates,
                         * offers) are skipped here, where it costs nothing. */
                        " AND c.type IN (SELECT value FROM json_each(?))"
                        " ORDER BY c.seq LIMIT ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, call->identity->user->org_id);
  td_db_stmt_bind_int64 (stmt, 2, since);
  td_db_stmt_bind_text (stmt, 3, feed_types_json ());
  td_db_stmt_bind_int64 (stmt, 4, chunk);

  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      FeedRow *row = g_new0 (FeedRow, 1);

      row->seq = td_db_stmt_get_int64 (stmt, 0);
      row->type = td_db_stmt_dup_text (stmt, 1);
      row->id = td_db_stmt_dup_text (stmt, 2);
      row->before = td_db_stmt_is_null (stmt, 3) ? NULL : td_db_stmt_dup_text (stmt, 3);
      row->after = td_db_stmt_is_null (stmt, 4) ? NULL : td_db_stmt_dup_text (stmt, 4);
      row->latest = td_db_stmt_get_int64 (stmt, 5) == row->seq;
      g_ptr_array_add (rows, row);
    }
  return step != TD_DB_STEP_ERROR;
}

static gboolean
def_readable (TdApiCall           *call,
              const TdResourceDef *def)
{
  return td_permission_reach (call->identity->user->role, def->perm_view) != TD_REACH_NONE;
}

typedef struct
{
  const TdResourceDef *def;
  char                *json;  /* the object's response form */
} Visible;

static void
visible_free (gpointer data)
{
  Visible *visible = data;

  g_free (visible->json);
  g_free (visible);
}

/* The definition's present hook needs the object as a tree (tasks: overdue). */
static char *
apply_present_hook (TdApiCall           *call,
                    const TdResourceDef *def,
                    const char          *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (json);
  def->present (call, json_node_get_object (node));
  return json_to_string (node, FALSE);
}

static char *
visible_key (const char *type,
             const char *id)
{
  return g_strconcat (type, "/", id, NULL);
}

/* Loads, for every object named in @rows, its current row if the caller can see it:
 * one query per collection, with the lists' scope predicate. */
static gboolean
load_visible (TdApiCall   *call,
              GPtrArray   *rows,
              GHashTable  *visible,
              GError     **error)
{
  g_autoptr(GHashTable) ids_by_def = g_hash_table_new_full (NULL, NULL, NULL,
                                                             (GDestroyNotify) json_array_unref);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < rows->len; i++)
    {
      FeedRow *row = rows->pdata[i];
      const TdResourceDef * const *defs = td_change_scope_defs_for_type (row->type);

      for (guint d = 0; defs != NULL && defs[d] != NULL; d++)
        {
          JsonArray *ids;

          if (!def_readable (call, defs[d]))
            continue;
          ids = g_hash_table_lookup (ids_by_def, defs[d]);
          if (ids == NULL)
            {
              ids = json_array_new ();
              g_hash_table_insert (ids_by_def, (gpointer) defs[d], ids);
            }
          json_array_add_string_element (ids, row->id);
        }
    }

  g_hash_table_iter_init (&iter, ids_by_def);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const TdResourceDef *def = key;
      g_autoptr(GString) sql = g_string_new ("SELECT");
      g_autoptr(GPtrArray) params = td_resource_params_new ();
      g_autoptr(GPtrArray) scope = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(JsonNode) ids_node = json_node_init_array (json_node_alloc (), value);
      g_autofree char *ids_text = json_to_string (ids_node, FALSE);
      g_autoptr(TdDbStmt) stmt = NULL;
      TdDbStep step;

      /* SQLite writes the objects' JSON: a tree per object would cost more than the
       * query. */
      g_string_append (sql, " t.id, ");
      if (!td_resource_append_json_sql (call, def, "t", sql))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "%s has too many fields for the change feed", def->collection);
          return FALSE;
        }
      /* CROSS JOIN keeps the id list the outer loop: SQLite would otherwise walk the
       * tenant's rows by the scope's org_id index and test each against the list. */
      g_string_append_printf (sql, " FROM json_each(?) td_ids CROSS JOIN %s t"
                                   " WHERE t.id = td_ids.value AND t.deleted = 0", def->table);
      td_resource_params_add_text (params, ids_text);
      td_scope_append_sql (call, def, "t", sql, scope);
      for (guint i = 0; i < scope->len; i++)
        td_resource_params_add_text (params, scope->pdata[i]);

      stmt = td_db_prepare (call->db, sql->str, error);
      if (stmt == NULL)
        return FALSE;
      td_resource_bind_params (stmt, params, 1);
      while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
        {
          Visible *entry = g_new0 (Visible, 1);

          entry->def = def;
          entry->json = def->present != NULL
                        ? apply_present_hook (call, def, td_db_stmt_get_text (stmt, 1))
                        : td_db_stmt_dup_text (stmt, 1);
          g_hash_table_replace (visible, visible_key (def->type, td_db_stmt_get_text (stmt, 0)),
                                entry);
        }
      if (step == TD_DB_STEP_ERROR)
        return FALSE;
    }
  return TRUE;
}

/* Whether the caller could see the object with one of the snapshots of @row. */
static gboolean
was_visible (TdApiCall *call,
             FeedRow   *row)
{
  const TdResourceDef * const *defs = td_change_scope_defs_for_type (row->type);
  g_autoptr(JsonObject) before = parse_snapshot (row->before);
  g_autoptr(JsonObject) after = parse_snapshot (row->after);

  for (guint d = 0; defs != NULL && defs[d] != NULL; d++)
    if (td_change_scope_visible (call, defs[d], before) ||
        td_change_scope_visible (call, defs[d], after))
      return TRUE;
  return FALSE;
}

/* {"seq":…,"type":…,"id":…,"op":…[,"object":…]}; types and ids are ours (identifiers
 * and UUIDs), but they are escaped like any string all the same. */
static void
append_change (GString    *out,
               FeedRow    *row,
               const char *op,
               const char *object_json)
{
  g_autoptr(JsonNode) type = json_node_init_string (json_node_alloc (), row->type);
  g_autoptr(JsonNode) id = json_node_init_string (json_node_alloc (), row->id);
  g_autofree char *type_text = json_to_string (type, FALSE);
  g_autofree char *id_text = json_to_string (id, FALSE);

  if (out->str[out->len - 1] != '[')
    g_string_append_c (out, ',');
  g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"type\":%s,\"id\":%s,\"op\":\"%s\"",
                          row->seq, type_text, id_text, op);
  if (object_json != NULL)
    {
      g_string_append (out, ",\"object\":");
      g_string_append (out, object_json);
    }
  g_string_append_c (out, '}');
}

void
td_changes_page_free (TdChangesPage *page)
{
  if (page == NULL)
    return;
  if (page->json != NULL)
    g_string_free (page->json, TRUE);
  g_clear_pointer (&page->notifications, g_ptr_array_unref);
  g_free (page);
}

TdChangesPage *
td_changes_page (TdApiCall      *call,
                 gint64          since,
                 guint           limit,
                 TdApiResponse **out_error)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(TdChangesPage) page = g_new0 (TdChangesPage, 1);
  gint64 cursor = since;
  guint scanned = 0;

  g_return_val_if_fail (call != NULL && call->identity != NULL && out_error != NULL, NULL);

  *out_error = check_cursor (call, since, &page->newest_seq);
  if (*out_error != NULL)
    return NULL;

  page->json = g_string_new ("{\"changes\":[");
  page->notifications = g_ptr_array_new_with_free_func (g_free);
  for (;;)
    {
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (feed_row_free);
      g_autoptr(GHashTable) visible = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                             g_free, visible_free);
      guint chunk = MAX (limit, 200);
      gboolean full = FALSE;

      if (!scan_rows (call, cursor, chunk, rows, &error) ||
          !load_visible (call, rows, visible, &error))
        {
          *out_error = td_api_internal_error ("Reading the change feed failed", error);
          return NULL;
        }

      for (guint i = 0; i < rows->len && !full; i++)
        {
          FeedRow *row = rows->pdata[i];
          g_autofree char *key = visible_key (row->type, row->id);
          Visible *now = g_hash_table_lookup (visible, key);

          cursor = row->seq;
          scanned++;
          if (now != NULL)
            {
              if (row->latest)
                {
                  append_change (page->json, row, "upsert", now->json);
                  page->n_changes++;
                  page->last_change_seq = row->seq;
                  if (g_str_equal (row->type, "notification"))
                    g_ptr_array_add (page->notifications, g_strdup (now->json));
                }
            }
          /* The initial sync has nothing to delete. */
          else if (since > 0 && !g_hash_table_contains (deleted, key) && was_visible (call, row))
            {
              append_change (page->json, row, "delete", NULL);
              page->n_changes++;
              page->last_change_seq = row->seq;
              g_hash_table_add (deleted, g_steal_pointer (&key));
            }
          full = page->n_changes >= limit;
        }

      if (full || (rows->len == chunk && scanned >= MAX_SCAN))
        {
          /* A full page may have stopped in the middle of the chunk; a long scan leaves
           * the rest for the next request. */
          page->has_more = TRUE;
          break;
        }
      if (rows->len < chunk)
        break;
    }

  page->next_since = cursor;
  g_string_append_printf (page->json, "],\"next_since\":%" G_GINT64_FORMAT ",\"has_more\":%s,"
                          "\"newest_seq\":%" G_GINT64_FORMAT "}",
                          cursor, page->has_more ? "true" : "false", page->newest_seq);
  return g_steal_pointer (&page);
}

static gboolean
parse_int_param (GHashTable *query,
                 const char *name,
                 gint64      min,
                 gint64      max,
                 gint64      fallback,
                 gint64     *out_value)
{
  const char *text = g_hash_table_lookup (query, name);
  guint64 value;

  if (text == NULL)
    {
      *out_value = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, (guint64) min, (guint64) max, &value, NULL))
    return FALSE;
  *out_value = (gint64) value;
  return TRUE;
}

/* GET /api/v1/changes?since=&limit= */
static TdApiResponse *
changes_list (TdApiCall *call)
{
  GHashTable *query = call->request->query;
  TdApiResponse *response = NULL;
  g_autoptr(TdChangesPage) page = NULL;
  gint64 since, limit;

  if (!parse_int_param (query, "since", 0, G_MAXINT64, 0, &since))
    return td_api_response_new_error (400, "invalid_field",
                                      "since must be a change number (0 or more)", "since");
  if (!parse_int_param (query, "limit", 1, TD_CHANGES_MAX_LIMIT, TD_CHANGES_DEFAULT_LIMIT,
                        &limit))
    return td_api_response_new_error (400, "invalid_field", "limit must be from 1 to 5000",
                                      "limit");

  page = td_changes_page (call, since, (guint) limit, &response);
  if (page == NULL)
    return response;
  response = td_api_response_new (200);
  response->content_type = "application/json";
  response->body = g_bytes_new (page->json->str, page->json->len);
  return response;
}

static const TdApiRoute sync_routes[] = {
  { "GET", TD_API_BASE_PATH "/changes", changes_list, 0, NULL },
};

const TdApiRouteTable td_api_sync_route_table = {
  sync_routes, G_N_ELEMENTS (sync_routes),
};
