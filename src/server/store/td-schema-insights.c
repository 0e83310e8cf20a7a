/* td-schema-insights.c: the tables of the insights area (see td-schema.h)
 *
 * Feedback ("Send feedback" in the top-bar menu, DOMAIN.md §4): text, app version and the
 * user who sent it; read by administrators only. The columns are the fields of
 * td_resource_feedback in td-api-insights.c plus the common ones.
 *
 * The indexes below serve the dashboard statistics (GET /api/v1/stats/dashboard), which
 * restrict tickets and video sessions to a time range by created_at (and closed tickets
 * by closed_at) inside one organization: without them every statistic would scan the
 * tenant's whole table. The two over tickets by organization cover every column the
 * statistics read, so the per-range aggregates never visit the table.
 *
 * tickets.first_response_at is derived, for the statistics only: the created_at of the
 * earliest ticket message or public ticket update written by an employee (an author
 * without customer_id) at or after the ticket's creation. Triggers keep it as messages and
 * updates are inserted (neither is ever edited nor deleted through the API); the existing
 * rows are filled in here. It is no field of the tickets collection: it is never synced,
 * and setting it bumps neither version nor updated_at. Without it the average first
 * response would cost two index seeks per ticket of the range (seconds at a million).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_insights_sql[] =
  "CREATE TABLE feedback ("
  "  id          TEXT PRIMARY KEY,"
  "  org_id      TEXT NOT NULL REFERENCES organizations (id),"
  "  user_id     TEXT NOT NULL,"
  "  text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),"
  "  app_version TEXT NOT NULL DEFAULT '' CHECK (length(app_version) <= 64),"
  "  version     INTEGER NOT NULL DEFAULT 1,"
  "  created_at  TEXT NOT NULL,"
  "  updated_at  TEXT NOT NULL,"
  "  deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
  ");"
  "CREATE INDEX feedback_updated ON feedback (org_id, deleted, updated_at, id);"

  "ALTER TABLE tickets ADD COLUMN first_response_at TEXT;"
  "UPDATE tickets SET first_response_at = ("
  "  SELECT CASE WHEN r.m IS NULL THEN r.u WHEN r.u IS NULL THEN r.m ELSE min(r.m, r.u) END"
  "  FROM (SELECT"
  "    (SELECT min(m.created_at) FROM ticket_messages m JOIN employees e ON e.id = m.author_id"
  "      WHERE m.ticket_id = tickets.id AND m.deleted = 0 AND e.customer_id IS NULL"
  "      AND m.created_at >= tickets.created_at) AS m,"
  "    (SELECT min(u.created_at) FROM ticket_updates u JOIN employees e ON e.id = u.author_id"
  "      WHERE u.ticket_id = tickets.id AND u.deleted = 0 AND u.kind = 'public'"
  "      AND e.customer_id IS NULL AND u.created_at >= tickets.created_at) AS u) r);"
  "CREATE TRIGGER tickets_first_response_message AFTER INSERT ON ticket_messages"
  "  WHEN NEW.deleted = 0 AND EXISTS (SELECT 1 FROM employees e"
  "    WHERE e.id = NEW.author_id AND e.customer_id IS NULL)"
  "BEGIN"
  "  UPDATE tickets SET first_response_at = NEW.created_at"
  "    WHERE id = NEW.ticket_id AND created_at <= NEW.created_at"
  "    AND (first_response_at IS NULL OR first_response_at > NEW.created_at);"
  "END;"
  "CREATE TRIGGER tickets_first_response_update AFTER INSERT ON ticket_updates"
  "  WHEN NEW.deleted = 0 AND NEW.kind = 'public' AND EXISTS (SELECT 1 FROM employees e"
  "    WHERE e.id = NEW.author_id AND e.customer_id IS NULL)"
  "BEGIN"
  "  UPDATE tickets SET first_response_at = NEW.created_at"
  "    WHERE id = NEW.ticket_id AND created_at <= NEW.created_at"
  "    AND (first_response_at IS NULL OR first_response_at > NEW.created_at);"
  "END;"
  "CREATE INDEX tickets_created ON tickets (org_id, created_at, deleted, status, device_id,"
  "  rating, first_response_at);"
  "CREATE INDEX tickets_closed ON tickets (org_id, closed_at, deleted, device_id, created_at)"
  "  WHERE closed_at IS NOT NULL;"
  /* Customer login: the scope names the company's devices, and these find their tickets
   * of the range directly instead of filtering the whole range of the tenant. */
  "CREATE INDEX tickets_device_created ON tickets (device_id, created_at);"
  "CREATE INDEX tickets_device_closed ON tickets (device_id, closed_at) WHERE closed_at IS NOT NULL;"
  "CREATE INDEX video_sessions_created ON video_sessions (org_id, created_at);"
  "CREATE INDEX video_sessions_device_created ON video_sessions (device_id, created_at);";
