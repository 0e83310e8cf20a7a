/* test-api-routes.c: every route of the server has a typed client call, and every typed
 * call works against the real twindesk-server with the demo data
 *
 * The first tests compare the client's route table (td-api-client-routes.c) with the routes
 * the server registers (td_api_foreach_route(), from the server library this test links): a
 * server route without a client call fails here. The others run each call against a demo
 * server on a free port and check what it answers; every request of their clients is
 * recorded, and the last test fails when a route of the table was never sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "td-api-assets.h"
#include "td-api-cases.h"
#include "td-api-client.h"
#include "td-api-client-routes.h"
#include "td-api-collections.h"
#include "td-api-insights.h"
#include "td-api-org.h"
#include "td-api-resources-private.h"
#include "td-api-routes.h"
#include "td-api-service.h"
#include "td-client-test.h"
#include "td-collections.h"
#include "td-json.h"
#include "td-test-server.h"
#include "td-time.h"

static TdTestServer *demo_server;
/* "METHOD /path" of every request the clients of this test queued. */
static GHashTable *sent_requests;


/* ---- helpers ---- */

static JsonObject *json_printf (const char *format,
                                ...) G_GNUC_PRINTF (1, 2);

static JsonObject *
json_printf (const char *format,
             ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  object = td_json_parse_object (text, strlen (text), &error);
  g_assert_no_error (error);
  return object;
}

static void
record_request_cb (SoupSession *session,
                   SoupMessage *message,
                   gpointer     user_data)
{
  g_hash_table_add (sent_requests, g_strdup_printf ("%s %s", soup_message_get_method (message),
                                                    g_uri_get_path (soup_message_get_uri (message))));
}

/* A client of the demo server whose requests are recorded. */
static TdApiClient *
new_client (void)
{
  TdApiClient *client = td_api_client_new (td_test_server_get_url (demo_server));

  g_signal_connect (td_api_client_get_soup_session (client), "request-queued",
                    G_CALLBACK (record_request_cb), NULL);
  return client;
}

/* Waits for the call that fills @slot and empties it for the next one. */
static GAsyncResult *
take_result (GAsyncResult **slot)
{
  td_test_wait_result (slot);
  return g_steal_pointer (slot);
}

static TdSession *
wait_session (TdApiClient   *client,
              GAsyncResult **slot,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = take_result (slot);

  return td_api_client_login_finish (client, result, error);
}

static JsonObject *
wait_object (TdApiClient   *client,
             GAsyncResult **slot,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = take_result (slot);

  return td_api_client_object_finish (client, result, error);
}

static JsonObject *
object_ok (TdApiClient   *client,
           GAsyncResult **slot)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = wait_object (client, slot, &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

static void
object_fails (TdApiClient   *client,
              GAsyncResult **slot,
              GQuark         domain,
              int            code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = wait_object (client, slot, &error);

  g_assert_error (error, domain, code);
  g_assert_null (object);
}

static JsonArray *
list_ok (TdApiClient   *client,
         GAsyncResult **slot,
         char         **next_cursor)
{
  g_autoptr(GAsyncResult) result = take_result (slot);
  g_autoptr(GError) error = NULL;
  JsonArray *items = td_api_list_finish (client, result, next_cursor, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static void
list_fails (TdApiClient   *client,
            GAsyncResult **slot,
            int            code)
{
  g_autoptr(GAsyncResult) result = take_result (slot);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = td_api_list_finish (client, result, NULL, &error);

  g_assert_error (error, TD_API_ERROR, code);
  g_assert_null (items);
}

static void
empty_ok (TdApiClient   *client,
          GAsyncResult **slot)
{
  g_autoptr(GAsyncResult) result = take_result (slot);
  g_autoptr(GError) error = NULL;

  g_assert_true (td_api_empty_finish (client, result, &error));
  g_assert_no_error (error);
}

/* A call of td-api-client.h that finishes with td_api_client_action_finish(). */
static void
action_ok (TdApiClient   *client,
           GAsyncResult **slot)
{
  g_autoptr(GAsyncResult) result = take_result (slot);
  g_autoptr(GError) error = NULL;

  g_assert_true (td_api_client_action_finish (client, result, &error));
  g_assert_no_error (error);
}

static TdApiClient *
client_for (const char *email,
            const char *password)
{
  TdApiClient *client = new_client ();
  g_autoptr(TdSession) session = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GError) error = NULL;

  td_api_client_login_async (client, email, password, NULL, td_test_result_cb, &slot);
  session = wait_session (client, &slot, &error);
  g_assert_no_error (error);
  return client;
}

static TdApiClient *
demo_login (const char *email)
{
  return client_for (email, TD_DEMO_PASSWORD);
}

static const char *
id_of (JsonObject *object)
{
  const char *id = td_json_get_string (object, "id");

  g_assert_nonnull (id);
  return id;
}

static gint64
version_of (JsonObject *object)
{
  gint64 version = td_json_get_int (object, "version", 0);

  g_assert_cmpint (version, >, 0);
  return version;
}

static JsonObject *
item (JsonArray *items,
      guint      index)
{
  g_assert_cmpuint (index, <, json_array_get_length (items));
  return json_array_get_object_element (items, index);
}

static JsonObject *
find_by_id (JsonArray  *items,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_strcmp0 (td_json_get_string (item (items, i), "id"), id) == 0)
      return item (items, i);
  return NULL;
}

static gboolean
strv_member_contains (JsonObject *object,
                      const char *member,
                      const char *value)
{
  g_auto(GStrv) values = td_json_get_strv (object, member);

  return values != NULL && g_strv_contains ((const char * const *) values, value);
}

/* The first item of a list (a new reference), failing when there is none. */
static JsonObject *
first_of (TdApiClient          *client,
          TdApiCollection       collection,
          const char           *parent_id,
          const TdApiListQuery *query)
{
  g_autoptr(JsonArray) items = NULL;
  GAsyncResult *slot = NULL;

  td_api_list_async (client, collection, parent_id, query, NULL, td_test_result_cb, &slot);
  items = list_ok (client, &slot, NULL);
  return json_object_ref (item (items, 0));
}

static JsonObject *
get_ok (TdApiClient     *client,
        TdApiCollection  collection,
        const char      *parent_id,
        const char      *id)
{
  GAsyncResult *slot = NULL;

  td_api_get_async (client, collection, parent_id, id, NULL, td_test_result_cb, &slot);
  return object_ok (client, &slot);
}

/* The id of the customer named @name (a demo customer). */
static char *
customer_id (TdApiClient *admin,
             const char  *name)
{
  g_autoptr(JsonObject) customer = first_of (admin, TD_API_CUSTOMERS, NULL,
                                             &(TdApiListQuery) { .q = name, .limit = 1 });

  g_assert_cmpstr (td_json_get_string (customer, "name"), ==, name);
  return g_strdup (id_of (customer));
}

static char *
named_id (TdApiClient     *admin,
          TdApiCollection  collection,
          const char      *name)
{
  g_autoptr(JsonObject) object = first_of (admin, collection, NULL,
                                           &(TdApiListQuery) { .q = name, .limit = 1 });

  g_assert_cmpstr (td_json_get_string (object, "name"), ==, name);
  return g_strdup (id_of (object));
}

/* ---- the route table against the server's ---- */

/* "GET /api/v1/tickets/{}": placeholders compared by shape only. */
static char *
route_key (const char *method,
           const char *pattern)
{
  g_auto(GStrv) segments = g_strsplit (pattern, "/", -1);
  g_autofree char *joined = NULL;

  for (guint i = 0; segments[i] != NULL; i++)
    if (g_str_has_prefix (segments[i], "{") && g_str_has_suffix (segments[i], "}"))
      {
        g_free (segments[i]);
        segments[i] = g_strdup ("{}");
      }
  joined = g_strjoinv ("/", segments);
  return g_strconcat (method, " ", joined, NULL);
}

typedef struct
{
  GHashTable *client_routes;  /* route key → the function, or "" for a route without one */
  GHashTable *duplicates;     /* route keys the client table names twice */
  GHashTable *seen;           /* route keys the server registers */
  GPtrArray  *missing;        /* server routes the client table lacks */
  GPtrArray  *no_call;        /* API routes the client table gives no function */
} Coverage;

static void
collect_client_route_cb (const TdApiClientRoute *route,
                         gpointer                user_data)
{
  Coverage *coverage = user_data;
  char *key = route_key (route->method, route->pattern);

  /* Either a function or a reason, never both or neither. */
  g_assert_true ((route->function == NULL) != (route->reason == NULL));

  if (g_hash_table_contains (coverage->client_routes, key))
    g_hash_table_add (coverage->duplicates, g_strdup (key));
  g_hash_table_replace (coverage->client_routes, key,
                        g_strdup (route->function ? route->function : ""));
}

static void
check_server_route_cb (const TdApiRoute *route,
                       gpointer          user_data)
{
  Coverage *coverage = user_data;
  char *key = route_key (route->method, route->pattern);
  const char *function = g_hash_table_lookup (coverage->client_routes, key);

  if (function == NULL)
    g_ptr_array_add (coverage->missing, g_strdup (key));
  /* Only pages for browsers, outside the API, may go without a call. */
  else if (*function == '\0' && g_str_has_prefix (route->pattern, TD_API_PATH_PREFIX "/"))
    g_ptr_array_add (coverage->no_call, g_strdup (key));
  g_hash_table_add (coverage->seen, key);
}

static void
fail_listing (const char *what,
              GPtrArray  *keys)
{
  if (keys->len == 0)
    return;
  for (guint i = 0; i < keys->len; i++)
    g_test_message ("%s: %s", what, (const char *) g_ptr_array_index (keys, i));
  g_test_fail_printf ("%u %s, e.g. %s", keys->len, what,
                      (const char *) g_ptr_array_index (keys, 0));
}

static void
test_every_server_route_has_a_call (void)
{
  Coverage coverage = {
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    g_ptr_array_new_with_free_func (g_free),
    g_ptr_array_new_with_free_func (g_free),
  };
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) duplicates = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  td_api_client_foreach_route (collect_client_route_cb, &coverage);
  td_api_foreach_route (check_server_route_cb, &coverage);
  g_test_message ("%u server routes, %u client rows", g_hash_table_size (coverage.seen),
                  g_hash_table_size (coverage.client_routes));
  g_assert_cmpuint (g_hash_table_size (coverage.seen), >, 100);

  /* A row for a route the server no longer has is a call that cannot work. */
  g_hash_table_iter_init (&iter, coverage.client_routes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (coverage.seen, key))
      g_ptr_array_add (stale, g_strdup (key));
  g_hash_table_iter_init (&iter, coverage.duplicates);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (duplicates, g_strdup (key));

  fail_listing ("server routes without a client call (add one and a row in "
                "td-api-client-routes.c or td-api-collections.c)", coverage.missing);
  fail_listing ("API routes the client table gives no call", coverage.no_call);
  fail_listing ("client rows for routes the server does not have", stale);
  fail_listing ("routes the client table names twice", duplicates);

  g_hash_table_unref (coverage.client_routes);
  g_hash_table_unref (coverage.duplicates);
  g_hash_table_unref (coverage.seen);
  g_ptr_array_unref (coverage.missing);
  g_ptr_array_unref (coverage.no_call);
}

