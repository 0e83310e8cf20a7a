/* td-list-search.c: a list's full-text search, as the set of rows it matches
 *
 * A search reads the rids the FTS index matches once. Many: rows are tested against their
 * set through td_list_match(); few: SQLite looks them up and sorts them. Each word is
 * searched as the index terms it stands for where the vocabulary names few enough (see
 * index_match()), else as a quoted FTS5 prefix, so user text is never FTS syntax.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-list-model"

#include "config.h"

#include "td-list-search.h"

#include <string.h>

#include "td-list-model-private.h"

/* A search word with at most this many terms in the index is searched as those terms (see
 * index_match()); one with more stays an FTS5 prefix query. */
#define MAX_PREFIX_TERMS 8
#define MATCH_POINTER "td-list-match"

/* The rids a search matches, shared with the worker (reference counted, never changed).
 * A bitmap by rid when the rids are dense enough, else the sorted rids. */
struct _TdListMatchSet
{
  guint64 *bits;
  gsize    n_words;
  gint64  *rids;
  gsize    n_rids;
  gsize    count;
};

/* Search words */

GStrv
td_list_search_split_words (const char *text)
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
  g_auto(GStrv) words = td_list_search_split_words (text);
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
match_set_clear (TdListMatchSet *set)
{
  g_free (set->bits);
  g_free (set->rids);
}

TdListMatchSet *
td_list_match_set_ref (TdListMatchSet *set)
{
  return g_atomic_rc_box_acquire (set);
}

void
td_list_match_set_unref (TdListMatchSet *set)
{
  g_atomic_rc_box_release_full (set, (GDestroyNotify) match_set_clear);
}

/* From the rids in ascending order (the array is taken) */
static TdListMatchSet *
match_set_new (GArray *rids)
{
  TdListMatchSet *set = g_atomic_rc_box_new0 (TdListMatchSet);
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
match_set_contains (const TdListMatchSet *set,
                    gint64                rid)
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
  const TdListMatchSet *set = sqlite3_value_pointer (argv[0], MATCH_POINTER);

  sqlite3_result_int (context,
                      set != NULL && match_set_contains (set, sqlite3_value_int64 (argv[1])));
}

/* Once per connection: replacing a function would expire every prepared statement. */
gboolean
td_list_search_register_function (sqlite3 *db)
{
  sqlite3_stmt *probe = NULL;
  gboolean known = sqlite3_prepare_v2 (db, "SELECT td_list_match (NULL, 0)", -1, &probe,
                                       NULL) == SQLITE_OK;

  sqlite3_finalize (probe);
  return known ||
         sqlite3_create_function_v2 (db, "td_list_match", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                     NULL, list_match_fn, NULL, NULL, NULL) == SQLITE_OK;
}

void
td_list_search_bind_all (sqlite3_stmt   *stmt,
                         GPtrArray      *binds,
                         guint           match_bind,
                         TdListMatchSet *match_set)
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
static TdListMatchSet *
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

/* The search's part of the query, from the rids the FTS index matches (read once). Many
 * matches: a row is tested against their set in a few nanoseconds. Few: their rids as a
 * JSON array, from which SQLite looks the rows up and sorts them; an IN (SELECT rowid …
 * MATCH) would run the search again for every query, and build a list of every match for
 * each (230 ms per window for a word in each of a million rows). */
void
td_list_model_build_search (TdListModel *self,
                            GString     *cond)
{
  g_autofree char *match = index_match (self);
  TdListMatchSet *set;
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
      g_clear_pointer (&set, td_list_match_set_unref);
      self->match_none = TRUE;
      return;
    }
  self->match_count = (gint64) set->count;
  db = td_cache_get_db (self->cache, NULL);
  if (set->count > self->diff_limit && db != NULL && td_list_search_register_function (db))
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
  td_list_match_set_unref (set);
  g_string_append (cond, " AND t.rid IN (SELECT value FROM json_each (?))");
  g_ptr_array_add (self->binds, g_string_free (json, FALSE));
}
