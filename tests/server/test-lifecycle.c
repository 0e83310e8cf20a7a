/* test-lifecycle.c: disabling users and companies, becoming independent (issue 4)
 *
 * In process through td_api_dispatch(), on the demo data, signed in as the demo users. The
 * tests share one database and run in order: Nele is disabled and enabled again, Globex is
 * disabled and enabled again, then Initech becomes an independent organization.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api-lifecycle.h"
#include "td-auth.h"
#include "td-db-pool.h"
#include "td-json.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"

static TdTestDemoApi *demo;

static TdApiResponse *
request (const char *method,
         const char *path,
         const char *token,
         const char *body,
         const char *if_match)
{
  g_auto(GStrv) parts = g_strsplit (path, "?", 2);
  g_autoptr(TdApiRequest) req = td_api_request_new (method, parts[0]);

  if (parts[1] != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (parts[1], "&", -1);

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
  req->user_agent = g_strdup ("test-lifecycle");

  return td_api_dispatch (demo->api, req);
}

/* @method @path with @token, asserting the status; returns the body (NULL without one). */
static JsonNode *
expect (guint       status,
        const char *method,
        const char *path,
        const char *token,
        const char *body,
        const char *if_match)
{
  g_autoptr(TdApiResponse) response = request (method, path, token, body, if_match);

  if (response->status != status)
    g_error ("%s %s: expected %u, got %u: %.*s", method, path, status, response->status,
             response->body ? (int) g_bytes_get_size (response->body) : 0,
             response->body ? (const char *) g_bytes_get_data (response->body, NULL) : "");
  return response->body != NULL ? td_api_response_parse_body (response) : NULL;
}

static void
expect_none (guint       status,
             const char *method,
             const char *path,
             const char *token,
             const char *body,
             const char *if_match)
{
  g_autoptr(JsonNode) node = expect (status, method, path, token, body, if_match);
}

static const char *
member (JsonNode   *node,
        const char *name)
{
  return json_object_get_string_member (json_node_get_object (node), name);
}

static char *
etag_of (JsonNode *node)
{
  return g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                          json_object_get_int_member (json_node_get_object (node), "version"));
}

static void
assert_error (JsonNode   *node,
              const char *code)
{
  JsonObject *error = json_object_get_object_member (json_node_get_object (node), "error");

  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
}

static char *
login_body (const char *email,
            const char *password)
{
  return g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
}

static char *
login (const char *email)
{
  return td_test_api_login (demo->api, email);
}

/* A login with the right password that must fail as disabled, and one with a wrong password
 * that must fail exactly as for an unknown address. */
static void
assert_login_disabled (const char *email)
{
  g_autofree char *right = login_body (email, TD_SEED_DEMO_PASSWORD);
  g_autofree char *wrong = login_body (email, "not-the-password-1");
  g_autoptr(JsonNode) disabled = expect (403, "POST", "/api/v1/auth/login", NULL, right, NULL);
  g_autoptr(JsonNode) invalid = expect (401, "POST", "/api/v1/auth/login", NULL, wrong, NULL);

  assert_error (disabled, "account_disabled");
  assert_error (invalid, "invalid_credentials");
}

static char *
share_token (const char *session_token)
{
  g_autoptr(JsonNode) node = expect (201, "POST", "/api/v1/auth/transfer-tokens", session_token,
                                     NULL, NULL);

  return g_strdup (member (node, "token"));
}

static void
assert_redeem_refused (const char *transfer)
{
  g_autofree char *body = g_strdup_printf ("{\"token\":\"%s\"}", transfer);

  expect_none (401, "POST", "/api/v1/auth/transfer-tokens/redeem", NULL, body, NULL);
}

/* Database helpers: the test reads what the API must not be trusted to report. */

static GPtrArray *
query_all (const char *sql,
           const char *arg1,
           const char *arg2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  TdDb *db = td_db_pool_acquire (demo->pool, &error);
  TdDbStmt *stmt;

  g_assert_no_error (error);
  stmt = td_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  if (arg1 != NULL)
    td_db_stmt_bind_text (stmt, 1, arg1);
  if (arg2 != NULL)
    td_db_stmt_bind_text (stmt, 2, arg2);
  while (td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW)
    g_ptr_array_add (rows, td_db_stmt_is_null (stmt, 0) ? NULL : td_db_stmt_dup_text (stmt, 0));
  g_assert_no_error (error);
  td_db_stmt_free (stmt);
  td_db_pool_release (demo->pool, db);
  return g_steal_pointer (&rows);
}

