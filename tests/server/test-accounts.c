/* test-accounts.c: share login, sessions, password change, login throttling and personal
 * settings over real HTTP (issue 4, "Accounts")
 *
 * Three servers: the main one (its standard error captured, to prove that no share-login
 * token is ever logged), one with TD_TEST_TRANSFER_TOKEN_TTL=1 for expiry, and one whose
 * loopback address is throttled by the per-address limit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-server-test-util.h"
#include "td-test-server.h"
#include "td-validate.h"

static TdTestServer *server;
static SoupSession *session;
static char *log_path;
static GPtrArray *issued_tokens;   /* every share-login token created, for the log check */

static const char *
url (void)
{
  return td_test_server_get_url (server);
}

static char *
login (const char *email,
       const char *password)
{
  return td_test_login (session, url (), email, password);
}

static const char *
member_string (TdTestResponse *response,
               const char     *member)
{
  return json_object_get_string_member (td_test_response_object (response), member);
}

static gboolean
body_contains (TdTestResponse *response,
               const char     *needle)
{
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);
  g_autofree char *text = g_strndup (data, size);

  return strstr (text, needle) != NULL;
}

static char *
create_transfer (const char  *base_url,
                 const char  *token,
                 char       **out_url)
{
  g_autoptr(TdTestResponse) response =
    td_test_request (session, "POST", base_url, "/api/v1/auth/transfer-tokens", token, NULL, 0);
  char *transfer;

  g_assert_cmpuint (response->status, ==, 201);
  transfer = g_strdup (member_string (response, "token"));
  g_assert_cmpuint (strlen (transfer), ==, 43);
  if (out_url != NULL)
    *out_url = g_strdup (member_string (response, "url"));
  g_ptr_array_add (issued_tokens, g_strdup (transfer));
  return transfer;
}

static TdTestResponse *
redeem (SoupSession *own,
        const char  *base_url,
        const char  *transfer)
{
  g_autofree char *body = g_strdup_printf ("{\"token\":\"%s\"}", transfer);

  return td_test_request (own, "POST", base_url, "/api/v1/auth/transfer-tokens/redeem", NULL,
                          body, -1);
}

static JsonArray *
sessions_of (TdTestResponse *response)
{
  return json_object_get_array_member (td_test_response_object (response), "items");
}

static JsonObject *
find_session (JsonArray  *items,
              const char *id)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "id"), id) == 0)
        return item;
    }
  return NULL;
}

/* Share login ---------------------------------------------------------------------------- */

static void
test_transfer_happy_path (void)
{
  g_autofree char *desktop = login ("admin@acme.test", TD_DEMO_PASSWORD);
  g_autofree char *link = NULL;
  g_autofree char *transfer = create_transfer (url (), desktop, &link);
  g_autofree char *expected_link = g_strconcat (url (), "/login/transfer#", transfer, NULL);
  g_autoptr(TdTestResponse) redeemed = redeem (session, url (), transfer);
  g_autoptr(TdTestResponse) me = NULL;
  g_autoptr(TdTestResponse) list = NULL;
  JsonObject *user;
  const char *phone;
  guint transfers = 0;

  /* The URL is built from the Host the desktop used. */
  g_assert_cmpstr (link, ==, expected_link);

  g_assert_cmpuint (redeemed->status, ==, 200);
  phone = member_string (redeemed, "token");
  g_assert_cmpuint (strlen (phone), ==, 43);
  g_assert_cmpstr (phone, !=, desktop);
  g_assert_cmpstr (phone, !=, transfer);
  g_assert_false (body_contains (redeemed, transfer));
  user = json_object_get_object_member (td_test_response_object (redeemed), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, "admin@acme.test");

  me = td_test_request (session, "GET", url (), "/api/v1/me", phone, NULL, 0);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (member_string (me, "email"), ==, "admin@acme.test");

  /* The phone's session is in the user's list, issued by transfer; tokens never are. */
  list = td_test_request (session, "GET", url (), "/api/v1/me/sessions", desktop, NULL, 0);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_false (body_contains (list, transfer));
  g_assert_false (body_contains (list, phone));
  g_assert_false (body_contains (list, desktop));
  g_assert_false (body_contains (list, "token"));
  for (guint i = 0; i < json_array_get_length (sessions_of (list)); i++)
    {
      JsonObject *item = json_array_get_object_element (sessions_of (list), i);

      if (g_str_equal (json_object_get_string_member (item, "issued_by"), "transfer"))
        transfers++;
      g_assert_true (json_object_has_member (item, "device_label"));
      g_assert_true (json_object_has_member (item, "user_agent"));
      g_assert_true (json_object_has_member (item, "created_at"));
      g_assert_true (json_object_has_member (item, "last_seen_at"));
    }
  g_assert_cmpuint (transfers, >=, 1);
}

