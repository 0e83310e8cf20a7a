/* td-cache.c: the client's offline copy of what the server syncs to this user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-cache"

#include "config.h"

#include "td-cache.h"
#include "td-cache-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "td-json.h"

/* A change from the feed larger than this is not something the server sends. */
#define MAX_TYPE_LENGTH 64
#define MAX_ID_LENGTH   200

/* For a new cache file. Rows are a few hundred bytes to a few KiB (the whole object as
 * JSON): 16 KiB pages hold several each, so a bulk load and the index builds after it do a
 * quarter of the page reads and writes (and system calls) that 4 KiB pages need, and an
 * initial sync of 100,000 tickets takes about a third less time in SQLite (bench-cache);
 * list windows and searches measured the same. */
#define PAGE_SIZE_BYTES 16384

struct _TdCache
{
  GObject        parent_instance;

  char          *path;
  char          *server_url;
  char          *user_id;
  sqlite3       *db;
  GHashTable    *statements;   /* SQL text → sqlite3_stmt*, prepared once */
  GHashTable    *upsert_sql;   /* table → its upsert statement text */
  GHashTable    *upserts;      /* TdCacheEntity → its upsert (owned by statements) */
  GHashTable    *changed;      /* type → set of ids (NULL set: everything) */
  JsonGenerator *generator;
  gboolean       in_transaction;
  gboolean       bulk_pages;   /* pages of a bulk load commit without an fsync */
};

G_DEFINE_FINAL_TYPE (TdCache, td_cache, G_TYPE_OBJECT)

enum {
  CHANGED,
  OUTBOX_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (td-cache-error-quark, td_cache_error)

void
td_cache_set_sqlite_error (GError     **error,
                           sqlite3     *db,
                           const char  *what)
{
  g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_FAILED, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : "no database");
}

static void
close_database (TdCache *self)
{
  g_hash_table_remove_all (self->upserts);
  g_hash_table_remove_all (self->statements);
  if (self->db != NULL)
    {
      if (self->in_transaction)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close (self->db);
      self->db = NULL;
    }
  self->in_transaction = FALSE;
  self->bulk_pages = FALSE;
}

static void
td_cache_finalize (GObject *object)
{
  TdCache *self = TD_CACHE (object);

  close_database (self);
  g_hash_table_unref (self->statements);
  g_hash_table_unref (self->upsert_sql);
  g_hash_table_unref (self->upserts);
  g_hash_table_unref (self->changed);
  g_clear_object (&self->generator);
  g_free (self->path);
  g_free (self->server_url);
  g_free (self->user_id);

  G_OBJECT_CLASS (td_cache_parent_class)->finalize (object);
}

static void
td_cache_class_init (TdCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_cache_finalize;

  /**
   * TdCache::changed:
   * @type: the synced type ("ticket", …); also the signal's detail
   * @ids: (nullable): the ids written or removed, or %NULL when every object of the type
   *   may have changed (resync, wipe)
   *
   * Emitted after a transaction that changed objects of @type committed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRV);
  /* Emitted after the outbox gained, lost or changed an entry. */
  signals[OUTBOX_CHANGED] = g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
unref_id_set (gpointer ids)
{
  if (ids != NULL)
    g_hash_table_unref (ids);
}

/* type → set of ids, or → NULL for "every object of the type" */
static GHashTable *
new_changed_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_id_set);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
td_cache_init (TdCache *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_statement);
  self->upsert_sql = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->upserts = g_hash_table_new (NULL, NULL);
  self->changed = new_changed_table ();
  self->generator = json_generator_new ();
}

/* Private API shared with the outbox and the models */

sqlite3 *
td_cache_get_db (TdCache  *self,
                 GError  **error)
{
  g_return_val_if_fail (TD_IS_CACHE (self), NULL);

  if (self->db == NULL)
    g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_CLOSED,
                         "The cache was wiped");
  return self->db;
}

gboolean
td_cache_exec (TdCache     *self,
               const char  *sql,
               GError     **error)
{
  sqlite3 *db = td_cache_get_db (self, error);

  if (db == NULL)
    return FALSE;
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      td_cache_set_sqlite_error (error, db, sql);
      return FALSE;
    }
  return TRUE;
}

