/* test-changes.c: the change feed, in process
 *
 * - the initial sync (since=0) of every kind of demo user holds exactly the objects their
 *   lists hold, collection by collection;
 * - paging with a small limit gives the same changes as one page;
 * - an object that leaves a user's scope (its device moves to another company, its device's
 *   departments change under isolation) reaches that user as a delete, and the company it
 *   moved to gets upserts; a user never receives the id of an object they could not see,
 *   before or after;
 * - deleted objects come as deletes to those who saw them;
 * - cursors: pruned history, a changed own scope and a cursor from the future give 410.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api.h"
#include "td-changes.h"
#include "td-collections.h"
#include "td-db-pool.h"
#include "td-json.h"
#include "td-resource.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"

static TdTestDemoApi *demo;

#define EXPECT(status, method, path, token, body) \
  td_test_api_expect (demo->api, (status), (method), (path), (token), (body))

typedef struct
{
  GHashTable *upserts;  /* "type/id" → version (as pointer) */
  GHashTable *deletes;  /* "type/id" set */
  gint64      next_since;
} Feed;

static void
feed_clear (Feed *feed)
{
  g_clear_pointer (&feed->upserts, g_hash_table_unref);
  g_clear_pointer (&feed->deletes, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Feed, feed_clear)

static char *
key_of (const char *type,
        const char *id)
{
  return g_strconcat (type, "/", id, NULL);
}

/* Reads the whole feed after @since in pages of @limit. */
static void
read_feed (const char *token,
           gint64      since,
           guint       limit,
           Feed       *feed)
{
  feed->upserts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  feed->deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint pages = 0;; pages++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                               "&limit=%u", since, limit);
      g_autoptr(JsonObject) page = EXPECT (200, "GET", path, token, NULL);
      JsonArray *changes = json_object_get_array_member (page, "changes");
      gint64 last_seq = since;

      g_assert_cmpuint (pages, <, 100000);
      g_assert_cmpuint (json_array_get_length (changes), <=, limit);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          const char *op = json_object_get_string_member (change, "op");
          char *key = key_of (json_object_get_string_member (change, "type"),
                              json_object_get_string_member (change, "id"));

          /* Seqs increase within and across pages. */
          g_assert_cmpint (json_object_get_int_member (change, "seq"), >, last_seq);
          last_seq = json_object_get_int_member (change, "seq");
          if (g_str_equal (op, "upsert"))
            {
              JsonObject *object = json_object_get_object_member (change, "object");

              g_assert_nonnull (object);
              g_assert_cmpstr (json_object_get_string_member (object, "id"), ==,
                               json_object_get_string_member (change, "id"));
              g_hash_table_remove (feed->deletes, key);
              g_hash_table_replace (feed->upserts, key,
                                    GINT_TO_POINTER (json_object_get_int_member (object, "version")));
            }
          else
            {
              g_assert_cmpstr (op, ==, "delete");
              g_assert_false (json_object_has_member (change, "object"));
              g_hash_table_remove (feed->upserts, key);
              g_hash_table_add (feed->deletes, key);
            }
        }
      since = json_object_get_int_member (page, "next_since");
      if (!json_object_get_boolean_member (page, "has_more"))
        break;
    }
  feed->next_since = since;
}

static gint64
cursor_now (const char *token)
{
  g_auto(Feed) feed = { 0 };

  read_feed (token, 0, TD_CHANGES_MAX_LIMIT, &feed);
  return feed.next_since;
}

/* Every id of @collection the user's list shows, as "type/id". */
static GHashTable *
list_keys (const char          *token,
           const TdResourceDef *def)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;

  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/%s?limit=500%s%s", def->collection,
                                               cursor ? "&cursor=" : "", cursor ? cursor : "");
      g_autoptr(TdApiResponse) response = td_test_api_request (demo->api, "GET", path, token,
                                                               NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *page;
      JsonArray *items;
      const char *next;

      if (response->status == 403)
        return keys;  /* the role may not view this collection: nothing to sync */
      g_assert_cmpuint (response->status, ==, 200);
      node = td_api_response_parse_body (response);
      page = json_node_get_object (node);
      items = json_object_get_array_member (page, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        g_hash_table_add (keys, key_of (def->type,
                                        json_object_get_string_member (
                                          json_array_get_object_element (items, i), "id")));
      next = json_object_get_string_member_with_default (page, "next_cursor", NULL);
      if (next == NULL)
        return keys;
      g_free (cursor);
      cursor = g_uri_escape_string (next, NULL, FALSE);
    }
}