static char *
query (const char *sql,
       const char *arg1,
       const char *arg2)
{
  g_autoptr(GPtrArray) rows = query_all (sql, arg1, arg2);

  return rows->len > 0 ? g_strdup (rows->pdata[0]) : NULL;
}

static gint64
count (const char *sql,
       const char *arg1,
       const char *arg2)
{
  g_autofree char *text = query (sql, arg1, arg2);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : -1;
}

static void
exec (const char *sql,
      const char *arg)
{
  g_autoptr(GError) error = NULL;
  TdDb *db = td_db_pool_acquire (demo->pool, &error);
  TdDbStmt *stmt;

  g_assert_no_error (error);
  stmt = td_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  td_db_stmt_bind_text (stmt, 1, arg);
  g_assert_true (td_db_stmt_run (stmt, &error));
  td_db_stmt_free (stmt);
  td_db_pool_release (demo->pool, db);
}

static char *
user_id (const char *email)
{
  return query ("SELECT id FROM employees WHERE email = ? AND deleted = 0", email, NULL);
}

static gboolean
list_contains (JsonNode   *list,
               const char *id)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (list), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "id"),
                   id) == 0)
      return TRUE;
  return FALSE;
}

/* Every item of @collection the caller sees, over all pages. */
static JsonNode *
list_all (const char *collection,
          const char *token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *cursor = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  do
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/%s", collection);
      g_autoptr(TdApiRequest) req = td_api_request_new ("GET", path);
      g_autoptr(TdApiResponse) response = NULL;
      g_autoptr(JsonNode) node = NULL;
      JsonObject *page;
      JsonArray *items;

      g_hash_table_insert (req->query, g_strdup ("limit"), g_strdup ("500"));
      if (cursor != NULL)
        g_hash_table_insert (req->query, g_strdup ("cursor"), g_strdup (cursor));
      req->authorization = g_strdup_printf ("Bearer %s", token);
      response = td_api_dispatch (demo->api, req);
      g_assert_cmpuint (response->status, ==, 200);
      node = td_api_response_parse_body (response);
      page = json_node_get_object (node);
      items = json_object_get_array_member (page, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        json_builder_add_value (builder, json_node_copy (json_array_get_element (items, i)));
      g_clear_pointer (&cursor, g_free);
      if (json_object_has_member (page, "next_cursor") &&
          !json_object_get_null_member (page, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (page, "next_cursor"));
    }
  while (cursor != NULL);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Disabling a user */

static void
test_disable_user (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *nele_token = login ("nele.hansen@acme.test");
  g_autofree char *nele_second = login ("nele.hansen@acme.test");
  g_autofree char *nele_share = share_token (nele_token);
  g_autofree char *nele = user_id ("nele.hansen@acme.test");
  g_autofree char *path = g_strdup_printf ("/api/v1/employees/%s", nele);
  g_autoptr(JsonNode) before = expect (200, "GET", path, admin, NULL, NULL);
  g_autofree char *etag = etag_of (before);
  g_autoptr(JsonNode) disabled = NULL;
  g_autoptr(JsonNode) enabled = NULL;
  g_autofree char *again = NULL;

  expect_none (200, "GET", "/api/v1/me", nele_token, NULL, NULL);
  g_assert_cmpint (count ("SELECT count(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL",
                          nele, NULL), ==, 2);

  disabled = expect (200, "PATCH", path, admin, "{\"status\":\"disabled\"}", etag);
  g_assert_cmpstr (member (disabled, "status"), ==, "disabled");

  /* In the same write: every session and the outstanding share-login token are revoked. */
  g_assert_cmpint (count ("SELECT count(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL",
                          nele, NULL), ==, 0);
  g_assert_cmpint (count ("SELECT count(*) FROM transfer_tokens WHERE user_id = ?"
                          " AND revoked_at IS NULL", nele, NULL), ==, 0);
  expect_none (401, "GET", "/api/v1/me", nele_token, NULL, NULL);
  expect_none (401, "GET", "/api/v1/me", nele_second, NULL, NULL);
  assert_redeem_refused (nele_share);
  assert_login_disabled ("nele.hansen@acme.test");

  /* Enabled again, she signs in; the old tokens stay dead. */
  g_clear_pointer (&etag, g_free);
  etag = etag_of (disabled);
  enabled = expect (200, "PATCH", path, admin, "{\"status\":\"active\"}", etag);
  again = login ("nele.hansen@acme.test");
  expect_none (200, "GET", "/api/v1/me", again, NULL, NULL);
  expect_none (401, "GET", "/api/v1/me", nele_token, NULL, NULL);
}

/* Deleting a user ends their share-login tokens too (not only their sessions). */
static void
test_delete_user (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *paul_token = login ("paul.weiss@acme.test");
  g_autofree char *paul_share = share_token (paul_token);
  g_autofree char *paul = user_id ("paul.weiss@acme.test");
  g_autofree char *path = g_strdup_printf ("/api/v1/employees/%s", paul);
  g_autoptr(JsonNode) before = expect (200, "GET", path, admin, NULL, NULL);
  g_autofree char *etag = etag_of (before);

  expect_none (204, "DELETE", path, admin, NULL, etag);
  g_assert_cmpint (count ("SELECT count(*) FROM transfer_tokens WHERE user_id = ?"
                          " AND revoked_at IS NULL", paul, NULL), ==, 0);
  expect_none (401, "GET", "/api/v1/me", paul_token, NULL, NULL);
  assert_redeem_refused (paul_share);
}

/* Disabling a customer company */

static void
test_disable_company (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *member_acme = login ("member@acme.test");
  g_autofree char *globex_admin = login ("admin@globex.test");
  g_autofree char *globex_member = login ("member@globex.test");
  g_autofree char *globex_share = share_token (globex_member);
  g_autofree char *globex = query ("SELECT id FROM customers WHERE customer_number = 'C-10001'",
                                   NULL, NULL);
  g_autofree char *path = g_strdup_printf ("/api/v1/customers/%s", globex);
  g_autoptr(JsonNode) before = expect (200, "GET", path, admin, NULL, NULL);
  g_autofree char *etag = etag_of (before);
  g_autoptr(JsonNode) invalid = NULL;
  g_autoptr(JsonNode) disabled = NULL;
  g_autoptr(JsonNode) enabled = NULL;
  g_autoptr(JsonNode) filtered = NULL;
  g_autofree char *again = NULL;
  const char *emails[] = { "admin@globex.test", "moderator@globex.test", "member@globex.test" };

  g_assert_cmpstr (member (before, "status"), ==, "active");

  /* Only the operator changes it: the company's own users do not even see the record, an
   * operator member may not edit customers, and "independent" is not for the operator. */
  expect_none (404, "PATCH", path, globex_admin, "{\"status\":\"disabled\"}", etag);
  expect_none (403, "PATCH", path, member_acme, "{\"status\":\"disabled\"}", etag);
  invalid = expect (400, "PATCH", path, admin, "{\"status\":\"independent\"}", etag);
  assert_error (invalid, "invalid_field");
  expect_none (400, "PATCH", path, admin, "{\"status\":\"gone\"}", etag);

  disabled = expect (200, "PATCH", path, admin, "{\"status\":\"disabled\"}", etag);
  g_assert_cmpstr (member (disabled, "status"), ==, "disabled");
  filtered = expect (200, "GET", "/api/v1/customers?status=disabled", admin, NULL, NULL);
  g_assert_true (list_contains (filtered, globex));

  g_assert_cmpint (count ("SELECT count(*) FROM sessions s JOIN employees e ON e.id = s.user_id"
                          " WHERE e.customer_id = ? AND s.revoked_at IS NULL", globex, NULL), ==, 0);
  g_assert_cmpint (count ("SELECT count(*) FROM transfer_tokens t JOIN employees e"
                          " ON e.id = t.user_id WHERE e.customer_id = ? AND t.revoked_at IS NULL",
                          globex, NULL), ==, 0);
  expect_none (401, "GET", "/api/v1/me", globex_admin, NULL, NULL);
  expect_none (401, "GET", "/api/v1/me", globex_member, NULL, NULL);
  assert_redeem_refused (globex_share);
  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    assert_login_disabled (emails[i]);
  /* The users themselves stay active: enabling the company is all it takes. */
  g_assert_cmpint (count ("SELECT count(*) FROM employees WHERE customer_id = ?"
                          " AND status <> 'active'", globex, NULL), ==, 0);

  g_clear_pointer (&etag, g_free);
  etag = etag_of (disabled);
  enabled = expect (200, "PATCH", path, admin, "{\"status\":\"active\"}", etag);
  g_assert_cmpstr (member (enabled, "status"), ==, "active");
  again = login ("member@globex.test");
  expect_none (200, "GET", "/api/v1/devices", again, NULL, NULL);
  expect_none (401, "GET", "/api/v1/me", globex_member, NULL, NULL);
}

/* Becoming independent */

static void
test_independent_permissions (void)
{
  g_autofree char *initech_member = login ("member@initech.test");
  g_autofree char *globex_moderator = login ("moderator@globex.test");
  g_autofree char *acme_admin = login ("admin@acme.test");
  g_autofree char *initech_admin = login ("admin@initech.test");
  g_autoptr(JsonNode) company = expect (200, "GET", "/api/v1/company", initech_admin, NULL, NULL);
  g_autofree char *etag = etag_of (company);
  g_autoptr(JsonNode) stale = NULL;
  const char *path = "/api/v1/company/become-independent";

  expect_none (403, "POST", path, initech_member, "{}", etag);
  expect_none (403, "POST", path, globex_moderator, "{}", etag);
  expect_none (403, "POST", path, acme_admin, "{}", etag);
  expect_none (401, "POST", path, NULL, "{}", etag);
  expect_none (428, "POST", path, initech_admin, "{}", NULL);
  expect_none (400, "POST", path, initech_admin, "[", etag);
  expect_none (400, "POST", path, initech_admin, "{\"name\":\"\"}", etag);
  expect_none (400, "POST", path, initech_admin, "{\"name\":42}", etag);
  stale = expect (412, "POST", path, initech_admin, "{}", "\"999\"");
  assert_error (stale, "version_mismatch");

  /* Nothing happened. */
  expect_none (200, "GET", "/api/v1/me", initech_admin, NULL, NULL);
  g_assert_cmpint (count ("SELECT count(*) FROM organizations", NULL, NULL), ==, 1);
}

static gboolean
has_change (const char *org_id,
            const char *type,
            const char *id,
            const char *op)
{
  g_autoptr(GError) error = NULL;
  TdDb *db = td_db_pool_acquire (demo->pool, &error);
  TdDbStmt *stmt;
  gboolean found;

  g_assert_no_error (error);
  stmt = td_db_prepare (db, "SELECT 1 FROM changes WHERE org_id = ? AND type = ?"
                            " AND object_id = ? AND op = ?", &error);
  g_assert_no_error (error);
  td_db_stmt_bind_text (stmt, 1, org_id);
  td_db_stmt_bind_text (stmt, 2, type);
  td_db_stmt_bind_text (stmt, 3, id);
  td_db_stmt_bind_text (stmt, 4, op);
  found = td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW;
  g_assert_no_error (error);
  td_db_stmt_free (stmt);
  td_db_pool_release (demo->pool, db);
  return found;
}

static void
assert_moved (const char *old_org,
              const char *new_org,
              const char *type,
              const char *id)
{
  g_assert_true (has_change (old_org, type, id, "delete"));
  g_assert_true (has_change (new_org, type, id, "upsert"));
}

static void
test_become_independent (void)
{
  g_autofree char *old_org = query ("SELECT id FROM organizations", NULL, NULL);
  g_autofree char *initech = query ("SELECT id FROM customers WHERE name LIKE 'Initech%'"
                                    " AND deleted = 0", NULL, NULL);
  g_autofree char *acme_admin = login ("admin@acme.test");
  g_autofree char *initech_admin = login ("admin@initech.test");
  g_autofree char *initech_member_token = login ("member@initech.test");
  g_autofree char *initech_share = share_token (initech_member_token);
  g_autofree char *racing = login ("admin@initech.test");
  g_autoptr(TdAuthIdentity) racing_identity = NULL;
  g_autoptr(GPtrArray) devices = query_all ("SELECT id FROM devices WHERE customer_id = ?"
                                            " AND deleted = 0 ORDER BY id", initech, NULL);
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GPtrArray) open_tickets = NULL;
  g_autoptr(GPtrArray) closed_tickets = NULL;
  g_autoptr(GPtrArray) open_tasks = NULL;
  g_autoptr(GPtrArray) users = query_all ("SELECT id FROM employees WHERE customer_id = ?"
                                          " AND deleted = 0", initech, NULL);
  g_autoptr(JsonNode) company = expect (200, "GET", "/api/v1/company", initech_admin, NULL, NULL);
  g_autofree char *etag = etag_of (company);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) customer = NULL;
  g_autoptr(JsonNode) conflict = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) member_me = NULL;
  g_autoptr(JsonNode) new_devices = NULL;
  g_autoptr(JsonNode) new_tickets = NULL;
  g_autoptr(JsonNode) old_devices = NULL;
  g_autoptr(JsonNode) old_tickets = NULL;
  g_autofree char *new_org = NULL;
  g_autofree char *new_admin = NULL;
  g_autofree char *new_member = NULL;
  g_autofree char *customer_path = g_strdup_printf ("/api/v1/customers/%s", initech);
  const char *closed_ticket;
  const char *open_ticket;

  g_assert_nonnull (initech);
  g_assert_cmpuint (devices->len, >, 0);
  g_assert_cmpuint (users->len, ==, 2);

  /* At least one closed and one open ticket on the company's devices. */
  open_tickets = query_all ("SELECT t.id FROM tickets t JOIN devices d ON d.id = t.device_id"
                            " WHERE d.customer_id = ? AND t.deleted = 0 ORDER BY t.number",
                            initech, NULL);
  g_assert_cmpuint (open_tickets->len, >=, 2);
  exec ("UPDATE tickets SET status = 'closed', closed_at = updated_at WHERE id = ?",
        open_tickets->pdata[0]);
  exec ("UPDATE tickets SET status = 'open' WHERE id = ?", open_tickets->pdata[1]);
  g_clear_pointer (&open_tickets, g_ptr_array_unref);
  open_tickets = query_all ("SELECT t.id FROM tickets t JOIN devices d ON d.id = t.device_id"
                            " WHERE d.customer_id = ? AND t.deleted = 0"
                            " AND t.status NOT IN ('closed', 'cancelled')", initech, NULL);
  closed_tickets = query_all ("SELECT t.id FROM tickets t JOIN devices d ON d.id = t.device_id"
                              " WHERE d.customer_id = ? AND t.deleted = 0"
                              " AND t.status IN ('closed', 'cancelled')", initech, NULL);
  open_tasks = query_all ("SELECT t.id FROM tasks t JOIN devices d ON d.id = t.device_id"
                          " WHERE d.customer_id = ? AND t.deleted = 0"
                          " AND t.status NOT IN ('done', 'cancelled')", initech, NULL);
  codes = query_all ("SELECT c.id FROM codes c JOIN devices d ON d.id = c.device_id"
                     " WHERE d.customer_id = ? AND c.deleted = 0", initech, NULL);
  open_ticket = open_tickets->pdata[0];
  closed_ticket = closed_tickets->pdata[0];

  /* The operator sees them now. */
  {
    g_autofree char *device_path = g_strdup_printf ("/api/v1/devices/%s", (char *) devices->pdata[0]);
    g_autofree char *ticket_path = g_strdup_printf ("/api/v1/tickets/%s", open_ticket);

    expect_none (200, "GET", device_path, acme_admin, NULL, NULL);
    expect_none (200, "GET", ticket_path, acme_admin, NULL, NULL);
  }

  /* A request that authenticated before the move commits, to race it below. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *header = g_strdup_printf ("Bearer %s", racing);
    TdDb *db = td_db_pool_acquire (demo->pool, &error);

    g_assert_no_error (error);
    racing_identity = td_auth_authenticate (db, header, &error);
    g_assert_no_error (error);
    td_db_pool_release (demo->pool, db);
  }

  result = expect (200, "POST", "/api/v1/company/become-independent", initech_admin,
                   "{\"name\":\"Initech Independent\"}", etag);
  {
    JsonObject *object = json_node_get_object (result);
    JsonObject *organization = json_object_get_object_member (object, "organization");
    JsonObject *moved = json_object_get_object_member (object, "moved");

    new_org = g_strdup (json_object_get_string_member (organization, "id"));
    g_assert_cmpstr (json_object_get_string_member (organization, "name"), ==,
                     "Initech Independent");
    g_assert_true (json_object_get_boolean_member (object, "login_required"));
    g_assert_cmpint (json_object_get_int_member (moved, "devices"), ==, devices->len);
    g_assert_cmpint (json_object_get_int_member (moved, "employees"), ==, users->len);
    g_assert_cmpint (json_object_get_int_member (moved, "tickets"), ==, open_tickets->len);
    g_assert_cmpint (json_object_get_int_member (moved, "tasks"), ==, open_tasks->len);
    g_assert_cmpint (json_object_get_int_member (moved, "codes"), ==, codes->len);
  }
  g_assert_cmpstr (new_org, !=, old_org);

  /* Every session of the moved users ended, share-login tokens too. */
  expect_none (401, "GET", "/api/v1/me", initech_admin, NULL, NULL);
  expect_none (401, "GET", "/api/v1/me", initech_member_token, NULL, NULL);
  assert_redeem_refused (initech_share);

  /* The rows are where they belong. */
  g_assert_cmpint (count ("SELECT count(*) FROM devices WHERE org_id = ? AND deleted = 0",
                          new_org, NULL), ==, devices->len);
  g_assert_cmpint (count ("SELECT count(*) FROM devices WHERE org_id = ? AND"
                          " (customer_id IS NOT NULL OR labels <> '[]' OR template_id NOT IN"
                          " (SELECT id FROM templates WHERE org_id = ?))", new_org, new_org), ==, 0);
  g_assert_cmpint (count ("SELECT count(*) FROM tickets WHERE org_id = ? AND"
                          " (customer_id IS NOT NULL OR responsible_ids <> '[]')", new_org, NULL), ==, 0);
  g_assert_cmpint (count ("SELECT count(*) FROM tickets WHERE org_id = ?", new_org, NULL), ==,
                   open_tickets->len);
  g_assert_cmpint (count ("SELECT count(*) FROM tasks WHERE org_id = ?", new_org, NULL), ==,
                   open_tasks->len);
  g_assert_cmpint (count ("SELECT count(*) FROM employees WHERE org_id = ?"
                          " AND customer_id IS NULL", new_org, NULL), ==, users->len);
  {
    g_autofree char *closed_org = query ("SELECT org_id FROM tickets WHERE id = ?", closed_ticket,
                                         NULL);

    g_assert_cmpstr (closed_org, ==, old_org);
  }
  g_assert_cmpint (count ("SELECT count(*) FROM ticket_messages m JOIN tickets t"
                          " ON t.id = m.ticket_id WHERE m.org_id <> t.org_id", NULL, NULL), ==, 0);

  /* The change feed: a delete in the old organization, an upsert in the new one. */
  for (guint i = 0; i < devices->len; i++)
    assert_moved (old_org, new_org, "device", devices->pdata[i]);
  for (guint i = 0; i < codes->len; i++)
    assert_moved (old_org, new_org, "code", codes->pdata[i]);
  for (guint i = 0; i < open_tickets->len; i++)
    assert_moved (old_org, new_org, "ticket", open_tickets->pdata[i]);
  for (guint i = 0; i < open_tasks->len; i++)
    assert_moved (old_org, new_org, "task", open_tasks->pdata[i]);
  for (guint i = 0; i < users->len; i++)
    assert_moved (old_org, new_org, "employee", users->pdata[i]);
  g_assert_false (has_change (old_org, "ticket", closed_ticket, "delete"));

  /* The operator no longer sees them, except the closed history. */
  for (guint i = 0; i < devices->len; i++)
    {
      g_autofree char *device_path = g_strdup_printf ("/api/v1/devices/%s",
                                                      (char *) devices->pdata[i]);

      expect_none (404, "GET", device_path, acme_admin, NULL, NULL);
    }
  {
    g_autofree char *open_path = g_strdup_printf ("/api/v1/tickets/%s", open_ticket);
    g_autofree char *closed_path = g_strdup_printf ("/api/v1/tickets/%s", closed_ticket);

    expect_none (404, "GET", open_path, acme_admin, NULL, NULL);
    expect_none (200, "GET", closed_path, acme_admin, NULL, NULL);
  }
  old_devices = list_all ("devices", acme_admin);
  old_tickets = list_all ("tickets", acme_admin);
  for (guint i = 0; i < devices->len; i++)
    g_assert_false (list_contains (old_devices, devices->pdata[i]));
  for (guint i = 0; i < open_tickets->len; i++)
    g_assert_false (list_contains (old_tickets, open_tickets->pdata[i]));
  g_assert_true (list_contains (old_tickets, closed_ticket));

  /* The operator's record of the company stays, marked and read-only. */
  customer = expect (200, "GET", customer_path, acme_admin, NULL, NULL);
  g_assert_cmpstr (member (customer, "status"), ==, "independent");
  {
    g_autofree char *customer_etag = etag_of (customer);

    conflict = expect (409, "PATCH", customer_path, acme_admin, "{\"status\":\"active\"}",
                       customer_etag);
  }

  /* The moved users sign in again, as employees of the new organization. */
  new_admin = login ("admin@initech.test");
  new_member = login ("member@initech.test");
  me = expect (200, "GET", "/api/v1/me", new_admin, NULL, NULL);
  member_me = expect (200, "GET", "/api/v1/me", new_member, NULL, NULL);
  g_assert_cmpstr (member (me, "login_type"), ==, "employee");
  g_assert_cmpstr (member (me, "role"), ==, "admin");
  g_assert_cmpstr (member (member_me, "login_type"), ==, "employee");
  g_assert_cmpstr (member (member_me, "role"), ==, "member");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_node_get_object (me), "organization"),
                     "id"), ==, new_org);
  new_devices = list_all ("devices", new_admin);
  new_tickets = list_all ("tickets", new_admin);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (new_devices), "items")), ==, devices->len);
  for (guint i = 0; i < devices->len; i++)
    g_assert_true (list_contains (new_devices, devices->pdata[i]));
  for (guint i = 0; i < open_tickets->len; i++)
    g_assert_true (list_contains (new_tickets, open_tickets->pdata[i]));
  g_assert_false (list_contains (new_tickets, closed_ticket));
  {
    g_autofree char *device_path = g_strdup_printf ("/api/v1/devices/%s",
                                                    (char *) devices->pdata[0]);
    g_autoptr(JsonNode) device = expect (200, "GET", device_path, new_admin, NULL, NULL);
    g_autofree char *template_path = g_strdup_printf ("/api/v1/templates/%s",
                                                      member (device, "template_id"));

    expect_none (200, "GET", template_path, new_admin, NULL, NULL);
  }
  /* Nothing of the operator's tenant leaks in. */
  {
    g_autoptr(JsonNode) customers = list_all ("customers", new_admin);
    g_autoptr(JsonNode) employees = list_all ("employees", new_admin);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (customers), "items")), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (employees), "items")), ==, users->len);
  }

  /* A second call: by the new administrator no longer a customer (403); by a request that
   * authenticated before the first one committed, a conflict (409) and no second tenant. */
  expect_none (403, "POST", "/api/v1/company/become-independent", new_admin, "{}", "\"1\"");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TdApiRequest) req = td_api_request_new ("POST", "/api/v1/company/become-independent");
    g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(TdApiResponse) response = NULL;
    TdApiCall call = { 0 };

    td_api_request_set_body (req, "{}", 2);
    req->if_match = g_strdup (etag);
    call.api = demo->api;
    call.request = req;
    call.db = td_db_pool_acquire (demo->pool, &error);
    g_assert_no_error (error);
    call.identity = racing_identity;
    call.params = params;
    response = td_lifecycle_become_independent (&call);
    td_db_pool_release (demo->pool, call.db);
    g_assert_cmpuint (response->status, ==, 409);
  }
  g_assert_cmpint (count ("SELECT count(*) FROM organizations", NULL, NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  demo = td_test_demo_api_new ("lifecycle.db");

  g_test_add_func ("/server/lifecycle/disable-user", test_disable_user);
  g_test_add_func ("/server/lifecycle/delete-user", test_delete_user);
  g_test_add_func ("/server/lifecycle/disable-company", test_disable_company);
  g_test_add_func ("/server/lifecycle/independent-permissions", test_independent_permissions);
  g_test_add_func ("/server/lifecycle/become-independent", test_become_independent);

  result = g_test_run ();

  td_test_demo_api_free (demo);
  return result;
}
