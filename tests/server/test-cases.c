/* test-cases.c: tickets, video sessions, task events and tasks, in process
 *
 * The API runs through td_api_dispatch() on a migrated database with the demo data, as in
 * test-api-dispatch.c: every route of the cases area with its happy path and validation
 * errors, the status machines, offers, ratings and the customer-company scope.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "td-api.h"
#include "td-db-pool.h"
#include "td-migrations.h"
#include "td-seed-cases.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"
#include "td-store-orgs.h"

static char *dir;
static TdDbPool *pool;
static TdApi *api;
static TdTestDemoApi *demo;

static char *admin;          /* admin@acme.test */
static char *moderator;      /* moderator@acme.test */
static char *member;         /* member@acme.test */
static char *globex_member;  /* member@globex.test */
static char *globex_admin;   /* admin@globex.test */

static char *globex_device;
static char *initech_ticket;
static char *umbrella_ticket;

#define API "/api/v1"

static TdApiResponse *
request (const char *method,
         const char *path,
         const char *token,
         const char *body,
         const char *if_match)
{
  g_autoptr(TdApiRequest) req = td_api_request_new (method, path);

  if (token != NULL)
    req->authorization = g_strdup_printf ("Bearer %s", token);
  if (body != NULL)
    td_api_request_set_body (req, body, strlen (body));
  if (if_match != NULL)
    req->if_match = g_strdup (if_match);
  req->user_agent = g_strdup ("test-cases");
  return td_api_dispatch (api, req);
}

/* The response's JSON object (owned by *@out_node). */
static JsonObject *
object_of (TdApiResponse *response,
           JsonNode     **out_node)
{
  *out_node = td_api_response_parse_body (response);
  g_assert_nonnull (*out_node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*out_node));
  return json_node_get_object (*out_node);
}

static void
assert_status (TdApiResponse *response,
               guint          status)
{
  if (response->status != status && response->body != NULL)
    g_test_message ("Unexpected %u: %.*s", response->status,
                    (int) g_bytes_get_size (response->body),
                    (const char *) g_bytes_get_data (response->body, NULL));
  g_assert_cmpuint (response->status, ==, status);
}

static void
assert_error (TdApiResponse *response,
              guint          status,
              const char    *code,
              const char    *field)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *error;

  assert_status (response, status);
  error = json_object_get_object_member (object_of (response, &node), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member (error, "field"), ==, field);
}

static char *
login (const char *email)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                           TD_SEED_DEMO_PASSWORD);
  g_autoptr(TdApiResponse) response = request ("POST", API "/auth/login", NULL, body, NULL);
  g_autoptr(JsonNode) node = NULL;

  assert_status (response, 200);
  return g_strdup (json_object_get_string_member (object_of (response, &node), "token"));
}

/* The first column of the first row of @sql with one optional text parameter. */
static char *
query (const char *sql,
       const char *param)
{
  g_autoptr(GError) error = NULL;
  TdDb *db = td_db_pool_acquire (pool, &error);
  TdDbStmt *stmt;
  char *value = NULL;

  g_assert_no_error (error);
  stmt = td_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  if (param != NULL)
    td_db_stmt_bind_text (stmt, 1, param);
  if (td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW)
    value = td_db_stmt_dup_text (stmt, 0);
  g_assert_no_error (error);
  td_db_stmt_free (stmt);
  td_db_pool_release (pool, db);
  return value;
}

/* Creates a ticket; returns its response object (owned by *@out_node). */
static JsonObject *
create_ticket (const char  *token,
               const char  *device_id,
               JsonNode   **out_node)
{
  g_autofree char *body = g_strdup_printf ("{\"title\":\"Heat pump loses pressure\","
                                           "\"description\":\"Since Monday\",\"device_id\":\"%s\"}",
                                           device_id);
  g_autoptr(TdApiResponse) response = request ("POST", API "/tickets", token, body, NULL);

  assert_status (response, 201);
  return object_of (response, out_node);
}

static char *
etag (JsonObject *object)
{
  return g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", json_object_get_int_member (object, "version"));
}

static TdApiResponse *
patch (const char *collection,
       JsonObject *object,
       const char *token,
       const char *body)
{
  g_autofree char *path = g_strdup_printf (API "/%s/%s", collection,
                                           json_object_get_string_member (object, "id"));
  g_autofree char *version = etag (object);

  return request ("PATCH", path, token, body, version);
}

static gboolean
array_has (JsonObject *object,
           const char *name,
           const char *value)
{
  JsonArray *array = json_object_get_array_member (object, name);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static void
test_ticket_create (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *globex_id = query ("SELECT id FROM customers WHERE name = 'Globex'", NULL);
  g_autofree char *admin_id = query ("SELECT id FROM employees WHERE email = 'admin@acme.test'", NULL);
  g_autofree char *long_title = g_strnfill (201, 'x');
  g_autofree char *body = NULL;
  JsonObject *ticket = create_ticket (admin, globex_device, &node);
  struct { const char *body; const char *field; } invalid[] = {
    { "{\"description\":\"no title\",\"device_id\":\"%s\"}", "title" },
    { "{\"title\":\"A\"}", "device_id" },
    { "{\"title\":\"A\",\"device_id\":\"not-an-id\"}", "device_id" },
    { "{\"title\":\"A\",\"device_id\":\"%s\",\"priority\":\"urgent\"}", "priority" },
    { "{\"title\":\"A\",\"device_id\":\"%s\",\"status\":\"bogus\"}", "status" },
    { "{\"title\":\"A\",\"device_id\":\"%s\",\"category\":\"no-such-flow\"}", "category" },
    { "{\"title\":\"A\",\"device_id\":\"%s\",\"visibility\":\"secret\"}", "visibility" },
    { "{\"title\":7,\"device_id\":\"%s\"}", "title" },
  };

  g_assert_cmpint (json_object_get_int_member (ticket, "number"), >, 300);
  g_assert_cmpstr (json_object_get_string_member (ticket, "status"), ==, "draft");
  g_assert_cmpstr (json_object_get_string_member (ticket, "visibility"), ==, "internal");
  g_assert_cmpstr (json_object_get_string_member (ticket, "priority"), ==, "normal");
  g_assert_cmpstr (json_object_get_string_member (ticket, "customer_id"), ==, globex_id);
  g_assert_cmpstr (json_object_get_string_member (ticket, "created_by"), ==, admin_id);
  g_assert_cmpstr (json_object_get_string_member (ticket, "category"), !=, "");

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GString) request_body = g_string_new (invalid[i].body);
      g_autoptr(TdApiResponse) response = NULL;

      g_string_replace (request_body, "%s", globex_device, 0);
      response = request ("POST", API "/tickets", admin, request_body->str, NULL);

      assert_error (response, 400, "invalid_field", invalid[i].field);
    }

  {
    g_autoptr(TdApiResponse) response = NULL;

    body = g_strdup_printf ("{\"title\":\"%s\",\"device_id\":\"%s\"}", long_title, globex_device);
    response = request ("POST", API "/tickets", admin, body, NULL);
    assert_error (response, 400, "invalid_field", "title");
  }

  /* Numbers are unique and increase. */
  {
    g_autoptr(JsonNode) second_node = NULL;
    JsonObject *second = create_ticket (admin, globex_device, &second_node);

    g_assert_cmpint (json_object_get_int_member (second, "number"), ==,
                     json_object_get_int_member (ticket, "number") + 1);
  }
}

