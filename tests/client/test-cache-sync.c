/* test-cache-sync.c: the cache fed by the real server's change feed (GET /api/v1/changes)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "td-cache.h"
#include "td-cache-item.h"
#include "td-list-model.h"
#include "td-test-server.h"

static TdTestServer *server;
static SoupSession *session;


static JsonNode *
call (const char  *method,
      const char  *path,
      const char  *token,
      const char  *if_match,
      const char  *body,
      guint       *status)
{
  g_autofree char *url = g_strconcat (td_test_server_get_url (server), path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", bearer);
    }
  if (if_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "If-Match", if_match);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (message);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  return json_from_string (text, NULL);
}

static char *
login (const char  *email,
       char       **user_id)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                           TD_DEMO_PASSWORD);
  guint status;
  g_autoptr(JsonNode) node = call ("POST", "/api/v1/auth/login", NULL, NULL, body, &status);
  JsonObject *root;

  g_assert_cmpuint (status, ==, 200);
  root = json_node_get_object (node);
  *user_id = g_strdup (json_object_get_string_member (json_object_get_object_member (root, "user"),
                                                     "id"));
  return g_strdup (json_object_get_string_member (root, "token"));
}

/* Reads the feed to its end, a page at a time, the way the sync engine will. */
static guint
pull (TdCache    *cache,
      const char *token)
{
  guint pages = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                               "&limit=50", td_cache_get_cursor (cache));
      guint status;
      g_autoptr(JsonNode) node = call ("GET", path, token, NULL, NULL, &status);
      g_autoptr(GError) error = NULL;
      JsonObject *root;

      g_assert_cmpuint (status, ==, 200);
      root = json_node_get_object (node);
      g_assert_true (td_cache_apply_changes (cache, json_object_get_array_member (root, "changes"),
                                             json_object_get_int_member (root, "next_since"),
                                             &error));
      g_assert_no_error (error);
      more = json_object_get_boolean_member (root, "has_more");
      pages++;
    }
  return pages;
}

static guint
server_count (const char *collection,
              const char *token)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/%s?limit=500", collection);
  guint status;
  g_autoptr(JsonNode) node = call ("GET", path, token, NULL, NULL, &status);
  JsonObject *root;

  g_assert_cmpuint (status, ==, 200);
  root = json_node_get_object (node);
  /* one page holds them all in the demo data */
  g_assert_true (json_object_get_member (root, "next_cursor") == NULL ||
                 JSON_NODE_HOLDS_NULL (json_object_get_member (root, "next_cursor")));
  return json_array_get_length (json_object_get_array_member (root, "items"));
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_initial_and_incremental_sync (void)
{
  g_autofree char *admin_id = NULL;
  g_autofree char *admin = login ("admin@acme.test", &admin_id);
  g_autofree char *customer_id = NULL;
  g_autofree char *customer = login ("member@globex.test", &customer_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdCache) cache = td_cache_open (td_test_server_get_url (server), admin_id, &error);
  g_autoptr(TdCache) other = NULL;
  g_autoptr(TdListModel) tickets = NULL;
  g_autoptr(TdCacheItem) first = NULL;
  g_auto(GStrv) words = NULL;
  guint changed = 0;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (td_cache_get_path (cache), g_getenv ("XDG_DATA_HOME")));
  g_assert_true (td_cache_begin_bulk (cache, &error));
  g_assert_cmpuint (pull (cache, admin), >, 1);
  g_assert_true (td_cache_end_bulk (cache, &error));
  g_assert_cmpint (td_cache_get_cursor (cache), >, 0);

  /* The cache holds what the lists show. */
  g_assert_cmpuint (td_cache_count_objects (cache, "ticket"), ==, server_count ("tickets", admin));
  g_assert_cmpuint (td_cache_count_objects (cache, "device"), ==, server_count ("devices", admin));
  g_assert_cmpuint (td_cache_count_objects (cache, "employee"), ==,
                    server_count ("employees", admin));
  g_assert_cmpuint (td_cache_count_objects (cache, "ticket"), >, 0);

  tickets = td_list_model_new (cache, "ticket");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tickets)), ==,
                    td_cache_count_objects (cache, "ticket"));
  first = g_list_model_get_item (G_LIST_MODEL (tickets), 0);
  words = g_strsplit (td_cache_item_get_title (first), " ", -1);
  td_list_model_set_search (tickets, words[0]);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tickets)), >=, 1);
  td_list_model_set_search (tickets, NULL);

  /* A change on the server arrives with the next pull, as a precise list change. */
  g_signal_connect (tickets, "items-changed", G_CALLBACK (items_changed_cb), &changed);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%s", td_cache_item_get_id (first));
    g_autofree char *version = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                                                td_cache_item_get_version (first));
    guint status;
    g_autoptr(JsonNode) node = call ("PATCH", path, admin, version,
                                     "{\"title\":\"Renamed by the sync test\"}", &status);
    g_autoptr(JsonObject) cached = NULL;

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (pull (cache, admin), ==, 1);
    cached = td_cache_get_object (cache, "ticket", td_cache_item_get_id (first), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (cached, "title"), ==,
                     "Renamed by the sync test");
    g_assert_cmpuint (changed, ==, 1);
  }

  /* Another user's cache is another file, filled from their own feed only. */
  other = td_cache_open (td_test_server_get_url (server), customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (td_cache_count_objects (other, "ticket"), ==, 0);
  pull (other, customer);
  g_assert_cmpuint (td_cache_count_objects (other, "ticket"), ==,
                    server_count ("tickets", customer));
  g_assert_cmpuint (td_cache_count_objects (other, "ticket"), <,
                    td_cache_count_objects (cache, "ticket"));
  g_assert_cmpuint (td_cache_count_objects (other, "employee"), ==,
                    server_count ("employees", customer));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int result;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: libsoup's proxy lookup needs the system's GSettings
   * schemas. Only the data directory, where caches live, is a scratch one. */
  g_test_init (&argc, &argv, NULL);
  data_home = g_dir_make_tmp ("td-cache-sync-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  server = td_test_server_start ("demo");
  td_test_server_kill_on_abort (server);
  session = soup_session_new ();

  g_test_add_func ("/client/cache-sync/initial-and-incremental", test_initial_and_incremental_sync);

  result = g_test_run ();
  g_object_unref (session);
  td_test_server_free (server);
  td_test_remove_tree (data_home);
  return result;
}
