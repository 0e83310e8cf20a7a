/* td-schema-notify.c: migration of the notify area (see td-schema.h)
 *
 * One row per notification a user received (DOMAIN.md §6). Stacking keeps one unread row
 * per (user, event type, subject) and counts the events folded into it, so the lookup of
 * td-notify.c has an index of its own. `unread` mirrors `read_at IS NULL` as a plain column
 * (not a generated one, so that rows can be copied with INSERT … SELECT *) for the engine's
 * BOOL filter `?unread=true`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_notify_sql[] =
  "CREATE TABLE notifications ("
  "  id           TEXT PRIMARY KEY,"
  "  org_id       TEXT NOT NULL REFERENCES organizations (id),"
  "  version      INTEGER NOT NULL DEFAULT 1,"
  "  created_at   TEXT NOT NULL,"
  "  updated_at   TEXT NOT NULL,"
  "  deleted      INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  user_id      TEXT NOT NULL REFERENCES employees (id),"
  "  event_type   TEXT NOT NULL CHECK (event_type IN ('case_request', 'offer_received',"
  "                 'assignment', 'status_change', 'message', 'task_due', 'code_event',"
  "                 'system_alert', 'company_activity')),"
  "  subject_type TEXT NOT NULL,"
  "  subject_id   TEXT,"
  "  title        TEXT NOT NULL,"
  "  body         TEXT NOT NULL DEFAULT '',"
  "  actor_id     TEXT,"
  "  count        INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),"
  "  event_at     TEXT NOT NULL,"
  "  read_at      TEXT,"
  "  unread       INTEGER NOT NULL DEFAULT 1 CHECK (unread IN (0, 1))"
  ");"
  /* The drawer: a user's own rows by -event_at (the default sort), updated_at and
   * created_at. */
  "CREATE INDEX notifications_by_event ON notifications (org_id, user_id, deleted, event_at, id);"
  "CREATE INDEX notifications_list ON notifications (org_id, user_id, deleted, updated_at, id);"
  "CREATE INDEX notifications_by_created ON notifications"
  "  (org_id, user_id, deleted, created_at, id);"
  /* The change feed's catch-up over the whole organization. */
  "CREATE INDEX notifications_org_updated ON notifications (org_id, deleted, updated_at, id);"
  /* Unread counts, read-all and the stacking lookup: only unread rows. */
  "CREATE INDEX notifications_unread ON notifications"
  "  (org_id, user_id, event_type, subject_type, subject_id)"
  "  WHERE deleted = 0 AND unread = 1;";
