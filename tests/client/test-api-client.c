/* test-api-client.c: TdApiClient against the real twindesk-server, and against tiny
 * loopback servers for the answers a real server does not give on demand (silence,
 * garbage, every error status)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "td-api-client.h"
#include "td-client-test.h"
#include "td-json.h"
#include "td-permissions.h"
#include "td-test-server.h"
#include "td-time.h"

static TdTestServer *demo_server;

/* A failed assertion aborts without td_test_server_free(). The server would live on with
 * meson's stderr pipe open, and meson would wait for the timeout instead of reporting the
 * failure at once. */

/* ---- the client calls, run to completion ---- */

static TdSession *
login (TdApiClient  *client,
       const char   *email,
       const char   *password,
       GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_api_client_login_async (client, email, password, NULL, td_test_result_cb, &result);
  return td_api_client_login_finish (client, td_test_wait_result (&result), error);
}

static TdUser *
get_me (TdApiClient  *client,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_api_client_get_me_async (client, NULL, td_test_result_cb, &result);
  return td_api_client_get_me_finish (client, td_test_wait_result (&result), error);
}

static gboolean
logout (TdApiClient  *client,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_api_client_logout_async (client, NULL, td_test_result_cb, &result);
  return td_api_client_logout_finish (client, td_test_wait_result (&result), error);
}

static TdApiClient *
demo_client (void)
{
  return td_api_client_new (td_test_server_get_url (demo_server));
}

/* A request outside TdApiClient, to see exactly what the server answers. */
static JsonObject *
raw_post (const char *path,
          const char *json,
          guint      *out_status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (td_test_server_get_url (demo_server), path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(GBytes) request_body = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  soup_message_set_request_body_from_bytes (message, "application/json", request_body);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (message);

  object = td_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return object;
}

static void
assert_strv_member_equal (JsonObject  *object,
                          const char  *member,
                          char       **expected)
{
  g_auto(GStrv) actual = td_json_get_strv (object, member);

  g_assert_true (g_strv_equal ((const char * const *) actual, (const char * const *) expected));
}

/* ---- loopback servers that misbehave on purpose ---- */

/* What an answering fake server says and last heard. Reference counted: a worker thread of
 * the threaded socket service may still be answering after the test dropped the server, and
 * the "run" handler's reference keeps this alive until the service itself is finalized. */
typedef struct
{
  GMutex  lock;
  char   *response;
  char   *last_request;
  gint    requests;     /* atomic: how many requests it answered */
} FakeAnswer;

typedef struct
{
  GSocketService *service;
  char           *url;
  FakeAnswer     *answer;        /* NULL: accept and never answer */
  GPtrArray      *held;          /* connections of the silent server, kept open */
} FakeServer;

static void
fake_answer_clear (FakeAnswer *answer)
{
  g_mutex_clear (&answer->lock);
  g_free (answer->response);
  g_free (answer->last_request);
}

static void
fake_answer_unref (gpointer  answer,
                   GClosure *closure)
{
  g_atomic_rc_box_release_full (answer, (GDestroyNotify) fake_answer_clear);
}

static gboolean
silent_incoming_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source_object,
                    gpointer           user_data)
{
  FakeServer *fake = user_data;

  /* Keep it open, read nothing, write nothing: the client waits for an answer. */
  g_ptr_array_add (fake->held, g_object_ref (connection));
  return TRUE;
}

