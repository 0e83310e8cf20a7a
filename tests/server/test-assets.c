/* test-assets.c: templates, devices and codes through the API, in process
 *
 * Runs td_api_dispatch() over a migrated and demo-seeded database: the happy paths, each
 * validation error of the assets routes, the customer scope (Globex users see Globex
 * devices only), permissions, the code actions and Strict department isolation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api.h"
#include "td-db-pool.h"
#include "td-json.h"
#include "td-migrations.h"
#include "td-random.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"

static char *dir;
static TdDbPool *pool;
static TdApi *api;
static TdTestDemoApi *demo;
static char *globex_id;

/* Requests */

static TdApiResponse *
request (const char *method,
         const char *path_and_query,
         const char *token,
         const char *body,
         gint64      if_match)
{
  g_auto(GStrv) parts = g_strsplit (path_and_query, "?", 2);
  g_autoptr(TdApiRequest) req = td_api_request_new (method, parts[0]);

  if (parts[1] != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (parts[1], "&", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

          g_hash_table_insert (req->query, g_uri_unescape_string (kv[0], NULL),
                               g_uri_unescape_string (kv[1] != NULL ? kv[1] : "", NULL));
        }
    }
  if (token != NULL)
    req->authorization = g_strdup_printf ("Bearer %s", token);
  if (body != NULL)
    td_api_request_set_body (req, body, strlen (body));
  if (if_match > 0)
    req->if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", if_match);
  req->user_agent = g_strdup ("test-assets");

  return td_api_dispatch (api, req);
}

static JsonObject *
object_of (TdApiResponse *response)
{
  g_autoptr(JsonNode) node = td_api_response_parse_body (response);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* Sends and expects @status; returns the body object (NULL for bodiless answers). */
static JsonObject *
expect (guint       status,
        const char *method,
        const char *path,
        const char *token,
        const char *body,
        gint64      if_match)
{
  g_autoptr(TdApiResponse) response = request (method, path, token, body, if_match);

  if (response->status != status)
    g_error ("%s %s: expected %u, got %u: %.*s", method, path, status, response->status,
             response->body ? (int) g_bytes_get_size (response->body) : 0,
             response->body ? (const char *) g_bytes_get_data (response->body, NULL) : "");
  return response->body != NULL ? object_of (response) : NULL;
}

static void
expect_error (guint       status,
              const char *code,
              const char *field,
              const char *method,
              const char *path,
              const char *token,
              const char *body,
              gint64      if_match)
{
  g_autoptr(JsonObject) object = expect (status, method, path, token, body, if_match);
  JsonObject *error = json_object_get_object_member (object, "error");

  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member_with_default (error, "field", NULL), ==, field);
}

static char *
login (const char *email)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                           TD_SEED_DEMO_PASSWORD);
  g_autoptr(JsonObject) object = expect (200, "POST", "/api/v1/auth/login", NULL, body, 0);

  return g_strdup (json_object_get_string_member (object, "token"));
}

/* Every item of a collection the caller can see, following the cursor. */
static JsonArray *
list_all (const char *token,
          const char *collection,
          const char *filter)
{
  JsonArray *all = json_array_new ();
  g_autofree char *cursor = NULL;

  do
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonObject) page = NULL;
      JsonArray *items;
      JsonNode *next;

      path = g_strdup_printf ("/api/v1/%s?limit=37%s%s%s%s", collection,
                              filter != NULL ? "&" : "", filter != NULL ? filter : "",
                              cursor != NULL ? "&cursor=" : "", cursor != NULL ? cursor : "");
      page = expect (200, "GET", path, token, NULL, 0);
      items = json_object_get_array_member (page, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (items, i)));

      g_clear_pointer (&cursor, g_free);
      next = json_object_get_member (page, "next_cursor");
      if (next != NULL && !JSON_NODE_HOLDS_NULL (next))
        cursor = g_uri_escape_string (json_node_get_string (next), NULL, FALSE);
    }
  while (cursor != NULL);

  return all;
}

/* Database */

static char *
sql_text (const char *sql,
          const char *arg)
{
  g_autoptr(GError) error = NULL;
  TdDb *db = td_db_pool_acquire (pool, &error);
  char *result = NULL;

  g_assert_no_error (error);
  {
    g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, &error);

    g_assert_no_error (error);
    if (arg != NULL)
      td_db_stmt_bind_text (stmt, 1, arg);
    if (td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW)
      result = td_db_stmt_dup_text (stmt, 0);
    g_assert_no_error (error);
  }
  td_db_pool_release (pool, db);
  return result;
}

static gint64
sql_int (const char *sql,
         const char *arg)
{
  g_autofree char *text = sql_text (sql, arg);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : -1;
}

