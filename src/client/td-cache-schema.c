/* td-cache-schema.c: the tables of the client cache, one per synced type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-cache"

#include "config.h"

#include "td-cache-private.h"

#include <string.h>

#define NONE ((const char * const[]) { NULL })

/* Every table sorts on updated_at, created_at and title; the lists name what else. The
 * columns are the members lists filter and sort on; everything else stays in `json`. */
static const TdCacheEntity entities[] = {
  { "ticket", "tickets",
    (const char * const[]) { "priority", "device_id", "customer_id", "visibility", NULL },
    (const char * const[]) { "number", NULL },
    (const char * const[]) { "description", "number", NULL },
    (const char * const[]) { "number", "priority", "status", NULL }, TRUE },
  { "video_session", "video_sessions",
    (const char * const[]) { "priority", "device_id", "customer_id", NULL },
    (const char * const[]) { "number", NULL },
    (const char * const[]) { "description", "number", NULL },
    (const char * const[]) { "number", "priority", "status", NULL }, TRUE },
  { "task", "tasks",
    (const char * const[]) { "device_id", "customer_id", "due_at", NULL }, NONE,
    (const char * const[]) { "description", NULL },
    (const char * const[]) { "status", "due_at", NULL }, TRUE },
  { "task_event", "task_events",
    (const char * const[]) { "task_id", "device_id", NULL }, NONE,
    (const char * const[]) { "description", NULL }, NONE, FALSE },
  { "template", "templates", NONE, NONE,
    (const char * const[]) { "description", NULL }, NONE, FALSE },
  { "device", "devices",
    (const char * const[]) { "serial_number", "customer_id", "template_id", NULL }, NONE,
    (const char * const[]) { "serial_number", "description", NULL },
    (const char * const[]) { "serial_number", NULL }, TRUE },
  { "code", "codes", (const char * const[]) { "device_id", NULL }, NONE, NONE, NONE, FALSE },
  { "customer", "customers", NONE, NONE,
    (const char * const[]) { "customer_number", "email", NULL }, NONE, TRUE },
  { "customer_department", "customer_departments",
    (const char * const[]) { "customer_id", NULL }, NONE, NONE, NONE, FALSE },
  { "team_mapping", "team_mappings",
    (const char * const[]) { "customer_id", NULL }, NONE, NONE, NONE, FALSE },
  { "employee", "employees",
    (const char * const[]) { "email", "role", "customer_id", NULL }, NONE,
    (const char * const[]) { "email", NULL },
    (const char * const[]) { "email", "role", NULL }, FALSE },
  { "department", "departments", NONE, NONE, NONE, NONE, FALSE },
  { "team", "teams", NONE, NONE, NONE, NONE, FALSE },
  { "meta_team", "meta_teams", NONE, NONE, NONE, NONE, FALSE },
  { "invitation", "invitations", (const char * const[]) { "email", NULL }, NONE,
    (const char * const[]) { "email", NULL }, NONE, FALSE },
  { "label", "labels", NONE, NONE, NONE, NONE, FALSE },
  /* unread is 1 while the notification has neither read_at nor "read": true */
  { "notification", "notifications", NONE, (const char * const[]) { "unread", NULL },
    (const char * const[]) { "body", NULL }, NONE, FALSE },
  { "organization", "organizations", NONE, NONE, NONE, NONE, FALSE },
};

/* Everything else the feed sends (ticket messages, attachments, …) */
static const TdCacheEntity generic_entity = {
  NULL, "other_objects", NONE, NONE,
  (const char * const[]) { "description", "body", NULL }, NONE, FALSE,
};

static const char * const common_sorts[] = { "updated_at", "created_at", "title", NULL };

