/* td-schema-accounts.c: the tables of the accounts area (see td-schema.h)
 *
 * Share-login tokens, the login-failure counters of the throttle, and the personal
 * settings columns of a user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_accounts_sql[] =
  /* Share login (ARCHITECTURE.md §4): only the SHA-256 of the token is stored; a token is
   * bound to the session that issued it and is redeemed at most once (redeemed_at is set
   * by one conditional UPDATE). Bookkeeping, not synced: no version or deleted column. */
  "CREATE TABLE transfer_tokens ("
  "  id                  TEXT PRIMARY KEY,"
  "  org_id              TEXT NOT NULL REFERENCES organizations (id),"
  "  user_id             TEXT NOT NULL REFERENCES employees (id),"
  "  session_id          TEXT NOT NULL REFERENCES sessions (id),"
  "  token_hash          TEXT NOT NULL UNIQUE,"
  "  created_at          TEXT NOT NULL,"
  "  expires_at          TEXT NOT NULL,"
  "  redeemed_at         TEXT,"
  "  revoked_at          TEXT,"
  "  redeemed_session_id TEXT"
  ");"
  "CREATE INDEX transfer_tokens_session ON transfer_tokens (session_id);"

  /* Login throttling, shared by all threads and processes: one row per normalized email
   * (consecutive failures, back-off) and per client address (failures in a fixed window).
   * The subject is stored as its SHA-256, so unknown addresses people typed are not kept. */
  "CREATE TABLE login_failures ("
  "  kind            TEXT NOT NULL CHECK (kind IN ('email', 'address')),"
  "  subject_hash    TEXT NOT NULL,"
  "  failures        INTEGER NOT NULL DEFAULT 0,"
  "  window_start    TEXT NOT NULL,"
  "  last_failure_at TEXT NOT NULL,"
  "  blocked_until   TEXT,"
  "  PRIMARY KEY (kind, subject_hash)"
  ");"

  /* Personal settings (PATCH /api/v1/me). */
  "ALTER TABLE employees ADD COLUMN avatar TEXT;"
  "ALTER TABLE employees ADD COLUMN push_enabled INTEGER NOT NULL DEFAULT 1"
  "  CHECK (push_enabled IN (0, 1));"
  "ALTER TABLE employees ADD COLUMN notification_preferences TEXT NOT NULL DEFAULT '{}';";