static gsize
content_length (const char *headers)
{
  g_auto(GStrv) lines = g_strsplit (headers, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Content-Length:", strlen ("Content-Length:")) == 0)
      return g_ascii_strtoull (lines[i] + strlen ("Content-Length:"), NULL, 10);
  return 0;
}

/* Runs in a GThreadedSocketService thread, so blocking I/O is fine: reads one request,
 * writes the canned answer and closes. */
static gboolean
answer_run_cb (GThreadedSocketService *service,
               GSocketConnection      *connection,
               GObject                *source_object,
               gpointer                user_data)
{
  FakeAnswer *answer = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GString) request = g_string_new (NULL);
  const char *end_of_headers = NULL;
  char buffer[4096];
  gssize n;

  while (end_of_headers == NULL || request->len < (gsize) (end_of_headers - request->str) + 4 +
                                   content_length (request->str))
    {
      n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        return TRUE;
      g_string_append_len (request, buffer, n);
      end_of_headers = strstr (request->str, "\r\n\r\n");
    }

  g_mutex_lock (&answer->lock);
  g_free (answer->last_request);
  answer->last_request = g_strdup (request->str);
  g_mutex_unlock (&answer->lock);
  g_atomic_int_inc (&answer->requests);

  g_output_stream_write_all (out, answer->response, strlen (answer->response), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static FakeServer *
fake_server_new (const char *response)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  fake->held = g_ptr_array_new_with_free_func (g_object_unref);

  if (response != NULL)
    {
      fake->answer = g_atomic_rc_box_new0 (FakeAnswer);
      g_mutex_init (&fake->answer->lock);
      fake->answer->response = g_strdup (response);
      fake->service = g_threaded_socket_service_new (4);
      g_signal_connect_data (fake->service, "run", G_CALLBACK (answer_run_cb),
                             g_atomic_rc_box_acquire (fake->answer), fake_answer_unref, 0);
    }
  else
    {
      fake->service = g_socket_service_new ();
      g_signal_connect (fake->service, "incoming", G_CALLBACK (silent_incoming_cb), fake);
    }

  g_socket_listener_add_address (G_SOCKET_LISTENER (fake->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &bound, &error);
  g_assert_no_error (error);
  fake->url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_service_start (fake->service);
  return fake;
}

static FakeServer *
fake_server_new_answering (guint       status,
                           const char *content_type,
                           const char *body)
{
  g_autofree char *response = NULL;

  response = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                              "Content-Type: %s\r\n"
                              "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                              "Connection: close\r\n"
                              "\r\n"
                              "%s",
                              status, soup_status_get_phrase (status), content_type,
                              strlen (body), body);
  return fake_server_new (response);
}

static char *
fake_server_dup_last_request (FakeServer *fake)
{
  char *request;

  g_mutex_lock (&fake->answer->lock);
  request = g_strdup (fake->answer->last_request);
  g_mutex_unlock (&fake->answer->lock);
  return request;
}

static void
fake_server_free (FakeServer *fake)
{
  g_socket_service_stop (fake->service);
  g_socket_listener_close (G_SOCKET_LISTENER (fake->service));
  g_clear_object (&fake->service);
  g_ptr_array_unref (fake->held);
  g_free (fake->url);
  if (fake->answer != NULL)
    fake_answer_unref (fake->answer, NULL);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

static char *
user_json (void)
{
  g_autoptr(TdUser) user = td_user_new ();
  g_autoptr(JsonNode) node = NULL;

  user->id = g_strdup ("7d0f6d4e-2a43-4c43-9d31-3f1b8f0c1a11");
  user->email = g_strdup ("member@acme.test");
  user->first_name = g_strdup ("Mia");
  user->last_name = g_strdup ("Novak");
  user->role = TD_ROLE_MEMBER;
  user->org_id = g_strdup ("0c7a7e3e-5d0e-4f5b-8d7e-1c2b3a4d5e6f");
  user->org_name = g_strdup ("Acme Service");
  node = td_user_to_json (user);
  return td_json_to_string (node);
}

/* ---- against the real server ---- */

typedef struct
{
  const char *email;
  TdRole      role;
} DemoAccount;

static const DemoAccount demo_accounts[] = {
  { "admin@acme.test", TD_ROLE_ADMIN },
  { "deptadmin@acme.test", TD_ROLE_DEPT_ADMIN },
  { "creator@acme.test", TD_ROLE_CONTENT_CREATOR },
  { "moderator@acme.test", TD_ROLE_MODERATOR },
  { "member@acme.test", TD_ROLE_MEMBER },
  { "admin@globex.test", TD_ROLE_CUSTOMER_ADMIN },
  { "moderator@globex.test", TD_ROLE_CUSTOMER_MODERATOR },
  { "member@globex.test", TD_ROLE_CUSTOMER_MEMBER },
};

static void
test_login (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_accounts); i++)
    {
      const DemoAccount *account = &demo_accounts[i];
      g_autoptr(TdApiClient) client = demo_client ();
      g_autoptr(TdSession) session = NULL;
      g_autoptr(GError) error = NULL;
      gboolean customer = td_role_get_login_type (account->role) == TD_LOGIN_CUSTOMER;

      g_test_message ("Logging in as %s", account->email);
      session = login (client, account->email, TD_DEMO_PASSWORD, &error);
      g_assert_no_error (error);
      g_assert_nonnull (session);

      g_assert_nonnull (session->token);
      g_assert_cmpuint (strlen (session->token), >=, 32);
      g_assert_cmpstr (td_api_client_get_token (client), ==, session->token);
      g_assert_cmpint (session->expires_at, >, td_time_now_usec ());

      g_assert_nonnull (session->user->id);
      g_assert_cmpstr (session->user->email, ==, account->email);
      g_assert_cmpint (session->user->role, ==, account->role);
      g_assert_cmpint (td_user_get_login_type (session->user), ==,
                       customer ? TD_LOGIN_CUSTOMER : TD_LOGIN_EMPLOYEE);
      g_assert_cmpstr (session->user->org_name, ==, "Acme Service");
      g_assert_nonnull (session->user->first_name);
      g_assert_cmpstr (session->user->first_name, !=, "");
      if (customer)
        {
          g_assert_nonnull (session->user->customer_id);
          g_assert_cmpstr (session->user->customer_name, ==, "Globex");
        }
      else
        g_assert_null (session->user->customer_id);
    }
}

