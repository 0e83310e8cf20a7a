/* td-schema-cases.c: the tables of the cases area (see td-schema.h)
 *
 * Tickets, their messages, updates, offers and links to video sessions; video sessions;
 * task events and tasks; attachment metadata. The columns of each collection are exactly
 * the fields of its TdResourceDef in td-api-tickets.c, td-api-video-sessions.c and
 * td-api-tasks.c plus the common ones.
 *
 * No foreign keys point into the tables of the organization and assets areas (devices,
 * employees' teams, templates): the references are checked by the resource engine against
 * the caller's scope, and a dangling id after a device is deleted is a tombstone the
 * client resolves, not an integrity error.
 *
 * Every list filter and sort of the API has an index, because the lists must stay fast at a
 * million tickets: (org_id, deleted, updated_at, id) serves the default sort and its cursor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

#define COMMON_COLUMNS                                                              \
  "  id         TEXT PRIMARY KEY,"                                                  \
  "  org_id     TEXT NOT NULL REFERENCES organizations (id),"                       \
  "  version    INTEGER NOT NULL DEFAULT 1,"                                        \
  "  created_at TEXT NOT NULL,"                                                     \
  "  updated_at TEXT NOT NULL,"                                                     \
  "  deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"

const char td_schema_cases_sql[] =
  "CREATE TABLE tickets ("
  COMMON_COLUMNS
  "  number          INTEGER NOT NULL,"
  "  title           TEXT NOT NULL,"
  "  description     TEXT NOT NULL DEFAULT '',"
  "  device_id       TEXT,"
  "  customer_id     TEXT,"
  "  category        TEXT NOT NULL DEFAULT '',"
  "  priority        TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),"
  "  visibility      TEXT NOT NULL DEFAULT 'internal' CHECK (visibility IN ('internal', 'public')),"
  "  status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'assigned',"
  "                    'in_progress', 'done', 'closed', 'cancelled')),"
  "  responsible_ids TEXT NOT NULL DEFAULT '[]',"
  "  receiver_ids    TEXT NOT NULL DEFAULT '[]',"
  "  labels          TEXT NOT NULL DEFAULT '[]',"
  "  created_by      TEXT,"
  "  rating          INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),"
  "  rating_comment  TEXT,"
  "  closed_at       TEXT"
  ");"
  "CREATE UNIQUE INDEX tickets_number ON tickets (org_id, number);"
  "CREATE INDEX tickets_updated ON tickets (org_id, deleted, updated_at, id);"
  "CREATE INDEX tickets_status ON tickets (org_id, status);"
  "CREATE INDEX tickets_device ON tickets (device_id);"
  "CREATE INDEX tickets_customer ON tickets (customer_id);"

  "CREATE TABLE ticket_messages ("
  COMMON_COLUMNS
  "  ticket_id      TEXT NOT NULL REFERENCES tickets (id),"
  "  author_id      TEXT,"
  "  body           TEXT NOT NULL,"
  "  attachment_ids TEXT NOT NULL DEFAULT '[]'"
  ");"
  "CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, created_at);"

  "CREATE TABLE ticket_updates ("
  COMMON_COLUMNS
  "  ticket_id TEXT NOT NULL REFERENCES tickets (id),"
  "  author_id TEXT,"
  "  kind      TEXT NOT NULL CHECK (kind IN ('public', 'internal')),"
  "  body      TEXT NOT NULL"
  ");"
  "CREATE INDEX ticket_updates_ticket ON ticket_updates (ticket_id, created_at);"

  "CREATE TABLE ticket_offers ("
  COMMON_COLUMNS
  "  ticket_id   TEXT NOT NULL REFERENCES tickets (id),"
  "  employee_id TEXT NOT NULL,"
  "  team_id     TEXT,"
  "  status      TEXT NOT NULL DEFAULT 'pending'"
  "                CHECK (status IN ('pending', 'accepted', 'declined'))"
  ");"
  "CREATE INDEX ticket_offers_ticket ON ticket_offers (ticket_id);"
  "CREATE INDEX ticket_offers_employee ON ticket_offers (employee_id, status);"

  "CREATE TABLE video_sessions ("
  COMMON_COLUMNS
  "  number            INTEGER NOT NULL,"
  "  device_id         TEXT,"
  "  customer_id       TEXT,"
  "  requester_name    TEXT NOT NULL DEFAULT '',"
  "  reason            TEXT NOT NULL DEFAULT '',"
  "  recording_consent INTEGER NOT NULL DEFAULT 0 CHECK (recording_consent IN (0, 1)),"
  "  visibility        TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('internal', 'public')),"
  "  status            TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested',"
  "                      'confirmed', 'in_progress', 'done', 'closed', 'cancelled')),"
  "  requested_ids     TEXT NOT NULL DEFAULT '[]',"
  "  responsible_ids   TEXT NOT NULL DEFAULT '[]',"
  "  scheduled_at      TEXT,"
  "  duration_minutes  INTEGER,"
  "  rating            INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),"
  "  rating_comment    TEXT,"
  "  created_by        TEXT"
  ");"
  "CREATE UNIQUE INDEX video_sessions_number ON video_sessions (org_id, number);"
  "CREATE INDEX video_sessions_updated ON video_sessions (org_id, deleted, updated_at, id);"
  "CREATE INDEX video_sessions_status ON video_sessions (org_id, status);"
  "CREATE INDEX video_sessions_device ON video_sessions (device_id);"
  "CREATE INDEX video_sessions_customer ON video_sessions (customer_id);"

  "CREATE TABLE ticket_video_sessions ("
  COMMON_COLUMNS
  "  ticket_id        TEXT NOT NULL REFERENCES tickets (id),"
  "  video_session_id TEXT NOT NULL REFERENCES video_sessions (id)"
  ");"
  "CREATE UNIQUE INDEX ticket_video_sessions_pair"
  "  ON ticket_video_sessions (ticket_id, video_session_id) WHERE deleted = 0;"
  "CREATE INDEX ticket_video_sessions_session ON ticket_video_sessions (video_session_id);"

  "CREATE TABLE task_events ("
  COMMON_COLUMNS
  "  device_id     TEXT,"
  "  definition_id TEXT NOT NULL DEFAULT '',"
  "  title         TEXT NOT NULL,"
  "  recurrence    TEXT,"
  "  next_due_at   TEXT,"
  "  visibility    TEXT NOT NULL DEFAULT 'internal' CHECK (visibility IN ('internal', 'external')),"
  "  created_by    TEXT"
  ");"
  "CREATE INDEX task_events_updated ON task_events (org_id, deleted, updated_at, id);"
  "CREATE INDEX task_events_due ON task_events (org_id, deleted, next_due_at);"
  "CREATE INDEX task_events_device ON task_events (device_id);"

  "CREATE TABLE tasks ("
  COMMON_COLUMNS
  "  task_event_id   TEXT,"
  "  device_id       TEXT,"
  "  definition_id   TEXT NOT NULL DEFAULT '',"
  "  title           TEXT NOT NULL,"
  "  due_at          TEXT,"
  "  visibility      TEXT NOT NULL DEFAULT 'internal' CHECK (visibility IN ('internal', 'external')),"
  "  steps           TEXT NOT NULL DEFAULT '[]',"
  "  status          TEXT NOT NULL DEFAULT 'open'"
  "                    CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),"
  "  responsible_ids TEXT NOT NULL DEFAULT '[]',"
  "  created_by      TEXT"
  ");"
  "CREATE INDEX tasks_updated ON tasks (org_id, deleted, updated_at, id);"
  "CREATE INDEX tasks_status ON tasks (org_id, status);"
  "CREATE INDEX tasks_due ON tasks (org_id, due_at);"
  "CREATE INDEX tasks_device ON tasks (device_id);"
  "CREATE INDEX tasks_event ON tasks (task_event_id);"

  /* Metadata only; the bytes live under the data directory at `path`. */
  "CREATE TABLE attachments ("
  COMMON_COLUMNS
  "  owner_type   TEXT NOT NULL CHECK (owner_type IN ('ticket_message', 'video_session')),"
  "  owner_id     TEXT,"
  "  file_name    TEXT NOT NULL,"
  "  content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg',"
  "                 'application/pdf', 'text/plain', 'video/mp4')),"
  "  size         INTEGER NOT NULL CHECK (size BETWEEN 0 AND 10485760),"
  "  sha256       TEXT NOT NULL,"
  "  path         TEXT NOT NULL,"
  "  created_by   TEXT"
  ");"
  "CREATE INDEX attachments_owner ON attachments (owner_type, owner_id);";
