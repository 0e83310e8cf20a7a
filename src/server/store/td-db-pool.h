/* td-db-pool.h: connections handed to worker threads
 *
 * Every request runs on a worker thread and borrows one connection for its duration; a
 * connection is never used by two threads at once. Connections are opened lazily, so the
 * number open never exceeds the number of threads that ever ran a request at the same time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

typedef struct _TdDbPool TdDbPool;

TdDbPool   *td_db_pool_new          (const char  *location);
const char *td_db_pool_get_location (TdDbPool    *pool);
TdDb       *td_db_pool_acquire      (TdDbPool    *pool,
                                     GError     **error);
void        td_db_pool_release      (TdDbPool    *pool,
                                     TdDb        *db);
void        td_db_pool_free         (TdDbPool    *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdDbPool, td_db_pool_free)

G_END_DECLS
