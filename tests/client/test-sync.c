/* test-sync.c: the sync engine against a real twindesk-server
 *
 * - initial sync of the demo data: the cache holds what the change feed gives the user,
 *   and the progress ends at its total;
 * - a change by a second client reaches the first client's cache within a second, through
 *   the event stream;
 * - an edit made while the server is down lands exactly once after it is back;
 * - an offline create lands exactly once;
 * - two clients edit different fields of one ticket: both changes are kept; the same field:
 *   a conflict with both values, resolvable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "td-api-client.h"
#include "td-cache.h"
#include "td-event-stream.h"
#include "td-json.h"
#include "td-outbox.h"
#include "td-sync.h"
#include "td-test-server.h"

#define DEMO_PASSWORD "twindesk-demo"

static TdTestServer *server;
static SoupSession *http;
static char *data_home;

/* HTTP (synchronous, for setting things up and checking the server) */

static JsonObject *
call (const char *method,
      const char *path,
      const char *token,
      const char *if_match,
      const char *body,
      guint      *out_status)
{
  g_autofree char *url = g_strconcat (td_test_server_get_url (server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (if_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", if_match);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (http, msg, NULL, &error);
  g_assert_no_error (error);
  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);
  if (g_bytes_get_size (reply) == 0)
    return NULL;
  node = td_json_parse (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_object_ref (json_node_get_object (node)) : NULL;
}

typedef struct
{
  char          *token;
  char          *user_id;
  TdApiClient   *client;
  TdCache       *cache;
  TdEventStream *events;
  TdSync        *sync;
} Client;

static void
client_free (Client *client)
{
  g_autoptr(GError) error = NULL;

  if (client->sync != NULL)
    td_sync_stop (client->sync);
  if (client->events != NULL)
    td_event_stream_stop (client->events);
  g_clear_object (&client->sync);
  g_clear_object (&client->events);
  if (client->cache != NULL && td_cache_is_open (client->cache))
    g_assert_true (td_cache_wipe (client->cache, &error));
  g_clear_object (&client->cache);
  g_clear_object (&client->client);
  g_free (client->token);
  g_free (client->user_id);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static Client *
client_new (const char *email,
            gboolean    with_events)
{
  Client *client = g_new0 (Client, 1);
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                           DEMO_PASSWORD);
  g_autoptr(JsonObject) login = call ("POST", "/api/v1/auth/login", NULL, NULL, body, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (login);
  client->token = g_strdup (json_object_get_string_member (login, "token"));
  client->user_id = g_strdup (json_object_get_string_member (
                                json_object_get_object_member (login, "user"), "id"));
  client->client = td_api_client_new (td_test_server_get_url (server));
  td_api_client_set_token (client->client, client->token);
  client->cache = td_cache_open (td_test_server_get_url (server), client->user_id, &error);
  g_assert_no_error (error);
  client->sync = td_sync_new (client->client, client->cache);
  if (with_events)
    {
      client->events = td_event_stream_new (client->client);
      td_sync_set_event_stream (client->sync, client->events);
    }
  return client;
}

static void
iterate_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

typedef struct
{
  guint    runs;
} RunCount;

static void
run_finished_cb (TdSync   *sync,
                 gpointer  user_data)
{
  ((RunCount *) user_data)->runs++;
}

static gboolean
counted (gpointer data)
{
  return ((RunCount *) data)->runs > 0;
}

/* Starts (or kicks) @client's sync and waits for the run to end in @expected. */
static void
sync_and_wait (Client      *client,
               TdSyncState  expected)
{
  RunCount count = { 0 };
  gulong id = g_signal_connect (client->sync, "run-finished", G_CALLBACK (run_finished_cb), &count);

  if (td_sync_get_state (client->sync) == TD_SYNC_STOPPED)
    td_sync_start (client->sync);
  else
    td_sync_kick (client->sync);
  iterate_until (counted, &count, 30000);
  g_signal_handler_disconnect (client->sync, id);
  g_assert_cmpuint (count.runs, >, 0);
  g_assert_cmpint (td_sync_get_state (client->sync), ==, expected);
}

/* Everything @token may see, by the feed, as "type" → count. */
static GHashTable *
feed_counts (const char *token)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 since = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                               "&limit=5000", since);
      g_autoptr(JsonObject) page = call ("GET", path, token, NULL, NULL, NULL);
      JsonArray *changes = json_object_get_array_member (page, "changes");

      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          const char *type = json_object_get_string_member (json_array_get_object_element (changes, i),
                                                            "type");

          g_hash_table_replace (counts, g_strdup (type),
                                GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, type)) + 1));
        }
      since = json_object_get_int_member (page, "next_since");
      more = json_object_get_boolean_member (page, "has_more");
    }
  return counts;
}