static void
test_transfer_single_use (void)
{
  g_autofree char *desktop = login ("creator@acme.test", TD_DEMO_PASSWORD);
  g_autofree char *transfer = create_transfer (url (), desktop, NULL);
  g_autoptr(TdTestResponse) first = redeem (session, url (), transfer);
  g_autoptr(TdTestResponse) second = redeem (session, url (), transfer);
  g_autoptr(TdTestResponse) unknown = redeem (session, url (), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  g_autoptr(TdTestResponse) empty = redeem (session, url (), "");
  g_autoptr(TdTestResponse) malformed =
    td_test_request (session, "POST", url (), "/api/v1/auth/transfer-tokens/redeem", NULL, "[", -1);

  g_assert_cmpuint (first->status, ==, 200);
  td_test_assert_error (second, 401, "invalid_token", NULL);
  td_test_assert_error (unknown, 401, "invalid_token", NULL);
  g_assert_true (g_bytes_equal (second->body, unknown->body));
  td_test_assert_error (empty, 400, "invalid_field", "token");
  td_test_assert_error (malformed, 400, "invalid_json", NULL);
}

typedef struct
{
  const char *base_url;
  const char *transfer;
  guint       status;
} RedeemJob;

static gpointer
redeem_thread (gpointer data)
{
  RedeemJob *job = data;
  g_autoptr(SoupSession) own = td_test_session_new ();
  g_autoptr(TdTestResponse) response = redeem (own, job->base_url, job->transfer);

  job->status = response->status;
  return NULL;
}

static void
test_transfer_parallel_redeem (void)
{
  g_autofree char *desktop = login ("moderator@acme.test", TD_DEMO_PASSWORD);

  for (guint round = 0; round < 5; round++)
    {
      g_autofree char *transfer = create_transfer (url (), desktop, NULL);
      RedeemJob jobs[4];
      GThread *threads[G_N_ELEMENTS (jobs)];
      guint ok = 0, refused = 0;

      for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
        {
          jobs[i] = (RedeemJob) { url (), transfer, 0 };
          threads[i] = g_thread_new ("redeem", redeem_thread, &jobs[i]);
        }
      for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
        {
          g_thread_join (threads[i]);
          if (jobs[i].status == 200)
            ok++;
          else if (jobs[i].status == 401)
            refused++;
        }
      g_assert_cmpuint (ok, ==, 1);
      g_assert_cmpuint (refused, ==, G_N_ELEMENTS (jobs) - 1);
    }
}

static void
test_transfer_revoked_with_session (void)
{
  g_autofree char *desktop = login ("member@acme.test", TD_DEMO_PASSWORD);
  g_autofree char *transfer = create_transfer (url (), desktop, NULL);
  g_autoptr(TdTestResponse) logout =
    td_test_request (session, "POST", url (), "/api/v1/auth/logout", desktop, NULL, 0);
  g_autoptr(TdTestResponse) redeemed = NULL;

  g_assert_cmpuint (logout->status, ==, 204);
  redeemed = redeem (session, url (), transfer);
  td_test_assert_error (redeemed, 401, "invalid_token", NULL);
}

static void
test_transfer_expired (void)
{
  g_autoptr(TdTestServer) short_lived = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *transfer = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(TdTestResponse) late = NULL;
  g_autoptr(TdTestResponse) in_time = NULL;

  g_setenv ("TD_TEST_TRANSFER_TOKEN_TTL", "1", TRUE);
  short_lived = td_test_server_start ("demo");
  g_setenv ("TD_TEST_TRANSFER_TOKEN_TTL", "", TRUE);  /* empty: the default */

  desktop = td_test_login (session, td_test_server_get_url (short_lived), "admin@acme.test",
                           TD_DEMO_PASSWORD);
  fresh = create_transfer (td_test_server_get_url (short_lived), desktop, NULL);
  in_time = redeem (session, td_test_server_get_url (short_lived), fresh);
  g_assert_cmpuint (in_time->status, ==, 200);

  transfer = create_transfer (td_test_server_get_url (short_lived), desktop, NULL);
  g_usleep (1500 * 1000);
  late = redeem (session, td_test_server_get_url (short_lived), transfer);
  td_test_assert_error (late, 401, "invalid_token", NULL);
}

static void
test_landing_page (void)
{
  g_autoptr(TdTestResponse) page =
    td_test_request (session, "GET", url (), "/login/transfer", NULL, NULL, 0);
  const char *csp;

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (page->headers, "Content-Type"),
                                   "text/html"));
  csp = soup_message_headers_get_one (page->headers, "Content-Security-Policy");
  g_assert_nonnull (csp);
  g_assert_true (g_str_has_prefix (csp, "default-src 'none'"));
  g_assert_nonnull (strstr (csp, "script-src 'sha256-"));
  g_assert_null (strstr (csp, "unsafe-inline"));
  g_assert_true (body_contains (page, "<script>"));
  g_assert_true (body_contains (page, "/api/v1/auth/transfer-tokens/redeem"));
  g_assert_true (body_contains (page, "location.hash"));
  /* Self-contained: nothing is loaded from anywhere. */
  g_assert_false (body_contains (page, "http:"));
  g_assert_false (body_contains (page, "https:"));
  g_assert_false (body_contains (page, "src="));
  g_assert_false (body_contains (page, "href="));
}

