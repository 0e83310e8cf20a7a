/* td-list-anchors.c: how a long list finds its windows
 *
 * A list up to the diff limit keeps its order (the rids) in memory. A longer one finds a
 * window by keyset from an anchor, the sort key and rid of the window's first row, so that
 * the query starts in the sort index right there instead of stepping over every row before
 * it (OFFSET is linear: 20–40 ms in the middle of a million rows). From the first jump on,
 * a worker thread reads the anchors of every window on a read-only connection of its own
 * (the cache is WAL: it reads a snapshot while the main thread goes on); each window the
 * main thread loads adds the anchors of itself and the next one. Until a window's anchor
 * is known, the window is found by OFFSET from the nearest anchor before it or from the
 * end, whichever is nearer. Any change of the list's rows, filters, sort or search makes
 * new anchors; a change that leaves a long list as it was keeps them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-list-model"

#include "config.h"

#include "td-list-anchors.h"

#include "td-list-model-private.h"

/* The worker hands over its anchors in batches, one lock each. */
#define ANCHOR_BATCH 64
/* How often (in virtual machine steps) the worker looks whether it should stop. */
#define ANCHOR_CANCEL_STEPS 1000
/* Farther than this from a known anchor, a window of a list whose walk through the sort
 * index reads the table (a filter the index lacks) waits for the worker's anchors: its
 * OFFSET would read a table row per step, seconds deep into a million rows, where the
 * worker sorts the matching rows once. */
#define FAR_ROWS (5 * WINDOW)

typedef struct
{
  sqlite3_value *key;   /* the sort key (SQL NULL included); NULL while unknown */
  gint64         rid;
} Anchor;

/* The anchors of one long list, one per window. A list with other rows, filters, sort or
 * search gets new ones; the worker that fills them is joined before they are freed. */
struct _TdListAnchors
{
  GMutex          lock;
  GCond           cond;        /* signalled when anchors arrive and when the worker stops */
  Anchor         *slots;
  guint           n_slots;
  gboolean        started;     /* a worker was started (or cannot be) */
  gboolean        finished;    /* no worker runs (any more) */
  gboolean        complete;    /* the worker read every row */
  gint            cancelled;   /* atomic */

  /* What the worker reads: every row of the list, in order, with its sort key */
  char           *path;
  char           *sql;
  GPtrArray      *binds;
  guint           match_bind;
  TdListMatchSet *match_set;
  guint           n_rows;
};

/* The rows whose sort key is NULL come first ascending and last descending; comparisons
 * never match NULL, so each block is queried on its own. */
typedef struct
{
  guint    start;
  guint    end;
  gboolean nulls;
} Block;

/* Anchors */

TdListAnchors *
td_list_anchors_new (guint n_rows)
{
  TdListAnchors *anchors = g_new0 (TdListAnchors, 1);

  g_mutex_init (&anchors->lock);
  g_cond_init (&anchors->cond);
  anchors->n_rows = n_rows;
  anchors->n_slots = (n_rows + WINDOW - 1) / WINDOW;
  anchors->slots = g_new0 (Anchor, anchors->n_slots);
  anchors->finished = TRUE;
  return anchors;
}

static void
anchors_forget_locked (TdListAnchors *anchors)
{
  for (guint i = 0; i < anchors->n_slots; i++)
    g_clear_pointer (&anchors->slots[i].key, sqlite3_value_free);
}

static void
anchors_free (TdListAnchors *anchors)
{
  anchors_forget_locked (anchors);
  g_free (anchors->slots);
  g_mutex_clear (&anchors->lock);
  g_cond_clear (&anchors->cond);
  g_free (anchors->path);
  g_free (anchors->sql);
  g_clear_pointer (&anchors->binds, g_ptr_array_unref);
  g_clear_pointer (&anchors->match_set, td_list_match_set_unref);
  g_free (anchors);
}