gboolean
td_cache_begin (TdCache  *self,
                GError  **error)
{
  g_return_val_if_fail (!self->in_transaction, FALSE);

  /* IMMEDIATE: take the write lock now rather than fail half-way through a page. */
  if (!td_cache_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_transaction = TRUE;
  return TRUE;
}

gboolean
td_cache_commit (TdCache  *self,
                 GError  **error)
{
  if (!td_cache_exec (self, "COMMIT", error))
    {
      td_cache_rollback (self);
      return FALSE;
    }
  self->in_transaction = FALSE;
  return TRUE;
}

void
td_cache_rollback (TdCache *self)
{
  if (self->db != NULL && self->in_transaction)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_transaction = FALSE;
  td_cache_forget_changed (self);
}

sqlite3_stmt *
td_cache_statement (TdCache     *self,
                    const char  *sql,
                    GError     **error)
{
  sqlite3 *db = td_cache_get_db (self, error);
  sqlite3_stmt *stmt;

  if (db == NULL)
    return NULL;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      td_cache_set_sqlite_error (error, db, "Cannot prepare a cache query");
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

void
td_cache_note_changed (TdCache    *self,
                       const char *type,
                       const char *id)
{
  GHashTable *ids;

  if (!g_hash_table_lookup_extended (self->changed, type, NULL, (gpointer *) &ids))
    {
      ids = id != NULL ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) : NULL;
      g_hash_table_insert (self->changed, g_strdup (type), ids);
    }
  else if (id == NULL && ids != NULL)
    {
      g_hash_table_insert (self->changed, g_strdup (type), NULL);
      ids = NULL;
    }
  if (ids != NULL && id != NULL)
    g_hash_table_add (ids, g_strdup (id));
}

void
td_cache_forget_changed (TdCache *self)
{
  g_hash_table_remove_all (self->changed);
}

void
td_cache_flush_changed (TdCache  *self,
                        gboolean  outbox_changed)
{
  g_autoptr(GHashTable) changed = g_steal_pointer (&self->changed);
  GHashTableIter iter;
  const char *type;
  GHashTable *ids;

  /* A handler may write to the cache again: give it a fresh set. */
  self->changed = new_changed_table ();
  g_object_ref (self);
  g_hash_table_iter_init (&iter, changed);
  while (g_hash_table_iter_next (&iter, (gpointer *) &type, (gpointer *) &ids))
    {
      g_autofree const char **list = NULL;

      if (ids != NULL)
        {
          guint n;

          list = (const char **) g_hash_table_get_keys_as_array (ids, &n);
        }
      g_signal_emit (self, signals[CHANGED], g_quark_from_string (type), type, list);
    }
  if (outbox_changed)
    g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
  g_object_unref (self);
}

/* Opening */

char *
td_cache_build_path (const char *server_url,
                     const char *user_id)
{
  g_autofree char *key = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (server_url != NULL && user_id != NULL, NULL);

  /* Hashed so that neither the server nor the user is readable from the file name, and a
   * newline cannot occur in a URL, so no two pairs give the same key. */
  key = g_strconcat (server_url, "\n", user_id, NULL);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  name = g_strconcat (hash, ".db", NULL);
  return g_build_filename (g_get_user_data_dir (), "twindesk", "cache", name, NULL);
}

static gboolean
read_meta (TdCache     *self,
           const char  *key,
           char       **value,
           GError     **error)
{
  sqlite3_stmt *stmt = td_cache_statement (self, "SELECT value FROM meta WHERE key = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  *value = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
write_meta (TdCache     *self,
            const char  *key,
            const char  *value,
            GError     **error)
{
  sqlite3_stmt *stmt = td_cache_statement (self,
                                           "INSERT INTO meta (key, value) VALUES (?, ?)"
                                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                           error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      td_cache_set_sqlite_error (error, self->db, "Cannot write the cache metadata");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_owner (TdCache  *self,
             GError  **error)
{
  g_autofree char *server_url = NULL;
  g_autofree char *user_id = NULL;

  if (!read_meta (self, "server_url", &server_url, error) ||
      !read_meta (self, "user_id", &user_id, error))
    return FALSE;
  if (server_url == NULL && user_id == NULL)
    return write_meta (self, "server_url", self->server_url, error) &&
           write_meta (self, "user_id", self->user_id, error);
  /* A copied or renamed file must not show one user another's data. */
  if (g_strcmp0 (server_url, self->server_url) != 0 || g_strcmp0 (user_id, self->user_id) != 0)
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_WRONG_OWNER,
                           "The cache file belongs to another server or user");
      return FALSE;
    }
  return TRUE;
}

static gboolean
prepare_schema (TdCache  *self,
                GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    {
      td_cache_set_sqlite_error (error, self->db, "Cannot read the cache schema version");
      return FALSE;
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version == 0)
    return td_cache_schema_create (self->db, error);
  if (version > TD_CACHE_SCHEMA_VERSION)
    {
      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_VERSION,
                   "The cache was written by a newer version (schema %d)", version);
      return FALSE;
    }
  /* Migrations from older schema versions go here; they must keep the outbox. */
  return TRUE;
}

TdCache *
td_cache_open_path (const char  *path,
                    const char  *server_url,
                    const char  *user_id,
                    GError     **error)
{
  g_autoptr(TdCache) self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *page_size = NULL;

  g_return_val_if_fail (path != NULL && server_url != NULL && user_id != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_FAILED,
                   "Cannot create %s: %s", dir, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (TD_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  self->server_url = g_strdup (server_url);
  self->user_id = g_strdup (user_id);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      td_cache_set_sqlite_error (error, self->db, "Cannot open the cache");
      close_database (self);
      return NULL;
    }
  /* The cache holds customer data: only its owner may read it. */
  g_chmod (path, 0600);
  sqlite3_busy_timeout (self->db, 5000);

  /* page_size only takes on a new, empty file, and before WAL is set. */
  page_size = g_strdup_printf ("PRAGMA page_size = %d", PAGE_SIZE_BYTES);
  if (!td_cache_exec (self, page_size, error) ||
      !td_cache_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !td_cache_exec (self, "PRAGMA synchronous = FULL", error) ||
      !td_cache_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !td_cache_exec (self, "PRAGMA cache_size = -16384", error) ||
      !prepare_schema (self, error) ||
      !check_owner (self, error) ||
      /* A bulk load cut short (crash, quit): its rows are in, its indexes are not. */
      (td_cache_in_bulk (self) && !td_cache_end_bulk (self, error)))
    {
      close_database (self);
      return NULL;
    }
  return g_steal_pointer (&self);
}

TdCache *
td_cache_open (const char  *server_url,
               const char  *user_id,
               GError     **error)
{
  g_autofree char *path = td_cache_build_path (server_url, user_id);

  return td_cache_open_path (path, server_url, user_id, error);
}

const char *
td_cache_get_path (TdCache *self)
{
  g_return_val_if_fail (TD_IS_CACHE (self), NULL);
  return self->path;
}

const char *
td_cache_get_server_url (TdCache *self)
{
  g_return_val_if_fail (TD_IS_CACHE (self), NULL);
  return self->server_url;
}

const char *
td_cache_get_user_id (TdCache *self)
{
  g_return_val_if_fail (TD_IS_CACHE (self), NULL);
  return self->user_id;
}

gboolean
td_cache_is_open (TdCache *self)
{
  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);
  return self->db != NULL;
}

/* Change-feed pages
 *
 * A page of 2,000 changes is about 1.5 MB of JSON. Building a json-glib tree of it, only
 * for the cache to write each object back out as text, was most of a full sync's time on
 * the client. Instead one strict pass over the text checks it (the JSON grammar, UTF-8,
 * escapes, nesting) and notes where each change and each top-level member of its object
 * is; storing binds those pieces of the text to the upsert, and an object's `json` column
 * is its text as the server sent it. td_cache_store_object() goes through the same pass
 * over the text json-glib makes of its object, so both ways store the same columns. */

typedef enum
{
  VALUE_NONE,     /* absent */
  VALUE_NULL,
  VALUE_TRUE,
  VALUE_FALSE,
  VALUE_INT,
  VALUE_DOUBLE,
  VALUE_STRING,
  VALUE_OBJECT,
  VALUE_ARRAY,
} ValueKind;

/* A value in the text: a string without its quotes, anything else as written. */
typedef struct
{
  const char *text;
  gsize       length;
  ValueKind   kind;
  gboolean    escaped;    /* a string with backslash escapes to decode */
} Span;

typedef struct
{
  Span name;
  Span value;
} Member;

typedef struct
{
  Span  type;
  Span  id;
  Span  op;
  Span  object;
  guint first_member;     /* the object's members in TdCachePage.members */
  guint n_members;
} Change;

struct _TdCachePage
{
  GBytes   *body;
  GArray   *changes;      /* Change */
  GArray   *members;      /* Member */
  gboolean  has_changes;
  gint64    next_since;
  gint64    newest_seq;
  gboolean  has_more;
};

/* Text made here from json-glib values is only deep where those were; the bound is for the
 * recursion, not for trust. */
#define LOCAL_MAX_DEPTH 512

typedef struct
{
  const char *p;
  const char *end;
  guint       depth;
  guint       max_depth;
} Scanner;

/* Called at a member's value (after the colon and any space), which it must consume. */
typedef gboolean (*MemberFunc)  (Scanner    *s,
                                 const Span *name,
                                 gpointer    data);
/* Called at an array element, which it must consume. */
typedef gboolean (*ElementFunc) (Scanner    *s,
                                 gpointer    data);

static gboolean scan_value (Scanner *s,
                            Span    *out);

static inline void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static inline gboolean
at (Scanner *s,
    char     c)
{
  return s->p < s->end && *s->p == c;
}

static int
hex4 (const char *p)
{
  int value = 0;

  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* At the opening quote. UTF-16 surrogates must come in pairs (as json-glib requires) so
 * that every decoded string is valid UTF-8. */
static gboolean
scan_string (Scanner *s,
             Span    *out)
{
  const char *p = s->p + 1;
  gboolean escaped = FALSE;

  while (p < s->end)
    {
      guchar c = *p;

      if (c == '"')
        {
          *out = (Span) { s->p + 1, p - (s->p + 1), VALUE_STRING, escaped };
          s->p = p + 1;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c >= 0x80)
        {
          gunichar ch = g_utf8_get_char_validated (p, s->end - p);

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            return FALSE;
          p = g_utf8_next_char (p);
          continue;
        }
      if (c != '\\')
        {
          p++;
          continue;
        }

      escaped = TRUE;
      if (s->end - p < 2)
        return FALSE;
      if (p[1] != '\0' && strchr ("\"\\/bfnrt", p[1]) != NULL)
        {
          p += 2;
          continue;
        }
      if (p[1] == 'u')
        {
          int unit = s->end - p >= 6 ? hex4 (p + 2) : -1;
          int low;

          if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff))
            return FALSE;
          p += 6;
          if (unit < 0xd800 || unit > 0xdbff)
            continue;
          low = s->end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4 (p + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff)
            return FALSE;
          p += 6;
          continue;
        }
      return FALSE;
    }
  return FALSE;
}

static gboolean
scan_digits (Scanner *s)
{
  const char *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start;
}

static gboolean
scan_number (Scanner *s,
             Span    *out)
{
  const char *start = s->p;
  ValueKind kind = VALUE_INT;

  if (at (s, '-'))
    s->p++;
  if (at (s, '0'))
    s->p++;
  else if (s->p >= s->end || *s->p < '1' || *s->p > '9' || !scan_digits (s))
    return FALSE;
  if (at (s, '.'))
    {
      s->p++;
      kind = VALUE_DOUBLE;
      if (!scan_digits (s))
        return FALSE;
    }
  if (at (s, 'e') || at (s, 'E'))
    {
      s->p++;
      kind = VALUE_DOUBLE;
      if (at (s, '+') || at (s, '-'))
        s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  *out = (Span) { start, s->p - start, kind, FALSE };
  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              const char *word,
              ValueKind   kind,
              Span       *out)
{
  gsize length = strlen (word);

  if ((gsize) (s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return FALSE;
  *out = (Span) { s->p, length, kind, FALSE };
  s->p += length;
  return TRUE;
}

/* At '{' or '[': into the container (FALSE when nested too deep); *more says whether it
 * has items, or else it is already left. */
static gboolean
scan_open (Scanner  *s,
           char      close,
           gboolean *more)
{
  if (++s->depth > s->max_depth)
    return FALSE;
  s->p++;
  skip_space (s);
  *more = !at (s, close);
  if (!*more)
    s->p++;
  return TRUE;
}

/* After an item: at the next one (*more) or past the end of the container. */
static gboolean
scan_next (Scanner  *s,
           char      close,
           gboolean *more)
{
  skip_space (s);
  *more = at (s, ',');
  if (!*more && !at (s, close))
    return FALSE;
  s->p++;
  if (*more)
    skip_space (s);
  return TRUE;
}

/* At '{'. @func gets each member's value (NULL: checked and skipped). */
static gboolean
scan_object (Scanner    *s,
             MemberFunc  func,
             gpointer    data,
             Span       *out)
{
  const char *start = s->p;
  gboolean more;

  if (!scan_open (s, '}', &more))
    return FALSE;
  while (more)
    {
      Span name;
      Span value;

      if (!at (s, '"') || !scan_string (s, &name))
        return FALSE;
      skip_space (s);
      if (!at (s, ':'))
        return FALSE;
      s->p++;
      skip_space (s);
      if (func != NULL ? !func (s, &name, data) : !scan_value (s, &value))
        return FALSE;
      if (!scan_next (s, '}', &more))
        return FALSE;
    }
  s->depth--;
  *out = (Span) { start, s->p - start, VALUE_OBJECT, FALSE };
  return TRUE;
}

/* At '['. @func gets each element (NULL: checked and skipped). */
static gboolean
scan_array (Scanner     *s,
            ElementFunc  func,
            gpointer     data,
            Span        *out)
{
  const char *start = s->p;
  gboolean more;

  if (!scan_open (s, ']', &more))
    return FALSE;
  while (more)
    {
      Span value;

      if (func != NULL ? !func (s, data) : !scan_value (s, &value))
        return FALSE;
      if (!scan_next (s, ']', &more))
        return FALSE;
    }
  s->depth--;
  *out = (Span) { start, s->p - start, VALUE_ARRAY, FALSE };
  return TRUE;
}

static gboolean
scan_value (Scanner *s,
            Span    *out)
{
  if (s->p >= s->end)
    return FALSE;
  switch (*s->p)
    {
    case '{':
      return scan_object (s, NULL, NULL, out);
    case '[':
      return scan_array (s, NULL, NULL, out);
    case '"':
      return scan_string (s, out);
    case 't':
      return scan_literal (s, "true", VALUE_TRUE, out);
    case 'f':
      return scan_literal (s, "false", VALUE_FALSE, out);
    case 'n':
      return scan_literal (s, "null", VALUE_NULL, out);
    default:
      return scan_number (s, out);
    }
}

/* Decoding (the text was checked by scan_string()) */

static char *
span_decode (const Span *span)
{
  const char *p = span->text;
  const char *end = span->text + span->length;
  char *out;
  char *q;

  if (!span->escaped)
    return g_strndup (span->text, span->length);

  /* An escape never decodes to more bytes than it has. A \u0000 ends the C string, as it
   * does in json-glib. */
  q = out = g_malloc (span->length + 1);
  while (p < end)
    {
      if (*p != '\\')
        {
          *q++ = *p++;
          continue;
        }
      switch (p[1])
        {
        case 'b': *q++ = '\b'; break;
        case 'f': *q++ = '\f'; break;
        case 'n': *q++ = '\n'; break;
        case 'r': *q++ = '\r'; break;
        case 't': *q++ = '\t'; break;
        case 'u':
          {
            gunichar c = hex4 (p + 2);

            if (c >= 0xd800 && c <= 0xdbff)
              {
                c = 0x10000 + ((c - 0xd800) << 10) + (hex4 (p + 8) - 0xdc00);
                p += 6;
              }
            q += g_unichar_to_utf8 (c, q);
            p += 4;
          }
          break;
        default: *q++ = p[1]; break;
        }
      p += 2;
    }
  *q = '\0';
  return out;
}

static gboolean
span_is (const Span *span,
         const char *word)
{
  g_autofree char *decoded = NULL;

  if (!span->escaped)
    return span->length == strlen (word) && memcmp (span->text, word, span->length) == 0;
  decoded = span_decode (span);
  return strcmp (decoded, word) == 0;
}

static gint64
span_int (const Span *span)
{
  char buffer[32];
  g_autofree char *longer = NULL;
  const char *text = buffer;

  if (span->length < sizeof buffer)
    {
      memcpy (buffer, span->text, span->length);
      buffer[span->length] = '\0';
    }
  else
    text = longer = g_strndup (span->text, span->length);
  return g_ascii_strtoll (text, NULL, 10);
}

static double
span_double (const Span *span)
{
  g_autofree char *text = g_strndup (span->text, span->length);

  return g_ascii_strtod (text, NULL);
}

/* What json_node_get_boolean() makes of a value. */
static gboolean
span_truthy (const Span *span)
{
  switch (span->kind)
    {
    case VALUE_TRUE:
      return TRUE;
    case VALUE_INT:
      return span_int (span) != 0;
    case VALUE_DOUBLE:
      return span_double (span) != 0.0;
    default:
      return FALSE;
    }
}

/* A member of an object: the last of that name, as json-glib keeps it. */
static const Member *
find_member (const Member *members,
             guint         n_members,
             const char   *name)
{
  gsize length = strlen (name);

  for (guint i = n_members; i-- > 0;)
    {
      const Span *key = &members[i].name;

      if (key->escaped ? span_is (key, name)
                       : key->length == length && memcmp (key->text, name, length) == 0)
        return &members[i];
    }
  return NULL;
}

/* Scanning pages */

static gboolean
record_member (Scanner    *s,
               const Span *name,
               gpointer    data)
{
  GArray *members = data;
  Member member = { *name, { NULL, 0, VALUE_NONE, FALSE } };

  if (!scan_value (s, &member.value))
    return FALSE;
  g_array_append_val (members, member);
  return TRUE;
}

static gboolean
change_member (Scanner    *s,
               const Span *name,
               gpointer    data)
{
  TdCachePage *page = data;
  Change *change = &g_array_index (page->changes, Change, page->changes->len - 1);
  Span ignored;

  if (span_is (name, "object"))
    {
      guint first = page->members->len;

      if (!at (s, '{'))
        return scan_value (s, &change->object);
      if (!scan_object (s, record_member, page->members, &change->object))
        return FALSE;
      change->first_member = first;
      change->n_members = page->members->len - first;
      return TRUE;
    }
  if (span_is (name, "type"))
    return scan_value (s, &change->type);
  if (span_is (name, "id"))
    return scan_value (s, &change->id);
  if (span_is (name, "op"))
    return scan_value (s, &change->op);
  return scan_value (s, &ignored);
}

/* Every element becomes a change: one that is not an object has no type and fails when
 * the page is applied, like any other malformed change. */
static gboolean
change_element (Scanner  *s,
                gpointer  data)
{
  TdCachePage *page = data;
  Change change = { { NULL, 0, VALUE_NONE, FALSE }, };
  Span span;

  g_array_append_val (page->changes, change);
  if (at (s, '{'))
    return scan_object (s, change_member, page, &span);
  return scan_value (s, &span);
}

static gboolean
page_member (Scanner    *s,
             const Span *name,
             gpointer    data)
{
  TdCachePage *page = data;
  Span value;

  if (span_is (name, "changes"))
    {
      /* A repeated member: the last one counts, as in json-glib. */
      g_array_set_size (page->changes, 0);
      g_array_set_size (page->members, 0);
      page->has_changes = at (s, '[');
      if (page->has_changes)
        return scan_array (s, change_element, page, &value);
      return scan_value (s, &value);
    }
  if (!scan_value (s, &value))
    return FALSE;
  if (span_is (name, "next_since"))
    page->next_since = value.kind == VALUE_INT ? span_int (&value) : -1;
  else if (span_is (name, "newest_seq"))
    page->newest_seq = value.kind == VALUE_INT ? span_int (&value) : 0;
  else if (span_is (name, "has_more"))
    page->has_more = span_truthy (&value);
  return TRUE;
}

static TdCachePage *
page_alloc (GBytes *body)
{
  TdCachePage *page = g_new0 (TdCachePage, 1);
  gsize length = g_bytes_get_size (body);

  /* Room for about what a feed page holds (a change is some 700 bytes, a member some 40),
   * so that the arrays rarely grow while scanning. */
  page->body = body;
  page->changes = g_array_sized_new (FALSE, FALSE, sizeof (Change), length / 512 + 1);
  page->members = g_array_sized_new (FALSE, FALSE, sizeof (Member), length / 32 + 1);
  page->next_since = -1;
  return page;
}

void
td_cache_page_free (TdCachePage *page)
{
  if (page == NULL)
    return;
  g_bytes_unref (page->body);
  g_array_unref (page->changes);
  g_array_unref (page->members);
  g_free (page);
}

/* The page's text is a whole feed page, or (@changes_only) just its array of changes. */
static gboolean
page_scan (TdCachePage *page,
           gboolean     changes_only,
           guint        max_depth)
{
  gsize length = 0;
  const char *text = g_bytes_get_data (page->body, &length);
  Scanner s = { text, text + length, 0, max_depth };
  Span value;

  /* Lengths go to SQLite as int. */
  if (text == NULL || length > G_MAXINT)
    return FALSE;
  skip_space (&s);
  if (changes_only)
    {
      if (!at (&s, '[') || !scan_array (&s, change_element, page, &value))
        return FALSE;
      page->has_changes = TRUE;
    }
  else if (!at (&s, '{') || !scan_object (&s, page_member, page, &value))
    return FALSE;
  skip_space (&s);
  return s.p == s.end;
}

TdCachePage *
td_cache_page_new (GBytes  *body,
                   GError **error)
{
  TdCachePage *page;

  g_return_val_if_fail (body != NULL, NULL);

  page = page_alloc (g_bytes_ref (body));
  if (!page_scan (page, FALSE, TD_JSON_MAX_DEPTH))
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                           "The change page is not well-formed JSON");
      td_cache_page_free (page);
      return NULL;
    }
  if (!page->has_changes || page->next_since < 0)
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                           "The change page has no changes or no next_since");
      td_cache_page_free (page);
      return NULL;
    }
  return page;
}

