/* test-cache-page.c: the change-feed page reader (td-cache-page.c) against json-glib
 *
 * Every page goes to two empty caches: as text through td_cache_page_new() and
 * td_cache_apply_page(), as the sync engine applies it, and through json-glib's tree and
 * td_cache_apply_changes(). Both must then hold the same rows, column by column and the
 * FTS and labels indexes included (the `json` and `labels` columns are compared as JSON:
 * one cache holds the server's text, the other json-glib's). A page that is not strict
 * JSON must be refused before it reaches a cache, also where json-glib 1.6 is lax. Mutated
 * pages must be refused, or stored as json-glib reads them.
 *
 * Every test runs with its own temporary XDG directories (G_TEST_OPTION_ISOLATE_DIRS).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "td-cache.h"
#include "td-cache-private.h"
#include "td-cache-test.h"
#include "td-json.h"

/* Some 1.5 s, and under 5 s with ASan, on the loaded 2-core reference machine;
 * TD_TEST_PAGE_MUTATIONS and TD_TEST_PAGE_SEED run it longer or elsewhere. */
#define MUTATIONS     3000
#define MUTATION_SEED 20260101

/* One of the two caches a page goes to, with what it holds read back table by table. */
typedef struct
{
  TdCache    *cache;
  GPtrArray  *selects;   /* SELECT * of every table but FTS5's, prepared once */
  GPtrArray  *fts;       /* the same for the FTS5 tables and theirs */
  GPtrArray  *changed;   /* "type: ids" per "changed" emission */
  GHashTable *json;      /* JSON text → normalized_json(): rows come back page after page */
} Side;

typedef struct
{
  Side text;    /* td_cache_page_new() + td_cache_apply_page() */
  Side tree;    /* json-glib + td_cache_apply_changes() */
} Pair;

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
changed_cb (TdCache            *cache,
            const char         *type,
            const char * const *ids,
            Side               *side)
{
  g_auto(GStrv) sorted = g_strdupv ((char **) ids);
  g_autofree char *joined = NULL;

  /* The ids come from a hash table: their order means nothing. */
  if (sorted != NULL)
    qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_strings);
  joined = sorted != NULL ? g_strjoinv (" ", sorted) : g_strdup ("(all)");
  g_ptr_array_add (side->changed, g_strdup_printf ("%s: %s", type, joined));
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
side_init (Side       *side,
           const char *name)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *tables;
  sqlite3 *db;

  side->cache = td_cache_open_path (path, TEST_SERVER, TEST_USER, &error);
  g_assert_no_error (error);
  side->selects = g_ptr_array_new_with_free_func (finalize_statement);
  side->fts = g_ptr_array_new_with_free_func (finalize_statement);
  side->changed = g_ptr_array_new_with_free_func (g_free);
  side->json = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_signal_connect (side->cache, "changed", G_CALLBACK (changed_cb), side);

  db = td_cache_get_db (side->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                           " ORDER BY name", -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT '%s', * FROM \"%s\"",
                                              sqlite3_column_text (tables, 0),
                                              sqlite3_column_text (tables, 0));
      sqlite3_stmt *select;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &select, NULL), ==, SQLITE_OK);
      if (strstr ((const char *) sqlite3_column_text (tables, 0), "_fts") != NULL)
        g_ptr_array_add (side->fts, select);
      else
        g_ptr_array_add (side->selects, select);
    }
  sqlite3_finalize (tables);
  g_assert_cmpuint (side->selects->len, >, 20);
  g_assert_cmpuint (side->fts->len, >, 20);
}

static void
side_clear (Side *side)
{
  /* The statements first: the cache closes its database when it goes. */
  g_clear_pointer (&side->selects, g_ptr_array_unref);
  g_clear_pointer (&side->fts, g_ptr_array_unref);
  g_clear_pointer (&side->changed, g_ptr_array_unref);
  g_clear_pointer (&side->json, g_hash_table_unref);
  g_assert_finalize_object (side->cache);
}

static void
pair_init (Pair *pair)
{
  side_init (&pair->text, "text.db");
  side_init (&pair->tree, "tree.db");
}

static void
pair_clear (Pair *pair)
{
  side_clear (&pair->text);
  side_clear (&pair->tree);
}

/* JSON text as json-glib reads and writes it, so that two spellings of one value compare
 * equal (spaces, escapes, duplicate members: the last one counts). */
static char *
normalized_json (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  return node != NULL ? json_to_string (node, FALSE) : g_strdup (text);
}

static void
append_value (GString      *row,
              sqlite3_stmt *select,
              int           column,
              GHashTable   *json)
{
  const char *name = sqlite3_column_name (select, column);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  /* Plain appends: this runs for every column of every row after every mutated page. */
  g_string_append_c (row, ' ');
  g_string_append (row, name);
  switch (sqlite3_column_type (select, column))
    {
    case SQLITE_INTEGER:
      g_snprintf (number, sizeof number, "%lld", (long long) sqlite3_column_int64 (select, column));
      g_string_append (row, "=i:");
      g_string_append (row, number);
      break;
    case SQLITE_FLOAT:
      g_snprintf (number, sizeof number, "%.17g", sqlite3_column_double (select, column));
      g_string_append (row, "=f:");
      g_string_append (row, number);
      break;
    case SQLITE_TEXT:
      {
        const char *text = (const char *) sqlite3_column_text (select, column);

        if (strcmp (name, "json") == 0 || strcmp (name, "labels") == 0)
          {
            const char *normalized = g_hash_table_lookup (json, text);

            if (normalized == NULL)
              {
                normalized = normalized_json (text);
                g_hash_table_insert (json, g_strdup (text), (gpointer) normalized);
              }
            text = normalized;
          }
        g_string_append (row, "=t:");
        g_string_append (row, text);
      }
      break;
    case SQLITE_BLOB:
      {
        const guchar *blob = sqlite3_column_blob (select, column);

        g_string_append (row, "=b:");
        for (int i = 0; i < sqlite3_column_bytes (select, column); i++)
          g_string_append_printf (row, "%02x", blob[i]);
      }
      break;
    default:
      g_string_append (row, "=null");
      break;
    }
}

static void
append_rows (GPtrArray  *rows,
             GPtrArray  *selects,
             GHashTable *json)
{
  for (guint i = 0; i < selects->len; i++)
    {
      sqlite3_stmt *select = selects->pdata[i];
      int rc;

      while ((rc = sqlite3_step (select)) == SQLITE_ROW)
        {
          GString *row = g_string_new ((const char *) sqlite3_column_text (select, 0));

          for (int c = 1; c < sqlite3_column_count (select); c++)
            append_value (row, select, c, json);
          g_ptr_array_add (rows, g_string_free (row, FALSE));
        }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
      sqlite3_reset (select);
    }
}

/* Every row of every table as text (with @fts, the FTS5 index's too); sorted, so that
 * the order SQLite returns them in does not matter. */
static GPtrArray *
side_rows (Side     *side,
           gboolean  fts)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  append_rows (rows, side->selects, side->json);
  if (fts)
    append_rows (rows, side->fts, side->json);
  g_ptr_array_sort (rows, compare_strings);
  return rows;
}