/* Sessions ------------------------------------------------------------------------------- */

static void
test_sessions (void)
{
  g_autofree char *a = login ("deptadmin@acme.test", TD_DEMO_PASSWORD);
  g_autofree char *b = login ("deptadmin@acme.test", TD_DEMO_PASSWORD);
  g_autofree char *c = login ("deptadmin@acme.test", TD_DEMO_PASSWORD);
  g_autofree char *other_user = login ("admin@globex.test", TD_DEMO_PASSWORD);
  g_autofree char *b_id = NULL;
  g_autofree char *foreign_id = NULL;
  g_autofree char *foreign_path = NULL;
  g_autofree char *b_path = NULL;
  g_autoptr(TdTestResponse) list = NULL;
  g_autoptr(TdTestResponse) list_b = NULL;
  g_autoptr(TdTestResponse) foreign = NULL;
  g_autoptr(TdTestResponse) cross = NULL;
  g_autoptr(TdTestResponse) garbage = NULL;
  g_autoptr(TdTestResponse) revoke = NULL;
  g_autoptr(TdTestResponse) again = NULL;
  g_autoptr(TdTestResponse) b_me = NULL;
  g_autoptr(TdTestResponse) others = NULL;
  g_autoptr(TdTestResponse) a_me = NULL;
  g_autoptr(TdTestResponse) c_me = NULL;
  g_autoptr(TdTestResponse) after = NULL;
  guint current = 0;

  list = td_test_request (session, "GET", url (), "/api/v1/me/sessions", a, NULL, 0);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (sessions_of (list)), >=, 3);
  for (guint i = 0; i < json_array_get_length (sessions_of (list)); i++)
    {
      JsonObject *item = json_array_get_object_element (sessions_of (list), i);

      if (json_object_get_boolean_member (item, "current"))
        current++;
      g_assert_cmpstr (json_object_get_string_member (item, "issued_by"), ==, "password");
      g_assert_cmpstr (json_object_get_string_member (item, "device_label"), ==, "Twindesk");
      g_assert_false (json_object_has_member (item, "token_hash"));
    }
  g_assert_cmpuint (current, ==, 1);

  /* Find b's id: the current one in b's own list. */
  list_b = td_test_request (session, "GET", url (), "/api/v1/me/sessions", b, NULL, 0);
  for (guint i = 0; i < json_array_get_length (sessions_of (list_b)); i++)
    {
      JsonObject *item = json_array_get_object_element (sessions_of (list_b), i);

      if (json_object_get_boolean_member (item, "current"))
        b_id = g_strdup (json_object_get_string_member (item, "id"));
    }
  g_assert_nonnull (b_id);
  g_assert_nonnull (find_session (sessions_of (list), b_id));

  /* Another user's session is not found, and not revoked. */
  foreign = td_test_request (session, "GET", url (), "/api/v1/me/sessions", other_user, NULL, 0);
  foreign_id = g_strdup (json_object_get_string_member (
                 json_array_get_object_element (sessions_of (foreign), 0), "id"));
  g_assert_null (find_session (sessions_of (list), foreign_id));
  foreign_path = g_strdup_printf ("/api/v1/me/sessions/%s", foreign_id);
  cross = td_test_request (session, "DELETE", url (), foreign_path, a, NULL, 0);
  td_test_assert_error (cross, 404, "not_found", NULL);
  garbage = td_test_request (session, "DELETE", url (), "/api/v1/me/sessions/not-an-id", a, NULL, 0);
  td_test_assert_error (garbage, 404, "not_found", NULL);
  {
    g_autoptr(TdTestResponse) still = td_test_request (session, "GET", url (), "/api/v1/me",
                                                       other_user, NULL, 0);
    g_assert_cmpuint (still->status, ==, 200);
  }

  b_path = g_strdup_printf ("/api/v1/me/sessions/%s", b_id);
  revoke = td_test_request (session, "DELETE", url (), b_path, a, NULL, 0);
  g_assert_cmpuint (revoke->status, ==, 204);
  again = td_test_request (session, "DELETE", url (), b_path, a, NULL, 0);
  td_test_assert_error (again, 404, "not_found", NULL);
  b_me = td_test_request (session, "GET", url (), "/api/v1/me", b, NULL, 0);
  td_test_assert_error (b_me, 401, "unauthorized", NULL);

  others = td_test_request (session, "POST", url (), "/api/v1/me/sessions/revoke-others", a, NULL, 0);
  g_assert_cmpuint (others->status, ==, 204);
  a_me = td_test_request (session, "GET", url (), "/api/v1/me", a, NULL, 0);
  c_me = td_test_request (session, "GET", url (), "/api/v1/me", c, NULL, 0);
  g_assert_cmpuint (a_me->status, ==, 200);
  td_test_assert_error (c_me, 401, "unauthorized", NULL);
  after = td_test_request (session, "GET", url (), "/api/v1/me/sessions", a, NULL, 0);
  g_assert_cmpuint (json_array_get_length (sessions_of (after)), ==, 1);
}