/* Keeps a copy of @key; a known anchor stays as it is (both threads read the same rows). */
static void
anchors_set_locked (TdListAnchors *anchors,
                    guint          index,
                    sqlite3_value *key,
                    gint64         rid)
{
  if (index >= anchors->n_slots || anchors->slots[index].key != NULL || key == NULL)
    return;
  anchors->slots[index].key = sqlite3_value_dup (key);
  anchors->slots[index].rid = rid;
}

static int
anchors_cancelled_cb (void *data)
{
  TdListAnchors *anchors = data;

  return g_atomic_int_get (&anchors->cancelled);
}

static void
anchors_publish (TdListAnchors  *anchors,
                 const guint    *indexes,
                 sqlite3_value **keys,
                 const gint64   *rids,
                 guint           n)
{
  g_mutex_lock (&anchors->lock);
  for (guint i = 0; i < n; i++)
    anchors_set_locked (anchors, indexes[i], keys[i], rids[i]);
  g_cond_broadcast (&anchors->cond);
  g_mutex_unlock (&anchors->lock);
  for (guint i = 0; i < n; i++)
    sqlite3_value_free (keys[i]);
}

/* The worker: every row of the list in order, keeping the key of each window's first. */
static gpointer
anchors_build_thread (gpointer data)
{
  TdListAnchors *anchors = data;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint indexes[ANCHOR_BATCH];
  sqlite3_value *keys[ANCHOR_BATCH];
  gint64 rids[ANCHOR_BATCH];
  guint pending = 0;
  guint position = 0;
  int rc = SQLITE_ERROR;

  if (sqlite3_open_v2 (anchors->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                       NULL) == SQLITE_OK)
    {
      /* Set first: reading the schema for the first statement takes a while too. */
      sqlite3_progress_handler (db, ANCHOR_CANCEL_STEPS, anchors_cancelled_cb, anchors);
      if ((anchors->match_bind == 0 || td_list_search_register_function (db)) &&
          sqlite3_prepare_v2 (db, anchors->sql, -1, &stmt, NULL) == SQLITE_OK)
        {
          td_list_search_bind_all (stmt, anchors->binds, anchors->match_bind, anchors->match_set);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              if (position % WINDOW == 0)
                {
                  indexes[pending] = position / WINDOW;
                  keys[pending] = sqlite3_value_dup (sqlite3_column_value (stmt, 1));
                  rids[pending] = sqlite3_column_int64 (stmt, 0);
                  if (++pending == ANCHOR_BATCH)
                    {
                      anchors_publish (anchors, indexes, keys, rids, pending);
                      pending = 0;
                    }
                }
              position++;
            }
        }
    }
  if (rc != SQLITE_DONE && !g_atomic_int_get (&anchors->cancelled))
    g_debug ("Cannot read the list's anchors: %s", db != NULL ? sqlite3_errmsg (db) : "no memory");
  anchors_publish (anchors, indexes, keys, rids, pending);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_mutex_lock (&anchors->lock);
  anchors->complete = rc == SQLITE_DONE && position == anchors->n_rows;
  if (rc == SQLITE_DONE && !anchors->complete)
    {
      /* The snapshot is not what the model counted; the model's checks (no bulk load, no
       * open transaction, new anchors at every change) make this unreachable. */
      g_warning ("List anchors read %u rows, the list has %u", position, anchors->n_rows);
      anchors_forget_locked (anchors);
    }
  anchors->finished = TRUE;
  g_cond_broadcast (&anchors->cond);
  g_mutex_unlock (&anchors->lock);
  return NULL;
}

void
td_list_model_stop_anchors (TdListModel *self)
{
  if (self->anchors != NULL)
    g_atomic_int_set (&self->anchors->cancelled, 1);
  if (self->anchor_thread != NULL)
    g_thread_join (g_steal_pointer (&self->anchor_thread));
  g_clear_pointer (&self->anchors, anchors_free);
}

/* The worker starts at the first jump, not with the list: a list only looked at from its
 * top, or one that sync changes every second, costs no reading in the background. */
