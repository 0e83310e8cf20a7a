/* td-migrations.c: the schema, one numbered step at a time
 *
 * Rules for whoever adds a migration: append to the table below, never edit a migration
 * that has shipped, keep the SQL portable between SQLite and PostgreSQL where it can be
 * (TEXT ids, TEXT RFC 3339 timestamps, INTEGER flags), and give every entity the common
 * fields of DOMAIN.md §4: id, org_id, version, created_at, updated_at, deleted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-migrations"

#include "config.h"

#include "td-migrations.h"
#include "td-schema.h"

#include "td-store-error.h"
#include "td-time.h"

typedef struct
{
  guint       version;
  const char *name;
  const char *sql;
} TdMigration;

static const TdMigration migrations[] = {
  { 1, "organizations, customers, employees, sessions",
    /* An organization is its own tenant: org_id = id keeps the common fields uniform. */
    "CREATE TABLE organizations ("
    "  id               TEXT PRIMARY KEY,"
    "  org_id           TEXT NOT NULL CHECK (org_id = id),"
    "  name             TEXT NOT NULL,"
    "  default_language TEXT NOT NULL DEFAULT '',"
    "  version          INTEGER NOT NULL DEFAULT 1,"
    "  created_at       TEXT NOT NULL,"
    "  updated_at       TEXT NOT NULL,"
    "  deleted          INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
    ");"

    "CREATE TABLE customers ("
    "  id              TEXT PRIMARY KEY,"
    "  org_id          TEXT NOT NULL REFERENCES organizations (id),"
    "  kind            TEXT NOT NULL CHECK (kind IN ('corporate', 'private')),"
    "  name            TEXT NOT NULL,"
    "  customer_number TEXT NOT NULL,"
    "  version         INTEGER NOT NULL DEFAULT 1,"
    "  created_at      TEXT NOT NULL,"
    "  updated_at      TEXT NOT NULL,"
    "  deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
    ");"
    "CREATE UNIQUE INDEX customers_number ON customers (org_id, customer_number)"
    "  WHERE deleted = 0;"

    /* Users: employees of the operator (customer_id NULL) and customer-login users (the
     * same record with customer_id set and a customer role). Emails are stored lowercase
     * and are unique per organization among live rows, so a deleted user's address can be
     * invited again. */
    "CREATE TABLE employees ("
    "  id            TEXT PRIMARY KEY,"
    "  org_id        TEXT NOT NULL REFERENCES organizations (id),"
    "  customer_id   TEXT REFERENCES customers (id),"
    "  email         TEXT NOT NULL CHECK (email = lower(email) AND email <> ''),"
    "  first_name    TEXT NOT NULL DEFAULT '',"
    "  last_name     TEXT NOT NULL DEFAULT '',"
    "  role          TEXT NOT NULL CHECK ("
    "                  (customer_id IS NULL AND role IN ('admin', 'department_admin',"
    "                     'content_creator', 'moderator', 'member')) OR"
    "                  (customer_id IS NOT NULL AND role IN ('admin', 'moderator', 'member'))),"
    "  language      TEXT NOT NULL DEFAULT '',"
    "  status        TEXT NOT NULL DEFAULT 'invited'"
    "                  CHECK (status IN ('invited', 'active', 'disabled')),"
    "  password_hash TEXT,"
    "  version       INTEGER NOT NULL DEFAULT 1,"
    "  created_at    TEXT NOT NULL,"
    "  updated_at    TEXT NOT NULL,"
    "  deleted       INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
    ");"
    "CREATE UNIQUE INDEX employees_email ON employees (org_id, email) WHERE deleted = 0;"
    "CREATE INDEX employees_login ON employees (email);"
    "CREATE INDEX employees_customer ON employees (customer_id);"

    /* Only the SHA-256 of a session token is stored; the token itself exists only in the
     * login response and on the client. */
    "CREATE TABLE sessions ("
    "  id           TEXT PRIMARY KEY,"
    "  org_id       TEXT NOT NULL REFERENCES organizations (id),"
    "  user_id      TEXT NOT NULL REFERENCES employees (id),"
    "  token_hash   TEXT NOT NULL UNIQUE,"
    "  issued_by    TEXT NOT NULL DEFAULT 'password' CHECK (issued_by IN ('password', 'transfer')),"
    "  user_agent   TEXT NOT NULL DEFAULT '',"
    "  device_label TEXT NOT NULL DEFAULT '',"
    "  created_at   TEXT NOT NULL,"
    "  last_seen_at TEXT NOT NULL,"
    "  expires_at   TEXT NOT NULL,"
    "  revoked_at   TEXT,"
    "  version      INTEGER NOT NULL DEFAULT 1,"
    "  updated_at   TEXT NOT NULL,"
    "  deleted      INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"
    ");"
    "CREATE INDEX sessions_user ON sessions (user_id);" },

  /* The domain, one migration per area, each in the file of its area (td-schema-*.c). */
  { 2, "change feed, idempotency keys, isolation",                 td_schema_engine_sql },
  { 3, "departments, teams, customers, invitations, labels",       td_schema_organization_sql },
  { 4, "templates, devices, codes",                                td_schema_assets_sql },
  { 5, "tickets, video sessions, tasks, notifications, feedback",  td_schema_cases_sql },
  { 6, "accounts: transfer tokens, login throttling, preferences", td_schema_accounts_sql },
  { 7, "feedback",                                                 td_schema_insights_sql },
  { 8, "change feed: scope snapshots, retention",                  td_schema_sync_sql },
  { 9, "notifications",                                            td_schema_notify_sql },
  { 10, "mail outbox, invitation tokens",                          td_schema_mail_sql },
  { 11, "organization lifecycle: disabled companies, independence", td_schema_lifecycle_sql },
};