static void
assert_same_strings (GPtrArray  *a,
                     GPtrArray  *b,
                     const char *what)
{
  for (guint i = 0; i < MIN (a->len, b->len); i++)
    if (strcmp (a->pdata[i], b->pdata[i]) != 0)
      {
        g_test_message ("%s differ:\n  %s\n  %s", what, (char *) a->pdata[i],
                        (char *) b->pdata[i]);
        g_assert_cmpstr (a->pdata[i], ==, b->pdata[i]);
      }
  g_assert_cmpuint (a->len, ==, b->len);
}

static void
assert_same_rows (Pair     *pair,
                  gboolean  fts)
{
  g_autoptr(GPtrArray) text = side_rows (&pair->text, fts);
  g_autoptr(GPtrArray) tree = side_rows (&pair->tree, fts);

  assert_same_strings (text, tree, "rows");
  g_assert_cmpint (td_cache_get_cursor (pair->text.cache), ==,
                   td_cache_get_cursor (pair->tree.cache));
}

/* The page's shape as the sync engine needs it, in json-glib's reading. */
static gboolean
tree_page_shape (JsonNode   *root,
                 JsonArray **changes,
                 gint64     *next_since)
{
  JsonObject *page;
  JsonNode *member;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  page = json_node_get_object (root);
  member = json_object_get_member (page, "next_since");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64 || json_node_get_int (member) < 0)
    return FALSE;
  *next_since = json_node_get_int (member);
  member = json_object_get_member (page, "changes");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    return FALSE;
  *changes = json_node_get_array (member);
  return TRUE;
}

/* What json-glib 1.6 lets through that JSON does not allow, checked token by token (its
 * parser checks the rest of the structure): comments, single quotes, hex and octal-looking
 * numbers, "1." and ".5", unknown escapes, raw control characters, unpaired surrogates,
 * and more than one document. */

static gboolean
strict_number (const char *p,
               gsize       length)
{
  gsize i = 0;

  if (i < length && p[i] == '-')
    i++;
  if (i < length && p[i] == '0')
    i++;
  else if (i < length && p[i] >= '1' && p[i] <= '9')
    while (i < length && g_ascii_isdigit (p[i]))
      i++;
  else
    return FALSE;
  if (i < length && p[i] == '.')
    {
      if (++i >= length || !g_ascii_isdigit (p[i]))
        return FALSE;
      while (i < length && g_ascii_isdigit (p[i]))
        i++;
    }
  if (i < length && (p[i] == 'e' || p[i] == 'E'))
    {
      if (++i < length && (p[i] == '+' || p[i] == '-'))
        i++;
      if (i >= length || !g_ascii_isdigit (p[i]))
        return FALSE;
      while (i < length && g_ascii_isdigit (p[i]))
        i++;
    }
  return i == length;
}

static int
escaped_unit (const char *p,
              const char *end)
{
  int unit = 0;

  if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  for (int i = 2; i < 6; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return -1;
      unit = unit * 16 + g_ascii_xdigit_value (p[i]);
    }
  return unit;
}

/* At the opening quote: past the closing one, or NULL. */
static const char *
strict_string (const char *p,
               const char *end)
{
  for (p++; p < end; p++)
    {
      int unit;

      if (*p == '"')
        return p + 1;
      if ((guchar) *p < 0x20)
        return NULL;
      if (*p != '\\')
        continue;
      if (p + 1 < end && strchr ("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0')
        {
          p++;
          continue;
        }
      unit = escaped_unit (p, end);
      if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff))
        return NULL;
      p += 5;
      if (unit >= 0xd800 && unit <= 0xdbff)
        {
          unit = escaped_unit (p + 1, end);
          if (unit < 0xdc00 || unit > 0xdfff)
            return NULL;
          p += 6;
        }
    }
  return NULL;
}

static gboolean
strict_tokens (const char *text,
               gsize       length)
{
  const char *p = text;
  const char *end = text + length;
  guint depth = 0;
  guint documents = 0;

  while (p < end)
    {
      const char *start = p;

      if (depth == 0 && strchr (" \t\n\r", *p) == NULL)
        documents++;
      if (*p == '{' || *p == '[')
        depth++;
      else if ((*p == '}' || *p == ']') && depth > 0)
        depth--;

      if (strchr (" \t\n\r{}[]:,", *p) != NULL && *p != '\0')
        p++;
      else if (*p == '"')
        {
          p = strict_string (p, end);
          if (p == NULL)
            return FALSE;
        }
      else
        {
          gsize n;

          while (p < end && (g_ascii_isalnum (*p) || strchr ("+-._", *p) != NULL) && *p != '\0')
            p++;
          n = p - start;
          if (n == 0)
            return FALSE;
          if (!(n == 4 && memcmp (start, "true", 4) == 0) &&
              !(n == 5 && memcmp (start, "false", 5) == 0) &&
              !(n == 4 && memcmp (start, "null", 4) == 0) &&
              !strict_number (start, n))
            return FALSE;
        }
    }
  return documents == 1;
}

/* Numbers json-glib reads without loss: integers within 64 bits (it wraps others around)
 * and finite doubles (it writes infinity as "inf.0", which it cannot read back). The
 * reader takes these as written; the two ways are compared only where neither loses. */
static gboolean
numbers_in_range (const char *text,
                  gsize       length)
{
  const char *p = text;
  const char *end = text + length;

  while (p < end)
    {
      const char *start = p;
      g_autofree char *number = NULL;
      const char *digits;
      const char *limit;

      if (*p == '"')
        {
          p = strict_string (p, end);
          if (p == NULL)
            return FALSE;
          continue;
        }
      if (*p != '-' && !g_ascii_isdigit (*p))
        {
          p++;
          continue;
        }
      while (p < end && (g_ascii_isdigit (*p) || strchr ("+-.eE", *p) != NULL) && *p != '\0')
        p++;
      number = g_strndup (start, p - start);
      if (strpbrk (number, ".eE") != NULL)
        {
          if (!isfinite (g_ascii_strtod (number, NULL)))
            return FALSE;
          continue;
        }
      digits = number[0] == '-' ? number + 1 : number;
      limit = number[0] == '-' ? "9223372036854775808" : "9223372036854775807";
      if (strlen (digits) > strlen (limit) ||
          (strlen (digits) == strlen (limit) && strcmp (digits, limit) > 0))
        return FALSE;
    }
  return TRUE;
}

/* A strict reading of JSON by json-glib: the token rules above, then what td-json.c
 * makes of untrusted JSON (UTF-8, depth ≤ 32, json-glib's grammar, UTF-8 strings). */
static JsonNode *
strict_parse (const char *text,
              gsize       length)
{
  if (!strict_tokens (text, length))
    return NULL;
  return td_json_parse (text, length, NULL);
}

static TdCachePage *
page_new (const char  *text,
          gsize        length,
          GError     **error)
{
  g_autoptr(GBytes) body = g_bytes_new (text, length);

  return td_cache_page_new (body, error);
}