static void
test_ticket_status_and_offers (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) opened_node = NULL;
  g_autoptr(JsonNode) offers_node = NULL;
  g_autoptr(TdApiResponse) bogus = NULL;
  g_autoptr(TdApiResponse) opened = NULL;
  g_autoptr(TdApiResponse) offers = NULL;
  g_autoptr(TdApiResponse) same = NULL;
  g_autofree char *offers_path = NULL;
  JsonObject *ticket = create_ticket (admin, globex_device, &node);
  JsonObject *opened_ticket;
  JsonArray *items;

  bogus = patch ("tickets", ticket, admin, "{\"status\":\"bogus\"}");
  assert_error (bogus, 400, "invalid_field", "status");

  opened = patch ("tickets", ticket, admin, "{\"status\":\"open\"}");
  assert_status (opened, 200);
  opened_ticket = object_of (opened, &opened_node);
  g_assert_cmpstr (json_object_get_string_member (opened_ticket, "status"), ==, "open");

  /* Leaving draft offered the ticket to the responsible group: the Field Service meta team
   * resolved through Globex's mapping. */
  offers_path = g_strdup_printf (API "/tickets/%s/offers", json_object_get_string_member (ticket, "id"));
  offers = request ("GET", offers_path, admin, NULL, NULL);
  assert_status (offers, 200);
  items = json_object_get_array_member (object_of (offers, &offers_node), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i),
                                                    "status"), ==, "pending");

  /* The same status again is no transition (and no second round of offers). */
  same = patch ("tickets", opened_ticket, admin, "{\"status\":\"open\"}");
  assert_status (same, 200);
  {
    g_autoptr(TdApiResponse) again = request ("GET", offers_path, admin, NULL, NULL);
    g_autoptr(JsonNode) again_node = NULL;

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        object_of (again, &again_node), "items")), ==, json_array_get_length (items));
  }

  /* Customers see no offers. */
  {
    g_autoptr(TdApiResponse) customer = request ("GET", offers_path, globex_member, NULL, NULL);

    assert_error (customer, 403, "forbidden", NULL);
  }
}

static void
test_offer_accept (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) opened_node = NULL;
  g_autoptr(JsonNode) offers_node = NULL;
  g_autoptr(JsonNode) accepted_node = NULL;
  g_autoptr(TdApiResponse) opened = NULL;
  g_autoptr(TdApiResponse) offers = NULL;
  g_autoptr(TdApiResponse) accepted = NULL;
  g_autofree char *offers_path = NULL;
  g_autofree char *accept_path = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *email = NULL;
  g_autofree char *other_email = NULL;
  g_autofree char *token = NULL;
  g_autofree char *other_token = NULL;
  JsonObject *ticket = create_ticket (admin, globex_device, &node);
  JsonObject *first, *second, *result;
  const char *ticket_id = json_object_get_string_member (ticket, "id");
  JsonArray *items;

  opened = patch ("tickets", ticket, admin, "{\"status\":\"open\"}");
  assert_status (opened, 200);
  offers_path = g_strdup_printf (API "/tickets/%s/offers", ticket_id);
  offers = request ("GET", offers_path, admin, NULL, NULL);
  items = json_object_get_array_member (object_of (offers, &offers_node), "items");
  g_assert_cmpuint (json_array_get_length (items), >=, 2);
  first = json_array_get_object_element (items, 0);
  second = json_array_get_object_element (items, 1);

  email = query ("SELECT email FROM employees WHERE id = ?",
                 json_object_get_string_member (first, "employee_id"));
  other_email = query ("SELECT email FROM employees WHERE id = ?",
                       json_object_get_string_member (second, "employee_id"));
  token = login (email);
  other_token = login (other_email);

  accept_path = g_strdup_printf (API "/tickets/%s/offers/%s/accept", ticket_id,
                                 json_object_get_string_member (first, "id"));
  other_path = g_strdup_printf (API "/tickets/%s/offers/%s/accept", ticket_id,
                                json_object_get_string_member (second, "id"));

  /* An offer is answered by its employee only; customers do not see offers at all. */
  {
    g_autoptr(TdApiResponse) wrong = request ("POST", other_path, token, NULL, NULL);
    g_autoptr(TdApiResponse) customer = request ("POST", accept_path, globex_admin, NULL, NULL);
    g_autofree char *missing_path = g_strdup_printf (API "/tickets/%s/offers/%s/accept", ticket_id,
                                                     "00000000-0000-4000-8000-000000000000");
    g_autoptr(TdApiResponse) missing = request ("POST", missing_path, token, NULL, NULL);

    assert_error (wrong, 403, "forbidden", NULL);
    assert_error (customer, 404, "not_found", NULL);
    assert_error (missing, 404, "not_found", NULL);
  }

  accepted = request ("POST", accept_path, token, NULL, NULL);
  assert_status (accepted, 200);
  result = object_of (accepted, &accepted_node);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "assigned");
  g_assert_true (array_has (result, "responsible_ids",
                            json_object_get_string_member (first, "employee_id")));

  /* Answered once; a second employee may accept too (several may), and stays assigned. */
  {
    g_autoptr(TdApiResponse) again = request ("POST", accept_path, token, NULL, NULL);
    g_autoptr(TdApiResponse) other = request ("POST", other_path, other_token, NULL, NULL);
    g_autoptr(JsonNode) other_node = NULL;
    JsonObject *both;

    assert_error (again, 409, "conflict", NULL);
    assert_status (other, 200);
    both = object_of (other, &other_node);
    g_assert_cmpstr (json_object_get_string_member (both, "status"), ==, "assigned");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (both, "responsible_ids")),
                      ==, 2);
  }

  /* The responsible employee may now edit: cases.edit "own". */
  if (json_array_get_length (items) >= 3)
    {
      JsonObject *third = json_array_get_object_element (items, 2);
      g_autofree char *decline_path = g_strdup_printf (API "/tickets/%s/offers/%s/decline", ticket_id,
                                                       json_object_get_string_member (third, "id"));
      g_autofree char *third_email = query ("SELECT email FROM employees WHERE id = ?",
                                            json_object_get_string_member (third, "employee_id"));
      g_autofree char *third_token = login (third_email);
      g_autoptr(TdApiResponse) declined = request ("POST", decline_path, third_token, NULL, NULL);
      g_autoptr(JsonNode) declined_node = NULL;

      assert_status (declined, 200);
      g_assert_false (array_has (object_of (declined, &declined_node), "responsible_ids",
                                 json_object_get_string_member (third, "employee_id")));
    }
}