/* The app shows modules and permissions from the shared table for the user's role; the
 * server must send exactly the same lists, or the two would disagree about the menu. */
static void
test_login_modules (void)
{
  const char *emails[] = { "admin@acme.test", "member@acme.test", "member@globex.test" };

  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}",
                                               emails[i], TD_DEMO_PASSWORD);
      g_autoptr(JsonObject) answer = NULL;
      g_autoptr(TdSession) session = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) modules = NULL;
      g_auto(GStrv) permissions = NULL;
      guint status = 0;

      answer = raw_post ("/api/v1/auth/login", body, &status);
      g_assert_cmpuint (status, ==, 200);
      session = td_session_from_json (answer, &error);
      g_assert_no_error (error);

      modules = td_modules_strv_for_role (session->user->role);
      permissions = td_permissions_strv_for_role (session->user->role);
      assert_strv_member_equal (td_json_get_object (answer, "user"), "modules", modules);
      assert_strv_member_equal (td_json_get_object (answer, "user"), "permissions", permissions);

      if (td_user_get_login_type (session->user) == TD_LOGIN_CUSTOMER)
        g_assert_false (g_strv_contains ((const char * const *) modules, "customers"));
      else
        g_assert_true (g_strv_contains ((const char * const *) modules, "customers"));
    }
}

