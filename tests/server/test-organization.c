/* test-organization.c: the organization area through td_api_dispatch()
 *
 * Departments, employees, invitations, customers with their departments and team mappings,
 * teams, meta teams, labels, /organization and /company, on the demo data, signed in as the
 * demo users. The tests share one database and run in order; each leaves what it changed
 * in a state the later ones expect (isolation goes back to off).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api.h"
#include "td-db-pool.h"
#include "td-json.h"
#include "td-migrations.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"

static char *dir;
static TdDbPool *pool;
static TdApi *api;
static TdTestDemoApi *demo;
static GHashTable *tokens;

static TdApiResponse *
request (const char *method,
         const char *path,
         const char *token,
         const char *body,
         const char *if_match)
{
  g_autoptr(TdApiRequest) req = td_api_request_new (method, path);
  char *query = strchr (req->path, '?');

  if (query != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (query + 1, "&", -1);

      *query = '\0';
      for (guint i = 0; pairs[i] != NULL; i++)
        {
          g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

          g_hash_table_insert (req->query, g_strdup (kv[0]), g_strdup (kv[1] ? kv[1] : ""));
        }
    }
  if (token != NULL)
    req->authorization = g_strdup_printf ("Bearer %s", token);
  if (body != NULL)
    td_api_request_set_body (req, body, strlen (body));
  if (if_match != NULL)
    req->if_match = g_strdup (if_match);
  req->user_agent = g_strdup ("test-organization");

  return td_api_dispatch (api, req);
}

static const char *
token_for (const char *email)
{
  const char *token = g_hash_table_lookup (tokens, email);
  g_autofree char *body = NULL;
  g_autoptr(TdApiResponse) response = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (token != NULL)
    return token;

  body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, TD_SEED_DEMO_PASSWORD);
  response = request ("POST", "/api/v1/auth/login", NULL, body, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  node = td_api_response_parse_body (response);
  token = json_object_get_string_member (json_node_get_object (node), "token");
  g_hash_table_insert (tokens, g_strdup (email), g_strdup (token));
  return g_hash_table_lookup (tokens, email);
}

/* @method @path as @email, asserting the status; returns the body (NULL for 204). */
static JsonNode *
call_as (const char *email,
         const char *method,
         const char *path,
         const char *body,
         const char *if_match,
         guint       status)
{
  g_autoptr(TdApiResponse) response = request (method, path, email ? token_for (email) : NULL,
                                               body, if_match);

  if (response->status != status)
    g_test_message ("%s %s as %s: %u %.*s", method, path, email, response->status,
                    response->body ? (int) g_bytes_get_size (response->body) : 0,
                    response->body ? (const char *) g_bytes_get_data (response->body, NULL) : "");
  g_assert_cmpuint (response->status, ==, status);
  return response->body != NULL ? td_api_response_parse_body (response) : NULL;
}

static const char *
member_string (JsonNode   *node,
               const char *member)
{
  return json_object_get_string_member (json_node_get_object (node), member);
}

static gint64
version_of (JsonNode *node)
{
  return json_object_get_int_member (json_node_get_object (node), "version");
}

static char *
if_match (JsonNode *node)
{
  return g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version_of (node));
}

static JsonArray *
items (JsonNode *node)
{
  return json_object_get_array_member (json_node_get_object (node), "items");
}

static void
assert_error_code (JsonNode   *node,
                   const char *code)
{
  JsonObject *error = json_object_get_object_member (json_node_get_object (node), "error");

  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
}

/* The id of the one row @sql (with one ? for @arg) finds. */
static char *
lookup (const char *sql,
        const char *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDb *db = td_db_pool_acquire (pool, &error);
  char *result = NULL;

  g_assert_no_error (error);
  stmt = td_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  if (arg != NULL)
    td_db_stmt_bind_text (stmt, 1, arg);
  if (td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW)
    result = td_db_stmt_dup_text (stmt, 0);
  g_assert_no_error (error);
  g_clear_pointer (&stmt, td_db_stmt_free);
  td_db_pool_release (pool, db);
  return result;
}

static char *
user_id (const char *email)
{
  return lookup ("SELECT id FROM employees WHERE email = ? AND deleted = 0", email);
}

static char *
customer_id (const char *number)
{
  return lookup ("SELECT id FROM customers WHERE customer_number = ? AND deleted = 0", number);
}

static char *
department_id (const char *name)
{
  return lookup ("SELECT id FROM departments WHERE name = ? AND deleted = 0", name);
}

static gboolean
list_contains (JsonNode   *list,
               const char *id)
{
  JsonArray *array = items (list);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "id"),
                   id) == 0)
      return TRUE;
  return FALSE;
}

static void
test_seed (void)
{
  g_autoptr(JsonNode) departments = call_as ("admin@acme.test", "GET", "/api/v1/departments",
                                             NULL, NULL, 200);
  g_autoptr(JsonNode) labels = call_as ("admin@acme.test", "GET", "/api/v1/labels?limit=100",
                                        NULL, NULL, 200);
  g_autoptr(JsonNode) teams = call_as ("admin@acme.test", "GET", "/api/v1/teams", NULL, NULL, 200);
  g_autoptr(JsonNode) meta = call_as ("admin@acme.test", "GET", "/api/v1/meta-teams", NULL, NULL, 200);
  g_autoptr(JsonNode) customers = call_as ("admin@acme.test", "GET", "/api/v1/customers", NULL,
                                           NULL, 200);
  g_autofree char *globex = customer_id ("C-10001");
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%s/departments", globex);
  g_autoptr(JsonNode) globex_departments = call_as ("admin@acme.test", "GET", path, NULL, NULL, 200);
  g_autofree char *north = department_id ("North");
  g_autofree char *deptadmin_departments = lookup ("SELECT departments FROM employees WHERE email = ?",
                                                   "deptadmin@acme.test");

  g_assert_cmpuint (json_array_get_length (items (departments)), ==, 2);
  g_assert_cmpuint (json_array_get_length (items (labels)), ==, 8);
  g_assert_cmpuint (json_array_get_length (items (teams)), ==, 4);
  g_assert_cmpuint (json_array_get_length (items (meta)), ==, 2);
  g_assert_cmpuint (json_array_get_length (items (customers)), ==, 5);
  g_assert_cmpuint (json_array_get_length (items (globex_departments)), ==, 2);
  g_assert_nonnull (strstr (deptadmin_departments, north));

  /* The Initech logins work. */
  g_assert_nonnull (token_for ("admin@initech.test"));
  g_assert_nonnull (token_for ("nora.north@acme.test"));
}

