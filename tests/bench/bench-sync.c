/* bench-sync.c: initial sync of a large tenant, end to end (prints numbers, never fails)
 *
 *   TD_BENCH_SYNC_TICKETS=100000 meson test -C _build --benchmark bench-sync
 *
 * Starts twindesk-server with the demo plus TD_BENCH_SYNC_TICKETS bulk tickets (default
 * 100,000), signs in as the administrator and runs the client's sync engine (TdSync) into
 * an empty cache: HTTP, the server's feed, parsing, the cache's bulk load and its indexes.
 * Prints the time, the changes per second and the client's peak RSS.
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

static void
finished_cb (TdSync   *sync,
             gpointer  user_data)
{
  *(gboolean *) user_data = TRUE;
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("TD_BENCH_SYNC_TICKETS");
  guint64 tickets = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 100000;
  g_autofree char *seed = g_strdup_printf ("bulk:%" G_GUINT64_FORMAT, tickets);
  g_autofree char *data_home = g_dir_make_tmp ("td-bench-sync-XXXXXX", NULL);
  g_autoptr(SoupSession) http = soup_session_new ();
  g_autoptr(GTimer) timer = g_timer_new ();
  TdTestServer *server;
  g_autoptr(TdApiClient) client = NULL;
  g_autoptr(TdCache) cache = NULL;
  g_autoptr(TdSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *user_id = NULL;
  gboolean finished = FALSE;
  struct rusage usage;
  double seconds;
  guint cached;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  server = td_test_server_start (seed);
  g_print ("server with the demo + %" G_GUINT64_FORMAT " tickets ready in %.1f s\n", tickets,
           g_timer_elapsed (timer, NULL));

  {
    g_autofree char *url = g_strconcat (td_test_server_get_url (server), "/api/v1/auth/login", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
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

  client = td_api_client_new (td_test_server_get_url (server));
  td_api_client_set_token (client, token);
  cache = td_cache_open (td_test_server_get_url (server), user_id, &error);
  g_assert_no_error (error);
  sync = td_sync_new (client, cache);
  g_signal_connect (sync, "run-finished", G_CALLBACK (finished_cb), &finished);

  g_timer_start (timer);
  td_sync_start (sync);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  seconds = g_timer_elapsed (timer, NULL);
  getrusage (RUSAGE_SELF, &usage);
  cached = td_cache_count_objects (cache, "ticket");

  g_print ("initial sync: %u tickets (cursor %" G_GINT64_FORMAT ") in %.2f s, %.0f changes/s, "
           "state %d, client peak RSS %.1f MB\n", cached, td_cache_get_cursor (cache), seconds,
           td_sync_get_progress_done (sync) > 0 ? cached / seconds : 0.0,
           td_sync_get_state (sync), usage.ru_maxrss / 1024.0);

  td_sync_stop (sync);
  g_assert_true (td_cache_wipe (cache, NULL));
  td_test_server_free (server);
  return 0;
}