/* The collection enum and the shared type ↔ collection table agree both ways. */
static void
test_collections_match_common (void)
{
  const char * const *types = td_synced_types ();

  for (guint i = 0; types[i] != NULL; i++)
    {
      TdApiCollection collection;

      g_assert_true (td_api_collection_for_type (types[i], &collection));
      g_assert_cmpstr (td_api_collection_get_name (collection), ==,
                       td_collection_for_type (types[i]));
    }
  for (guint c = 0; c < TD_API_N_COLLECTIONS; c++)
    g_assert_nonnull (td_type_for_collection (td_api_collection_get_name (c)));

  g_assert_false (td_api_collection_for_type ("ticket_message", NULL));
  g_assert_false (td_api_collection_for_type (NULL, NULL));
}

/* Ids and query values cannot change the route: every segment is one segment. */
static void
test_paths (void)
{
  g_autofree char *plain = td_api_path_new ("tickets", "0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab",
                                            NULL);
  g_autofree char *walk = td_api_path_new ("tickets", "../me", NULL);
  g_autofree char *dots = td_api_path_new ("tickets", "..", "messages", NULL);
  g_autoptr(GString) query = g_string_new ("/api/v1/attachments");

  g_assert_cmpstr (plain, ==, "/api/v1/tickets/0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab");
  g_assert_cmpstr (walk, ==, "/api/v1/tickets/%2E%2E%2Fme");
  g_assert_cmpstr (dots, ==, "/api/v1/tickets/%2E%2E/messages");

  td_api_path_add_query (query, "file_name", "a b&c=d+é.png");
  td_api_path_add_query (query, "from", "2026-01-01T00:00:00+01:00");
  g_assert_cmpstr (query->str, ==, "/api/v1/attachments?file_name=a%20b%26c%3Dd%2B%C3%A9%2Epng"
                                   "&from=2026-01-01T00%3A00%3A00%2B01%3A00");
}

/* ---- the calls against the demo server ---- */

static void
test_health (void)
{
  g_autoptr(TdApiClient) anonymous = new_client ();
  g_autoptr(JsonObject) health = NULL;
  GAsyncResult *slot = NULL;

  td_api_get_health_async (anonymous, NULL, td_test_result_cb, &slot);
  health = object_ok (anonymous, &slot);
  g_assert_cmpstr (td_json_get_string (health, "status"), ==, "ok");
  g_assert_cmpstr (td_json_get_string (health, "database"), ==, "ok");
  g_assert_cmpstr (td_json_get_string (health, "version"), ==, PACKAGE_VERSION);
}

/* Create (and its replay), get, update (and a stale one), list, delete: what every
 * collection promises. @changes NULL: the collection has no update. */
static void
assert_roundtrip (TdApiClient     *client,
                  TdApiCollection  collection,
                  const char      *parent_id,
                  JsonObject      *fields,
                  JsonObject      *changes,
                  const char      *member)
{
  g_autofree char *key = td_api_new_idempotency_key ();
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) replayed = NULL;
  g_autoptr(JsonObject) fetched = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonArray) items = NULL;
  GAsyncResult *slot = NULL;
  JsonObject *current;
  const char *id;

  g_test_message ("Round trip of %s%s", td_api_collection_get_name (collection),
                  parent_id != NULL ? " under a customer" : "");

  td_api_create_async (client, collection, parent_id, fields, key, NULL, td_test_result_cb,
                       &slot);
  created = object_ok (client, &slot);
  id = id_of (created);
  g_assert_cmpint (version_of (created), ==, 1);

  /* The same key and body again: the first answer, nothing new. */
  td_api_create_async (client, collection, parent_id, fields, key, NULL, td_test_result_cb,
                       &slot);
  replayed = object_ok (client, &slot);
  g_assert_cmpstr (id_of (replayed), ==, id);

  fetched = get_ok (client, collection, parent_id, id);
  g_assert_cmpstr (id_of (fetched), ==, id);
  current = fetched;

  if (changes != NULL)
    {
      td_api_update_async (client, collection, parent_id, id, version_of (fetched), changes,
                           NULL, td_test_result_cb, &slot);
      updated = object_ok (client, &slot);
      g_assert_cmpint (version_of (updated), ==, version_of (fetched) + 1);
      g_assert_true (json_node_equal (json_object_get_member (updated, member),
                                      json_object_get_member (changes, member)));

      /* The version the caller saw is no longer the object's. */
      td_api_update_async (client, collection, parent_id, id, version_of (fetched), changes,
                           NULL, td_test_result_cb, &slot);
      object_fails (client, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_FAILED);
      current = updated;
    }

  td_api_list_async (client, collection, parent_id,
                     &(TdApiListQuery) { .sort = "-updated_at", .limit = 100 },
                     NULL, td_test_result_cb, &slot);
  items = list_ok (client, &slot, NULL);
  g_assert_nonnull (find_by_id (items, id));

  td_api_delete_async (client, collection, parent_id, id, version_of (current), NULL,
                       td_test_result_cb, &slot);
  empty_ok (client, &slot);

  td_api_get_async (client, collection, parent_id, id, NULL, td_test_result_cb, &slot);
  object_fails (client, &slot, TD_API_ERROR, TD_API_ERROR_NOT_FOUND);
}

/* assert_roundtrip() taking @fields and @changes (nullable). */
static void
roundtrip (TdApiClient     *client,
           TdApiCollection  collection,
           const char      *parent_id,
           JsonObject      *fields,
           JsonObject      *changes,
           const char      *member)
{
  g_autoptr(JsonObject) owned_fields = fields;
  g_autoptr(JsonObject) owned_changes = changes;

  assert_roundtrip (client, collection, parent_id, fields, changes, member);
}