static void
test_departments (void)
{
  g_autoptr(JsonNode) created = NULL;
  JsonNode *error = NULL;
  g_autoptr(JsonNode) patched = NULL;
  g_autoptr(JsonNode) empty = NULL;
  g_autofree char *path = NULL;
  g_autofree char *north_path = NULL;
  g_autofree char *north = department_id ("North");
  g_autofree char *etag = NULL;
  g_autoptr(JsonNode) north_node = NULL;
  g_autofree char *north_etag = NULL;

  created = call_as ("admin@acme.test", "POST", "/api/v1/departments",
                     "{\"name\":\"East\",\"address\":\"Ostring 1\",\"contact\":{\"phone\":\"1\"}}",
                     NULL, 201);
  g_assert_cmpstr (member_string (created, "name"), ==, "East");
  path = g_strdup_printf ("/api/v1/departments/%s", member_string (created, "id"));

  error = call_as ("admin@acme.test", "POST", "/api/v1/departments", "{\"address\":\"x\"}", NULL, 400);
  assert_error_code (error, "invalid_field");
  json_node_unref (error);
  error = call_as ("admin@acme.test", "POST", "/api/v1/departments", "{\"name\":42}", NULL, 400);
  json_node_unref (error);
  error = call_as ("admin@acme.test", "POST", "/api/v1/departments",
                   "{\"name\":\"x\",\"contact\":\"not an object\"}", NULL, 400);
  json_node_unref (error);
  error = call_as ("deptadmin@acme.test", "POST", "/api/v1/departments", "{\"name\":\"West\"}",
                   NULL, 403);
  json_node_unref (error);

  etag = if_match (created);
  patched = call_as ("admin@acme.test", "PATCH", path, "{\"name\":\"East Side\"}", etag, 200);
  g_assert_cmpstr (member_string (patched, "name"), ==, "East Side");
  error = call_as ("admin@acme.test", "PATCH", path, "{\"name\":\"Stale\"}", etag, 412);
  json_node_unref (error);
  error = call_as ("admin@acme.test", "PATCH", path, "{\"name\":\"No version\"}", NULL, 428);
  json_node_unref (error);

  /* Customer-login users see no departments of the operator. */
  empty = call_as ("member@globex.test", "GET", "/api/v1/departments", NULL, NULL, 200);
  g_assert_cmpuint (json_array_get_length (items (empty)), ==, 0);

  /* A department with employees stays. */
  north_path = g_strdup_printf ("/api/v1/departments/%s", north);
  north_node = call_as ("admin@acme.test", "GET", north_path, NULL, NULL, 200);
  north_etag = if_match (north_node);
  error = call_as ("admin@acme.test", "DELETE", north_path, NULL, north_etag, 409);
  json_node_unref (error);

  g_clear_pointer (&etag, g_free);
  etag = if_match (patched);
  g_assert_null (call_as ("admin@acme.test", "DELETE", path, NULL, etag, 204));
  error = call_as ("admin@acme.test", "GET", path, NULL, NULL, 404);
  json_node_unref (error);
}

static void
test_employees_scope (void)
{
  g_autoptr(JsonNode) all = call_as ("admin@acme.test", "GET", "/api/v1/employees?limit=200", NULL,
                                     NULL, 200);
  g_autoptr(JsonNode) globex = call_as ("member@globex.test", "GET", "/api/v1/employees?limit=200",
                                        NULL, NULL, 200);
  g_autofree char *globex_id = customer_id ("C-10001");
  g_autofree char *initech_admin = user_id ("admin@initech.test");
  g_autofree char *path = g_strdup_printf ("/api/v1/employees/%s", initech_admin);
  g_autoptr(JsonNode) hidden = NULL;
  g_autoptr(JsonNode) method = NULL;
  JsonArray *array = items (globex);

  /* Employees see the operator's employees and the customer users. */
  g_assert_true (list_contains (all, initech_admin));
  g_assert_cmpuint (json_array_get_length (items (all)), ==, 21);

  /* Globex users see their own company only, and Initech users do not exist for them. */
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *user = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (user, "customer_id"), ==, globex_id);
      g_assert_false (json_object_has_member (user, "password_hash"));
    }
  hidden = call_as ("member@globex.test", "GET", path, NULL, NULL, 404);
  assert_error_code (hidden, "not_found");

  /* Users come from invitations only. */
  method = call_as ("admin@acme.test", "POST", "/api/v1/employees",
                    "{\"email\":\"x@acme.test\",\"role\":\"member\"}", NULL, 405);
  assert_error_code (method, "method_not_allowed");
}

