/* td-schema-organization.c: the tables of the organization area (see td-schema.h)
 *
 * Migration 3. The columns are exactly those of the TdFieldDefs in td-api-organization.c
 * plus the common ones (and the few a hook alone uses: invitations.token_hash). Optional
 * columns are nullable with a default: the engine may write null for an absent member, and
 * the hooks fill in the defaults that matter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

#define COMMON_COLUMNS \
  "  version    INTEGER NOT NULL DEFAULT 1," \
  "  created_at TEXT NOT NULL," \
  "  updated_at TEXT NOT NULL," \
  "  deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"

/* Every list is filtered by org_id and deleted and paged by (updated_at, id). */
#define LIST_INDEX(table) \
  "CREATE INDEX " table "_list ON " table " (org_id, deleted, updated_at, id);"
/* …and by its default sort. */
#define SORT_INDEX(table, column) \
  "CREATE INDEX " table "_by_" column " ON " table " (org_id, deleted, " column ", id);"

const char td_schema_organization_sql[] =
  /* The organization profile: DOMAIN.md §4 (the isolation mode is the engine's column). */
  "ALTER TABLE organizations ADD COLUMN address TEXT DEFAULT '';"
  "ALTER TABLE organizations ADD COLUMN logo TEXT;"
  "ALTER TABLE organizations ADD COLUMN code_configuration TEXT DEFAULT '{}';"

  "CREATE TABLE departments ("
  "  id         TEXT PRIMARY KEY,"
  "  org_id     TEXT NOT NULL REFERENCES organizations (id),"
  "  name       TEXT NOT NULL,"
  "  address    TEXT DEFAULT '',"
  "  contact    TEXT DEFAULT '{}',"
  COMMON_COLUMNS
  ");"
  LIST_INDEX ("departments")
  SORT_INDEX ("departments", "name")

  "CREATE TABLE teams ("
  "  id         TEXT PRIMARY KEY,"
  "  org_id     TEXT NOT NULL REFERENCES organizations (id),"
  "  name       TEXT NOT NULL,"
  "  logo       TEXT,"
  "  member_ids TEXT NOT NULL DEFAULT '[]',"
  COMMON_COLUMNS
  ");"
  LIST_INDEX ("teams")
  SORT_INDEX ("teams", "name")

  "CREATE TABLE meta_teams ("
  "  id              TEXT PRIMARY KEY,"
  "  org_id          TEXT NOT NULL REFERENCES organizations (id),"
  "  name            TEXT NOT NULL,"
  "  team_ids        TEXT NOT NULL DEFAULT '[]',"
  "  default_team_id TEXT REFERENCES teams (id),"
  COMMON_COLUMNS
  ");"
  LIST_INDEX ("meta_teams")
  SORT_INDEX ("meta_teams", "name")
  "CREATE INDEX meta_teams_default_team ON meta_teams (default_team_id);"

  /* Customers exist since migration 1; these are the rest of DOMAIN.md §4. */
  "ALTER TABLE customers ADD COLUMN address TEXT DEFAULT '';"
  "ALTER TABLE customers ADD COLUMN contact TEXT DEFAULT '{}';"
  "ALTER TABLE customers ADD COLUMN logo TEXT;"
  "ALTER TABLE customers ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';"
  "ALTER TABLE customers ADD COLUMN customer_login INTEGER DEFAULT 0"
  "  CHECK (customer_login IN (0, 1));"
  LIST_INDEX ("customers")
  SORT_INDEX ("customers", "name")

  /* The head office (head_office = 1) is created with a corporate customer and is never
   * deleted; at most one live head office per customer. `departments` (here and in the
   * team mappings) mirrors the customer's, kept in step by the customers hook, so that
   * department isolation applies to a customer's dependent rows as to the customer. */
  "CREATE TABLE customer_departments ("
  "  id          TEXT PRIMARY KEY,"
  "  org_id      TEXT NOT NULL REFERENCES organizations (id),"
  "  customer_id TEXT NOT NULL REFERENCES customers (id),"
  "  name        TEXT NOT NULL,"
  "  contact     TEXT DEFAULT '{}',"
  "  head_office INTEGER NOT NULL DEFAULT 0 CHECK (head_office IN (0, 1)),"
  "  departments TEXT NOT NULL DEFAULT '[]',"
  COMMON_COLUMNS
  ");"
  LIST_INDEX ("customer_departments")
  SORT_INDEX ("customer_departments", "name")
  "CREATE INDEX customer_departments_customer ON customer_departments (customer_id);"
  "CREATE UNIQUE INDEX customer_departments_head_office ON customer_departments (customer_id)"
  "  WHERE head_office = 1 AND deleted = 0;"

  /* One team per meta team for a whole customer (customer_department_id NULL) or one of its
   * departments. */
  "CREATE TABLE customer_team_mappings ("
  "  id                     TEXT PRIMARY KEY,"
  "  org_id                 TEXT NOT NULL REFERENCES organizations (id),"
  "  customer_id            TEXT NOT NULL REFERENCES customers (id),"
  "  customer_department_id TEXT REFERENCES customer_departments (id),"
  "  meta_team_id           TEXT NOT NULL REFERENCES meta_teams (id),"
  "  team_id                TEXT NOT NULL REFERENCES teams (id),"
  "  departments            TEXT NOT NULL DEFAULT '[]',"
  COMMON_COLUMNS
  ");"
  LIST_INDEX ("customer_team_mappings")
  SORT_INDEX ("customer_team_mappings", "created_at")
  "CREATE INDEX customer_team_mappings_customer ON customer_team_mappings (customer_id);"
  "CREATE INDEX customer_team_mappings_department ON customer_team_mappings (customer_department_id);"
  "CREATE INDEX customer_team_mappings_meta_team ON customer_team_mappings (meta_team_id);"
  "CREATE INDEX customer_team_mappings_team ON customer_team_mappings (team_id);"
  "CREATE UNIQUE INDEX customer_team_mappings_unique ON customer_team_mappings"
  "  (customer_id, coalesce(customer_department_id, ''), meta_team_id) WHERE deleted = 0;"

  /* An invitation and its user (status invited) are created together; the email with the
   * one-time link and the accept flow come later (token_hash stays NULL until then). */
  "CREATE TABLE invitations ("
  "  id          TEXT PRIMARY KEY,"
  "  org_id      TEXT NOT NULL REFERENCES organizations (id),"
  "  user_id     TEXT NOT NULL REFERENCES employees (id),"
  "  customer_id TEXT REFERENCES customers (id),"
  "  email       TEXT NOT NULL,"
  "  first_name  TEXT NOT NULL DEFAULT '',"
  "  last_name   TEXT NOT NULL DEFAULT '',"
  "  language    TEXT DEFAULT '',"
  "  role        TEXT NOT NULL,"
  "  departments TEXT NOT NULL DEFAULT '[]',"
  "  status      TEXT NOT NULL DEFAULT 'pending'"
  "                CHECK (status IN ('pending', 'accepted', 'revoked')),"
  "  token_hash  TEXT,"
  COMMON_COLUMNS
  ");"
  LIST_INDEX ("invitations")
  SORT_INDEX ("invitations", "created_at")
  "CREATE INDEX invitations_user ON invitations (user_id);"
  "CREATE INDEX invitations_customer ON invitations (customer_id);"
  "CREATE INDEX invitations_email ON invitations (org_id, email);"
  "CREATE UNIQUE INDEX invitations_token ON invitations (token_hash) WHERE token_hash IS NOT NULL;"

  "CREATE TABLE labels ("
  "  id           TEXT PRIMARY KEY,"
  "  org_id       TEXT NOT NULL REFERENCES organizations (id),"
  "  titles       TEXT NOT NULL,"
  "  description  TEXT DEFAULT '',"
  "  color        TEXT DEFAULT '#3584e4',"
  "  availability TEXT DEFAULT 'normal' CHECK (availability IN ('global', 'normal')),"
  "  visibility   TEXT DEFAULT 'internal' CHECK (visibility IN ('internal', 'public')),"
  COMMON_COLUMNS
  ");"
  LIST_INDEX ("labels")
  SORT_INDEX ("labels", "created_at")

  "CREATE INDEX employees_org_updated ON employees (org_id, deleted, updated_at, id);"
  "CREATE INDEX employees_by_last_name ON employees (org_id, deleted, last_name, id);";