static void
start_anchors (TdListModel *self)
{
  TdListAnchors *anchors = self->anchors;
  sqlite3 *db = td_cache_get_db (self->cache, NULL);
  const char *path = td_cache_get_path (self->cache);
  g_autoptr(GError) error = NULL;

  if (anchors == NULL || anchors->started)
    return;
  /* During a bulk load (whose every page makes new anchors) and when the cache is gone,
   * never; while a transaction is open here, later: the worker's snapshot must be what
   * this connection sees. */
  if (db == NULL || path == NULL || td_cache_in_bulk (self->cache))
    {
      anchors->started = TRUE;
      return;
    }
  if (!sqlite3_get_autocommit (db))
    return;

  anchors->started = TRUE;
  anchors->path = g_strdup (path);
  /* The planner's way: reading every row, sorting the matches of a filter the sort index
   * lacks beats walking that index and reading the table for each entry. */
  anchors->sql = g_strdup_printf ("SELECT t.rid, t.%s %s%s %s", self->sort, self->from,
                                  self->cond, self->order);
  anchors->binds = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->binds->len; i++)
    g_ptr_array_add (anchors->binds, g_strdup (self->binds->pdata[i]));
  anchors->match_bind = self->match_bind;
  if (self->match_set != NULL)
    anchors->match_set = td_list_match_set_ref (self->match_set);
  anchors->finished = FALSE;
  self->anchor_thread = g_thread_try_new ("td-list-anchors", anchors_build_thread, anchors,
                                          &error);
  if (self->anchor_thread == NULL)
    {
      g_debug ("No anchor thread: %s", error->message);
      anchors->finished = TRUE;
    }
}

/* Windows by keyset */

static guint
list_blocks (TdListModel *self,
             Block        blocks[2])
{
  guint values = self->n_items - self->n_null;
  guint n = 0;

  if (!self->descending && self->n_null > 0)
    blocks[n++] = (Block) { 0, self->n_null, TRUE };
  if (values > 0)
    blocks[n++] = (Block) { self->descending ? 0 : self->n_null,
                            self->descending ? values : self->n_items, FALSE };
  if (self->descending && self->n_null > 0)
    blocks[n++] = (Block) { values, self->n_items, TRUE };
  return n;
}

/* The nearest known anchor at or before @position inside @block, as a window index. On a
 * walk that reads the table, when both it and the block's end (@to_end rows away) are
 * far, waits for the worker (see FAR_ROWS). */
static gboolean
find_anchor (TdListModel *self,
             const Block *block,
             guint        position,
             guint        to_end,
             guint       *index)
{
  guint first = (block->start + WINDOW - 1) / WINDOW;
  gboolean found;

  if (self->anchors == NULL)
    return FALSE;
  g_mutex_lock (&self->anchors->lock);
  for (;;)
    {
      found = FALSE;
      for (guint i = position / WINDOW + 1; i-- > first && !found;)
        if (i < self->anchors->n_slots && self->anchors->slots[i].key != NULL)
          {
            *index = i;
            found = TRUE;
          }
      if (self->anchors->finished || !self->walk_reads_table || to_end <= FAR_ROWS ||
          position - (found ? *index * WINDOW : block->start) <= FAR_ROWS)
        break;
      g_cond_wait (&self->anchors->cond, &self->anchors->lock);
    }
  g_mutex_unlock (&self->anchors->lock);
  return found;
}

typedef enum
{
  BIND_KEY = 1 << 0,
  BIND_RID = 1 << 1,
} PieceBinds;

/* One piece of a block, in the list's order, into @rids and @keys; @range's ?s take the
 * anchor's key and/or rid as @binds says. */