gint64
td_cache_page_get_next_since (TdCachePage *page)
{
  return page->next_since;
}

gboolean
td_cache_page_get_has_more (TdCachePage *page)
{
  return page->has_more;
}

gint64
td_cache_page_get_newest_seq (TdCachePage *page)
{
  return page->newest_seq;
}

guint
td_cache_page_get_n_changes (TdCachePage *page)
{
  return page->changes->len;
}

/* Writing objects */

static const char *
upsert_sql (TdCache             *self,
            const TdCacheEntity *e)
{
  GString *sql;
  GString *values;
  GString *updates;
  const char *text;

  text = g_hash_table_lookup (self->upsert_sql, e->table);
  if (text != NULL)
    return text;

  sql = g_string_new (NULL);
  values = g_string_new ("?, ?, ?, ?, ?, ?, ?, ?");
  updates = g_string_new ("version = excluded.version, created_at = excluded.created_at,"
                          " updated_at = excluded.updated_at, title = excluded.title,"
                          " status = excluded.status, body = excluded.body,"
                          " json = excluded.json");
  g_string_append_printf (sql, "INSERT INTO %s (id, version, created_at, updated_at, title,"
                          " status, body, json", e->table);
  for (guint i = 0; e->text_columns[i] != NULL; i++)
    {
      g_string_append_printf (sql, ", %s", e->text_columns[i]);
      g_string_append (values, ", ?");
      g_string_append_printf (updates, ", %s = excluded.%s", e->text_columns[i], e->text_columns[i]);
    }
  for (guint i = 0; e->int_columns[i] != NULL; i++)
    {
      g_string_append_printf (sql, ", %s", e->int_columns[i]);
      g_string_append (values, ", ?");
      g_string_append_printf (updates, ", %s = excluded.%s", e->int_columns[i], e->int_columns[i]);
    }
  if (e->labels)
    {
      g_string_append (sql, ", labels");
      g_string_append (values, ", ?");
      g_string_append (updates, ", labels = excluded.labels");
    }
  if (e->type == NULL)
    {
      g_string_append (sql, ", type");
      g_string_append (values, ", ?");
    }
  /* DO UPDATE, not REPLACE: the row keeps its rid, so FTS and list positions stay stable. */
  g_string_append_printf (sql, ") VALUES (%s) ON CONFLICT (%sid) DO UPDATE SET %s",
                          values->str, e->type == NULL ? "type, " : "", updates->str);
  g_string_free (values, TRUE);
  g_string_free (updates, TRUE);

  text = g_string_free (sql, FALSE);
  g_hash_table_insert (self->upsert_sql, (gpointer) e->table, (gpointer) text);
  return text;
}

