/* test-events.c: the WebSocket event stream of a real twindesk-server
 *
 * - a ticket edited by one client reaches another connected client's socket as a change
 *   event within 200 ms; latency over 1,000 edits is reported (p50 / p99);
 * - a socket of a user who cannot see the edited objects receives nothing;
 * - ping → pong; handshake without a token → 401; an invalid token → closed with 4401;
 * - revoking the session (or logging out) closes its socket with 4401.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-event-hub.h"
#include "td-json.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"
#include "td-test-server.h"

static TdTestServer *server;
static SoupSession *session;

typedef struct
{
  SoupWebsocketConnection *ws;
  GQueue                   messages;     /* JsonObject * */
  gint64                   last_arrival; /* monotonic time of the newest message */
  gboolean                 closed;
  gushort                  close_code;
} Socket;

static void
socket_message_cb (SoupWebsocketConnection *ws,
                   gint                     type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  Socket *socket = user_data;
  g_autofree char *text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  g_autoptr(JsonNode) node = td_json_parse (text, strlen (text), NULL);

  g_assert_nonnull (node);
  socket->last_arrival = g_get_monotonic_time ();
  g_queue_push_tail (&socket->messages, json_object_ref (json_node_get_object (node)));
}

static void
socket_closed_cb (SoupWebsocketConnection *ws,
                  gpointer                 user_data)
{
  Socket *socket = user_data;

  socket->closed = TRUE;
  socket->close_code = soup_websocket_connection_get_close_code (ws);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  SoupWebsocketConnection *ws = soup_session_websocket_connect_finish (SOUP_SESSION (source),
                                                                       result, &error);

  if (ws == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ws, g_object_unref);
  g_object_unref (task);
}

static void
iterate_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (200), TRUE);
}

static gboolean
task_done (gpointer data)
{
  return g_task_get_completed (data);
}

/* Connects with @token (NULL: no Authorization); returns NULL and sets @out_status when the
 * handshake is refused. */
static Socket *
socket_open (const char *token,
             guint      *out_status)
{
  g_autofree char *url = g_strconcat (td_test_server_get_url (server), TD_EVENTS_PATH, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  GTask *task = g_task_new (NULL, NULL, NULL, NULL);
  SoupWebsocketConnection *ws;
  Socket *socket;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, g_object_ref (task));
  iterate_until (task_done, task, 5000);
  g_assert_true (g_task_get_completed (task));
  ws = g_task_propagate_pointer (task, &error);
  g_object_unref (task);
  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);
  if (ws == NULL)
    return NULL;

  socket = g_new0 (Socket, 1);
  socket->ws = ws;
  g_queue_init (&socket->messages);
  g_signal_connect (ws, "message", G_CALLBACK (socket_message_cb), socket);
  g_signal_connect (ws, "closed", G_CALLBACK (socket_closed_cb), socket);
  return socket;
}