static void
test_initial_sync (void)
{
  g_autoptr(Client) admin = client_new ("admin@acme.test", FALSE);
  g_autoptr(GHashTable) expected = feed_counts (admin->token);
  GHashTableIter iter;
  gpointer type, count;
  gint64 started = g_get_monotonic_time ();

  sync_and_wait (admin, TD_SYNC_IDLE);
  g_test_message ("initial sync of the demo data: %.0f ms",
                  (g_get_monotonic_time () - started) / 1000.0);
  g_assert_cmpint (td_sync_get_progress_total (admin->sync), >, 0);
  g_assert_cmpint (td_sync_get_progress_done (admin->sync), ==,
                   td_sync_get_progress_total (admin->sync));
  g_assert_cmpint (td_cache_get_cursor (admin->cache), >, 0);

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &type, &count))
    {
      if (!td_cache_type_is_known (type))
        continue;
      if (td_cache_count_objects (admin->cache, type) != GPOINTER_TO_UINT (count))
        g_error ("%s: the cache holds %u, the feed gave %u", (char *) type,
                 td_cache_count_objects (admin->cache, type), GPOINTER_TO_UINT (count));
    }
  g_assert_cmpuint (td_cache_count_objects (admin->cache, "ticket"), ==, 300);
}

/* The first ticket of the cache of @client (by the server's list, which it mirrors). */
static char *
some_ticket (Client *client)
{
  g_autoptr(JsonObject) list = call ("GET", "/api/v1/tickets?limit=1&sort=number", client->token,
                                     NULL, NULL, NULL);

  return g_strdup (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (list, "items"), 0),
                     "id"));
}

typedef struct
{
  TdCache    *cache;
  const char *id;
  const char *member;
  const char *value;
} Expectation;

static gboolean
cache_holds (gpointer data)
{
  Expectation *expectation = data;
  g_autoptr(JsonObject) object = td_cache_get_object (expectation->cache, "ticket",
                                                      expectation->id, NULL);

  return object != NULL &&
         g_strcmp0 (td_json_get_string (object, expectation->member), expectation->value) == 0;
}

static gboolean
is_connected (gpointer data)
{
  return td_event_stream_get_connected (data);
}

static void
test_live_change (void)
{
  g_autoptr(Client) first = client_new ("admin@acme.test", TRUE);
  g_autoptr(Client) second = client_new ("moderator@acme.test", FALSE);
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) current = NULL;
  g_autofree char *if_match = NULL;
  g_autofree char *title = g_strdup_printf ("Live %" G_GINT64_FORMAT, g_get_real_time ());
  g_autofree char *body = g_strdup_printf ("{\"title\":\"%s\"}", title);
  Expectation expectation = { 0 };
  gint64 started;
  guint status = 0;

  sync_and_wait (first, TD_SYNC_IDLE);
  td_event_stream_start (first->events);
  iterate_until (is_connected, first->events, 10000);
  g_assert_true (td_event_stream_get_connected (first->events));

  id = some_ticket (first);
  path = g_strdup_printf ("/api/v1/tickets/%s", id);
  current = call ("GET", path, second->token, NULL, NULL, NULL);
  if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", json_object_get_int_member (current, "version"));

  started = g_get_monotonic_time ();
  g_clear_pointer (&current, json_object_unref);
  current = call ("PATCH", path, second->token, if_match, body, &status);
  g_assert_cmpuint (status, ==, 200);

  expectation.cache = first->cache;
  expectation.id = id;
  expectation.member = "title";
  expectation.value = title;
  iterate_until (cache_holds, &expectation, 5000);
  g_assert_true (cache_holds (&expectation));
  g_test_message ("another client's edit was in the cache after %.1f ms",
                  (g_get_monotonic_time () - started) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);
}

static gint64
server_version (const char *token,
                const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%s", id);
  g_autoptr(JsonObject) object = call ("GET", path, token, NULL, NULL, NULL);

  return json_object_get_int_member (object, "version");
}