static void
test_login_wrong_password (void)
{
  g_autoptr(TdApiClient) client = demo_client ();
  g_autoptr(TdSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *server_message;
  guint status = 0;

  /* What the server says to a failed login, asked directly (and for an unknown address,
   * so that no demo account collects a failed attempt twice). */
  answer = raw_post ("/api/v1/auth/login",
                     "{\"email\":\"nobody@acme.test\",\"password\":\"not-the-password\"}",
                     &status);
  g_assert_cmpuint (status, ==, 401);
  server_message = td_json_get_string (td_json_get_object (answer, "error"), "message");
  g_assert_nonnull (server_message);

  td_api_client_set_token (client, "token-of-an-earlier-session");
  session = login (client, "moderator@globex.test", "not-the-password", &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);
  g_assert_null (session);
  g_assert_cmpstr (error->message, ==, server_message);

  /* A failed login leaves the session the client had alone. */
  g_assert_cmpstr (td_api_client_get_token (client), ==, "token-of-an-earlier-session");
}

static void
test_get_me (void)
{
  g_autoptr(TdApiClient) client = demo_client ();
  g_autoptr(TdApiClient) anonymous = demo_client ();
  g_autoptr(TdSession) session = NULL;
  g_autoptr(TdUser) user = NULL;
  g_autoptr(TdUser) nobody = NULL;
  g_autoptr(GError) error = NULL;

  session = login (client, "member@globex.test", TD_DEMO_PASSWORD, &error);
  g_assert_no_error (error);

  user = get_me (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->id, ==, session->user->id);
  g_assert_cmpstr (user->email, ==, "member@globex.test");
  g_assert_cmpint (user->role, ==, TD_ROLE_CUSTOMER_MEMBER);
  g_assert_cmpstr (user->customer_id, ==, session->user->customer_id);

  nobody = get_me (anonymous, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);
  g_assert_null (nobody);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_logout (void)
{
  g_autoptr(TdApiClient) client = demo_client ();
  g_autoptr(TdSession) session = NULL;
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;

  session = login (client, "creator@acme.test", TD_DEMO_PASSWORD, &error);
  g_assert_no_error (error);

  g_assert_true (logout (client, &error));
  g_assert_no_error (error);
  g_assert_null (td_api_client_get_token (client));

  /* The server revoked the token: it opens nothing any more. */
  td_api_client_set_token (client, session->token);
  user = get_me (client, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);
  g_assert_null (user);
  g_clear_error (&error);

  /* Logging out a session the server already ended is still a successful logout. */
  g_assert_true (logout (client, &error));
  g_assert_no_error (error);
  g_assert_null (td_api_client_get_token (client));

  /* Without a session there is nothing to do. */
  g_assert_true (logout (client, &error));
  g_assert_no_error (error);
}

static void
test_cancel (void)
{
  g_autoptr(FakeServer) silent = fake_server_new (NULL);
  g_autoptr(TdApiClient) client = demo_client ();
  g_autoptr(TdApiClient) waiting = td_api_client_new (silent->url);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GCancellable) later = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) waiting_result = NULL;
  g_autoptr(TdSession) session = NULL;
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled before it starts. */
  g_cancellable_cancel (cancelled);
  td_api_client_login_async (client, "admin@acme.test", TD_DEMO_PASSWORD, cancelled,
                             td_test_result_cb, &result);
  session = td_api_client_login_finish (client, td_test_wait_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (session);
  g_assert_null (td_api_client_get_token (client));
  g_clear_error (&error);

  /* Cancelled while it waits for an answer that never comes. */
  td_api_client_set_token (waiting, "token");
  td_api_client_get_me_async (waiting, later, td_test_result_cb, &waiting_result);
  g_timeout_add_once (200, (GSourceOnceFunc) g_cancellable_cancel, later);
  user = td_api_client_get_me_finish (waiting, td_test_wait_result (&waiting_result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (user);
  g_assert_cmpstr (td_api_client_get_token (waiting), ==, "token");
}

static void
test_cannot_connect (void)
{
  g_autoptr(TdTestServer) server = td_test_server_start (NULL);
  g_autoptr(TdApiClient) client = td_api_client_new (td_test_server_get_url (server));
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;

  td_test_server_stop (server);

  td_api_client_set_token (client, "token");
  user = get_me (client, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT);
  g_assert_null (user);
  g_assert_nonnull (strstr (error->message, td_test_server_get_url (server)));
  g_clear_error (&error);

  /* The server cannot be told, but the person is logged out here all the same. */
  g_assert_false (logout (client, &error));
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT);
  g_assert_null (td_api_client_get_token (client));
}

static void
test_timeout (void)
{
  g_autoptr(FakeServer) silent = fake_server_new (NULL);
  g_autoptr(TdApiClient) client = td_api_client_new (silent->url);
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;
  gint64 elapsed;

  td_api_client_set_timeout (client, 1);
  started = g_get_monotonic_time ();
  user = get_me (client, &error);
  elapsed = g_get_monotonic_time () - started;

  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_TIMEOUT);
  g_assert_null (user);
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
}

/* A server that answers 200 with @body: the login must fail without adopting a token, and
 * so must GET /me when @also_get_me. */
static void
assert_answer_invalid (const char *content_type,
                       const char *body,
                       gboolean    also_get_me)
{
  g_autoptr(FakeServer) fake = fake_server_new_answering (200, content_type, body);
  g_autoptr(TdApiClient) client = td_api_client_new (fake->url);
  g_autoptr(TdSession) session = NULL;
  g_autoptr(GError) error = NULL;

  g_test_message ("200 with \"%.40s\"", body);

  if (also_get_me)
    {
      g_autoptr(TdUser) user = get_me (client, &error);

      g_assert_error (error, TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE);
      g_assert_null (user);
      g_clear_error (&error);
    }

  session = login (client, "member@acme.test", TD_DEMO_PASSWORD, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE);
  g_assert_null (session);
  g_assert_null (td_api_client_get_token (client));
}

static void
test_invalid_response (void)
{
  g_autofree char *deep = g_strnfill (100, '[');

  assert_answer_invalid ("text/html", "<html><body>Welcome to nginx!</body></html>", TRUE);
  assert_answer_invalid ("application/json", "", TRUE);
  assert_answer_invalid ("application/json", "   ", TRUE);
  assert_answer_invalid ("application/json", "[1, 2, 3]", TRUE);
  assert_answer_invalid ("application/json", "{\"id\": 1", TRUE);
  assert_answer_invalid ("application/json", "{\"email\": \"member@acme.test\"}", TRUE);
  assert_answer_invalid ("application/json", deep, TRUE);
}

/* A login answer with a user but a broken session part is not a session. */
static void
test_invalid_session (void)
{
  g_autofree char *user = user_json ();
  g_autofree char *no_token = g_strdup_printf ("{\"expires_at\":\"2030-01-01T00:00:00Z\","
                                               "\"user\":%s}", user);
  g_autofree char *empty_token = g_strdup_printf ("{\"token\":\"\","
                                                  "\"expires_at\":\"2030-01-01T00:00:00Z\","
                                                  "\"user\":%s}", user);
  g_autofree char *bad_time = g_strdup_printf ("{\"token\":\"abc\",\"expires_at\":\"soon\","
                                               "\"user\":%s}", user);

  assert_answer_invalid ("application/json", no_token, FALSE);
  assert_answer_invalid ("application/json", empty_token, FALSE);
  assert_answer_invalid ("application/json", bad_time, FALSE);
}

/* A GET meets an unavailable server: sent again with back-off, then the error; a POST,
 * which may have been carried out, never. */
static void
test_retries (void)
{
  const char *body = "{\"error\":{\"code\":\"unavailable\",\"message\":\"Down for a moment\"}}";
  g_autoptr(FakeServer) get_server = fake_server_new_answering (503, "application/json", body);
  g_autoptr(FakeServer) post_server = fake_server_new_answering (503, "application/json", body);
  g_autoptr(TdApiClient) reader = td_api_client_new (get_server->url);
  g_autoptr(TdApiClient) writer = td_api_client_new (post_server->url);
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  double waited_ms;

  td_api_client_set_token (reader, "some-token");
  user = get_me (reader, &error);
  waited_ms = (g_get_monotonic_time () - started) / 1000.0;
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_SERVER);
  g_assert_cmpint (g_atomic_int_get (&get_server->answer->requests), ==, 1 + TD_API_CLIENT_MAX_RETRIES);
  /* 200 + 400 + 800 ms, each at least three quarters. */
  g_assert_cmpfloat (waited_ms, >=, 0.75 * 1400);
  g_test_message ("3 retries took %.0f ms", waited_ms);

  g_clear_error (&error);
  td_api_client_set_token (writer, "some-token");
  g_assert_false (logout (writer, &error));
  g_assert_cmpint (g_atomic_int_get (&post_server->answer->requests), ==, 1);
}