static void
sql_run (const char *sql,
         const char *arg1,
         const char *arg2)
{
  g_autoptr(GError) error = NULL;
  TdDb *db = td_db_pool_acquire (pool, &error);

  g_assert_no_error (error);
  {
    g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, &error);

    g_assert_no_error (error);
    if (arg1 != NULL)
      td_db_stmt_bind_text (stmt, 1, arg1);
    if (arg2 != NULL)
      td_db_stmt_bind_text (stmt, 2, arg2);
    g_assert_true (td_db_stmt_run (stmt, &error));
    g_assert_no_error (error);
  }
  td_db_pool_release (pool, db);
}

static gint64
version_of (JsonObject *object)
{
  return json_object_get_int_member (object, "version");
}

/* The first seeded template's id (it has devices). */
static char *
seeded_template_id (void)
{
  return sql_text ("SELECT id FROM templates WHERE name = ? AND deleted = 0", "Heat Pump HP-200");
}

/* Seed */

static void
test_seed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *org_id = sql_text ("SELECT id FROM organizations WHERE name = ?", TD_SEED_DEMO_ORG_NAME);
  const char *tables[] = { "templates", "devices", "codes", "code_share_links", "changes" };
  gint64 before[G_N_ELEMENTS (tables)];
  TdDb *db;

  g_assert_cmpint (sql_int ("SELECT count(*) FROM templates", NULL), ==, 6);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM devices", NULL), ==, 60);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM codes", NULL), ==, 80);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM codes WHERE device_id IS NOT NULL", NULL), ==, 60);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM codes WHERE has_pin = 1 AND pin_hash LIKE '$argon2id$%'",
                            NULL), ==, 10);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM devices WHERE departments = '[]'", NULL), >, 0);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM devices WHERE "
                            "json_extract(attributes, '$.note') LIKE 'canary-%'", NULL), ==, 60);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM templates WHERE "
                            "json_array_length(json_extract(modules, '$.ticket_flows')) >= 2", NULL), ==, 6);
  g_assert_cmpint (sql_int ("SELECT min(length(token)) FROM codes", NULL), >=, 10);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

      before[i] = sql_int (sql, NULL);
    }

  db = td_db_pool_acquire (pool, &error);
  g_assert_no_error (error);
  g_assert_true (td_seed_demo_assets (db, org_id, &error));
  g_assert_no_error (error);
  td_db_pool_release (pool, db);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

      g_assert_cmpint (sql_int (sql, NULL), ==, before[i]);
    }
}

/* Templates */