static const char * const demo_users[] = {
  "admin@acme.test", "deptadmin@acme.test", "creator@acme.test", "moderator@acme.test",
  "member@acme.test", "admin@globex.test", "member@globex.test", "nora.north@acme.test",
  "sam.south@acme.test", "paul.weiss@acme.test", "member@initech.test",
};

static void
test_initial_matches_lists (void)
{
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);

  for (guint u = 0; u < G_N_ELEMENTS (demo_users); u++)
    {
      g_autofree char *token = td_test_api_login (demo->api, demo_users[u]);
      g_auto(Feed) feed = { 0 };
      g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            NULL);
      GHashTableIter iter;
      gpointer key;

      read_feed (token, 0, TD_CHANGES_MAX_LIMIT, &feed);
      g_assert_cmpuint (g_hash_table_size (feed.deletes), ==, 0);
      for (gsize d = 0; d < n_defs; d++)
        {
          g_autoptr(GHashTable) keys = list_keys (token, defs[d]);

          g_hash_table_iter_init (&iter, keys);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            g_hash_table_add (listed, g_strdup (key));
        }

      g_test_message ("%s: %u objects", demo_users[u], g_hash_table_size (feed.upserts));
      g_assert_cmpuint (g_hash_table_size (feed.upserts), >, 0);
      g_hash_table_iter_init (&iter, feed.upserts);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (listed, key))
          g_error ("%s: the feed names %s, which no list shows", demo_users[u], (char *) key);
      g_hash_table_iter_init (&iter, listed);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (feed.upserts, key))
          g_error ("%s: the list shows %s, which the feed misses", demo_users[u], (char *) key);
    }
}

static void
test_paging (void)
{
  g_autofree char *token = td_test_api_login (demo->api, "member@globex.test");
  g_auto(Feed) one = { 0 };
  g_auto(Feed) paged = { 0 };
  GHashTableIter iter;
  gpointer key;

  read_feed (token, 0, TD_CHANGES_MAX_LIMIT, &one);
  read_feed (token, 0, 7, &paged);
  g_assert_cmpuint (g_hash_table_size (one.upserts), ==, g_hash_table_size (paged.upserts));
  g_hash_table_iter_init (&iter, one.upserts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_true (g_hash_table_contains (paged.upserts, key));
  g_assert_cmpint (one.next_since, ==, paged.next_since);

  {
    g_autoptr(JsonObject) bad = EXPECT (400, "GET", "/api/v1/changes?limit=0", token, NULL);
    g_autoptr(JsonObject) bad2 = EXPECT (400, "GET", "/api/v1/changes?since=-1", token, NULL);
    g_autoptr(JsonObject) bad3 = EXPECT (400, "GET", "/api/v1/changes?limit=5001", token, NULL);
    g_autoptr(JsonObject) anonymous = EXPECT (401, "GET", "/api/v1/changes", NULL, NULL);
  }
}

/* The ids a user may see of @collection now (their list). */
static GHashTable *
visible_now (const char *token,
             const char *collection)
{
  return list_keys (token, td_resource_find (collection));
}

static char *
first_item_id (const char *token,
               const char *path)
{
  g_autoptr(JsonObject) page = EXPECT (200, "GET", path, token, NULL);
  JsonArray *items = json_object_get_array_member (page, "items");

  g_assert_cmpuint (json_array_get_length (items), >, 0);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (items, 0),
                                                  "id"));
}

static gint64
version_of (const char *token,
            const char *path)
{
  g_autoptr(JsonObject) object = EXPECT (200, "GET", path, token, NULL);

  return json_object_get_int_member (object, "version");
}

