/* test-http-auth.c: login, /me, logout and the error format over real HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-server-test-util.h"
#include "td-test-server.h"

static TdTestServer *server;
static SoupSession *session;

static const char *
url (void)
{
  return td_test_server_get_url (server);
}

static gboolean
strv_member_contains (JsonObject *object,
                      const char *member,
                      const char *value)
{
  JsonArray *array = json_object_get_array_member (object, member);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;

  return FALSE;
}

static TdTestResponse *
post_login (const char *body,
            gssize      length)
{
  return td_test_request (session, "POST", url (), "/api/v1/auth/login", NULL, body, length);
}

static void
test_login_employee (void)
{
  g_autoptr(TdTestResponse) response =
    post_login ("{\"email\":\"Admin@Acme.test \",\"password\":\"" TD_DEMO_PASSWORD "\"}", -1);
  JsonObject *body, *user, *organization;
  gint64 expires;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Type"), ==,
                   "application/json; charset=utf-8");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Cache-Control"), ==, "no-store");

  body = td_test_response_object (response);
  g_assert_cmpuint (strlen (json_object_get_string_member (body, "token")), ==, 43);

  /* 30 days, give or take the test's own run time. */
  {
    g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (json_object_get_string_member (body, "expires_at"), NULL);

    g_assert_nonnull (at);
    expires = g_date_time_to_unix (at) - g_get_real_time () / G_USEC_PER_SEC;
    g_assert_cmpint (expires, >, 30 * 86400 - 120);
    g_assert_cmpint (expires, <=, 30 * 86400);
  }

  user = json_object_get_object_member (body, "user");
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (user, "id")));
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, "admin@acme.test");
  g_assert_cmpstr (json_object_get_string_member (user, "first_name"), ==, "Ada");
  g_assert_cmpstr (json_object_get_string_member (user, "last_name"), ==, "Admin");
  g_assert_cmpstr (json_object_get_string_member (user, "display_name"), ==, "Ada Admin");
  g_assert_cmpstr (json_object_get_string_member (user, "login_type"), ==, "employee");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "admin");
  g_assert_true (json_object_get_null_member (user, "customer"));
  organization = json_object_get_object_member (user, "organization");
  g_assert_cmpstr (json_object_get_string_member (organization, "name"), ==, "Acme Service");
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (organization, "id")));

  g_assert_true (strv_member_contains (user, "modules", "templates"));
  g_assert_true (strv_member_contains (user, "modules", "customers"));
  g_assert_true (strv_member_contains (user, "permissions", "company.manage"));
  g_assert_false (json_object_has_member (user, "password_hash"));
  g_assert_false (json_object_has_member (user, "status"));
}

static void
test_login_customer (void)
{
  g_autoptr(TdTestResponse) response =
    post_login ("{\"email\":\"member@globex.test\",\"password\":\"" TD_DEMO_PASSWORD "\"}", -1);
  JsonObject *user;
  JsonObject *customer;

  g_assert_cmpuint (response->status, ==, 200);
  user = json_object_get_object_member (td_test_response_object (response), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "login_type"), ==, "customer");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "member");
  customer = json_object_get_object_member (user, "customer");
  g_assert_nonnull (customer);
  g_assert_cmpstr (json_object_get_string_member (customer, "name"), ==, "Globex");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (user, "organization"), "name"),
                   ==, "Acme Service");

  /* DOMAIN.md §2: customer login sees everything but Templates and Customers. */
  g_assert_false (strv_member_contains (user, "modules", "templates"));
  g_assert_false (strv_member_contains (user, "modules", "customers"));
  g_assert_true (strv_member_contains (user, "modules", "tickets"));
  g_assert_true (strv_member_contains (user, "modules", "my-company"));
  g_assert_false (strv_member_contains (user, "permissions", "cases.delete"));
}

static void
test_login_every_demo_user (void)
{
  const char *emails[] = {
    "admin@acme.test", "deptadmin@acme.test", "creator@acme.test", "moderator@acme.test",
    "member@acme.test", "admin@globex.test", "moderator@globex.test", "member@globex.test",
  };
  const char *roles[] = {
    "admin", "department_admin", "content_creator", "moderator", "member",
    "admin", "moderator", "member",
  };

  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      g_autofree char *token = td_test_login (session, url (), emails[i], TD_DEMO_PASSWORD);
      g_autoptr(TdTestResponse) me = td_test_request (session, "GET", url (), "/api/v1/me", token, NULL, 0);
      JsonObject *user;

      g_assert_cmpuint (me->status, ==, 200);
      user = td_test_response_object (me);
      g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, emails[i]);
      g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, roles[i]);
      g_assert_cmpstr (json_object_get_string_member (user, "first_name"), !=, "");
      g_assert_cmpstr (json_object_get_string_member (user, "last_name"), !=, "");
    }
}

