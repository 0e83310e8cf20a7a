/* td-schema-assets.c: the tables of the assets area (see td-schema.h)
 *
 * Templates, devices (digital twins) and codes. The columns named in td-resources.h are
 * read by the other areas; the engine builds its SQL from the field lists of
 * td-api-assets.c, so every column here is either a field of that list, a common column, or
 * one that only the assets hooks touch (none at the moment besides code_share_links).
 *
 * JSON columns default to an empty array / object so that rows inserted with few values
 * (the seed, td_resource_insert()) are always valid for json_each() and json_extract().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_assets_sql[] =
  "CREATE TABLE templates ("
  "  id                    TEXT PRIMARY KEY,"
  "  org_id                TEXT NOT NULL REFERENCES organizations (id),"
  "  name                  TEXT NOT NULL,"
  "  description           TEXT NOT NULL DEFAULT '',"
  "  departments           TEXT NOT NULL DEFAULT '[]',"
  "  modules               TEXT NOT NULL DEFAULT '{}',"
  "  rating_tickets        INTEGER NOT NULL DEFAULT 1 CHECK (rating_tickets IN (0, 1)),"
  "  rating_video_sessions INTEGER NOT NULL DEFAULT 1 CHECK (rating_video_sessions IN (0, 1)),"
  "  version               INTEGER NOT NULL DEFAULT 1,"
  "  created_at            TEXT NOT NULL,"
  "  updated_at            TEXT NOT NULL,"
  "  deleted               INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
  ");"
  "CREATE INDEX templates_sync ON templates (org_id, deleted, updated_at, id);"

  /* A device mirrors its template; customer and customer department are optional (stock
   * devices of the operator). Serial numbers are unique among the live devices of an
   * organization, so a deleted device's serial can be registered again. */
  "CREATE TABLE devices ("
  "  id                     TEXT PRIMARY KEY,"
  "  org_id                 TEXT NOT NULL REFERENCES organizations (id),"
  "  name                   TEXT NOT NULL,"
  "  serial_number          TEXT NOT NULL,"
  "  template_id            TEXT NOT NULL REFERENCES templates (id),"
  "  customer_id            TEXT REFERENCES customers (id),"
  "  customer_department_id TEXT REFERENCES customer_departments (id),"
  "  location               TEXT NOT NULL DEFAULT '',"
  "  departments            TEXT NOT NULL DEFAULT '[]',"
  "  labels                 TEXT NOT NULL DEFAULT '[]',"
  "  attributes             TEXT NOT NULL DEFAULT '{}',"
  "  overrides              TEXT NOT NULL DEFAULT '{}',"
  "  version                INTEGER NOT NULL DEFAULT 1,"
  "  created_at             TEXT NOT NULL,"
  "  updated_at             TEXT NOT NULL,"
  "  deleted                INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
  ");"
  "CREATE INDEX devices_sync ON devices (org_id, deleted, updated_at, id);"
  "CREATE UNIQUE INDEX devices_serial ON devices (org_id, serial_number) WHERE deleted = 0;"
  "CREATE INDEX devices_serial_number ON devices (serial_number);"
  "CREATE INDEX devices_customer ON devices (customer_id);"
  "CREATE INDEX devices_template ON devices (template_id);"

  /* The token forms the public code URL /c/<token>: unique across all organizations
   * because that URL carries no tenant. The PIN is stored as an argon2id hash only;
   * code_user_epoch is bumped to log out every code user at once (their sessions carry
   * the epoch they started in). */
  "CREATE TABLE codes ("
  "  id              TEXT PRIMARY KEY,"
  "  org_id          TEXT NOT NULL REFERENCES organizations (id),"
  "  token           TEXT NOT NULL,"
  "  enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),"
  "  pin_hash        TEXT,"
  "  has_pin         INTEGER NOT NULL DEFAULT 0 CHECK (has_pin IN (0, 1)),"
  "  device_id       TEXT REFERENCES devices (id),"
  "  departments     TEXT NOT NULL DEFAULT '[]',"
  "  labels          TEXT NOT NULL DEFAULT '[]',"
  "  code_user_epoch INTEGER NOT NULL DEFAULT 0,"
  "  version         INTEGER NOT NULL DEFAULT 1,"
  "  created_at      TEXT NOT NULL,"
  "  updated_at      TEXT NOT NULL,"
  "  deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
  ");"
  "CREATE INDEX codes_sync ON codes (org_id, deleted, updated_at, id);"
  "CREATE UNIQUE INDEX codes_token ON codes (token);"
  "CREATE INDEX codes_device ON codes (device_id);"

  /* Share links of a code: only the SHA-256 of the token is stored; expires_at NULL means
   * permanent. Not a collection of the change feed (nothing syncs them). */
  "CREATE TABLE code_share_links ("
  "  id         TEXT PRIMARY KEY,"
  "  org_id     TEXT NOT NULL REFERENCES organizations (id),"
  "  code_id    TEXT NOT NULL REFERENCES codes (id),"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  expires_at TEXT,"
  "  created_by TEXT NOT NULL REFERENCES employees (id),"
  "  version    INTEGER NOT NULL DEFAULT 1,"
  "  created_at TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL,"
  "  deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
  ");"
  "CREATE INDEX code_share_links_code ON code_share_links (code_id);";