static void
test_collections (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(JsonObject) template = NULL;
  g_autofree char *globex = customer_id (admin, "Globex");
  g_autofree char *umbrella = customer_id (admin, "Umbrella");
  g_autofree char *support = named_id (admin, TD_API_META_TEAMS, "Support");
  g_autofree char *remote = named_id (admin, TD_API_TEAMS, "Remote Support");
  g_autofree char *installation = named_id (admin, TD_API_TEAMS, "Installation");
  g_autofree char *far = td_time_format (td_time_now_usec () + 60 * G_TIME_SPAN_DAY);
  g_autoptr(JsonArray) top_list = NULL;
  GAsyncResult *slot = NULL;
  const char *device_id;

  device = first_of (admin, TD_API_DEVICES, NULL, &(TdApiListQuery) { .limit = 1 });
  template = first_of (admin, TD_API_TEMPLATES, NULL, &(TdApiListQuery) { .limit = 1 });
  device_id = id_of (device);

  roundtrip (admin, TD_API_DEPARTMENTS, NULL,
             json_printf ("{\"name\":\"East\",\"address\":\"Ostring 1\"}"),
             json_printf ("{\"name\":\"East Side\"}"), "name");
  roundtrip (admin, TD_API_TEAMS, NULL, json_printf ("{\"name\":\"Night Shift\"}"),
             json_printf ("{\"name\":\"Night Shift East\"}"), "name");
  roundtrip (admin, TD_API_META_TEAMS, NULL, json_printf ("{\"name\":\"Escalation\"}"),
             json_printf ("{\"name\":\"Escalation East\"}"), "name");
  roundtrip (admin, TD_API_LABELS, NULL, json_printf ("{\"titles\":{\"en\":\"Client test\"}}"),
             json_printf ("{\"description\":\"Made by the client test\"}"), "description");
  roundtrip (admin, TD_API_CUSTOMERS, NULL,
             json_printf ("{\"kind\":\"private\",\"name\":\"Rita Client\"}"),
             json_printf ("{\"name\":\"Rita Client-Test\"}"), "name");
  roundtrip (admin, TD_API_CUSTOMER_DEPARTMENTS, globex,
             json_printf ("{\"name\":\"Globex Research\"}"),
             json_printf ("{\"name\":\"Globex R&D\"}"), "name");
  roundtrip (admin, TD_API_TEAM_MAPPINGS, umbrella,
             json_printf ("{\"meta_team_id\":\"%s\",\"team_id\":\"%s\"}", support, remote),
             json_printf ("{\"team_id\":\"%s\"}", installation), "team_id");
  roundtrip (admin, TD_API_INVITATIONS, NULL,
             json_printf ("{\"email\":\"roundtrip@acme.test\",\"role\":\"member\","
                          "\"first_name\":\"Round\"}"),
             json_printf ("{\"first_name\":\"Trip\"}"), "first_name");
  roundtrip (admin, TD_API_INVITATIONS, globex,
             json_printf ("{\"email\":\"roundtrip@globex.test\",\"role\":\"member\"}"),
             NULL, NULL);
  roundtrip (admin, TD_API_TEMPLATES, NULL, json_printf ("{\"name\":\"Client Test Template\"}"),
             json_printf ("{\"description\":\"Made by the client test\"}"), "description");
  roundtrip (admin, TD_API_DEVICES, NULL,
             json_printf ("{\"name\":\"Client Test Device\",\"serial_number\":\"CT-0001\","
                          "\"template_id\":\"%s\"}", id_of (template)),
             json_printf ("{\"location\":\"Hall 3\"}"), "location");
  roundtrip (admin, TD_API_CODES, NULL, json_printf ("{\"enabled\":true}"),
             json_printf ("{\"enabled\":false}"), "enabled");
  roundtrip (admin, TD_API_TICKETS, NULL,
             json_printf ("{\"title\":\"Client test ticket\",\"device_id\":\"%s\"}", device_id),
             json_printf ("{\"priority\":\"high\"}"), "priority");
  roundtrip (admin, TD_API_VIDEO_SESSIONS, NULL,
             json_printf ("{\"reason\":\"Client test\",\"device_id\":\"%s\"}", device_id),
             json_printf ("{\"reason\":\"Display shows E42\"}"), "reason");
  roundtrip (admin, TD_API_TASK_EVENTS, NULL,
             json_printf ("{\"title\":\"Client test event\",\"device_id\":\"%s\","
                          "\"next_due_at\":\"%s\"}", device_id, far),
             json_printf ("{\"title\":\"Client test event 2\"}"), "title");
  roundtrip (admin, TD_API_TASKS, NULL,
             json_printf ("{\"title\":\"Client test task\",\"device_id\":\"%s\"}", device_id),
             json_printf ("{\"title\":\"Client test task 2\"}"), "title");

  /* The lists of nested children across customers. */
  td_api_list_async (admin, TD_API_CUSTOMER_DEPARTMENTS, NULL,
                     &(TdApiListQuery) { .q = "Globex Logistics" }, NULL, td_test_result_cb,
                     &slot);
  top_list = list_ok (admin, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (top_list), ==, 1);
  g_assert_cmpstr (td_json_get_string (item (top_list, 0), "customer_id"), ==, globex);
  g_clear_pointer (&top_list, json_array_unref);

  td_api_list_async (admin, TD_API_TEAM_MAPPINGS, NULL, NULL, NULL, td_test_result_cb, &slot);
  top_list = list_ok (admin, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (top_list), ==, 3);
}

/* The same Idempotency-Key with another body is refused; without a version a write needs
 * one. */
static void
test_preconditions (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autofree char *key = td_api_new_idempotency_key ();
  g_autoptr(JsonObject) first = json_printf ("{\"titles\":{\"en\":\"Once\"}}");
  g_autoptr(JsonObject) other = json_printf ("{\"titles\":{\"en\":\"Twice\"}}");
  g_autoptr(JsonObject) label = NULL;
  g_autoptr(JsonObject) changes = json_printf ("{\"description\":\"No version\"}");
  GAsyncResult *slot = NULL;

  td_api_create_async (admin, TD_API_LABELS, NULL, first, key, NULL, td_test_result_cb, &slot);
  label = object_ok (admin, &slot);

  td_api_create_async (admin, TD_API_LABELS, NULL, other, key, NULL, td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_INVALID);

  td_api_update_async (admin, TD_API_LABELS, NULL, id_of (label), 0, changes, NULL,
                       td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_REQUIRED);

  td_api_delete_async (admin, TD_API_LABELS, NULL, id_of (label), 0, NULL, td_test_result_cb,
                       &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_REQUIRED);

  /* Still there, unchanged. */
  g_clear_pointer (&label, json_object_unref);
  label = first_of (admin, TD_API_LABELS, NULL, &(TdApiListQuery) { .q = "Once" });
  g_assert_cmpint (version_of (label), ==, 1);
}

/* An object outside the caller's scope does not exist for them: 404 on every call. */
static void
test_outside_scope (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(TdApiClient) globex = demo_login ("member@globex.test");
  g_autofree char *initech = customer_id (admin, "Initech");
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) changes = json_printf ("{\"location\":\"Somewhere else\"}");
  g_autoptr(JsonArray) own = NULL;
  const char * const filters[] = { "customer_id", initech, NULL };
  const char *device_filter[] = { "device_id", NULL, NULL };
  GAsyncResult *slot = NULL;

  device = first_of (admin, TD_API_DEVICES, NULL,
                     &(TdApiListQuery) { .filters = filters, .limit = 1 });

  td_api_get_async (globex, TD_API_DEVICES, NULL, id_of (device), NULL, td_test_result_cb,
                    &slot);
  object_fails (globex, &slot, TD_API_ERROR, TD_API_ERROR_NOT_FOUND);
  td_api_update_async (globex, TD_API_DEVICES, NULL, id_of (device), version_of (device),
                       changes, NULL, td_test_result_cb, &slot);
  object_fails (globex, &slot, TD_API_ERROR, TD_API_ERROR_NOT_FOUND);

  /* Its tickets are out of scope too, and so are their actions. */
  device_filter[1] = id_of (device);
  ticket = first_of (admin, TD_API_TICKETS, NULL,
                     &(TdApiListQuery) { .filters = device_filter, .limit = 1 });
  td_api_list_ticket_messages_async (globex, id_of (ticket), NULL, 0, NULL, td_test_result_cb,
                                     &slot);
  list_fails (globex, &slot, TD_API_ERROR_NOT_FOUND);

  /* Their own company's devices only. */
  td_api_list_async (globex, TD_API_DEVICES, NULL, &(TdApiListQuery) { .limit = 500 }, NULL,
                     td_test_result_cb, &slot);
  own = list_ok (globex, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (own), >, 0);
  g_assert_null (find_by_id (own, id_of (device)));
}

/* A cancelled call ends with G_IO_ERROR_CANCELLED, on every path; a cancelled create sent
 * again with its key exists once. */