static void
test_wrong_password_and_unknown_user (void)
{
  g_autoptr(TdTestResponse) wrong =
    post_login ("{\"email\":\"admin@acme.test\",\"password\":\"not-the-password\"}", -1);
  g_autoptr(TdTestResponse) unknown =
    post_login ("{\"email\":\"nobody@acme.test\",\"password\":\"not-the-password\"}", -1);

  td_test_assert_error (wrong, 401, "invalid_credentials", NULL);
  td_test_assert_error (unknown, 401, "invalid_credentials", NULL);

  /* Byte for byte the same answer: nothing tells the two apart. */
  g_assert_true (g_bytes_equal (wrong->body, unknown->body));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     td_test_response_object (wrong), "error"), "message"), ==, "Wrong email or password");
}

static void
test_bad_bodies (void)
{
  const struct
  {
    const char *body;
    gssize      length;
    const char *code;
    const char *field;
  } cases[] = {
    { "", 0, "invalid_json", NULL },
    { "   ", -1, "invalid_json", NULL },
    { "null", -1, "invalid_json", NULL },
    { "[1,2]", -1, "invalid_json", NULL },
    { "\"admin@acme.test\"", -1, "invalid_json", NULL },
    { "{\"email\":", -1, "invalid_json", NULL },
    { "{\"email\":\"\xff\xfe\",\"password\":\"x\"}", -1, "invalid_json", NULL },
    { "{\"email\":\"a@b.c\",\"password\":\"x\0\"}", 33, "invalid_json", NULL },
    { "{}", -1, "invalid_field", "email" },
    { "{\"password\":\"" TD_DEMO_PASSWORD "\"}", -1, "invalid_field", "email" },
    { "{\"email\":\"admin@acme.test\"}", -1, "invalid_field", "password" },
    { "{\"email\":5,\"password\":\"x\"}", -1, "invalid_field", "email" },
    { "{\"email\":{},\"password\":\"x\"}", -1, "invalid_field", "email" },
    { "{\"email\":\"admin@acme.test\",\"password\":[\"x\"]}", -1, "invalid_field", "password" },
    { "{\"email\":\"admin@acme.test\",\"password\":true}", -1, "invalid_field", "password" },
    { "{\"email\":\"admin@acme.test\",\"password\":null}", -1, "invalid_field", "password" },
    { "{\"email\":\"admin@acme.test\",\"password\":\"\"}", -1, "invalid_field", "password" },
    { "{\"email\":\"not an address\",\"password\":\"x\"}", -1, "invalid_field", "email" },
    { "{\"email\":\"admin@acme\",\"password\":\"x\"}", -1, "invalid_field", "email" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TdTestResponse) response = post_login (cases[i].body, cases[i].length);
      g_autofree char *printable = g_strescape (cases[i].body, NULL);

      g_test_message ("case %u: %s", i, printable);
      td_test_assert_error (response, 400, cases[i].code, cases[i].field);
    }
}

static void
test_overlong_fields (void)
{
  g_autoptr(GString) email = g_string_new (NULL);
  g_autoptr(GString) password = g_string_new (NULL);
  g_autofree char *body_email = NULL;
  g_autofree char *body_password = NULL;
  g_autoptr(TdTestResponse) long_email = NULL;
  g_autoptr(TdTestResponse) long_password = NULL;

  for (int i = 0; i < 300; i++)
    g_string_append_c (email, 'a');
  g_string_append (email, "@acme.test");
  for (int i = 0; i < 129; i++)
    g_string_append_c (password, 'p');

  body_email = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"x\"}", email->str);
  body_password = g_strdup_printf ("{\"email\":\"admin@acme.test\",\"password\":\"%s\"}", password->str);
  long_email = post_login (body_email, -1);
  long_password = post_login (body_password, -1);

  td_test_assert_error (long_email, 400, "invalid_field", "email");
  td_test_assert_error (long_password, 400, "invalid_field", "password");
}

static void
test_unknown_fields_ignored (void)
{
  g_autoptr(TdTestResponse) response =
    post_login ("{\"email\":\"creator@acme.test\",\"password\":\"" TD_DEMO_PASSWORD "\","
                "\"role\":\"admin\",\"org_id\":\"x\",\"remember\":true}", -1);
  JsonObject *user;

  g_assert_cmpuint (response->status, ==, 200);
  user = json_object_get_object_member (td_test_response_object (response), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "content_creator");
}

