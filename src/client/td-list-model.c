/* td-list-model.c: a lazy GListModel over one cached type
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
 * A search reads the rids the FTS index matches once. Many: rows are tested against their
 * set through td_list_match(); few: SQLite looks them up and sorts them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-list-model"

#include "config.h"

#include "td-list-model.h"

#include <string.h>

#include "td-cache-private.h"

#define WINDOW TD_LIST_MODEL_WINDOW
#define MAX_WINDOWS 16
/* A search word with at most this many terms in the index is searched as those terms (see
 * index_match()); one with more stays an FTS5 prefix query. */
#define MAX_PREFIX_TERMS 8
/* The worker hands over its anchors in batches, one lock each. */
#define ANCHOR_BATCH 64
/* How often (in virtual machine steps) the worker looks whether it should stop. */
#define ANCHOR_CANCEL_STEPS 1000
/* Farther than this from a known anchor, a window of a list whose walk through the sort
 * index reads the table (a filter the index lacks) waits for the worker's anchors: its
 * OFFSET would read a table row per step, seconds deep into a million rows, where the
 * worker sorts the matching rows once. */
#define FAR_ROWS (5 * WINDOW)
#define MATCH_POINTER "td-list-match"

typedef struct
{
  guint      index;
  guint64    last_use;
  GPtrArray *items;
} Window;

/* The rids a search matches, shared with the worker (reference counted, never changed).
 * A bitmap by rid when the rids are dense enough, else the sorted rids. */
typedef struct
{
  guint64 *bits;
  gsize    n_words;
  gint64  *rids;
  gsize    n_rids;
  gsize    count;
} MatchSet;

typedef struct
{
  sqlite3_value *key;   /* the sort key (SQL NULL included); NULL while unknown */
  gint64         rid;
} Anchor;

/* The anchors of one long list, one per window. A list with other rows, filters, sort or
 * search gets new ones; the worker that fills them is joined before they are freed. */
typedef struct
{
  GMutex     lock;
  GCond      cond;        /* signalled when anchors arrive and when the worker stops */
  Anchor    *slots;
  guint      n_slots;
  gboolean   started;     /* a worker was started (or cannot be) */
  gboolean   finished;    /* no worker runs (any more) */
  gboolean   complete;    /* the worker read every row */
  gint       cancelled;   /* atomic */

  /* What the worker reads: every row of the list, in order, with its sort key */
  char      *path;
  char      *sql;
  GPtrArray *binds;
  guint      match_bind;
  MatchSet  *match_set;
  guint      n_rows;
} Anchors;

/* The rows whose sort key is NULL come first ascending and last descending; comparisons
 * never match NULL, so each block is queried on its own. */
typedef struct
{
  guint    start;
  guint    end;
  gboolean nulls;
} Block;

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
  char                *match;        /* the search as FTS5 query (td_list_model_build_match) */
  GStrv                words;        /* the search words, or NULL */

  /* The query, rebuilt at every refresh */
  char                *from;         /* "FROM … t", for counts and the whole order */
  char                *walk_from;    /* the same, or with INDEXED BY the sort index */
  char                *cond;         /* " WHERE …" */
  char                *order;        /* "ORDER BY …" */
  char                *backwards;    /* the same, reversed */
  GPtrArray           *binds;        /* text values for the ?s of `cond`, in order */
  guint                match_bind;   /* which of them is the match set (1-based), or 0 */
  MatchSet            *match_set;
  gint64               match_count;  /* rows the FTS index matches, or -1 */
  gboolean             match_none;   /* the search matches no row: the list is empty */
  gboolean             walk_reads_table;  /* walking the sort index reads table rows */

  guint                n_items;
  guint                n_null;       /* rows with a NULL sort key (long lists) */
  guint                diff_limit;
  GArray              *rids;         /* the order, while n_items <= diff_limit */
  Anchors             *anchors;      /* otherwise */
  GThread             *anchor_thread;
  GHashTable          *windows;      /* window index → Window */
  guint64              use_clock;
  guint                window_loads;
  guint64              rows_skipped;
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

/* Search words */

