/* td-db-sqlite.c: the SQLite backend of TdDb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-db-sqlite"

#include "config.h"

#include "td-db-sqlite.h"

#include <sqlite3.h>

#include "td-db-private.h"
#include "td-store-error.h"

typedef struct
{
  TdDb     parent;
  sqlite3 *handle;
} TdDbSqlite;

typedef struct
{
  TdDbStmt      parent;
  sqlite3_stmt *handle;
  int           bind_result;  /* the first failed bind, reported by the next step */
} TdDbSqliteStmt;

static const TdDbBackend sqlite_backend;

static sqlite3 *
handle_of (TdDb *db)
{
  return ((TdDbSqlite *) db)->handle;
}

static void
set_error_from_code (GError     **error,
                     sqlite3     *handle,
                     int          rc,
                     const char  *what)
{
  int primary = rc & 0xff;
  TdStoreError code;

  switch (primary)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = TD_STORE_ERROR_BUSY;
      break;
    case SQLITE_CONSTRAINT:
      code = TD_STORE_ERROR_CONSTRAINT;
      break;
    default:
      code = TD_STORE_ERROR_FAILED;
      break;
    }

  g_set_error (error, TD_STORE_ERROR, code, "%s: %s", what,
               handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
}

static void
sqlite_close (TdDb *db)
{
  TdDbSqlite *self = (TdDbSqlite *) db;

  /* sqlite3_close_v2 defers the close until forgotten statements are finalized, so a
   * leaked statement cannot leave the file half-closed. */
  sqlite3_close_v2 (self->handle);
  g_free (self);
}

static gboolean
sqlite_exec (TdDb        *db,
             const char  *sql,
             GError     **error)
{
  int rc = sqlite3_exec (handle_of (db), sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_error_from_code (error, handle_of (db), rc, "Executing SQL failed");
      return FALSE;
    }

  return TRUE;
}

static TdDbStmt *
sqlite_prepare (TdDb        *db,
                const char  *sql,
                GError     **error)
{
  TdDbSqliteStmt *stmt;
  sqlite3_stmt *handle = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (handle_of (db), sql, -1, &handle, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_code (error, handle_of (db), rc, "Preparing SQL failed");
      sqlite3_finalize (handle);
      return NULL;
    }

  stmt = g_new0 (TdDbSqliteStmt, 1);
  stmt->parent.db = db;
  stmt->handle = handle;
  stmt->bind_result = SQLITE_OK;
  return (TdDbStmt *) stmt;
}

static gboolean
sqlite_begin (TdDb    *db,
              GError **error)
{
  return sqlite_exec (db, "BEGIN IMMEDIATE", error);
}

static gint64
sqlite_changes (TdDb *db)
{
  return sqlite3_changes (handle_of (db));
}

static void
remember_bind (TdDbSqliteStmt *stmt,
               int             rc)
{
  if (rc != SQLITE_OK && stmt->bind_result == SQLITE_OK)
    stmt->bind_result = rc;
}

static void
sqlite_bind_text (TdDbStmt   *stmt,
                  guint       index,
                  const char *value)
{
  TdDbSqliteStmt *self = (TdDbSqliteStmt *) stmt;

  remember_bind (self, sqlite3_bind_text (self->handle, (int) index, value, -1, SQLITE_TRANSIENT));
}

static void
sqlite_bind_int64 (TdDbStmt *stmt,
                   guint     index,
                   gint64    value)
{
  TdDbSqliteStmt *self = (TdDbSqliteStmt *) stmt;

  remember_bind (self, sqlite3_bind_int64 (self->handle, (int) index, value));
}

static void
sqlite_bind_null (TdDbStmt *stmt,
                  guint     index)
{
  TdDbSqliteStmt *self = (TdDbSqliteStmt *) stmt;

  remember_bind (self, sqlite3_bind_null (self->handle, (int) index));
}

static TdDbStep
sqlite_step (TdDbStmt  *stmt,
             GError   **error)
{
  TdDbSqliteStmt *self = (TdDbSqliteStmt *) stmt;
  int rc;

  if (self->bind_result != SQLITE_OK)
    {
      set_error_from_code (error, NULL, self->bind_result, "Binding a parameter failed");
      return TD_DB_STEP_ERROR;
    }

  rc = sqlite3_step (self->handle);
  switch (rc)
    {
    case SQLITE_ROW:
      return TD_DB_STEP_ROW;
    case SQLITE_DONE:
      return TD_DB_STEP_DONE;
    default:
      set_error_from_code (error, handle_of (stmt->db), rc, "Running SQL failed");
      return TD_DB_STEP_ERROR;
    }
}

static const char *
sqlite_get_text (TdDbStmt *stmt,
                 guint     column)
{
  return (const char *) sqlite3_column_text (((TdDbSqliteStmt *) stmt)->handle, (int) column);
}

static gint64
sqlite_get_int64 (TdDbStmt *stmt,
                  guint     column)
{
  return sqlite3_column_int64 (((TdDbSqliteStmt *) stmt)->handle, (int) column);
}

static gboolean
sqlite_is_null (TdDbStmt *stmt,
                guint     column)
{
  return sqlite3_column_type (((TdDbSqliteStmt *) stmt)->handle, (int) column) == SQLITE_NULL;
}

static void
sqlite_stmt_free (TdDbStmt *stmt)
{
  TdDbSqliteStmt *self = (TdDbSqliteStmt *) stmt;

  sqlite3_finalize (self->handle);
  g_free (self);
}

static const TdDbBackend sqlite_backend = {
  .name = "sqlite",
  .close = sqlite_close,
  .exec = sqlite_exec,
  .prepare = sqlite_prepare,
  .begin = sqlite_begin,
  .changes = sqlite_changes,
  .bind_text = sqlite_bind_text,
  .bind_int64 = sqlite_bind_int64,
  .bind_null = sqlite_bind_null,
  .step = sqlite_step,
  .get_text = sqlite_get_text,
  .get_int64 = sqlite_get_int64,
  .is_null = sqlite_is_null,
  .stmt_free = sqlite_stmt_free,
};

/* Durability first: WAL so readers never block the writer, synchronous=FULL so that a
 * committed session or ticket survives a power cut, foreign keys on (SQLite defaults them
 * off per connection), and a busy timeout so concurrent writers queue instead of failing. */
static const char connection_setup[] =
  "PRAGMA journal_mode = WAL;"
  "PRAGMA synchronous = FULL;"
  "PRAGMA foreign_keys = ON;";

TdDb *
td_db_sqlite_open (const char  *path,
                   GError     **error)
{
  g_autoptr(TdDb) db = NULL;
  TdDbSqlite *self;
  sqlite3 *handle = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  /* One connection is only ever used by one thread at a time (TdDbPool hands them out), so
   * SQLite's per-connection mutex is not needed. */
  rc = sqlite3_open_v2 (path, &handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TD_STORE_ERROR, TD_STORE_ERROR_FAILED,
                   "Cannot open the database “%s”: %s", path,
                   handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
      sqlite3_close_v2 (handle);
      return NULL;
    }

  self = g_new0 (TdDbSqlite, 1);
  self->parent.backend = &sqlite_backend;
  self->handle = handle;
  db = (TdDb *) self;

  sqlite3_extended_result_codes (handle, 1);
  sqlite3_busy_timeout (handle, TD_DB_SQLITE_BUSY_TIMEOUT_MS);

  if (!td_db_exec (db, connection_setup, error))
    return NULL;

  return g_steal_pointer (&db);
}