static void
test_templates (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *member = login ("member@acme.test");
  g_autofree char *customer = login ("member@globex.test");
  g_autofree char *seeded = seeded_template_id ();
  g_autofree char *unknown = td_uuid_new ();
  g_autofree char *path = NULL;
  g_autofree char *seeded_path = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) patched = NULL;
  g_autoptr(JsonObject) seeded_object = NULL;
  g_autoptr(JsonObject) denied = NULL;
  JsonObject *modules;
  JsonObject *flow;
  const char *bad_modules[] = {
    "[]",
    "{\"text_assistant\":{}}",
    "{\"text_assistant\":[{\"body\":\"no title\"}]}",
    "{\"ticket_flows\":[{\"name\":\"\"}]}",
    "{\"ticket_flows\":[{\"name\":\"x\",\"meta_team_id\":\"nope\"}]}",
    "{\"ticket_flows\":[{\"id\":\"7d0b5e8c-5c1e-4d6a-9d7e-0f4a3c2b1a00\",\"name\":\"a\"},"
      "{\"id\":\"7d0b5e8c-5c1e-4d6a-9d7e-0f4a3c2b1a00\",\"name\":\"b\"}]}",
    "{\"task_definitions\":[{\"title\":\"t\",\"recurrence\":{\"freq\":\"hourly\",\"interval\":1}}]}",
    "{\"task_definitions\":[{\"title\":\"t\",\"recurrence\":{\"freq\":\"daily\",\"interval\":0}}]}",
    "{\"task_definitions\":[{\"title\":\"t\",\"steps\":[1]}]}",
    "{\"video_session_flow\":{\"enabled\":\"yes\"}}",
    "{\"label_groups\":[{\"name\":\"g\",\"label_ids\":[\"x\"]}]}",
    "{\"dynamic_codes\":1}",
  };

  /* Happy path: unknown members are dropped, ids generated, missing modules filled in. */
  created = expect (201, "POST", "/api/v1/templates", admin,
                    "{\"name\":\"Ice machine IM-1\",\"description\":\"Test\","
                    "\"modules\":{\"ticket_flows\":[{\"name\":\"Repair\",\"bogus\":1}],\"extra\":true,"
                    "\"task_definitions\":[{\"title\":\"Clean\",\"steps\":[\"Drain\",\"Wipe\"],"
                    "\"recurrence\":{\"freq\":\"weekly\",\"interval\":2}}]},"
                    "\"rating_tickets\":false}", 0);
  modules = json_object_get_object_member (created, "modules");
  g_assert_false (json_object_has_member (modules, "extra"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (modules, "text_assistant")), ==, 0);
  g_assert_false (json_object_get_boolean_member (modules, "dynamic_codes"));
  flow = json_array_get_object_element (json_object_get_array_member (modules, "ticket_flows"), 0);
  g_assert_true (td_uuid_is_valid (json_object_get_string_member (flow, "id")));
  g_assert_false (json_object_has_member (flow, "bogus"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (flow, "meta_team_id")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (flow, "team_id")));
  g_assert_false (json_object_get_boolean_member (created, "rating_tickets"));
  g_assert_true (json_object_get_boolean_member (created, "rating_video_sessions"));

  path = g_strdup_printf ("/api/v1/templates/%s", json_object_get_string_member (created, "id"));
  patched = expect (200, "PATCH", path, admin, "{\"modules\":{\"dynamic_codes\":true}}",
                    version_of (created));
  modules = json_object_get_object_member (patched, "modules");
  g_assert_true (json_object_get_boolean_member (modules, "dynamic_codes"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (modules, "ticket_flows")), ==, 0);

  /* Every validation error of the modules names the member. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_modules); i++)
    {
      g_autofree char *bad = g_strdup_printf ("{\"name\":\"Bad\",\"modules\":%s}", bad_modules[i]);

      expect_error (400, "invalid_field", "modules", "POST", "/api/v1/templates", admin, bad, 0);
    }
  body = g_strdup_printf ("{\"name\":\"Bad\",\"modules\":{\"ticket_flows\":[{\"name\":\"x\","
                          "\"meta_team_id\":\"%s\"}]}}", unknown);
  expect_error (422, "invalid_reference", "modules", "POST", "/api/v1/templates", admin, body, 0);
  expect_error (400, "invalid_field", "name", "POST", "/api/v1/templates", admin, "{}", 0);

  /* Permissions: members view, customers get nothing at all. */
  expect_error (403, "forbidden", NULL, "POST", "/api/v1/templates", member, "{\"name\":\"x\"}", 0);
  g_assert_nonnull (expect (200, "GET", "/api/v1/templates", member, NULL, 0));
  expect_error (403, "forbidden", NULL, "GET", "/api/v1/templates", customer, NULL, 0);
  seeded_path = g_strdup_printf ("/api/v1/templates/%s", seeded);
  denied = expect (404, "GET", seeded_path, customer, NULL, 0);

  /* A template with devices cannot be deleted; an unused one can. */
  seeded_object = expect (200, "GET", seeded_path, admin, NULL, 0);
  expect_error (409, "conflict", NULL, "DELETE", seeded_path, admin, NULL, version_of (seeded_object));
  g_assert_null (expect (204, "DELETE", path, admin, NULL, version_of (patched)));
}

/* Devices */

static JsonObject *
find_device (JsonArray  *devices,
             const char *customer_id,
             gboolean    equal)
{
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);
      JsonNode *customer = json_object_get_member (device, "customer_id");
      const char *id = JSON_NODE_HOLDS_NULL (customer) ? NULL : json_node_get_string (customer);

      if ((g_strcmp0 (id, customer_id) == 0) == equal)
        return device;
    }
  return NULL;
}

static void
test_devices_customer_scope (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *customer = login ("member@globex.test");
  g_autoptr(JsonArray) all = list_all (admin, "devices", NULL);
  g_autoptr(JsonArray) mine = list_all (customer, "devices", NULL);
  g_autofree char *globex_number = sql_text ("SELECT customer_number FROM customers WHERE id = ?",
                                             globex_id);
  g_autofree char *canary = g_strdup_printf ("canary-%s-", globex_number);
  g_autofree char *foreign_path = NULL;
  JsonObject *foreign;

  g_assert_cmpuint (json_array_get_length (all), ==, 60);
  g_assert_cmpuint (json_array_get_length (mine), ==, 10);
  for (guint i = 0; i < json_array_get_length (mine); i++)
    {
      JsonObject *device = json_array_get_object_element (mine, i);
      JsonObject *attributes = json_object_get_object_member (device, "attributes");

      g_assert_cmpstr (json_object_get_string_member (device, "customer_id"), ==, globex_id);
      g_assert_true (g_str_has_prefix (json_object_get_string_member (attributes, "note"), canary));
      g_assert_false (json_object_has_member (device, "departments"));
    }

  /* Another company's device does not exist for Globex users. */
  foreign = find_device (all, globex_id, FALSE);
  g_assert_nonnull (foreign);
  foreign_path = g_strdup_printf ("/api/v1/devices/%s", json_object_get_string_member (foreign, "id"));
  expect_error (404, "not_found", NULL, "GET", foreign_path, customer, NULL, 0);
}