guint
td_migrations_get_latest (void)
{
  return migrations[G_N_ELEMENTS (migrations) - 1].version;
}

static gboolean
ensure_table (TdDb    *db,
              GError **error)
{
  return td_db_exec (db,
                     "CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "  version    INTEGER PRIMARY KEY,"
                     "  name       TEXT NOT NULL,"
                     "  applied_at TEXT NOT NULL"
                     ")",
                     error);
}

static gboolean
read_version (TdDb    *db,
              guint   *out_version,
              GError **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT coalesce(max(version), 0) FROM schema_migrations",
                                            error);

  if (stmt == NULL || td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return FALSE;

  *out_version = (guint) td_db_stmt_get_int64 (stmt, 0);
  return TRUE;
}

/* The schema version of @db, 0 for an empty database. */
gboolean
td_migrations_get_version (TdDb    *db,
                           guint   *out_version,
                           GError **error)
{
  return ensure_table (db, error) && read_version (db, out_version, error);
}

/* Brings @db to the latest schema. Every step runs in the one write transaction that also
 * reads the current version, so two servers starting on the same file apply each
 * migration exactly once, and a failing step leaves the database as it was. */
gboolean
td_migrations_apply (TdDb    *db,
                     GError **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autofree char *now = td_time_now ();
  guint current = 0;

  if (!ensure_table (db, error))
    return FALSE;

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL || !read_version (db, &current, error))
    return FALSE;

  if (current > td_migrations_get_latest ())
    {
      g_set_error (error, TD_STORE_ERROR, TD_STORE_ERROR_SCHEMA,
                   "The database has schema version %u; this server knows up to %u",
                   current, td_migrations_get_latest ());
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      const TdMigration *migration = &migrations[i];
      g_autoptr(TdDbStmt) record = NULL;

      if (migration->version <= current)
        continue;

      g_message ("Applying schema migration %u: %s", migration->version, migration->name);
      if (!td_db_exec (db, migration->sql, error))
        {
          g_prefix_error (error, "Migration %u: ", migration->version);
          return FALSE;
        }

      record = td_db_prepare (db, "INSERT INTO schema_migrations (version, name, applied_at) "
                                  "VALUES (?, ?, ?)", error);
      if (record == NULL)
        return FALSE;
      td_db_stmt_bind_int64 (record, 1, migration->version);
      td_db_stmt_bind_text (record, 2, migration->name);
      td_db_stmt_bind_text (record, 3, now);
      if (!td_db_stmt_run (record, error))
        return FALSE;
    }

  return td_db_transaction_commit (transaction, error);
}
