/* td-store-lifecycle.c: ending the access of users who may no longer sign in
 *
 * Disabling or deleting a user, disabling their company and moving them into a new
 * organization all end what they hold now: sessions (a bearer token stops working at once)
 * and share-login tokens not yet redeemed (a QR code still on a screen stops working too).
 * Both are bookkeeping of the accounts area, not synced rows, so no change is recorded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-store-lifecycle"

#include "config.h"

#include "td-store-lifecycle.h"

#include "td-time.h"

/* @users_sql selects the user ids, with the parameters @param1 and (if not NULL) @param2. */
static gboolean
end_access (TdDb        *db,
            const char  *users_sql,
            const char  *param1,
            const char  *param2,
            gint64       now_usec,
            GError     **error)
{
  g_autofree char *now = td_time_format (now_usec);
  g_autofree char *tokens_sql = g_strdup_printf ("UPDATE transfer_tokens SET revoked_at = ?"
                                                 " WHERE revoked_at IS NULL AND redeemed_at IS NULL"
                                                 " AND user_id IN (%s)", users_sql);
  g_autofree char *sessions_sql = g_strdup_printf ("UPDATE sessions SET revoked_at = ?,"
                                                   " updated_at = ?, version = version + 1"
                                                   " WHERE revoked_at IS NULL AND user_id IN (%s)",
                                                   users_sql);
  g_autoptr(TdDbStmt) tokens = td_db_prepare (db, tokens_sql, error);
  g_autoptr(TdDbStmt) sessions = NULL;

  if (tokens == NULL)
    return FALSE;
  td_db_stmt_bind_text (tokens, 1, now);
  td_db_stmt_bind_text (tokens, 2, param1);
  if (param2 != NULL)
    td_db_stmt_bind_text (tokens, 3, param2);
  if (!td_db_stmt_run (tokens, error))
    return FALSE;

  sessions = td_db_prepare (db, sessions_sql, error);
  if (sessions == NULL)
    return FALSE;
  td_db_stmt_bind_text (sessions, 1, now);
  td_db_stmt_bind_text (sessions, 2, now);
  td_db_stmt_bind_text (sessions, 3, param1);
  if (param2 != NULL)
    td_db_stmt_bind_text (sessions, 4, param2);
  return td_db_stmt_run (sessions, error);
}

gboolean
td_store_lifecycle_end_user_access (TdDb        *db,
                                    const char  *user_id,
                                    gint64       now_usec,
                                    GError     **error)
{
  return end_access (db, "?", user_id, NULL, now_usec, error);
}

gboolean
td_store_lifecycle_end_company_access (TdDb        *db,
                                       const char  *org_id,
                                       const char  *customer_id,
                                       gint64       now_usec,
                                       GError     **error)
{
  return end_access (db, "SELECT id FROM employees WHERE customer_id = ? AND org_id = ?",
                     customer_id, org_id, now_usec, error);
}