static void
test_devices_permissions (void)
{
  g_autofree char *member = login ("member@acme.test");
  g_autofree char *customer_member = login ("member@globex.test");
  g_autofree char *moderator = login ("moderator@globex.test");
  g_autofree char *template_id = seeded_template_id ();
  g_autofree char *body = g_strdup_printf ("{\"name\":\"X\",\"serial_number\":\"X-1\",\"template_id\":\"%s\"}",
                                           template_id);
  g_autoptr(JsonArray) mine = list_all (moderator, "devices", NULL);
  g_autoptr(JsonObject) edited = NULL;
  g_autofree char *path = NULL;
  g_autofree char *other = sql_text ("SELECT id FROM customers WHERE id <> ? AND deleted = 0", globex_id);
  g_autofree char *move = NULL;
  JsonObject *device;

  expect_error (403, "forbidden", NULL, "POST", "/api/v1/devices", member, body, 0);
  expect_error (403, "forbidden", NULL, "POST", "/api/v1/devices", moderator, body, 0);

  device = json_array_get_object_element (mine, 0);
  path = g_strdup_printf ("/api/v1/devices/%s", json_object_get_string_member (device, "id"));
  expect_error (403, "forbidden", NULL, "PATCH", path, customer_member, "{\"location\":\"Dock 7\"}",
                version_of (device));

  edited = expect (200, "PATCH", path, moderator, "{\"location\":\"Dock 7\"}", version_of (device));
  g_assert_cmpstr (json_object_get_string_member (edited, "location"), ==, "Dock 7");

  /* The company is not theirs to change: clearing it is a 403 naming the field; another
   * company's id is no id they can see (422); repeating their own is harmless. */
  expect_error (403, "forbidden_field", "customer_id", "PATCH", path, moderator,
                "{\"customer_id\":null}", version_of (edited));
  if (other != NULL)
    {
      move = g_strdup_printf ("{\"customer_id\":\"%s\"}", other);
      expect_error (422, "invalid_reference", "customer_id", "PATCH", path, moderator, move,
                    version_of (edited));
    }
  {
    g_autofree char *same = g_strdup_printf ("{\"customer_id\":\"%s\",\"name\":\"Renamed\"}", globex_id);
    g_autoptr(JsonObject) again = expect (200, "PATCH", path, moderator, same, version_of (edited));

    g_assert_cmpstr (json_object_get_string_member (again, "customer_id"), ==, globex_id);
    g_assert_cmpstr (json_object_get_string_member (again, "name"), ==, "Renamed");
  }
}

