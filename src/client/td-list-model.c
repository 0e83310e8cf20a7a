/* td-list-model.c: a lazy GListModel over one cached type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-list-model"

#include "config.h"

#include "td-list-model.h"

#include <string.h>

#include "td-cache-private.h"

#define MAX_WINDOWS 16
#define SEARCH_LOOKUP_LIMIT 2000

typedef struct
{
  guint      index;
  guint64    last_use;
  GPtrArray *items;
} Window;

struct _TdListModel
{
  GObject              parent_instance;

  TdCache             *cache;
  char                *type;
  const TdCacheEntity *entity;
  gulong               changed_handler;

  GHashTable          *filters;      /* column → value */
  char                *sort;
  gboolean             descending;
  char                *match;        /* FTS5 query or NULL */
  gint64               match_count;  /* rows the FTS index matches, or -1 */

  /* The query, rebuilt when filters, sort or search change */
  char                *where;        /* "FROM … WHERE …" */
  char                *order;        /* "ORDER BY …" */
  GPtrArray           *binds;        /* text values for the ?s of `where`, in order */

  guint                n_items;
  guint                diff_limit;
  GArray              *rids;         /* the order, while n_items <= TD_LIST_MODEL_DIFF_LIMIT */
  GHashTable          *windows;      /* window index → Window */
  guint64              use_clock;
  guint                window_loads;
};

static void td_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TdListModel, td_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, td_list_model_iface_init))

static void
window_free (Window *window)
{
  g_ptr_array_unref (window->items);
  g_free (window);
}

char *
td_list_model_build_match (const char *text)
{
  g_auto(GStrv) words = NULL;
  GString *match = NULL;

  if (text == NULL)
    return NULL;
  words = g_strsplit_set (text, " \t\n\r", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *quoted = NULL;
      g_auto(GStrv) parts = NULL;

      if (*words[i] == '\0' || !g_utf8_validate (words[i], -1, NULL))
        continue;
      /* A quoted string is a phrase of its tokens: "HP-200-0007" finds that serial number,
       * and no operator or column filter of FTS5's syntax reaches the query. */
      parts = g_strsplit (words[i], "\"", -1);
      quoted = g_strjoinv ("\"\"", parts);
      if (match == NULL)
        match = g_string_new (NULL);
      else
        g_string_append_c (match, ' ');
      g_string_append_printf (match, "\"%s\"*", quoted);
    }
  return match != NULL ? g_string_free (match, FALSE) : NULL;
}

/* How many rows match the search, from the FTS index alone: exact, because the index holds
 * every row of its table (not during a bulk load, and not for the generic table, whose
 * index mixes types). -1 when it cannot tell. */
static gint64
count_matches (TdListModel *self)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 count = -1;

  if (self->match == NULL || self->entity->type == NULL || g_hash_table_size (self->filters) > 0 ||
      td_cache_in_bulk (self->cache))
    return -1;
  sql = g_strdup_printf ("SELECT count(*) FROM %s_fts WHERE %s_fts MATCH ?",
                         self->entity->table, self->entity->table);
  stmt = td_cache_statement (self->cache, sql, NULL);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, self->match, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

static void
build_query (TdListModel *self)
{
  const char *t = self->entity->table;
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(GList) columns = NULL;
  const char *dir = self->descending ? "DESC" : "ASC";

  g_ptr_array_set_size (self->binds, 0);
  self->match_count = count_matches (self);
  g_string_append_printf (where, "FROM %s t", t);
  /* Many matches: walk the sort index and test each row against the match set, rather than
   * fetch every matching row and sort them (the planner's choice, 10× slower for a common
   * word in a million rows). Few matches: the planner's way is the fast one. */
  if (self->match_count > SEARCH_LOOKUP_LIMIT)
    g_string_append_printf (where, " INDEXED BY %s_by_%s", t, self->sort);
  g_string_append (where, " WHERE 1");
  if (self->entity->type == NULL)
    {
      g_string_append (where, " AND t.type = ?");
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
        g_string_append_printf (where, " AND t.rid IN (SELECT rid FROM %s_labels WHERE label = ?)",
                                t);
      else
        g_string_append_printf (where, " AND t.%s = ?", column);
      g_ptr_array_add (self->binds, g_strdup (g_hash_table_lookup (self->filters, column)));
    }
  if (self->match != NULL)
    {
      g_string_append_printf (where, " AND t.rid IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH ?)",
                              t, t);
      g_ptr_array_add (self->binds, g_strdup (self->match));
    }

  g_free (self->where);
  self->where = g_string_free (g_steal_pointer (&where), FALSE);
  g_free (self->order);
  self->order = g_strdup_printf ("ORDER BY t.%s %s, t.rid %s", self->sort, dir, dir);
}

