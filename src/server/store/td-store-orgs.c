/* td-store-orgs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-store-orgs"

#include "config.h"

#include "td-store-orgs.h"

#include "td-random.h"
#include "td-time.h"

/* Sets *@out_id to the id of the live organization called @name, or NULL if there is none
 * (which is not an error). */
gboolean
td_store_orgs_find_by_name (TdDb        *db,
                            const char  *name,
                            char       **out_id,
                            GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  *out_id = NULL;
  stmt = td_db_prepare (db, "SELECT id FROM organizations WHERE name = ? AND deleted = 0 "
                            "ORDER BY created_at LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, name);

  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ROW)
    *out_id = td_db_stmt_dup_text (stmt, 0);

  return step != TD_DB_STEP_ERROR;
}

/* Returns the id of the new organization. */
char *
td_store_orgs_insert (TdDb        *db,
                      const char  *name,
                      const char  *default_language,
                      GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *now = td_time_now ();

  stmt = td_db_prepare (db, "INSERT INTO organizations (id, org_id, name, default_language, "
                            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, id);
  td_db_stmt_bind_text (stmt, 3, name);
  td_db_stmt_bind_text (stmt, 4, default_language ? default_language : "");
  td_db_stmt_bind_text (stmt, 5, now);
  td_db_stmt_bind_text (stmt, 6, now);

  if (!td_db_stmt_run (stmt, error))
    return NULL;

  return g_steal_pointer (&id);
}