static void
test_devices_validation (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *template_id = seeded_template_id ();
  g_autofree char *unknown = td_uuid_new ();
  g_autofree char *department_id = td_uuid_new ();
  g_autofree char *other = sql_text ("SELECT id FROM customers WHERE id <> ? AND deleted = 0", globex_id);
  g_autofree char *now = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) patched = NULL;
  g_autoptr(JsonObject) moved = NULL;
  JsonObject *overrides;

  /* A department of Globex to attach devices to. */
  sql_run ("INSERT INTO customer_departments (id, org_id, customer_id, name, version, created_at, "
           "updated_at, deleted) SELECT ?, org_id, id, 'Test plant', 1, '2026-01-01T00:00:00Z', "
           "'2026-01-01T00:00:00Z', 0 FROM customers WHERE id = ?", department_id, globex_id);

  body = g_strdup_printf ("{\"name\":\"Test pump\",\"serial_number\":\"TEST-0001\",\"template_id\":\"%s\","
                          "\"customer_id\":\"%s\",\"customer_department_id\":\"%s\","
                          "\"location\":\"Lab\",\"attributes\":{\"note\":\"x\"},"
                          "\"overrides\":{\"detached\":[\"ticket_flows\",\"ticket_flows\"],"
                          "\"modules\":{\"dynamic_codes\":true,\"junk\":1},\"junk\":2}}",
                          template_id, globex_id, department_id);
  created = expect (201, "POST", "/api/v1/devices", admin, body, 0);
  overrides = json_object_get_object_member (created, "overrides");
  g_assert_false (json_object_has_member (overrides, "junk"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (overrides, "detached")), ==, 1);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (overrides, "modules"),
                                                 "dynamic_codes"));
  g_assert_false (json_object_has_member (json_object_get_object_member (overrides, "modules"), "junk"));
  g_assert_false (json_object_has_member (json_object_get_object_member (overrides, "modules"),
                                          "ticket_flows"));

  /* Serial numbers are unique among live devices. */
  expect_error (409, "conflict", "serial_number", "POST", "/api/v1/devices", admin, body, 0);

  g_free (body);
  body = g_strdup_printf ("{\"name\":\"x\",\"serial_number\":\"TEST-0002\",\"template_id\":\"%s\"}", unknown);
  expect_error (422, "invalid_reference", "template_id", "POST", "/api/v1/devices", admin, body, 0);
  expect_error (400, "invalid_field", "template_id", "POST", "/api/v1/devices", admin,
                "{\"name\":\"x\",\"serial_number\":\"TEST-0002\"}", 0);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"x\",\"serial_number\":\"TEST-0002\",\"template_id\":\"%s\","
                          "\"customer_id\":\"%s\"}", template_id, unknown);
  expect_error (422, "invalid_reference", "customer_id", "POST", "/api/v1/devices", admin, body, 0);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"x\",\"serial_number\":\"TEST-0002\",\"template_id\":\"%s\","
                          "\"customer_department_id\":\"%s\"}", template_id, department_id);
  expect_error (422, "invalid_reference", "customer_department_id", "POST", "/api/v1/devices", admin,
                body, 0);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"x\",\"serial_number\":\"TEST-0002\",\"template_id\":\"%s\","
                          "\"attributes\":[1]}", template_id);
  expect_error (400, "invalid_field", "attributes", "POST", "/api/v1/devices", admin, body, 0);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"x\",\"serial_number\":\"TEST-0002\",\"template_id\":\"%s\","
                          "\"overrides\":{\"detached\":[\"nope\"]}}", template_id);
  expect_error (400, "invalid_field", "overrides", "POST", "/api/v1/devices", admin, body, 0);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"x\",\"serial_number\":\"TEST-0002\",\"template_id\":\"%s\","
                          "\"overrides\":{\"modules\":{\"ticket_flows\":[{}]}}}", template_id);
  expect_error (400, "invalid_field", "overrides", "POST", "/api/v1/devices", admin, body, 0);

  /* A new customer without a department clears the old customer's department. */
  path = g_strdup_printf ("/api/v1/devices/%s", json_object_get_string_member (created, "id"));
  if (other != NULL)
    {
      g_free (body);
      body = g_strdup_printf ("{\"customer_id\":\"%s\"}", other);
      moved = expect (200, "PATCH", path, admin, body, version_of (created));
      g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (moved, "customer_department_id")));
      g_free (body);
      body = g_strdup_printf ("{\"customer_department_id\":\"%s\"}", department_id);
      expect_error (422, "invalid_reference", "customer_department_id", "PATCH", path, admin, body,
                    version_of (moved));
    }

  patched = expect (200, "GET", path, admin, NULL, 0);
  now = g_strdup_printf ("/api/v1/devices?serial_number=TEST-0001");
  {
    g_autoptr(JsonObject) page = expect (200, "GET", now, admin, NULL, 0);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "items")), ==, 1);
  }

  /* Deleting the device frees its serial number. */
  g_assert_null (expect (204, "DELETE", path, admin, NULL, version_of (patched)));
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"Test pump\",\"serial_number\":\"TEST-0001\",\"template_id\":\"%s\"}",
                          template_id);
  g_clear_pointer (&created, json_object_unref);
  created = expect (201, "POST", "/api/v1/devices", admin, body, 0);
}

/* Codes */