static void
test_cancel (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GCancellable) later = g_cancellable_new ();
  g_autofree char *key = td_api_new_idempotency_key ();
  g_autoptr(JsonObject) fields = json_printf ("{\"name\":\"Cancelled Team\"}");
  g_autoptr(JsonObject) team = NULL;
  g_autoptr(JsonArray) teams = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  g_cancellable_cancel (cancelled);
  td_api_list_async (admin, TD_API_TICKETS, NULL, NULL, cancelled, td_test_result_cb, &slot);
  {
    g_autoptr(GAsyncResult) list_result = take_result (&slot);
    g_autoptr(JsonArray) items = td_api_list_finish (admin, list_result, NULL, &error);

    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (items);
    g_clear_error (&error);
  }

  td_api_download_attachment_async (admin, "0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab", cancelled,
                                    td_test_result_cb, &slot);
  result = take_result (&slot);
  content = td_api_download_attachment_finish (admin, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (content);
  g_clear_error (&error);

  /* Cancelled as soon as it is on its way, with the headers of the hook. */
  td_api_create_async (admin, TD_API_TEAMS, NULL, fields, key, later, td_test_result_cb, &slot);
  g_cancellable_cancel (later);
  object_fails (admin, &slot, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  td_api_create_async (admin, TD_API_TEAMS, NULL, fields, key, NULL, td_test_result_cb, &slot);
  team = object_ok (admin, &slot);
  td_api_list_async (admin, TD_API_TEAMS, NULL, &(TdApiListQuery) { .q = "Cancelled Team" },
                     NULL, td_test_result_cb, &slot);
  teams = list_ok (admin, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (teams), ==, 1);
  g_assert_cmpstr (id_of (item (teams, 0)), ==, id_of (team));
}

static void
test_employees (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(TdApiClient) paul = demo_login ("paul.weiss@acme.test");
  g_autoptr(TdApiClient) again = new_client ();
  g_autoptr(JsonObject) employee = NULL;
  g_autoptr(JsonObject) renamed = NULL;
  g_autoptr(JsonObject) disabled = NULL;
  g_autoptr(JsonObject) active = NULL;
  g_autoptr(JsonObject) changes = json_printf ("{\"first_name\":\"Pauline\"}");
  g_autoptr(TdSession) session = NULL;
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GAsyncResult) me_result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  employee = first_of (admin, TD_API_EMPLOYEES, NULL,
                       &(TdApiListQuery) { .q = "paul.weiss" });
  g_assert_cmpstr (td_json_get_string (employee, "email"), ==, "paul.weiss@acme.test");

  td_api_update_async (admin, TD_API_EMPLOYEES, NULL, id_of (employee), version_of (employee),
                       changes, NULL, td_test_result_cb, &slot);
  renamed = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (renamed, "first_name"), ==, "Pauline");

  /* Disabling ends the sessions at once and refuses new ones. */
  td_api_set_status_async (admin, TD_API_EMPLOYEES, id_of (renamed), version_of (renamed),
                           "disabled", NULL, td_test_result_cb, &slot);
  disabled = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (disabled, "status"), ==, "disabled");

  td_api_client_get_me_async (paul, NULL, td_test_result_cb, &slot);
  me_result = take_result (&slot);
  user = td_api_client_get_me_finish (paul, me_result, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);
  g_assert_null (user);
  g_clear_error (&error);

  td_api_client_login_async (again, "paul.weiss@acme.test", TD_DEMO_PASSWORD, NULL,
                             td_test_result_cb, &slot);
  session = wait_session (again, &slot, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_FORBIDDEN);
  g_clear_error (&error);

  /* The version that disabling answered is the one to send next. */
  td_api_set_status_async (admin, TD_API_EMPLOYEES, id_of (renamed), version_of (renamed),
                           "active", NULL, td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_FAILED);
  td_api_set_status_async (admin, TD_API_EMPLOYEES, id_of (disabled), version_of (disabled),
                           "active", NULL, td_test_result_cb, &slot);
  active = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (active, "status"), ==, "active");

  td_api_client_login_async (again, "paul.weiss@acme.test", TD_DEMO_PASSWORD, NULL,
                             td_test_result_cb, &slot);
  session = wait_session (again, &slot, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (session->user->first_name, ==, "Pauline");
}

static void
test_organization (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(TdApiClient) customer = demo_login ("admin@globex.test");
  g_autoptr(JsonObject) organization = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) changes = json_printf ("{\"address\":\"Hafenstraße 1, Hamburg\"}");
  GAsyncResult *slot = NULL;

  td_api_get_organization_async (admin, NULL, td_test_result_cb, &slot);
  organization = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (organization, "name"), ==, "Acme Service");

  td_api_update_organization_async (admin, version_of (organization), changes, NULL,
                                    td_test_result_cb, &slot);
  updated = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (updated, "address"), ==, "Hafenstraße 1, Hamburg");
  g_assert_cmpint (version_of (updated), ==, version_of (organization) + 1);

  td_api_update_organization_async (admin, version_of (organization), changes, NULL,
                                    td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_FAILED);
  td_api_update_organization_async (admin, 0, changes, NULL, td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_REQUIRED);

  /* The organization's settings are the operator's, not a customer's. */
  td_api_get_organization_async (customer, NULL, td_test_result_cb, &slot);
  object_fails (customer, &slot, TD_API_ERROR, TD_API_ERROR_FORBIDDEN);
}

static void
test_company (void)
{
  g_autoptr(TdApiClient) globex = demo_login ("admin@globex.test");
  g_autoptr(TdApiClient) employee = demo_login ("member@acme.test");
  g_autoptr(JsonObject) company = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) changes = json_printf ("{\"contact\":{\"phone\":\"+1 555 0100\"}}");
  GAsyncResult *slot = NULL;

  td_api_get_company_async (globex, NULL, td_test_result_cb, &slot);
  company = object_ok (globex, &slot);
  g_assert_cmpstr (td_json_get_string (company, "name"), ==, "Globex");
  g_assert_cmpstr (td_json_get_string (company, "customer_number"), ==, "C-10001");

  td_api_update_company_async (globex, version_of (company), changes, NULL, td_test_result_cb,
                               &slot);
  updated = object_ok (globex, &slot);
  g_assert_cmpstr (td_json_get_string (td_json_get_object (updated, "contact"), "phone"), ==,
                   "+1 555 0100");

  td_api_update_company_async (globex, version_of (company), changes, NULL, td_test_result_cb,
                               &slot);
  object_fails (globex, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_FAILED);

  td_api_get_company_async (employee, NULL, td_test_result_cb, &slot);
  object_fails (employee, &slot, TD_API_ERROR, TD_API_ERROR_FORBIDDEN);
}

static void
test_codes (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(JsonObject) paired = NULL;
  g_autoptr(JsonObject) unpaired = NULL;
  g_autoptr(JsonObject) link = NULL;
  g_autoptr(JsonObject) permanent = NULL;
  g_autoptr(JsonObject) pinned = NULL;
  g_autoptr(JsonObject) unpinned = NULL;
  g_autoptr(JsonObject) logged_out = NULL;
  const char * const unpaired_filter[] = { "device_id", "null", NULL };
  GAsyncResult *slot = NULL;

  code = first_of (admin, TD_API_CODES, NULL,
                   &(TdApiListQuery) { .filters = unpaired_filter, .limit = 1 });
  g_assert_true (json_object_get_null_member (code, "device_id"));
  device = first_of (admin, TD_API_DEVICES, NULL, &(TdApiListQuery) { .limit = 1 });

  td_api_pair_code_async (admin, id_of (code), id_of (device), version_of (code), NULL,
                          td_test_result_cb, &slot);
  paired = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (paired, "device_id"), ==, id_of (device));

  /* A stale If-Match on an action. */
  td_api_unpair_code_async (admin, id_of (code), version_of (code), NULL, td_test_result_cb,
                            &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_FAILED);
  td_api_unpair_code_async (admin, id_of (code), version_of (paired), NULL, td_test_result_cb,
                            &slot);
  unpaired = object_ok (admin, &slot);
  g_assert_true (json_object_get_null_member (unpaired, "device_id"));

  td_api_create_code_share_link_async (admin, id_of (code), TD_API_SHARE_LINK_30_MINUTES,
                                       NULL, td_test_result_cb, &slot);
  link = object_ok (admin, &slot);
  g_assert_true (g_str_has_prefix (td_json_get_string (link, "url"), "/c/"));
  g_assert_nonnull (td_json_get_string (link, "expires_at"));
  td_api_create_code_share_link_async (admin, id_of (code), TD_API_SHARE_LINK_PERMANENT,
                                       NULL, td_test_result_cb, &slot);
  permanent = object_ok (admin, &slot);
  g_assert_true (json_object_get_null_member (permanent, "expires_at"));
  g_assert_cmpstr (td_json_get_string (permanent, "token"), !=,
                   td_json_get_string (link, "token"));

  td_api_set_code_pin_async (admin, id_of (code), "4711", 0, NULL, td_test_result_cb, &slot);
  pinned = object_ok (admin, &slot);
  g_assert_true (td_json_get_bool (pinned, "has_pin", FALSE));
  g_assert_false (json_object_has_member (pinned, "pin"));
  td_api_set_code_pin_async (admin, id_of (code), "12", 0, NULL, td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_BAD_REQUEST);
  td_api_set_code_pin_async (admin, id_of (code), NULL, version_of (pinned), NULL,
                             td_test_result_cb, &slot);
  unpinned = object_ok (admin, &slot);
  g_assert_false (td_json_get_bool (unpinned, "has_pin", TRUE));

  td_api_logout_code_users_async (admin, id_of (code), 0, NULL, td_test_result_cb, &slot);
  logged_out = object_ok (admin, &slot);
  g_assert_cmpint (td_json_get_int (logged_out, "code_user_epoch", -1), ==,
                   td_json_get_int (unpinned, "code_user_epoch", -1) + 1);

  td_api_clear_code_notifications_async (admin, id_of (code), NULL, td_test_result_cb, &slot);
  empty_ok (admin, &slot);
}

