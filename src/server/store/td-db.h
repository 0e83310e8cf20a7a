/* td-db.h: the storage interface every store function is written against
 *
 * A connection (TdDb) runs parameterised SQL with `?` placeholders, bound by 1-based index,
 * and write transactions. The SQLite backend is the default; a PostgreSQL backend can be
 * added behind the same functions (it would rewrite `?` to `$n`) without touching the
 * per-entity stores. A connection is used by one thread at a time: see TdDbPool.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TdDb            TdDb;
typedef struct _TdDbStmt        TdDbStmt;
typedef struct _TdDbTransaction TdDbTransaction;

typedef enum
{
  TD_DB_STEP_ERROR = -1,
  TD_DB_STEP_DONE  = 0,
  TD_DB_STEP_ROW   = 1,
} TdDbStep;

TdDb            *td_db_open               (const char       *location,
                                           GError          **error);
void             td_db_close              (TdDb             *db);
const char      *td_db_get_backend_name   (TdDb             *db);
gboolean         td_db_exec               (TdDb             *db,
                                           const char       *sql,
                                           GError          **error);
TdDbStmt        *td_db_prepare            (TdDb             *db,
                                           const char       *sql,
                                           GError          **error);
gint64           td_db_changes            (TdDb             *db);

TdDbTransaction *td_db_transaction_begin  (TdDb             *db,
                                           GError          **error);
gboolean         td_db_transaction_commit (TdDbTransaction  *transaction,
                                           GError          **error);
void             td_db_transaction_free   (TdDbTransaction  *transaction);

void             td_db_stmt_bind_text     (TdDbStmt         *stmt,
                                           guint             index,
                                           const char       *value);
void             td_db_stmt_bind_int64    (TdDbStmt         *stmt,
                                           guint             index,
                                           gint64            value);
void             td_db_stmt_bind_null     (TdDbStmt         *stmt,
                                           guint             index);
TdDbStep         td_db_stmt_step          (TdDbStmt         *stmt,
                                           GError          **error);
gboolean         td_db_stmt_run           (TdDbStmt         *stmt,
                                           GError          **error);
const char      *td_db_stmt_get_text      (TdDbStmt         *stmt,
                                           guint             column);
char            *td_db_stmt_dup_text      (TdDbStmt         *stmt,
                                           guint             column);
gint64           td_db_stmt_get_int64     (TdDbStmt         *stmt,
                                           guint             column);
gboolean         td_db_stmt_is_null       (TdDbStmt         *stmt,
                                           guint             column);
void             td_db_stmt_free          (TdDbStmt         *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdDb, td_db_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdDbStmt, td_db_stmt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdDbTransaction, td_db_transaction_free)

G_END_DECLS