static void
test_codes_actions (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *member = login ("member@acme.test");
  g_autofree char *device_id = sql_text ("SELECT id FROM devices WHERE deleted = 0 ORDER BY id", NULL);
  g_autofree char *unknown = td_uuid_new ();
  g_autofree char *path = NULL;
  g_autofree char *action = NULL;
  g_autofree char *body = NULL;
  g_autofree char *stored_hash = NULL;
  g_autofree char *expected_hash = NULL;
  g_autofree char *expected_url = NULL;
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) paired = NULL;
  g_autoptr(JsonObject) unpaired = NULL;
  g_autoptr(JsonObject) link = NULL;
  g_autoptr(JsonObject) permanent = NULL;
  g_autoptr(JsonObject) pinned = NULL;
  g_autoptr(JsonObject) unpinned = NULL;
  g_autoptr(JsonObject) logged_out = NULL;
  g_autoptr(JsonObject) member_pin = NULL;
  const char *token;
  const char *id;

  /* argon2id runs on the slow pool. */
  {
    g_autoptr(TdApiRequest) pin_request = td_api_request_new ("PUT", "/api/v1/codes/x/pin");
    g_autoptr(TdApiRequest) pair_request = td_api_request_new ("POST", "/api/v1/codes/x/pair");

    g_assert_cmpint (td_api_classify (api, pin_request), ==, TD_API_COST_SLOW);
    g_assert_cmpint (td_api_classify (api, pair_request), ==, TD_API_COST_NORMAL);
  }

  /* The token is the server's. */
  code = expect (201, "POST", "/api/v1/codes", admin, "{\"token\":\"mine\",\"enabled\":true}", 0);
  id = json_object_get_string_member (code, "id");
  token = json_object_get_string_member (code, "token");
  g_assert_cmpuint (strlen (token), >=, 10);
  g_assert_cmpstr (token, !=, "mine");
  g_assert_false (json_object_has_member (code, "pin_hash"));
  g_assert_false (json_object_get_boolean_member (code, "has_pin"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (code, "device_id")));
  expect_error (403, "forbidden", NULL, "POST", "/api/v1/codes", member, "{}", 0);

  /* Pair and unpair. */
  path = g_strdup_printf ("/api/v1/codes/%s/pair", id);
  body = g_strdup_printf ("{\"device_id\":\"%s\"}", device_id);
  paired = expect (200, "POST", path, admin, body, 0);
  g_assert_cmpstr (json_object_get_string_member (paired, "device_id"), ==, device_id);
  g_assert_cmpint (version_of (paired), ==, version_of (code) + 1);
  expect_error (412, "version_mismatch", NULL, "POST", path, admin, body, version_of (code));
  expect_error (400, "invalid_field", "device_id", "POST", path, admin, "{}", 0);
  expect_error (400, "invalid_field", "device_id", "POST", path, admin, "{\"device_id\":\"x\"}", 0);
  g_free (body);
  body = g_strdup_printf ("{\"device_id\":\"%s\"}", unknown);
  expect_error (422, "invalid_reference", "device_id", "POST", path, admin, body, 0);
  expect_error (403, "forbidden", NULL, "POST", path, member, body, 0);
  g_free (path);
  path = g_strdup_printf ("/api/v1/codes/%s/pair", unknown);
  expect_error (404, "not_found", NULL, "POST", path, admin, body, 0);

  g_free (path);
  path = g_strdup_printf ("/api/v1/codes/%s/unpair", id);
  unpaired = expect (200, "POST", path, admin, NULL, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (unpaired, "device_id")));
  expect_error (403, "forbidden", NULL, "POST", path, member, NULL, 0);

  /* Share links: the token is only in the answer, its hash in the table. */
  g_free (path);
  path = g_strdup_printf ("/api/v1/codes/%s/share-links", id);
  link = expect (201, "POST", path, admin, "{\"duration\":\"30m\"}", 0);
  g_assert_cmpuint (strlen (json_object_get_string_member (link, "token")), >=, 43);
  g_assert_nonnull (json_object_get_string_member (link, "expires_at"));
  expected_url = g_strdup_printf ("/c/%s?share=%s", token, json_object_get_string_member (link, "token"));
  g_assert_cmpstr (json_object_get_string_member (link, "url"), ==, expected_url);
  expected_hash = td_token_hash (json_object_get_string_member (link, "token"));
  stored_hash = sql_text ("SELECT token_hash FROM code_share_links WHERE code_id = ?", id);
  g_assert_cmpstr (stored_hash, ==, expected_hash);
  permanent = expect (201, "POST", path, admin, "{\"duration\":\"permanent\"}", 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (permanent, "expires_at")));
  expect_error (400, "invalid_field", "duration", "POST", path, admin, "{\"duration\":\"1h\"}", 0);
  expect_error (400, "invalid_field", "duration", "POST", path, admin, "{}", 0);
  expect_error (400, "invalid_json", NULL, "POST", path, admin, "[", 0);
  expect_error (403, "forbidden", NULL, "POST", path, member, "{\"duration\":\"30m\"}", 0);

  /* PIN: hashed with argon2id, never shown; members may change it. */
  g_free (path);
  path = g_strdup_printf ("/api/v1/codes/%s/pin", id);
  pinned = expect (200, "PUT", path, admin, "{\"pin\":\"1234\"}", 0);
  g_assert_true (json_object_get_boolean_member (pinned, "has_pin"));
  g_assert_false (json_object_has_member (pinned, "pin_hash"));
  g_assert_cmpint (sql_int ("SELECT count(*) FROM codes WHERE id = ? AND pin_hash LIKE '$argon2id$%'", id),
                   ==, 1);
  expect_error (400, "invalid_field", "pin", "PUT", path, admin, "{\"pin\":\"12a4\"}", 0);
  expect_error (400, "invalid_field", "pin", "PUT", path, admin, "{\"pin\":\"123\"}", 0);
  expect_error (400, "invalid_field", "pin", "PUT", path, admin, "{\"pin\":\"123456789\"}", 0);
  expect_error (400, "invalid_field", "pin", "PUT", path, admin, "{\"pin\":1234}", 0);
  expect_error (400, "invalid_field", "pin", "PUT", path, admin, "{}", 0);
  unpinned = expect (200, "PUT", path, admin, "{\"pin\":null}", 0);
  g_assert_false (json_object_get_boolean_member (unpinned, "has_pin"));
  g_assert_cmpint (sql_int ("SELECT count(*) FROM codes WHERE id = ? AND pin_hash IS NULL", id), ==, 1);
  member_pin = expect (200, "PUT", path, member, "{\"pin\":\"87654321\"}", 0);
  g_assert_true (json_object_get_boolean_member (member_pin, "has_pin"));

  /* Logging out code users bumps the epoch; clearing notifications answers 204. */
  g_free (action);
  action = g_strdup_printf ("/api/v1/codes/%s/logout-code-users", id);
  logged_out = expect (200, "POST", action, admin, NULL, 0);
  g_assert_cmpint (json_object_get_int_member (logged_out, "code_user_epoch"), ==,
                   json_object_get_int_member (code, "code_user_epoch") + 1);
  expect_error (403, "forbidden", NULL, "POST", action, member, NULL, 0);
  g_free (action);
  action = g_strdup_printf ("/api/v1/codes/%s/notifications", id);
  g_assert_null (expect (204, "DELETE", action, admin, NULL, 0));
  expect_error (403, "forbidden", NULL, "DELETE", action, member, NULL, 0);

  /* Export is the desktop app's: no such route here. */
  g_free (action);
  action = g_strdup_printf ("/api/v1/codes/%s/export", id);
  expect_error (404, "not_found", NULL, "GET", action, admin, NULL, 0);

  /* Deleting the code revokes its share links. */
  {
    g_autoptr(JsonObject) now = NULL;

    g_free (path);
    path = g_strdup_printf ("/api/v1/codes/%s", id);
    now = expect (200, "GET", path, admin, NULL, 0);
    g_assert_null (expect (204, "DELETE", path, admin, NULL, version_of (now)));
    g_assert_cmpint (sql_int ("SELECT count(*) FROM code_share_links WHERE code_id = ? AND deleted = 0", id),
                     ==, 0);
  }
}