/* Password change ------------------------------------------------------------------------ */

static void
test_password_change (void)
{
  const char *email = "moderator@globex.test";
  const char *new_password = "Correct-Horse-7-Battery";
  g_autofree char *a = login (email, TD_DEMO_PASSWORD);
  g_autofree char *b = login (email, TD_DEMO_PASSWORD);
  g_autofree char *transfer = create_transfer (url (), b, NULL);
  g_autofree char *body = NULL;
  g_autofree char *relogin = NULL;
  const struct
  {
    const char *body;
    const char *code;
    const char *field;
  } cases[] = {
    { "[", "invalid_json", NULL },
    { "{}", "invalid_field", "current_password" },
    { "{\"current_password\":\"" TD_DEMO_PASSWORD "\"}", "invalid_field", "new_password" },
    { "{\"current_password\":\"wrong-password\",\"new_password\":\"Correct-Horse-7-Battery\"}",
      "wrong_password", "current_password" },
    { "{\"current_password\":\"" TD_DEMO_PASSWORD "\",\"new_password\":\"PassWord123\"}",
      "weak_password", "new_password" },
    { "{\"current_password\":\"" TD_DEMO_PASSWORD "\",\"new_password\":\"qwertyuiop\"}",
      "weak_password", "new_password" },
    { "{\"current_password\":\"" TD_DEMO_PASSWORD "\",\"new_password\":\"short\"}",
      "weak_password", "new_password" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TdTestResponse) response =
        td_test_request (session, "POST", url (), "/api/v1/me/password", a, cases[i].body, -1);

      g_test_message ("case %u: %s", i, cases[i].body);
      td_test_assert_error (response, 400, cases[i].code, cases[i].field);
    }

  body = g_strdup_printf ("{\"current_password\":\"%s\",\"new_password\":\"%s\"}",
                          TD_DEMO_PASSWORD, new_password);
  {
    g_autoptr(TdTestResponse) changed =
      td_test_request (session, "POST", url (), "/api/v1/me/password", a, body, -1);
    g_autoptr(TdTestResponse) a_me = td_test_request (session, "GET", url (), "/api/v1/me", a, NULL, 0);
    g_autoptr(TdTestResponse) b_me = td_test_request (session, "GET", url (), "/api/v1/me", b, NULL, 0);
    g_autoptr(TdTestResponse) redeemed = redeem (session, url (), transfer);
    g_autofree char *old_body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                                 TD_DEMO_PASSWORD);
    g_autoptr(TdTestResponse) old_login =
      td_test_request (session, "POST", url (), "/api/v1/auth/login", NULL, old_body, -1);

    g_assert_cmpuint (changed->status, ==, 204);
    g_assert_cmpuint (a_me->status, ==, 200);
    td_test_assert_error (b_me, 401, "unauthorized", NULL);
    td_test_assert_error (redeemed, 401, "invalid_token", NULL);
    td_test_assert_error (old_login, 401, "invalid_credentials", NULL);
  }

  relogin = login (email, new_password);
  g_assert_nonnull (relogin);
}

