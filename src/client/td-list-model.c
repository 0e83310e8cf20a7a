/* td-list-model.c: a lazy GListModel over one cached type
 *
 * A list up to the diff limit keeps its order (the rids) in memory and loads a window by
 * rid; a longer one finds a window by keyset from its anchors (td-list-anchors.c). A search
 * is tested against the rids the FTS index matches, read once (td-list-search.c). On a
 * change in the cache, a short list reports the one range that changed, a long one a reset
 * unless the change left it as it was (HACKING.md, "Client cache and outbox").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-list-model"

#include "config.h"

#include "td-list-model.h"

#include <string.h>

#include "td-list-model-private.h"

#define MAX_WINDOWS 16

typedef struct
{
  guint      index;
  guint64    last_use;
  GPtrArray *items;
} Window;

static void td_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TdListModel, td_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, td_list_model_iface_init))

static void
window_free (Window *window)
{
  g_ptr_array_unref (window->items);
  g_free (window);
}

/* Queries */

sqlite3_stmt *
td_list_model_prepare (TdListModel *self,
                       const char  *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = td_cache_statement (self->cache, sql, &error);

  if (stmt == NULL)
    {
      /* A wiped cache is an empty list, not an error. */
      if (!g_error_matches (error, TD_CACHE_ERROR, TD_CACHE_ERROR_CLOSED))
        g_warning ("List query failed: %s", error->message);
      return NULL;
    }
  td_list_search_bind_all (stmt, self->binds, self->match_bind, self->match_set);
  return stmt;
}

static gint64
query_count (TdListModel *self,
             const char  *sql)
{
  sqlite3_stmt *stmt = td_list_model_prepare (self, sql);
  gint64 count = 0;

  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

static void
build_query (TdListModel *self)
{
  const char *t = self->entity->table;
  g_autoptr(GString) cond = g_string_new (" WHERE 1");
  g_autoptr(GList) columns = NULL;
  const char *dir = self->descending ? "DESC" : "ASC";
  const char *back = self->descending ? "ASC" : "DESC";

  g_ptr_array_set_size (self->binds, 0);
  self->match_bind = 0;
  g_clear_pointer (&self->match_set, td_list_match_set_unref);
  self->match_count = -1;
  self->match_none = FALSE;
  self->walk_reads_table = FALSE;
  if (self->entity->type == NULL)
    {
      g_string_append (cond, " AND t.type = ?");
      g_ptr_array_add (self->binds, g_strdup (self->type));
    }
  /* Sorted, so that one set of filters always makes the same statement text. */
  columns = g_list_sort (g_hash_table_get_keys (self->filters), (GCompareFunc) strcmp);
  for (GList *l = columns; l != NULL; l = l->next)
    {
      const char *column = l->data;

      /* Column names come from the entity's own list (checked in set_filter), never from
       * the caller's text. */
      if (strcmp (column, "labels") == 0)
        g_string_append_printf (cond, " AND t.rid IN (SELECT rid FROM %s_labels WHERE label = ?)",
                                t);
      else
        g_string_append_printf (cond, " AND t.%s = ?", column);
      g_ptr_array_add (self->binds, g_strdup (g_hash_table_lookup (self->filters, column)));
    }
  if (self->words != NULL)
    td_list_model_build_search (self, cond);

  g_free (self->from);
  self->from = g_strdup_printf ("FROM %s t", t);
  g_free (self->walk_from);
  self->walk_from = g_strdup (self->from);
  g_free (self->cond);
  self->cond = g_string_free (g_steal_pointer (&cond), FALSE);
  g_free (self->order);
  self->order = g_strdup_printf ("ORDER BY t.%s %s, t.rid %s", self->sort, dir, dir);
  g_free (self->backwards);
  self->backwards = g_strdup_printf ("ORDER BY t.%s %s, t.rid %s", self->sort, back, back);
}

/* What SQLite would do for @sql: whether it sorts every row (a filter or search without
 * an index in the sort order), and whether it reads table rows (not only an index). */
static void
explain (TdListModel *self,
         const char  *sql,
         gboolean    *sorts,
         gboolean    *reads_table)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  sqlite3_stmt *stmt = td_list_model_prepare (self, explain);

  *sorts = FALSE;
  *reads_table = FALSE;
  if (stmt == NULL)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);

      if (detail == NULL)
        continue;
      if (strstr (detail, "TEMP B-TREE FOR ORDER BY") != NULL)
        *sorts = TRUE;
      /* the list's table, as "t" (not its FTS or labels tables) */
      if ((g_str_has_prefix (detail, "SEARCH t ") || g_str_has_prefix (detail, "SCAN t ") ||
           strcmp (detail, "SCAN t") == 0) &&
          strstr (detail, "COVERING INDEX") == NULL)
        *reads_table = TRUE;
    }
  sqlite3_reset (stmt);
}