static void
test_status_errors (void)
{
  struct {
    guint status;
    int   code;
  } statuses[] = {
    { 400, TD_API_ERROR_BAD_REQUEST },
    { 401, TD_API_ERROR_UNAUTHORIZED },
    { 403, TD_API_ERROR_FORBIDDEN },
    { 404, TD_API_ERROR_NOT_FOUND },
    { 409, TD_API_ERROR_CONFLICT },
    { 412, TD_API_ERROR_PRECONDITION_FAILED },
    { 413, TD_API_ERROR_TOO_LARGE },
    { 422, TD_API_ERROR_INVALID },
    { 428, TD_API_ERROR_PRECONDITION_REQUIRED },
    { 429, TD_API_ERROR_TOO_MANY_REQUESTS },
    { 500, TD_API_ERROR_SERVER },
    { 502, TD_API_ERROR_SERVER },
    { 503, TD_API_ERROR_SERVER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *message = g_strdup_printf ("Server says %u", statuses[i].status);
      g_autofree char *body = g_strdup_printf ("{\"error\":{\"code\":\"x\",\"message\":\"%s\","
                                               "\"field\":null}}", message);
      g_autoptr(FakeServer) with_message = fake_server_new_answering (statuses[i].status,
                                                                      "application/json",
                                                                      body);
      g_autoptr(FakeServer) with_html = fake_server_new_answering (statuses[i].status,
                                                                   "text/html",
                                                                   "<h1>Oops</h1>");
      g_autoptr(TdApiClient) client = td_api_client_new (with_message->url);
      g_autoptr(TdApiClient) html_client = td_api_client_new (with_html->url);
      g_autoptr(TdUser) user = NULL;
      g_autoptr(TdUser) html_user = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) html_error = NULL;

      g_assert_cmpint (td_api_error_from_status (statuses[i].status), ==, statuses[i].code);

      /* The server's message is for people and becomes the error message... */
      user = get_me (client, &error);
      g_assert_error (error, TD_API_ERROR, statuses[i].code);
      g_assert_cmpstr (error->message, ==, message);

      /* ...and without one (a proxy's error page) the code still holds, with our own. */
      html_user = get_me (html_client, &html_error);
      g_assert_error (html_error, TD_API_ERROR, statuses[i].code);
      g_assert_cmpstr (html_error->message, !=, "");
      g_assert_null (strstr (html_error->message, "Oops"));
    }

  g_assert_cmpint (td_api_error_from_status (418), ==, TD_API_ERROR_BAD_REQUEST);
  g_assert_cmpint (td_api_error_from_status (599), ==, TD_API_ERROR_SERVER);
  g_assert_cmpint (td_api_error_from_status (302), ==, TD_API_ERROR_INVALID_RESPONSE);
}