static void
test_employees_roles (void)
{
  g_autofree char *nele = user_id ("nele.hansen@acme.test");
  g_autofree char *nele_path = g_strdup_printf ("/api/v1/employees/%s", nele);
  g_autofree char *admin = user_id ("admin@acme.test");
  g_autofree char *admin_path = g_strdup_printf ("/api/v1/employees/%s", admin);
  g_autofree char *sam = user_id ("sam.south@acme.test");
  g_autofree char *sam_path = g_strdup_printf ("/api/v1/employees/%s", sam);
  g_autofree char *south = department_id ("South");
  g_autofree char *north = department_id ("North");
  g_autofree char *body = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(JsonNode) node = call_as ("admin@acme.test", "GET", nele_path, NULL, NULL, 200);
  g_autoptr(JsonNode) me = call_as ("admin@acme.test", "GET", admin_path, NULL, NULL, 200);
  g_autoptr(JsonNode) sam_node = call_as ("admin@acme.test", "GET", sam_path, NULL, NULL, 200);
  JsonNode *result;

  g_assert_cmpstr (member_string (node, "role"), ==, "member");
  g_assert_cmpstr (member_string (node, "email"), ==, "nele.hansen@acme.test");
  etag = if_match (node);

  /* A department administrator edits names in their department, nothing more. */
  result = call_as ("deptadmin@acme.test", "PATCH", nele_path, "{\"role\":\"content_creator\"}",
                    etag, 403);
  json_node_unref (result);
  body = g_strdup_printf ("{\"departments\":[\"%s\",\"%s\"]}", north, south);
  result = call_as ("deptadmin@acme.test", "PATCH", nele_path, body, etag, 422);
  assert_error_code (result, "invalid_reference");
  json_node_unref (result);
  result = call_as ("deptadmin@acme.test", "PATCH", nele_path,
                    "{\"first_name\":\"Nele Marie\",\"email\":\"evil@acme.test\"}", etag, 200);
  g_assert_cmpstr (member_string (result, "first_name"), ==, "Nele Marie");
  g_assert_cmpstr (member_string (result, "email"), ==, "nele.hansen@acme.test");
  g_clear_pointer (&etag, g_free);
  etag = if_match (result);
  json_node_unref (result);

  /* …and not outside it (South). */
  {
    g_autofree char *sam_etag = if_match (sam_node);

    result = call_as ("deptadmin@acme.test", "PATCH", sam_path, "{\"first_name\":\"S\"}",
                      sam_etag, 403);
    json_node_unref (result);
  }

  /* The administrator changes roles, but not their own. */
  result = call_as ("admin@acme.test", "PATCH", nele_path, "{\"role\":\"moderator\"}", etag, 200);
  g_assert_cmpstr (member_string (result, "role"), ==, "moderator");
  g_clear_pointer (&etag, g_free);
  etag = if_match (result);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", nele_path, "{\"role\":\"chief\"}", etag, 400);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", nele_path, "{\"status\":\"invited\"}", etag, 400);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", nele_path, "{\"status\":\"disabled\"}", etag, 200);
  g_assert_cmpstr (member_string (result, "status"), ==, "disabled");
  g_clear_pointer (&etag, g_free);
  etag = if_match (result);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", nele_path, "{\"status\":\"active\"}", etag, 200);
  json_node_unref (result);

  {
    g_autofree char *me_etag = if_match (me);

    result = call_as ("admin@acme.test", "PATCH", admin_path, "{\"role\":\"member\"}", me_etag, 403);
    json_node_unref (result);
    result = call_as ("admin@acme.test", "DELETE", admin_path, NULL, me_etag, 409);
    json_node_unref (result);
  }

  /* Members manage nobody. */
  result = call_as ("member@acme.test", "PATCH", nele_path, "{\"first_name\":\"X\"}", "\"1\"", 403);
  json_node_unref (result);
}

static void
test_customer_admin_users (void)
{
  g_autofree char *member = user_id ("member@globex.test");
  g_autofree char *path = g_strdup_printf ("/api/v1/employees/%s", member);
  g_autofree char *initech = user_id ("member@initech.test");
  g_autofree char *initech_path = g_strdup_printf ("/api/v1/employees/%s", initech);
  g_autoptr(JsonNode) node = call_as ("admin@globex.test", "GET", path, NULL, NULL, 200);
  g_autofree char *etag = if_match (node);
  JsonNode *result;

  result = call_as ("admin@globex.test", "PATCH", path, "{\"role\":\"department_admin\"}", etag, 400);
  json_node_unref (result);
  result = call_as ("admin@globex.test", "PATCH", path, "{\"role\":\"moderator\"}", etag, 200);
  g_assert_cmpstr (member_string (result, "role"), ==, "moderator");
  g_clear_pointer (&etag, g_free);
  etag = if_match (result);
  json_node_unref (result);
  result = call_as ("admin@globex.test", "PATCH", path, "{\"role\":\"member\"}", etag, 200);
  json_node_unref (result);

  /* Another company's users do not exist for them. */
  result = call_as ("admin@globex.test", "PATCH", initech_path, "{\"first_name\":\"X\"}", "\"1\"", 404);
  json_node_unref (result);
  result = call_as ("moderator@globex.test", "PATCH", path, "{\"first_name\":\"X\"}", "\"1\"", 403);
  json_node_unref (result);
}