/* Rows with a NULL sort key: the whole table is asked first, one seek in the sort index. */
static guint
count_nulls (TdListModel *self)
{
  const char *t = self->entity->table;
  g_autofree char *any_sql = NULL;
  g_autofree char *count_sql = NULL;
  sqlite3_stmt *stmt;
  gboolean any = FALSE;

  any_sql = g_strdup_printf ("SELECT 1 FROM %s t INDEXED BY %s_by_%s WHERE t.%s IS NULL%s LIMIT 1",
                             t, t, self->sort, self->sort,
                             self->entity->type == NULL ? " AND t.type = ?" : "");
  stmt = td_cache_statement (self->cache, any_sql, NULL);
  if (stmt == NULL)
    return 0;
  if (self->entity->type == NULL)
    sqlite3_bind_text (stmt, 1, self->type, -1, SQLITE_STATIC);
  any = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (!any)
    return 0;
  count_sql = g_strdup_printf ("SELECT count(*) FROM %s t INDEXED BY %s_by_%s%s AND t.%s IS NULL",
                               t, t, self->sort, self->cond, self->sort);
  return (guint) MIN (query_count (self, count_sql), self->n_items);
}

/* Loading */

/* Reads the count (and the order of a short list); drops every window. */
static void
refresh (TdListModel *self)
{
  gint64 count = -1;

  td_list_model_stop_anchors (self);
  g_hash_table_remove_all (self->windows);
  g_clear_pointer (&self->rids, g_array_unref);
  self->n_items = 0;
  self->n_null = 0;
  /* Each time: the terms, the matches and the indexes there are (none in a bulk load)
   * change. */
  build_query (self);
  if (self->match_none)
    return;

  /* A plain search: the FTS index's own count is exact, because it holds every row of
   * its table (not during a bulk load, and not for the generic table, whose index mixes
   * types). */
  if (self->match_count >= 0 && self->entity->type != NULL &&
      g_hash_table_size (self->filters) == 0 && !td_cache_in_bulk (self->cache))
    count = self->match_count;
  else
    {
      g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) %s%s", self->from,
                                                    self->cond);

      count = query_count (self, count_sql);
    }
  self->n_items = (guint) MIN (count, G_MAXUINT);

  if (self->n_items <= self->diff_limit)
    {
      g_autofree char *order_sql = g_strdup_printf ("SELECT t.rid %s%s %s", self->from,
                                                    self->cond, self->order);
      sqlite3_stmt *stmt = td_list_model_prepare (self, order_sql);

      if (stmt == NULL)
        return;
      self->rids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->n_items);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 rid = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (self->rids, rid);
        }
      sqlite3_reset (stmt);
      self->n_items = self->rids->len;
      return;
    }

  /* A long list. Without its indexes (bulk load) the planner has no choice anyway. */
  if (td_cache_in_bulk (self->cache))
    {
      g_autofree char *null_sql = g_strdup_printf ("SELECT count(*) %s%s AND t.%s IS NULL",
                                                   self->from, self->cond, self->sort);

      self->n_null = (guint) MIN (query_count (self, null_sql), self->n_items);
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("SELECT t.rid %s%s %s", self->from, self->cond,
                                              self->order);
      gboolean sorts, reads_table;

      /* Walk the sort index and test each row rather than have SQLite sort every match
       * for each window: a first window reads a few thousand index entries. */
      explain (self, sql, &sorts, &reads_table);
      if (sorts)
        {
          g_free (self->walk_from);
          self->walk_from = g_strdup_printf ("FROM %s t INDEXED BY %s_by_%s",
                                             self->entity->table, self->entity->table,
                                             self->sort);
          g_free (sql);
          sql = g_strdup_printf ("SELECT t.rid %s%s %s", self->walk_from, self->cond,
                                 self->order);
          explain (self, sql, &sorts, &reads_table);
        }
      self->walk_reads_table = reads_table;
      self->n_null = count_nulls (self);
    }
  self->anchors = td_list_anchors_new (self->n_items);
}