/* Applies a valid page both ways, which must both take it and store the same. */
static void
pair_apply (Pair       *pair,
            const char *text)
{
  g_autoptr(TdCachePage) page = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *changes = NULL;
  gint64 next_since = -1;

  g_test_message ("page: %s", text);
  root = strict_parse (text, strlen (text));
  g_assert_nonnull (root);
  g_assert_true (numbers_in_range (text, strlen (text)));
  g_assert_true (tree_page_shape (root, &changes, &next_since));

  page = page_new (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpint (td_cache_page_get_next_since (page), ==, next_since);
  g_assert_cmpuint (td_cache_page_get_n_changes (page), ==, json_array_get_length (changes));

  g_assert_true (td_cache_apply_page (pair->text.cache, page, &error));
  g_assert_no_error (error);
  g_assert_true (td_cache_apply_changes (pair->tree.cache, changes, next_since, &error));
  g_assert_no_error (error);

  assert_same_rows (pair, TRUE);
  assert_same_strings (pair->text.changed, pair->tree.changed, "changed signals");
  if (json_array_get_length (changes) > 0)
    g_assert_cmpuint (pair->text.changed->len, >, 0);
  g_assert_cmpint (td_cache_get_cursor (pair->text.cache), ==, next_since);
}

static void
apply_pages (const char * const *pages)
{
  Pair pair;

  pair_init (&pair);
  for (guint i = 0; pages[i] != NULL; i++)
    pair_apply (&pair, pages[i]);
  pair_clear (&pair);
}

/* A column of one row in the cache the page text went to. */
static char *
text_column (Pair       *pair,
             const char *sql)
{
  sqlite3 *db = td_cache_get_db (pair->text.cache, NULL);
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static void
assert_column (Pair       *pair,
               const char *sql,
               const char *expected)
{
  g_autofree char *value = text_column (pair, sql);

  g_assert_cmpstr (value, ==, expected);
}

/* Valid pages */

static void
test_escapes (void)
{
  static const char *page =
    "{\"changes\":["
    "{\"seq\":1,\"type\":\"ticket\",\"id\":\"t-1\",\"op\":\"upsert\",\"object\":{"
    "\"id\":\"t-1\",\"version\":1,"
    "\"title\":\"Stra\\u00dfe \\u00DF \\\"quoted\\\" back\\\\slash \\/ tab\\t nl\\n cr\\r bs\\b ff\\f\","
    "\"status\":\"open\",\"priority\":\"high\",\"number\":7,"
    "\"description\":\"smile \\ud83d\\ude00 rocket \\uD83D\\uDE80 euro \\u20ac a\\u0301 \\u0041\","
    "\"labels\":[\"l\\u0031\",\"l2\"],"
    "\"created_at\":\"2025-12-31T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:01Z\"}},"
    "{\"seq\":2,\"type\":\"tick\\u0065t\",\"id\":\"t\\u002d2\",\"op\":\"upsert\",\"object\":{"
    "\"id\":\"t\\u002d2\",\"title\":\"plain\",\"status\":\"open\"}},"
    "{\"seq\":3,\"type\":\"employee\",\"id\":\"e1\",\"op\":\"upsert\",\"object\":{"
    "\"id\":\"e1\",\"first_name\":\"J\\u00fcrgen\",\"last_name\":\"M\\u00fcller \\ud83d\\udc4d\","
    "\"email\":\"j\\u0040example.test\",\"role\":\"admin\"}}"
    "],\"next_since\":3,\"has_more\":false,\"newest_seq\":9}";
  g_autoptr(TdCachePage) parsed = page_new (page, strlen (page), NULL);
  Pair pair;

  g_assert_true (td_cache_page_get_has_more (parsed) == FALSE);
  g_assert_cmpint (td_cache_page_get_newest_seq (parsed), ==, 9);

  pair_init (&pair);
  pair_apply (&pair, page);
  /* Decoded as written, not only alike in both caches. */
  assert_column (&pair, "SELECT title FROM tickets WHERE id = 't-1'",
                 "Straße ß \"quoted\" back\\slash / tab\t nl\n cr\r bs\b ff\f");
  assert_column (&pair, "SELECT body FROM tickets WHERE id = 't-1'",
                 "smile 😀 rocket 🚀 euro € a\xcc\x81 A\n7");
  assert_column (&pair, "SELECT title FROM tickets WHERE id = 't-2'", "plain");
  assert_column (&pair, "SELECT title FROM employees WHERE id = 'e1'", "Jürgen Müller 👍");
  assert_column (&pair, "SELECT email FROM employees WHERE id = 'e1'", "j@example.test");
  assert_column (&pair, "SELECT group_concat (label) FROM tickets_labels", "l1,l2");
  pair_clear (&pair);
}

static void
test_emoji_and_raw_utf8 (void)
{
  static const char * const pages[] = {
    "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"🚒\",\"op\":\"upsert\",\"object\":{"
    "\"id\":\"🚒\",\"title\":\"Pumpe 🚒 leckt — Straße, 東京, עברית\",\"status\":\"open\","
    "\"description\":\"👩‍🔧 fixed it 🇩🇪\",\"labels\":[\"🏷\"]}},"
    "{\"seq\":2,\"type\":\"notification\",\"id\":\"n🔔\",\"op\":\"upsert\",\"object\":{"
    "\"id\":\"n🔔\",\"title\":\"🔔\",\"body\":\"ein \\u00fc und ein ü\"}}"
    "],\"next_since\":2}",
    NULL
  };

  apply_pages (pages);
}

static void
test_duplicate_members (void)
{
  static const char *page =
    "{\"changes\":["
    /* in an object: the last one counts, whatever its type */
    "{\"seq\":1,\"type\":\"ticket\",\"id\":\"d1\",\"op\":\"upsert\",\"object\":{"
    "\"id\":\"d1\",\"title\":\"first\",\"status\":\"open\",\"title\":\"second\","
    "\"priority\":\"low\",\"priority\":null,\"number\":1,\"number\":\"2\","
    "\"labels\":[\"a\"],\"labels\":[\"b\",\"c\"],\"status\":\"done\",\"id\":\"d1\"}},"
    /* in a change */
    "{\"seq\":2,\"type\":\"device\",\"type\":\"ticket\",\"id\":\"x\",\"id\":\"d2\","
    "\"op\":\"delete\",\"op\":\"upsert\",\"object\":{\"id\":\"nope\"},"
    "\"object\":{\"id\":\"d2\",\"title\":\"Two\"}}"
    "],\"next_since\":1,\"has_more\":true,\"next_since\":2,\"has_more\":false}";
  g_autoptr(TdCachePage) parsed = page_new (page, strlen (page), NULL);
  Pair pair;

  g_assert_cmpint (td_cache_page_get_next_since (parsed), ==, 2);
  g_assert_false (td_cache_page_get_has_more (parsed));

  pair_init (&pair);
  pair_apply (&pair, page);
  assert_column (&pair, "SELECT title || ' ' || status FROM tickets WHERE id = 'd1'",
                 "second done");
  assert_column (&pair, "SELECT priority FROM tickets WHERE id = 'd1'", NULL);
  assert_column (&pair, "SELECT group_concat (label) FROM tickets_labels", "b,c");
  assert_column (&pair, "SELECT title FROM tickets WHERE id = 'd2'", "Two");
  assert_column (&pair, "SELECT count(*) FROM devices", "0");
  pair_clear (&pair);
}

/* A repeated "changes" member is a duplicate member like any other: the last one counts,
 * as in json-glib. */
static void
test_repeated_changes (void)
{
  static const char *page =
    "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"gone\",\"op\":\"upsert\","
    "\"object\":{\"id\":\"gone\",\"title\":\"Never stored\"}}],"
    "\"next_since\":2,"
    "\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"kept\",\"op\":\"upsert\","
    "\"object\":{\"id\":\"kept\",\"title\":\"Stored\"}}]}";
  g_autoptr(TdCachePage) parsed = page_new (page, strlen (page), NULL);
  Pair pair;

  g_assert_cmpuint (td_cache_page_get_n_changes (parsed), ==, 1);
  pair_init (&pair);
  pair_apply (&pair, page);
  assert_column (&pair, "SELECT group_concat (id) FROM tickets", "kept");
  pair_clear (&pair);
}

static void
test_escaped_member_names (void)
{
  static const char * const pages[] = {
    "{\"ch\\u0061nges\":["
    "{\"seq\":1,\"\\u0074ype\":\"ticket\",\"\\u0069d\":\"m1\",\"o\\u0070\":\"upsert\","
    "\"obj\\u0065ct\":{\"\\u0069d\":\"m1\",\"\\u0074itle\":\"Escaped names\","
    "\"st\\u0061tus\":\"open\",\"lab\\u0065ls\":[\"x\"],\"n\\u0075mber\":42,"
    "\"descr\\u0069ption\":\"found by search\",\"vers\\u0069on\":3}}"
    "],\"next\\u005fsince\":5,\"has\\u005fmore\":true}",
    NULL
  };
  g_autoptr(TdCachePage) parsed = page_new (pages[0], strlen (pages[0]), NULL);
  Pair pair;

  g_assert_cmpint (td_cache_page_get_next_since (parsed), ==, 5);
  g_assert_true (td_cache_page_get_has_more (parsed));
  pair_init (&pair);
  pair_apply (&pair, pages[0]);
  assert_column (&pair, "SELECT title || '|' || status || '|' || number || '|' || version"
                        " FROM tickets WHERE id = 'm1'", "Escaped names|open|42|3");
  assert_column (&pair, "SELECT body FROM tickets WHERE id = 'm1'", "found by search\n42");
  assert_column (&pair, "SELECT label FROM tickets_labels", "x");
  pair_clear (&pair);
}

static void
test_notification_read (void)
{
  static const struct
  {
    const char *members;
    const char *unread;
  } variants[] = {
    { "", "1" },
    { ",\"read_at\":null", "1" },
    { ",\"read_at\":null,\"read\":false", "1" },
    { ",\"read_at\":\"2026-01-02T03:04:05Z\"", "0" },
    { ",\"read_at\":\"2026-01-02T03:04:05Z\",\"read\":false", "0" },
    { ",\"read_at\":false", "0" },
    { ",\"read\":true", "0" },
    { ",\"read\":false", "1" },
    { ",\"read\":1", "0" },
    { ",\"read\":0", "1" },
    { ",\"read\":-0", "1" },
    { ",\"read\":0.0", "1" },
    { ",\"read\":2.5e-3", "0" },
    { ",\"read\":\"yes\"", "1" },
    { ",\"read\":null", "1" },
    { ",\"read\":[true]", "1" },
    { ",\"read\":{\"at\":1}", "1" },
    { ",\"read\":true,\"read\":false", "1" },
    { ",\"read_at\":\"2026-01-02T03:04:05Z\",\"read_at\":null", "1" },
    { ",\"r\\u0065ad\":true", "0" },
  };
  g_autoptr(GString) page = g_string_new ("{\"changes\":[");
  Pair pair;

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    g_string_append_printf (page, "%s{\"seq\":%u,\"type\":\"notification\",\"id\":\"n%u\","
                            "\"op\":\"upsert\",\"object\":{\"id\":\"n%u\",\"title\":\"N\","
                            "\"body\":\"b\"%s}}", i > 0 ? "," : "", i + 1, i, i,
                            variants[i].members);
  g_string_append (page, "],\"next_since\":100}");

  pair_init (&pair);
  pair_apply (&pair, page->str);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT unread FROM notifications"
                                              " WHERE id = 'n%u'", i);

      g_test_message ("read variant %s", variants[i].members);
      assert_column (&pair, sql, variants[i].unread);
    }
  pair_clear (&pair);
}

