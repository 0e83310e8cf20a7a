/* test-notifications.c: notifications end to end, in process
 *
 * Runs td_api_dispatch() over a migrated and demo-seeded database: notifications created
 * by ticket writes (in the write's transaction), stacking, preferences (email through
 * td_mail_queue, in-app always on), the customer-login company subscription, the actor
 * rule, per-user visibility, read / read-all / unread count, and a change row of type
 * "notification" for every notification write.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api.h"
#include "td-db-pool.h"
#include "td-json.h"
#include "td-notify.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"

static TdDbPool *pool;
static TdApi *api;
static TdTestDemoApi *demo;

/* Requests */

#define request(method, path, token, body) \
  td_test_api_request (api, (method), (path), (token), (body))

#define expect(status, method, path, token, body) \
  td_test_api_expect (api, (status), (method), (path), (token), (body))

#define expect_error(status, code, field, method, path, token, body) \
  td_test_api_expect_error (api, (status), (code), (field), (method), (path), (token), (body))

static char *
login (const char *email)
{
  return td_test_api_login (api, email);
}

/* Database: rows as arrays of nullable strings */

#define sql_rows(sql, n_columns, arg) td_test_sql_rows (pool, (sql), (n_columns), (arg))

#define CELL TD_TEST_CELL

#define sql_text(sql, arg) td_test_sql_text (pool, (sql), (arg))

static char *
user_id_of (const char *email)
{
  return sql_text ("SELECT id FROM employees WHERE email = ?", email);
}

static guint
count_rows (const char *sql,
            const char *arg)
{
  g_autofree char *text = sql_text (sql, arg);

  return (guint) g_ascii_strtoull (text, NULL, 10);
}

/* A new ticket by the administrator on @device_id with @responsible responsible. */
static char *
create_ticket (const char *token,
               const char *device_id,
               const char *responsible)
{
  g_autofree char *body = g_strdup_printf ("{\"title\":\"Pump leaks\",\"device_id\":\"%s\","
                                           "\"responsible_ids\":[\"%s\"]}", device_id, responsible);
  g_autoptr(JsonObject) ticket = expect (201, "POST", "/api/v1/tickets", token, body);

  return g_strdup (json_object_get_string_member (ticket, "id"));
}

static void
post_message (const char *token,
              const char *ticket_id,
              const char *text)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%s/messages", ticket_id);
  g_autofree char *body = g_strdup_printf ("{\"body\":\"%s\"}", text);
  g_autoptr(JsonObject) message = expect (201, "POST", path, token, body);
}

/* The caller's notifications about @subject_id (via the list and its filter). */
static JsonArray *
notifications_about (const char *token,
                     const char *subject_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/notifications?subject_id=%s", subject_id);
  g_autoptr(JsonObject) list = expect (200, "GET", path, token, NULL);

  return json_array_ref (json_object_get_array_member (list, "items"));
}

static gint64
unread_count (const char *token)
{
  g_autoptr(JsonObject) count = expect (200, "GET", "/api/v1/notifications/unread-count", token,
                                        NULL);

  return json_object_get_int_member (count, "unread");
}

static void
test_ticket_notifies (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *member = login ("member@acme.test");
  g_autofree char *member_id = user_id_of ("member@acme.test");
  g_autofree char *device = sql_text ("SELECT id FROM devices WHERE customer_id IS NULL"
                                      " AND deleted = 0 ORDER BY id LIMIT 1", NULL);
  g_autofree char *ticket = create_ticket (admin, device, member_id);
  g_autoptr(JsonArray) mine = notifications_about (member, ticket);
  g_autoptr(JsonArray) actors = notifications_about (admin, ticket);
  JsonObject *first;

  /* The responsible employee hears of the new ticket; its creator (the actor) does not. */
  g_assert_cmpuint (json_array_get_length (mine), ==, 1);
  first = json_array_get_object_element (mine, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "event_type"), ==, "case_request");
  g_assert_cmpstr (json_object_get_string_member (first, "subject_type"), ==, "ticket");
  g_assert_cmpstr (json_object_get_string_member (first, "user_id"), ==, member_id);
  g_assert_true (json_object_get_boolean_member (first, "unread"));
  g_assert_true (json_object_get_boolean_member (first, "desktop"));
  g_assert_cmpuint (json_array_get_length (actors), ==, 0);

  /* Two messages stack into one row, count 2, with a change per write. */
  post_message (admin, ticket, "First");
  post_message (admin, ticket, "Second");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/notifications?subject_id=%s"
                                             "&event_type=message", ticket);
    g_autoptr(JsonObject) list = expect (200, "GET", path, member, NULL);
    JsonArray *items = json_object_get_array_member (list, "items");
    JsonObject *stack;

    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    stack = json_array_get_object_element (items, 0);
    g_assert_cmpint (json_object_get_int_member (stack, "count"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (stack, "version"), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (stack, "body"), ==, "Second");
    g_assert_cmpuint (count_rows ("SELECT count(*) FROM changes WHERE type = 'notification'"
                                  " AND object_id = ?",
                                  json_object_get_string_member (stack, "id")), ==, 2);
  }

  /* The member may not see the administrator's notifications, nor the reverse. */
  {
    g_autofree char *theirs = sql_text ("SELECT id FROM notifications WHERE user_id ="
                                        " (SELECT id FROM employees WHERE email = ?) LIMIT 1",
                                        "admin@acme.test");
    g_autofree char *path = g_strdup_printf ("/api/v1/notifications/%s", theirs);
    g_autofree char *read = g_strdup_printf ("/api/v1/notifications/%s/read", theirs);
    g_autoptr(JsonObject) list = expect (200, "GET", "/api/v1/notifications?limit=500", member,
                                         NULL);
    JsonArray *items = json_object_get_array_member (list, "items");

    g_assert_nonnull (theirs);
    expect_error (404, "not_found", NULL, "GET", path, member, NULL);
    expect_error (404, "not_found", NULL, "POST", read, member, NULL);
    for (guint i = 0; i < json_array_get_length (items); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i),
                                                      "user_id"), ==, member_id);
  }
}