static void
reset (TdListModel *self)
{
  guint old = self->n_items;

  refresh (self);
  if (old != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

static TdCacheItem *
item_from_row (TdListModel  *self,
               sqlite3_stmt *stmt,
               int           first)
{
  return td_cache_item_new (self->type,
                            (const char *) sqlite3_column_text (stmt, first),
                            sqlite3_column_int64 (stmt, first + 1),
                            (const char *) sqlite3_column_text (stmt, first + 2),
                            (const char *) sqlite3_column_text (stmt, first + 3),
                            (const char *) sqlite3_column_text (stmt, first + 4),
                            (const char *) sqlite3_column_text (stmt, first + 5));
}

#define ITEM_COLUMNS "t.id, t.version, t.title, t.status, t.updated_at, t.json"

static void
load_rows (TdListModel  *self,
           Window       *window,
           const gint64 *rids,
           guint         n)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " ITEM_COLUMNS " FROM %s t WHERE t.rid = ?",
                                          self->entity->table);
  sqlite3_stmt *stmt = td_cache_statement (self->cache, sql, NULL);

  if (stmt == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (stmt, 1, rids[i]);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (window->items, item_from_row (self, stmt, 0));
      sqlite3_reset (stmt);
    }
}

/* A window of a long list: its rids by keyset, then its rows. */
static void
load_by_position (TdListModel *self,
                  Window      *window,
                  guint        first)
{
  gint64 rids[WINDOW + 1];
  guint n = td_list_model_read_window (self, first, rids);

  load_rows (self, window, rids, n);
}

static void
evict_oldest (TdListModel *self)
{
  GHashTableIter iter;
  Window *window;
  Window *oldest = NULL;

  g_hash_table_iter_init (&iter, self->windows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &window))
    if (oldest == NULL || window->last_use < oldest->last_use)
      oldest = window;
  if (oldest != NULL)
    g_hash_table_remove (self->windows, GUINT_TO_POINTER (oldest->index));
}

static Window *
get_window (TdListModel *self,
            guint        index)
{
  Window *window = g_hash_table_lookup (self->windows, GUINT_TO_POINTER (index));
  guint first = index * WINDOW;

  if (window == NULL)
    {
      if (g_hash_table_size (self->windows) >= MAX_WINDOWS)
        evict_oldest (self);
      window = g_new0 (Window, 1);
      window->index = index;
      window->items = g_ptr_array_new_full (WINDOW, g_object_unref);
      if (self->rids != NULL && first < self->rids->len)
        load_rows (self, window, &g_array_index (self->rids, gint64, first),
                   MIN (WINDOW, self->rids->len - first));
      else if (self->rids == NULL && first < self->n_items)
        load_by_position (self, window, first);
      self->window_loads++;
      g_hash_table_insert (self->windows, GUINT_TO_POINTER (index), window);
    }
  window->last_use = ++self->use_clock;
  return window;
}

