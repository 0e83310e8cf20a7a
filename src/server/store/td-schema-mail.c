/* td-schema-mail.c: migration of the mail area (see td-schema.h)
 *
 * Migration 10: the outbox of outgoing email and what the invitation accept flow needs.
 *
 * mail_outbox is a queue, not a synced entity: no change records, no version, no tombstone.
 * A row is written in the transaction of the event that causes the message (td_mail_queue)
 * and is never deleted by the server: the mailer (td-mailer.c) sets sent_at once the relay
 * or the spool directory has the message, or counts the attempt, keeps the error and
 * schedules the next one. org_id is NULL for messages that belong to no tenant.
 *
 * Invitations get the expiry of their one-time token (token_hash already exists: its
 * SHA-256, never the token) and the time they were accepted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_mail_sql[] =
  "CREATE TABLE mail_outbox ("
  "  id              TEXT PRIMARY KEY,"
  "  org_id          TEXT REFERENCES organizations (id),"
  "  recipient       TEXT NOT NULL CHECK (recipient <> ''),"
  "  subject         TEXT NOT NULL,"
  "  body            TEXT NOT NULL,"
  "  created_at      TEXT NOT NULL,"
  "  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
  "  next_attempt_at TEXT NOT NULL,"
  "  last_error      TEXT,"
  "  sent_at         TEXT,"
  /* 1: the body holds a secret (an invitation link); it is blanked once delivered. */
  "  sensitive       INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1))"
  ");"
  /* The mailer's one query: unsent rows that are due, oldest first. */
  "CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, created_at)"
  "  WHERE sent_at IS NULL;"
  "CREATE INDEX mail_outbox_org ON mail_outbox (org_id, created_at);"

  "ALTER TABLE invitations ADD COLUMN expires_at TEXT;"
  "ALTER TABLE invitations ADD COLUMN accepted_at TEXT;";