static void
test_offline_edit_lands_once (void)
{
  g_autoptr(Client) client = client_new ("admin@acme.test", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) after = NULL;
  gint64 version;

  sync_and_wait (client, TD_SYNC_IDLE);
  id = some_ticket (client);
  version = server_version (client->token, id);

  td_test_server_stop (server);
  json_object_set_string_member (changes, "title", "Edited while the server was down");
  g_assert_true (td_outbox_enqueue_update (client->cache, "ticket", id, changes, &error));
  g_assert_no_error (error);
  sync_and_wait (client, TD_SYNC_OFFLINE);
  g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_PENDING), ==, 1);

  td_test_server_restart (server);
  sync_and_wait (client, TD_SYNC_IDLE);
  g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_PENDING), ==, 0);

  path = g_strdup_printf ("/api/v1/tickets/%s", id);
  after = call ("GET", path, client->token, NULL, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (after, "title"), ==,
                   "Edited while the server was down");
  /* Exactly one write. */
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==, version + 1);
}

static guint
tickets_titled (const char *token,
                const char *title)
{
  g_autofree char *escaped = g_uri_escape_string (title, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets?q=%s&limit=50", escaped);
  g_autoptr(JsonObject) list = call ("GET", path, token, NULL, NULL, NULL);
  JsonArray *items = json_object_get_array_member (list, "items");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (items); i++)
    n += g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i),
                                                   "title"), title) == 0;
  return n;
}

static void
test_offline_create_lands_once (void)
{
  g_autoptr(Client) client = client_new ("admin@acme.test", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = json_object_new ();
  g_autoptr(JsonObject) some = NULL;
  g_autofree char *title = g_strdup_printf ("Created offline %" G_GINT64_FORMAT, g_get_real_time ());
  g_autofree char *existing = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;

  sync_and_wait (client, TD_SYNC_IDLE);
  existing = some_ticket (client);
  path = g_strdup_printf ("/api/v1/tickets/%s", existing);
  some = call ("GET", path, client->token, NULL, NULL, NULL);

  td_test_server_stop (server);
  json_object_set_string_member (ticket, "title", title);
  json_object_set_string_member (ticket, "device_id", json_object_get_string_member (some, "device_id"));
  id = td_outbox_enqueue_create (client->cache, "ticket", ticket, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  sync_and_wait (client, TD_SYNC_OFFLINE);
  /* Twice unanswered: the key is the same on every attempt. */
  sync_and_wait (client, TD_SYNC_OFFLINE);

  td_test_server_restart (server);
  sync_and_wait (client, TD_SYNC_IDLE);
  g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_PENDING), ==, 0);
  g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_FAILED), ==, 0);
  g_assert_cmpuint (tickets_titled (client->token, title), ==, 1);
}