static guint
fetch_piece (TdListModel    *self,
             const char     *range,
             const char     *order,
             const Anchor   *anchor,
             PieceBinds      binds,
             guint           limit,
             guint           offset,
             gint64         *rids,
             sqlite3_value **keys)
{
  g_autofree char *sql = g_strdup_printf ("SELECT t.rid, t.%s %s%s%s %s LIMIT ? OFFSET ?",
                                          self->sort, self->walk_from, self->cond, range,
                                          order);
  sqlite3_stmt *stmt = td_list_model_prepare (self, sql);
  int i = (int) self->binds->len + 1;
  guint n = 0;

  if (stmt == NULL)
    return 0;
  if (binds & BIND_KEY)
    sqlite3_bind_value (stmt, i++, anchor->key);
  if (binds & BIND_RID)
    sqlite3_bind_int64 (stmt, i++, anchor->rid);
  sqlite3_bind_int (stmt, i++, (int) limit);
  sqlite3_bind_int64 (stmt, i, offset);
  while (n < limit && sqlite3_step (stmt) == SQLITE_ROW)
    {
      rids[n] = sqlite3_column_int64 (stmt, 0);
      keys[n] = sqlite3_value_dup (sqlite3_column_value (stmt, 1));
      n++;
    }
  sqlite3_reset (stmt);
  self->rows_skipped += offset;
  return n;
}

/* How many rows of the anchor's key there are from the anchor on, up to @limit. */
static guint
count_group (TdListModel  *self,
             const Anchor *anchor,
             guint         limit)
{
  const char *cmp = self->descending ? "<=" : ">=";
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 %s%s AND t.%s = ?"
                                          " AND t.rid %s ? LIMIT ?)", self->walk_from,
                                          self->cond, self->sort, cmp);
  sqlite3_stmt *stmt = td_list_model_prepare (self, sql);
  int i = (int) self->binds->len + 1;
  guint n = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_value (stmt, i++, anchor->key);
  sqlite3_bind_int64 (stmt, i++, anchor->rid);
  sqlite3_bind_int (stmt, i, (int) limit);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  self->rows_skipped += n;
  return n;
}

/* Up to @want rows of @block from @position on. From an anchor (key k, rid r) in two
 * pieces, each one seek in the sort index: the rows with key k from r on, then those after
 * k. SQLite seeks a row value (k, r) on k alone and would step over every row of key k
 * before r: a third of the list for a sort by priority. */
static guint
fetch_block (TdListModel    *self,
             const Block    *block,
             guint           position,
             guint           want,
             gint64         *rids,
             sqlite3_value **keys)
{
  const char *k = self->sort;
  const char *cmp = self->descending ? "<=" : ">=";
  const char *after = self->descending ? "<" : ">";
  g_autofree char *group = NULL;
  g_autofree char *rest = NULL;
  Anchor anchor = { NULL, 0 };
  guint index = 0;
  gboolean found;
  guint to_end;
  guint ahead;
  guint offset;
  guint got;

  to_end = block->end - position - want;
  found = find_anchor (self, block, position, to_end, &index);
  ahead = position - (found ? index * WINDOW : block->start);
  if (!found || to_end < ahead)
    {
      g_autofree char *all = NULL;

      if (block->nulls)
        all = g_strdup_printf (" AND t.%s IS NULL", k);
      else
        all = self->n_null > 0 ? g_strdup_printf (" AND t.%s IS NOT NULL", k) : g_strdup ("");
      if (to_end >= ahead)
        return fetch_piece (self, all, self->order, NULL, 0, want, ahead, rids, keys);

      /* Nearer the block's end: read back from there (OFFSET costs what it skips). */
      got = fetch_piece (self, all, self->backwards, NULL, 0, want, to_end, rids, keys);
      for (guint i = 0; i < got / 2; i++)
        {
          gint64 rid = rids[i];
          sqlite3_value *key = keys[i];

          rids[i] = rids[got - 1 - i];
          keys[i] = keys[got - 1 - i];
          rids[got - 1 - i] = rid;
          keys[got - 1 - i] = key;
        }
      return got;
    }

  /* A known anchor never changes, but the worker may have written it: a copy. */
  g_mutex_lock (&self->anchors->lock);
  anchor.key = sqlite3_value_dup (self->anchors->slots[index].key);
  anchor.rid = self->anchors->slots[index].rid;
  g_mutex_unlock (&self->anchors->lock);
  offset = position - index * WINDOW;

  if (block->nulls)
    {
      group = g_strdup_printf (" AND t.%s IS NULL AND t.rid %s ?", k, cmp);
      got = fetch_piece (self, group, self->order, &anchor, BIND_RID, want, offset, rids, keys);
    }
  else
    {
      group = g_strdup_printf (" AND t.%s = ? AND t.rid %s ?", k, cmp);
      got = fetch_piece (self, group, self->order, &anchor, BIND_KEY | BIND_RID, want, offset,
                         rids, keys);
      if (got < want)
        {
          /* The offset went past the key's rows by what they fell short of it. */
          guint past = got > 0 || offset == 0 ? 0 : offset - count_group (self, &anchor, offset);

          rest = g_strdup_printf (" AND t.%s %s ?", k, after);
          got += fetch_piece (self, rest, self->order, &anchor, BIND_KEY, want - got, past,
                              rids + got, keys + got);
        }
    }
  sqlite3_value_free (anchor.key);
  return got;
}