static void
test_invitations (void)
{
  g_autofree char *north = department_id ("North");
  g_autofree char *south = department_id ("South");
  g_autofree char *body = g_strdup_printf ("{\"email\":\" New.Hire@Acme.test \",\"first_name\":\"New\","
                                           "\"last_name\":\"Hire\",\"language\":\"de\","
                                           "\"role\":\"member\",\"departments\":[\"%s\"]}", north);
  g_autofree char *south_body = g_strdup_printf ("{\"email\":\"s@acme.test\",\"role\":\"member\","
                                                 "\"departments\":[\"%s\"]}", south);
  g_autofree char *creator_body = g_strdup_printf ("{\"email\":\"c@acme.test\","
                                                   "\"role\":\"content_creator\","
                                                   "\"departments\":[\"%s\"]}", north);
  g_autoptr(JsonNode) invitation = NULL;
  g_autoptr(JsonNode) user = NULL;
  g_autofree char *invitation_path = NULL;
  g_autofree char *user_path = NULL;
  g_autofree char *etag = NULL;
  JsonNode *result;

  invitation = call_as ("deptadmin@acme.test", "POST", "/api/v1/invitations", body, NULL, 201);
  g_assert_cmpstr (member_string (invitation, "email"), ==, "new.hire@acme.test");
  g_assert_cmpstr (member_string (invitation, "status"), ==, "pending");
  g_assert_true (json_node_is_null (json_object_get_member (json_node_get_object (invitation),
                                                            "customer_id")));
  invitation_path = g_strdup_printf ("/api/v1/invitations/%s", member_string (invitation, "id"));
  user_path = g_strdup_printf ("/api/v1/employees/%s", member_string (invitation, "user_id"));

  user = call_as ("admin@acme.test", "GET", user_path, NULL, NULL, 200);
  g_assert_cmpstr (member_string (user, "status"), ==, "invited");
  g_assert_cmpstr (member_string (user, "role"), ==, "member");
  g_assert_cmpstr (member_string (user, "first_name"), ==, "New");

  /* Validation and role limits. */
  result = call_as ("admin@acme.test", "POST", "/api/v1/invitations", body, NULL, 409);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "POST", "/api/v1/invitations",
                    "{\"email\":\"not-an-email\",\"role\":\"member\"}", NULL, 400);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "POST", "/api/v1/invitations",
                    "{\"email\":\"a@acme.test\",\"role\":\"boss\"}", NULL, 400);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "POST", "/api/v1/invitations", "{\"role\":\"member\"}",
                    NULL, 400);
  json_node_unref (result);
  result = call_as ("deptadmin@acme.test", "POST", "/api/v1/invitations", creator_body, NULL, 403);
  json_node_unref (result);
  result = call_as ("deptadmin@acme.test", "POST", "/api/v1/invitations", south_body, NULL, 403);
  json_node_unref (result);
  result = call_as ("deptadmin@acme.test", "POST", "/api/v1/invitations",
                    "{\"email\":\"d@acme.test\",\"role\":\"member\"}", NULL, 403);
  json_node_unref (result);
  result = call_as ("member@acme.test", "POST", "/api/v1/invitations",
                    "{\"email\":\"m@acme.test\",\"role\":\"member\"}", NULL, 403);
  json_node_unref (result);

  /* A retried create (same Idempotency-Key) creates neither invitation nor user again. */
  {
    const char *retry = "{\"email\":\"retry@acme.test\",\"role\":\"member\"}";
    g_autoptr(TdApiRequest) first = td_api_request_new ("POST", "/api/v1/invitations");
    g_autoptr(TdApiRequest) second = td_api_request_new ("POST", "/api/v1/invitations");
    g_autoptr(TdApiResponse) first_response = NULL;
    g_autoptr(TdApiResponse) second_response = NULL;
    g_autofree char *count = NULL;

    first->authorization = g_strdup_printf ("Bearer %s", token_for ("admin@acme.test"));
    second->authorization = g_strdup (first->authorization);
    first->idempotency_key = g_strdup ("invite-retry-1");
    second->idempotency_key = g_strdup ("invite-retry-1");
    td_api_request_set_body (first, retry, strlen (retry));
    td_api_request_set_body (second, retry, strlen (retry));
    first_response = td_api_dispatch (api, first);
    second_response = td_api_dispatch (api, second);
    g_assert_cmpuint (first_response->status, ==, 201);
    g_assert_cmpuint (second_response->status, ==, 201);
    g_assert_cmpstr (td_api_response_get_header (second_response, "Idempotent-Replayed"), ==, "true");
    count = lookup ("SELECT count(*) FROM employees WHERE email = ?", "retry@acme.test");
    g_assert_cmpstr (count, ==, "1");
  }

  /* Renaming a pending invitation renames the invited user. */
  etag = if_match (invitation);
  result = call_as ("admin@acme.test", "PATCH", invitation_path, "{\"first_name\":\"Newton\"}",
                    etag, 200);
  g_clear_pointer (&etag, g_free);
  etag = if_match (result);
  json_node_unref (result);
  json_node_unref (user);
  user = call_as ("admin@acme.test", "GET", user_path, NULL, NULL, 200);
  g_assert_cmpstr (member_string (user, "first_name"), ==, "Newton");

  /* Deleting the invitation removes the user. */
  g_assert_null (call_as ("admin@acme.test", "DELETE", invitation_path, NULL, etag, 204));
  result = call_as ("admin@acme.test", "GET", user_path, NULL, NULL, 404);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "GET", invitation_path, NULL, NULL, 404);
  json_node_unref (result);
}

static void
test_customer_invitations (void)
{
  g_autofree char *globex = customer_id ("C-10001");
  g_autofree char *initech = customer_id ("C-10002");
  g_autofree char *hannah = customer_id ("C-10004");
  g_autofree char *globex_path = g_strdup_printf ("/api/v1/customers/%s/invitations", globex);
  g_autofree char *initech_path = g_strdup_printf ("/api/v1/customers/%s/invitations", initech);
  g_autofree char *private_path = g_strdup_printf ("/api/v1/customers/%s/invitations", hannah);
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) own = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *item_path = NULL;
  g_autofree char *etag = NULL;
  JsonNode *result;

  /* An employee with customers.invite (content creator) invites a Globex user. */
  created = call_as ("creator@acme.test", "POST", globex_path,
                     "{\"email\":\"buyer@globex.test\",\"role\":\"member\",\"customer_id\":\"x\"}",
                     NULL, 201);
  g_assert_cmpstr (member_string (created, "customer_id"), ==, globex);
  result = call_as ("creator@acme.test", "POST", globex_path,
                    "{\"email\":\"b2@globex.test\",\"role\":\"department_admin\"}", NULL, 400);
  json_node_unref (result);
  result = call_as ("creator@acme.test", "POST", private_path,
                    "{\"email\":\"p@example.test\",\"role\":\"member\"}", NULL, 409);
  json_node_unref (result);
  result = call_as ("moderator@acme.test", "POST", globex_path,
                    "{\"email\":\"b3@globex.test\",\"role\":\"member\"}", NULL, 403);
  json_node_unref (result);

  /* The Globex administrator invites into Globex only. */
  own = call_as ("admin@globex.test", "POST", "/api/v1/invitations",
                 "{\"email\":\"clerk@globex.test\",\"role\":\"moderator\"}", NULL, 201);
  g_assert_cmpstr (member_string (own, "customer_id"), ==, globex);
  result = call_as ("admin@globex.test", "POST", initech_path,
                    "{\"email\":\"spy@globex.test\",\"role\":\"member\"}", NULL, 404);
  json_node_unref (result);
  result = call_as ("admin@globex.test", "GET", initech_path, NULL, NULL, 404);
  json_node_unref (result);
  list = call_as ("admin@globex.test", "GET", globex_path, NULL, NULL, 200);
  g_assert_cmpuint (json_array_get_length (items (list)), ==, 2);
  result = call_as ("member@globex.test", "POST", "/api/v1/invitations",
                    "{\"email\":\"m2@globex.test\",\"role\":\"member\"}", NULL, 403);
  json_node_unref (result);

  /* Nested items belong to their customer. */
  item_path = g_strdup_printf ("%s/%s", initech_path, member_string (created, "id"));
  result = call_as ("admin@acme.test", "GET", item_path, NULL, NULL, 404);
  json_node_unref (result);
  g_clear_pointer (&item_path, g_free);
  item_path = g_strdup_printf ("%s/%s", globex_path, member_string (created, "id"));
  result = call_as ("admin@acme.test", "GET", item_path, NULL, NULL, 200);
  json_node_unref (result);
  etag = if_match (created);
  g_assert_null (call_as ("creator@acme.test", "DELETE", item_path, NULL, etag, 204));
  g_assert_null (lookup ("SELECT id FROM employees WHERE email = ? AND deleted = 0",
                         "buyer@globex.test"));
}