static void
test_status_machines_409 (void)
{
  g_autofree char *body = g_strdup_printf ("{\"device_id\":\"%s\",\"reason\":\"Show the alarm\"}",
                                           globex_device);
  g_autoptr(TdApiResponse) created = request ("POST", API "/video-sessions", admin, body, NULL);
  g_autoptr(TdApiResponse) invalid = NULL;
  g_autoptr(TdApiResponse) started = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) error_node = NULL;
  g_autoptr(JsonNode) started_node = NULL;
  JsonObject *session, *error;
  const char *message;

  assert_status (created, 201);
  session = object_of (created, &node);
  g_assert_cmpstr (json_object_get_string_member (session, "status"), ==, "confirmed");
  g_assert_cmpstr (json_object_get_string_member (session, "visibility"), ==, "public");
  g_assert_cmpint (json_object_get_int_member (session, "number"), >, 80);

  invalid = patch ("video-sessions", session, admin, "{\"status\":\"closed\"}");
  assert_status (invalid, 409);
  error = json_object_get_object_member (object_of (invalid, &error_node), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "invalid_transition");
  message = json_object_get_string_member (error, "message");
  g_assert_nonnull (strstr (message, "in_progress"));
  g_assert_nonnull (strstr (message, "cancelled"));

  started = patch ("video-sessions", session, admin, "{\"status\":\"in_progress\"}");
  assert_status (started, 200);
  g_assert_cmpstr (json_object_get_string_member (object_of (started, &started_node), "status"),
                   ==, "in_progress");

  /* Tasks: done → in_progress is no edge; the allowed target is named. */
  {
    g_autofree char *task_body = g_strdup_printf ("{\"title\":\"Check pressure\",\"device_id\":\"%s\"}",
                                                  globex_device);
    g_autoptr(TdApiResponse) task_created = request ("POST", API "/tasks", admin, task_body, NULL);
    g_autoptr(JsonNode) task_node = NULL;
    g_autoptr(JsonNode) done_node = NULL;
    g_autoptr(JsonNode) bad_node = NULL;
    g_autoptr(TdApiResponse) done = NULL;
    g_autoptr(TdApiResponse) bad = NULL;
    JsonObject *task;

    assert_status (task_created, 201);
    task = object_of (task_created, &task_node);
    g_assert_cmpstr (json_object_get_string_member (task, "status"), ==, "open");
    done = patch ("tasks", task, admin, "{\"status\":\"done\"}");
    assert_status (done, 200);
    bad = patch ("tasks", object_of (done, &done_node), admin, "{\"status\":\"in_progress\"}");
    assert_status (bad, 409);
    error = json_object_get_object_member (object_of (bad, &bad_node), "error");
    g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "invalid_transition");
    g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "open"));
  }
}

static void
test_member_cannot_delete (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(TdApiResponse) denied = NULL;
  g_autoptr(TdApiResponse) deleted = NULL;
  g_autoptr(TdApiResponse) gone = NULL;
  g_autofree char *path = NULL;
  g_autofree char *version = NULL;
  JsonObject *ticket = create_ticket (admin, globex_device, &node);

  path = g_strdup_printf (API "/tickets/%s", json_object_get_string_member (ticket, "id"));
  version = etag (ticket);
  denied = request ("DELETE", path, member, NULL, version);
  assert_error (denied, 403, "forbidden", NULL);

  deleted = request ("DELETE", path, moderator, NULL, version);
  assert_status (deleted, 204);
  gone = request ("GET", path, admin, NULL, NULL);
  assert_error (gone, 404, "not_found", NULL);
}

static void
test_customer_scope (void)
{
  g_autofree char *globex_id = query ("SELECT id FROM customers WHERE name = 'Globex'", NULL);
  g_autofree char *initech_path = g_strdup_printf (API "/tickets/%s", initech_ticket);
  g_autofree char *umbrella_path = g_strdup_printf (API "/tickets/%s", umbrella_ticket);
  g_autofree char *initech_messages = g_strdup_printf (API "/tickets/%s/messages", initech_ticket);
  g_autofree char *globex_internal = NULL;
  g_autofree char *updates_path = NULL;
  g_autoptr(TdApiResponse) initech = request ("GET", initech_path, globex_member, NULL, NULL);
  g_autoptr(TdApiResponse) umbrella = request ("GET", umbrella_path, globex_member, NULL, NULL);
  g_autoptr(TdApiResponse) messages = request ("GET", initech_messages, globex_member, NULL, NULL);
  g_autoptr(TdApiResponse) list = request ("GET", API "/tickets", globex_member, NULL, NULL);
  g_autoptr(TdApiResponse) updates = NULL;
  g_autoptr(TdApiResponse) staff_updates = NULL;
  g_autoptr(JsonNode) list_node = NULL;
  g_autoptr(JsonNode) updates_node = NULL;
  g_autoptr(JsonNode) staff_node = NULL;
  JsonArray *items;
  gboolean staff_sees_internal = FALSE;

  assert_error (initech, 404, "not_found", NULL);
  assert_error (umbrella, 404, "not_found", NULL);
  assert_error (messages, 404, "not_found", NULL);

  assert_status (list, 200);
  items = json_object_get_array_member (object_of (list, &list_node), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_cmpstr (json_object_get_string_member (item, "customer_id"), ==, globex_id);
      g_assert_false (json_object_has_member (item, "receiver_ids"));
    }

  /* A Globex ticket with an internal update: the customer never sees it. */
  globex_internal = query ("SELECT t.id FROM tickets t JOIN ticket_updates u ON u.ticket_id = t.id"
                           " JOIN customers c ON c.id = t.customer_id"
                           " WHERE c.name = 'Globex' AND u.kind = 'internal' LIMIT 1", NULL);
  g_assert_nonnull (globex_internal);
  updates_path = g_strdup_printf (API "/tickets/%s/updates", globex_internal);
  updates = request ("GET", updates_path, globex_member, NULL, NULL);
  assert_status (updates, 200);
  items = json_object_get_array_member (object_of (updates, &updates_node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "kind"),
                     ==, "public");
  staff_updates = request ("GET", updates_path, admin, NULL, NULL);
  items = json_object_get_array_member (object_of (staff_updates, &staff_node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "kind"),
                   "internal") == 0)
      staff_sees_internal = TRUE;
  g_assert_true (staff_sees_internal);
}

