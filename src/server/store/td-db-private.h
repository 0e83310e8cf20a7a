/* td-db-private.h: what a storage backend implements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;

  void        (*close)       (TdDb      *db);
  gboolean    (*exec)        (TdDb      *db,
                              const char *sql,
                              GError   **error);
  TdDbStmt   *(*prepare)     (TdDb      *db,
                              const char *sql,
                              GError   **error);
  /* Starts a transaction that will write: SQLite takes the write lock up front (BEGIN
   * IMMEDIATE) so that two writers never deadlock upgrading a read lock. */
  gboolean    (*begin)       (TdDb      *db,
                              GError   **error);
  gint64      (*changes)     (TdDb      *db);

  void        (*bind_text)   (TdDbStmt  *stmt,
                              guint      index,
                              const char *value);
  void        (*bind_int64)  (TdDbStmt  *stmt,
                              guint      index,
                              gint64     value);
  void        (*bind_null)   (TdDbStmt  *stmt,
                              guint      index);
  TdDbStep    (*step)        (TdDbStmt  *stmt,
                              GError   **error);
  const char *(*get_text)    (TdDbStmt  *stmt,
                              guint      column);
  gint64      (*get_int64)   (TdDbStmt  *stmt,
                              guint      column);
  gboolean    (*is_null)     (TdDbStmt  *stmt,
                              guint      column);
  void        (*stmt_free)   (TdDbStmt  *stmt);
} TdDbBackend;

/* Backends embed these as the first member of their own structures. */
struct _TdDb
{
  const TdDbBackend *backend;
};

struct _TdDbStmt
{
  TdDb *db;
};

G_END_DECLS
