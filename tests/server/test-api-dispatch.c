/* test-api-dispatch.c: the API without HTTP
 *
 * td_api_dispatch() takes and returns plain structs, so the handlers run here in process,
 * with no socket and no libsoup: the proof that they are transport-independent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api.h"
#include "td-auth.h"
#include "td-db-pool.h"
#include "td-migrations.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"

static char *dir;
static TdDbPool *pool;
static TdApi *api;
static TdTestDemoApi *demo;

static TdApiResponse *
dispatch (const char *method,
          const char *path,
          const char *token,
          const char *body)
{
  g_autoptr(TdApiRequest) request = td_api_request_new (method, path);

  if (token != NULL)
    request->authorization = g_strdup_printf ("Bearer %s", token);
  if (body != NULL)
    td_api_request_set_body (request, body, strlen (body));
  request->user_agent = g_strdup ("test-api-dispatch");

  return td_api_dispatch (api, request);
}

static JsonObject *
body_object (TdApiResponse *response,
             JsonNode     **out_node)
{
  *out_node = td_api_response_parse_body (response);
  g_assert_nonnull (*out_node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*out_node));
  g_assert_cmpstr (response->content_type, ==, "application/json; charset=utf-8");
  return json_node_get_object (*out_node);
}

static void
assert_error (TdApiResponse *response,
              guint          status,
              const char    *code)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *error;

  g_assert_cmpuint (response->status, ==, status);
  error = json_object_get_object_member (body_object (response, &node), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
}

static char *
login (const char *email)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                           TD_SEED_DEMO_PASSWORD);
  g_autoptr(TdApiResponse) response = dispatch ("POST", "/api/v1/auth/login", NULL, body);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  return g_strdup (json_object_get_string_member (body_object (response, &node), "token"));
}

static void
test_health (void)
{
  g_autoptr(TdApiResponse) response = dispatch ("GET", "/api/v1/health", NULL, NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *body;

  g_assert_cmpuint (response->status, ==, 200);
  body = body_object (response, &node);
  g_assert_cmpstr (json_object_get_string_member (body, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (body, "database"), ==, "ok");
  g_assert_cmpstr (td_api_response_get_header (response, "Cache-Control"), ==, "no-store");
}

static void
test_login_me_logout (void)
{
  g_autofree char *token = login ("deptadmin@acme.test");
  g_autoptr(TdApiResponse) me = dispatch ("GET", "/api/v1/me", token, NULL);
  g_autoptr(TdApiResponse) logout = NULL;
  g_autoptr(TdApiResponse) after = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *user;

  g_assert_cmpuint (me->status, ==, 200);
  user = body_object (me, &node);
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, "deptadmin@acme.test");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "department_admin");
  g_assert_cmpstr (json_object_get_string_member (user, "login_type"), ==, "employee");

  logout = dispatch ("POST", "/api/v1/auth/logout", token, NULL);
  g_assert_cmpuint (logout->status, ==, 204);
  g_assert_null (logout->body);

  after = dispatch ("GET", "/api/v1/me", token, NULL);
  assert_error (after, 401, "unauthorized");
  g_assert_nonnull (td_api_response_get_header (after, "WWW-Authenticate"));
}

static void
test_credentials (void)
{
  g_autoptr(TdApiResponse) wrong = dispatch ("POST", "/api/v1/auth/login", NULL,
                                             "{\"email\":\"admin@acme.test\",\"password\":\"nope\"}");
  g_autoptr(TdApiResponse) unknown = dispatch ("POST", "/api/v1/auth/login", NULL,
                                               "{\"email\":\"ghost@acme.test\",\"password\":\"nope\"}");

  assert_error (wrong, 401, "invalid_credentials");
  assert_error (unknown, 401, "invalid_credentials");
  g_assert_true (g_bytes_equal (wrong->body, unknown->body));
}

static void
test_bad_requests (void)
{
  g_autoptr(TdApiResponse) empty = dispatch ("POST", "/api/v1/auth/login", NULL, NULL);
  g_autoptr(TdApiResponse) array = dispatch ("POST", "/api/v1/auth/login", NULL, "[]");
  g_autoptr(TdApiResponse) field = dispatch ("POST", "/api/v1/auth/login", NULL, "{\"email\":1}");
  g_autoptr(TdApiRequest) huge = td_api_request_new ("POST", "/api/v1/auth/login");
  g_autoptr(TdApiResponse) too_large = NULL;
  g_autoptr(TdApiRequest) deep = td_api_request_new ("POST", "/api/v1/auth/login");
  g_autoptr(TdApiResponse) too_deep = NULL;
  g_autofree char *brackets = g_malloc (100 * 1024);
  g_autoptr(JsonNode) node = NULL;

  assert_error (empty, 400, "invalid_json");
  assert_error (array, 400, "invalid_json");
  assert_error (field, 400, "invalid_field");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     body_object (field, &node), "error"), "field"), ==, "email");

  /* The dispatcher enforces the limit too, whatever the transport did. */
  td_api_request_take_body (huge, g_bytes_new_take (g_malloc0 (TD_API_MAX_BODY_BYTES + 1),
                                                    TD_API_MAX_BODY_BYTES + 1));
  too_large = td_api_dispatch (api, huge);
  assert_error (too_large, 413, "payload_too_large");

  memset (brackets, '[', 100 * 1024);
  td_api_request_set_body (deep, brackets, 100 * 1024);
  too_deep = td_api_dispatch (api, deep);
  assert_error (too_deep, 400, "too_deep");
}