static void
test_common_passwords (void)
{
  g_assert_true (td_password_is_common ("123456"));
  g_assert_true (td_password_is_common ("PASSWORD"));
  g_assert_true (td_password_is_common ("iloveyou"));
  g_assert_true (td_password_is_common ("qwertyuiop"));
  g_assert_true (td_password_is_common ("Password2024"));
  g_assert_false (td_password_is_common ("Correct-Horse-7-Battery"));
  g_assert_false (td_password_is_common (TD_DEMO_PASSWORD));
  g_assert_false (td_password_is_common (NULL));
  g_assert_cmpuint (td_common_passwords_length, >=, 900);
  for (gsize i = 1; i < td_common_passwords_length; i++)
    g_assert_cmpint (strcmp (td_common_passwords[i - 1], td_common_passwords[i]), <, 0);
}

/* Throttling ----------------------------------------------------------------------------- */

static TdTestResponse *
try_login (const char *base_url,
           const char *email,
           const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);

  return td_test_request (session, "POST", base_url, "/api/v1/auth/login", NULL, body, -1);
}

static void
test_throttle_account (void)
{
  const char *known = "member@globex.test";
  const char *unknown = "ghost@globex.test";
  g_autoptr(TdTestResponse) known_blocked = NULL;
  g_autoptr(TdTestResponse) unknown_blocked = NULL;
  g_autoptr(TdTestResponse) other = NULL;
  g_autoptr(TdTestResponse) success = NULL;
  g_autoptr(TdTestResponse) after = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(TdTestResponse) wrong = try_login (url (), known, "wrong-password");
      g_autoptr(TdTestResponse) nobody = try_login (url (), unknown, "wrong-password");

      td_test_assert_error (wrong, 401, "invalid_credentials", NULL);
      td_test_assert_error (nobody, 401, "invalid_credentials", NULL);
    }

  /* Even the right password waits; unknown and known get the same answer. */
  known_blocked = try_login (url (), known, TD_DEMO_PASSWORD);
  unknown_blocked = try_login (url (), unknown, TD_DEMO_PASSWORD);
  td_test_assert_error (known_blocked, 429, "too_many_requests", NULL);
  td_test_assert_error (unknown_blocked, 429, "too_many_requests", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (known_blocked->headers, "Retry-After"), ==, "1");
  g_assert_cmpstr (soup_message_headers_get_one (unknown_blocked->headers, "Retry-After"), ==, "1");
  g_assert_true (g_bytes_equal (known_blocked->body, unknown_blocked->body));

  /* Other accounts are not affected. */
  other = try_login (url (), "admin@globex.test", TD_DEMO_PASSWORD);
  g_assert_cmpuint (other->status, ==, 200);

  /* After the back-off, success resets the count: the next failure is a plain 401. */
  g_usleep (1200 * 1000);
  success = try_login (url (), known, TD_DEMO_PASSWORD);
  g_assert_cmpuint (success->status, ==, 200);
  after = try_login (url (), known, "wrong-password");
  td_test_assert_error (after, 401, "invalid_credentials", NULL);
}