/* The words of @text that can be searched: non-empty and valid UTF-8. */
static GStrv
split_words (const char *text)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  gboolean any = FALSE;

  if (text == NULL)
    return NULL;
  words = g_strsplit_set (text, " \t\n\r", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && g_utf8_validate (words[i], -1, NULL))
      {
        g_strv_builder_add (kept, words[i]);
        any = TRUE;
      }
  return any ? g_strv_builder_end (kept) : NULL;
}

/* A quoted FTS5 string is a phrase of its tokens: "HP-0042-0042" finds that serial number,
 * and no operator or column filter of FTS5's syntax reaches the query. */
static void
append_quoted (GString    *out,
               const char *word)
{
  g_string_append_c (out, '"');
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
td_list_model_build_match (const char *text)
{
  g_auto(GStrv) words = split_words (text);
  GString *match;

  if (words == NULL)
    return NULL;
  match = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (match, ' ');
      append_quoted (match, words[i]);
      g_string_append_c (match, '*');
    }
  return g_string_free (match, FALSE);
}

/* A word that unicode61 makes exactly one token of: itself in lower case. */
static gboolean
is_plain_word (const char *word)
{
  gsize length = 0;

  for (const char *p = word; *p != '\0'; p++, length++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return length > 0 && length <= 64;
}

/* The terms of the index, through an fts5vocab table of this connection only (TEMP: the
 * cache file keeps its schema). */
static gboolean
ensure_vocabulary (TdListModel *self)
{
  g_autofree char *sql = g_strdup_printf ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.%s_fts_terms"
                                          " USING fts5vocab (main, %s_fts, instance)",
                                          self->entity->table, self->entity->table);
  g_autoptr(GError) error = NULL;

  if (!td_cache_exec (self->cache, sql, &error))
    {
      g_debug ("No vocabulary for %s: %s", self->entity->table, error->message);
      return FALSE;
    }
  return TRUE;
}

/* Whether unicode61 surely makes a token of some part of @word: a letter or a digit. A
 * word of separators only ("-", "–") is no phrase at all, which FTS5 skips in a sequence
 * of phrases but which makes an AND false. */
static gboolean
has_token (const char *word)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c) || g_unichar_isdigit (c))
        return TRUE;
    }
  return FALSE;
}

/* The terms of the index that start with @word, in order; more than MAX_PREFIX_TERMS
 * stops the look-up. NULL when the index cannot tell (not a plain word, no vocabulary). */