const TdCacheEntity *
td_cache_entity_lookup (const char *type)
{
  g_return_val_if_fail (type != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    if (strcmp (entities[i].type, type) == 0)
      return &entities[i];
  return &generic_entity;
}

gboolean
td_cache_type_is_known (const char *type)
{
  return type != NULL && td_cache_entity_lookup (type)->type != NULL;
}

gboolean
td_cache_entity_has_column (const TdCacheEntity *entity,
                            const char          *column)
{
  static const char * const common[] = {
    "id", "version", "created_at", "updated_at", "title", "status", NULL
  };

  if (g_strv_contains (common, column) ||
      g_strv_contains ((const char * const *) entity->text_columns, column) ||
      g_strv_contains ((const char * const *) entity->int_columns, column))
    return TRUE;
  return entity->labels && strcmp (column, "labels") == 0;
}

gboolean
td_cache_entity_can_sort (const TdCacheEntity *entity,
                          const char          *column)
{
  return g_strv_contains (common_sorts, column) ||
         g_strv_contains ((const char * const *) entity->sorts, column);
}

/* The tables of a type: its rows, the FTS5 index over them and the labels index. */
static void
append_entity_tables (GString             *sql,
                      const TdCacheEntity *e)
{
  const char *t = e->table;

  g_string_append_printf (sql,
                          "CREATE TABLE %s (\n"
                          "  rid INTEGER PRIMARY KEY,\n"
                          "%s"
                          "  id TEXT NOT NULL,\n"
                          "  version INTEGER,\n"
                          "  created_at TEXT,\n"
                          "  updated_at TEXT,\n"
                          "  title TEXT,\n"
                          "  status TEXT,\n"
                          "  body TEXT,\n"
                          "  json TEXT NOT NULL",
                          t, e->type == NULL ? "  type TEXT NOT NULL,\n" : "");
  for (guint i = 0; e->text_columns[i] != NULL; i++)
    g_string_append_printf (sql, ",\n  %s TEXT", e->text_columns[i]);
  for (guint i = 0; e->int_columns[i] != NULL; i++)
    g_string_append_printf (sql, ",\n  %s INTEGER", e->int_columns[i]);
  if (e->labels)
    g_string_append (sql, ",\n  labels TEXT");
  g_string_append_printf (sql, ",\n  UNIQUE (%sid)\n);\n", e->type == NULL ? "type, " : "");

  /* External content: the text lives once in the table, FTS5 keeps only its index. */
  g_string_append_printf (sql,
                          "CREATE VIRTUAL TABLE %s_fts USING fts5 (title, body, content='%s',"
                          " content_rowid='rid', tokenize='unicode61 remove_diacritics 2');\n",
                          t, t);
  if (e->labels)
    g_string_append_printf (sql,
                            "CREATE TABLE %s_labels (label TEXT NOT NULL, rid INTEGER NOT NULL,\n"
                            "  PRIMARY KEY (label, rid)) WITHOUT ROWID;\n", t);
}

/* What keeps lists fast and search current: sort indexes and the triggers that maintain
 * FTS and labels. Bulk loading drops these and rebuilds them once at the end. */
static void
append_entity_derived (GString             *sql,
                       const TdCacheEntity *e)
{
  const char *t = e->table;

  /* Sort indexes end in rid implicitly, which is the tie-break lists use. A generic table is
   * always filtered by type first. */
  for (guint i = 0; common_sorts[i] != NULL; i++)
    g_string_append_printf (sql, "CREATE INDEX IF NOT EXISTS %s_by_%s ON %s (%s%s);\n",
                            t, common_sorts[i], t, e->type == NULL ? "type, " : "",
                            common_sorts[i]);
  for (guint i = 0; e->sorts[i] != NULL; i++)
    g_string_append_printf (sql, "CREATE INDEX IF NOT EXISTS %s_by_%s ON %s (%s);\n",
                            t, e->sorts[i], t, e->sorts[i]);
  /* The filter every list of a type with a status has: status, newest first. */
  if (e->type != NULL)
    g_string_append_printf (sql, "CREATE INDEX IF NOT EXISTS %s_by_status_updated"
                            " ON %s (status, updated_at);\n", t, t);
  if (g_strv_contains ((const char * const *) e->int_columns, "unread"))
    g_string_append_printf (sql, "CREATE INDEX IF NOT EXISTS %s_by_unread ON %s (unread);\n",
                            t, t);

  g_string_append_printf (sql,
                          "CREATE TRIGGER IF NOT EXISTS %s_fts_ai AFTER INSERT ON %s BEGIN\n"
                          "  INSERT INTO %s_fts (rowid, title, body) VALUES (new.rid, new.title, new.body);\n"
                          "END;\n"
                          "CREATE TRIGGER IF NOT EXISTS %s_fts_ad AFTER DELETE ON %s BEGIN\n"
                          "  INSERT INTO %s_fts (%s_fts, rowid, title, body)\n"
                          "    VALUES ('delete', old.rid, old.title, old.body);\n"
                          "END;\n"
                          "CREATE TRIGGER IF NOT EXISTS %s_fts_au AFTER UPDATE OF title, body ON %s\n"
                          "  WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN\n"
                          "  INSERT INTO %s_fts (%s_fts, rowid, title, body)\n"
                          "    VALUES ('delete', old.rid, old.title, old.body);\n"
                          "  INSERT INTO %s_fts (rowid, title, body) VALUES (new.rid, new.title, new.body);\n"
                          "END;\n",
                          t, t, t, t, t, t, t, t, t, t, t, t);

  if (e->labels)
    g_string_append_printf (sql,
                            "CREATE INDEX IF NOT EXISTS %s_labels_by_rid ON %s_labels (rid);\n"
                            "CREATE TRIGGER IF NOT EXISTS %s_labels_ai AFTER INSERT ON %s BEGIN\n"
                            "  INSERT OR IGNORE INTO %s_labels (label, rid)\n"
                            "    SELECT value, new.rid FROM json_each (new.labels) WHERE type = 'text';\n"
                            "END;\n"
                            "CREATE TRIGGER IF NOT EXISTS %s_labels_ad AFTER DELETE ON %s BEGIN\n"
                            "  DELETE FROM %s_labels WHERE rid = old.rid;\n"
                            "END;\n"
                            "CREATE TRIGGER IF NOT EXISTS %s_labels_au AFTER UPDATE OF labels ON %s\n"
                            "  WHEN old.labels IS NOT new.labels BEGIN\n"
                            "  DELETE FROM %s_labels WHERE rid = old.rid;\n"
                            "  INSERT OR IGNORE INTO %s_labels (label, rid)\n"
                            "    SELECT value, new.rid FROM json_each (new.labels) WHERE type = 'text';\n"
                            "END;\n",
                            t, t, t, t, t, t, t, t, t, t, t, t);
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          const char  *what,
          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_FAILED, "%s: %s", what, message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

gboolean
td_cache_schema_create_derived (sqlite3  *db,
                                GError  **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    append_entity_derived (sql, &entities[i]);
  append_entity_derived (sql, &generic_entity);
  return exec_sql (db, sql->str, "Cannot create the cache indexes", error);
}

gboolean
td_cache_schema_drop_derived (sqlite3  *db,
                              GError  **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  /* Everything with SQL of its own: not the UNIQUE (id) index upserts need. */
  if (sqlite3_prepare_v2 (db, "SELECT type, name FROM sqlite_master WHERE type IN"
                              " ('index', 'trigger') AND sql IS NOT NULL AND tbl_name != 'outbox'",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_FAILED,
                   "Cannot list the cache indexes: %s", sqlite3_errmsg (db));
      return FALSE;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (sql, "DROP %s IF EXISTS \"%s\";\n",
                            strcmp ((const char *) sqlite3_column_text (stmt, 0), "index") == 0
                            ? "INDEX" : "TRIGGER",
                            (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  return exec_sql (db, sql->str, "Cannot drop the cache indexes", error);
}

/* After a bulk load: the full-text and labels indexes from the rows as they are. */
gboolean
td_cache_schema_rebuild_search (sqlite3  *db,
                                GError  **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  for (gsize i = 0; i <= G_N_ELEMENTS (entities); i++)
    {
      const TdCacheEntity *e = i < G_N_ELEMENTS (entities) ? &entities[i] : &generic_entity;

      g_string_append_printf (sql, "INSERT INTO %s_fts (%s_fts) VALUES ('rebuild');\n",
                              e->table, e->table);
      if (e->labels)
        g_string_append_printf (sql,
                                "DELETE FROM %s_labels;\n"
                                "INSERT OR IGNORE INTO %s_labels (label, rid)\n"
                                "  SELECT j.value, t.rid FROM %s t, json_each (t.labels) j\n"
                                "  WHERE t.labels IS NOT NULL AND j.type = 'text';\n",
                                e->table, e->table, e->table);
    }
  return exec_sql (db, sql->str, "Cannot rebuild the search index", error);
}

gboolean
td_cache_schema_create (sqlite3  *db,
                        GError  **error)
{
  g_autoptr(GString) sql = g_string_new ("BEGIN;\n");

  g_string_append (sql,
                   "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;\n"
                   /* One row per local change not yet accepted by the server; see td-outbox.h. */
                   "CREATE TABLE outbox (\n"
                   "  id INTEGER PRIMARY KEY,\n"
                   "  type TEXT NOT NULL,\n"
                   "  object_id TEXT NOT NULL,\n"
                   "  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),\n"
                   "  base_version INTEGER,\n"
                   "  base_object TEXT,\n"
                   "  changes TEXT NOT NULL DEFAULT '{}',\n"
                   "  idempotency_key TEXT NOT NULL UNIQUE,\n"
                   "  state TEXT NOT NULL DEFAULT 'pending'\n"
                   "    CHECK (state IN ('pending', 'failed', 'conflict')),\n"
                   "  error_message TEXT,\n"
                   "  theirs TEXT,\n"
                   "  conflicts TEXT,\n"
                   "  attempts INTEGER NOT NULL DEFAULT 0,\n"
                   "  created_at INTEGER NOT NULL\n"
                   ");\n"
                   "CREATE INDEX outbox_by_object ON outbox (type, object_id, id);\n"
                   "CREATE INDEX outbox_by_state ON outbox (state, id);\n");
  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    append_entity_tables (sql, &entities[i]);
  append_entity_tables (sql, &generic_entity);
  g_string_append_printf (sql, "PRAGMA user_version = %d;\n", TD_CACHE_SCHEMA_VERSION);

  if (!exec_sql (db, sql->str, "Cannot create the cache schema", error) ||
      !td_cache_schema_create_derived (db, error) ||
      !exec_sql (db, "COMMIT", "Cannot create the cache schema", error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

void
td_cache_schema_foreach_entity (void     (*func) (const TdCacheEntity *, gpointer),
                                gpointer   user_data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    func (&entities[i], user_data);
  func (&generic_entity, user_data);
}