/* A Globex device whose template lets customers rate tickets. */
static JsonObject *
rateable_globex_device (TdApiClient *admin)
{
  g_autofree char *globex = customer_id (admin, "Globex");
  const char * const filters[] = { "customer_id", globex, NULL };
  g_autoptr(JsonArray) devices = NULL;
  GAsyncResult *slot = NULL;

  td_api_list_async (admin, TD_API_DEVICES, NULL, &(TdApiListQuery) { .filters = filters },
                     NULL, td_test_result_cb, &slot);
  devices = list_ok (admin, &slot, NULL);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = item (devices, i);
      g_autoptr(JsonObject) template = get_ok (admin, TD_API_TEMPLATES, NULL,
                                               td_json_get_string (device, "template_id"));

      if (td_json_get_bool (template, "rating_tickets", FALSE))
        return json_object_ref (device);
    }
  g_assert_not_reached ();
}

static JsonObject *
create_ok (TdApiClient     *client,
           TdApiCollection  collection,
           JsonObject      *fields)
{
  g_autoptr(JsonObject) owned = fields;
  GAsyncResult *slot = NULL;

  td_api_create_async (client, collection, NULL, fields, NULL, NULL, td_test_result_cb, &slot);
  return object_ok (client, &slot);
}

static JsonObject *
set_status_ok (TdApiClient     *client,
               TdApiCollection  collection,
               JsonObject      *object,
               const char      *status)
{
  GAsyncResult *slot = NULL;
  JsonObject *changed;

  td_api_set_status_async (client, collection, id_of (object), version_of (object), status,
                           NULL, td_test_result_cb, &slot);
  changed = object_ok (client, &slot);
  g_assert_cmpstr (td_json_get_string (changed, "status"), ==, status);
  return changed;
}

/* A ticket's whole life through the typed calls: thread, attachment, people, linked video
 * session, status and the customer's rating; then the video session's and a task's. */
static void
test_cases (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(TdApiClient) customer = demo_login ("admin@globex.test");
  g_autoptr(JsonObject) device = rateable_globex_device (admin);
  g_autoptr(JsonObject) nora = first_of (admin, TD_API_EMPLOYEES, NULL,
                                         &(TdApiListQuery) { .q = "nora.north" });
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) attachment = NULL;
  g_autoptr(JsonObject) metadata = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) update = NULL;
  g_autoptr(JsonObject) internal = NULL;
  g_autoptr(JsonObject) assigned = NULL;
  g_autoptr(JsonObject) withdrawn = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(JsonObject) rated = NULL;
  g_autoptr(JsonObject) session_started = NULL;
  g_autoptr(JsonObject) session_done = NULL;
  g_autoptr(JsonObject) session_rated = NULL;
  g_autoptr(JsonObject) stepped = NULL;
  g_autoptr(JsonArray) messages = NULL;
  g_autoptr(JsonArray) page = NULL;
  g_autoptr(JsonArray) updates = NULL;
  g_autoptr(JsonArray) linked = NULL;
  g_autoptr(JsonArray) steps = NULL;
  g_autoptr(GBytes) content = g_bytes_new_static ("Pressure 1.2 bar\n", 17);
  g_autoptr(GBytes) downloaded = NULL;
  g_autoptr(GAsyncResult) download_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  g_autofree char *next_cursor = NULL;
  const char *ticket_id;
  const char *employees[2] = { id_of (nora), NULL };
  GAsyncResult *slot = NULL;

  ticket = create_ok (admin, TD_API_TICKETS,
                      json_printf ("{\"title\":\"Pump hums\",\"device_id\":\"%s\"}",
                                   id_of (device)));
  ticket_id = id_of (ticket);
  g_assert_cmpstr (td_json_get_string (ticket, "status"), ==, "draft");

  /* An attachment, then a message that names it. */
  td_api_upload_attachment_async (admin, "pressure log.txt", "text/plain", content, NULL,
                                  td_test_result_cb, &slot);
  attachment = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (attachment, "file_name"), ==, "pressure log.txt");
  g_assert_cmpstr (td_json_get_string (attachment, "content_type"), ==, "text/plain");
  g_assert_cmpint (td_json_get_int (attachment, "size", 0), ==, 17);
  g_assert_cmpstr (td_json_get_string (attachment, "sha256"), ==, sha256);

  td_api_post_ticket_message_async (admin, ticket_id, "See the **log**",
                                    (const char * const []) { id_of (attachment), NULL },
                                    NULL, td_test_result_cb, &slot);
  message = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (message, "ticket_id"), ==, ticket_id);
  g_assert_true (strv_member_contains (message, "attachment_ids", id_of (attachment)));
  td_api_post_ticket_message_async (admin, ticket_id, "Second message", NULL, NULL,
                                    td_test_result_cb, &slot);
  g_clear_pointer (&message, json_object_unref);
  message = object_ok (admin, &slot);

  /* Oldest first, one per page. */
  td_api_list_ticket_messages_async (admin, ticket_id, NULL, 1, NULL, td_test_result_cb,
                                     &slot);
  messages = list_ok (admin, &slot, &next_cursor);
  g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  g_assert_cmpstr (td_json_get_string (item (messages, 0), "body"), ==, "See the **log**");
  g_assert_nonnull (next_cursor);
  td_api_list_ticket_messages_async (admin, ticket_id, next_cursor, 1, NULL, td_test_result_cb,
                                     &slot);
  g_clear_pointer (&next_cursor, g_free);
  page = list_ok (admin, &slot, &next_cursor);
  g_assert_cmpstr (td_json_get_string (item (page, 0), "body"), ==, "Second message");
  g_assert_null (next_cursor);

  /* Once a message names it, everyone who sees the ticket sees the file. */
  td_api_get_attachment_async (customer, id_of (attachment), NULL, td_test_result_cb, &slot);
  metadata = object_ok (customer, &slot);
  g_assert_cmpstr (td_json_get_string (metadata, "sha256"), ==, sha256);
  td_api_download_attachment_async (customer, id_of (attachment), NULL, td_test_result_cb,
                                    &slot);
  download_result = take_result (&slot);
  downloaded = td_api_download_attachment_finish (customer, download_result, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (downloaded, content));

  /* Updates: the customer sees the public one only. */
  td_api_post_ticket_update_async (admin, ticket_id, TD_API_UPDATE_INTERNAL, "Parts ordered",
                                   NULL, td_test_result_cb, &slot);
  internal = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (internal, "kind"), ==, "internal");
  td_api_post_ticket_update_async (admin, ticket_id, TD_API_UPDATE_PUBLIC, "Visit on Monday",
                                   NULL, td_test_result_cb, &slot);
  update = object_ok (admin, &slot);
  td_api_list_ticket_updates_async (customer, ticket_id, NULL, 0, NULL, td_test_result_cb,
                                    &slot);
  updates = list_ok (customer, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (updates), ==, 1);
  g_assert_cmpstr (id_of (item (updates, 0)), ==, id_of (update));

  /* Responsible people; assign checks If-Match when given. */
  td_api_assign_ticket_async (admin, ticket_id, employees, version_of (ticket), NULL,
                              td_test_result_cb, &slot);
  assigned = object_ok (admin, &slot);
  g_assert_true (strv_member_contains (assigned, "responsible_ids", id_of (nora)));
  td_api_withdraw_ticket_async (admin, ticket_id, employees, version_of (ticket), NULL,
                                td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_FAILED);
  td_api_withdraw_ticket_async (admin, ticket_id, employees, 0, NULL, td_test_result_cb, &slot);
  withdrawn = object_ok (admin, &slot);
  g_assert_false (strv_member_contains (withdrawn, "responsible_ids", id_of (nora)));

  /* A video session of the same device, linked and unlinked. */
  session = create_ok (admin, TD_API_VIDEO_SESSIONS,
                       json_printf ("{\"reason\":\"Noise\",\"device_id\":\"%s\"}",
                                    id_of (device)));
  td_api_link_ticket_video_session_async (admin, ticket_id, id_of (session), NULL,
                                          td_test_result_cb, &slot);
  empty_ok (admin, &slot);
  td_api_list_ticket_video_sessions_async (customer, ticket_id, NULL, td_test_result_cb, &slot);
  linked = list_ok (customer, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (linked), ==, 1);
  g_assert_cmpstr (id_of (item (linked, 0)), ==, id_of (session));
  td_api_unlink_ticket_video_session_async (admin, ticket_id, id_of (session), NULL,
                                            td_test_result_cb, &slot);
  empty_ok (admin, &slot);
  g_clear_pointer (&linked, json_array_unref);
  td_api_list_ticket_video_sessions_async (admin, ticket_id, NULL, td_test_result_cb, &slot);
  linked = list_ok (admin, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (linked), ==, 0);

  /* Done by hand, then rated (and so closed) by the customer; a second rating conflicts. */
  done = set_status_ok (admin, TD_API_TICKETS, withdrawn, "done");
  td_api_rate_ticket_async (customer, ticket_id, 5, "Quiet again", NULL, td_test_result_cb,
                            &slot);
  rated = object_ok (customer, &slot);
  g_assert_cmpstr (td_json_get_string (rated, "status"), ==, "closed");
  g_assert_cmpint (td_json_get_int (rated, "rating", 0), ==, 5);
  td_api_rate_ticket_async (customer, ticket_id, 4, NULL, NULL, td_test_result_cb, &slot);
  object_fails (customer, &slot, TD_API_ERROR, TD_API_ERROR_CONFLICT);

  /* Video sessions follow their machine: confirmed → in_progress → done → rated. */
  g_assert_cmpstr (td_json_get_string (session, "status"), ==, "confirmed");
  td_api_set_status_async (admin, TD_API_VIDEO_SESSIONS, id_of (session), version_of (session),
                           "closed", NULL, td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_CONFLICT);
  session_started = set_status_ok (admin, TD_API_VIDEO_SESSIONS, session, "in_progress");
  session_done = set_status_ok (admin, TD_API_VIDEO_SESSIONS, session_started, "done");
  td_api_rate_video_session_async (customer, id_of (session), 4, "Helpful", NULL,
                                   td_test_result_cb, &slot);
  session_rated = object_ok (customer, &slot);
  g_assert_cmpstr (td_json_get_string (session_rated, "status"), ==, "closed");
  g_assert_cmpint (td_json_get_int (session_rated, "rating", 0), ==, 4);

  /* A task's steps, one at a time. */
  task = create_ok (admin, TD_API_TASKS,
                    json_printf ("{\"title\":\"Check filters\",\"device_id\":\"%s\","
                                 "\"steps\":[\"Open the lid\",\"Replace the filter\"]}",
                                 id_of (device)));
  td_api_set_task_step_async (admin, id_of (task), 1, TRUE, version_of (task), NULL,
                              td_test_result_cb, &slot);
  stepped = object_ok (admin, &slot);
  steps = json_array_ref (json_object_get_array_member (stepped, "steps"));
  g_assert_false (json_object_get_boolean_member (item (steps, 0), "completed"));
  g_assert_true (json_object_get_boolean_member (item (steps, 1), "completed"));
  td_api_set_task_step_async (admin, id_of (task), 0, TRUE, version_of (task), NULL,
                              td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_FAILED);
  td_api_set_task_step_async (admin, id_of (task), 7, TRUE, 0, NULL, td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_NOT_FOUND);
}

