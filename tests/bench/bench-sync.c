/* bench-sync.c: initial sync of a large tenant, end to end (prints numbers, never fails)
 *
 *   TD_BENCH_SYNC_TICKETS=100000 meson test -C _build --benchmark bench-sync
 *
 * Starts twindesk-server with the demo plus TD_BENCH_SYNC_TICKETS bulk tickets (default
 * 100,000), signs in as the administrator and runs the client's sync engine (TdSync) into
 * an empty cache: HTTP, the server's feed, parsing, the cache's bulk load and its indexes.
 * Prints the time, the changes per second, the client's peak RSS and where the time went:
 *
 *  - from outside: until the first page is in the cache, the pages, and the end (indexes
 *    and full-text search built once); the main thread's idle time (in poll); the CPU time
 *    of the client and of the server; the load average before and after;
 *  - from inside: TdSync's own account of the full sync (applying, waiting for pages,
 *    indexes; the server's answers and the parsing on the worker alongside).
 *
 * TD_BENCH_SYNC_URL=http://127.0.0.1:PORT uses a server that is already running (started
 * by hand with --seed bulk:N) instead, to repeat runs without seeding each time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>
#include <sys/resource.h>

#include "td-api-client.h"
#include "td-cache.h"
#include "td-json.h"
#include "td-sync.h"
#include "td-test-server.h"

typedef struct
{
  gboolean  finished;
  gint64    started;
  gint64    first_page;     /* the first page's transaction committed */
  gint64    last_page;      /* the last one's */
  gint64    polling;        /* the main thread waiting in poll() */
  char     *summary;        /* TdSync's account */
} Run;

static Run run;

static GPollFunc default_poll;

static gint
timed_poll (GPollFD *fds,
            guint    nfds,
            gint     timeout)
{
  gint64 started = g_get_monotonic_time ();
  gint result = default_poll (fds, nfds, timeout);

  run.polling += g_get_monotonic_time () - started;
  return result;
}

static void
finished_cb (TdSync   *sync,
             gpointer  user_data)
{
  run.finished = TRUE;
}

/* One emission per page with the ids it wrote; the end of the bulk load emits NULL. */
static void
changed_cb (TdCache     *cache,
            const char  *type,
            const char **ids,
            gpointer     user_data)
{
  if (ids == NULL)
    return;
  run.last_page = g_get_monotonic_time ();
  if (run.first_page == 0)
    run.first_page = run.last_page;
}