static void
test_delete_then_add (void)
{
  static const char * const pages[] = {
    "{\"changes\":["
    "{\"seq\":1,\"type\":\"ticket\",\"id\":\"a\",\"op\":\"upsert\",\"object\":{\"id\":\"a\",\"title\":\"A1\",\"labels\":[\"x\"]}},"
    "{\"seq\":2,\"type\":\"ticket\",\"id\":\"b\",\"op\":\"upsert\",\"object\":{\"id\":\"b\",\"title\":\"B1\"}},"
    "{\"seq\":3,\"type\":\"ticket_message\",\"id\":\"m\",\"op\":\"upsert\",\"object\":{\"id\":\"m\",\"body\":\"hello\"}}"
    "],\"next_since\":3}",
    "{\"changes\":["
    "{\"seq\":4,\"type\":\"ticket\",\"id\":\"a\",\"op\":\"delete\"},"
    "{\"seq\":5,\"type\":\"ticket_message\",\"id\":\"m\",\"op\":\"delete\",\"object\":null},"
    "{\"seq\":6,\"type\":\"ticket\",\"id\":\"never-seen\",\"op\":\"delete\"}"
    "],\"next_since\":6}",
    "{\"changes\":["
    "{\"seq\":7,\"type\":\"ticket\",\"id\":\"a\",\"op\":\"upsert\",\"object\":{\"id\":\"a\",\"title\":\"A2\",\"labels\":[\"y\"]}},"
    "{\"seq\":8,\"type\":\"ticket_message\",\"id\":\"m\",\"op\":\"upsert\",\"object\":{\"id\":\"m\",\"body\":\"again\"}}"
    "],\"next_since\":8}",
    /* all in one page */
    "{\"changes\":["
    "{\"seq\":9,\"type\":\"ticket\",\"id\":\"c\",\"op\":\"upsert\",\"object\":{\"id\":\"c\",\"title\":\"C1\"}},"
    "{\"seq\":10,\"type\":\"ticket\",\"id\":\"c\",\"op\":\"delete\"},"
    "{\"seq\":11,\"type\":\"ticket\",\"id\":\"c\",\"op\":\"upsert\",\"object\":{\"id\":\"c\",\"title\":\"C2\"}},"
    "{\"seq\":12,\"type\":\"ticket\",\"id\":\"b\",\"op\":\"delete\"}"
    "],\"next_since\":12}",
    NULL
  };
  Pair pair;

  pair_init (&pair);
  pair_apply (&pair, pages[0]);
  assert_column (&pair, "SELECT rid FROM tickets WHERE id = 'a'", "1");
  for (guint i = 1; pages[i] != NULL; i++)
    pair_apply (&pair, pages[i]);
  /* a came back as a new row */
  assert_column (&pair, "SELECT group_concat (id || ':' || title || ':' || rid) FROM"
                        " (SELECT * FROM tickets ORDER BY id)", "a:A2:3,c:C2:4");
  assert_column (&pair, "SELECT group_concat (label) FROM tickets_labels", "y");
  assert_column (&pair, "SELECT body FROM other_objects WHERE id = 'm'", "again");
  pair_clear (&pair);
}