/* GListModel */

static GType
td_list_model_get_item_type (GListModel *model)
{
  return TD_TYPE_CACHE_ITEM;
}

static guint
td_list_model_get_n_items (GListModel *model)
{
  return TD_LIST_MODEL (model)->n_items;
}

static gpointer
td_list_model_get_item (GListModel *model,
                        guint       position)
{
  TdListModel *self = TD_LIST_MODEL (model);
  Window *window;
  guint offset;

  if (position >= self->n_items)
    return NULL;
  window = get_window (self, position / WINDOW);
  offset = position % WINDOW;
  /* Short only if a row vanished without a "changed" signal, which sync never does. */
  if (offset >= window->items->len)
    return NULL;
  return g_object_ref (window->items->pdata[offset]);
}

static void
td_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = td_list_model_get_item_type;
  iface->get_n_items = td_list_model_get_n_items;
  iface->get_item = td_list_model_get_item;
}

/* Change tracking */

static GHashTable *
rids_of (TdListModel        *self,
         const char * const *ids)
{
  g_autofree char *sql = NULL;
  GHashTable *rids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_stmt *stmt;

  if (self->entity->type == NULL)
    sql = g_strdup_printf ("SELECT rid FROM %s WHERE id = ?1 AND type = ?2", self->entity->table);
  else
    sql = g_strdup_printf ("SELECT rid FROM %s WHERE id = ?1", self->entity->table);
  stmt = td_cache_statement (self->cache, sql, NULL);
  if (stmt == NULL)
    return rids;
  for (guint i = 0; ids[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt, 1, ids[i], -1, SQLITE_STATIC);
      if (self->entity->type == NULL)
        sqlite3_bind_text (stmt, 2, self->type, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 *rid = g_new (gint64, 1);

          *rid = sqlite3_column_int64 (stmt, 0);
          g_hash_table_add (rids, rid);
        }
      sqlite3_reset (stmt);
    }
  return rids;
}

/* The smallest single range [start, start + removed) of the old order that, replaced by
 * [start, start + added) of the new one, turns old into new, such that every changed row
 * still present lies inside it (its content changed even where its position did not). */
static gboolean
diff_orders (GArray     *old,
             GArray     *new,
             GHashTable *changed,
             guint      *start,
             guint      *removed,
             guint      *added)
{
  const gint64 *a = (const gint64 *) old->data;
  const gint64 *b = (const gint64 *) new->data;
  guint shortest = MIN (old->len, new->len);
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < shortest && a[prefix] == b[prefix])
    prefix++;
  while (suffix < shortest - prefix &&
         a[old->len - 1 - suffix] == b[new->len - 1 - suffix])
    suffix++;
  /* Same order: the range is only where rows changed in place (none: no signal). */
  if (prefix == old->len && prefix == new->len)
    suffix = old->len;

  for (guint i = 0; i < old->len; i++)
    if (g_hash_table_contains (changed, &a[i]))
      {
        prefix = MIN (prefix, i);
        suffix = MIN (suffix, old->len - 1 - i);
      }
  for (guint i = 0; i < new->len; i++)
    if (g_hash_table_contains (changed, &b[i]))
      {
        prefix = MIN (prefix, i);
        suffix = MIN (suffix, new->len - 1 - i);
      }

  if (prefix + suffix >= old->len && prefix + suffix >= new->len)
    return FALSE;
  *start = prefix;
  *removed = old->len - prefix - suffix;
  *added = new->len - prefix - suffix;
  return *removed != 0 || *added != 0;
}

static void
drop_windows_from (TdListModel *self,
                   guint        position)
{
  GHashTableIter iter;
  Window *window;

  g_hash_table_iter_init (&iter, self->windows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &window))
    if ((window->index + 1) * WINDOW > position)
      g_hash_table_iter_remove (&iter);
}

