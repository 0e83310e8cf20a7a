/* test-http-storage.c: what the running server leaves in its SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/prctl.h>

#include "td-random.h"
#include "td-server-test-util.h"
#include "td-test-server.h"

static char *
db_path (TdTestServer *server)
{
  return g_build_filename (td_test_server_get_dir (server), "twindesk.db", NULL);
}

static sqlite3 *
open_read_only (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize needle_length = strlen (needle);
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  /* Binary content: no strstr(), and memmem() would need _GNU_SOURCE. */
  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (contents + i, needle, needle_length) == 0)
      return TRUE;

  return FALSE;
}

static void
test_tokens_stored_hashed (void)
{
  g_autoptr(TdTestServer) server = td_test_server_start ("demo");
  g_autoptr(SoupSession) session = td_test_session_new ();
  g_autofree char *token = td_test_login (session, td_test_server_get_url (server),
                                          "admin@acme.test", TD_DEMO_PASSWORD);
  g_autofree char *expected_hash = td_token_hash (token);
  g_autofree char *path = db_path (server);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  sqlite3 *db = open_read_only (path);
  sqlite3_stmt *stmt = NULL;
  gboolean found_hash = FALSE;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT * FROM sessions", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int column = 0; column < sqlite3_column_count (stmt); column++)
      {
        const char *value = (const char *) sqlite3_column_text (stmt, column);

        g_assert_null (value != NULL ? strstr (value, token) : NULL);
        if (g_strcmp0 (sqlite3_column_name (stmt, column), "token_hash") == 0 &&
            g_strcmp0 (value, expected_hash) == 0)
          found_hash = TRUE;
      }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_true (found_hash);

  /* Nor anywhere else in the files, committed or still in the write-ahead log. */
  g_assert_false (file_contains (path, token));
  g_assert_false (file_contains (wal, token));
}

/* A session survives a restart: it lives in the database, not in the process. */
static void
test_session_survives_restart (void)
{
  g_autoptr(TdTestServer) server = td_test_server_start ("demo");
  g_autoptr(SoupSession) session = td_test_session_new ();
  g_autofree char *token = td_test_login (session, td_test_server_get_url (server),
                                          "member@acme.test", TD_DEMO_PASSWORD);
  g_autoptr(TdTestResponse) me = NULL;

  td_test_server_restart (server);
  g_clear_object (&session);
  session = td_test_session_new ();

  me = td_test_request (session, "GET", td_test_server_get_url (server), "/api/v1/me", token, NULL, 0);
  g_assert_cmpuint (me->status, ==, 200);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Runs the real binary once more on @path with --seed demo until it listens, then stops it. */
static void
run_seeded (const char *path)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  /* Like the fixture: if this test aborts, the kernel ends the server too. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("TD_SERVER_BINARY"),
                                         "--db", path, "--listen", "127.0.0.1:0",
                                         "--seed", "demo", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "twindesk-server: listening on http://127.0.0.1:"));

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

/* "table=rows" for every table of the database, one per line, in name order. */
static char *
table_counts (sqlite3 *db)
{
  g_autoptr(GString) counts = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", table);

      g_string_append_printf (counts, "%s=%" G_GINT64_FORMAT "\n", table, query_int (db, sql));
    }
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&counts), FALSE);
}

static void
test_seed_idempotent (void)
{
  g_autoptr(TdTestServer) server = td_test_server_start ("demo");
  g_autofree char *path = db_path (server);
  g_autoptr(SoupSession) session = td_test_session_new ();
  g_autofree char *token = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *db;

  td_test_server_stop (server);
  db = open_read_only (path);
  before = table_counts (db);
  sqlite3_close (db);

  run_seeded (path);
  run_seeded (path);

  /* Re-seeding adds nothing anywhere: every table has exactly the rows it had. */
  db = open_read_only (path);
  after = table_counts (db);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM organizations"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM employees WHERE email LIKE '%@acme.test'"), >=, 5);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM employees WHERE email LIKE '%@globex.test' "
                                  "AND customer_id IS NOT NULL"), >=, 3);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM employees WHERE password_hash IS NOT NULL "
                                  "AND password_hash NOT LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'"), ==, 0);
  sqlite3_close (db);

  /* And it still serves the same accounts. */
  td_test_server_restart (server);
  token = td_test_login (session, td_test_server_get_url (server), "admin@globex.test", TD_DEMO_PASSWORD);
  g_assert_nonnull (token);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/storage/tokens-stored-hashed", test_tokens_stored_hashed);
  g_test_add_func ("/server/storage/session-survives-restart", test_session_survives_restart);
  g_test_add_func ("/server/storage/seed-idempotent", test_seed_idempotent);

  return g_test_run ();
}