/* Binding members. String values without escapes are bound where they are in the text,
 * which outlives the statement's step; decoded ones are handed to SQLite to free. */

static void
bind_string (sqlite3_stmt *stmt,
             int           index,
             const Span   *value)
{
  if (value->escaped)
    sqlite3_bind_text (stmt, index, span_decode (value), -1, g_free);
  else
    sqlite3_bind_text (stmt, index, value->text, (int) value->length, SQLITE_STATIC);
}

/* A scalar member as its SQL value; NULL when absent, null, an object or an array. */
static void
bind_member (sqlite3_stmt *stmt,
             int           index,
             const Member *member)
{
  if (member == NULL)
    return;
  switch (member->value.kind)
    {
    case VALUE_STRING:
      bind_string (stmt, index, &member->value);
      break;
    case VALUE_INT:
      sqlite3_bind_int64 (stmt, index, span_int (&member->value));
      break;
    case VALUE_DOUBLE:
      sqlite3_bind_double (stmt, index, span_double (&member->value));
      break;
    case VALUE_TRUE:
    case VALUE_FALSE:
      sqlite3_bind_int (stmt, index, member->value.kind == VALUE_TRUE);
      break;
    default:
      break;
    }
}

static const Member *
find_string (const Member *members,
             guint         n_members,
             const char   *name)
{
  const Member *member = find_member (members, n_members, name);

  return member != NULL && member->value.kind == VALUE_STRING ? member : NULL;
}