static void
test_codes_customer_scope (void)
{
  g_autofree char *customer = login ("member@globex.test");
  g_autoptr(JsonArray) codes = list_all (customer, "codes", NULL);
  g_autofree char *unpaired = sql_text ("SELECT id FROM codes WHERE device_id IS NULL AND deleted = 0", NULL);
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) pinned = NULL;
  const char *id;

  g_assert_cmpuint (json_array_get_length (codes), >, 0);
  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      JsonObject *code = json_array_get_object_element (codes, i);
      g_autofree char *owner = sql_text ("SELECT customer_id FROM devices WHERE id = ?",
                                         json_object_get_string_member (code, "device_id"));

      g_assert_cmpstr (owner, ==, globex_id);
      g_assert_false (json_object_has_member (code, "departments"));
      g_assert_false (json_object_has_member (code, "pin_hash"));
    }

  path = g_strdup_printf ("/api/v1/codes/%s", unpaired);
  expect_error (404, "not_found", NULL, "GET", path, customer, NULL, 0);
  g_free (path);
  path = g_strdup_printf ("/api/v1/codes/%s/pin", unpaired);
  expect_error (404, "not_found", NULL, "PUT", path, customer, "{\"pin\":\"1111\"}", 0);

  id = json_object_get_string_member (json_array_get_object_element (codes, 0), "id");
  g_free (path);
  path = g_strdup_printf ("/api/v1/codes/%s/pin", id);
  pinned = expect (200, "PUT", path, customer, "{\"pin\":\"2468\"}", 0);
  g_assert_true (json_object_get_boolean_member (pinned, "has_pin"));
  g_free (path);
  path = g_strdup_printf ("/api/v1/codes/%s/share-links", id);
  expect_error (403, "forbidden", NULL, "POST", path, customer, "{\"duration\":\"30m\"}", 0);
  g_free (path);
  path = g_strdup_printf ("/api/v1/codes/%s/unpair", id);
  expect_error (403, "forbidden", NULL, "POST", path, customer, NULL, 0);
}