static void
test_routing (void)
{
  g_autoptr(TdApiResponse) missing = dispatch ("GET", "/api/v1/missing", NULL, NULL);
  g_autoptr(TdApiResponse) trailing = dispatch ("GET", "/api/v1/me/", NULL, NULL);
  g_autoptr(TdApiResponse) method = dispatch ("PUT", "/api/v1/auth/logout", NULL, NULL);
  g_autoptr(TdApiResponse) unauthenticated = dispatch ("GET", "/api/v1/me", NULL, NULL);
  g_autoptr(TdApiRequest) login_request = td_api_request_new ("POST", "/api/v1/auth/login");
  g_autoptr(TdApiRequest) health_request = td_api_request_new ("GET", "/api/v1/health");
  g_autoptr(TdApiRequest) wrong_method = td_api_request_new ("GET", "/api/v1/auth/login");

  assert_error (missing, 404, "not_found");
  assert_error (trailing, 404, "not_found");
  assert_error (method, 405, "method_not_allowed");
  g_assert_cmpstr (td_api_response_get_header (method, "Allow"), ==, "POST");
  /* 405 is decided before authentication: the route table is no secret. */
  assert_error (unauthenticated, 401, "unauthorized");

  g_assert_cmpint (td_api_classify (api, login_request), ==, TD_API_COST_SLOW);
  g_assert_cmpint (td_api_classify (api, health_request), ==, TD_API_COST_NORMAL);
  g_assert_cmpint (td_api_classify (api, wrong_method), ==, TD_API_COST_NORMAL);
}

static void
test_bearer_parsing (void)
{
  const struct { const char *header; const char *token; } cases[] = {
    { "Bearer abc-DEF_123", "abc-DEF_123" },
    { "bearer   abc  ", "abc" },
    { "BEARER abc=", "abc=" },
    { "Basic YWxhZGRpbjpvcGVuc2VzYW1l", NULL },
    { "Bearer", NULL },
    { "Bearer ", NULL },
    { "Bearer a b", NULL },
    { "Bearer a\"b", NULL },
    { "Bearer \xc3\xa4", NULL },
    { "", NULL },
    { NULL, NULL },
  };
  g_autoptr(GString) long_header = g_string_new ("Bearer ");
  g_autofree char *parsed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = td_auth_parse_bearer (cases[i].header);

      g_assert_cmpstr (token, ==, cases[i].token);
    }

  for (int i = 0; i < TD_BEARER_MAX_LENGTH + 1; i++)
    g_string_append_c (long_header, 'a');
  parsed = td_auth_parse_bearer (long_header->str);
  g_assert_null (parsed);
}

static void
test_malformed_bearer_is_401 (void)
{
  g_autoptr(TdApiRequest) request = td_api_request_new ("GET", "/api/v1/me");
  g_autoptr(TdApiResponse) response = NULL;

  request->authorization = g_strdup ("Basic YWRtaW46dHdpbmRlc2stZGVtbw==");
  response = td_api_dispatch (api, request);
  assert_error (response, 401, "unauthorized");
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  demo = td_test_demo_api_new ("dispatch.db");
  dir = demo->dir;
  pool = demo->pool;
  api = demo->api;

  g_test_add_func ("/server/api/health", test_health);
  g_test_add_func ("/server/api/login-me-logout", test_login_me_logout);
  g_test_add_func ("/server/api/credentials", test_credentials);
  g_test_add_func ("/server/api/bad-requests", test_bad_requests);
  g_test_add_func ("/server/api/routing", test_routing);
  g_test_add_func ("/server/api/bearer-parsing", test_bearer_parsing);
  g_test_add_func ("/server/api/malformed-bearer", test_malformed_bearer_is_401);

  result = g_test_run ();

  td_test_demo_api_free (demo);
  return result;
}