static void
test_customer_member_edits_own (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) staff_node = NULL;
  g_autoptr(JsonNode) renamed_node = NULL;
  g_autoptr(TdApiResponse) renamed = NULL;
  g_autoptr(TdApiResponse) foreign = NULL;
  g_autofree char *updates_path = NULL;
  JsonObject *own = create_ticket (globex_member, globex_device, &node);
  JsonObject *staff = create_ticket (admin, globex_device, &staff_node);
  JsonObject *result;
  const char *forbidden[][2] = {
    { "{\"responsible_ids\":[]}", "responsible_ids" },
    { "{\"receiver_ids\":[]}", "receiver_ids" },
    { "{\"visibility\":\"internal\"}", "visibility" },
  };

  /* A customer's ticket is a request: it starts open and public. */
  g_assert_cmpstr (json_object_get_string_member (own, "status"), ==, "open");
  g_assert_cmpstr (json_object_get_string_member (own, "visibility"), ==, "public");

  renamed = patch ("tickets", own, globex_member, "{\"title\":\"Heat pump still loses pressure\"}");
  assert_status (renamed, 200);
  result = object_of (renamed, &renamed_node);
  g_assert_cmpstr (json_object_get_string_member (result, "title"), ==, "Heat pump still loses pressure");

  foreign = patch ("tickets", staff, globex_member, "{\"title\":\"Mine now\"}");
  assert_error (foreign, 403, "forbidden", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    {
      g_autoptr(TdApiResponse) response = patch ("tickets", result, globex_member, forbidden[i][0]);

      assert_error (response, 403, "forbidden_field", forbidden[i][1]);
    }

  /* Customers write public updates only. */
  updates_path = g_strdup_printf (API "/tickets/%s/updates", json_object_get_string_member (own, "id"));
  {
    g_autoptr(TdApiResponse) internal = request ("POST", updates_path, globex_member,
                                                 "{\"kind\":\"internal\",\"body\":\"psst\"}", NULL);
    g_autoptr(TdApiResponse) public = request ("POST", updates_path, globex_member,
                                               "{\"kind\":\"public\",\"body\":\"Still broken\"}", NULL);

    assert_error (internal, 403, "forbidden_field", "kind");
    assert_status (public, 201);
  }
}

static void
test_rating (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) done_node = NULL;
  g_autoptr(JsonNode) rated_node = NULL;
  g_autoptr(TdApiResponse) not_done = NULL;
  g_autoptr(TdApiResponse) done = NULL;
  g_autoptr(TdApiResponse) by_staff = NULL;
  g_autoptr(TdApiResponse) too_many = NULL;
  g_autoptr(TdApiResponse) rated = NULL;
  g_autoptr(TdApiResponse) again = NULL;
  g_autofree char *path = NULL;
  JsonObject *ticket = create_ticket (admin, globex_device, &node);
  JsonObject *result;

  path = g_strdup_printf (API "/tickets/%s/rating", json_object_get_string_member (ticket, "id"));
  not_done = request ("POST", path, globex_member, "{\"stars\":4}", NULL);
  assert_error (not_done, 409, "invalid_transition", NULL);

  done = patch ("tickets", ticket, admin, "{\"status\":\"done\"}");
  assert_status (done, 200);
  object_of (done, &done_node);

  by_staff = request ("POST", path, admin, "{\"stars\":4}", NULL);
  assert_error (by_staff, 403, "forbidden", NULL);
  too_many = request ("POST", path, globex_member, "{\"stars\":6}", NULL);
  assert_error (too_many, 400, "invalid_field", "stars");

  rated = request ("POST", path, globex_member, "{\"stars\":4,\"comment\":\"Quick and friendly\"}",
                   NULL);
  assert_status (rated, 200);
  result = object_of (rated, &rated_node);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "closed");
  g_assert_cmpint (json_object_get_int_member (result, "rating"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (result, "rating_comment"), ==, "Quick and friendly");
  g_assert_false (json_object_get_null_member (result, "closed_at"));

  again = request ("POST", path, globex_member, "{\"stars\":5}", NULL);
  assert_error (again, 409, "conflict", NULL);
}

typedef struct
{
  const char *path;
  const char *version;
  guint       status;
} PatchJob;

static gpointer
patch_thread (gpointer data)
{
  PatchJob *job = data;
  g_autoptr(TdApiResponse) response = request ("PATCH", job->path, admin,
                                               "{\"priority\":\"high\"}", job->version);

  job->status = response->status;
  return NULL;
}

static void
test_concurrent_412 (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  g_autofree char *version = NULL;
  JsonObject *ticket = create_ticket (admin, globex_device, &node);
  PatchJob jobs[2];
  GThread *threads[2];

  path = g_strdup_printf (API "/tickets/%s", json_object_get_string_member (ticket, "id"));
  version = etag (ticket);
  for (guint i = 0; i < 2; i++)
    {
      jobs[i].path = path;
      jobs[i].version = version;
      jobs[i].status = 0;
      threads[i] = g_thread_new ("patch", patch_thread, &jobs[i]);
    }
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  g_assert_true ((jobs[0].status == 200 && jobs[1].status == 412) ||
                 (jobs[0].status == 412 && jobs[1].status == 200));
}

