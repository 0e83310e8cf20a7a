/* td-store-accounts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-store-accounts"

#include "config.h"

#include "td-store-accounts.h"

#include "td-random.h"
#include "td-store-users.h"
#include "td-time.h"

gboolean
td_store_transfer_create (TdDb        *db,
                          const char  *org_id,
                          const char  *user_id,
                          const char  *session_id,
                          const char  *token_hash,
                          gint64       now_usec,
                          gint64       expires_usec,
                          GError     **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *now = td_time_format (now_usec);
  g_autofree char *expires = td_time_format (expires_usec);

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return FALSE;

  stmt = td_db_prepare (db, "INSERT INTO transfer_tokens (id, org_id, user_id, session_id, "
                            "token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  td_db_stmt_bind_text (stmt, 3, user_id);
  td_db_stmt_bind_text (stmt, 4, session_id);
  td_db_stmt_bind_text (stmt, 5, token_hash);
  td_db_stmt_bind_text (stmt, 6, now);
  td_db_stmt_bind_text (stmt, 7, expires);

  return td_db_stmt_run (stmt, error) && td_db_transaction_commit (transaction, error);
}

/* Redeems the share-login token hashing to @token_hash and opens @session for its user (the
 * caller fills everything but org_id and user_id). The token is taken by one conditional
 * UPDATE: of two parallel redemptions exactly one changes the row. Returns the new session
 * id, or NULL without an error when the token is unknown, expired, used, revoked, its
 * issuing session is gone, or its user may no longer log in. */
char *
td_store_transfer_redeem (TdDb          *db,
                          const char    *token_hash,
                          TdSessionNew  *session,
                          char         **out_user_id,
                          GError       **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) take = NULL;
  g_autoptr(TdDbStmt) owner = NULL;
  g_autoptr(TdDbStmt) link = NULL;
  g_autoptr(TdUserRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *now = td_time_format (session->now_usec);
  g_autofree char *org_id = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *session_id = NULL;

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return NULL;

  take = td_db_prepare (db, "UPDATE transfer_tokens SET redeemed_at = ? "
                            "WHERE token_hash = ? AND redeemed_at IS NULL AND revoked_at IS NULL "
                            "AND expires_at > ? AND EXISTS (SELECT 1 FROM sessions s "
                            "  WHERE s.id = transfer_tokens.session_id AND s.revoked_at IS NULL "
                            "  AND s.deleted = 0 AND s.expires_at > ?)", error);
  if (take == NULL)
    return NULL;
  td_db_stmt_bind_text (take, 1, now);
  td_db_stmt_bind_text (take, 2, token_hash);
  td_db_stmt_bind_text (take, 3, now);
  td_db_stmt_bind_text (take, 4, now);
  if (!td_db_stmt_run (take, error))
    return NULL;
  if (td_db_changes (db) != 1)
    return NULL;  /* rolled back: nothing changed */

  owner = td_db_prepare (db, "SELECT org_id, user_id FROM transfer_tokens WHERE token_hash = ?",
                         error);
  if (owner == NULL)
    return NULL;
  td_db_stmt_bind_text (owner, 1, token_hash);
  if (td_db_stmt_step (owner, error) != TD_DB_STEP_ROW)
    return NULL;
  org_id = td_db_stmt_dup_text (owner, 0);
  user_id = td_db_stmt_dup_text (owner, 1);

  record = td_store_users_get (db, user_id, &local_error);
  if (record == NULL || record->status != TD_USER_STATUS_ACTIVE)
    {
      /* The token stays used up. */
      td_db_transaction_commit (transaction, NULL);
      return NULL;
    }

  session->org_id = org_id;
  session->user_id = user_id;
  session->issued_by = "transfer";
  session_id = td_store_sessions_insert (db, session, error);
  session->org_id = NULL;
  session->user_id = NULL;
  if (session_id == NULL)
    return NULL;

  link = td_db_prepare (db, "UPDATE transfer_tokens SET redeemed_session_id = ? "
                            "WHERE token_hash = ?", error);
  if (link == NULL)
    return NULL;
  td_db_stmt_bind_text (link, 1, session_id);
  td_db_stmt_bind_text (link, 2, token_hash);
  if (!td_db_stmt_run (link, error) || !td_db_transaction_commit (transaction, error))
    return NULL;

  if (out_user_id != NULL)
    *out_user_id = g_steal_pointer (&user_id);
  return g_steal_pointer (&session_id);
}

static const char *
kind_name (TdThrottleKind kind)
{
  return kind == TD_THROTTLE_EMAIL ? "email" : "address";
}

typedef struct
{
  gboolean found;
  gint64   failures;
  gint64   window_start;
  gint64   blocked_until;  /* 0: none */
} ThrottleRow;