static void
test_pretty_printed (void)
{
  static const char *pretty =
    "\r\n\t {\r\n"
    "  \"changes\" : [\n"
    "    {\n"
    "      \"seq\" : 1 ,\n"
    "      \"type\" : \"ticket\",\n"
    "      \"id\" : \"p1\",\n"
    "      \"op\" : \"upsert\",\n"
    "      \"object\" : {\n"
    "        \"id\" : \"p1\",\n"
    "        \"version\" : 2,\n"
    "        \"title\" : \"Pretty  printed\",\n"
    "        \"labels\" : [ \"a\" , \"b\" ] ,\n"
    "        \"responsible_ids\" : [ ],\n"
    "        \"extra\" : { \"nested\" : [ 1 , 2.5 , -3e2 , true , null , { } ] },\n"
    "        \"status\"\t:\t\"open\"\n"
    "      }\n"
    "    } ,\n"
    "    { \"seq\": 2, \"type\": \"customer\", \"id\": \"c1\", \"op\": \"upsert\",\n"
    "      \"object\": { \"id\": \"c1\", \"email\": \"c1@example.test\", \"customer_number\": \"K-1\" } }\n"
    "  ] ,\n"
    "  \"next_since\" : 2 ,\n"
    "  \"has_more\" : false\n"
    "}\r\n \t";
  Pair pair;

  pair_init (&pair);
  pair_apply (&pair, pretty);
  /* The server's text is kept as it came. */
  assert_column (&pair, "SELECT json LIKE '{\n        \"id\" : \"p1\",%' FROM tickets", "1");
  assert_column (&pair, "SELECT group_concat (label) FROM tickets_labels", "a,b");
  assert_column (&pair, "SELECT title FROM customers", "c1@example.test");
  pair_clear (&pair);
}

static void
test_values (void)
{
  static const char * const pages[] = {
    "{\"changes\":["
    /* a double where an integer column is; an integer where text is; no title member */
    "{\"seq\":1,\"type\":\"ticket\",\"id\":\"v1\",\"op\":\"upsert\",\"object\":{\"id\":\"v1\","
    "\"version\":2.0,\"number\":1e2,\"title\":7,\"name\":\"Named\",\"created_at\":1700000000,"
    "\"updated_at\":-0,\"status\":true,\"priority\":-12.5E-1,\"device_id\":false,"
    "\"customer_id\":[\"c\"],\"visibility\":{\"a\":1}}},"
    /* no id in the object: the change's id is the object's */
    "{\"seq\":2,\"type\":\"ticket\",\"id\":\"v2\",\"op\":\"upsert\",\"object\":{\"title\":\"No id\"}},"
    /* a type without a table of its own */
    "{\"seq\":3,\"type\":\"attachment\",\"id\":\"v3\",\"op\":\"upsert\",\"object\":{\"id\":\"v3\","
    "\"display_name\":\"scan.pdf\",\"description\":\"the \\\"scan\\\"\",\"body\":12}},"
    "{\"seq\":4,\"type\":\"device\",\"id\":\"v4\",\"op\":\"upsert\",\"object\":{\"id\":\"v4\","
    "\"serial_number\":\"SN\\u00b71\",\"name\":\"Heat pump\",\"labels\":[]}},"
    /* members the cache does not know are kept in json only */
    "{\"seq\":5,\"type\":\"employee\",\"id\":\"v5\",\"op\":\"upsert\",\"object\":{\"id\":\"v5\","
    "\"last_name\":\"Only\",\"x\":{\"y\":[[[]]]},\"email\":null}}"
    "],\"next_since\":0,\"newest_seq\":-1}",
    NULL
  };

  apply_pages (pages);
}

/* td_cache_page_new() counts the page object as the first level, as td_json_parse()
 * does: 32 levels are a page, 33 are not. */
static char *
deep_page (guint       depth,
           gboolean    in_object)
{
  GString *page = g_string_new (NULL);
  /* page object, changes array, change, object */
  guint arrays = in_object ? depth - 4 : depth - 1;

  if (in_object)
    g_string_append (page, "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"deep\","
                           "\"op\":\"upsert\",\"object\":{\"id\":\"deep\",\"extra\":");
  else
    g_string_append (page, "{\"changes\":[],\"next_since\":1,\"extra\":");
  for (guint i = 0; i < arrays; i++)
    g_string_append_c (page, '[');
  g_string_append (page, "\"bottom\"");
  for (guint i = 0; i < arrays; i++)
    g_string_append_c (page, ']');
  if (in_object)
    g_string_append (page, "}}],\"next_since\":1}");
  else
    g_string_append_c (page, '}');
  return g_string_free (page, FALSE);
}

static void
test_depth_32 (void)
{
  g_autofree char *in_object = deep_page (TD_JSON_MAX_DEPTH, TRUE);
  g_autofree char *in_page = deep_page (TD_JSON_MAX_DEPTH, FALSE);
  Pair pair;

  g_assert_cmpint (TD_JSON_MAX_DEPTH, ==, 32);
  g_assert_true (td_json_check_depth (in_object, strlen (in_object), 32));
  g_assert_false (td_json_check_depth (in_object, strlen (in_object), 31));
  pair_init (&pair);
  pair_apply (&pair, in_object);
  pair_apply (&pair, in_page);
  pair_clear (&pair);
}

/* Refused pages */

static const char base_page[] =
  "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":"
  "{\"id\":\"r1\",\"version\":1,\"title\":\"T\",\"labels\":[\"x\"]}}],\"next_since\":1}";

/* Text with NUL bytes in it: its length is the literal's. */
#define WITH_NUL(why, page) { why, page, sizeof page - 1 }