static void
test_rollback (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *member_id = user_id_of ("member@acme.test");
  g_autofree char *org_id = sql_text ("SELECT org_id FROM employees WHERE id = ?", member_id);
  guint before = count_rows ("SELECT count(*) FROM notifications WHERE user_id = ?", member_id);
  const char *to[] = { member_id, NULL };
  TdNotifyEvent event = { 0 };
  TdDb *db = td_db_pool_acquire (pool, &error);
  guint count = 0;

  g_assert_no_error (error);
  event.event_type = "system_alert";
  event.subject_type = "session";
  event.title = "Rolled back";
  {
    g_autoptr(TdDbTransaction) transaction = td_db_transaction_begin (db, &error);

    g_assert_no_error (error);
    g_assert_true (td_notify (db, org_id, &event, to, &count, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count, ==, 1);
    /* Freed without a commit: rolled back, with the cause. */
  }
  td_db_pool_release (pool, db);

  g_assert_cmpuint (count_rows ("SELECT count(*) FROM notifications WHERE user_id = ?",
                                member_id), ==, before);
  g_assert_cmpuint (count_rows ("SELECT count(*) FROM notifications WHERE title = ?",
                                "Rolled back"), ==, 0);
}

static void
test_preferences (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *member = login ("member@acme.test");
  g_autofree char *member_id = user_id_of ("member@acme.test");
  g_autofree char *device = sql_text ("SELECT id FROM devices WHERE customer_id IS NULL"
                                      " AND deleted = 0 ORDER BY id LIMIT 1", NULL);
  g_autofree char *ticket = NULL;
  g_autoptr(JsonObject) me = NULL;
  guint mails;

  expect_error (400, "invalid_field", "notification_preferences", "PATCH", "/api/v1/me", member,
                "{\"notification_preferences\":{\"message\":{\"in_app\":false}}}");
  me = expect (200, "PATCH", "/api/v1/me", member,
               "{\"notification_preferences\":{\"message\":{\"email\":true,\"desktop\":false}}}");

  mails = count_rows ("SELECT count(*) FROM mail_outbox WHERE recipient = ?", "member@acme.test");
  ticket = create_ticket (admin, device, member_id);
  /* case_request has email off by default: no mail for the new ticket. */
  g_assert_cmpuint (count_rows ("SELECT count(*) FROM mail_outbox WHERE recipient = ?",
                                "member@acme.test"), ==, mails);
  post_message (admin, ticket, "Mail me");
  g_assert_cmpuint (count_rows ("SELECT count(*) FROM mail_outbox WHERE recipient = ?",
                                "member@acme.test"), ==, mails + 1);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/notifications?subject_id=%s"
                                             "&event_type=message", ticket);
    g_autoptr(JsonObject) list = expect (200, "GET", path, member, NULL);
    JsonObject *item = json_array_get_object_element (json_object_get_array_member (list, "items"), 0);

    g_assert_false (json_object_get_boolean_member (item, "desktop"));
  }
}