static gboolean
read_row (TdDb            *db,
          TdThrottleKind   kind,
          const char      *subject_hash,
          ThrottleRow     *row,
          GError         **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  *row = (ThrottleRow) { 0 };
  stmt = td_db_prepare (db, "SELECT failures, window_start, blocked_until FROM login_failures "
                            "WHERE kind = ? AND subject_hash = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, kind_name (kind));
  td_db_stmt_bind_text (stmt, 2, subject_hash);

  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ERROR)
    return FALSE;
  if (step == TD_DB_STEP_DONE)
    return TRUE;

  row->found = TRUE;
  row->failures = td_db_stmt_get_int64 (stmt, 0);
  if (!td_time_parse (td_db_stmt_get_text (stmt, 1), &row->window_start))
    row->window_start = 0;
  if (td_db_stmt_is_null (stmt, 2) ||
      !td_time_parse (td_db_stmt_get_text (stmt, 2), &row->blocked_until))
    row->blocked_until = 0;
  return TRUE;
}

/* Whether logins for @subject (a normalized email or a client address) are refused at
 * @now_usec; *@out_retry_usec is how long for (0 when not). */
gboolean
td_store_throttle_check (TdDb            *db,
                         TdThrottleKind   kind,
                         const char      *subject,
                         gint64           now_usec,
                         gint64          *out_retry_usec,
                         GError         **error)
{
  g_autofree char *subject_hash = td_token_hash (subject);
  ThrottleRow row;

  *out_retry_usec = 0;
  if (!read_row (db, kind, subject_hash, &row, error))
    return FALSE;
  if (!row.found)
    return TRUE;

  if (kind == TD_THROTTLE_EMAIL)
    {
      if (row.blocked_until > now_usec)
        *out_retry_usec = row.blocked_until - now_usec;
    }
  else if (row.failures >= TD_THROTTLE_ADDRESS_MAX_FAILURES &&
           row.window_start + TD_THROTTLE_ADDRESS_WINDOW_USEC > now_usec)
    *out_retry_usec = row.window_start + TD_THROTTLE_ADDRESS_WINDOW_USEC - now_usec;

  return TRUE;
}

/* Counts one failed login for @subject. Email: consecutive failures; from the fifth on the
 * account waits 1 s, 2 s, 4 s, … at most 15 minutes. Address: failures in a fixed
 * 10-minute window. Read and write in one write transaction, so parallel failures on
 * several threads or processes all count. */
gboolean
td_store_throttle_failure (TdDb            *db,
                           TdThrottleKind   kind,
                           const char      *subject,
                           gint64           now_usec,
                           GError         **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *subject_hash = td_token_hash (subject);
  g_autofree char *now = td_time_format (now_usec);
  g_autofree char *window = NULL;
  g_autofree char *blocked = NULL;
  ThrottleRow row;
  gint64 failures, window_start;

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL || !read_row (db, kind, subject_hash, &row, error))
    return FALSE;

  failures = row.found ? row.failures + 1 : 1;
  window_start = row.found ? row.window_start : now_usec;
  if (kind == TD_THROTTLE_ADDRESS && window_start + TD_THROTTLE_ADDRESS_WINDOW_USEC <= now_usec)
    {
      failures = 1;
      window_start = now_usec;
    }
  window = td_time_format (window_start);

  if (kind == TD_THROTTLE_EMAIL && failures >= TD_THROTTLE_ACCOUNT_FREE_FAILURES)
    {
      gint64 shift = MIN (failures - TD_THROTTLE_ACCOUNT_FREE_FAILURES, 20);
      gint64 delay = MIN (((gint64) G_USEC_PER_SEC) << shift, TD_THROTTLE_ACCOUNT_MAX_USEC);

      blocked = td_time_format (now_usec + delay);
    }

  stmt = td_db_prepare (db, "INSERT INTO login_failures (kind, subject_hash, failures, "
                            "window_start, last_failure_at, blocked_until) VALUES (?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (kind, subject_hash) DO UPDATE SET "
                            "failures = excluded.failures, window_start = excluded.window_start, "
                            "last_failure_at = excluded.last_failure_at, "
                            "blocked_until = excluded.blocked_until", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, kind_name (kind));
  td_db_stmt_bind_text (stmt, 2, subject_hash);
  td_db_stmt_bind_int64 (stmt, 3, failures);
  td_db_stmt_bind_text (stmt, 4, window);
  td_db_stmt_bind_text (stmt, 5, now);
  if (blocked != NULL)
    td_db_stmt_bind_text (stmt, 6, blocked);
  else
    td_db_stmt_bind_null (stmt, 6);

  return td_db_stmt_run (stmt, error) && td_db_transaction_commit (transaction, error);
}

/* A successful login forgets the account's failures (not the address's). */
gboolean
td_store_throttle_reset (TdDb            *db,
                         TdThrottleKind   kind,
                         const char      *subject,
                         GError         **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *subject_hash = td_token_hash (subject);

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return FALSE;
  stmt = td_db_prepare (db, "DELETE FROM login_failures WHERE kind = ? AND subject_hash = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, kind_name (kind));
  td_db_stmt_bind_text (stmt, 2, subject_hash);
  return td_db_stmt_run (stmt, error) && td_db_transaction_commit (transaction, error);
}