/* Offers of the demo's open tickets: their own employee accepts one and declines another;
 * customers do not see offers at all. */
static void
test_offers (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(TdApiClient) customer = demo_login ("member@globex.test");
  g_autoptr(JsonArray) tickets = NULL;
  guint accepted = 0, declined = 0;
  GAsyncResult *slot = NULL;

  td_api_list_async (admin, TD_API_TICKETS, NULL,
                     &(TdApiListQuery) { .status = "open", .sort = "number", .limit = 20 },
                     NULL, td_test_result_cb, &slot);
  tickets = list_ok (admin, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (tickets), >, 1);

  for (guint t = 0; t < json_array_get_length (tickets) && (accepted == 0 || declined == 0); t++)
    {
      const char *ticket_id = id_of (item (tickets, t));
      g_autoptr(JsonArray) offers = NULL;
      g_autoptr(JsonObject) offer = NULL;
      g_autoptr(JsonObject) employee = NULL;
      g_autoptr(JsonObject) answered = NULL;
      g_autoptr(JsonArray) after = NULL;
      g_autoptr(TdApiClient) worker = NULL;
      gboolean accept = accepted == 0;

      g_assert_cmpstr (td_json_get_string (item (tickets, t), "status"), ==, "open");
      td_api_list_ticket_offers_async (admin, ticket_id, NULL, 0, NULL, td_test_result_cb,
                                       &slot);
      offers = list_ok (admin, &slot, NULL);
      for (guint o = 0; o < json_array_get_length (offers) && offer == NULL; o++)
        if (g_strcmp0 (td_json_get_string (item (offers, o), "status"), "pending") == 0)
          offer = json_object_ref (item (offers, o));
      if (offer == NULL)
        continue;

      employee = get_ok (admin, TD_API_EMPLOYEES, NULL, td_json_get_string (offer, "employee_id"));
      if (g_strcmp0 (td_json_get_string (employee, "status"), "active") != 0)
        continue;
      worker = demo_login (td_json_get_string (employee, "email"));

      if (accept)
        td_api_accept_ticket_offer_async (worker, ticket_id, id_of (offer), NULL,
                                          td_test_result_cb, &slot);
      else
        td_api_decline_ticket_offer_async (worker, ticket_id, id_of (offer), NULL,
                                           td_test_result_cb, &slot);
      answered = object_ok (worker, &slot);
      g_assert_cmpstr (id_of (answered), ==, ticket_id);
      g_assert_true (strv_member_contains (answered, "responsible_ids", id_of (employee)) == accept);
      if (accept)
        g_assert_cmpstr (td_json_get_string (answered, "status"), ==, "assigned");

      td_api_list_ticket_offers_async (admin, ticket_id, NULL, 0, NULL, td_test_result_cb,
                                       &slot);
      after = list_ok (admin, &slot, NULL);
      g_assert_cmpstr (td_json_get_string (find_by_id (after, id_of (offer)), "status"), ==,
                       accept ? "accepted" : "declined");

      /* An answered offer cannot be answered again. */
      td_api_decline_ticket_offer_async (worker, ticket_id, id_of (offer), NULL,
                                         td_test_result_cb, &slot);
      object_fails (worker, &slot, TD_API_ERROR, TD_API_ERROR_CONFLICT);

      if (accept)
        accepted++;
      else
        declined++;
    }
  g_assert_cmpuint (accepted, ==, 1);
  g_assert_cmpuint (declined, ==, 1);

  /* A ticket of their own company: seen, but its offers are the operator's business. */
  {
    g_autoptr(JsonObject) own = first_of (customer, TD_API_TICKETS, NULL,
                                          &(TdApiListQuery) { .status = "open", .limit = 1 });

    td_api_list_ticket_offers_async (customer, id_of (own), NULL, 0, NULL, td_test_result_cb,
                                     &slot);
    list_fails (customer, &slot, TD_API_ERROR_FORBIDDEN);
  }
}

static void
test_notifications (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(JsonArray) unread = NULL;
  g_autoptr(JsonObject) notification = NULL;
  g_autoptr(JsonObject) read = NULL;
  g_autoptr(JsonObject) count = NULL;
  g_autoptr(JsonObject) marked = NULL;
  g_autoptr(JsonObject) none = NULL;
  const char * const unread_filter[] = { "unread", "true", NULL };
  GAsyncResult *slot = NULL;

  td_api_list_async (admin, TD_API_NOTIFICATIONS, NULL,
                     &(TdApiListQuery) { .filters = unread_filter, .limit = 500 }, NULL,
                     td_test_result_cb, &slot);
  unread = list_ok (admin, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (unread), >=, 2);

  notification = get_ok (admin, TD_API_NOTIFICATIONS, NULL, id_of (item (unread, 0)));
  g_assert_true (td_json_get_bool (notification, "unread", FALSE));

  td_api_client_mark_notification_read_async (admin, id_of (notification), NULL,
                                              td_test_result_cb, &slot);
  read = object_ok (admin, &slot);
  g_assert_false (td_json_get_bool (read, "unread", TRUE));

  td_api_client_get_unread_count_async (admin, NULL, td_test_result_cb, &slot);
  count = object_ok (admin, &slot);
  g_assert_cmpint (td_json_get_int (count, "unread", -1), ==,
                   (gint64) json_array_get_length (unread) - 1);

  td_api_client_mark_all_notifications_read_async (admin, NULL, NULL, td_test_result_cb, &slot);
  marked = object_ok (admin, &slot);
  g_assert_cmpint (td_json_get_int (marked, "marked", -1), ==, td_json_get_int (count, "unread", -1));
  td_api_client_get_unread_count_async (admin, NULL, td_test_result_cb, &slot);
  none = object_ok (admin, &slot);
  g_assert_cmpint (td_json_get_int (none, "unread", -1), ==, 0);
}

