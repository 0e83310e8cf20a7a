/* td-db-sqlite.h: the SQLite backend of TdDb (the default store)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

#define TD_DB_SQLITE_BUSY_TIMEOUT_MS 5000

TdDb *td_db_sqlite_open (const char  *path,
                         GError     **error);

G_END_DECLS