/* Strict isolation: an employee of South sees South devices only, not department-less
 * ones, and may assign only South. */
static void
test_isolation_strict (void)
{
  g_autofree char *south = sql_text ("SELECT id FROM departments WHERE name = 'South' AND deleted = 0", NULL);
  g_autofree char *north = sql_text ("SELECT id FROM departments WHERE name = 'North' AND deleted = 0", NULL);
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *template_id = seeded_template_id ();
  g_autofree char *body = NULL;
  g_autofree char *employee = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonArray) visible = NULL;
  g_autoptr(JsonObject) south_template = NULL;

  if (south == NULL)
    {
      south = td_uuid_new ();
      sql_run ("INSERT INTO departments (id, org_id, name, version, created_at, updated_at, deleted) "
               "SELECT ?, id, 'South', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 0 "
               "FROM organizations WHERE name = ?", south, TD_SEED_DEMO_ORG_NAME);
    }
  if (north == NULL)
    {
      north = td_uuid_new ();
      sql_run ("INSERT INTO departments (id, org_id, name, version, created_at, updated_at, deleted) "
               "SELECT ?, id, 'North', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 0 "
               "FROM organizations WHERE name = ?", north, TD_SEED_DEMO_ORG_NAME);
    }

  /* At least one South device, whatever the organization seed provided. */
  body = g_strdup_printf ("{\"name\":\"South pump\",\"serial_number\":\"SOUTH-1\",\"template_id\":\"%s\","
                          "\"departments\":[\"%s\"]}", template_id, south);
  created = expect (201, "POST", "/api/v1/devices", admin, body, 0);

  sql_run ("UPDATE employees SET departments = json_array(?) WHERE email = ?", south, "moderator@acme.test");
  sql_run ("UPDATE organizations SET isolation = 'strict' WHERE name = ?", TD_SEED_DEMO_ORG_NAME, NULL);
  employee = login ("moderator@acme.test");

  visible = list_all (employee, "devices", NULL);
  g_assert_cmpuint (json_array_get_length (visible), >, 0);
  for (guint i = 0; i < json_array_get_length (visible); i++)
    {
      JsonArray *departments = json_object_get_array_member (json_array_get_object_element (visible, i),
                                                             "departments");
      gboolean has_south = FALSE;

      for (guint j = 0; j < json_array_get_length (departments); j++)
        has_south |= g_strcmp0 (json_array_get_string_element (departments, j), south) == 0;
      g_assert_true (has_south);
    }

  /* Assigning a department one does not belong to is refused (with a template of South,
   * which is all this employee can see). */
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"South template\",\"departments\":[\"%s\"]}", south);
  south_template = expect (201, "POST", "/api/v1/templates", admin, body, 0);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"North pump\",\"serial_number\":\"NORTH-1\",\"template_id\":\"%s\","
                          "\"departments\":[\"%s\"]}", json_object_get_string_member (south_template, "id"),
                          north);
  expect_error (422, "invalid_reference", "departments", "POST", "/api/v1/devices", employee, body, 0);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"South pump 2\",\"serial_number\":\"SOUTH-2\",\"template_id\":\"%s\","
                          "\"departments\":[\"%s\"]}", json_object_get_string_member (south_template, "id"),
                          south);
  g_clear_pointer (&created, json_object_unref);
  created = expect (201, "POST", "/api/v1/devices", employee, body, 0);

  sql_run ("UPDATE organizations SET isolation = 'off' WHERE name = ?", TD_SEED_DEMO_ORG_NAME, NULL);
  sql_run ("UPDATE employees SET departments = '[]' WHERE email = ?", "moderator@acme.test", NULL);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  demo = td_test_demo_api_new ("assets.db");
  dir = demo->dir;
  pool = demo->pool;
  api = demo->api;
  globex_id = sql_text ("SELECT id FROM customers WHERE customer_number = ?", "C-10001");

  g_test_add_func ("/server/assets/seed", test_seed);
  g_test_add_func ("/server/assets/templates", test_templates);
  g_test_add_func ("/server/assets/devices/customer-scope", test_devices_customer_scope);
  g_test_add_func ("/server/assets/devices/permissions", test_devices_permissions);
  g_test_add_func ("/server/assets/devices/validation", test_devices_validation);
  g_test_add_func ("/server/assets/codes/actions", test_codes_actions);
  g_test_add_func ("/server/assets/codes/customer-scope", test_codes_customer_scope);
  g_test_add_func ("/server/assets/isolation/strict", test_isolation_strict);

  result = g_test_run ();

  td_test_demo_api_free (demo);
  g_free (globex_id);
  return result;
}