/* The title, name or display name; else first and last name; else the e-mail address. */
static void
bind_title (sqlite3_stmt *stmt,
            int           index,
            const Member *members,
            guint         n_members)
{
  static const char * const names[] = { "title", "name", "display_name", NULL };
  const Member *first;
  const Member *last;
  const Member *email;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const Member *member = find_string (members, n_members, names[i]);

      if (member != NULL)
        {
          bind_string (stmt, index, &member->value);
          return;
        }
    }
  first = find_string (members, n_members, "first_name");
  last = find_string (members, n_members, "last_name");
  if (first != NULL || last != NULL)
    {
      g_autofree char *first_name = first != NULL ? span_decode (&first->value) : NULL;
      g_autofree char *last_name = last != NULL ? span_decode (&last->value) : NULL;
      char *name = g_strconcat (first_name ? first_name : "", " ", last_name ? last_name : "", NULL);

      sqlite3_bind_text (stmt, index, g_strstrip (name), -1, g_free);
      return;
    }
  email = find_string (members, n_members, "email");
  if (email != NULL)
    bind_string (stmt, index, &email->value);
}

/* The entity's search members (strings and integers) one per line, for full text. */
static void
bind_body (sqlite3_stmt        *stmt,
           int                  index,
           const TdCacheEntity *e,
           const Member        *members,
           guint                n_members)
{
  GString *body = NULL;

  for (guint i = 0; e->search[i] != NULL; i++)
    {
      const Member *member = find_member (members, n_members, e->search[i]);
      g_autofree char *text = NULL;

      if (member == NULL)
        continue;
      if (member->value.kind == VALUE_STRING)
        text = span_decode (&member->value);
      else if (member->value.kind == VALUE_INT)
        text = g_strdup_printf ("%" G_GINT64_FORMAT, span_int (&member->value));
      if (text == NULL || *text == '\0')
        continue;
      if (body == NULL)
        body = g_string_new (text);
      else
        g_string_append_printf (body, "\n%s", text);
    }
  if (body != NULL)
    sqlite3_bind_text (stmt, index, g_string_free (body, FALSE), -1, g_free);
}

/* unread is 1 while a notification has neither read_at nor a true "read" */
static gboolean
members_unread (const Member *members,
                guint         n_members)
{
  const Member *read_at = find_member (members, n_members, "read_at");
  const Member *read;

  if (read_at != NULL && read_at->value.kind != VALUE_NULL)
    return FALSE;
  read = find_member (members, n_members, "read");
  return read == NULL || !span_truthy (&read->value);
}