static void
test_company_activity (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *globex = login ("member@globex.test");
  g_autofree char *member_id = user_id_of ("member@acme.test");
  g_autofree char *device = sql_text ("SELECT d.id FROM devices d, employees e WHERE e.email = ?"
                                      " AND d.customer_id = e.customer_id AND d.deleted = 0"
                                      " ORDER BY d.id LIMIT 1", "member@globex.test");
  g_autofree char *ticket = NULL;
  g_autofree char *second = NULL;
  g_autoptr(JsonArray) items = NULL;
  g_autoptr(JsonArray) none = NULL;
  g_autoptr(JsonObject) me = NULL;

  g_assert_nonnull (device);
  ticket = create_ticket (admin, device, member_id);
  items = notifications_about (globex, ticket);
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0),
                                                  "event_type"), ==, "company_activity");

  /* Turned off: nothing more about the company. */
  me = expect (200, "PATCH", "/api/v1/me", globex,
               "{\"notification_preferences\":{\"company_activity\":{\"in_app\":false}}}");
  second = create_ticket (admin, device, member_id);
  none = notifications_about (globex, second);
  g_assert_cmpuint (json_array_get_length (none), ==, 0);
}

static void
test_read (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *member = login ("member@acme.test");
  g_autofree char *member_id = user_id_of ("member@acme.test");
  g_autofree char *device = sql_text ("SELECT id FROM devices WHERE customer_id IS NULL"
                                      " AND deleted = 0 ORDER BY id LIMIT 1", NULL);
  g_autofree char *ticket = create_ticket (admin, device, member_id);
  g_autoptr(JsonArray) items = notifications_about (member, ticket);
  const char *id = json_object_get_string_member (json_array_get_object_element (items, 0), "id");
  g_autofree char *path = g_strdup_printf ("/api/v1/notifications/%s/read", id);
  g_autofree char *id_copy = g_strdup (id);
  gint64 unread = unread_count (member);
  guint changes = count_rows ("SELECT count(*) FROM changes WHERE object_id = ?", id);

  g_assert_cmpint (unread, >=, 1);
  g_assert_cmpuint (count_rows ("SELECT count(*) FROM notifications WHERE user_id = ?"
                                " AND unread = 1 AND deleted = 0", member_id), ==, unread);

  {
    g_autoptr(JsonObject) read = expect (200, "POST", path, member, NULL);
    g_autoptr(JsonObject) again = NULL;

    g_assert_false (json_object_get_boolean_member (read, "unread"));
    g_assert_nonnull (json_object_get_string_member (read, "read_at"));
    g_assert_cmpint (unread_count (member), ==, unread - 1);
    g_assert_cmpuint (count_rows ("SELECT count(*) FROM changes WHERE object_id = ?"
                                  " AND type = 'notification'", id_copy), ==, changes + 1);
    /* Idempotent: no second write. */
    again = expect (200, "POST", path, member, NULL);
    g_assert_cmpuint (count_rows ("SELECT count(*) FROM changes WHERE object_id = ?", id_copy),
                      ==, changes + 1);
  }

  {
    g_autoptr(JsonObject) all = NULL;
    g_autoptr(JsonObject) unread_list = NULL;

    expect_error (400, "invalid_field", "until", "POST", "/api/v1/notifications/read-all",
                  member, "{\"until\":\"yesterday\"}");
    all = expect (200, "POST", "/api/v1/notifications/read-all", member, NULL);
    g_assert_cmpint (json_object_get_int_member (all, "marked"), ==, unread - 1);
    g_assert_cmpint (unread_count (member), ==, 0);
    unread_list = expect (200, "GET", "/api/v1/notifications?unread=true", member, NULL);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (unread_list, "items")),
                      ==, 0);
  }

  /* Other users are untouched, and every notification has its change rows. */
  g_assert_cmpint (unread_count (admin), >, 0);
  g_assert_cmpuint (count_rows ("SELECT count(*) FROM notifications n WHERE NOT EXISTS"
                                " (SELECT 1 FROM changes c WHERE c.object_id = n.id"
                                " AND c.type = ?)", "notification"), ==, 0);
  g_assert_cmpuint (count_rows ("SELECT count(*) FROM notifications n WHERE"
                                " (SELECT count(*) FROM changes c WHERE c.object_id = n.id"
                                " AND c.type = ?) < n.version", "notification"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  demo = td_test_demo_api_new ("notifications.db");
  pool = demo->pool;
  api = demo->api;

  g_test_add_func ("/server/notifications/ticket", test_ticket_notifies);
  g_test_add_func ("/server/notifications/rollback", test_rollback);
  g_test_add_func ("/server/notifications/preferences", test_preferences);
  g_test_add_func ("/server/notifications/company-activity", test_company_activity);
  g_test_add_func ("/server/notifications/read", test_read);

  result = g_test_run ();

  td_test_demo_api_free (demo);
  return result;
}