/* Each of these is base_page, or a page like it, with one thing wrong. */
static const struct
{
  const char *why;
  const char *page;
  gssize      length;   /* for text with NUL bytes; else -1 */
} refused[] = {
  /* surrogates */
  { "lone high surrogate", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\ud800\"}}],\"next_since\":1}", -1 },
  { "high surrogate, then text", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\ud800x\"}}],\"next_since\":1}", -1 },
  { "high surrogate, then a letter", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\ud800\\u0041\"}}],\"next_since\":1}", -1 },
  { "two high surrogates", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\ud83d\\ud83d\"}}],\"next_since\":1}", -1 },
  { "lone low surrogate", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\udc00\"}}],\"next_since\":1}", -1 },
  { "surrogates reversed", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\ude00\\ud83d\"}}],\"next_since\":1}", -1 },
  { "lone surrogate in an ignored member", "{\"changes\":[],\"next_since\":1,\"note\":\"\\udbff\"}", -1 },
  { "lone surrogate in a member name", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"\\ud800\":1}}],\"next_since\":1}", -1 },
  { "surrogate pair cut short", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\ud83d\\ude0\"}}],\"next_since\":1}", -1 },
  /* raw control characters in strings */
  { "raw U+0001", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"a\001b\"}}],\"next_since\":1}", -1 },
  { "raw tab", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"a\tb\"}}],\"next_since\":1}", -1 },
  { "raw newline", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"a\nb\"}}],\"next_since\":1}", -1 },
  { "raw U+001F in a member name", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"ti\037tle\":\"T\"}}],\"next_since\":1}", -1 },
  WITH_NUL ("raw NUL", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"a\0b\"}}],\"next_since\":1}"),
  /* trailing commas */
  { "trailing comma in changes", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"T\"}},],\"next_since\":1}", -1 },
  { "trailing comma in an object", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"T\",}}],\"next_since\":1}", -1 },
  { "trailing comma in a change", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\"},}],\"next_since\":1}", -1 },
  { "trailing comma in the page", "{\"changes\":[],\"next_since\":1,}", -1 },
  { "trailing comma in labels", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"labels\":[\"x\",]}}],\"next_since\":1}", -1 },
  { "empty element", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"labels\":[\"x\",,\"y\"]}}],\"next_since\":1}", -1 },
  /* leading zeros */
  { "leading zero", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"version\":01}}],\"next_since\":1}", -1 },
  { "negative leading zero", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"version\":-01}}],\"next_since\":1}", -1 },
  { "double zero", "{\"changes\":[{\"seq\":00,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"delete\"}],\"next_since\":1}", -1 },
  { "leading zeros in next_since", "{\"changes\":[],\"next_since\":007}", -1 },
  { "leading zero before a fraction", "{\"changes\":[],\"next_since\":1,\"x\":00.5}", -1 },
  /* duplicates of nothing */
  { "repeated changes, the last broken", "{\"changes\":[],\"next_since\":1,\"changes\":[1,]}", -1 },
  /* invalid UTF-8 */
  { "byte 0xFF", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\xff\"}}],\"next_since\":1}", -1 },
  { "lone continuation byte", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"a\x80\"}}],\"next_since\":1}", -1 },
  { "overlong NUL", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\xc0\x80\"}}],\"next_since\":1}", -1 },
  { "overlong slash", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\xe0\x80\xaf\"}}],\"next_since\":1}", -1 },
  { "surrogate as UTF-8", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\xed\xa0\x80\"}}],\"next_since\":1}", -1 },
  { "above U+10FFFF", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\xf4\x90\x80\x80\"}}],\"next_since\":1}", -1 },
  { "sequence cut by the quote", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\xe2\x82\"}}],\"next_since\":1}", -1 },
  { "sequence cut by the end", "{\"changes\":[],\"next_since\":1,\"x\":\"\xf0\x9f\x98", -1 },
  { "invalid UTF-8 in a member name", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"t\xfe\":1}}],\"next_since\":1}", -1 },
  { "invalid UTF-8 in the id", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r\xc3\",\"op\":\"delete\"}],\"next_since\":1}", -1 },
  { "Latin-1 text", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"Stra\xdf" "e\"}}],\"next_since\":1}", -1 },
  /* what json-glib 1.6 takes and JSON does not */
  { "single quotes", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{'id':\"r1\"}}],\"next_since\":1}", -1 },
  { "comment", "{\"changes\":[] /* none */,\"next_since\":1}", -1 },
  { "hex number", "{\"changes\":[],\"next_since\":0x10}", -1 },
  { "number ending in a point", "{\"changes\":[],\"next_since\":1,\"x\":1.}", -1 },
  { "number starting with a point", "{\"changes\":[],\"next_since\":1,\"x\":.5}", -1 },
  { "plus sign", "{\"changes\":[],\"next_since\":+1}", -1 },
  { "exponent without digits", "{\"changes\":[],\"next_since\":1,\"x\":1e}", -1 },
  { "minus alone", "{\"changes\":[],\"next_since\":1,\"x\":-}", -1 },
  { "NaN", "{\"changes\":[],\"next_since\":1,\"x\":NaN}", -1 },
  { "Infinity", "{\"changes\":[],\"next_since\":1,\"x\":-Infinity}", -1 },
  { "unknown escape", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\x41\"}}],\"next_since\":1}", -1 },
  { "escaped apostrophe", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\'\"}}],\"next_since\":1}", -1 },
  { "\\U escape", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\U0041\"}}],\"next_since\":1}", -1 },
  { "short \\u escape", "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"r1\",\"op\":\"upsert\",\"object\":{\"id\":\"r1\",\"title\":\"\\u41\"}}],\"next_since\":1}", -1 },
  { "byte order mark", "\xef\xbb\xbf{\"changes\":[],\"next_since\":1}", -1 },
  { "vertical tab as space", "{\"changes\":[],\v\"next_since\":1}", -1 },
  { "capital literal", "{\"changes\":[],\"next_since\":1,\"has_more\":True}", -1 },
  { "unquoted name", "{\"changes\":[],next_since:1}", -1 },
  /* not one document */
  { "empty", "", -1 },
  { "only space", " \n", -1 },
  { "garbage after the page", "{\"changes\":[],\"next_since\":1} x", -1 },
  { "two pages", "{\"changes\":[],\"next_since\":1}{\"changes\":[],\"next_since\":2}", -1 },
  WITH_NUL ("NUL after the page", "{\"changes\":[],\"next_since\":1}\0"),
  { "missing colon", "{\"changes\":[],\"next_since\" 1}", -1 },
  { "missing comma", "{\"changes\":[] \"next_since\":1}", -1 },
  { "unclosed string", "{\"changes\":[],\"next_since\":1,\"x\":\"abc}", -1 },
  { "backslash at the end", "{\"changes\":[],\"next_since\":1,\"x\":\"abc\\", -1 },
  /* not a page */
  { "an array", "[]", -1 },
  { "a string", "\"changes\"", -1 },
  { "no changes", "{\"next_since\":1}", -1 },
  { "changes not an array", "{\"changes\":{},\"next_since\":1}", -1 },
  { "changes null", "{\"changes\":null,\"next_since\":1}", -1 },
  { "last changes not an array", "{\"changes\":[],\"next_since\":1,\"changes\":1}", -1 },
  { "no next_since", "{\"changes\":[]}", -1 },
  { "negative next_since", "{\"changes\":[],\"next_since\":-1}", -1 },
  { "next_since with a fraction", "{\"changes\":[],\"next_since\":1.5}", -1 },
  { "next_since with an exponent", "{\"changes\":[],\"next_since\":1e3}", -1 },
  { "next_since a string", "{\"changes\":[],\"next_since\":\"1\"}", -1 },
  { "next_since null", "{\"changes\":[],\"next_since\":null}", -1 },
  { "last next_since not a number", "{\"changes\":[],\"next_since\":1,\"next_since\":true}", -1 },
};

/* A cache with a page in it, and what it holds; a refused page must leave it so. */
typedef struct
{
  Side       side;
  GPtrArray *rows;
} Filled;

static void
filled_init (Filled *filled)
{
  g_autoptr(TdCachePage) page = NULL;
  g_autoptr(GError) error = NULL;

  side_init (&filled->side, "filled.db");
  page = page_new (base_page, strlen (base_page), &error);
  g_assert_no_error (error);
  g_assert_true (td_cache_apply_page (filled->side.cache, page, &error));
  g_assert_no_error (error);
  g_ptr_array_set_size (filled->side.changed, 0);
  filled->rows = side_rows (&filled->side, TRUE);
  g_assert_cmpuint (td_cache_count_objects (filled->side.cache, "ticket"), ==, 1);
}

/* Offers @text to the cache the way the sync engine does (page, then apply): it must be
 * refused as invalid, and the cache must hold what it held and say nothing. */
static void
assert_refused (Filled     *filled,
                const char *text,
                gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdCachePage) page = page_new (text, length, &error);
  g_autoptr(GPtrArray) rows = NULL;

  if (page != NULL)
    {
      g_assert_no_error (error);
      g_assert_false (td_cache_apply_page (filled->side.cache, page, &error));
    }
  g_assert_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID);
  rows = side_rows (&filled->side, TRUE);
  assert_same_strings (rows, filled->rows, "rows after a refused page");
  g_assert_cmpint (td_cache_get_cursor (filled->side.cache), ==, 1);
  g_assert_cmpuint (filled->side.changed->len, ==, 0);
}

