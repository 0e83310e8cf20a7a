/* td-db.c: backend selection and the backend-independent parts of TdDb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-db"

#include "config.h"

#include "td-db.h"

#include <string.h>

#include "td-db-private.h"
#include "td-db-sqlite.h"
#include "td-store-error.h"

struct _TdDbTransaction
{
  TdDb     *db;
  gboolean  finished;
};

/* @location is a file path or "sqlite:PATH". PostgreSQL URLs are recognised so that a
 * deployment configured for it fails with a clear message instead of creating a file. */
TdDb *
td_db_open (const char  *location,
            GError     **error)
{
  g_return_val_if_fail (location != NULL, NULL);

  if (g_str_has_prefix (location, "postgres://") || g_str_has_prefix (location, "postgresql://"))
    {
      g_set_error_literal (error, TD_STORE_ERROR, TD_STORE_ERROR_UNSUPPORTED,
                           "The PostgreSQL backend is not built into this server yet");
      return NULL;
    }

  if (g_str_has_prefix (location, "sqlite:"))
    location += strlen ("sqlite:");

  return td_db_sqlite_open (location, error);
}

void
td_db_close (TdDb *db)
{
  if (db != NULL)
    db->backend->close (db);
}

const char *
td_db_get_backend_name (TdDb *db)
{
  return db->backend->name;
}

/* Runs one or more statements without parameters: schema scripts and pragmas only. */
gboolean
td_db_exec (TdDb        *db,
            const char  *sql,
            GError     **error)
{
  return db->backend->exec (db, sql, error);
}

TdDbStmt *
td_db_prepare (TdDb        *db,
               const char  *sql,
               GError     **error)
{
  return db->backend->prepare (db, sql, error);
}

/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
gint64
td_db_changes (TdDb *db)
{
  return db->backend->changes (db);
}

/* A write transaction that rolls back when freed without a successful commit, so that
 * every early return in a store function leaves the database unchanged:
 *
 *   g_autoptr(TdDbTransaction) tx = td_db_transaction_begin (db, error);
 *   if (tx == NULL) return FALSE;
 *   …
 *   return td_db_transaction_commit (tx, error);
 */
TdDbTransaction *
td_db_transaction_begin (TdDb    *db,
                         GError **error)
{
  TdDbTransaction *transaction;

  if (!db->backend->begin (db, error))
    return NULL;

  transaction = g_new0 (TdDbTransaction, 1);
  transaction->db = db;
  return transaction;
}

gboolean
td_db_transaction_commit (TdDbTransaction  *transaction,
                          GError          **error)
{
  g_return_val_if_fail (!transaction->finished, FALSE);

  if (!td_db_exec (transaction->db, "COMMIT", error))
    return FALSE;

  transaction->finished = TRUE;
  return TRUE;
}

void
td_db_transaction_free (TdDbTransaction *transaction)
{
  if (transaction == NULL)
    return;

  if (!transaction->finished)
    {
      g_autoptr(GError) error = NULL;

      if (!td_db_exec (transaction->db, "ROLLBACK", &error))
        g_warning ("Rolling back failed: %s", error->message);
    }

  g_free (transaction);
}

void
td_db_stmt_bind_text (TdDbStmt   *stmt,
                      guint       index,
                      const char *value)
{
  if (value == NULL)
    stmt->db->backend->bind_null (stmt, index);
  else
    stmt->db->backend->bind_text (stmt, index, value);
}

void
td_db_stmt_bind_int64 (TdDbStmt *stmt,
                       guint     index,
                       gint64    value)
{
  stmt->db->backend->bind_int64 (stmt, index, value);
}

void
td_db_stmt_bind_null (TdDbStmt *stmt,
                      guint     index)
{
  stmt->db->backend->bind_null (stmt, index);
}

TdDbStep
td_db_stmt_step (TdDbStmt  *stmt,
                 GError   **error)
{
  return stmt->db->backend->step (stmt, error);
}

/* Executes a statement that returns no rows (or whose rows do not matter). */
gboolean
td_db_stmt_run (TdDbStmt  *stmt,
                GError   **error)
{
  TdDbStep step;

  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    ;

  return step == TD_DB_STEP_DONE;
}

/* The text of @column (0-based) in the current row; NULL for SQL NULL. Valid until the
 * next step or the statement is freed. */
const char *
td_db_stmt_get_text (TdDbStmt *stmt,
                     guint     column)
{
  return stmt->db->backend->get_text (stmt, column);
}

char *
td_db_stmt_dup_text (TdDbStmt *stmt,
                     guint     column)
{
  return g_strdup (td_db_stmt_get_text (stmt, column));
}

gint64
td_db_stmt_get_int64 (TdDbStmt *stmt,
                      guint     column)
{
  return stmt->db->backend->get_int64 (stmt, column);
}

gboolean
td_db_stmt_is_null (TdDbStmt *stmt,
                    guint     column)
{
  return stmt->db->backend->is_null (stmt, column);
}

void
td_db_stmt_free (TdDbStmt *stmt)
{
  if (stmt != NULL)
    stmt->db->backend->stmt_free (stmt);
}