static void
test_customers (void)
{
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) departments = NULL;
  g_autoptr(JsonNode) extra = NULL;
  g_autofree char *departments_path = NULL;
  g_autofree char *head_path = NULL;
  g_autofree char *extra_path = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *globex = customer_id ("C-10001");
  g_autofree char *globex_path = g_strdup_printf ("/api/v1/customers/%s", globex);
  JsonObject *head;
  JsonNode *result;

  /* Customer-login users have no customers module. */
  result = call_as ("member@globex.test", "GET", "/api/v1/customers", NULL, NULL, 403);
  json_node_unref (result);
  result = call_as ("admin@globex.test", "GET", globex_path, NULL, NULL, 404);
  json_node_unref (result);

  created = call_as ("moderator@acme.test", "POST", "/api/v1/customers",
                     "{\"kind\":\"corporate\",\"name\":\"Hooli\",\"customer_login\":true,"
                     "\"contact\":{\"name\":\"Gavin\"}}", NULL, 201);
  g_assert_cmpstr (member_string (created, "customer_number"), ==, "C-10006");
  result = call_as ("moderator@acme.test", "POST", "/api/v1/customers",
                    "{\"kind\":\"private\",\"name\":\"Solo\",\"customer_login\":true}", NULL, 400);
  json_node_unref (result);
  result = call_as ("moderator@acme.test", "POST", "/api/v1/customers",
                    "{\"kind\":\"public\",\"name\":\"Nope\"}", NULL, 400);
  json_node_unref (result);
  result = call_as ("moderator@acme.test", "POST", "/api/v1/customers",
                    "{\"kind\":\"private\",\"name\":\"Dup\",\"customer_number\":\"C-10001\"}", NULL, 409);
  json_node_unref (result);
  result = call_as ("member@acme.test", "POST", "/api/v1/customers",
                    "{\"kind\":\"private\",\"name\":\"Nope\"}", NULL, 403);
  json_node_unref (result);

  /* The head office comes with the customer and stays. */
  departments_path = g_strdup_printf ("/api/v1/customers/%s/departments", member_string (created, "id"));
  departments = call_as ("admin@acme.test", "GET", departments_path, NULL, NULL, 200);
  g_assert_cmpuint (json_array_get_length (items (departments)), ==, 1);
  head = json_array_get_object_element (items (departments), 0);
  g_assert_true (json_object_get_boolean_member (head, "head_office"));
  head_path = g_strdup_printf ("%s/%s", departments_path, json_object_get_string_member (head, "id"));
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", json_object_get_int_member (head, "version"));
  result = call_as ("admin@acme.test", "DELETE", head_path, NULL, etag, 409);
  json_node_unref (result);

  {
    g_autoptr(TdApiResponse) response = request ("POST", departments_path,
                                                 token_for ("admin@acme.test"),
                                                 "{\"name\":\"Hooli XYZ\",\"head_office\":true,"
                                                 "\"customer_id\":\"nope\"}", NULL);
    g_autofree char *location = NULL;

    g_assert_cmpuint (response->status, ==, 201);
    extra = td_api_response_parse_body (response);
    location = g_strdup_printf ("%s/%s", departments_path, member_string (extra, "id"));
    g_assert_cmpstr (td_api_response_get_header (response, "Location"), ==, location);
  }
  g_assert_false (json_object_get_boolean_member (json_node_get_object (extra), "head_office"));
  g_assert_cmpstr (member_string (extra, "customer_id"), ==, member_string (created, "id"));
  result = call_as ("admin@acme.test", "POST", departments_path, "{}", NULL, 400);
  json_node_unref (result);

  /* Another customer's URL does not reach the department. */
  extra_path = g_strdup_printf ("/api/v1/customers/%s/departments/%s", globex,
                                member_string (extra, "id"));
  result = call_as ("admin@acme.test", "GET", extra_path, NULL, NULL, 404);
  json_node_unref (result);
  g_clear_pointer (&extra_path, g_free);
  extra_path = g_strdup_printf ("%s/%s", departments_path, member_string (extra, "id"));
  g_clear_pointer (&etag, g_free);
  etag = if_match (extra);
  result = call_as ("admin@acme.test", "PATCH", extra_path, "{\"name\":\"Hooli Labs\"}", etag, 200);
  g_clear_pointer (&etag, g_free);
  etag = if_match (result);
  json_node_unref (result);
  g_assert_null (call_as ("admin@acme.test", "DELETE", extra_path, NULL, etag, 204));

  /* The customer's departments follow it to its dependent rows (isolation). */
  {
    g_autofree char *north = department_id ("North");
    g_autofree char *customer_path = g_strdup_printf ("/api/v1/customers/%s",
                                                      member_string (created, "id"));
    g_autofree char *customer_etag = if_match (created);
    g_autofree char *body = g_strdup_printf ("{\"departments\":[\"%s\"]}", north);
    g_autoptr(JsonNode) after = NULL;
    JsonArray *list;

    result = call_as ("admin@acme.test", "PATCH", customer_path, body, customer_etag, 200);
    json_node_unref (result);
    after = call_as ("admin@acme.test", "GET", departments_path, NULL, NULL, 200);
    list = json_object_get_array_member (json_array_get_object_element (items (after), 0),
                                         "departments");
    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (list, 0), ==, north);
  }

  /* Customer-login users read their own company's departments, without the operator's
   * department ids. */
  {
    g_autoptr(JsonNode) own = call_as ("member@globex.test", "GET", "/api/v1/customer-departments",
                                       NULL, NULL, 200);
    JsonArray *array = items (own);

    g_assert_cmpuint (json_array_get_length (array), ==, 2);
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *department = json_array_get_object_element (array, i);

        g_assert_cmpstr (json_object_get_string_member (department, "customer_id"), ==, globex);
        g_assert_false (json_object_has_member (department, "departments"));
      }
  }

  /* Deleting the customer takes its departments with it. */
  {
    g_autofree char *customer_path = g_strdup_printf ("/api/v1/customers/%s",
                                                      member_string (created, "id"));
    g_autoptr(JsonNode) current = call_as ("admin@acme.test", "GET", customer_path, NULL, NULL, 200);
    g_autofree char *customer_etag = if_match (current);
    g_autofree char *left = NULL;

    result = call_as ("member@acme.test", "DELETE", customer_path, NULL, customer_etag, 403);
    json_node_unref (result);
    g_assert_null (call_as ("moderator@acme.test", "DELETE", customer_path, NULL, customer_etag, 204));
    result = call_as ("admin@acme.test", "GET", departments_path, NULL, NULL, 404);
    json_node_unref (result);
    left = lookup ("SELECT count(*) FROM customer_departments WHERE customer_id = ? AND deleted = 0",
                   member_string (created, "id"));
    g_assert_cmpstr (left, ==, "0");
  }

  /* Private customers have no departments. */
  {
    g_autofree char *hannah = customer_id ("C-10004");
    g_autofree char *hannah_path = g_strdup_printf ("/api/v1/customers/%s/departments", hannah);

    result = call_as ("admin@acme.test", "POST", hannah_path, "{\"name\":\"X\"}", NULL, 409);
    json_node_unref (result);
  }
}