static void
test_concurrent_edits (void)
{
  g_autoptr(Client) one = client_new ("admin@acme.test", FALSE);
  g_autoptr(Client) two = client_new ("moderator@acme.test", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) title = json_object_new ();
  g_autoptr(JsonObject) priority = json_object_new ();
  g_autoptr(JsonObject) clash_one = json_object_new ();
  g_autoptr(JsonObject) clash_two = json_object_new ();
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  TdOutboxEntry *entry;

  sync_and_wait (one, TD_SYNC_IDLE);
  sync_and_wait (two, TD_SYNC_IDLE);
  id = some_ticket (one);
  path = g_strdup_printf ("/api/v1/tickets/%s", id);

  /* Different fields, both offline, then both sync: both kept. */
  json_object_set_string_member (title, "title", "Title from client one");
  json_object_set_string_member (priority, "priority", "low");
  g_assert_true (td_outbox_enqueue_update (one->cache, "ticket", id, title, &error));
  g_assert_true (td_outbox_enqueue_update (two->cache, "ticket", id, priority, &error));
  g_assert_no_error (error);
  sync_and_wait (one, TD_SYNC_IDLE);
  sync_and_wait (two, TD_SYNC_IDLE);
  after = call ("GET", path, one->token, NULL, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (after, "title"), ==, "Title from client one");
  g_assert_cmpstr (json_object_get_string_member (after, "priority"), ==, "low");
  g_assert_cmpuint (td_outbox_count (two->cache, TD_OUTBOX_STATE_CONFLICT), ==, 0);

  /* The same field: the second becomes a conflict with both values. */
  sync_and_wait (one, TD_SYNC_IDLE);
  json_object_set_string_member (clash_one, "title", "One's title");
  json_object_set_string_member (clash_two, "title", "Two's title");
  g_assert_true (td_outbox_enqueue_update (one->cache, "ticket", id, clash_one, &error));
  g_assert_true (td_outbox_enqueue_update (two->cache, "ticket", id, clash_two, &error));
  sync_and_wait (one, TD_SYNC_IDLE);
  sync_and_wait (two, TD_SYNC_IDLE);
  g_assert_cmpuint (td_outbox_count (two->cache, TD_OUTBOX_STATE_CONFLICT), ==, 1);
  conflicts = td_outbox_list (two->cache, TD_OUTBOX_STATE_CONFLICT, &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (conflicts, 0);
  g_assert_nonnull (entry->theirs);
  g_assert_cmpstr (json_object_get_string_member (entry->theirs, "title"), ==, "One's title");
  g_assert_cmpstr (json_object_get_string_member (entry->changes, "title"), ==, "Two's title");

  /* Keep mine: it is sent on the server's version and wins. */
  g_assert_true (td_outbox_resolve (two->cache, entry->id, TD_OUTBOX_KEEP_MINE, &error));
  g_assert_no_error (error);
  sync_and_wait (two, TD_SYNC_IDLE);
  g_clear_pointer (&after, json_object_unref);
  after = call ("GET", path, one->token, NULL, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (after, "title"), ==, "Two's title");
  g_assert_cmpuint (td_outbox_count (two->cache, TD_OUTBOX_STATE_CONFLICT), ==, 0);
}

/* A proxy between the client and the server that can drop the answer to the next POST after
 * the server has sent it (so after the server committed): the client sees the connection
 * die and cannot know whether its create happened. */
typedef struct
{
  GSocketListener *listener;
  guint16          port;
  guint16          server_port;
  gint             drop_next_post;   /* atomic */
  gint             dropped;          /* atomic */
  gint             stopping;         /* atomic */
  GThread         *thread;
} Proxy;

/* Reads one HTTP message (head + Content-Length body) from @stream into @out. */
static gboolean
read_message (GInputStream *stream,
              GByteArray   *out)
{
  guint8 byte;
  gsize head_end = 0;
  guint64 length = 0;

  while (head_end == 0)
    {
      if (g_input_stream_read (stream, &byte, 1, NULL, NULL) != 1)
        return FALSE;
      g_byte_array_append (out, &byte, 1);
      if (out->len >= 4 && memcmp (out->data + out->len - 4, "\r\n\r\n", 4) == 0)
        head_end = out->len;
    }
  {
    g_autofree char *head = g_ascii_strdown ((const char *) out->data, head_end);
    const char *header = strstr (head, "\r\ncontent-length:");

    if (header != NULL)
      length = g_ascii_strtoull (header + strlen ("\r\ncontent-length:"), NULL, 10);
  }
  if (length > 0)
    {
      g_autofree guint8 *body = g_malloc (length);
      gsize got = 0;

      if (!g_input_stream_read_all (stream, body, length, &got, NULL, NULL) || got != length)
        return FALSE;
      g_byte_array_append (out, body, length);
    }
  return TRUE;
}

static void
proxy_connection (Proxy             *proxy,
                  GSocketConnection *downstream)
{
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream = g_socket_client_connect_to_host (connector, "127.0.0.1",
                                                                           proxy->server_port,
                                                                           NULL, NULL);
  GInputStream *down_in = g_io_stream_get_input_stream (G_IO_STREAM (downstream));
  GOutputStream *down_out = g_io_stream_get_output_stream (G_IO_STREAM (downstream));

  if (upstream == NULL)
    return;
  for (;;)
    {
      g_autoptr(GByteArray) request = g_byte_array_new ();
      g_autoptr(GByteArray) response = g_byte_array_new ();
      gboolean post;

      if (!read_message (down_in, request))
        return;
      post = request->len > 5 && memcmp (request->data, "POST ", 5) == 0;
      if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (upstream)),
                                      request->data, request->len, NULL, NULL, NULL) ||
          !read_message (g_io_stream_get_input_stream (G_IO_STREAM (upstream)), response))
        return;
      if (post && g_atomic_int_compare_and_exchange (&proxy->drop_next_post, 1, 0))
        {
          g_atomic_int_inc (&proxy->dropped);
          return;  /* the server has answered; the client never hears it */
        }
      if (!g_output_stream_write_all (down_out, response->data, response->len, NULL, NULL, NULL))
        return;
    }
}

typedef struct
{
  Proxy             *proxy;
  GSocketConnection *connection;
} ProxyJob;