static void
patch (const char *token,
       const char *path,
       const char *body)
{
  g_autoptr(TdApiRequest) req = NULL;
  g_autoptr(TdApiResponse) response = NULL;
  g_autofree char *if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                                               version_of (token, path));

  req = td_api_request_new ("PATCH", path);
  req->authorization = g_strdup_printf ("Bearer %s", token);
  td_api_request_set_body (req, body, strlen (body));
  req->if_match = g_strdup (if_match);
  response = td_api_dispatch (demo->api, req);
  if (response->status != 200)
    g_error ("PATCH %s: %u %.*s", path, response->status,
             response->body ? (int) g_bytes_get_size (response->body) : 0,
             response->body ? (const char *) g_bytes_get_data (response->body, NULL) : "");
}

static void
assert_subset (GHashTable *keys,
               GHashTable *allowed,
               const char *who)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (allowed, key))
      g_error ("%s learned of %s, which they never could see", who, (char *) key);
}

/* Everything a user could see, over all collections. */
static GHashTable *
all_visible (const char *token)
{
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);
  GHashTable *all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (gsize d = 0; d < n_defs; d++)
    {
      g_autoptr(GHashTable) keys = list_keys (token, defs[d]);
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, keys);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (all, g_strdup (key));
    }
  return all;
}

static void
test_device_moves_company (void)
{
  g_autofree char *admin = td_test_api_login (demo->api, "admin@acme.test");
  g_autofree char *globex = td_test_api_login (demo->api, "member@globex.test");
  g_autofree char *initech = td_test_api_login (demo->api, "member@initech.test");
  g_autofree char *device_id = first_item_id (globex, "/api/v1/devices?limit=1");
  g_autofree char *device_path = g_strdup_printf ("/api/v1/devices/%s", device_id);
  g_autofree char *initech_customer = NULL;
  g_autofree char *body = NULL;
  g_autofree char *device_key = key_of ("device", device_id);
  g_autoptr(GHashTable) globex_before = all_visible (globex);
  g_autoptr(GHashTable) initech_before = all_visible (initech);
  g_autoptr(GHashTable) globex_after = NULL;
  g_autoptr(GHashTable) initech_after = NULL;
  g_autoptr(GHashTable) union_globex = NULL;
  g_autoptr(GHashTable) union_initech = NULL;
  g_auto(Feed) globex_feed = { 0 };
  g_auto(Feed) initech_feed = { 0 };
  gint64 globex_cursor = cursor_now (globex);
  gint64 initech_cursor = cursor_now (initech);
  GHashTableIter iter;
  gpointer key;
  guint moved_cases = 0;

  {
    g_autoptr(JsonObject) company = EXPECT (200, "GET", "/api/v1/company", initech, NULL);

    initech_customer = g_strdup (json_object_get_string_member (company, "id"));
  }
  body = g_strdup_printf ("{\"customer_id\":\"%s\"}", initech_customer);
  patch (admin, device_path, body);

  globex_after = all_visible (globex);
  initech_after = all_visible (initech);
  g_assert_false (g_hash_table_contains (globex_after, device_key));
  g_assert_true (g_hash_table_contains (initech_after, device_key));

  read_feed (globex, globex_cursor, 3, &globex_feed);
  read_feed (initech, initech_cursor, 3, &initech_feed);

  /* Globex: everything it saw and no longer sees arrives as a delete. */
  g_hash_table_iter_init (&iter, globex_before);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (globex_after, key))
      {
        if (!g_hash_table_contains (globex_feed.deletes, key))
          g_error ("Globex was not told that %s left its scope", (char *) key);
        moved_cases++;
      }
  g_assert_cmpuint (moved_cases, >, 1);  /* the device and at least one case or code */
  g_assert_true (g_hash_table_contains (globex_feed.deletes, device_key));

  /* Initech: everything new arrives as an upsert. */
  g_hash_table_iter_init (&iter, initech_after);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (initech_before, key))
      g_assert_true (g_hash_table_contains (initech_feed.upserts, key));

  /* Nobody learns of anything outside what they could see before or after. */
  union_globex = all_visible (globex);
  g_hash_table_iter_init (&iter, globex_before);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (union_globex, g_strdup (key));
  assert_subset (globex_feed.upserts, union_globex, "member@globex.test");
  assert_subset (globex_feed.deletes, union_globex, "member@globex.test");
  union_initech = all_visible (initech);
  g_hash_table_iter_init (&iter, initech_before);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (union_initech, g_strdup (key));
  assert_subset (initech_feed.upserts, union_initech, "member@initech.test");
  assert_subset (initech_feed.deletes, union_initech, "member@initech.test");
}