static void
filled_clear (Filled *filled)
{
  g_clear_pointer (&filled->rows, g_ptr_array_unref);
  side_clear (&filled->side);
}

static void
test_refused (void)
{
  Filled filled;

  filled_init (&filled);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      gsize length = refused[i].length >= 0 ? (gsize) refused[i].length : strlen (refused[i].page);
      g_autoptr(JsonNode) strict = NULL;
      JsonArray *changes;
      gint64 next_since;

      g_test_message ("refused: %s", refused[i].why);
      assert_refused (&filled, refused[i].page, length);
      /* The fuzz test's oracle must agree, or it would not catch the reader out. */
      strict = strict_parse (refused[i].page, length);
      g_assert_false (strict != NULL && tree_page_shape (strict, &changes, &next_since));
    }
  filled_clear (&filled);
}

static void
test_refused_depth_33 (void)
{
  g_autofree char *in_object = deep_page (TD_JSON_MAX_DEPTH + 1, TRUE);
  g_autofree char *in_page = deep_page (TD_JSON_MAX_DEPTH + 1, FALSE);
  g_autofree char *brackets = g_strnfill (100000, '[');
  g_autofree char *very_deep = g_strconcat ("{\"changes\":[],\"next_since\":1,\"x\":", brackets,
                                            NULL);
  Filled filled;

  filled_init (&filled);
  assert_refused (&filled, in_object, strlen (in_object));
  assert_refused (&filled, in_page, strlen (in_page));
  /* no recursion on the way down either */
  assert_refused (&filled, very_deep, strlen (very_deep));
  filled_clear (&filled);
}

static void
test_refused_truncated (void)
{
  static const char * const pages[] = {
    base_page,
    "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"\\u00df\",\"op\":\"upsert\","
    "\"object\":{\"id\":\"\\u00df\",\"title\":\"\\ud83d\\ude00 ü 🚒\",\"version\":-1.5e+3,"
    "\"x\":[true,false,null,{}]}}],\"next_since\":12,\"has_more\":true}",
    NULL
  };
  Filled filled;

  filled_init (&filled);
  for (guint p = 0; pages[p] != NULL; p++)
    {
      gsize length = strlen (pages[p]);
      g_autoptr(TdCachePage) whole = page_new (pages[p], length, NULL);

      g_assert_nonnull (whole);
      /* Every prefix: cut in a string, an escape, a number, a literal, a UTF-8 sequence. */
      for (gsize cut = 0; cut < length; cut++)
        assert_refused (&filled, pages[p], cut);
    }
  filled_clear (&filled);
}

/* A page that is JSON but holds a change the cache cannot store changes nothing. */
static void
test_refused_change_is_atomic (void)
{
  static const char * const pages[] = {
    "{\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"ok\",\"op\":\"upsert\",\"object\":{\"id\":\"ok\"}},"
    "{\"seq\":3,\"type\":\"ticket\",\"op\":\"upsert\",\"object\":{\"id\":\"x\"}}],\"next_since\":3}",
    "{\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"ok\",\"op\":\"upsert\",\"object\":{\"id\":\"ok\"}},"
    "{\"seq\":3,\"type\":\"ticket\",\"id\":\"x\",\"op\":\"upsert\",\"object\":{\"id\":\"y\"}}],\"next_since\":3}",
    "{\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"ok\",\"op\":\"upsert\",\"object\":{\"id\":\"ok\"}},"
    "{\"seq\":3,\"type\":\"ticket\",\"id\":\"x\",\"op\":\"upsert\",\"object\":[]}],\"next_since\":3}",
    "{\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"ok\",\"op\":\"upsert\",\"object\":{\"id\":\"ok\"}},"
    "{\"seq\":3,\"type\":\"ticket\",\"id\":\"x\",\"op\":\"patch\",\"object\":{\"id\":\"x\"}}],\"next_since\":3}",
    "{\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"ok\",\"op\":\"upsert\",\"object\":{\"id\":\"ok\"}},"
    "{\"seq\":3,\"type\":\"\",\"id\":\"x\",\"op\":\"delete\"}],\"next_since\":3}",
    "{\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"ok\",\"op\":\"upsert\",\"object\":{\"id\":\"ok\"}},"
    "{\"seq\":3,\"type\":\"ticket\",\"id\":\"\\u0000\",\"op\":\"delete\"}],\"next_since\":3}",
    "{\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"ok\",\"op\":\"upsert\",\"object\":{\"id\":\"ok\"}},"
    "{\"seq\":3,\"type\":5,\"id\":\"x\",\"op\":\"delete\"}],\"next_since\":3}",
    "{\"changes\":[{\"seq\":2,\"type\":\"ticket\",\"id\":\"ok\",\"op\":\"upsert\",\"object\":{\"id\":\"ok\"}},"
    "\"not a change\"],\"next_since\":3}",
    NULL
  };
  Filled filled;

  filled_init (&filled);
  for (guint p = 0; pages[p] != NULL; p++)
    {
      g_test_message ("page: %s", pages[p]);
      assert_refused (&filled, pages[p], strlen (pages[p]));
    }
  filled_clear (&filled);
}

/* Mutated pages */

static const char * const seeds[] = {
  "{\"changes\":[{\"seq\":1,\"type\":\"ticket\",\"id\":\"a\",\"op\":\"upsert\",\"object\":"
  "{\"id\":\"a\",\"version\":3,\"title\":\"Stra\\u00dfe \\ud83d\\ude00 \\\"q\\\" \\\\ \\/\","
  "\"status\":\"open\",\"priority\":\"high\",\"number\":17,\"labels\":[\"l1\",\"l\\u0032\"],"
  "\"description\":\"Pumpe 🚒 leckt, 東京\\n\\t.\",\"updated_at\":\"2026-01-01T00:00:01Z\"}},"
  "{\"seq\":2,\"type\":\"ticket\",\"id\":\"b\",\"op\":\"delete\"},"
  "{\"seq\":3,\"type\":\"employee\",\"id\":\"e\",\"op\":\"upsert\",\"object\":"
  "{\"id\":\"e\",\"first_name\":\"J\\u00fcrgen\",\"last_name\":\"X\",\"role\":\"admin\"}}"
  "],\"next_since\":3,\"has_more\":false}",

  "{\n  \"changes\": [\n    {\n      \"seq\": 4,\n      \"type\": \"notification\",\n"
  "      \"id\": \"n\",\n      \"op\": \"upsert\",\n      \"object\": {\n"
  "        \"id\": \"n\",\n        \"title\": \"Neu\",\n        \"read\": false,\n"
  "        \"read_at\": null,\n        \"body\": \"x\\u00e9\",\n        \"n\": [1, 2.5, -3e2]\n"
  "      }\n    },\n    { \"seq\": 5, \"type\": \"ticket\", \"id\": \"b\", \"op\": \"upsert\",\n"
  "      \"object\": { \"id\": \"b\", \"title\": \"B\", \"title\": \"B2\", \"labels\": [ ] } }\n"
  "  ],\n  \"next_since\": 5\n}\n",

  "{\"ch\\u0061nges\":[{\"seq\":6,\"\\u0074ype\":\"attachment\",\"id\":\"f\",\"op\":\"upsert\","
  "\"object\":{\"id\":\"f\",\"display_name\":\"f.pdf\",\"size\":1024,\"ok\":true}},"
  "{\"seq\":7,\"type\":\"device\",\"id\":\"d\",\"op\":\"upsert\",\"object\":{\"id\":\"d\","
  "\"serial_number\":\"SN-1\",\"name\":\"Heat pump\",\"customer_id\":null}}],"
  "\"next_since\":7,\"next_since\":8}",
};