/* Whether a change leaves a long list as it is, so that its windows and anchors stay: no
 * changed row is in it now, and it has as many rows as before (a row that left it would
 * have made it shorter, unless a changed row came in, which would be in it now). Not for
 * a search, whose match set would have to be read again for that. */
static gboolean
long_list_untouched (TdListModel        *self,
                     const char * const *ids)
{
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GString) json = g_string_new ("[");
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gint64 *rid;
  gint64 in_list = -1;

  if (self->words != NULL || self->anchors == NULL || td_cache_in_bulk (self->cache))
    return FALSE;
  changed = rids_of (self, ids);
  g_hash_table_iter_init (&iter, changed);
  while (g_hash_table_iter_next (&iter, (gpointer *) &rid, NULL))
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, json->len > 1 ? "," : "", *rid);
  g_string_append_c (json, ']');

  sql = g_strdup_printf ("SELECT count(*) %s%s AND t.rid IN (SELECT value FROM json_each (?))",
                         self->from, self->cond);
  stmt = td_list_model_prepare (self, sql);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, (int) self->binds->len + 1, json->str, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    in_list = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (in_list != 0)
    return FALSE;

  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) %s%s", self->from, self->cond);
  return query_count (self, sql) == self->n_items;
}

static void
cache_changed_cb (TdListModel        *self,
                  const char         *type,
                  const char * const *ids,
                  TdCache            *cache)
{
  g_autoptr(GArray) old_rids = NULL;
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GHashTable) kept = NULL;
  guint old_n = self->n_items;
  guint start, removed, added;

  if (g_strcmp0 (type, self->type) != 0)
    return;

  /* A long list: its anchors and windows go with the reset. */
  if (ids == NULL || self->rids == NULL)
    {
      if (ids != NULL && self->rids == NULL && long_list_untouched (self, ids))
        return;
      refresh (self);
      if (old_n != 0 || self->n_items != 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
      return;
    }

  /* The windows before the change stay valid: keep them through refresh(). */
  kept = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) window_free);
  changed = rids_of (self, ids);
  old_rids = g_steal_pointer (&self->rids);
  {
    GHashTableIter iter;
    gpointer key;
    Window *window;

    g_hash_table_iter_init (&iter, self->windows);
    while (g_hash_table_iter_next (&iter, &key, (gpointer *) &window))
      {
        g_hash_table_iter_steal (&iter);
        g_hash_table_insert (kept, key, window);
      }
  }
  refresh (self);

  if (self->rids == NULL)
    {
      /* Grew past the diff limit: a reset (the kept windows go with `kept`). */
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
      return;
    }
  g_hash_table_unref (self->windows);
  self->windows = g_steal_pointer (&kept);
  if (!diff_orders (old_rids, self->rids, changed, &start, &removed, &added))
    return;
  drop_windows_from (self, start);
  g_list_model_items_changed (G_LIST_MODEL (self), start, removed, added);
}

/* GObject */

static void
td_list_model_dispose (GObject *object)
{
  TdListModel *self = TD_LIST_MODEL (object);

  td_list_model_stop_anchors (self);
  g_clear_signal_handler (&self->changed_handler, self->cache);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (td_list_model_parent_class)->dispose (object);
}

static void
td_list_model_finalize (GObject *object)
{
  TdListModel *self = TD_LIST_MODEL (object);

  g_free (self->type);
  g_hash_table_unref (self->filters);
  g_free (self->sort);
  g_free (self->match);
  g_strfreev (self->words);
  g_free (self->from);
  g_free (self->walk_from);
  g_free (self->cond);
  g_free (self->order);
  g_free (self->backwards);
  g_ptr_array_unref (self->binds);
  g_clear_pointer (&self->match_set, td_list_match_set_unref);
  g_clear_pointer (&self->rids, g_array_unref);
  g_hash_table_unref (self->windows);

  G_OBJECT_CLASS (td_list_model_parent_class)->finalize (object);
}