static sqlite3_stmt *
prepare (TdListModel *self,
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
  for (guint i = 0; i < self->binds->len; i++)
    sqlite3_bind_text (stmt, i + 1, self->binds->pdata[i], -1, SQLITE_STATIC);
  return stmt;
}

/* Reads the count (and the order of a short list); drops every window. */
static void
refresh (TdListModel *self)
{
  g_autofree char *count_sql = NULL;
  sqlite3_stmt *stmt;

  g_hash_table_remove_all (self->windows);
  g_clear_pointer (&self->rids, g_array_unref);
  self->n_items = 0;
  /* Each time: the match count and the indexes there are (none in a bulk load) change. */
  build_query (self);

  if (self->match_count >= 0)
    self->n_items = (guint) MIN (self->match_count, G_MAXUINT);
  else
    {
      count_sql = g_strdup_printf ("SELECT count(*) %s", self->where);
      stmt = prepare (self, count_sql);
      if (stmt == NULL)
        return;
      if (sqlite3_step (stmt) == SQLITE_ROW)
        self->n_items = (guint) MIN (sqlite3_column_int64 (stmt, 0), G_MAXUINT);
      sqlite3_reset (stmt);
    }

  if (self->n_items <= self->diff_limit)
    {
      g_autofree char *order_sql = g_strdup_printf ("SELECT t.rid %s %s", self->where,
                                                    self->order);

      stmt = prepare (self, order_sql);
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
    }
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

/* Two steps: the positions from the sort index alone (OFFSET steps through index entries
 * only), then the rows by rid. One query reading every column is twice as slow at depth. */
static void
load_by_offset (TdListModel *self,
                Window      *window,
                guint        first)
{
  g_autofree char *sql = g_strdup_printf ("SELECT t.rid %s %s LIMIT ? OFFSET ?",
                                          self->where, self->order);
  sqlite3_stmt *stmt = prepare (self, sql);
  gint64 rids[TD_LIST_MODEL_WINDOW];
  guint n = 0;

  if (stmt == NULL)
    return;
  sqlite3_bind_int (stmt, self->binds->len + 1, TD_LIST_MODEL_WINDOW);
  sqlite3_bind_int64 (stmt, self->binds->len + 2, first);
  while (n < TD_LIST_MODEL_WINDOW && sqlite3_step (stmt) == SQLITE_ROW)
    rids[n++] = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
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
  guint first = index * TD_LIST_MODEL_WINDOW;

  if (window == NULL)
    {
      if (g_hash_table_size (self->windows) >= MAX_WINDOWS)
        evict_oldest (self);
      window = g_new0 (Window, 1);
      window->index = index;
      window->items = g_ptr_array_new_full (TD_LIST_MODEL_WINDOW, g_object_unref);
      if (self->rids != NULL && first < self->rids->len)
        load_rows (self, window, &g_array_index (self->rids, gint64, first),
                   MIN (TD_LIST_MODEL_WINDOW, self->rids->len - first));
      else if (self->rids == NULL)
        load_by_offset (self, window, first);
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
  window = get_window (self, position / TD_LIST_MODEL_WINDOW);
  offset = position % TD_LIST_MODEL_WINDOW;
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
    if ((window->index + 1) * TD_LIST_MODEL_WINDOW > position)
      g_hash_table_iter_remove (&iter);
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

  if (ids == NULL || self->rids == NULL)
    {
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
  g_free (self->where);
  g_free (self->order);
  g_ptr_array_unref (self->binds);
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
  reset (self);
}

guint
td_list_model_get_window_loads (TdListModel *self)
{
  g_return_val_if_fail (TD_IS_LIST_MODEL (self), 0);
  return self->window_loads;
}

void
td_list_model_set_diff_limit (TdListModel *self,
                              guint        limit)
{
  g_return_if_fail (TD_IS_LIST_MODEL (self));
  self->diff_limit = limit;
  reset (self);
}