static void
test_teams_and_mappings (void)
{
  g_autofree char *fs_north = lookup ("SELECT id FROM teams WHERE name = ?", "Field Service North");
  g_autofree char *installation = lookup ("SELECT id FROM teams WHERE name = ?", "Installation");
  g_autofree char *field_service = lookup ("SELECT id FROM meta_teams WHERE name = ?", "Field Service");
  g_autofree char *umbrella = customer_id ("C-10003");
  g_autofree char *mappings_path = g_strdup_printf ("/api/v1/customers/%s/team-mappings", umbrella);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) meta = NULL;
  g_autoptr(JsonNode) mapping = NULL;
  g_autoptr(JsonNode) team = NULL;
  JsonNode *result;

  /* A meta team's default team is one of its teams. */
  body = g_strdup_printf ("{\"name\":\"Setup\",\"team_ids\":[\"%s\"],\"default_team_id\":\"%s\"}",
                          installation, fs_north);
  result = call_as ("creator@acme.test", "POST", "/api/v1/meta-teams", body, NULL, 400);
  json_node_unref (result);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"name\":\"Setup\",\"team_ids\":[\"%s\"]}", installation);
  meta = call_as ("creator@acme.test", "POST", "/api/v1/meta-teams", body, NULL, 201);
  g_assert_cmpstr (member_string (meta, "default_team_id"), ==, installation);
  result = call_as ("moderator@acme.test", "POST", "/api/v1/meta-teams", body, NULL, 403);
  json_node_unref (result);

  team = call_as ("creator@acme.test", "POST", "/api/v1/teams", "{\"name\":\"Night Shift\"}", NULL, 201);
  result = call_as ("creator@acme.test", "POST", "/api/v1/teams", "{\"logo\":\"x\"}", NULL, 400);
  json_node_unref (result);
  result = call_as ("member@globex.test", "GET", "/api/v1/teams", NULL, NULL, 200);
  g_assert_cmpuint (json_array_get_length (items (result)), ==, 0);
  json_node_unref (result);

  /* Team mappings: the team must belong to the meta team, one per customer department. */
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"meta_team_id\":\"%s\",\"team_id\":\"%s\"}", field_service, installation);
  result = call_as ("moderator@acme.test", "POST", mappings_path, body, NULL, 400);
  json_node_unref (result);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"meta_team_id\":\"%s\",\"team_id\":\"%s\"}", field_service, fs_north);
  mapping = call_as ("moderator@acme.test", "POST", mappings_path, body, NULL, 201);
  g_assert_cmpstr (member_string (mapping, "customer_id"), ==, umbrella);
  result = call_as ("moderator@acme.test", "POST", mappings_path, body, NULL, 409);
  json_node_unref (result);
  result = call_as ("member@acme.test", "POST", mappings_path, body, NULL, 403);
  json_node_unref (result);
  result = call_as ("member@acme.test", "GET", mappings_path, NULL, NULL, 200);
  g_assert_cmpuint (json_array_get_length (items (result)), ==, 1);
  json_node_unref (result);

  /* A team in use stays. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/teams/%s", fs_north);
    g_autoptr(JsonNode) node = call_as ("admin@acme.test", "GET", path, NULL, NULL, 200);
    g_autofree char *etag = if_match (node);
    g_autofree char *night = g_strdup_printf ("/api/v1/teams/%s", member_string (team, "id"));
    g_autofree char *night_etag = if_match (team);

    result = call_as ("admin@acme.test", "DELETE", path, NULL, etag, 409);
    json_node_unref (result);
    g_assert_null (call_as ("admin@acme.test", "DELETE", night, NULL, night_etag, 204));
  }
}

static void
test_labels (void)
{
  g_autoptr(JsonNode) public_labels = call_as ("member@globex.test", "GET",
                                               "/api/v1/labels", NULL, NULL, 200);
  /* Asking for internal ones finds nothing: for customer logins they do not exist. */
  g_autoptr(JsonNode) asked_internal = call_as ("member@globex.test", "GET",
                                                "/api/v1/labels?visibility=internal", NULL, NULL, 200);
  g_autofree char *internal = lookup ("SELECT id FROM labels WHERE visibility = ? LIMIT 1", "internal");
  g_autofree char *internal_path = g_strdup_printf ("/api/v1/labels/%s", internal);
  g_autoptr(JsonNode) created = NULL;
  JsonArray *array = items (public_labels);
  JsonNode *result;

  /* Customer-login users read the public labels only. */
  g_assert_cmpuint (json_array_get_length (items (asked_internal)), ==, 0);
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i),
                                                    "visibility"), ==, "public");
  result = call_as ("member@globex.test", "GET", internal_path, NULL, NULL, 404);
  json_node_unref (result);
  result = call_as ("member@acme.test", "GET", internal_path, NULL, NULL, 200);
  json_node_unref (result);

  created = call_as ("creator@acme.test", "POST", "/api/v1/labels",
                     "{\"titles\":{\"en\":\"Loud\",\"de\":\"Laut\"},\"color\":\"#a1b2c3\"}", NULL, 201);
  g_assert_cmpstr (member_string (created, "visibility"), ==, "internal");
  g_assert_cmpstr (member_string (created, "availability"), ==, "normal");
  result = call_as ("creator@acme.test", "POST", "/api/v1/labels",
                    "{\"titles\":{\"en\":\"Loud\"},\"color\":\"red\"}", NULL, 400);
  json_node_unref (result);
  result = call_as ("creator@acme.test", "POST", "/api/v1/labels", "{\"titles\":{}}", NULL, 400);
  json_node_unref (result);
  result = call_as ("creator@acme.test", "POST", "/api/v1/labels",
                    "{\"titles\":{\"en\":42}}", NULL, 400);
  json_node_unref (result);
  result = call_as ("creator@acme.test", "POST", "/api/v1/labels",
                    "{\"titles\":{\"en\":\"x\"},\"visibility\":\"secret\"}", NULL, 400);
  json_node_unref (result);
  result = call_as ("moderator@acme.test", "POST", "/api/v1/labels",
                    "{\"titles\":{\"en\":\"x\"}}", NULL, 403);
  json_node_unref (result);
  result = call_as ("admin@globex.test", "POST", "/api/v1/labels",
                    "{\"titles\":{\"en\":\"x\"}}", NULL, 403);
  json_node_unref (result);
}