static void
td_list_model_class_init (TdListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_list_model_dispose;
  object_class->finalize = td_list_model_finalize;
}

static void
td_list_model_init (TdListModel *self)
{
  self->filters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->binds = g_ptr_array_new_with_free_func (g_free);
  self->windows = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) window_free);
  self->sort = g_strdup ("updated_at");
  self->descending = TRUE;
  self->diff_limit = TD_LIST_MODEL_DIFF_LIMIT;
}

TdListModel *
td_list_model_new (TdCache    *cache,
                   const char *type)
{
  TdListModel *self;
  g_autofree char *detailed = NULL;

  g_return_val_if_fail (TD_IS_CACHE (cache), NULL);
  g_return_val_if_fail (type != NULL, NULL);

  self = g_object_new (TD_TYPE_LIST_MODEL, NULL);
  self->cache = g_object_ref (cache);
  self->type = g_strdup (type);
  self->entity = td_cache_entity_lookup (type);
  detailed = g_strconcat ("changed::", type, NULL);
  self->changed_handler = g_signal_connect_object (cache, detailed,
                                                   G_CALLBACK (cache_changed_cb), self,
                                                   G_CONNECT_SWAPPED);
  refresh (self);
  return self;
}

const char *
td_list_model_get_object_type (TdListModel *self)
{
  g_return_val_if_fail (TD_IS_LIST_MODEL (self), NULL);
  return self->type;
}

gboolean
td_list_model_set_filter (TdListModel *self,
                          const char  *column,
                          const char  *value)
{
  g_return_val_if_fail (TD_IS_LIST_MODEL (self), FALSE);
  g_return_val_if_fail (column != NULL, FALSE);

  if (!td_cache_entity_has_column (self->entity, column))
    return FALSE;
  if (value == NULL)
    {
      if (!g_hash_table_remove (self->filters, column))
        return TRUE;
    }
  else
    {
      if (g_strcmp0 (g_hash_table_lookup (self->filters, column), value) == 0)
        return TRUE;
      g_hash_table_insert (self->filters, g_strdup (column), g_strdup (value));
    }
  reset (self);
  return TRUE;
}

gboolean
td_list_model_set_sort (TdListModel *self,
                        const char  *column,
                        gboolean     descending)
{
  g_return_val_if_fail (TD_IS_LIST_MODEL (self), FALSE);
  g_return_val_if_fail (column != NULL, FALSE);

  if (!td_cache_entity_can_sort (self->entity, column))
    return FALSE;
  if (g_strcmp0 (self->sort, column) == 0 && self->descending == !!descending)
    return TRUE;
  g_free (self->sort);
  self->sort = g_strdup (column);
  self->descending = !!descending;
  reset (self);
  return TRUE;
}

void
td_list_model_set_search (TdListModel *self,
                          const char  *text)
{
  g_autofree char *match = NULL;

  g_return_if_fail (TD_IS_LIST_MODEL (self));

  match = td_list_model_build_match (text);
  if (g_strcmp0 (match, self->match) == 0)
    return;
  g_free (self->match);
  self->match = g_steal_pointer (&match);
  g_strfreev (self->words);
  self->words = td_list_search_split_words (text);
  reset (self);
}

guint
td_list_model_get_window_loads (TdListModel *self)
{
  g_return_val_if_fail (TD_IS_LIST_MODEL (self), 0);
  return self->window_loads;
}

guint64
td_list_model_get_rows_skipped (TdListModel *self)
{
  g_return_val_if_fail (TD_IS_LIST_MODEL (self), 0);
  return self->rows_skipped;
}

void
td_list_model_set_diff_limit (TdListModel *self,
                              guint        limit)
{
  g_return_if_fail (TD_IS_LIST_MODEL (self));
  self->diff_limit = limit;
  reset (self);
}