/* Writes Globex cannot see never show up in its feed, not even as deletes. */
static void
test_foreign_writes_stay_hidden (void)
{
  g_autofree char *admin = td_test_api_login (demo->api, "admin@acme.test");
  g_autofree char *globex = td_test_api_login (demo->api, "member@globex.test");
  g_autoptr(GHashTable) globex_tickets = visible_now (globex, "tickets");
  g_autoptr(GHashTable) admin_tickets = visible_now (admin, "tickets");
  g_auto(Feed) feed = { 0 };
  gint64 cursor = cursor_now (globex);
  GHashTableIter iter;
  gpointer key;
  guint written = 0;

  g_hash_table_iter_init (&iter, admin_tickets);
  while (g_hash_table_iter_next (&iter, &key, NULL) && written < 5)
    if (!g_hash_table_contains (globex_tickets, key))
      {
        const char *id = strchr (key, '/') + 1;
        g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%s", id);

        patch (admin, path, "{\"priority\":\"low\"}");
        written++;
      }
  g_assert_cmpuint (written, ==, 5);

  read_feed (globex, cursor, 100, &feed);
  g_assert_cmpuint (g_hash_table_size (feed.upserts), ==, 0);
  g_assert_cmpuint (g_hash_table_size (feed.deletes), ==, 0);
}

static void
test_delete_reaches_viewers (void)
{
  g_autofree char *admin = td_test_api_login (demo->api, "admin@acme.test");
  g_autofree char *globex = td_test_api_login (demo->api, "member@globex.test");
  g_autofree char *initech = td_test_api_login (demo->api, "member@initech.test");
  g_autofree char *label_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label_key = NULL;
  g_autoptr(TdApiRequest) req = NULL;
  g_autoptr(TdApiResponse) response = NULL;
  g_autofree char *if_match = NULL;
  g_auto(Feed) admin_feed = { 0 };
  g_auto(Feed) globex_feed = { 0 };
  gint64 admin_cursor = cursor_now (admin);
  gint64 globex_cursor = cursor_now (globex);

  /* A public label: every user of the tenant sees it. */
  {
    g_autoptr(JsonObject) created = EXPECT (201, "POST", "/api/v1/labels", admin,
                                            "{\"titles\":{\"en\":\"Feed test\"},\"color\":\"#336699\",\"visibility\":\"public\"}");

    label_id = g_strdup (json_object_get_string_member (created, "id"));
  }
  label_key = key_of ("label", label_id);
  path = g_strdup_printf ("/api/v1/labels/%s", label_id);

  {
    g_auto(Feed) feed = { 0 };

    read_feed (globex, globex_cursor, 100, &feed);
    g_assert_true (g_hash_table_contains (feed.upserts, label_key));
    globex_cursor = feed.next_since;
  }
  if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version_of (admin, path));
  req = td_api_request_new ("DELETE", path);
  req->authorization = g_strdup_printf ("Bearer %s", admin);
  req->if_match = g_strdup (if_match);
  response = td_api_dispatch (demo->api, req);
  g_assert_cmpuint (response->status, ==, 204);

  read_feed (admin, admin_cursor, 100, &admin_feed);
  read_feed (globex, globex_cursor, 100, &globex_feed);
  /* The admin never synced it: created and deleted since the cursor, so it may be named
   * as a delete (it was visible) but never as an upsert. */
  g_assert_false (g_hash_table_contains (admin_feed.upserts, label_key));
  g_assert_true (g_hash_table_contains (globex_feed.deletes, label_key));
  (void) initech;
}