static void
test_throttle_address (void)
{
  g_autoptr(TdTestServer) own = td_test_server_start ("demo");
  const char *base = td_test_server_get_url (own);
  g_autoptr(TdTestResponse) blocked = NULL;
  g_autoptr(TdTestResponse) right = NULL;
  gint64 retry;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *email = g_strdup_printf ("nobody%u@acme.test", i);
      g_autoptr(TdTestResponse) wrong = try_login (base, email, "wrong-password");

      td_test_assert_error (wrong, 401, "invalid_credentials", NULL);
    }

  /* Over 20 failures per 10 minutes: the address waits, whatever it sends. */
  blocked = try_login (base, "nobody-else@acme.test", "wrong-password");
  td_test_assert_error (blocked, 429, "too_many_requests", NULL);
  retry = g_ascii_strtoll (soup_message_headers_get_one (blocked->headers, "Retry-After"), NULL, 10);
  g_assert_cmpint (retry, >, 500);
  g_assert_cmpint (retry, <=, 600);
  right = try_login (base, "admin@acme.test", TD_DEMO_PASSWORD);
  td_test_assert_error (right, 429, "too_many_requests", NULL);
}

/* Personal settings ---------------------------------------------------------------------- */

/* The smallest PNG: a 1×1 transparent pixel. */
#define TINY_PNG "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

