/* td-store-sessions.c
 *
 * Timestamps are stored as td_time_format() strings: fixed width, UTC, so comparing them
 * as text orders them in time and the expiry checks can stay in SQL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-store-sessions"

#include "config.h"

#include "td-store-sessions.h"

#include "td-random.h"
#include "td-time.h"

/* Longer than any user agent a real client sends; the rest is cut, not rejected. */
#define USER_AGENT_MAX 256

void
td_session_record_free (TdSessionRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->id);
  g_free (record->org_id);
  g_free (record->user_id);
  g_free (record);
}

static char *
clip_user_agent (const char *user_agent)
{
  const char *end;

  if (user_agent == NULL || !g_utf8_validate (user_agent, -1, &end))
    return g_strdup ("");

  if (g_utf8_strlen (user_agent, -1) <= USER_AGENT_MAX)
    return g_strdup (user_agent);

  end = g_utf8_offset_to_pointer (user_agent, USER_AGENT_MAX);
  return g_strndup (user_agent, (gsize) (end - user_agent));
}

void
td_session_info_free (TdSessionInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->id);
  g_free (info->device_label);
  g_free (info->user_agent);
  g_free (info->created_at);
  g_free (info->last_seen_at);
  g_free (info->issued_by);
  g_free (info);
}

/* Inserts the session in the caller's transaction; returns its id. */
char *
td_store_sessions_insert (TdDb                *db,
                          const TdSessionNew  *session,
                          GError             **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *now = td_time_format (session->now_usec);
  g_autofree char *expires = td_time_format (session->expires_usec);
  g_autofree char *user_agent = clip_user_agent (session->user_agent);
  g_autofree char *device_label = clip_user_agent (session->device_label);

  stmt = td_db_prepare (db, "INSERT INTO sessions (id, org_id, user_id, token_hash, issued_by, "
                            "user_agent, device_label, created_at, last_seen_at, expires_at, "
                            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, session->org_id);
  td_db_stmt_bind_text (stmt, 3, session->user_id);
  td_db_stmt_bind_text (stmt, 4, session->token_hash);
  td_db_stmt_bind_text (stmt, 5, session->issued_by ? session->issued_by : "password");
  td_db_stmt_bind_text (stmt, 6, user_agent);
  td_db_stmt_bind_text (stmt, 7, device_label);
  td_db_stmt_bind_text (stmt, 8, now);
  td_db_stmt_bind_text (stmt, 9, now);
  td_db_stmt_bind_text (stmt, 10, expires);
  td_db_stmt_bind_text (stmt, 11, now);

  if (!td_db_stmt_run (stmt, error))
    return NULL;

  return g_steal_pointer (&id);
}

/* Returns the id of the new session. */
char *
td_store_sessions_create (TdDb                *db,
                          const TdSessionNew  *session,
                          GError             **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autofree char *id = NULL;

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return NULL;

  id = td_store_sessions_insert (db, session, error);
  if (id == NULL || !td_db_transaction_commit (transaction, error))
    return NULL;

  return g_steal_pointer (&id);
}

/* The session whose token hashes to @token_hash if it is neither revoked nor expired at
 * @now_usec; NULL without an error when there is none. */
TdSessionRecord *
td_store_sessions_find_valid (TdDb        *db,
                              const char  *token_hash,
                              gint64       now_usec,
                              GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_format (now_usec);
  TdSessionRecord *record;
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT id, org_id, user_id, last_seen_at, expires_at FROM sessions "
                            "WHERE token_hash = ? AND revoked_at IS NULL AND deleted = 0 "
                            "AND expires_at > ?", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, token_hash);
  td_db_stmt_bind_text (stmt, 2, now);

  step = td_db_stmt_step (stmt, error);
  if (step != TD_DB_STEP_ROW)
    return NULL;

  record = g_new0 (TdSessionRecord, 1);
  record->id = td_db_stmt_dup_text (stmt, 0);
  record->org_id = td_db_stmt_dup_text (stmt, 1);
  record->user_id = td_db_stmt_dup_text (stmt, 2);
  if (!td_time_parse (td_db_stmt_get_text (stmt, 3), &record->last_seen_usec))
    record->last_seen_usec = 0;
  if (!td_time_parse (td_db_stmt_get_text (stmt, 4), &record->expires_usec))
    record->expires_usec = 0;

  return record;
}

/* Records activity, but at most once per @min_interval_usec: the "last seen" column is
 * for the session list, and writing it on every request would serialize all readers
 * behind the write lock. Bookkeeping, so neither version nor updated_at change. */