static void
test_insights (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(TdApiClient) member = demo_login ("member@acme.test");
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonObject) ranged = NULL;
  g_autoptr(JsonObject) feedback = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonArray) entries = NULL;
  gint64 now = td_time_now_usec ();
  g_autofree char *from = td_time_format (now - 90 * G_TIME_SPAN_DAY);
  GAsyncResult *slot = NULL;

  td_api_get_dashboard_stats_async (admin, 0, 0, NULL, td_test_result_cb, &slot);
  stats = object_ok (admin, &slot);
  g_assert_nonnull (td_json_get_object (stats, "tickets_by_status"));
  g_assert_true (json_object_has_member (stats, "codes_paired"));

  td_api_get_dashboard_stats_async (admin, now - 90 * G_TIME_SPAN_DAY, now, NULL,
                                    td_test_result_cb, &slot);
  ranged = object_ok (admin, &slot);
  g_assert_cmpstr (td_json_get_string (ranged, "from"), ==, from);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ranged,
                                                                         "tickets_opened_closed_per_day")),
                    >=, 90);

  td_api_send_feedback_async (member, "The client test likes the typed calls", "9.9-test", NULL,
                              td_test_result_cb, &slot);
  feedback = object_ok (member, &slot);
  g_assert_cmpstr (td_json_get_string (feedback, "app_version"), ==, "9.9-test");

  td_api_list_async (admin, TD_API_FEEDBACK, NULL,
                     &(TdApiListQuery) { .q = "likes the typed calls" }, NULL,
                     td_test_result_cb, &slot);
  entries = list_ok (admin, &slot, NULL);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_cmpstr (id_of (item (entries, 0)), ==, id_of (feedback));

  /* Only administrators read feedback. */
  td_api_list_async (member, TD_API_FEEDBACK, NULL, NULL, NULL, td_test_result_cb, &slot);
  list_fails (member, &slot, TD_API_ERROR_FORBIDDEN);

  td_api_get_changes_async (admin, 0, 5, NULL, td_test_result_cb, &slot);
  changes = object_ok (admin, &slot);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (changes, "changes")),
                    <=, 5);
  g_assert_true (td_json_get_bool (changes, "has_more", FALSE));
  g_assert_cmpint (td_json_get_int (changes, "next_since", 0), >, 0);

  /* A cursor newer than the newest change: sync again. */
  td_api_get_changes_async (admin, td_json_get_int (changes, "newest_seq", 0) + 1000, 0, NULL,
                            td_test_result_cb, &slot);
  object_fails (admin, &slot, TD_API_ERROR, TD_API_ERROR_GONE);
}

/* The tokens of the invitation links emailed to @email (the spool next to the database). */
static GPtrArray *
invitation_tokens (const char *email)
{
  g_autofree char *spool = g_build_filename (td_test_server_get_dir (demo_server),
                                             "twindesk.db.mail", NULL);
  g_autofree char *to = g_strconcat ("To: ", email, "\r\n", NULL);
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (spool, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (spool, name, NULL);
      g_autofree char *text = NULL;
      const char *link;
      const char *end;

      if (!g_str_has_suffix (name, ".eml") || !g_file_get_contents (path, &text, NULL, NULL) ||
          strstr (text, to) == NULL || (link = strstr (text, "/invite#")) == NULL)
        continue;
      link += strlen ("/invite#");
      for (end = link; g_ascii_isalnum (*end) || *end == '-' || *end == '_'; end++)
        ;
      g_ptr_array_add (tokens, g_strndup (link, end - link));
    }
  return tokens;
}

static gboolean
flag_later_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static GPtrArray *
wait_for_invitation_tokens (const char *email,
                            guint       count)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      GPtrArray *tokens = invitation_tokens (email);
      gboolean waited = FALSE;

      if (tokens->len >= count)
        return tokens;
      g_ptr_array_unref (tokens);
      g_timeout_add (100, flag_later_cb, &waited);
      td_test_wait_until (&waited, 5);
    }
  g_error ("No %u invitation emails to %s", count, email);
}

/* An invitation from creation to the new user's own account: resend, accept, profile,
 * password, share login, sessions; then the administrator deletes the user. */