/* Writes the row of an object from its text (@json) and its top-level members. */
static gboolean
store_row (TdCache             *self,
           const TdCacheEntity *e,
           const char          *type,
           const char          *id,
           const char          *json,
           gsize                json_length,
           const Member        *members,
           guint                n_members,
           GError             **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->upserts, e);
  int col = 1;
  int rc;

  /* Looked up by entity: hashing the statement's text for every row costs more than the
   * rest of the lookup. It is reset and cleared after each step below. */
  if (stmt == NULL)
    {
      stmt = td_cache_statement (self, upsert_sql (self, e), error);
      if (stmt == NULL)
        return FALSE;
      g_hash_table_insert (self->upserts, (gpointer) e, stmt);
    }

  sqlite3_bind_text (stmt, col++, id, -1, SQLITE_STATIC);
  bind_member (stmt, col++, find_member (members, n_members, "version"));
  bind_member (stmt, col++, find_member (members, n_members, "created_at"));
  bind_member (stmt, col++, find_member (members, n_members, "updated_at"));
  bind_title (stmt, col++, members, n_members);
  bind_member (stmt, col++, find_member (members, n_members, "status"));
  bind_body (stmt, col++, e, members, n_members);
  sqlite3_bind_text (stmt, col++, json, (int) json_length, SQLITE_STATIC);
  for (guint i = 0; e->text_columns[i] != NULL; i++)
    bind_member (stmt, col++, find_member (members, n_members, e->text_columns[i]));
  for (guint i = 0; e->int_columns[i] != NULL; i++)
    {
      if (strcmp (e->int_columns[i], "unread") == 0)
        sqlite3_bind_int (stmt, col++, members_unread (members, n_members));
      else
        bind_member (stmt, col++, find_member (members, n_members, e->int_columns[i]));
    }
  if (e->labels)
    {
      const Member *labels = find_member (members, n_members, "labels");

      /* The id list as JSON text, for json_each() in the labels index. */
      if (labels != NULL && labels->value.kind == VALUE_ARRAY)
        sqlite3_bind_text (stmt, col, labels->value.text, (int) labels->value.length,
                           SQLITE_STATIC);
      col++;
    }
  if (e->type == NULL)
    sqlite3_bind_text (stmt, col++, type, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      td_cache_set_sqlite_error (error, self->db, "Cannot store an object");
      return FALSE;
    }
  td_cache_note_changed (self, type, id);
  return TRUE;
}

gboolean
td_cache_store_object (TdCache     *self,
                       const char  *type,
                       JsonObject  *object,
                       GError     **error)
{
  const TdCacheEntity *e = td_cache_entity_lookup (type);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) members = NULL;
  g_autofree char *json = NULL;
  gsize length = 0;
  const char *id;
  Scanner s;
  Span span;

  id = json_object_get_string_member_with_default (object, "id", NULL);
  if (id == NULL || *id == '\0' || strlen (id) > MAX_ID_LENGTH)
    {
      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                   "A %s without a valid id", type);
      return FALSE;
    }

  root = json_node_init_object (json_node_alloc (), object);
  json_generator_set_root (self->generator, root);
  json = json_generator_to_data (self->generator, &length);
  json_generator_set_root (self->generator, NULL);

  /* The same pass as for a page, so that both ways fill the columns alike. */
  members = g_array_new (FALSE, FALSE, sizeof (Member));
  s = (Scanner) { json, json + length, 0, LOCAL_MAX_DEPTH };
  if (length > G_MAXINT || !at (&s, '{') || !scan_object (&s, record_member, members, &span) ||
      s.p != s.end)
    {
      /* NaN, infinity or invalid UTF-8 in a value: not JSON */
      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                   "A %s that cannot be written as JSON", type);
      return FALSE;
    }
  return store_row (self, e, type, id, json, length, (const Member *) members->data,
                    members->len, error);
}

gboolean
td_cache_remove_object (TdCache     *self,
                        const char  *type,
                        const char  *id,
                        GError     **error)
{
  const TdCacheEntity *e = td_cache_entity_lookup (type);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (e->type == NULL)
    sql = g_strdup_printf ("DELETE FROM %s WHERE type = ?2 AND id = ?1", e->table);
  else
    sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?1", e->table);
  stmt = td_cache_statement (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (e->type == NULL)
    sqlite3_bind_text (stmt, 2, type, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      td_cache_set_sqlite_error (error, self->db, "Cannot remove an object");
      return FALSE;
    }
  td_cache_note_changed (self, type, id);
  return TRUE;
}

/* Local edits not yet accepted by the server stay visible over what the feed brings:
 * returns FALSE when the object is deleted locally. */
static gboolean
overlay_outbox (TdCache     *self,
                const char  *type,
                const char  *id,
                JsonObject  *object,
                GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean keep = TRUE;
  int rc;

  stmt = td_cache_statement (self, "SELECT op, changes FROM outbox"
                                   " WHERE type = ? AND object_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *op = (const char *) sqlite3_column_text (stmt, 0);
      const char *changes = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(JsonNode) node = NULL;

      if (g_strcmp0 (op, "delete") == 0)
        {
          keep = FALSE;
          continue;
        }
      node = json_from_string (changes, NULL);
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObjectIter iter;
          const char *member;
          JsonNode *value;

          json_object_iter_init (&iter, json_node_get_object (node));
          while (json_object_iter_next (&iter, &member, &value))
            if (strcmp (member, "id") != 0 && strcmp (member, "version") != 0)
              json_object_set_member (object, member, json_node_copy (value));
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      td_cache_set_sqlite_error (error, self->db, "Cannot read the outbox");
      return FALSE;
    }
  return keep;
}

JsonObject *
td_cache_copy_members (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  /* Top level only: the cache replaces members, it never edits inside one. */
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (copy, member, json_node_copy (value));
  return copy;
}

gboolean
td_cache_store_synced_object (TdCache     *self,
                              const char  *type,
                              JsonObject  *object,
                              GError     **error)
{
  g_autoptr(JsonObject) local = td_cache_copy_members (object);
  const char *id;
  GError *local_error = NULL;

  id = json_object_get_string_member_with_default (local, "id", NULL);
  if (id == NULL)
    {
      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID, "A %s without an id", type);
      return FALSE;
    }
  if (!overlay_outbox (self, type, id, local, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      /* Deleted here and not yet on the server. */
      return td_cache_remove_object (self, type, id, error);
    }
  return td_cache_store_object (self, type, local, error);
}

/* "type\nid" of every object with a local edit, or NULL when the outbox is empty. */
static GHashTable *
outbox_objects (TdCache  *self,
                GError  **error)
{
  g_autoptr(GHashTable) objects = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = td_cache_statement (self, "SELECT DISTINCT type, object_id FROM outbox", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (objects == NULL)
        objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_add (objects, g_strconcat ((const char *) sqlite3_column_text (stmt, 0), "\n",
                                              (const char *) sqlite3_column_text (stmt, 1),
                                              NULL));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      td_cache_set_sqlite_error (error, self->db, "Cannot read the outbox");
      return NULL;
    }
  return g_steal_pointer (&objects);
}

/* A change the fast way cannot take: an object without its id, or with a local edit to
 * keep on top. Through json-glib, as the outbox's own writes go. */
static gboolean
apply_object_slowly (TdCache     *self,
                     const char  *type,
                     const char  *id,
                     const Span  *object_text,
                     gboolean     has_id,
                     gboolean     overlay,
                     GError     **error)
{
  g_autofree char *text = g_strndup (object_text->text, object_text->length);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(JsonObject) object = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                           "The change feed sent a change the cache cannot store");
      return FALSE;
    }
  if (has_id)
    object = json_object_ref (json_node_get_object (node));
  else
    {
      object = td_cache_copy_members (json_node_get_object (node));
      json_object_set_string_member (object, "id", id);
    }
  if (overlay)
    return td_cache_store_synced_object (self, type, object, error);
  return td_cache_store_object (self, type, object, error);
}

