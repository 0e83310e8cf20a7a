/* td-cache.c: the client's offline copy of what the server syncs to this user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-cache"

#include "config.h"

#include "td-cache.h"
#include "td-cache-page.h"
#include "td-cache-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

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
      /* Statement journals in memory. Outside a bulk load an upsert, whose triggers keep
       * FTS and the labels index current, journals 17 to 34 pages (of 16 KiB) per row,
       * and past 64 KiB SQLite writes them to a temp file in /var/tmp. With 100,000
       * tickets cached, a page of 1,000 changes took 160 instead of 216 ms (p50; 435
       * instead of 479 ms with its ids spread over the cache), one change 1.9 instead of
       * 3.1 ms (mean). td_cache_end_bulk() keeps its big sorts in files. */
      !td_cache_exec (self, "PRAGMA temp_store = MEMORY", error) ||
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

/* Writing objects
 *
 * A row is written from pieces of JSON text: a feed page's objects as the page reader
 * (td-cache-page.c) indexed them, and an object made here as the text json-glib writes of
 * it, through the same reader; so both ways fill the columns alike. */

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
bind_string (sqlite3_stmt      *stmt,
             int                index,
             const TdCacheSpan *value)
{
  if (value->escaped)
    sqlite3_bind_text (stmt, index, td_cache_span_decode (value), -1, g_free);
  else
    sqlite3_bind_text (stmt, index, value->text, (int) value->length, SQLITE_STATIC);
}

/* A scalar member as its SQL value; NULL when absent, null, an object or an array. */
static void
bind_member (sqlite3_stmt        *stmt,
             int                  index,
             const TdCacheMember *member)
{
  if (member == NULL)
    return;
  switch (member->value.kind)
    {
    case TD_CACHE_VALUE_STRING:
      bind_string (stmt, index, &member->value);
      break;
    case TD_CACHE_VALUE_INT:
      sqlite3_bind_int64 (stmt, index, td_cache_span_int (&member->value));
      break;
    case TD_CACHE_VALUE_DOUBLE:
      sqlite3_bind_double (stmt, index, td_cache_span_double (&member->value));
      break;
    case TD_CACHE_VALUE_TRUE:
    case TD_CACHE_VALUE_FALSE:
      sqlite3_bind_int (stmt, index, member->value.kind == TD_CACHE_VALUE_TRUE);
      break;
    default:
      break;
    }
}

static const TdCacheMember *
find_string (const TdCacheMember *members,
             guint                n_members,
             const char          *name)
{
  const TdCacheMember *member = td_cache_members_find (members, n_members, name);

  return member != NULL && member->value.kind == TD_CACHE_VALUE_STRING ? member : NULL;
}

