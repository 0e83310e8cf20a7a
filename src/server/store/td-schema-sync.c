/* td-schema-sync.c: what the change feed needs beyond migration 2 (see td-schema.h)
 *
 * Every change row carries the object's scope before and after the write (a small JSON
 * snapshot: customer, departments, customer-only value, deleted), so that the feed can tell
 * a user that an object left their scope (a delete) without ever naming objects they could
 * not see. Cursors older than `change_feed_state.min_since` (rows pruned by retention, or
 * written before the snapshots existed) get 410; so do cursors older than the last change
 * of the caller's own scope (role, company, departments, isolation mode).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_sync_sql[] =
  "ALTER TABLE changes ADD COLUMN scope_before TEXT;"
  "ALTER TABLE changes ADD COLUMN scope_after TEXT;"
  "CREATE INDEX changes_object ON changes (type, object_id, seq);"
  "CREATE INDEX changes_changed_at ON changes (changed_at);"

  "CREATE TABLE change_feed_state ("
  "  id        INTEGER PRIMARY KEY CHECK (id = 1),"
  "  min_since INTEGER NOT NULL"
  ");"
  "INSERT INTO change_feed_state (id, min_since)"
  "  SELECT 1, coalesce(max(seq), 0) FROM changes;"

  /* The change seq at which a user's own scope last changed; their older cursors are void. */
  "ALTER TABLE employees ADD COLUMN scope_seq INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE organizations ADD COLUMN scope_seq INTEGER NOT NULL DEFAULT 0;";