static gboolean
apply_change (TdCache      *self,
              TdCachePage  *page,
              const Change *change,
              GHashTable   *outbox,
              GError      **error)
{
  const Member *members = (const Member *) page->members->data + change->first_member;
  const Member *object_id;
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  g_autofree char *op = NULL;
  gboolean overlay = FALSE;
  gboolean has_id;

  if (change->type.kind != VALUE_STRING || change->id.kind != VALUE_STRING ||
      change->op.kind != VALUE_STRING)
    goto invalid;
  type = span_decode (&change->type);
  id = span_decode (&change->id);
  op = span_decode (&change->op);
  if (*type == '\0' || strlen (type) > MAX_TYPE_LENGTH ||
      *id == '\0' || strlen (id) > MAX_ID_LENGTH)
    goto invalid;

  if (strcmp (op, "delete") == 0)
    return td_cache_remove_object (self, type, id, error);
  if (strcmp (op, "upsert") != 0 || change->object.kind != VALUE_OBJECT)
    goto invalid;

  object_id = find_string (members, change->n_members, "id");
  has_id = object_id != NULL;
  if (has_id)
    {
      g_autofree char *decoded = span_decode (&object_id->value);

      if (strcmp (decoded, id) != 0)
        goto invalid;
    }
  if (outbox != NULL)
    {
      g_autofree char *key = g_strconcat (type, "\n", id, NULL);

      overlay = g_hash_table_contains (outbox, key);
    }
  if (!has_id || overlay)
    return apply_object_slowly (self, type, id, &change->object, has_id, outbox != NULL, error);
  return store_row (self, td_cache_entity_lookup (type), type, id, change->object.text,
                    change->object.length, members, change->n_members, error);

invalid:
  g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                       "The change feed sent a change the cache cannot store");
  return FALSE;
}

static gboolean
apply_page_transaction (TdCache      *self,
                        TdCachePage  *page,
                        gint64        next_since,
                        GError      **error)
{
  g_autoptr(GHashTable) outbox = NULL;
  g_autofree char *cursor = NULL;
  GError *local_error = NULL;

  if (!td_cache_begin (self, error))
    return FALSE;

  outbox = outbox_objects (self, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      td_cache_rollback (self);
      return FALSE;
    }
  for (guint i = 0; i < page->changes->len; i++)
    if (!apply_change (self, page, &g_array_index (page->changes, Change, i), outbox, error))
      {
        td_cache_rollback (self);
        return FALSE;
      }

  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, next_since);
  if (!write_meta (self, "cursor", cursor, error) || !td_cache_commit (self, error))
    {
      td_cache_rollback (self);
      return FALSE;
    }
  td_cache_flush_changed (self, FALSE);
  return TRUE;
}

static gboolean
apply_page (TdCache      *self,
            TdCachePage  *page,
            gint64        next_since,
            GError      **error)
{
  gboolean ok;

  /* See td_cache_begin_bulk(): only the commits of a bulk load's pages skip the fsync;
   * every other transaction (an edit made meanwhile) stays FULL, and its fsync covers the
   * pages before it. */
  if (self->bulk_pages && !td_cache_exec (self, "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  ok = apply_page_transaction (self, page, next_since, error);
  if (self->bulk_pages && !td_cache_exec (self, "PRAGMA synchronous = FULL", ok ? error : NULL))
    ok = FALSE;
  return ok;
}

gboolean
td_cache_apply_page (TdCache      *self,
                     TdCachePage  *page,
                     GError      **error)
{
  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);
  g_return_val_if_fail (page != NULL, FALSE);

  return apply_page (self, page, page->next_since, error);
}

gboolean
td_cache_apply_changes (TdCache     *self,
                        JsonArray   *changes,
                        gint64       next_since,
                        GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(TdCachePage) page = NULL;
  gsize length = 0;
  char *text;

  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  /* One way in for changes: as the text of a page. */
  root = json_node_init_array (json_node_alloc (), changes);
  json_generator_set_root (self->generator, root);
  text = json_generator_to_data (self->generator, &length);
  json_generator_set_root (self->generator, NULL);
  page = page_alloc (g_bytes_new_take (text, length));
  if (!page_scan (page, TRUE, LOCAL_MAX_DEPTH))
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                           "The change feed sent a change the cache cannot store");
      return FALSE;
    }
  return apply_page (self, page, next_since, error);
}

gint64
td_cache_get_cursor (TdCache *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (TD_IS_CACHE (self), 0);

  if (self->db == NULL || !read_meta (self, "cursor", &value, NULL) || value == NULL)
    return 0;
  return g_ascii_strtoll (value, NULL, 10);
}

gboolean
td_cache_set_cursor (TdCache  *self,
                     gint64    cursor,
                     GError  **error)
{
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);

  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);
  return td_cache_get_db (self, error) != NULL && write_meta (self, "cursor", value, error);
}

static void
clear_entity (const TdCacheEntity *e,
              gpointer             user_data)
{
  GPtrArray *statements = user_data;

  /* With the triggers dropped: the rows, then their indexes in one go each. */
  g_ptr_array_add (statements, g_strdup_printf ("DELETE FROM %s", e->table));
  g_ptr_array_add (statements, g_strdup_printf ("INSERT INTO %s_fts (%s_fts) VALUES ('delete-all')",
                                                e->table, e->table));
  if (e->labels)
    g_ptr_array_add (statements, g_strdup_printf ("DELETE FROM %s_labels", e->table));
}