static void
test_messages (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) created_node = NULL;
  g_autoptr(JsonNode) list_node = NULL;
  g_autoptr(TdApiResponse) created = NULL;
  g_autoptr(TdApiResponse) list = NULL;
  g_autofree char *path = NULL;
  g_autofree char *too_long = NULL;
  JsonObject *ticket = create_ticket (admin, globex_device, &node);
  JsonObject *message;
  const char *invalid[][2] = {
    { "{}", "body" },
    { "{\"body\":\"   \"}", "body" },
    { "{\"body\":5}", "body" },
    { "{\"body\":\"Hi\",\"attachment_ids\":\"x\"}", "attachment_ids" },
    { "{\"body\":\"Hi\",\"attachment_ids\":[\"not-an-id\"]}", "attachment_ids" },
    { "{\"body\":\"Hi\",\"attachment_ids\":[\"00000000-0000-4000-8000-000000000000\"]}", "attachment_ids" },
  };

  path = g_strdup_printf (API "/tickets/%s/messages", json_object_get_string_member (ticket, "id"));
  created = request ("POST", path, admin, "{\"body\":\"We ordered the **part**.\"}", NULL);
  assert_status (created, 201);
  message = object_of (created, &created_node);
  g_assert_cmpstr (json_object_get_string_member (message, "body"), ==, "We ordered the **part**.");

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(TdApiResponse) response = request ("POST", path, admin, invalid[i][0], NULL);

      assert_error (response, 400, "invalid_field", invalid[i][1]);
    }
  {
    g_autofree char *text = g_strnfill (10001, 'a');
    g_autoptr(TdApiResponse) response = NULL;

    too_long = g_strdup_printf ("{\"body\":\"%s\"}", text);
    response = request ("POST", path, admin, too_long, NULL);
    assert_error (response, 400, "invalid_field", "body");
  }

  /* Members write only into tickets they are responsible for. */
  {
    g_autoptr(TdApiResponse) response = request ("POST", path, member, "{\"body\":\"Hello\"}", NULL);

    assert_error (response, 403, "forbidden", NULL);
  }

  list = request ("GET", path, member, NULL, NULL);
  assert_status (list, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (list, &list_node),
                                                                         "items")), ==, 1);
  {
    g_autoptr(TdApiResponse) bad_limit = NULL;
    g_autofree char *limit_path = g_strdup_printf ("%s", path);
    g_autoptr(TdApiRequest) req = td_api_request_new ("GET", limit_path);

    req->authorization = g_strdup_printf ("Bearer %s", admin);
    g_hash_table_insert (req->query, g_strdup ("limit"), g_strdup ("0"));
    bad_limit = td_api_dispatch (api, req);
    assert_error (bad_limit, 400, "invalid_parameter", "limit");
  }
  {
    g_autoptr(TdApiResponse) missing = request ("GET", API "/tickets/00000000-0000-4000-8000-000000000000/messages",
                                                admin, NULL, NULL);

    assert_error (missing, 404, "not_found", NULL);
  }
}

static void
test_assign_withdraw (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) opened_node = NULL;
  g_autoptr(JsonNode) assigned_node = NULL;
  g_autoptr(JsonNode) withdrawn_node = NULL;
  g_autoptr(TdApiResponse) opened = NULL;
  g_autoptr(TdApiResponse) assigned = NULL;
  g_autoptr(TdApiResponse) withdrawn = NULL;
  g_autofree char *member_id = query ("SELECT id FROM employees WHERE email = 'member@acme.test'", NULL);
  g_autofree char *customer_user = query ("SELECT id FROM employees WHERE email = 'member@globex.test'",
                                          NULL);
  g_autofree char *assign_path = NULL;
  g_autofree char *withdraw_path = NULL;
  g_autofree char *body = g_strdup_printf ("{\"employee_ids\":[\"%s\"]}", member_id);
  g_autofree char *customer_body = g_strdup_printf ("{\"employee_ids\":[\"%s\"]}", customer_user);
  JsonObject *ticket = create_ticket (admin, globex_device, &node);
  JsonObject *result;
  const char *invalid[] = { "{}", "{\"employee_ids\":[]}", "{\"employee_ids\":[\"x\"]}",
                            "{\"employee_ids\":\"x\"}" };

  opened = patch ("tickets", ticket, admin, "{\"status\":\"open\"}");
  assert_status (opened, 200);
  object_of (opened, &opened_node);
  assign_path = g_strdup_printf (API "/tickets/%s/assign", json_object_get_string_member (ticket, "id"));
  withdraw_path = g_strdup_printf (API "/tickets/%s/withdraw", json_object_get_string_member (ticket, "id"));

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(TdApiResponse) response = request ("POST", assign_path, moderator, invalid[i], NULL);

      assert_error (response, 400, "invalid_field", "employee_ids");
    }
  {
    g_autoptr(TdApiResponse) customer = request ("POST", assign_path, moderator, customer_body, NULL);
    g_autoptr(TdApiResponse) by_member = request ("POST", assign_path, member, body, NULL);
    g_autoptr(TdApiResponse) by_customer = request ("POST", assign_path, globex_admin, body, NULL);

    assert_error (customer, 400, "invalid_field", "employee_ids");
    assert_error (by_member, 403, "forbidden", NULL);
    assert_error (by_customer, 403, "forbidden", NULL);
  }

  assigned = request ("POST", assign_path, moderator, body, NULL);
  assert_status (assigned, 200);
  result = object_of (assigned, &assigned_node);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "assigned");
  g_assert_true (array_has (result, "responsible_ids", member_id));

  /* Now responsible, the member may write messages. */
  {
    g_autofree char *messages = g_strdup_printf (API "/tickets/%s/messages",
                                                 json_object_get_string_member (ticket, "id"));
    g_autoptr(TdApiResponse) response = request ("POST", messages, member, "{\"body\":\"On my way\"}",
                                                 NULL);

    assert_status (response, 201);
  }

  withdrawn = request ("POST", withdraw_path, moderator, body, NULL);
  assert_status (withdrawn, 200);
  g_assert_false (array_has (object_of (withdrawn, &withdrawn_node), "responsible_ids", member_id));

  {
    g_autoptr(TdApiResponse) stale = request ("POST", assign_path, moderator, body, "\"1\"");

    assert_error (stale, 412, "version_mismatch", NULL);
  }
}