gboolean
td_store_sessions_touch (TdDb        *db,
                         const char  *id,
                         gint64       now_usec,
                         gint64       min_interval_usec,
                         GError     **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_format (now_usec);
  g_autofree char *threshold = td_time_format (now_usec - min_interval_usec);

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return FALSE;

  stmt = td_db_prepare (db, "UPDATE sessions SET last_seen_at = ? "
                            "WHERE id = ? AND last_seen_at < ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, id);
  td_db_stmt_bind_text (stmt, 3, threshold);

  return td_db_stmt_run (stmt, error) && td_db_transaction_commit (transaction, error);
}

/* Outstanding share-login tokens of the sessions @where_sql selects die with them. */
static gboolean
revoke_transfer_tokens (TdDb        *db,
                        const char  *now,
                        const char  *where_sql,
                        const char  *param1,
                        const char  *param2,
                        GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE transfer_tokens SET revoked_at = ? "
                                          "WHERE revoked_at IS NULL AND redeemed_at IS NULL "
                                          "AND session_id IN (SELECT id FROM sessions WHERE %s)",
                                          where_sql);
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, param1);
  if (param2 != NULL)
    td_db_stmt_bind_text (stmt, 3, param2);
  return td_db_stmt_run (stmt, error);
}

/* Revokes session @id and its outstanding share-login tokens. */
gboolean
td_store_sessions_revoke (TdDb        *db,
                          const char  *id,
                          gint64       now_usec,
                          GError     **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_format (now_usec);

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return FALSE;

  stmt = td_db_prepare (db, "UPDATE sessions SET revoked_at = ?, updated_at = ?, "
                            "version = version + 1 WHERE id = ? AND revoked_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, now);
  td_db_stmt_bind_text (stmt, 3, id);

  return td_db_stmt_run (stmt, error) &&
         revoke_transfer_tokens (db, now, "id = ?", id, NULL, error) &&
         td_db_transaction_commit (transaction, error);
}

/* The live sessions of @user_id, newest first. */
GPtrArray *
td_store_sessions_list (TdDb        *db,
                        const char  *user_id,
                        gint64       now_usec,
                        GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) td_session_info_free);
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_format (now_usec);
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT id, device_label, user_agent, created_at, last_seen_at, "
                            "issued_by FROM sessions WHERE user_id = ? AND revoked_at IS NULL "
                            "AND deleted = 0 AND expires_at > ? ORDER BY created_at DESC, id "
                            "LIMIT 500", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, user_id);
  td_db_stmt_bind_text (stmt, 2, now);

  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      TdSessionInfo *info = g_new0 (TdSessionInfo, 1);

      info->id = td_db_stmt_dup_text (stmt, 0);
      info->device_label = td_db_stmt_dup_text (stmt, 1);
      info->user_agent = td_db_stmt_dup_text (stmt, 2);
      info->created_at = td_db_stmt_dup_text (stmt, 3);
      info->last_seen_at = td_db_stmt_dup_text (stmt, 4);
      info->issued_by = td_db_stmt_dup_text (stmt, 5);
      g_ptr_array_add (items, info);
    }
  if (step == TD_DB_STEP_ERROR)
    return NULL;

  return g_steal_pointer (&items);
}

/* Revokes session @id if it is a live session of @user_id; *@out_found says whether it was. */
gboolean
td_store_sessions_revoke_own (TdDb        *db,
                              const char  *user_id,
                              const char  *id,
                              gint64       now_usec,
                              gboolean    *out_found,
                              GError     **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_format (now_usec);

  *out_found = FALSE;
  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return FALSE;

  stmt = td_db_prepare (db, "UPDATE sessions SET revoked_at = ?, updated_at = ?, "
                            "version = version + 1 WHERE id = ? AND user_id = ? "
                            "AND revoked_at IS NULL AND deleted = 0 AND expires_at > ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, now);
  td_db_stmt_bind_text (stmt, 3, id);
  td_db_stmt_bind_text (stmt, 4, user_id);
  td_db_stmt_bind_text (stmt, 5, now);
  if (!td_db_stmt_run (stmt, error))
    return FALSE;
  *out_found = td_db_changes (db) == 1;

  return revoke_transfer_tokens (db, now, "id = ?", id, NULL, error) &&
         td_db_transaction_commit (transaction, error);
}

/* Revokes every session of @user_id but @keep_id, and their share-login tokens, in the
 * caller's transaction. */
gboolean
td_store_sessions_revoke_others_in_transaction (TdDb        *db,
                                                const char  *user_id,
                                                const char  *keep_id,
                                                gint64       now_usec,
                                                GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_format (now_usec);

  if (!revoke_transfer_tokens (db, now, "user_id = ? AND id <> ?", user_id, keep_id, error))
    return FALSE;

  stmt = td_db_prepare (db, "UPDATE sessions SET revoked_at = ?, updated_at = ?, "
                            "version = version + 1 WHERE user_id = ? AND id <> ? "
                            "AND revoked_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, now);
  td_db_stmt_bind_text (stmt, 3, user_id);
  td_db_stmt_bind_text (stmt, 4, keep_id);
  return td_db_stmt_run (stmt, error);
}

gboolean
td_store_sessions_revoke_others (TdDb        *db,
                                 const char  *user_id,
                                 const char  *keep_id,
                                 gint64       now_usec,
                                 GError     **error)
{
  g_autoptr(TdDbTransaction) transaction = td_db_transaction_begin (db, error);

  return transaction != NULL &&
         td_store_sessions_revoke_others_in_transaction (db, user_id, keep_id, now_usec, error) &&
         td_db_transaction_commit (transaction, error);
}