static void
sync_log_cb (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        user_data)
{
  if (g_str_has_prefix (message, "Full sync"))
    {
      g_free (run.summary);
      run.summary = g_strdup (message);
    }
  else if ((level & G_LOG_LEVEL_DEBUG) == 0)
    g_log_default_handler (domain, level, message, user_data);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* utime + stime of another process, from /proc (0 when unknown) */
static double
process_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (pid <= 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  /* The name in parentheses may contain spaces: fields count from after it. */
  after_name = strrchr (contents, ')');
  if (after_name == NULL)
    return 0;
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

static char *
load_average (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return g_strdup ("?");
  fields = g_strsplit (contents, " ", 4);
  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("TD_BENCH_SYNC_TICKETS");
  const char *given_url = g_getenv ("TD_BENCH_SYNC_URL");
  guint64 tickets = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 100000;
  g_autofree char *seed = g_strdup_printf ("bulk:%" G_GUINT64_FORMAT, tickets);
  g_autofree char *data_home = g_dir_make_tmp ("td-bench-sync-XXXXXX", NULL);
  g_autoptr(SoupSession) http = soup_session_new ();
  g_autoptr(GTimer) timer = g_timer_new ();
  TdTestServer *server = NULL;
  const char *url;
  GPid server_pid = 0;
  g_autoptr(TdApiClient) client = NULL;
  g_autoptr(TdCache) cache = NULL;
  g_autoptr(TdSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  g_autofree char *server_cpu = NULL;
  struct rusage usage;
  double seconds;
  double cpu_before;
  double server_cpu_before;
  guint cached;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  if (given_url != NULL)
    {
      url = given_url;
      g_print ("using the server at %s\n", url);
    }
  else
    {
      server = td_test_server_start (seed);
      url = td_test_server_get_url (server);
      server_pid = td_test_server_get_pid (server);
      g_print ("server with the demo + %" G_GUINT64_FORMAT " tickets ready in %.1f s\n",
               tickets, g_timer_elapsed (timer, NULL));
    }

  {
    g_autofree char *login = g_strconcat (url, "/api/v1/auth/login", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", login);
    const char *body = "{\"email\":\"admin@acme.test\",\"password\":\"twindesk-demo\"}";
    g_autoptr(GBytes) request = g_bytes_new_static (body, strlen (body));
    g_autoptr(GBytes) reply = NULL;
    g_autoptr(JsonNode) node = NULL;

    soup_message_set_request_body_from_bytes (msg, "application/json", request);
    reply = soup_session_send_and_read (http, msg, NULL, &error);
    g_assert_no_error (error);
    node = td_json_parse (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL);
    token = g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
    user_id = g_strdup (json_object_get_string_member (
                          json_object_get_object_member (json_node_get_object (node), "user"), "id"));
  }

  client = td_api_client_new (url);
  td_api_client_set_token (client, token);
  cache = td_cache_open (url, user_id, &error);
  g_assert_no_error (error);
  sync = td_sync_new (client, cache);
  g_signal_connect (sync, "run-finished", G_CALLBACK (finished_cb), NULL);
  g_signal_connect (cache, "changed::ticket", G_CALLBACK (changed_cb), NULL);
  g_log_set_handler ("td-sync", G_LOG_LEVEL_MASK, sync_log_cb, NULL);
  default_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);

  load_before = load_average ();
  cpu_before = cpu_seconds ();
  server_cpu_before = process_cpu_seconds (server_pid);
  run.started = g_get_monotonic_time ();
  g_timer_start (timer);
  td_sync_start (sync);
  while (!run.finished)
    g_main_context_iteration (NULL, TRUE);
  seconds = g_timer_elapsed (timer, NULL);
  getrusage (RUSAGE_SELF, &usage);
  cached = td_cache_count_objects (cache, "ticket");
  load_after = load_average ();

  g_print ("initial sync: %u tickets (cursor %" G_GINT64_FORMAT ") in %.2f s, %.0f changes/s, "
           "state %d, client peak RSS %.1f MB\n", cached, td_cache_get_cursor (cache), seconds,
           td_sync_get_progress_done (sync) > 0 ? cached / seconds : 0.0,
           td_sync_get_state (sync), usage.ru_maxrss / 1024.0);
  g_print ("  first page in the cache after %.2f s, pages until %.2f s, then indexes and "
           "search %.2f s\n",
           (run.first_page - run.started) / 1e6, (run.last_page - run.started) / 1e6,
           seconds - (run.last_page - run.started) / 1e6);
  server_cpu = server_pid > 0 ? g_strdup_printf ("%.2f s", process_cpu_seconds (server_pid) -
                                                              server_cpu_before)
                               : g_strdup ("not measured");
  g_print ("  main thread idle in poll %.2f s; CPU: client %.2f s, server %s; "
           "load average %s before, %s after\n",
           run.polling / 1e6, cpu_seconds () - cpu_before, server_cpu, load_before, load_after);
  g_print ("  %s\n", run.summary != NULL ? run.summary : "(TdSync logged no summary)");

  g_main_context_set_poll_func (NULL, default_poll);
  td_sync_stop (sync);
  g_assert_true (td_cache_wipe (cache, NULL));
  g_clear_pointer (&server, td_test_server_free);
  td_test_remove_tree (data_home);
  g_free (run.summary);
  return 0;
}
