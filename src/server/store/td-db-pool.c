/* td-db-pool.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-db-pool"

#include "config.h"

#include "td-db-pool.h"

/* Idle connections beyond this are closed on release; more only ever exist briefly. */
#define MAX_IDLE 32

struct _TdDbPool
{
  char      *location;
  GMutex     mutex;
  GPtrArray *idle;  /* TdDb, owned */
};

TdDbPool *
td_db_pool_new (const char *location)
{
  TdDbPool *pool = g_new0 (TdDbPool, 1);

  pool->location = g_strdup (location);
  g_mutex_init (&pool->mutex);
  pool->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) td_db_close);
  return pool;
}

const char *
td_db_pool_get_location (TdDbPool *pool)
{
  return pool->location;
}

TdDb *
td_db_pool_acquire (TdDbPool  *pool,
                    GError   **error)
{
  TdDb *db = NULL;

  g_mutex_lock (&pool->mutex);
  if (pool->idle->len > 0)
    db = g_ptr_array_steal_index_fast (pool->idle, pool->idle->len - 1);
  g_mutex_unlock (&pool->mutex);

  if (db != NULL)
    return db;

  /* Opening happens outside the lock: it touches the disk. */
  return td_db_open (pool->location, error);
}

void
td_db_pool_release (TdDbPool *pool,
                    TdDb     *db)
{
  if (db == NULL)
    return;

  g_mutex_lock (&pool->mutex);
  if (pool->idle->len < MAX_IDLE)
    {
      g_ptr_array_add (pool->idle, db);
      db = NULL;
    }
  g_mutex_unlock (&pool->mutex);

  td_db_close (db);
}

void
td_db_pool_free (TdDbPool *pool)
{
  if (pool == NULL)
    return;

  g_ptr_array_unref (pool->idle);
  g_mutex_clear (&pool->mutex);
  g_free (pool->location);
  g_free (pool);
}