static void
test_video_links (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) session_node = NULL;
  g_autoptr(JsonNode) list_node = NULL;
  g_autofree char *body = g_strdup_printf ("{\"device_id\":\"%s\"}", globex_device);
  g_autoptr(TdApiResponse) created = request ("POST", API "/video-sessions", admin, body, NULL);
  g_autoptr(TdApiResponse) linked = NULL;
  g_autoptr(TdApiResponse) list = NULL;
  g_autoptr(TdApiResponse) unlinked = NULL;
  g_autoptr(TdApiResponse) again = NULL;
  g_autoptr(TdApiResponse) missing = NULL;
  g_autofree char *link_path = NULL;
  g_autofree char *list_path = NULL;
  g_autofree char *missing_path = NULL;
  JsonObject *ticket = create_ticket (admin, globex_device, &node);
  JsonObject *session;
  const char *ticket_id = json_object_get_string_member (ticket, "id");

  assert_status (created, 201);
  session = object_of (created, &session_node);
  link_path = g_strdup_printf (API "/tickets/%s/video-sessions/%s", ticket_id,
                               json_object_get_string_member (session, "id"));
  list_path = g_strdup_printf (API "/tickets/%s/video-sessions", ticket_id);
  missing_path = g_strdup_printf (API "/tickets/%s/video-sessions/%s", ticket_id,
                                  "00000000-0000-4000-8000-000000000000");

  linked = request ("POST", link_path, admin, NULL, NULL);
  assert_status (linked, 204);
  {
    g_autoptr(TdApiResponse) twice = request ("POST", link_path, admin, NULL, NULL);

    assert_status (twice, 204);
  }
  list = request ("GET", list_path, admin, NULL, NULL);
  assert_status (list, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object_of (list, &list_node),
                                                                         "items")), ==, 1);
  missing = request ("POST", missing_path, admin, NULL, NULL);
  assert_error (missing, 404, "not_found", NULL);

  unlinked = request ("DELETE", link_path, admin, NULL, NULL);
  assert_status (unlinked, 204);
  again = request ("DELETE", link_path, admin, NULL, NULL);
  assert_error (again, 404, "not_found", NULL);
}

static void
test_video_requester (void)
{
  g_autofree char *body = g_strdup_printf ("{\"device_id\":\"%s\",\"reason\":\"Filter change\","
                                           "\"recording_consent\":true}", globex_device);
  g_autoptr(TdApiResponse) created = request ("POST", API "/video-sessions", globex_member, body, NULL);
  g_autoptr(TdApiResponse) confirm = NULL;
  g_autoptr(TdApiResponse) cancel = NULL;
  g_autoptr(TdApiResponse) staff_only = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) error_node = NULL;
  JsonObject *session;

  assert_status (created, 201);
  session = object_of (created, &node);
  g_assert_cmpstr (json_object_get_string_member (session, "status"), ==, "requested");
  g_assert_true (json_object_get_boolean_member (session, "recording_consent"));

  staff_only = patch ("video-sessions", session, globex_member, "{\"requested_ids\":[]}");
  assert_error (staff_only, 403, "forbidden_field", "requested_ids");

  /* The requester may only cancel. */
  confirm = patch ("video-sessions", session, globex_member, "{\"status\":\"confirmed\"}");
  assert_status (confirm, 409);
  g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (
                              object_of (confirm, &error_node), "error"), "message"), "cancelled"));
  cancel = patch ("video-sessions", session, globex_member, "{\"status\":\"cancelled\"}");
  assert_status (cancel, 200);
}

static void
test_tasks (void)
{
  g_autofree char *body = g_strdup_printf ("{\"title\":\"Clean condenser\",\"device_id\":\"%s\","
                                           "\"due_at\":\"2020-01-01T00:00:00Z\","
                                           "\"steps\":[\"Open the panel\",{\"title\":\"Brush\"}]}",
                                           globex_device);
  g_autoptr(TdApiResponse) created = request ("POST", API "/tasks", admin, body, NULL);
  g_autoptr(TdApiResponse) step = NULL;
  g_autoptr(TdApiResponse) bad_step = NULL;
  g_autoptr(TdApiResponse) customer = NULL;
  g_autoptr(TdApiResponse) list = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) step_node = NULL;
  g_autoptr(JsonNode) list_node = NULL;
  g_autofree char *step_path = NULL;
  g_autofree char *bad_path = NULL;
  JsonObject *task, *stepped;
  JsonArray *items;

  assert_status (created, 201);
  task = object_of (created, &node);
  g_assert_true (json_object_get_boolean_member (task, "overdue"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (task, "steps")), ==, 2);

  step_path = g_strdup_printf (API "/tasks/%s/steps/1", json_object_get_string_member (task, "id"));
  bad_path = g_strdup_printf (API "/tasks/%s/steps/9", json_object_get_string_member (task, "id"));
  step = request ("PATCH", step_path, admin, "{\"completed\":true}", NULL);
  assert_status (step, 200);
  stepped = object_of (step, &step_node);
  g_assert_true (json_object_get_boolean_member (
                   json_array_get_object_element (json_object_get_array_member (stepped, "steps"), 1),
                   "completed"));
  g_assert_true (json_object_has_member (stepped, "overdue"));
  bad_step = request ("PATCH", bad_path, admin, "{\"completed\":true}", NULL);
  assert_error (bad_step, 404, "not_found", NULL);
  {
    g_autoptr(TdApiResponse) wrong = request ("PATCH", step_path, admin, "{\"completed\":1}", NULL);
    g_autoptr(TdApiResponse) steps = patch ("tasks", stepped, admin, "{\"steps\":[{\"title\":\"\"}]}");

    assert_error (wrong, 400, "invalid_field", "completed");
    assert_error (steps, 400, "invalid_field", "steps");
  }

  /* Customer members view tasks and create task events only. */
  customer = request ("POST", API "/tasks", globex_member, body, NULL);
  assert_error (customer, 403, "forbidden", NULL);

  list = request ("GET", API "/tasks", globex_member, NULL, NULL);
  assert_status (list, 200);
  items = json_object_get_array_member (object_of (list, &list_node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_true (json_object_has_member (item, "overdue"));
      g_assert_cmpstr (json_object_get_string_member (item, "visibility"), ==, "external");
    }

  /* Internal tasks are the operator's: 404 for the customer, even on their own device. */
  {
    g_autofree char *path = g_strdup_printf (API "/tasks/%s", json_object_get_string_member (task, "id"));
    g_autoptr(TdApiResponse) hidden = request ("GET", path, globex_admin, NULL, NULL);

    assert_error (hidden, 404, "not_found", NULL);
  }
}