static GPtrArray *
prefix_terms (TdListModel *self,
              const char  *word)
{
  g_autoptr(GPtrArray) terms = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *token = NULL;
  g_autofree char *bound = NULL;
  sqlite3_stmt *stmt;

  if (!is_plain_word (word))
    return NULL;
  sql = g_strdup_printf ("SELECT term FROM temp.%s_fts_terms WHERE term >= ? LIMIT 1",
                         self->entity->table);
  stmt = td_cache_statement (self->cache, sql, NULL);
  if (stmt == NULL)
    return NULL;

  terms = g_ptr_array_new_with_free_func (g_free);
  token = g_ascii_strdown (word, -1);
  bound = g_strdup (token);
  while (terms->len <= MAX_PREFIX_TERMS)
    {
      const char *term = NULL;
      int rc;

      sqlite3_bind_text (stmt, 1, bound, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        term = (const char *) sqlite3_column_text (stmt, 0);
      else if (rc != SQLITE_DONE)
        {
          /* not "no such term": the index cannot tell */
          sqlite3_reset (stmt);
          return NULL;
        }
      if (term == NULL || !g_str_has_prefix (term, token))
        {
          sqlite3_reset (stmt);
          break;
        }
      g_ptr_array_add (terms, g_strdup (term));
      sqlite3_reset (stmt);
      /* The next term: no token contains \1, so none sorts between a term and this. */
      g_free (bound);
      bound = g_strconcat (terms->pdata[terms->len - 1], "\001", NULL);
    }
  return g_steal_pointer (&terms);
}

static void
free_terms (gpointer terms)
{
  if (terms != NULL)
    g_ptr_array_unref (terms);
}

/* The search as the query the index runs; %NULL when a word has no term in the index, so
 * that no row can match.
 *
 * A prefix query ("unit"*) makes FTS5 copy the whole document list of every term with
 * that prefix before it can AND them: 60 ms for a word in every row of a million, even
 * when the other word matches ten rows. The same terms named ("unit", or ("pump" OR
 * "pumps")) are read in place and skipped through, so the rarest word leads. The terms come
 * from the index's vocabulary: its instance rows, of which LIMIT 1 reads one, where its row
 * and column counts would read every document of a common term. */
static char *
index_match (TdListModel *self)
{
  guint n_words = g_strv_length (self->words);
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (free_terms);
  g_autoptr(GString) phrases = g_string_new (NULL);
  g_autoptr(GString) groups = g_string_new (NULL);
  gboolean vocabulary = ensure_vocabulary (self);
  gboolean any_phrase = FALSE;
  gboolean phrase_has_token = FALSE;
  gint demoted = -1;

  for (guint i = 0; i < n_words; i++)
    {
      GPtrArray *word_terms = vocabulary ? prefix_terms (self, self->words[i]) : NULL;

      if (word_terms != NULL && word_terms->len == 0)
        {
          g_ptr_array_unref (word_terms);
          return NULL;
        }
      if (word_terms != NULL && word_terms->len > MAX_PREFIX_TERMS)
        g_clear_pointer (&word_terms, g_ptr_array_unref);
      /* Words named by one term or by none (a prefix) are phrases of one sequence, which
       * FTS5 ANDs; several terms make an OR group. */
      if (word_terms == NULL || word_terms->len == 1)
        {
          any_phrase = TRUE;
          phrase_has_token = phrase_has_token || has_token (self->words[i]);
        }
      else if (demoted < 0)
        demoted = (gint) i;
      g_ptr_array_add (terms, word_terms);
    }
  /* Phrases that may all be empty cannot stand in an AND: then the first group goes back
   * to being a prefix among them. */
  if (!any_phrase || phrase_has_token)
    demoted = -1;

  for (guint i = 0; i < n_words; i++)
    {
      GPtrArray *word_terms = terms->pdata[i];

      if (word_terms != NULL && word_terms->len > 1 && (gint) i != demoted)
        {
          g_string_append (groups, " AND (");
          for (guint j = 0; j < word_terms->len; j++)
            {
              if (j > 0)
                g_string_append (groups, " OR ");
              append_quoted (groups, word_terms->pdata[j]);
            }
          g_string_append_c (groups, ')');
          continue;
        }
      if (phrases->len > 0)
        g_string_append_c (phrases, ' ');
      if (word_terms != NULL && word_terms->len == 1)
        append_quoted (phrases, word_terms->pdata[0]);
      else
        {
          append_quoted (phrases, self->words[i]);
          g_string_append_c (phrases, '*');
        }
    }
  /* without phrases, the first group's " AND " goes */
  if (phrases->len == 0)
    return g_strdup (groups->str + strlen (" AND "));
  g_string_append (phrases, groups->str);
  return g_string_free (g_steal_pointer (&phrases), FALSE);
}

/* The match set */

static void
match_set_clear (MatchSet *set)
{
  g_free (set->bits);
  g_free (set->rids);
}

static void
match_set_unref (MatchSet *set)
{
  g_atomic_rc_box_release_full (set, (GDestroyNotify) match_set_clear);
}

/* From the rids in ascending order (the array is taken) */
static MatchSet *
match_set_new (GArray *rids)
{
  MatchSet *set = g_atomic_rc_box_new0 (MatchSet);
  const gint64 *r = (const gint64 *) rids->data;

  set->count = rids->len;
  /* A bitmap no larger than the list of rids: 64 times smaller for dense rids. */
  if (rids->len > 0 && r[0] >= 0 && (guint64) r[rids->len - 1] / 64 < rids->len)
    {
      set->n_words = (gsize) r[rids->len - 1] / 64 + 1;
      set->bits = g_new0 (guint64, set->n_words);
      for (guint i = 0; i < rids->len; i++)
        set->bits[r[i] / 64] |= G_GUINT64_CONSTANT (1) << (r[i] % 64);
      g_array_unref (rids);
    }
  else
    {
      set->n_rids = rids->len;
      set->rids = (gint64 *) (gpointer) g_array_free (rids, FALSE);
    }
  return set;
}

static gboolean
match_set_contains (const MatchSet *set,
                    gint64          rid)
{
  gsize low = 0;
  gsize high = set->n_rids;

  if (set->bits != NULL)
    return rid >= 0 && (guint64) rid / 64 < set->n_words &&
           (set->bits[rid / 64] & (G_GUINT64_CONSTANT (1) << (rid % 64))) != 0;
  while (low < high)
    {
      gsize middle = low + (high - low) / 2;

      if (set->rids[middle] == rid)
        return TRUE;
      if (set->rids[middle] < rid)
        low = middle + 1;
      else
        high = middle;
    }
  return FALSE;
}

/* td_list_match (set, rid): whether the row is in the set bound as a pointer. */
static void
list_match_fn (sqlite3_context  *context,
               int               argc,
               sqlite3_value   **argv)
{
  const MatchSet *set = sqlite3_value_pointer (argv[0], MATCH_POINTER);

  sqlite3_result_int (context,
                      set != NULL && match_set_contains (set, sqlite3_value_int64 (argv[1])));
}

/* Once per connection: replacing a function would expire every prepared statement. */
static gboolean
register_match_function (sqlite3 *db)
{
  sqlite3_stmt *probe = NULL;
  gboolean known = sqlite3_prepare_v2 (db, "SELECT td_list_match (NULL, 0)", -1, &probe,
                                       NULL) == SQLITE_OK;

  sqlite3_finalize (probe);
  return known ||
         sqlite3_create_function_v2 (db, "td_list_match", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                     NULL, list_match_fn, NULL, NULL, NULL) == SQLITE_OK;
}

static void
bind_all (sqlite3_stmt *stmt,
          GPtrArray    *binds,
          guint         match_bind,
          MatchSet     *match_set)
{
  for (guint i = 0; i < binds->len; i++)
    {
      if (i + 1 == match_bind)
        sqlite3_bind_pointer (stmt, i + 1, match_set, MATCH_POINTER, NULL);
      else
        sqlite3_bind_text (stmt, i + 1, binds->pdata[i], -1, SQLITE_STATIC);
    }
}

/* The rids of the rows the FTS index matches; NULL when it cannot be read. */
static MatchSet *
read_matches (TdListModel *self,
              const char  *match)
{
  g_autofree char *sql = g_strdup_printf ("SELECT rowid FROM %s_fts WHERE %s_fts MATCH ?"
                                          " ORDER BY rowid", self->entity->table,
                                          self->entity->table);
  sqlite3_stmt *stmt = td_cache_statement (self->cache, sql, NULL);
  g_autoptr(GArray) rids = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rids, rid);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return NULL;
  return match_set_new (g_steal_pointer (&rids));
}