static const char interesting[] =
  "\"\\{}[],:0123456789-+.eEtfnulr u\t\n\r\x01\x1f\x7f\x80\xbf\xc3\xdf\xe2\xed\xf0\xf4\xff";

/* One to three byte flips, byte changes, cuts, deletions, insertions or repeats. */
static void
mutate (GString *text,
        GRand   *rand)
{
  guint n = g_rand_int_range (rand, 1, 4);

  for (guint m = 0; m < n && text->len > 0; m++)
    {
      gsize at = g_rand_int_range (rand, 0, text->len);
      /* sizeof: the string's NUL is one of them */
      char byte = interesting[g_rand_int_range (rand, 0, sizeof interesting)];

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          text->str[at] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;
        case 1:
          text->str[at] = byte;
          break;
        case 2:
          g_string_truncate (text, at);
          break;
        case 3:
          g_string_erase (text, at, 1);
          break;
        case 4:
          g_string_insert_len (text, at, &byte, 1);
          break;
        default:
          {
            gsize length = MIN ((gsize) g_rand_int_range (rand, 1, 17), text->len - at);
            g_autofree char *chunk = g_memdup2 (text->str + at, length);

            g_string_insert_len (text, at, chunk, length);
          }
          break;
        }
    }
}

static guint64
env_number (const char *name,
            guint64     fallback)
{
  const char *value = g_getenv (name);

  return value != NULL ? g_ascii_strtoull (value, NULL, 10) : fallback;
}

static void
test_mutations (void)
{
  guint64 iterations = env_number ("TD_TEST_PAGE_MUTATIONS", MUTATIONS);
  guint32 seed = env_number ("TD_TEST_PAGE_SEED", MUTATION_SEED);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint refused_both = 0, applied = 0, failed_both = 0, lossy = 0;
  gint64 start = g_get_monotonic_time ();
  Pair pair;

  g_test_message ("seed %u, %" G_GUINT64_FORMAT " mutations", seed, iterations);
  pair_init (&pair);
  /* As one bulk load: its pages commit without an fsync each, which keeps a few thousand
   * pages quick; the reader reads them as it reads any other. */
  g_assert_true (td_cache_begin_bulk (pair.text.cache, NULL));
  g_assert_true (td_cache_begin_bulk (pair.tree.cache, NULL));
  for (guint64 i = 0; i < iterations; i++)
    {
      const char *seed_text = seeds[i % G_N_ELEMENTS (seeds)];
      g_autoptr(GString) text = g_string_new (seed_text);
      g_autoptr(GError) error = NULL;
      g_autoptr(TdCachePage) page = NULL;
      g_autoptr(JsonNode) strict = NULL;
      g_autofree char *raw = NULL;
      g_autofree char *shown = NULL;
      JsonArray *changes = NULL;
      gint64 next_since = -1;
      gboolean is_page;
      gboolean ok_text;
      gboolean ok_tree;

      mutate (text, rand);
      raw = g_strndup (text->str, text->len);
      shown = g_strescape (raw, NULL);

      page = page_new (text->str, text->len, &error);
      strict = strict_parse (text->str, text->len);
      is_page = strict != NULL && tree_page_shape (strict, &changes, &next_since);
      if (page == NULL)
        {
          g_assert_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID);
          /* Refused: right unless it is a page json-glib reads strictly and without loss. */
          if (is_page && numbers_in_range (text->str, text->len))
            g_error ("mutation %" G_GUINT64_FORMAT " is a page, refused: %s (%s)", i, shown,
                     error->message);
          if (is_page)
            lossy++;
          else
            refused_both++;
          continue;
        }
      if (!is_page)
        g_error ("mutation %" G_GUINT64_FORMAT " is no strict JSON page, taken: %s", i, shown);
      if (!numbers_in_range (text->str, text->len))
        {
          /* json-glib reads such a number as another; nothing to compare with */
          lossy++;
          continue;
        }

      g_assert_cmpint (td_cache_page_get_next_since (page), ==, next_since);
      ok_text = td_cache_apply_page (pair.text.cache, page, NULL);
      ok_tree = td_cache_apply_changes (pair.tree.cache, changes, next_since, NULL);
      if (ok_text != ok_tree)
        g_error ("mutation %" G_GUINT64_FORMAT " applied %s as text, %s through json-glib: %s",
                 i, ok_text ? "fine" : "not", ok_tree ? "fine" : "not", shown);
      if (ok_text)
        applied++;
      else
        failed_both++;
      g_test_message ("mutation %" G_GUINT64_FORMAT ": %s", i, shown);
      /* FTS5 is off during a bulk load: its index is compared at the end. */
      assert_same_rows (&pair, FALSE);
      assert_same_strings (pair.text.changed, pair.tree.changed, "changed signals");
    }
  /* The indexes built from the rows at the end must agree too. */
  g_assert_true (td_cache_end_bulk (pair.text.cache, NULL));
  g_assert_true (td_cache_end_bulk (pair.tree.cache, NULL));
  assert_same_rows (&pair, TRUE);
  pair_clear (&pair);

  g_test_message ("%" G_GUINT64_FORMAT " mutations in %.2f s: %u refused (not strict JSON pages),"
                  " %u applied alike, %u refused alike by both caches, %u with numbers json-glib"
                  " reads otherwise", iterations, (g_get_monotonic_time () - start) / 1e6,
                  refused_both, applied, failed_both, lossy);
  /* The mutations must reach the cache often enough to mean something. */
  g_assert_cmpuint (applied, >, iterations / 20);
  g_assert_cmpuint (refused_both, >, iterations / 4);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/client/cache-page/escapes", test_escapes);
  g_test_add_func ("/client/cache-page/emoji-and-raw-utf8", test_emoji_and_raw_utf8);
  g_test_add_func ("/client/cache-page/duplicate-members", test_duplicate_members);
  g_test_add_func ("/client/cache-page/repeated-changes", test_repeated_changes);
  g_test_add_func ("/client/cache-page/escaped-member-names", test_escaped_member_names);
  g_test_add_func ("/client/cache-page/notification-read", test_notification_read);
  g_test_add_func ("/client/cache-page/delete-then-add", test_delete_then_add);
  g_test_add_func ("/client/cache-page/pretty-printed", test_pretty_printed);
  g_test_add_func ("/client/cache-page/values", test_values);
  g_test_add_func ("/client/cache-page/depth-32", test_depth_32);
  g_test_add_func ("/client/cache-page/refused", test_refused);
  g_test_add_func ("/client/cache-page/refused-depth-33", test_refused_depth_33);
  g_test_add_func ("/client/cache-page/refused-truncated", test_refused_truncated);
  g_test_add_func ("/client/cache-page/refused-change-is-atomic", test_refused_change_is_atomic);
  g_test_add_func ("/client/cache-page/mutations", test_mutations);

  return g_test_run ();
}