/* The rids and sort keys (copies, for the caller to free) of up to @count rows of a long
 * list from @first on. */
static guint
fetch_rows (TdListModel    *self,
            guint           first,
            guint           count,
            gint64         *rids,
            sqlite3_value **keys)
{
  Block blocks[2];
  guint n_blocks = list_blocks (self, blocks);
  guint got = 0;

  for (guint b = 0; b < n_blocks && got < count; b++)
    {
      guint position = first + got;
      guint want;
      guint rows;

      if (position >= blocks[b].end)
        continue;
      want = MIN (count - got, blocks[b].end - position);
      rows = fetch_block (self, &blocks[b], position, want, rids + got, keys + got);
      got += rows;
      /* Short only if rows vanished without a "changed" signal, which sync never does. */
      if (rows < want)
        break;
    }
  return got;
}

/* A window of a long list; with one row more, to learn the next window's anchor. */
guint
td_list_model_read_window (TdListModel *self,
                           guint        first,
                           gint64      *rids)
{
  guint index = first / WINDOW;
  sqlite3_value *keys[WINDOW + 1];
  gboolean jump;
  guint n;

  /* Scrolling on learns each next anchor; a jump needs the worker. */
  g_mutex_lock (&self->anchors->lock);
  jump = index > 0 && self->anchors->slots[index].key == NULL &&
         self->anchors->slots[index - 1].key == NULL;
  g_mutex_unlock (&self->anchors->lock);
  if (jump)
    start_anchors (self);

  n = fetch_rows (self, first, MIN (WINDOW + 1, self->n_items - first), rids, keys);
  if (n > 0)
    {
      g_mutex_lock (&self->anchors->lock);
      anchors_set_locked (self->anchors, index, keys[0], rids[0]);
      if (n > WINDOW)
        anchors_set_locked (self->anchors, index + 1, keys[WINDOW], rids[WINDOW]);
      g_mutex_unlock (&self->anchors->lock);
    }
  for (guint i = 0; i < n; i++)
    sqlite3_value_free (keys[i]);
  return MIN (n, WINDOW);
}

gboolean
td_list_model_wait_for_anchors (TdListModel *self)
{
  gboolean complete;

  g_return_val_if_fail (TD_IS_LIST_MODEL (self), FALSE);

  if (self->anchors == NULL)
    return FALSE;
  start_anchors (self);
  g_mutex_lock (&self->anchors->lock);
  while (!self->anchors->finished)
    g_cond_wait (&self->anchors->cond, &self->anchors->lock);
  complete = self->anchors->complete;
  g_mutex_unlock (&self->anchors->lock);
  return complete;
}