static void
test_task_events (void)
{
  g_autofree char *body = g_strdup_printf ("{\"title\":\"Quarterly filter\",\"device_id\":\"%s\","
                                           "\"recurrence\":{\"freq\":\"monthly\",\"interval\":3},"
                                           "\"next_due_at\":\"2026-01-10T08:00:00Z\"}", globex_device);
  g_autofree char *bad = g_strdup_printf ("{\"title\":\"Bad\",\"device_id\":\"%s\","
                                          "\"recurrence\":{\"freq\":\"hourly\"},"
                                          "\"next_due_at\":\"2026-01-10T08:00:00Z\"}", globex_device);
  g_autofree char *no_due = g_strdup_printf ("{\"title\":\"Bad\",\"device_id\":\"%s\"}", globex_device);
  g_autoptr(TdApiResponse) created = request ("POST", API "/task-events", globex_member, body, NULL);
  g_autoptr(TdApiResponse) invalid = request ("POST", API "/task-events", admin, bad, NULL);
  g_autoptr(TdApiResponse) missing = request ("POST", API "/task-events", admin, no_due, NULL);
  g_autoptr(TdApiResponse) reread = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) reread_node = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tasks = NULL;
  JsonObject *event;
  const char *next;

  assert_status (created, 201);
  event = object_of (created, &node);
  assert_error (invalid, 400, "invalid_field", "recurrence");
  assert_error (missing, 400, "invalid_field", "next_due_at");

  /* The event was due: its task exists and the event moved past today. */
  tasks = query ("SELECT count(*) FROM tasks WHERE task_event_id = ?",
                 json_object_get_string_member (event, "id"));
  g_assert_cmpstr (tasks, ==, "1");
  path = g_strdup_printf (API "/task-events/%s", json_object_get_string_member (event, "id"));
  reread = request ("GET", path, globex_member, NULL, NULL);
  assert_status (reread, 200);
  next = json_object_get_string_member (object_of (reread, &reread_node), "next_due_at");
  g_assert_nonnull (next);
  g_assert_cmpstr (next, >, "2026-01-10T08:00:00.000Z");

  /* Customer members may not edit events. */
  {
    g_autoptr(TdApiResponse) edit = patch ("task-events", json_node_get_object (reread_node),
                                           globex_member, "{\"title\":\"Mine\"}");

    assert_error (edit, 403, "forbidden", NULL);
  }
}

static void
test_video_rating (void)
{
  g_autofree char *body = g_strdup_printf ("{\"device_id\":\"%s\"}", globex_device);
  g_autoptr(TdApiResponse) created = request ("POST", API "/video-sessions", admin, body, NULL);
  g_autoptr(TdApiResponse) early = NULL;
  g_autoptr(TdApiResponse) started = NULL;
  g_autoptr(TdApiResponse) done = NULL;
  g_autoptr(TdApiResponse) rated = NULL;
  g_autoptr(TdApiResponse) reopened = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) started_node = NULL;
  g_autoptr(JsonNode) done_node = NULL;
  g_autoptr(JsonNode) rated_node = NULL;
  g_autofree char *path = NULL;
  JsonObject *session, *result;

  assert_status (created, 201);
  session = object_of (created, &node);
  path = g_strdup_printf (API "/video-sessions/%s/rating", json_object_get_string_member (session, "id"));

  early = request ("POST", path, globex_member, "{\"stars\":5}", NULL);
  assert_error (early, 409, "invalid_transition", NULL);
  started = patch ("video-sessions", session, admin, "{\"status\":\"in_progress\"}");
  assert_status (started, 200);
  done = patch ("video-sessions", object_of (started, &started_node), admin, "{\"status\":\"done\"}");
  assert_status (done, 200);
  object_of (done, &done_node);

  {
    g_autoptr(TdApiResponse) zero = request ("POST", path, globex_member, "{\"stars\":0}", NULL);
    g_autoptr(TdApiResponse) staff = request ("POST", path, admin, "{\"stars\":5}", NULL);

    assert_error (zero, 400, "invalid_field", "stars");
    assert_error (staff, 403, "forbidden", NULL);
  }
  rated = request ("POST", path, globex_member, "{\"stars\":5}", NULL);
  assert_status (rated, 200);
  result = object_of (rated, &rated_node);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "closed");
  g_assert_cmpint (json_object_get_int_member (result, "rating"), ==, 5);

  /* Reopen: closed → confirmed. */
  reopened = patch ("video-sessions", result, admin, "{\"status\":\"confirmed\"}");
  assert_status (reopened, 200);
}

static void
test_bulk_seed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *org_id = NULL;
  g_autofree char *before = query ("SELECT count(*) FROM tickets", NULL);
  g_autofree char *messages_before = query ("SELECT count(*) FROM ticket_messages", NULL);
  g_autofree char *after = NULL;
  g_autofree char *messages = NULL;
  g_autofree char *mismatched = NULL;
  g_autofree char *numbers = NULL;
  TdDb *db = td_db_pool_acquire (pool, &error);

  g_assert_no_error (error);
  g_assert_true (td_store_orgs_find_by_name (db, TD_SEED_DEMO_ORG_NAME, &org_id, &error));
  g_assert_true (td_seed_bulk_cases (db, org_id, 2000, &error));
  g_assert_no_error (error);
  td_db_pool_release (pool, db);

  after = query ("SELECT count(*) FROM tickets", NULL);
  g_assert_cmpint (g_ascii_strtoll (after, NULL, 10), ==, g_ascii_strtoll (before, NULL, 10) + 2000);
  messages = query ("SELECT count(*) FROM ticket_messages", NULL);
  g_assert_cmpint (g_ascii_strtoll (messages, NULL, 10), ==,
                   g_ascii_strtoll (messages_before, NULL, 10) + 4000);
  /* Every bulk ticket's customer is its device's. */
  mismatched = query ("SELECT count(*) FROM tickets t JOIN devices d ON d.id = t.device_id"
                      " WHERE t.id LIKE '%-0003-%' AND d.customer_id IS NOT t.customer_id", NULL);
  g_assert_cmpstr (mismatched, ==, "0");
  numbers = query ("SELECT count(DISTINCT number) = count(*) FROM tickets", NULL);
  g_assert_cmpstr (numbers, ==, "1");

  /* The API reads them like any other ticket. */
  {
    g_autofree char *id = query ("SELECT id FROM tickets WHERE id LIKE '%-0003-%' LIMIT 1", NULL);
    g_autofree char *path = g_strdup_printf (API "/tickets/%s", id);
    g_autoptr(TdApiResponse) response = request ("GET", path, admin, NULL, NULL);

    assert_status (response, 200);
  }
}