static void
test_me_and_logout (void)
{
  g_autofree char *token = td_test_login (session, url (), "moderator@acme.test", TD_DEMO_PASSWORD);
  g_autofree char *other = td_test_login (session, url (), "moderator@acme.test", TD_DEMO_PASSWORD);
  g_autoptr(TdTestResponse) anonymous = td_test_request (session, "GET", url (), "/api/v1/me", NULL, NULL, 0);
  g_autoptr(TdTestResponse) garbage = td_test_request (session, "GET", url (), "/api/v1/me", "no-such-token", NULL, 0);
  g_autoptr(TdTestResponse) me = td_test_request (session, "GET", url (), "/api/v1/me", token, NULL, 0);
  g_autoptr(TdTestResponse) logout = NULL;
  g_autoptr(TdTestResponse) after = NULL;
  g_autoptr(TdTestResponse) again = NULL;
  g_autoptr(TdTestResponse) still = NULL;

  td_test_assert_error (anonymous, 401, "unauthorized", NULL);
  g_assert_nonnull (soup_message_headers_get_one (anonymous->headers, "WWW-Authenticate"));
  td_test_assert_error (garbage, 401, "unauthorized", NULL);

  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (td_test_response_object (me), "email"), ==,
                   "moderator@acme.test");
  g_assert_true (json_object_has_member (td_test_response_object (me), "permissions"));

  logout = td_test_request (session, "POST", url (), "/api/v1/auth/logout", token, NULL, 0);
  g_assert_cmpuint (logout->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (logout->body), ==, 0);

  after = td_test_request (session, "GET", url (), "/api/v1/me", token, NULL, 0);
  td_test_assert_error (after, 401, "unauthorized", NULL);
  again = td_test_request (session, "POST", url (), "/api/v1/auth/logout", token, NULL, 0);
  td_test_assert_error (again, 401, "unauthorized", NULL);

  /* Only the session that logged out is gone. */
  still = td_test_request (session, "GET", url (), "/api/v1/me", other, NULL, 0);
  g_assert_cmpuint (still->status, ==, 200);
}

static void
test_not_found_and_method (void)
{
  g_autoptr(TdTestResponse) missing = td_test_request (session, "GET", url (), "/api/v1/nothing", NULL, NULL, 0);
  g_autoptr(TdTestResponse) root = td_test_request (session, "GET", url (), "/", NULL, NULL, 0);
  g_autoptr(TdTestResponse) wrong = td_test_request (session, "GET", url (), "/api/v1/auth/login", NULL, NULL, 0);
  g_autoptr(TdTestResponse) delete = td_test_request (session, "DELETE", url (), "/api/v1/health", NULL, NULL, 0);

  td_test_assert_error (missing, 404, "not_found", NULL);
  td_test_assert_error (root, 404, "not_found", NULL);
  td_test_assert_error (wrong, 405, "method_not_allowed", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (wrong->headers, "Allow"), ==, "POST");
  td_test_assert_error (delete, 405, "method_not_allowed", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (delete->headers, "Allow"), ==, "GET");
}

static void
test_health (void)
{
  g_autoptr(TdTestResponse) response = td_test_request (session, "GET", url (), "/api/v1/health", NULL, NULL, 0);
  JsonObject *body;

  g_assert_cmpuint (response->status, ==, 200);
  body = td_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (body, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (body, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (json_object_get_string_member (body, "database"), ==, "ok");
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  server = td_test_server_start ("demo");
  session = td_test_session_new ();

  g_test_add_func ("/server/http/health", test_health);
  g_test_add_func ("/server/auth/login-employee", test_login_employee);
  g_test_add_func ("/server/auth/login-customer", test_login_customer);
  g_test_add_func ("/server/auth/login-every-demo-user", test_login_every_demo_user);
  g_test_add_func ("/server/auth/wrong-password-unknown-user", test_wrong_password_and_unknown_user);
  g_test_add_func ("/server/auth/bad-bodies", test_bad_bodies);
  g_test_add_func ("/server/auth/overlong-fields", test_overlong_fields);
  g_test_add_func ("/server/auth/unknown-fields-ignored", test_unknown_fields_ignored);
  g_test_add_func ("/server/auth/me-and-logout", test_me_and_logout);
  g_test_add_func ("/server/http/not-found-and-method", test_not_found_and_method);

  result = g_test_run ();

  g_object_unref (session);
  td_test_server_free (server);
  return result;
}