static void
test_patch_me (void)
{
  g_autofree char *token = login ("member@acme.test", TD_DEMO_PASSWORD);
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autoptr(GString) big_avatar = g_string_new ("data:image/png;base64,iVBORw0KGgo");
  g_autofree char *long_body = NULL;
  g_autofree char *big_body = NULL;
  g_autoptr(TdTestResponse) ok = NULL;
  g_autoptr(TdTestResponse) me = NULL;
  g_autoptr(TdTestResponse) cleared = NULL;
  JsonObject *user, *preferences, *entry;
  struct
  {
    const char *body;
    const char *code;
    const char *field;
  } cases[] = {
    { "[", "invalid_json", NULL },
    { "\"x\"", "invalid_json", NULL },
    { "{\"first_name\":5}", "invalid_field", "first_name" },
    { "{\"first_name\":null}", "invalid_field", "first_name" },
    { "{\"last_name\":[]}", "invalid_field", "last_name" },
    { NULL, "invalid_field", "first_name" },  /* long_body */
    { "{\"language\":\"xx\"}", "invalid_field", "language" },
    { "{\"language\":\"EN\"}", "invalid_field", "language" },
    { "{\"language\":1}", "invalid_field", "language" },
    { "{\"avatar\":5}", "invalid_field", "avatar" },
    { "{\"avatar\":\"https://example.com/a.png\"}", "invalid_field", "avatar" },
    { "{\"avatar\":\"data:image/gif;base64," TINY_PNG "\"}", "invalid_field", "avatar" },
    { "{\"avatar\":\"data:image/jpeg;base64," TINY_PNG "\"}", "invalid_field", "avatar" },
    { "{\"avatar\":\"data:image/png;base64,!!!!\"}", "invalid_field", "avatar" },
    { "{\"avatar\":\"data:image/png;base64,\"}", "invalid_field", "avatar" },
    { NULL, "invalid_field", "avatar" },      /* big_body */
    { "{\"push_enabled\":\"yes\"}", "invalid_field", "push_enabled" },
    { "{\"push_enabled\":null}", "invalid_field", "push_enabled" },
    { "{\"notification_preferences\":[]}", "invalid_field", "notification_preferences" },
    { "{\"notification_preferences\":{\"nope\":{\"email\":true}}}", "invalid_field", "notification_preferences" },
    { "{\"notification_preferences\":{\"assignment\":true}}", "invalid_field", "notification_preferences" },
    { "{\"notification_preferences\":{\"assignment\":{\"in_app\":false}}}", "invalid_field", "notification_preferences" },
    { "{\"notification_preferences\":{\"assignment\":{\"email\":\"yes\"}}}", "invalid_field", "notification_preferences" },
    { "{\"notification_preferences\":{\"assignment\":{\"sms\":true}}}", "invalid_field", "notification_preferences" },
  };

  for (guint i = 0; i < 201; i++)
    g_string_append_c (long_name, 'n');
  long_body = g_strdup_printf ("{\"first_name\":\"%s\"}", long_name->str);
  while (big_avatar->len < 360 * 1024)
    g_string_append (big_avatar, "AAAA");
  big_body = g_strdup_printf ("{\"avatar\":\"%s\"}", big_avatar->str);
  cases[5].body = long_body;
  cases[15].body = big_body;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TdTestResponse) response =
        td_test_request (session, "PATCH", url (), "/api/v1/me", token, cases[i].body, -1);

      g_test_message ("case %u: %.100s", i, cases[i].body);
      td_test_assert_error (response, 400, cases[i].code, cases[i].field);
    }

  ok = td_test_request (session, "PATCH", url (), "/api/v1/me", token,
                        "{\"first_name\":\" Mia \",\"last_name\":\"Muster\",\"language\":\"de\","
                        "\"avatar\":\"data:image/png;base64," TINY_PNG "\",\"push_enabled\":false,"
                        "\"notification_preferences\":{\"assignment\":{\"in_app\":true,"
                        "\"desktop\":false,\"email\":true}},\"role\":\"admin\",\"org_id\":\"x\"}", -1);
  g_assert_cmpuint (ok->status, ==, 200);

  me = td_test_request (session, "GET", url (), "/api/v1/me", token, NULL, 0);
  g_assert_cmpuint (me->status, ==, 200);
  user = td_test_response_object (me);
  g_assert_cmpstr (json_object_get_string_member (user, "first_name"), ==, "Mia");
  g_assert_cmpstr (json_object_get_string_member (user, "last_name"), ==, "Muster");
  g_assert_cmpstr (json_object_get_string_member (user, "display_name"), ==, "Mia Muster");
  g_assert_cmpstr (json_object_get_string_member (user, "language"), ==, "de");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "member");
  g_assert_cmpstr (json_object_get_string_member (user, "avatar"), ==, "data:image/png;base64," TINY_PNG);
  g_assert_false (json_object_get_boolean_member (user, "push_enabled"));
  preferences = json_object_get_object_member (user, "notification_preferences");
  entry = json_object_get_object_member (preferences, "assignment");
  g_assert_true (json_object_get_boolean_member (entry, "in_app"));
  g_assert_false (json_object_get_boolean_member (entry, "desktop"));
  g_assert_true (json_object_get_boolean_member (entry, "email"));

  cleared = td_test_request (session, "PATCH", url (), "/api/v1/me", token,
                             "{\"avatar\":null,\"language\":\"\",\"push_enabled\":true,"
                             "\"notification_preferences\":{\"task_due\":{\"email\":true}}}", -1);
  g_assert_cmpuint (cleared->status, ==, 200);
  user = td_test_response_object (cleared);
  g_assert_true (json_object_get_null_member (user, "avatar"));
  g_assert_cmpstr (json_object_get_string_member (user, "language"), ==, "");
  g_assert_true (json_object_get_boolean_member (user, "push_enabled"));
  preferences = json_object_get_object_member (user, "notification_preferences");
  g_assert_true (json_object_has_member (preferences, "assignment"));   /* merged */
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (preferences, "task_due"),
                                                 "desktop"));
}