static TdApiResponse *
upload (const char *token,
        const char *content_type,
        const char *file_name,
        const char *data)
{
  g_autoptr(TdApiRequest) req = td_api_request_new ("POST", API "/attachments");

  req->authorization = g_strdup_printf ("Bearer %s", token);
  if (content_type != NULL)
    req->content_type = g_strdup (content_type);
  if (file_name != NULL)
    g_hash_table_insert (req->query, g_strdup ("file_name"), g_strdup (file_name));
  td_api_request_set_body (req, data, strlen (data));
  return td_api_dispatch (api, req);
}

static void
test_attachments (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) ticket_node = NULL;
  g_autoptr(TdApiResponse) uploaded = upload (admin, "text/plain; charset=utf-8", "notes.txt", "hello");
  g_autoptr(TdApiResponse) message = NULL;
  g_autoptr(TdApiResponse) content = NULL;
  g_autofree char *initech = login ("member@initech.test");
  g_autofree char *meta_path = NULL;
  g_autofree char *content_path = NULL;
  g_autofree char *messages_path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "hello", -1);
  JsonObject *attachment, *ticket;
  const char *id;

  assert_status (uploaded, 201);
  attachment = object_of (uploaded, &node);
  id = json_object_get_string_member (attachment, "id");
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, sha);
  g_assert_cmpstr (json_object_get_string_member (attachment, "content_type"), ==, "text/plain");
  g_assert_false (json_object_has_member (attachment, "path"));

  {
    g_autoptr(TdApiResponse) type = upload (admin, "application/x-msdownload", "a.exe", "MZ");
    g_autoptr(TdApiResponse) name = upload (admin, "text/plain", NULL, "x");
    g_autoptr(TdApiResponse) slash = upload (admin, "text/plain", "../etc/passwd", "x");
    g_autoptr(TdApiResponse) empty = upload (admin, "text/plain", "empty.txt", "");

    assert_error (type, 415, "unsupported_media_type", "Content-Type");
    assert_error (name, 400, "invalid_parameter", "file_name");
    assert_error (slash, 400, "invalid_parameter", "file_name");
    assert_error (empty, 400, "invalid_field", "body");
  }

  meta_path = g_strdup_printf (API "/attachments/%s", id);
  content_path = g_strdup_printf (API "/attachments/%s/content", id);
  {
    g_autoptr(TdApiResponse) own = request ("GET", meta_path, admin, NULL, NULL);
    g_autoptr(TdApiResponse) other = request ("GET", meta_path, globex_member, NULL, NULL);

    assert_status (own, 200);
    assert_error (other, 404, "not_found", NULL);
  }

  ticket = create_ticket (admin, globex_device, &ticket_node);
  messages_path = g_strdup_printf (API "/tickets/%s/messages", json_object_get_string_member (ticket, "id"));
  body = g_strdup_printf ("{\"body\":\"See the notes\",\"attachment_ids\":[\"%s\"]}", id);
  message = request ("POST", messages_path, admin, body, NULL);
  assert_status (message, 201);
  {
    g_autoptr(TdApiResponse) twice = request ("POST", messages_path, admin, body, NULL);

    assert_error (twice, 400, "invalid_field", "attachment_ids");
  }

  /* Attached, it follows its ticket's scope. */
  content = request ("GET", content_path, globex_member, NULL, NULL);
  assert_status (content, 200);
  g_assert_cmpstr (content->content_type, ==, "text/plain");
  g_assert_cmpuint (g_bytes_get_size (content->body), ==, 5);
  g_assert_cmpint (memcmp (g_bytes_get_data (content->body, NULL), "hello", 5), ==, 0);
  g_assert_nonnull (td_api_response_get_header (content, "Content-Disposition"));
  {
    g_autoptr(TdApiResponse) foreign = request ("GET", content_path, initech, NULL, NULL);

    assert_error (foreign, 404, "not_found", NULL);
  }
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  demo = td_test_demo_api_new ("cases.db");
  dir = demo->dir;
  pool = demo->pool;
  api = demo->api;

  admin = login ("admin@acme.test");
  moderator = login ("moderator@acme.test");
  member = login ("member@acme.test");
  globex_member = login ("member@globex.test");
  globex_admin = login ("admin@globex.test");
  globex_device = query ("SELECT d.id FROM devices d JOIN customers c ON c.id = d.customer_id"
                         " WHERE c.name = 'Globex' AND d.deleted = 0 ORDER BY d.serial_number LIMIT 1",
                         NULL);
  initech_ticket = query ("SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id"
                          " WHERE c.name = 'Initech' LIMIT 1", NULL);
  umbrella_ticket = query ("SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id"
                           " WHERE c.name = 'Umbrella' LIMIT 1", NULL);
  g_assert_nonnull (globex_device);
  g_assert_nonnull (initech_ticket);
  g_assert_nonnull (umbrella_ticket);

  g_test_add_func ("/server/cases/ticket-create", test_ticket_create);
  g_test_add_func ("/server/cases/ticket-status-offers", test_ticket_status_and_offers);
  g_test_add_func ("/server/cases/offer-accept", test_offer_accept);
  g_test_add_func ("/server/cases/status-machines-409", test_status_machines_409);
  g_test_add_func ("/server/cases/member-cannot-delete", test_member_cannot_delete);
  g_test_add_func ("/server/cases/customer-scope", test_customer_scope);
  g_test_add_func ("/server/cases/customer-member-edits-own", test_customer_member_edits_own);
  g_test_add_func ("/server/cases/rating", test_rating);
  g_test_add_func ("/server/cases/concurrent-412", test_concurrent_412);
  g_test_add_func ("/server/cases/messages", test_messages);
  g_test_add_func ("/server/cases/assign-withdraw", test_assign_withdraw);
  g_test_add_func ("/server/cases/video-links", test_video_links);
  g_test_add_func ("/server/cases/video-requester", test_video_requester);
  g_test_add_func ("/server/cases/tasks", test_tasks);
  g_test_add_func ("/server/cases/task-events", test_task_events);
  g_test_add_func ("/server/cases/video-rating", test_video_rating);
  g_test_add_func ("/server/cases/attachments", test_attachments);
  g_test_add_func ("/server/cases/bulk-seed", test_bulk_seed);

  result = g_test_run ();

  g_free (admin);
  g_free (moderator);
  g_free (member);
  g_free (globex_member);
  g_free (globex_admin);
  g_free (globex_device);
  g_free (initech_ticket);
  g_free (umbrella_ticket);
  td_test_demo_api_free (demo);
  return result;
}