static gpointer
proxy_job_thread (gpointer data)
{
  ProxyJob *job = data;

  proxy_connection (job->proxy, job->connection);
  g_io_stream_close (G_IO_STREAM (job->connection), NULL, NULL);
  g_object_unref (job->connection);
  g_free (job);
  return NULL;
}

/* One thread per connection: libsoup keeps connections open and may open more. */
static gpointer
proxy_thread (gpointer data)
{
  Proxy *proxy = data;

  for (;;)
    {
      GSocketConnection *connection = g_socket_listener_accept (proxy->listener, NULL, NULL, NULL);
      ProxyJob *job;

      if (connection == NULL || g_atomic_int_get (&proxy->stopping))
        {
          g_clear_object (&connection);
          return NULL;
        }
      job = g_new0 (ProxyJob, 1);
      job->proxy = proxy;
      job->connection = connection;
      g_thread_unref (g_thread_new ("test-proxy-connection", proxy_job_thread, job));
    }
}

static Proxy *
proxy_start (guint16 server_port)
{
  Proxy *proxy = g_new0 (Proxy, 1);
  g_autoptr(GError) error = NULL;

  proxy->server_port = server_port;
  proxy->listener = g_socket_listener_new ();
  proxy->port = g_socket_listener_add_any_inet_port (proxy->listener, NULL, &error);
  g_assert_no_error (error);
  proxy->thread = g_thread_new ("test-proxy", proxy_thread, proxy);
  return proxy;
}

static void
proxy_free (Proxy *proxy)
{
  /* The thread waits in accept(): a last connection wakes it up to see that it must stop. */
  g_atomic_int_set (&proxy->stopping, 1);
  {
    g_autoptr(GSocketClient) poke = g_socket_client_new ();
    g_autoptr(GSocketConnection) c = g_socket_client_connect_to_host (poke, "127.0.0.1",
                                                                      proxy->port, NULL, NULL);
  }
  g_thread_join (proxy->thread);
  g_socket_listener_close (proxy->listener);
  g_object_unref (proxy->listener);
  g_free (proxy);
}

static void
test_lost_answer_replayed (void)
{
  g_autoptr(GUri) uri = g_uri_parse (td_test_server_get_url (server), G_URI_FLAGS_NONE, NULL);
  Proxy *proxy = proxy_start ((guint16) g_uri_get_port (uri));
  g_autofree char *proxied = g_strdup_printf ("http://127.0.0.1:%u", proxy->port);
  g_autoptr(Client) client = client_new ("admin@acme.test", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = json_object_new ();
  g_autoptr(JsonObject) some = NULL;
  g_autofree char *title = g_strdup_printf ("Answer lost %" G_GINT64_FORMAT, g_get_real_time ());
  g_autofree char *existing = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;

  /* The client talks to the server through the proxy only. */
  g_clear_object (&client->sync);
  g_clear_object (&client->client);
  client->client = td_api_client_new (proxied);
  td_api_client_set_token (client->client, client->token);
  client->sync = td_sync_new (client->client, client->cache);
  sync_and_wait (client, TD_SYNC_IDLE);

  existing = some_ticket (client);
  path = g_strdup_printf ("/api/v1/tickets/%s", existing);
  some = call ("GET", path, client->token, NULL, NULL, NULL);
  json_object_set_string_member (ticket, "title", title);
  json_object_set_string_member (ticket, "device_id", json_object_get_string_member (some, "device_id"));
  id = td_outbox_enqueue_create (client->cache, "ticket", ticket, &error);
  g_assert_no_error (error);

  g_atomic_int_set (&proxy->drop_next_post, 1);
  sync_and_wait (client, TD_SYNC_OFFLINE);
  g_assert_cmpint (g_atomic_int_get (&proxy->dropped), ==, 1);
  /* The server did create it… */
  g_assert_cmpuint (tickets_titled (client->token, title), ==, 1);
  g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_PENDING), ==, 1);

  /* …and the retry, with the same key, is answered from the stored response. */
  sync_and_wait (client, TD_SYNC_IDLE);
  g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_PENDING), ==, 0);
  g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_FAILED), ==, 0);
  g_assert_cmpuint (tickets_titled (client->token, title), ==, 1);
  {
    /* The cache holds the server's object (the server's number; under the server's id). */
    g_autofree char *escaped = g_uri_escape_string (title, NULL, FALSE);
    g_autofree char *query = g_strdup_printf ("/api/v1/tickets?q=%s&limit=5", escaped);
    g_autoptr(JsonObject) list = call ("GET", query, client->token, NULL, NULL, NULL);
    JsonObject *created = json_array_get_object_element (json_object_get_array_member (list, "items"), 0);
    g_autoptr(JsonObject) cached = td_cache_get_object (client->cache, "ticket",
                                                        json_object_get_string_member (created, "id"),
                                                        NULL);

    g_assert_nonnull (cached);
    g_assert_cmpint (json_object_get_int_member (cached, "number"), ==,
                     json_object_get_int_member (created, "number"));
  }

  td_sync_stop (client->sync);
  proxy_free (proxy);
}