static void
test_cursor_validity (void)
{
  g_autofree char *admin = td_test_api_login (demo->api, "admin@acme.test");
  g_autofree char *north = td_test_api_login (demo->api, "nora.north@acme.test");
  g_autofree char *globex = td_test_api_login (demo->api, "member@globex.test");
  gint64 north_cursor = cursor_now (north);
  gint64 globex_cursor = cursor_now (globex);
  g_autofree char *future = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT,
                                             north_cursor + 1000000);
  g_autofree char *north_path = NULL;
  g_autofree char *north_id = NULL;
  g_autofree char *globex_path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT,
                                                  globex_cursor);
  g_autofree char *north_changes = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT,
                                                    north_cursor);

  {
    g_autoptr(JsonObject) error = EXPECT (410, "GET", future, north, NULL);
    g_autoptr(JsonObject) me = EXPECT (200, "GET", "/api/v1/me", north, NULL);

    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (error, "error"),
                                                    "code"), ==, "resync_required");
    north_id = g_strdup (json_object_get_string_member (me, "id"));
  }

  /* Nora's departments change: her old cursor is void, Globex's is not. */
  north_path = g_strdup_printf ("/api/v1/employees/%s", north_id);
  patch (admin, north_path, "{\"departments\":[]}");
  {
    g_autoptr(JsonObject) gone = EXPECT (410, "GET", north_changes, north, NULL);
    g_autoptr(JsonObject) fine = EXPECT (200, "GET", globex_path, globex, NULL);
    g_autoptr(JsonObject) fresh = EXPECT (200, "GET", "/api/v1/changes?since=0&limit=1", north,
                                          NULL);
  }

  /* Retention: pruning up to now voids every older cursor; since=0 still works and still
   * holds every object. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *cutoff = g_strdup ("9999-01-01T00:00:00.000Z");
    TdDb *db = td_db_pool_acquire (demo->pool, &error);
    gint64 min_since = 0;
    guint64 pruned = 0;
    g_auto(Feed) feed = { 0 };
    g_autoptr(GHashTable) listed = all_visible (globex);

    g_assert_no_error (error);
    g_assert_true (td_changes_prune (db, cutoff, &min_since, &pruned, &error));
    g_assert_no_error (error);
    td_db_pool_release (demo->pool, db);
    g_test_message ("pruned %" G_GUINT64_FORMAT " rows, min_since %" G_GINT64_FORMAT,
                    pruned, min_since);
    g_assert_cmpuint (pruned, >, 0);
    g_assert_cmpint (min_since, >, globex_cursor);

    {
      g_autoptr(JsonObject) gone = EXPECT (410, "GET", globex_path, globex, NULL);
    }
    read_feed (globex, 0, 1000, &feed);
    g_assert_cmpuint (g_hash_table_size (feed.upserts), ==, g_hash_table_size (listed));
  }
}

/* The client's table of types and collections (td-collections.h) is the server's. */
static void
test_collections_table (void)
{
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);

  for (gsize d = 0; d < n_defs; d++)
    {
      g_assert_cmpstr (td_collection_for_type (defs[d]->type), ==, defs[d]->collection);
      g_assert_cmpstr (td_type_for_collection (defs[d]->collection), ==, defs[d]->type);
    }
  g_assert_null (td_collection_for_type ("ticket_message"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  demo = td_test_demo_api_new ("changes.db");

  g_test_add_func ("/changes/collections-table", test_collections_table);
  g_test_add_func ("/changes/initial-matches-lists", test_initial_matches_lists);
  g_test_add_func ("/changes/paging", test_paging);
  g_test_add_func ("/changes/foreign-writes-stay-hidden", test_foreign_writes_stay_hidden);
  g_test_add_func ("/changes/device-moves-company", test_device_moves_company);
  g_test_add_func ("/changes/delete-reaches-viewers", test_delete_reaches_viewers);
  g_test_add_func ("/changes/cursor-validity", test_cursor_validity);

  status = g_test_run ();
  td_test_demo_api_free (demo);
  return status;
}