/* The title, name or display name; else first and last name; else the e-mail address. */
static void
bind_title (sqlite3_stmt        *stmt,
            int                  index,
            const TdCacheMember *members,
            guint                n_members)
{
  static const char * const names[] = { "title", "name", "display_name", NULL };
  const TdCacheMember *first;
  const TdCacheMember *last;
  const TdCacheMember *email;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const TdCacheMember *member = find_string (members, n_members, names[i]);

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
      g_autofree char *first_name = first != NULL ? td_cache_span_decode (&first->value) : NULL;
      g_autofree char *last_name = last != NULL ? td_cache_span_decode (&last->value) : NULL;
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
           const TdCacheMember *members,
           guint                n_members)
{
  GString *body = NULL;

  for (guint i = 0; e->search[i] != NULL; i++)
    {
      const TdCacheMember *member = td_cache_members_find (members, n_members, e->search[i]);
      g_autofree char *text = NULL;

      if (member == NULL)
        continue;
      if (member->value.kind == TD_CACHE_VALUE_STRING)
        text = td_cache_span_decode (&member->value);
      else if (member->value.kind == TD_CACHE_VALUE_INT)
        text = g_strdup_printf ("%" G_GINT64_FORMAT, td_cache_span_int (&member->value));
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
members_unread (const TdCacheMember *members,
                guint                n_members)
{
  const TdCacheMember *read_at = td_cache_members_find (members, n_members, "read_at");
  const TdCacheMember *read;

  if (read_at != NULL && read_at->value.kind != TD_CACHE_VALUE_NULL)
    return FALSE;
  read = td_cache_members_find (members, n_members, "read");
  return read == NULL || !td_cache_span_truthy (&read->value);
}

/* Writes the row of an object from its text (@json) and its top-level members. */
static gboolean
store_row (TdCache             *self,
           const TdCacheEntity *e,
           const char          *type,
           const char          *id,
           const char          *json,
           gsize                json_length,
           const TdCacheMember *members,
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
  bind_member (stmt, col++, td_cache_members_find (members, n_members, "version"));
  bind_member (stmt, col++, td_cache_members_find (members, n_members, "created_at"));
  bind_member (stmt, col++, td_cache_members_find (members, n_members, "updated_at"));
  bind_title (stmt, col++, members, n_members);
  bind_member (stmt, col++, td_cache_members_find (members, n_members, "status"));
  bind_body (stmt, col++, e, members, n_members);
  sqlite3_bind_text (stmt, col++, json, (int) json_length, SQLITE_STATIC);
  for (guint i = 0; e->text_columns[i] != NULL; i++)
    bind_member (stmt, col++, td_cache_members_find (members, n_members, e->text_columns[i]));
  for (guint i = 0; e->int_columns[i] != NULL; i++)
    {
      if (strcmp (e->int_columns[i], "unread") == 0)
        sqlite3_bind_int (stmt, col++, members_unread (members, n_members));
      else
        bind_member (stmt, col++, td_cache_members_find (members, n_members, e->int_columns[i]));
    }
  if (e->labels)
    {
      const TdCacheMember *labels = td_cache_members_find (members, n_members, "labels");

      /* The id list as JSON text, for json_each() in the labels index. */
      if (labels != NULL && labels->value.kind == TD_CACHE_VALUE_ARRAY)
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
  members = td_cache_members_scan (json, length);
  if (members == NULL)
    {
      /* NaN, infinity or invalid UTF-8 in a value: not JSON */
      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                   "A %s that cannot be written as JSON", type);
      return FALSE;
    }
  return store_row (self, e, type, id, json, length, (const TdCacheMember *) members->data,
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
apply_object_slowly (TdCache            *self,
                     const char         *type,
                     const char         *id,
                     const TdCacheSpan  *object_text,
                     gboolean            has_id,
                     gboolean            overlay,
                     GError            **error)
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
apply_change (TdCache              *self,
              TdCachePage          *page,
              const TdCacheChange  *change,
              GHashTable           *outbox,
              GError              **error)
{
  const TdCacheMember *members = td_cache_page_get_members (page, change);
  const TdCacheMember *object_id;
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  g_autofree char *op = NULL;
  gboolean overlay = FALSE;
  gboolean has_id;

  if (change->type.kind != TD_CACHE_VALUE_STRING || change->id.kind != TD_CACHE_VALUE_STRING ||
      change->op.kind != TD_CACHE_VALUE_STRING)
    goto invalid;
  type = td_cache_span_decode (&change->type);
  id = td_cache_span_decode (&change->id);
  op = td_cache_span_decode (&change->op);
  if (*type == '\0' || strlen (type) > MAX_TYPE_LENGTH ||
      *id == '\0' || strlen (id) > MAX_ID_LENGTH)
    goto invalid;

  if (strcmp (op, "delete") == 0)
    return td_cache_remove_object (self, type, id, error);
  if (strcmp (op, "upsert") != 0 || change->object.kind != TD_CACHE_VALUE_OBJECT)
    goto invalid;

  object_id = find_string (members, change->n_members, "id");
  has_id = object_id != NULL;
  if (has_id)
    {
      g_autofree char *decoded = td_cache_span_decode (&object_id->value);

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
  for (guint i = 0; i < td_cache_page_get_n_changes (page); i++)
    if (!apply_change (self, page, td_cache_page_get_change (page, i), outbox, error))
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

  return apply_page (self, page, td_cache_page_get_next_since (page), error);
}

gboolean
td_cache_apply_changes (TdCache     *self,
                        JsonArray   *changes,
                        gint64       next_since,
                        GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) text = NULL;
  g_autoptr(TdCachePage) page = NULL;
  gsize length = 0;
  char *data;

  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  /* One way in for changes: as the text of a page. */
  root = json_node_init_array (json_node_alloc (), changes);
  json_generator_set_root (self->generator, root);
  data = json_generator_to_data (self->generator, &length);
  json_generator_set_root (self->generator, NULL);
  text = g_bytes_new_take (data, length);
  page = td_cache_page_new_from_changes (text);
  if (page == NULL)
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

static gboolean
build_derived (TdCache  *self,
               GError  **error)
{
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
td_cache_end_bulk (TdCache  *self,
                   GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (self), FALSE);

  self->bulk_pages = FALSE;
  /* Each index build sorts every row of its table: in temp files, as SQLite does by
   * default, where temp_store = MEMORY (td_cache_open_path()) would hold them all in
   * memory (a peak RSS of 105 instead of 41 MiB for a million tickets, same time). */
  if (!td_cache_exec (self, "PRAGMA temp_store = FILE", error))
    return FALSE;
  ok = build_derived (self, error);
  if (!td_cache_exec (self, "PRAGMA temp_store = MEMORY", ok ? error : NULL))
    ok = FALSE;
  return ok;
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