/* kill -9 at every moment of a push: each child queues one ticket and is killed after a
 * growing delay (before, while and after its request); a last child finishes the rest.
 * Every ticket must be on the server exactly once, and the outbox empty. */
static void
test_killed_client_converges (void)
{
  g_autoptr(Client) client = client_new ("admin@acme.test", FALSE);
  g_autofree char *child = g_build_filename (g_getenv ("TD_BUILD_DIR"), "tests", "client",
                                             "sync-child", NULL);
  g_autofree char *existing = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) some = NULL;
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  /* Start-up (opening the cache) takes tens of milliseconds; the push comes after. */
  static const guint delays_ms[] = { 0, 10, 25, 40, 50, 60, 70, 80, 90, 100, 110, 125, 140,
                                     160, 180, 200, 250, 300, 400 };
  const char *device_id;

  /* The child opens the same cache: close ours first. */
  sync_and_wait (client, TD_SYNC_IDLE);
  td_sync_stop (client->sync);
  existing = some_ticket (client);
  path = g_strdup_printf ("/api/v1/tickets/%s", existing);
  some = call ("GET", path, client->token, NULL, NULL, NULL);
  device_id = json_object_get_string_member (some, "device_id");
  g_clear_object (&client->sync);
  g_clear_object (&client->cache);

  for (guint i = 0; i < G_N_ELEMENTS (delays_ms); i++)
    {
      g_autofree char *title = g_strdup_printf ("Killed after %u ms %" G_GINT64_FORMAT,
                                                delays_ms[i], g_get_real_time ());
      const char *argv[] = { child, td_test_server_get_url (server), client->token,
                             client->user_id, device_id, title, NULL };
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;

      process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
      g_assert_no_error (error);
      g_usleep (delays_ms[i] * 1000);
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      g_ptr_array_add (titles, g_steal_pointer (&title));
    }

  {
    const char *argv[] = { child, td_test_server_get_url (server), client->token,
                           client->user_id, NULL };
    g_autoptr(GSubprocess) process = NULL;
    g_autoptr(GError) error = NULL;

    process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (process, NULL, &error));
    g_assert_no_error (error);
  }

  {
    g_autoptr(GError) error = NULL;
    guint landed = 0;

    client->cache = td_cache_open (td_test_server_get_url (server), client->user_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_PENDING), ==, 0);
    g_assert_cmpuint (td_outbox_count (client->cache, TD_OUTBOX_STATE_FAILED), ==, 0);
    for (guint i = 0; i < titles->len; i++)
      {
        guint n = tickets_titled (client->token, titles->pdata[i]);

        /* A child killed before it queued its ticket leaves nothing: never two. */
        g_assert_cmpuint (n, <=, 1);
        landed += n;
      }
    g_test_message ("%u of %u killed clients had queued their ticket; each landed once",
                    landed, titles->len);
    g_assert_cmpuint (landed, >, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* Caches go to a scratch XDG data directory, never the developer's. */
  data_home = g_dir_make_tmp ("td-sync-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  server = td_test_server_start ("demo");
  http = soup_session_new ();

  g_test_add_func ("/sync/initial", test_initial_sync);
  g_test_add_func ("/sync/live-change", test_live_change);
  g_test_add_func ("/sync/offline-edit-lands-once", test_offline_edit_lands_once);
  g_test_add_func ("/sync/offline-create-lands-once", test_offline_create_lands_once);
  g_test_add_func ("/sync/concurrent-edits", test_concurrent_edits);
  g_test_add_func ("/sync/lost-answer-replayed", test_lost_answer_replayed);
  g_test_add_func ("/sync/killed-client-converges", test_killed_client_converges);

  status = g_test_run ();
  g_object_unref (http);
  td_test_server_free (server);
  td_test_remove_tree (data_home);
  g_free (data_home);
  return status;
}
