/* test-crash.c: acknowledged writes survive kill -9
 *
 * Four threads stream creates (POST /api/v1/labels) at the real server as fast as it
 * answers, and remember every id that came back with 201. The server is then killed with
 * SIGKILL in the middle of the stream and restarted on the same database. With WAL and
 * synchronous=FULL, a write the server acknowledged is durable: the database file must pass
 * PRAGMA integrity_check, every acknowledged label must be there (not deleted), and each must
 * have its row in the change feed. Requests in flight at the kill fail with a transport
 * error; they were never acknowledged and are not checked. Three kill cycles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/types.h>

#include "td-server-test-util.h"
#include "td-test-server.h"

#define N_THREADS      4
#define N_CYCLES       3
#define STREAM_USEC    (G_USEC_PER_SEC * 3 / 2)

static TdTestServer *server;
static char *token;

typedef struct
{
  guint        cycle;
  guint        index;
  gint        *stop;
  GMutex      *lock;
  GPtrArray   *acknowledged;   /* char *id, shared */
  guint        sent;
  guint        failed;         /* transport errors and non-201 answers */
} Writer;

/* One create; returns the id when the server answered 201, NULL otherwise. */
static char *
create_label (SoupSession *session,
              const char  *url,
              const char  *bearer,
              const char  *title)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *body = g_strdup_printf ("{\"titles\":{\"en\":\"%s\"}}", title);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  if (error != NULL || soup_message_get_status (msg) != 201)
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    g_error ("201 without an object: %.*s", (int) g_bytes_get_size (bytes),
             (const char *) g_bytes_get_data (bytes, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "id"));
}

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  /* A session per thread: a SoupSession is used from one thread only. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *url = g_strconcat (td_test_server_get_url (server), "/api/v1/labels", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

  while (!g_atomic_int_get (writer->stop))
    {
      g_autofree char *title = g_strdup_printf ("crash %u.%u.%u", writer->cycle, writer->index,
                                                writer->sent);
      g_autofree char *id = create_label (session, url, bearer, title);

      writer->sent++;
      if (id == NULL)
        {
          writer->failed++;
          continue;
        }
      g_mutex_lock (writer->lock);
      g_ptr_array_add (writer->acknowledged, g_steal_pointer (&id));
      g_mutex_unlock (writer->lock);
    }
  return NULL;
}

static char *
query_text (sqlite3    *db,
            const char *sql,
            const char *param)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* The database after the crash holds every acknowledged write. */
static void
check_database (GPtrArray *acknowledged)
{
  g_autofree char *path = g_build_filename (td_test_server_get_dir (server), "twindesk.db", NULL);
  g_autofree char *integrity = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);

  integrity = query_text (db, "PRAGMA integrity_check", NULL);
  g_assert_cmpstr (integrity, ==, "ok");

  for (guint i = 0; i < acknowledged->len; i++)
    {
      const char *id = g_ptr_array_index (acknowledged, i);
      g_autofree char *deleted = query_text (db, "SELECT deleted FROM labels WHERE id = ?", id);
      g_autofree char *changes = query_text (db, "SELECT count(*) FROM changes "
                                                 "WHERE type = 'label' AND object_id = ? "
                                                 "AND op = 'upsert'", id);

      if (deleted == NULL)
        g_error ("acknowledged label %s is lost after kill -9", id);
      g_assert_cmpstr (deleted, ==, "0");
      if (g_strcmp0 (changes, "0") == 0)
        g_error ("acknowledged label %s has no change row after kill -9", id);
    }
  sqlite3_close (db);
}

static void
test_kill_during_writes (void)
{
  g_autoptr(SoupSession) session = td_test_session_new ();
  guint total = 0;

  token = td_test_login (session, td_test_server_get_url (server), "admin@acme.test",
                         TD_DEMO_PASSWORD);

  for (guint cycle = 0; cycle < N_CYCLES; cycle++)
    {
      g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
      Writer writers[N_THREADS] = { 0 };
      GThread *threads[N_THREADS];
      gint stop = 0;
      GMutex lock;
      GPid pid;
      guint sent = 0, failed = 0;
      gint64 started = g_get_monotonic_time ();

      g_mutex_init (&lock);
      for (guint t = 0; t < N_THREADS; t++)
        {
          writers[t] = (Writer) { cycle, t, &stop, &lock, acknowledged, 0, 0 };
          threads[t] = g_thread_new ("writer", writer_thread, &writers[t]);
        }

      g_usleep (STREAM_USEC);
      pid = td_test_server_get_pid (server);
      g_assert_cmpint (pid, >, 0);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_atomic_int_set (&stop, 1);

      for (guint t = 0; t < N_THREADS; t++)
        {
          g_thread_join (threads[t]);
          sent += writers[t].sent;
          failed += writers[t].failed;
        }
      g_mutex_clear (&lock);

      td_test_server_restart (server);
      check_database (acknowledged);

      /* The restarted server answers, and the session survived the crash. */
      {
        g_autoptr(TdTestResponse) health = td_test_request (session, "GET",
                                                            td_test_server_get_url (server),
                                                            "/api/v1/health", NULL, NULL, 0);
        g_autoptr(TdTestResponse) labels = td_test_request (session, "GET",
                                                            td_test_server_get_url (server),
                                                            "/api/v1/labels?limit=1", token,
                                                            NULL, 0);

        g_assert_cmpuint (health->status, ==, 200);
        g_assert_cmpuint (labels->status, ==, 200);
      }

      g_test_message ("cycle %u: %u creates sent, %u acknowledged and all present after "
                      "kill -9, %u unacknowledged (in flight or refused), %.1f s",
                      cycle + 1, sent, acknowledged->len, failed,
                      (g_get_monotonic_time () - started) / 1e6);
      g_assert_cmpuint (acknowledged->len, >, 0);
      total += acknowledged->len;
    }

  g_test_message ("%u acknowledged writes over %u kill cycles, none lost", total, N_CYCLES);
  g_clear_pointer (&token, g_free);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = td_test_server_start ("demo");
  g_test_add_func ("/server/crash/kill-during-writes", test_kill_during_writes);
  ret = g_test_run ();
  g_clear_pointer (&server, td_test_server_free);
  return ret;
}