/* Logs ----------------------------------------------------------------------------------- */

static void
test_tokens_not_logged (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (issued_tokens->len, >, 5);
  g_file_get_contents (log_path, &contents, NULL, &error);
  g_assert_no_error (error);
  /* The log is not empty: the check would prove nothing otherwise. */
  g_assert_nonnull (strstr (contents, "Share login"));
  g_assert_nonnull (strstr (contents, "/api/v1/auth/transfer-tokens/redeem"));
  for (guint i = 0; i < issued_tokens->len; i++)
    g_assert_null (strstr (contents, g_ptr_array_index (issued_tokens, i)));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  dir = td_test_make_tmp_dir ();
  log_path = g_build_filename (dir, "server.log", NULL);
  issued_tokens = g_ptr_array_new_with_free_func (g_free);

  /* Everything the server's own domains log, access log included (not the test's). */
  g_setenv ("G_MESSAGES_DEBUG", "td-http td-api td-auth td-public td-store-accounts", TRUE);
  server = td_test_server_start_with_log ("demo", log_path);
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
  session = td_test_session_new ();

  g_test_add_func ("/accounts/transfer-happy-path", test_transfer_happy_path);
  g_test_add_func ("/accounts/transfer-single-use", test_transfer_single_use);
  g_test_add_func ("/accounts/transfer-parallel-redeem", test_transfer_parallel_redeem);
  g_test_add_func ("/accounts/transfer-revoked-with-session", test_transfer_revoked_with_session);
  g_test_add_func ("/accounts/transfer-expired", test_transfer_expired);
  g_test_add_func ("/accounts/landing-page", test_landing_page);
  g_test_add_func ("/accounts/sessions", test_sessions);
  g_test_add_func ("/accounts/password-common-list", test_common_passwords);
  g_test_add_func ("/accounts/password-change", test_password_change);
  g_test_add_func ("/accounts/throttle-account", test_throttle_account);
  g_test_add_func ("/accounts/throttle-address", test_throttle_address);
  g_test_add_func ("/accounts/patch-me", test_patch_me);
  g_test_add_func ("/accounts/tokens-not-logged", test_tokens_not_logged);

  result = g_test_run ();

  g_object_unref (session);
  td_test_server_free (server);
  g_ptr_array_unref (issued_tokens);
  td_test_remove_dir (dir);
  g_free (log_path);
  return result;
}
