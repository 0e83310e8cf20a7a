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

/* Returns the id of the new session. */
char *
td_store_sessions_create (TdDb                *db,
                          const TdSessionNew  *session,
                          GError             **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *now = td_time_format (session->now_usec);
  g_autofree char *expires = td_time_format (session->expires_usec);
  g_autofree char *user_agent = clip_user_agent (session->user_agent);

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return NULL;

  stmt = td_db_prepare (db, "INSERT INTO sessions (id, org_id, user_id, token_hash, issued_by, "
                            "user_agent, created_at, last_seen_at, expires_at, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, session->org_id);
  td_db_stmt_bind_text (stmt, 3, session->user_id);
  td_db_stmt_bind_text (stmt, 4, session->token_hash);
  td_db_stmt_bind_text (stmt, 5, session->issued_by ? session->issued_by : "password");
  td_db_stmt_bind_text (stmt, 6, user_agent);
  td_db_stmt_bind_text (stmt, 7, now);
  td_db_stmt_bind_text (stmt, 8, now);
  td_db_stmt_bind_text (stmt, 9, expires);
  td_db_stmt_bind_text (stmt, 10, now);

  if (!td_db_stmt_run (stmt, error) || !td_db_transaction_commit (transaction, error))
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

  return td_db_stmt_run (stmt, error) && td_db_transaction_commit (transaction, error);
}