static void
test_organization (void)
{
  g_autoptr(JsonNode) org = call_as ("member@acme.test", "GET", "/api/v1/organization", NULL, NULL, 200);
  g_autofree char *etag = if_match (org);
  g_autoptr(JsonNode) strict = NULL;
  g_autoptr(JsonNode) customers = NULL;
  g_autoptr(JsonNode) basic = NULL;
  g_autoptr(JsonNode) customers_basic = NULL;
  g_autofree char *umbrella = customer_id ("C-10003");
  g_autofree char *globex = customer_id ("C-10001");
  g_autofree char *initech = customer_id ("C-10002");
  JsonNode *result;

  g_assert_cmpstr (member_string (org, "name"), ==, TD_SEED_DEMO_ORG_NAME);
  g_assert_cmpstr (member_string (org, "isolation"), ==, "off");
  result = call_as ("member@globex.test", "GET", "/api/v1/organization", NULL, NULL, 403);
  json_node_unref (result);

  result = call_as ("admin@acme.test", "PATCH", "/api/v1/organization", "{\"isolation\":\"strict\"}",
                    NULL, 428);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", "/api/v1/organization", "{\"isolation\":\"strict\"}",
                    "\"999\"", 412);
  assert_error_code (result, "version_mismatch");
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", "/api/v1/organization", "{\"isolation\":\"total\"}",
                    etag, 400);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", "/api/v1/organization", "{\"name\":\"  \"}", etag, 400);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", "/api/v1/organization",
                    "{\"code_configuration\":[1]}", etag, 400);
  json_node_unref (result);
  result = call_as ("deptadmin@acme.test", "PATCH", "/api/v1/organization",
                    "{\"isolation\":\"strict\"}", etag, 403);
  json_node_unref (result);

  /* Strict: the South member sees South customers only (Initech), not Globex (North) nor
   * the department-less Umbrella. */
  strict = call_as ("admin@acme.test", "PATCH", "/api/v1/organization",
                    "{\"isolation\":\"strict\",\"code_configuration\":{\"color\":\"#000000\"}}", etag, 200);
  g_assert_cmpstr (member_string (strict, "isolation"), ==, "strict");
  g_assert_cmpint (version_of (strict), ==, version_of (org) + 1);
  customers = call_as ("member@acme.test", "GET", "/api/v1/customers", NULL, NULL, 200);
  g_assert_true (list_contains (customers, initech));
  g_assert_false (list_contains (customers, globex));
  g_assert_false (list_contains (customers, umbrella));

  /* …the same for what hangs off a customer, and for the people of other departments. */
  {
    g_autofree char *globex_head = lookup ("SELECT id FROM customer_departments"
                                           " WHERE customer_id = ? AND head_office = 1", globex);
    g_autofree char *sam = user_id ("sam.south@acme.test");
    g_autofree char *sam_path = g_strdup_printf ("/api/v1/employees/%s", sam);
    g_autofree char *nested = g_strdup_printf ("/api/v1/customers/%s/departments/%s", globex,
                                               globex_head);
    g_autoptr(JsonNode) cdepts = call_as ("member@acme.test", "GET",
                                          "/api/v1/customer-departments?limit=100", NULL, NULL, 200);

    g_assert_false (list_contains (cdepts, globex_head));
    result = call_as ("member@acme.test", "GET", nested, NULL, NULL, 404);
    json_node_unref (result);
    result = call_as ("deptadmin@acme.test", "GET", sam_path, NULL, NULL, 404);
    json_node_unref (result);
    result = call_as ("admin@acme.test", "GET", sam_path, NULL, NULL, 200);
    json_node_unref (result);
  }

  /* Basic shows the department-less ones again. */
  g_clear_pointer (&etag, g_free);
  etag = if_match (strict);
  basic = call_as ("admin@acme.test", "PATCH", "/api/v1/organization", "{\"isolation\":\"basic\"}",
                   etag, 200);
  customers_basic = call_as ("member@acme.test", "GET", "/api/v1/customers", NULL, NULL, 200);
  g_assert_true (list_contains (customers_basic, umbrella));
  g_assert_false (list_contains (customers_basic, globex));

  g_clear_pointer (&etag, g_free);
  etag = if_match (basic);
  result = call_as ("admin@acme.test", "PATCH", "/api/v1/organization", "{\"isolation\":\"off\"}",
                    etag, 200);
  json_node_unref (result);
}

