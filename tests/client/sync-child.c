/* sync-child.c: a client that the sync tests kill with SIGKILL (test-sync.c)
 *
 *   sync-child SERVER_URL TOKEN USER_ID [DEVICE_ID TITLE]
 *
 * Opens the user's cache (XDG_DATA_HOME from the environment), queues the creation of a
 * ticket TITLE on DEVICE_ID when given, and syncs until a run ends up to date. The parent
 * kills it at every moment of that, and checks that what it queued lands exactly once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-api-client.h"
#include "td-cache.h"
#include "td-outbox.h"
#include "td-sync.h"

static void
run_finished_cb (TdSync   *sync,
                 gpointer  user_data)
{
  if (td_sync_get_state (sync) == TD_SYNC_IDLE)
    g_main_loop_quit (user_data);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdApiClient) client = NULL;
  g_autoptr(TdCache) cache = NULL;
  g_autoptr(TdSync) sync = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  if (argc != 4 && argc != 6)
    {
      g_printerr ("usage: sync-child SERVER_URL TOKEN USER_ID [DEVICE_ID TITLE]\n");
      return 2;
    }

  client = td_api_client_new (argv[1]);
  td_api_client_set_token (client, argv[2]);
  cache = td_cache_open (argv[1], argv[3], &error);
  if (cache == NULL)
    {
      g_printerr ("sync-child: %s\n", error->message);
      return 1;
    }

  if (argc == 6)
    {
      g_autoptr(JsonObject) ticket = json_object_new ();
      g_autofree char *id = NULL;

      json_object_set_string_member (ticket, "device_id", argv[4]);
      json_object_set_string_member (ticket, "title", argv[5]);
      id = td_outbox_enqueue_create (cache, "ticket", ticket, &error);
      if (id == NULL)
        {
          g_printerr ("sync-child: %s\n", error->message);
          return 1;
        }
    }

  sync = td_sync_new (client, cache);
  g_signal_connect (sync, "run-finished", G_CALLBACK (run_finished_cb), loop);
  td_sync_start (sync);
  g_main_loop_run (loop);
  td_sync_stop (sync);
  return 0;
}