static void
socket_free (Socket *socket)
{
  if (!socket->closed && soup_websocket_connection_get_state (socket->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (socket->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_signal_handlers_disconnect_by_data (socket->ws, socket);
  g_object_unref (socket->ws);
  g_queue_clear_full (&socket->messages, (GDestroyNotify) json_object_unref);
  g_free (socket);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Socket, socket_free)

static gboolean
has_message (gpointer data)
{
  Socket *socket = data;

  return !g_queue_is_empty (&socket->messages) || socket->closed;
}

static gboolean
is_closed (gpointer data)
{
  return ((Socket *) data)->closed;
}

/* The next message, waiting up to @timeout_ms; NULL if none came. */
static JsonObject *
next_message (Socket *socket,
              guint   timeout_ms)
{
  iterate_until (has_message, socket, timeout_ms);
  return g_queue_pop_head (&socket->messages);
}

static Socket *
open_ready (const char *token)
{
  guint status = 0;
  Socket *socket = socket_open (token, &status);
  g_autoptr(JsonObject) hello = NULL;

  g_assert_nonnull (socket);
  g_assert_cmpuint (status, ==, 101);
  hello = next_message (socket, 5000);
  g_assert_nonnull (hello);
  g_assert_cmpstr (json_object_get_string_member (hello, "type"), ==, "hello");
  g_assert_cmpint (json_object_get_int_member (hello, "seq"), >, 0);
  return socket;
}

/* HTTP */

static TdTestResponse *
http (const char *method,
      const char *path,
      const char *token,
      const char *if_match,
      const char *body)
{
  /* td_test_request has no If-Match: build the message here when one is needed. */
  if (if_match == NULL)
    return td_test_request (session, method, td_test_server_get_url (server), path, token,
                            body, -1);
  {
    g_autofree char *url = g_strconcat (td_test_server_get_url (server), path, NULL);
    g_autoptr(SoupMessage) msg = soup_message_new (method, url);
    g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
    g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
    g_autoptr(GError) error = NULL;
    TdTestResponse *response = g_new0 (TdTestResponse, 1);

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", if_match);
    soup_message_set_request_body_from_bytes (msg, "application/json", request);
    response->body = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    response->status = soup_message_get_status (msg);
    response->json = json_from_string (g_bytes_get_data (response->body, NULL), NULL);
    response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
    return response;
  }
}

static char *
login (const char *email)
{
  return td_test_login (session, td_test_server_get_url (server), email, TD_SEED_DEMO_PASSWORD);
}

/* A ticket of Globex that the admin edits. */
typedef struct
{
  char   *path;
  gint64  version;
} Ticket;

static void
find_globex_ticket (const char *globex_token,
                    Ticket     *ticket)
{
  g_autoptr(TdTestResponse) list = http ("GET", "/api/v1/tickets?limit=1", globex_token, NULL, NULL);
  JsonObject *first;

  g_assert_cmpuint (list->status, ==, 200);
  first = json_array_get_object_element (
            json_object_get_array_member (json_node_get_object (list->json), "items"), 0);
  ticket->path = g_strdup_printf ("/api/v1/tickets/%s", json_object_get_string_member (first, "id"));
  ticket->version = json_object_get_int_member (first, "version");
}

static void
edit_ticket (const char *admin,
             Ticket     *ticket,
             guint       i)
{
  g_autofree char *if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", ticket->version);
  g_autofree char *body = g_strdup_printf ("{\"priority\":\"%s\"}", i % 2 ? "low" : "high");
  g_autoptr(TdTestResponse) response = http ("PATCH", ticket->path, admin, if_match, body);

  g_assert_cmpuint (response->status, ==, 200);
  ticket->version++;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
test_change_latency (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *globex = login ("member@globex.test");
  g_autofree char *initech = login ("member@initech.test");
  g_autoptr(Socket) globex_socket = open_ready (globex);
  g_autoptr(Socket) initech_socket = open_ready (initech);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  Ticket ticket = { 0 };
  guint n = g_test_slow () ? 1000 : 1000;

  find_globex_ticket (globex, &ticket);
  for (guint i = 0; i < n; i++)
    {
      gint64 before = g_get_monotonic_time ();
      g_autoptr(JsonObject) message = NULL;
      gint64 after;
      double ms;

      edit_ticket (admin, &ticket, i);
      after = g_get_monotonic_time ();
      message = next_message (globex_socket, 2000);
      g_assert_nonnull (message);
      g_assert_cmpstr (json_object_get_string_member (message, "type"), ==, "change");
      g_assert_cmpint (json_object_get_int_member (message, "seq"), >, 0);
      /* From the moment the write's response arrived (the commit is before it). */
      ms = (globex_socket->last_arrival - after) / 1000.0;
      if (ms < 0)
        ms = 0;
      g_array_append_val (latencies, ms);
      /* Drain what a coalesced scan may have added. */
      while (!g_queue_is_empty (&globex_socket->messages))
        json_object_unref (g_queue_pop_head (&globex_socket->messages));
      (void) before;
    }

  g_array_sort (latencies, compare_doubles);
  {
    double p50 = g_array_index (latencies, double, n / 2);
    double p99 = g_array_index (latencies, double, (n * 99) / 100);
    double max = g_array_index (latencies, double, n - 1);

    g_test_message ("change event latency after the write's response, %u edits: p50 %.2f ms, "
                    "p99 %.2f ms, max %.2f ms", n, p50, p99, max);
    g_printerr ("# events: %u edits: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", n, p50, p99, max);
    g_assert_cmpfloat (p99, <, 200.0);
  }

  /* Initech cannot see Globex's ticket: its socket heard nothing of the 1,000 edits. */
  {
    g_autoptr(JsonObject) nothing = next_message (initech_socket, 300);

    g_assert_null (nothing);
  }
  g_free (ticket.path);
}

static void
test_ping_and_refusals (void)
{
  g_autofree char *globex = login ("member@globex.test");
  g_autoptr(Socket) socket = open_ready (globex);
  g_autoptr(JsonObject) pong = NULL;
  guint status = 0;

  soup_websocket_connection_send_text (socket->ws, "{\"type\":\"ping\"}");
  pong = next_message (socket, 2000);
  g_assert_nonnull (pong);
  g_assert_cmpstr (json_object_get_string_member (pong, "type"), ==, "pong");

  /* No token: the handshake itself is refused. */
  g_assert_null (socket_open (NULL, &status));
  g_assert_cmpuint (status, ==, 401);

  /* A token that is no session: accepted, then closed before any event. */
  {
    g_autoptr(Socket) bogus = socket_open ("not-a-real-token-0123456789abcdef0123456789a", &status);

    g_assert_nonnull (bogus);
    iterate_until (is_closed, bogus, 5000);
    g_assert_true (bogus->closed);
    g_assert_cmpuint (bogus->close_code, ==, TD_EVENTS_CLOSE_SESSION);
    g_assert_true (g_queue_is_empty (&bogus->messages));
  }

  /* Plain GET without a handshake. */
  {
    g_autoptr(TdTestResponse) plain = http ("GET", TD_EVENTS_PATH, globex, NULL, NULL);

    g_assert_cmpuint (plain->status, ==, 400);
  }
}

static void
test_revoke_closes (void)
{
  g_autofree char *first = login ("member@globex.test");
  g_autofree char *second = login ("member@globex.test");
  g_autoptr(Socket) socket = open_ready (first);
  g_autoptr(TdTestResponse) revoke = NULL;
  gint64 started;

  /* The second session ends all others (the first among them). */
  started = g_get_monotonic_time ();
  revoke = http ("POST", "/api/v1/me/sessions/revoke-others", second, NULL, "{}");
  g_assert_cmpuint (revoke->status, <, 300);
  iterate_until (is_closed, socket, 5000);
  g_assert_true (socket->closed);
  g_assert_cmpuint (socket->close_code, ==, TD_EVENTS_CLOSE_SESSION);
  g_test_message ("socket closed %.1f ms after the revoke was sent",
                  (g_get_monotonic_time () - started) / 1000.0);

  /* Logging out closes the socket of that session too. */
  {
    g_autoptr(Socket) own = open_ready (second);
    g_autoptr(TdTestResponse) logout = http ("POST", "/api/v1/auth/logout", second, NULL, "{}");

    g_assert_cmpuint (logout->status, <, 300);
    iterate_until (is_closed, own, 5000);
    g_assert_true (own->closed);
    g_assert_cmpuint (own->close_code, ==, TD_EVENTS_CLOSE_SESSION);
  }
}

/* Share login: redeeming the token tells the issuing user's socket at once. */
static void
test_notification_pushed (void)
{
  g_autofree char *globex = login ("member@globex.test");
  g_autoptr(Socket) socket = open_ready (globex);
  g_autoptr(TdTestResponse) created = http ("POST", "/api/v1/auth/transfer-tokens", globex, NULL, "{}");
  g_autoptr(TdTestResponse) redeemed = NULL;
  g_autofree char *body = NULL;
  gboolean notified = FALSE;

  g_assert_cmpuint (created->status, ==, 201);
  body = g_strdup_printf ("{\"token\":\"%s\"}",
                          json_object_get_string_member (json_node_get_object (created->json), "token"));
  redeemed = http ("POST", "/api/v1/auth/transfer-tokens/redeem", NULL, NULL, body);
  g_assert_cmpuint (redeemed->status, ==, 200);

  for (guint i = 0; i < 10 && !notified; i++)
    {
      g_autoptr(JsonObject) message = next_message (socket, 2000);
      JsonObject *notification;

      g_assert_nonnull (message);
      if (g_strcmp0 (json_object_get_string_member (message, "type"), "notification") != 0)
        continue;
      notification = json_object_get_object_member (message, "notification");
      g_assert_cmpstr (json_object_get_string_member (notification, "event_type"), ==, "system_alert");
      g_assert_cmpstr (json_object_get_string_member (notification, "subject_type"), ==, "session");
      notified = TRUE;
    }
  g_assert_true (notified);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = td_test_server_start ("demo");
  session = td_test_session_new ();

  g_test_add_func ("/events/change-latency", test_change_latency);
  g_test_add_func ("/events/ping-and-refusals", test_ping_and_refusals);
  g_test_add_func ("/events/revoke-closes", test_revoke_closes);
  g_test_add_func ("/events/notification-pushed", test_notification_pushed);

  status = g_test_run ();
  g_object_unref (session);
  td_test_server_free (server);
  return status;
}