/* What goes over the wire: the headers ARCHITECTURE.md §2 asks for, and no bearer token on
 * a login. */
static void
test_request_headers (void)
{
  g_autofree char *user = user_json ();
  g_autofree char *login_body = g_strdup_printf ("{\"token\":\"new-token\","
                                                 "\"expires_at\":\"2030-01-01T00:00:00Z\","
                                                 "\"user\":%s}", user);
  g_autoptr(FakeServer) me_server = fake_server_new_answering (200, "application/json", user);
  g_autoptr(FakeServer) login_server = fake_server_new_answering (200, "application/json",
                                                                  login_body);
  g_autoptr(TdApiClient) client = td_api_client_new (me_server->url);
  g_autoptr(TdApiClient) login_client = td_api_client_new (login_server->url);
  g_autoptr(TdUser) me = NULL;
  g_autoptr(TdSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *me_request = NULL;
  g_autofree char *login_request = NULL;
  g_autoptr(JsonObject) sent = NULL;
  const char *sent_body;

  td_api_client_set_token (client, "secret-token");
  me = get_me (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (me->email, ==, "member@acme.test");

  me_request = fake_server_dup_last_request (me_server);
  g_assert_true (g_str_has_prefix (me_request, "GET /api/v1/me HTTP/1.1\r\n"));
  g_assert_nonnull (strstr (me_request, "\r\nAuthorization: Bearer secret-token\r\n"));
  g_assert_nonnull (strstr (me_request, "\r\nAccept: application/json\r\n"));
  g_assert_nonnull (strstr (me_request, "\r\nUser-Agent: Twindesk/" PACKAGE_VERSION "\r\n"));

  td_api_client_set_token (login_client, "old-token");
  session = login (login_client, "member@acme.test", "pass word \"quoted\"", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (session->token, ==, "new-token");
  g_assert_cmpstr (td_api_client_get_token (login_client), ==, "new-token");
  g_assert_cmpint (session->expires_at, ==, G_GINT64_CONSTANT (1893456000) * G_USEC_PER_SEC);
  g_assert_cmpstr (session->user->email, ==, "member@acme.test");

  login_request = fake_server_dup_last_request (login_server);
  g_assert_true (g_str_has_prefix (login_request, "POST /api/v1/auth/login HTTP/1.1\r\n"));
  g_assert_nonnull (strstr (login_request, "\r\nContent-Type: application/json\r\n"));
  g_assert_null (strstr (login_request, "Authorization"));
  sent_body = strstr (login_request, "\r\n\r\n") + 4;
  sent = td_json_parse_object (sent_body, strlen (sent_body), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (td_json_get_string (sent, "email"), ==, "member@acme.test");
  g_assert_cmpstr (td_json_get_string (sent, "password"), ==, "pass word \"quoted\"");
}

static void
test_invalid_url (void)
{
  const char *urls[] = { "", "not a url", "ftp://example.test", "http://" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(TdApiClient) client = td_api_client_new (urls[i]);
      g_autoptr(TdUser) user = NULL;
      g_autoptr(GError) error = NULL;

      user = get_me (client, &error);
      g_assert_error (error, TD_API_ERROR, TD_API_ERROR_INVALID_URL);
      g_assert_null (user);
    }
}

static void
token_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_properties (void)
{
  g_autoptr(TdApiClient) client = td_api_client_new ("http://127.0.0.1:8480");
  g_autofree char *base_url = NULL;
  guint timeout = 0;
  guint notified = 0;

  g_object_get (client, "base-url", &base_url, "timeout", &timeout, NULL);
  g_assert_cmpstr (base_url, ==, "http://127.0.0.1:8480");
  g_assert_cmpstr (td_api_client_get_base_url (client), ==, "http://127.0.0.1:8480");
  g_assert_cmpuint (timeout, ==, 30);
  g_assert_null (td_api_client_get_token (client));

  g_signal_connect (client, "notify::token", G_CALLBACK (token_notify_cb), &notified);
  td_api_client_set_token (client, "a");
  td_api_client_set_token (client, "a");
  g_object_set (client, "token", "b", NULL);
  td_api_client_set_token (client, NULL);
  g_assert_cmpuint (notified, ==, 3);

  g_assert_finalize_object (g_steal_pointer (&client));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/api/properties", test_properties);
  g_test_add_func ("/client/api/login", test_login);
  g_test_add_func ("/client/api/login-modules", test_login_modules);
  g_test_add_func ("/client/api/login-wrong-password", test_login_wrong_password);
  g_test_add_func ("/client/api/get-me", test_get_me);
  g_test_add_func ("/client/api/logout", test_logout);
  g_test_add_func ("/client/api/cancel", test_cancel);
  g_test_add_func ("/client/api/cannot-connect", test_cannot_connect);
  g_test_add_func ("/client/api/timeout", test_timeout);
  g_test_add_func ("/client/api/invalid-response", test_invalid_response);
  g_test_add_func ("/client/api/invalid-session", test_invalid_session);
  g_test_add_func ("/client/api/status-errors", test_status_errors);
  g_test_add_func ("/client/api/retries", test_retries);
  g_test_add_func ("/client/api/request-headers", test_request_headers);
  g_test_add_func ("/client/api/invalid-url", test_invalid_url);

  demo_server = td_test_server_start ("demo");
  td_test_server_kill_on_abort (demo_server);

  ret = g_test_run ();
  g_clear_pointer (&demo_server, td_test_server_free);

  return ret;
}
