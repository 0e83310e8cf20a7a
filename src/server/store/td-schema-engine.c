/* td-schema-engine.c: the tables of the engine area (see td-schema.h)
 *
 * The change feed, the idempotency keys of create requests, and the two columns the scope
 * predicate reads on tables of migration 1: the organization's isolation mode and the
 * departments of an employee. Collections create their own tables in their areas.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_engine_sql[] =
  /* One row per write, numbered in the write's own transaction: AUTOINCREMENT never reuses
   * a number, so a client that has seen seq n has seen every change before it once the
   * writes that took smaller numbers have committed (SQLite serializes writers). */
  "CREATE TABLE changes ("
  "  seq        INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  org_id     TEXT NOT NULL REFERENCES organizations (id),"
  "  type       TEXT NOT NULL,"
  "  object_id  TEXT NOT NULL,"
  "  op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),"
  "  changed_at TEXT NOT NULL"
  ");"
  "CREATE INDEX changes_org_seq ON changes (org_id, seq);"

  /* Only hashes of the client's key and body are kept; the response is replayed as sent. */
  "CREATE TABLE idempotency_keys ("
  "  user_id       TEXT NOT NULL REFERENCES employees (id),"
  "  key_hash      TEXT NOT NULL,"
  "  method        TEXT NOT NULL,"
  "  path          TEXT NOT NULL,"
  "  request_hash  TEXT NOT NULL,"
  "  status        INTEGER NOT NULL,"
  "  response_body TEXT NOT NULL,"
  "  created_at    TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, key_hash)"
  ");"

  "ALTER TABLE organizations ADD COLUMN isolation TEXT NOT NULL DEFAULT 'off'"
  "  CHECK (isolation IN ('off', 'basic', 'strict'));"
  "ALTER TABLE employees ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';";