/* Objects created here and not yet on the server are in no feed: put them back. */
static gboolean
restore_local_creates (TdCache  *self,
                       GError  **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) creates = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = td_cache_statement (self, "SELECT type, object_id, changes FROM outbox"
                                   " WHERE op = 'create' ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int i = 0; i < 3; i++)
      g_ptr_array_add (creates, g_strdup ((const char *) sqlite3_column_text (stmt, i)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      td_cache_set_sqlite_error (error, self->db, "Cannot read the outbox");
      return FALSE;
    }
  for (guint i = 0; i + 2 < creates->len; i += 3)
    {
      g_autoptr(JsonNode) node = json_from_string (creates->pdata[i + 2], NULL);
      JsonObject *object;

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      json_object_set_string_member (object, "id", creates->pdata[i + 1]);
      /* with the later edits of the same object on top */
      if (!td_cache_store_synced_object (self, creates->pdata[i], object, error))
        return FALSE;
    }
  return TRUE;
}

static void
note_entity_reset (const TdCacheEntity *e,
                   gpointer             user_data)
{
  if (e->type != NULL)
    td_cache_note_changed (user_data, e->type, NULL);
}

static void
note_all_types (TdCache *self)
{
  sqlite3_stmt *stmt;

  td_cache_schema_foreach_entity (note_entity_reset, self);
  /* The generic table holds several types: each must hear it. */
  stmt = td_cache_statement (self, "SELECT DISTINCT type FROM other_objects", NULL);
  if (stmt == NULL)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    td_cache_note_changed (self, (const char *) sqlite3_column_text (stmt, 0), NULL);
  sqlite3_reset (stmt);
}

gboolean
td_cache_reset_for_resync (TdCache  *self,
                           GError  **error)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);

  if (!td_cache_begin (self, error))
    return FALSE;
  note_all_types (self);
  /* Without the triggers, row by row upkeep of FTS would cost minutes for a big cache. */
  if (!td_cache_schema_drop_derived (self->db, error))
    goto failed;
  td_cache_schema_foreach_entity (clear_entity, statements);
  for (guint i = 0; i < statements->len; i++)
    if (!td_cache_exec (self, statements->pdata[i], error))
      goto failed;
  if (!td_cache_schema_create_derived (self->db, error) ||
      !write_meta (self, "cursor", "0", error) ||
      !restore_local_creates (self, error) ||
      !td_cache_commit (self, error))
    goto failed;
  td_cache_flush_changed (self, FALSE);
  return TRUE;

failed:
  td_cache_rollback (self);
  return FALSE;
}

/* The pages of a bulk load commit with synchronous = NORMAL, not FULL: in WAL mode a
 * commit then skips its fsync, while checkpoints still sync the WAL before they copy it
 * and the database after, so the file stays consistent (OFF would not: an unsynced
 * checkpoint can lose pages the WAL no longer has). A power cut can only lose the last
 * pages, and each page commits with its own cursor, so what survives always ends at a
 * page boundary the next sync continues from. The "bulk" mark, committed FULL before the
 * first page, goes only with td_cache_end_bulk()'s FULL commit after the last one: an
 * interrupted load is never taken for a finished one (the next open builds its indexes,
 * the next sync fetches the rest). */
gboolean
td_cache_begin_bulk (TdCache  *self,
                     GError  **error)
{
  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);

  if (!td_cache_begin (self, error))
    return FALSE;
  if (!td_cache_schema_drop_derived (self->db, error) ||
      !write_meta (self, "bulk", "1", error) ||
      !td_cache_commit (self, error))
    {
      td_cache_rollback (self);
      return FALSE;
    }
  self->bulk_pages = TRUE;
  return TRUE;
}

gboolean
td_cache_end_bulk (TdCache  *self,
                   GError  **error)
{
  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);

  self->bulk_pages = FALSE;
  if (!td_cache_begin (self, error))
    return FALSE;
  /* Indexes built once from sorted rows cost a fraction of row-by-row upkeep. */
  if (!td_cache_schema_create_derived (self->db, error) ||
      !td_cache_schema_rebuild_search (self->db, error) ||
      !td_cache_exec (self, "DELETE FROM meta WHERE key = 'bulk'", error))
    goto failed;
  note_all_types (self);
  /* synchronous = FULL: this fsync also makes every page of the load durable. */
  if (!td_cache_commit (self, error))
    goto failed;
  td_cache_flush_changed (self, FALSE);
  return TRUE;

failed:
  td_cache_rollback (self);
  return FALSE;
}

gboolean
td_cache_in_bulk (TdCache *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);
  return self->db != NULL && read_meta (self, "bulk", &value, NULL) && value != NULL;
}

JsonObject *
td_cache_get_object (TdCache     *self,
                     const char  *type,
                     const char  *id,
                     GError     **error)
{
  const TdCacheEntity *e;
  g_autofree char *sql = NULL;
  g_autoptr(JsonNode) node = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TD_IS_CACHE (self), NULL);
  g_return_val_if_fail (type != NULL && id != NULL, NULL);

  e = td_cache_entity_lookup (type);
  if (e->type == NULL)
    sql = g_strdup_printf ("SELECT json FROM %s WHERE id = ?1 AND type = ?2", e->table);
  else
    sql = g_strdup_printf ("SELECT json FROM %s WHERE id = ?1", e->table);
  stmt = td_cache_statement (self, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (e->type == NULL)
    sqlite3_bind_text (stmt, 2, type, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    node = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);
  sqlite3_reset (stmt);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_NOT_FOUND,
                   "No %s %s in the cache", type, id);
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

guint
td_cache_count_objects (TdCache    *self,
                        const char *type)
{
  const TdCacheEntity *e;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (TD_IS_CACHE (self), 0);

  e = td_cache_entity_lookup (type);
  if (e->type == NULL)
    sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE type = ?1", e->table);
  else
    sql = g_strdup_printf ("SELECT count(*) FROM %s", e->table);
  stmt = td_cache_statement (self, sql, NULL);
  if (stmt == NULL)
    return 0;
  if (e->type == NULL)
    sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

static gboolean
remove_file (const char  *path,
             GError     **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_FAILED,
                   "Cannot delete %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
td_cache_wipe (TdCache  *self,
               GError  **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal", NULL };
  gboolean ok = TRUE;

  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);

  close_database (self);
  for (guint i = 0; suffixes[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (self->path, suffixes[i], NULL);

      if (!remove_file (path, ok ? error : NULL))
        ok = FALSE;
    }

  /* Lists still showing rows must empty themselves. */
  td_cache_schema_foreach_entity (note_entity_reset, self);
  td_cache_flush_changed (self, TRUE);
  return ok;
}