/* Queries */

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
  bind_all (stmt, self->binds, self->match_bind, self->match_set);
  return stmt;
}

static gint64
query_count (TdListModel *self,
             const char  *sql)
{
  sqlite3_stmt *stmt = prepare (self, sql);
  gint64 count = 0;

  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

/* The search's part of the query, from the rids the FTS index matches (read once). Many
 * matches: a row is tested against their set in a few nanoseconds. Few: their rids as a
 * JSON array, from which SQLite looks the rows up and sorts them; an IN (SELECT rowid …
 * MATCH) would run the search again for every query, and build a list of every match for
 * each (230 ms per window for a word in each of a million rows). */
static void
build_search (TdListModel *self,
              GString     *cond)
{
  g_autofree char *match = index_match (self);
  MatchSet *set;
  sqlite3 *db;
  GString *json;

  if (match == NULL)
    {
      self->match_none = TRUE;
      return;
    }
  set = read_matches (self, match);
  if (set == NULL || set->count == 0)
    {
      /* (a failure is logged by the cache; the list is empty either way) */
      g_clear_pointer (&set, match_set_unref);
      self->match_none = TRUE;
      return;
    }
  self->match_count = (gint64) set->count;
  db = td_cache_get_db (self->cache, NULL);
  if (set->count > self->diff_limit && db != NULL && register_match_function (db))
    {
      g_string_append (cond, " AND td_list_match (?, t.rid)");
      g_ptr_array_add (self->binds, NULL);
      self->match_bind = self->binds->len;
      self->match_set = set;
      return;
    }

  json = g_string_sized_new (set->count * 8 + 2);
  g_string_append_c (json, '[');
  if (set->bits != NULL)
    {
      for (gsize w = 0; w < set->n_words; w++)
        for (guint b = 0; b < 64; b++)
          if (set->bits[w] & (G_GUINT64_CONSTANT (1) << b))
            g_string_append_printf (json, "%s%" G_GSIZE_FORMAT, json->len > 1 ? "," : "",
                                    w * 64 + b);
    }
  else
    {
      for (gsize i = 0; i < set->n_rids; i++)
        g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", set->rids[i]);
    }
  g_string_append_c (json, ']');
  match_set_unref (set);
  g_string_append (cond, " AND t.rid IN (SELECT value FROM json_each (?))");
  g_ptr_array_add (self->binds, g_string_free (json, FALSE));
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
  g_clear_pointer (&self->match_set, match_set_unref);
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
    build_search (self, cond);

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
  sqlite3_stmt *stmt = prepare (self, explain);

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

/* Anchors */

static Anchors *
anchors_new (guint n_rows)
{
  Anchors *anchors = g_new0 (Anchors, 1);

  g_mutex_init (&anchors->lock);
  g_cond_init (&anchors->cond);
  anchors->n_rows = n_rows;
  anchors->n_slots = (n_rows + WINDOW - 1) / WINDOW;
  anchors->slots = g_new0 (Anchor, anchors->n_slots);
  anchors->finished = TRUE;
  return anchors;
}

static void
anchors_forget_locked (Anchors *anchors)
{
  for (guint i = 0; i < anchors->n_slots; i++)
    g_clear_pointer (&anchors->slots[i].key, sqlite3_value_free);
}

static void
anchors_free (Anchors *anchors)
{
  anchors_forget_locked (anchors);
  g_free (anchors->slots);
  g_mutex_clear (&anchors->lock);
  g_cond_clear (&anchors->cond);
  g_free (anchors->path);
  g_free (anchors->sql);
  g_clear_pointer (&anchors->binds, g_ptr_array_unref);
  g_clear_pointer (&anchors->match_set, match_set_unref);
  g_free (anchors);
}

/* Keeps a copy of @key; a known anchor stays as it is (both threads read the same rows). */
static void
anchors_set_locked (Anchors       *anchors,
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
  Anchors *anchors = data;

  return g_atomic_int_get (&anchors->cancelled);
}

static void
anchors_publish (Anchors        *anchors,
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
  Anchors *anchors = data;
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
      if ((anchors->match_bind == 0 || register_match_function (db)) &&
          sqlite3_prepare_v2 (db, anchors->sql, -1, &stmt, NULL) == SQLITE_OK)
        {
          bind_all (stmt, anchors->binds, anchors->match_bind, anchors->match_set);
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

static void
stop_anchors (TdListModel *self)
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
  Anchors *anchors = self->anchors;
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
    anchors->match_set = g_atomic_rc_box_acquire (self->match_set);
  anchors->finished = FALSE;
  self->anchor_thread = g_thread_try_new ("td-list-anchors", anchors_build_thread, anchors,
                                          &error);
  if (self->anchor_thread == NULL)
    {
      g_debug ("No anchor thread: %s", error->message);
      anchors->finished = TRUE;
    }
}

/* Loading */

/* Reads the count (and the order of a short list); drops every window. */
static void
refresh (TdListModel *self)
{
  gint64 count = -1;

  stop_anchors (self);
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
      sqlite3_stmt *stmt = prepare (self, order_sql);

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
  self->anchors = anchors_new (self->n_items);
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
  sqlite3_stmt *stmt = prepare (self, sql);
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
  sqlite3_stmt *stmt = prepare (self, sql);
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
static void
load_by_position (TdListModel *self,
                  Window      *window,
                  guint        first)
{
  guint index = first / WINDOW;
  gint64 rids[WINDOW + 1];
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
  load_rows (self, window, rids, MIN (n, WINDOW));
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
  stmt = prepare (self, sql);
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

  stop_anchors (self);
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
  g_clear_pointer (&self->match_set, match_set_unref);
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
  self->words = split_words (text);
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

void
td_list_model_set_diff_limit (TdListModel *self,
                              guint        limit)
{
  g_return_if_fail (TD_IS_LIST_MODEL (self));
  self->diff_limit = limit;
  reset (self);
}