static void
test_company (void)
{
  g_autoptr(JsonNode) company = call_as ("member@globex.test", "GET", "/api/v1/company", NULL, NULL, 200);
  g_autofree char *etag = if_match (company);
  JsonNode *result;

  g_assert_cmpstr (member_string (company, "name"), ==, "Globex");
  g_assert_cmpstr (member_string (company, "customer_number"), ==, "C-10001");
  result = call_as ("admin@acme.test", "GET", "/api/v1/company", NULL, NULL, 403);
  json_node_unref (result);
  result = call_as ("member@globex.test", "PATCH", "/api/v1/company", "{\"name\":\"G\"}", etag, 403);
  json_node_unref (result);
  result = call_as ("admin@globex.test", "PATCH", "/api/v1/company", "{\"contact\":\"x\"}", etag, 400);
  json_node_unref (result);
  result = call_as ("admin@globex.test", "PATCH", "/api/v1/company",
                    "{\"name\":\"Globex Corporation\",\"customer_number\":\"C-1\",\"kind\":\"private\"}",
                    etag, 200);
  g_assert_cmpstr (member_string (result, "name"), ==, "Globex Corporation");
  g_assert_cmpstr (member_string (result, "customer_number"), ==, "C-10001");
  g_assert_cmpstr (member_string (result, "kind"), ==, "corporate");
  json_node_unref (result);
  result = call_as ("admin@globex.test", "PATCH", "/api/v1/company", "{\"name\":\"Again\"}", etag, 412);
  json_node_unref (result);
}

/* The item routes not exercised above, each once. */
static void
test_item_routes (void)
{
  g_autofree char *field_service = lookup ("SELECT id FROM meta_teams WHERE name = ?", "Field Service");
  g_autofree char *fs_south = lookup ("SELECT id FROM teams WHERE name = ?", "Field Service South");
  g_autofree char *meta_path = g_strdup_printf ("/api/v1/meta-teams/%s", field_service);
  g_autofree char *globex = customer_id ("C-10001");
  g_autofree char *mapping = lookup ("SELECT id FROM customer_team_mappings WHERE customer_id = ?"
                                     " AND deleted = 0", globex);
  g_autofree char *mapping_path = g_strdup_printf ("/api/v1/customers/%s/team-mappings/%s",
                                                   globex, mapping);
  g_autoptr(JsonNode) meta = call_as ("member@acme.test", "GET", meta_path, NULL, NULL, 200);
  g_autoptr(JsonNode) label = NULL;
  g_autoptr(JsonNode) map = NULL;
  g_autoptr(JsonNode) employee_invitations = NULL;
  g_autofree char *etag = if_match (meta);
  g_autofree char *body = g_strdup_printf ("{\"default_team_id\":\"%s\"}", fs_south);
  g_autofree char *label_path = NULL;
  JsonNode *result;

  /* Meta team: the default moves within the teams; a team not in it is refused. */
  result = call_as ("creator@acme.test", "PATCH", meta_path, body, etag, 200);
  g_assert_cmpstr (member_string (result, "default_team_id"), ==, fs_south);
  json_node_unref (result);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"team_ids\":[\"%s\"],\"default_team_id\":\"%s\"}", fs_south,
                          field_service);
  result = call_as ("creator@acme.test", "PATCH", meta_path, body, "\"2\"", 422);
  json_node_unref (result);

  /* Team mapping item routes. */
  map = call_as ("member@acme.test", "GET", mapping_path, NULL, NULL, 200);
  g_assert_cmpstr (member_string (map, "team_id"), ==, fs_south);
  g_clear_pointer (&etag, g_free);
  etag = if_match (map);
  result = call_as ("member@acme.test", "DELETE", mapping_path, NULL, etag, 403);
  json_node_unref (result);
  g_assert_null (call_as ("admin@acme.test", "DELETE", mapping_path, NULL, etag, 204));
  result = call_as ("admin@acme.test", "GET", mapping_path, NULL, NULL, 404);
  json_node_unref (result);

  /* Label item routes. */
  label = call_as ("admin@acme.test", "POST", "/api/v1/labels",
                   "{\"titles\":{\"en\":\"Temporary\"},\"visibility\":\"public\"}", NULL, 201);
  label_path = g_strdup_printf ("/api/v1/labels/%s", member_string (label, "id"));
  result = call_as ("member@globex.test", "GET", label_path, NULL, NULL, 200);
  json_node_unref (result);
  g_clear_pointer (&etag, g_free);
  etag = if_match (label);
  result = call_as ("member@globex.test", "PATCH", label_path, "{\"color\":\"#000000\"}", etag, 403);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", label_path, "{\"color\":\"#00000\"}", etag, 400);
  json_node_unref (result);
  result = call_as ("admin@acme.test", "PATCH", label_path,
                    "{\"color\":\"#000000\",\"visibility\":\"internal\"}", etag, 200);
  g_clear_pointer (&etag, g_free);
  etag = if_match (result);
  json_node_unref (result);
  result = call_as ("member@globex.test", "GET", label_path, NULL, NULL, 404);
  json_node_unref (result);
  result = call_as ("member@globex.test", "DELETE", label_path, NULL, etag, 404);
  json_node_unref (result);
  g_assert_null (call_as ("admin@acme.test", "DELETE", label_path, NULL, etag, 204));

  /* Employee invitations only: customer_id null. */
  employee_invitations = call_as ("admin@acme.test", "GET", "/api/v1/invitations?customer_id=null",
                                  NULL, NULL, 200);
  for (guint i = 0; i < json_array_get_length (items (employee_invitations)); i++)
    g_assert_true (json_object_get_null_member (json_array_get_object_element (
                     items (employee_invitations), i), "customer_id"));
  result = call_as ("member@acme.test", "GET", "/api/v1/invitations", NULL, NULL, 403);
  json_node_unref (result);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  demo = td_test_demo_api_new ("organization.db");
  dir = demo->dir;
  pool = demo->pool;
  api = demo->api;
  tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_test_add_func ("/server/organization/seed", test_seed);
  g_test_add_func ("/server/organization/departments", test_departments);
  g_test_add_func ("/server/organization/employees-scope", test_employees_scope);
  g_test_add_func ("/server/organization/employees-roles", test_employees_roles);
  g_test_add_func ("/server/organization/customer-admin-users", test_customer_admin_users);
  g_test_add_func ("/server/organization/invitations", test_invitations);
  g_test_add_func ("/server/organization/customer-invitations", test_customer_invitations);
  g_test_add_func ("/server/organization/customers", test_customers);
  g_test_add_func ("/server/organization/teams-and-mappings", test_teams_and_mappings);
  g_test_add_func ("/server/organization/labels", test_labels);
  g_test_add_func ("/server/organization/item-routes", test_item_routes);
  g_test_add_func ("/server/organization/organization", test_organization);
  g_test_add_func ("/server/organization/company", test_company);

  result = g_test_run ();

  g_hash_table_unref (tokens);
  td_test_demo_api_free (demo);
  return result;
}