static void
test_invitation_to_account (void)
{
  g_autoptr(TdApiClient) admin = demo_login ("admin@acme.test");
  g_autoptr(TdApiClient) newcomer = new_client ();
  g_autoptr(TdApiClient) phone = new_client ();
  g_autoptr(TdApiClient) laptop = NULL;
  g_autoptr(JsonObject) invitation = NULL;
  g_autoptr(JsonObject) resent = NULL;
  g_autoptr(JsonObject) transfer = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(JsonObject) sessions = NULL;
  g_autoptr(JsonObject) after_revoke = NULL;
  g_autoptr(JsonObject) employee = NULL;
  g_autoptr(JsonObject) changes = json_printf ("{\"first_name\":\"Newton\",\"language\":\"de\"}");
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(TdSession) session = NULL;
  g_autoptr(TdSession) phone_session = NULL;
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *phone_session_id = NULL;
  JsonArray *items;
  guint accepted = 0;
  GAsyncResult *slot = NULL;

  invitation = create_ok (admin, TD_API_INVITATIONS,
                          json_printf ("{\"email\":\"newhire@acme.test\",\"role\":\"member\","
                                       "\"first_name\":\"New\",\"last_name\":\"Hire\"}"));
  g_assert_cmpstr (td_json_get_string (invitation, "status"), ==, "pending");
  tokens = wait_for_invitation_tokens ("newhire@acme.test", 1);

  td_api_resend_invitation_async (admin, id_of (invitation), NULL, td_test_result_cb, &slot);
  resent = object_ok (admin, &slot);
  g_assert_cmpint (version_of (resent), ==, version_of (invitation) + 1);
  g_clear_pointer (&tokens, g_ptr_array_unref);
  tokens = wait_for_invitation_tokens ("newhire@acme.test", 2);
  g_assert_cmpuint (tokens->len, ==, 2);

  /* The first link stopped working with the resend: exactly one of the two signs in. */
  for (guint i = 0; i < tokens->len; i++)
    {
      g_autoptr(GError) accept_error = NULL;
      g_autoptr(TdSession) accepted_session = NULL;

      td_api_accept_invitation_async (newcomer, g_ptr_array_index (tokens, i),
                                      "Lantern-Orchard-42", NULL, "Hire-Ling", NULL,
                                      td_test_result_cb, &slot);
      accepted_session = wait_session (newcomer, &slot, &accept_error);
      if (accepted_session == NULL)
        {
          g_assert_error (accept_error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);
          continue;
        }
      accepted++;
      g_assert_cmpstr (accepted_session->user->email, ==, "newhire@acme.test");
      g_assert_cmpstr (accepted_session->user->first_name, ==, "New");
      g_assert_cmpstr (accepted_session->user->last_name, ==, "Hire-Ling");
      g_assert_cmpstr (td_api_client_get_token (newcomer), ==, accepted_session->token);
    }
  g_assert_cmpuint (accepted, ==, 1);

  /* The new account, through the calls of td-api-client.h. */
  td_api_client_update_me_async (newcomer, changes, NULL, td_test_result_cb, &slot);
  me = object_ok (newcomer, &slot);
  g_assert_cmpstr (td_json_get_string (me, "first_name"), ==, "Newton");

  td_api_client_change_password_async (newcomer, "Lantern-Orchard-42", "Harbour-Violet-77",
                                       NULL, td_test_result_cb, &slot);
  action_ok (newcomer, &slot);

  td_api_client_create_transfer_token_async (newcomer, NULL, td_test_result_cb, &slot);
  transfer = object_ok (newcomer, &slot);
  td_api_client_redeem_transfer_token_async (phone, td_json_get_string (transfer, "token"),
                                             NULL, td_test_result_cb, &slot);
  phone_session = wait_session (phone, &slot, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (phone_session->user->email, ==, "newhire@acme.test");

  td_api_client_list_sessions_async (newcomer, NULL, td_test_result_cb, &slot);
  sessions = object_ok (newcomer, &slot);
  items = json_object_get_array_member (sessions, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (!td_json_get_bool (item (items, i), "current", TRUE))
      phone_session_id = id_of (item (items, i));
  g_assert_nonnull (phone_session_id);

  td_api_client_revoke_session_async (newcomer, phone_session_id, NULL, td_test_result_cb,
                                      &slot);
  action_ok (newcomer, &slot);

  td_api_client_get_me_async (phone, NULL, td_test_result_cb, &slot);
  result = take_result (&slot);
  user = td_api_client_get_me_finish (phone, result, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Another sign-in with the new password, then all others revoked. */
  laptop = client_for ("newhire@acme.test", "Harbour-Violet-77");
  td_api_client_revoke_other_sessions_async (newcomer, NULL, td_test_result_cb, &slot);
  action_ok (newcomer, &slot);

  td_api_client_list_sessions_async (laptop, NULL, td_test_result_cb, &slot);
  object_fails (laptop, &slot, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);
  td_api_client_list_sessions_async (newcomer, NULL, td_test_result_cb, &slot);
  after_revoke = object_ok (newcomer, &slot);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after_revoke, "items")),
                    ==, 1);

  td_api_client_logout_async (newcomer, NULL, td_test_result_cb, &slot);
  result = take_result (&slot);
  g_assert_true (td_api_client_logout_finish (newcomer, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The administrator removes the user again. */
  employee = first_of (admin, TD_API_EMPLOYEES, NULL, &(TdApiListQuery) { .q = "newhire" });
  g_assert_cmpstr (td_json_get_string (employee, "first_name"), ==, "Newton");
  td_api_delete_async (admin, TD_API_EMPLOYEES, NULL, id_of (employee), version_of (employee),
                       NULL, td_test_result_cb, &slot);
  empty_ok (admin, &slot);

  td_api_client_login_async (newcomer, "newhire@acme.test", "Harbour-Violet-77", NULL,
                             td_test_result_cb, &slot);
  session = wait_session (newcomer, &slot, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);
  g_assert_null (session);
}

/* Initech leaves the operator (last: it moves data out of the demo organization). */
static void
test_become_independent (void)
{
  g_autoptr(TdApiClient) initech = demo_login ("admin@initech.test");
  g_autoptr(TdApiClient) member = demo_login ("member@initech.test");
  g_autoptr(TdApiClient) again = NULL;
  g_autoptr(JsonObject) company = NULL;
  g_autoptr(JsonObject) moved = NULL;
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  td_api_get_company_async (initech, NULL, td_test_result_cb, &slot);
  company = object_ok (initech, &slot);

  td_api_become_independent_async (member, version_of (company), NULL, NULL, td_test_result_cb,
                                   &slot);
  object_fails (member, &slot, TD_API_ERROR, TD_API_ERROR_FORBIDDEN);
  td_api_become_independent_async (initech, version_of (company) + 1, NULL, NULL,
                                   td_test_result_cb, &slot);
  object_fails (initech, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_FAILED);
  td_api_become_independent_async (initech, 0, NULL, NULL, td_test_result_cb, &slot);
  object_fails (initech, &slot, TD_API_ERROR, TD_API_ERROR_PRECONDITION_REQUIRED);

  td_api_become_independent_async (initech, version_of (company), "Initech Independent", NULL,
                                   td_test_result_cb, &slot);
  moved = object_ok (initech, &slot);
  g_assert_cmpstr (td_json_get_string (td_json_get_object (moved, "organization"), "name"), ==,
                   "Initech Independent");
  g_assert_cmpint (td_json_get_int (td_json_get_object (moved, "moved"), "devices", 0), >, 0);
  g_assert_true (td_json_get_bool (moved, "login_required", FALSE));

  td_api_client_get_me_async (initech, NULL, td_test_result_cb, &slot);
  result = take_result (&slot);
  user = td_api_client_get_me_finish (initech, result, &error);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);

  again = demo_login ("admin@initech.test");
  td_api_client_get_me_async (again, NULL, td_test_result_cb, &slot);
  g_clear_object (&result);
  result = take_result (&slot);
  g_clear_error (&error);
  user = td_api_client_get_me_finish (again, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->org_name, ==, "Initech Independent");
  g_assert_cmpint (td_user_get_login_type (user), ==, TD_LOGIN_EMPLOYEE);
}

/* ---- every call was sent ---- */

/* How well @path matches @pattern: the number of literal segments, -1 for no match. */
static int
match_pattern (const char *pattern,
               const char *path)
{
  g_auto(GStrv) want = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) have = g_strsplit (path, "/", -1);
  int literal = 0;

  if (g_strv_length (want) != g_strv_length (have))
    return -1;
  for (guint i = 0; want[i] != NULL; i++)
    {
      if (g_str_has_prefix (want[i], "{") && g_str_has_suffix (want[i], "}"))
        {
          if (*have[i] == '\0')
            return -1;
        }
      else if (g_str_equal (want[i], have[i]))
        literal++;
      else
        return -1;
    }
  return literal;
}

typedef struct
{
  GPtrArray  *routes;   /* "METHOD pattern" of the client table's calls */
  GHashTable *hit;
} Exercised;

static void
collect_call_cb (const TdApiClientRoute *route,
                 gpointer                user_data)
{
  Exercised *exercised = user_data;

  if (route->function != NULL)
    g_ptr_array_add (exercised->routes, g_strconcat (route->method, " ", route->pattern, NULL));
}

static void
test_every_call_exercised (void)
{
  Exercised exercised = { g_ptr_array_new_with_free_func (g_free),
                          g_hash_table_new (g_str_hash, g_str_equal) };
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer sent;

  td_api_client_foreach_route (collect_call_cb, &exercised);

  /* Each request counts for the most specific route it matches, as the server routes it
   * ("/notifications/unread-count" is not "/notifications/{id}"). */
  g_hash_table_iter_init (&iter, sent_requests);
  while (g_hash_table_iter_next (&iter, &sent, NULL))
    {
      const char *space = strchr (sent, ' ');
      g_autofree char *method = g_strndup (sent, space - (const char *) sent);
      const char *best = NULL;
      int best_score = -1;

      for (guint i = 0; i < exercised.routes->len; i++)
        {
          const char *route = g_ptr_array_index (exercised.routes, i);
          const char *pattern = strchr (route, ' ') + 1;
          int score;

          if (strncmp (route, method, strlen (method)) != 0 || route[strlen (method)] != ' ')
            continue;
          score = match_pattern (pattern, space + 1);
          if (score > best_score)
            {
              best = route;
              best_score = score;
            }
        }
      if (best != NULL)
        g_hash_table_add (exercised.hit, (gpointer) best);
    }

  for (guint i = 0; i < exercised.routes->len; i++)
    if (!g_hash_table_contains (exercised.hit, g_ptr_array_index (exercised.routes, i)))
      g_ptr_array_add (missing, g_ptr_array_index (exercised.routes, i));
  g_test_message ("%u of %u client routes sent by this test",
                  g_hash_table_size (exercised.hit), exercised.routes->len);
  fail_listing ("client calls no test here sends", missing);

  g_hash_table_unref (exercised.hit);
  g_ptr_array_unref (exercised.routes);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/api-routes/every-server-route-has-a-call",
                   test_every_server_route_has_a_call);
  g_test_add_func ("/client/api-routes/collections-match-common", test_collections_match_common);
  g_test_add_func ("/client/api-routes/paths", test_paths);
  g_test_add_func ("/client/api-routes/health", test_health);
  g_test_add_func ("/client/api-routes/collections", test_collections);
  g_test_add_func ("/client/api-routes/preconditions", test_preconditions);
  g_test_add_func ("/client/api-routes/outside-scope", test_outside_scope);
  g_test_add_func ("/client/api-routes/cancel", test_cancel);
  g_test_add_func ("/client/api-routes/cases", test_cases);
  g_test_add_func ("/client/api-routes/offers", test_offers);
  g_test_add_func ("/client/api-routes/employees", test_employees);
  g_test_add_func ("/client/api-routes/organization", test_organization);
  g_test_add_func ("/client/api-routes/company", test_company);
  g_test_add_func ("/client/api-routes/codes", test_codes);
  g_test_add_func ("/client/api-routes/notifications", test_notifications);
  g_test_add_func ("/client/api-routes/insights", test_insights);
  g_test_add_func ("/client/api-routes/invitation-to-account", test_invitation_to_account);
  g_test_add_func ("/client/api-routes/become-independent", test_become_independent);
  /* Last: what the tests above sent. */
  g_test_add_func ("/client/api-routes/every-call-exercised", test_every_call_exercised);

  sent_requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  demo_server = td_test_server_start ("demo");
  td_test_server_kill_on_abort (demo_server);

  ret = g_test_run ();
  g_clear_pointer (&demo_server, td_test_server_free);
  g_clear_pointer (&sent_requests, g_hash_table_unref);

  return ret;
}
