/* test-cache.c: the offline cache (TdCache), its list models and counts
 *
 * Every test runs with its own temporary XDG directories (G_TEST_OPTION_ISOLATE_DIRS).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "td-cache.h"
#include "td-cache-counts.h"
#include "td-cache-private.h"
#include "td-cache-item.h"
#include "td-cache-test.h"
#include "td-list-model.h"
#include "td-outbox.h"

static void
assert_title (TdCache    *cache,
              const char *id,
              const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = td_cache_get_object (cache, "ticket", id, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, title);
}

static void
test_path (void)
{
  g_autofree char *path = td_cache_build_path (TEST_SERVER, TEST_USER);
  g_autofree char *other_user = td_cache_build_path (TEST_SERVER, "someone-else");
  g_autofree char *other_server = td_cache_build_path ("https://other.example.test", TEST_USER);
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "twindesk", "cache", NULL);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpstr (parent, ==, dir);
  g_assert_cmpuint (strlen (base), ==, 64 + 3);
  g_assert_true (g_str_has_suffix (base, ".db"));
  /* Neither the server nor the user can be read from the name. */
  g_assert_null (strstr (path, "example"));
  g_assert_null (strstr (path, TEST_USER));
  g_assert_cmpstr (path, !=, other_user);
  g_assert_cmpstr (path, !=, other_server);
}

static void
test_apply_and_get (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(JsonArray) more = json_array_new ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Pump leaks", "open", 1);
  g_autoptr(JsonObject) b = td_test_ticket ("b", 1, "Fan noisy", "open", 2);
  g_autoptr(JsonObject) b2 = td_test_ticket ("b", 2, "Fan very noisy", "assigned", 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autofree char *path = NULL;
  struct stat st;

  g_assert_cmpint (td_cache_get_cursor (cache), ==, 0);
  td_test_add_upsert (changes, "ticket", a);
  td_test_add_upsert (changes, "ticket", b);
  g_assert_true (td_cache_apply_changes (cache, changes, 42, &error));
  g_assert_no_error (error);
  g_assert_cmpint (td_cache_get_cursor (cache), ==, 42);
  assert_title (cache, "a", "Pump leaks");
  assert_title (cache, "b", "Fan noisy");
  g_assert_cmpuint (td_cache_count_objects (cache, "ticket"), ==, 2);

  /* upserts replace, deletes remove */
  td_test_add_upsert (more, "ticket", b2);
  td_test_add_delete (more, "ticket", "a");
  td_test_add_delete (more, "ticket", "never-seen");
  g_assert_true (td_cache_apply_changes (cache, more, 45, &error));
  assert_title (cache, "b", "Fan very noisy");
  missing = td_cache_get_object (cache, "ticket", "a", &error);
  g_assert_null (missing);
  g_assert_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* It is on disk, readable by its owner only, and survives a restart. */
  path = g_strdup (td_cache_get_path (cache));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_clear_object (&cache);
  cache = td_test_cache_open ();
  g_assert_cmpint (td_cache_get_cursor (cache), ==, 45);
  assert_title (cache, "b", "Fan very noisy");
}

static void
test_invalid_page_is_atomic (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Pump leaks", "open", 1);
  g_autoptr(JsonObject) bad = json_object_new ();
  g_autoptr(GError) error = NULL;

  td_test_add_upsert (changes, "ticket", a);
  json_object_set_string_member (bad, "type", "ticket");
  json_object_set_string_member (bad, "op", "upsert");   /* no id, no object */
  json_array_add_object_element (changes, json_object_ref (bad));

  g_assert_false (td_cache_apply_changes (cache, changes, 9, &error));
  g_assert_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID);
  g_assert_cmpint (td_cache_get_cursor (cache), ==, 0);
  g_assert_cmpuint (td_cache_count_objects (cache, "ticket"), ==, 0);
}

static void
test_other_owner_never_read (void)
{
  g_autoptr(TdCache) mine = td_test_cache_open ();
  g_autoptr(TdCache) other_user = NULL;
  g_autoptr(TdCache) other_server = NULL;
  g_autoptr(TdCache) copied = NULL;
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Secret of user one", "open", 1);
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *other_path = NULL;
  gsize length;

  td_test_apply_one (mine, "ticket", a);

  other_user = td_cache_open (TEST_SERVER, "another-user", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (td_cache_get_path (other_user), !=, td_cache_get_path (mine));
  found = td_cache_get_object (other_user, "ticket", "a", NULL);
  g_assert_null (found);
  g_assert_cmpint (td_cache_get_cursor (other_user), ==, 0);

  other_server = td_cache_open ("https://evil.example.test", TEST_USER, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (td_cache_count_objects (other_server, "ticket"), ==, 0);

  /* A file copied to another owner's place is refused, not read. */
  g_clear_object (&mine);
  other_path = td_cache_build_path (TEST_SERVER, "third-user");
  {
    g_autofree char *source = td_cache_build_path (TEST_SERVER, TEST_USER);

    g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
    g_assert_true (g_file_set_contents (other_path, contents, length, NULL));
  }
  copied = td_cache_open (TEST_SERVER, "third-user", &error);
  g_assert_null (copied);
  g_assert_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_WRONG_OWNER);
}

static void
test_wipe (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Pump leaks", "open", 1);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;

  td_test_apply_one (cache, "ticket", a);
  json_object_set_string_member (changes, "title", "edited offline");
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", changes, &error));
  path = g_strdup (td_cache_get_path (cache));
  wal = g_strconcat (path, "-wal", NULL);
  shm = g_strconcat (path, "-shm", NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_assert_true (td_cache_wipe (cache, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_assert_false (td_cache_is_open (cache));
  gone = td_cache_get_object (cache, "ticket", "a", &error);
  g_assert_null (gone);
  g_assert_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_CLOSED);
  g_clear_error (&error);

  /* The next login starts from nothing. */
  g_clear_object (&cache);
  cache = td_test_cache_open ();
  g_assert_cmpuint (td_cache_count_objects (cache, "ticket"), ==, 0);
  g_assert_cmpuint (td_outbox_count (cache, TD_OUTBOX_STATE_PENDING), ==, 0);
}

static guint
search_count (TdCache    *cache,
              const char *type,
              const char *text)
{
  g_autoptr(TdListModel) model = td_list_model_new (cache, type);

  td_list_model_set_search (model, text);
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

static void
test_full_text (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Heat pump loses pressure", "open", 1);
  g_autoptr(JsonObject) b = td_test_ticket ("b", 1, "Fan is noisy", "open", 2);
  g_autoptr(JsonObject) device = json_object_new ();
  g_autoptr(JsonObject) b2 = td_test_ticket ("b", 2, "Fan replaced", "done", 3);
  g_autoptr(JsonArray) more = json_array_new ();

  json_object_set_string_member (a, "description", "Pressure drops to 0.5 bar overnight");
  json_object_set_string_member (device, "id", "d1");
  json_object_set_string_member (device, "name", "Heat Pump HP-300");
  json_object_set_string_member (device, "serial_number", "HP-200-0007");
  td_test_add_upsert (changes, "ticket", a);
  td_test_add_upsert (changes, "ticket", b);
  td_test_add_upsert (changes, "device", device);
  g_assert_true (td_cache_apply_changes (cache, changes, 3, NULL));

  g_assert_cmpuint (search_count (cache, "ticket", "pump"), ==, 1);
  g_assert_cmpuint (search_count (cache, "ticket", "PUMP pressure"), ==, 1);
  g_assert_cmpuint (search_count (cache, "ticket", "overnight"), ==, 1);   /* description */
  g_assert_cmpuint (search_count (cache, "ticket", "nois"), ==, 1);        /* prefix */
  g_assert_cmpuint (search_count (cache, "ticket", "pump fan"), ==, 0);    /* all words */
  g_assert_cmpuint (search_count (cache, "ticket", "  "), ==, 2);          /* no words */
  /* FTS5 syntax in user text is taken literally, never as an operator. */
  g_assert_cmpuint (search_count (cache, "ticket", "pump OR fan"), ==, 0);
  g_assert_cmpuint (search_count (cache, "ticket", "\"pump"), ==, 1);
  g_assert_cmpuint (search_count (cache, "ticket", "title:fan"), ==, 0);
  g_assert_cmpuint (search_count (cache, "ticket", "\" * - ^ NEAR("), ==, 0);
  g_assert_cmpuint (search_count (cache, "ticket", "pump -"), ==, 1);
  g_assert_cmpuint (search_count (cache, "device", "HP-200-0007"), ==, 1);
  g_assert_cmpuint (search_count (cache, "device", "HP-200-0008"), ==, 0);
  g_assert_cmpuint (search_count (cache, "device", "0007"), ==, 1);

  /* The index follows updates and deletes. */
  td_test_add_upsert (more, "ticket", b2);
  td_test_add_delete (more, "ticket", "a");
  g_assert_true (td_cache_apply_changes (cache, more, 5, NULL));
  g_assert_cmpuint (search_count (cache, "ticket", "noisy"), ==, 0);
  g_assert_cmpuint (search_count (cache, "ticket", "replaced"), ==, 1);
  g_assert_cmpuint (search_count (cache, "ticket", "pump"), ==, 0);
}

typedef struct
{
  char *type;
  char *ids;   /* sorted, comma-separated; "*" for NULL */
} Emission;

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
changed_cb (TdCache            *cache,
            const char         *type,
            const char * const *ids,
            GPtrArray          *emissions)
{
  Emission *e = g_new0 (Emission, 1);

  e->type = g_strdup (type);
  if (ids == NULL)
    e->ids = g_strdup ("*");
  else
    {
      g_auto(GStrv) sorted = g_strdupv ((char **) ids);

      qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_strings);
      e->ids = g_strjoinv (",", sorted);
    }
  g_ptr_array_add (emissions, e);
}

static void
emission_free (Emission *e)
{
  g_free (e->type);
  g_free (e->ids);
  g_free (e);
}

static const char *
emitted_ids (GPtrArray  *emissions,
             const char *type)
{
  for (guint i = 0; i < emissions->len; i++)
    {
      Emission *e = emissions->pdata[i];

      if (strcmp (e->type, type) == 0)
        return e->ids;
    }
  return NULL;
}

static void
test_changed_signal (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(GPtrArray) emissions = g_ptr_array_new_with_free_func ((GDestroyNotify) emission_free);
  g_autoptr(GPtrArray) tickets_only = g_ptr_array_new_with_free_func ((GDestroyNotify) emission_free);
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "A", "open", 1);
  g_autoptr(JsonObject) b = td_test_ticket ("b", 1, "B", "open", 2);
  g_autoptr(JsonObject) label = json_object_new ();
  g_autoptr(JsonObject) message = json_object_new ();

  g_signal_connect (cache, "changed", G_CALLBACK (changed_cb), emissions);
  g_signal_connect (cache, "changed::ticket", G_CALLBACK (changed_cb), tickets_only);
  json_object_set_string_member (label, "id", "l1");
  json_object_set_string_member (label, "name", "Urgent");
  json_object_set_string_member (message, "id", "m1");
  json_object_set_string_member (message, "body", "hello");
  td_test_add_upsert (changes, "ticket", a);
  td_test_add_upsert (changes, "label", label);
  td_test_add_upsert (changes, "ticket", b);
  td_test_add_delete (changes, "ticket", "c");
  td_test_add_upsert (changes, "ticket_message", message);   /* a type without a table */
  g_assert_true (td_cache_apply_changes (cache, changes, 5, NULL));

  g_assert_cmpuint (emissions->len, ==, 3);   /* once per type */
  g_assert_cmpstr (emitted_ids (emissions, "ticket"), ==, "a,b,c");
  g_assert_cmpstr (emitted_ids (emissions, "label"), ==, "l1");
  g_assert_cmpstr (emitted_ids (emissions, "ticket_message"), ==, "m1");
  g_assert_cmpuint (tickets_only->len, ==, 1);
  g_assert_false (td_cache_type_is_known ("ticket_message"));
  g_assert_cmpuint (td_cache_count_objects (cache, "ticket_message"), ==, 1);
  g_assert_cmpuint (td_cache_count_objects (cache, "attachment"), ==, 0);
}

static void
test_resync_keeps_outbox (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Pump leaks", "open", 1);
  g_autoptr(JsonObject) b = td_test_ticket ("b", 1, "Fan noisy", "open", 2);
  g_autoptr(JsonObject) local = json_object_new ();
  g_autoptr(JsonObject) edit = json_object_new ();
  g_autoptr(JsonObject) a_again = td_test_ticket ("a", 2, "Pump leaks (server)", "open", 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *local_id = NULL;
  g_autoptr(JsonObject) gone = NULL;

  td_test_apply_one (cache, "ticket", a);
  td_test_apply_one (cache, "ticket", b);
  json_object_set_string_member (local, "title", "Created offline");
  local_id = td_outbox_enqueue_create (cache, "ticket", local, &error);
  g_assert_no_error (error);
  json_object_set_string_member (edit, "status", "done");
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, &error));

  td_cache_reset_for_resync (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpint (td_cache_get_cursor (cache), ==, 0);
  g_assert_cmpuint (td_outbox_count (cache, TD_OUTBOX_STATE_PENDING), ==, 2);
  gone = td_cache_get_object (cache, "ticket", "b", NULL);
  g_assert_null (gone);
  assert_title (cache, local_id, "Created offline");
  g_assert_cmpuint (search_count (cache, "ticket", "fan"), ==, 0);

  /* The full sync brings "a" back, with the local edit still on top. */
  td_test_apply_one (cache, "ticket", a_again);
  {
    g_autoptr(JsonObject) now = td_cache_get_object (cache, "ticket", "a", NULL);

    g_assert_cmpstr (json_object_get_string_member (now, "title"), ==, "Pump leaks (server)");
    g_assert_cmpstr (json_object_get_string_member (now, "status"), ==, "done");
  }
}

static void
test_bulk_load (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) emissions = g_ptr_array_new_with_free_func ((GDestroyNotify) emission_free);
  g_autoptr(TdListModel) labelled = NULL;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%02u", i);
      g_autoptr(JsonObject) t = td_test_ticket (id, 1, i % 2 ? "Pump" : "Fan", "open", i);

      json_array_add_string_element (json_object_get_array_member (t, "labels"), "l1");
      td_test_add_upsert (changes, "ticket", t);
    }
  g_assert_true (td_cache_begin_bulk (cache, &error));
  g_assert_no_error (error);
  g_assert_true (td_cache_in_bulk (cache));
  g_assert_true (td_cache_apply_changes (cache, changes, 50, &error));
  td_test_add_delete (changes, "ticket", "t00");
  g_assert_true (td_cache_apply_changes (cache, changes, 51, &error));

  /* A bulk load cut short is finished when the cache opens again. */
  g_clear_object (&cache);
  cache = td_test_cache_open ();
  g_assert_false (td_cache_in_bulk (cache));
  g_assert_cmpuint (search_count (cache, "ticket", "pump"), ==, 25);
  g_assert_cmpuint (search_count (cache, "ticket", "fan"), ==, 24);

  g_assert_true (td_cache_begin_bulk (cache, &error));
  g_signal_connect (cache, "changed", G_CALLBACK (changed_cb), emissions);
  g_assert_true (td_cache_end_bulk (cache, &error));
  g_assert_cmpstr (emitted_ids (emissions, "ticket"), ==, "*");
  labelled = td_list_model_new (cache, "ticket");
  g_assert_true (td_list_model_set_filter (labelled, "labels", "l1"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (labelled)), ==, 49);
  /* and the triggers are back: an ordinary page keeps the index current */
  {
    g_autoptr(JsonObject) t = td_test_ticket ("t01", 2, "Boiler", "open", 1);

    td_test_apply_one (cache, "ticket", t);
    g_assert_cmpuint (search_count (cache, "ticket", "pump"), ==, 24);
    g_assert_cmpuint (search_count (cache, "ticket", "boiler"), ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (labelled)), ==, 48);
  }
}

/* ---- list models ---- */

static void
fill_tickets (TdCache *cache,
              guint    n)
{
  g_autoptr(JsonArray) changes = json_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%04u", i);
      g_autofree char *title = g_strdup_printf ("Ticket %u %s", i, i % 2 ? "odd" : "even");
      g_autoptr(JsonObject) t = td_test_ticket (id, 1, title, i % 3 ? "open" : "closed", i);
      JsonArray *labels = json_object_get_array_member (t, "labels");

      json_object_set_int_member (t, "number", i + 1);
      if (i % 10 == 0)
        json_array_add_string_element (labels, "label-ten");
      td_test_add_upsert (changes, "ticket", t);
    }
  g_assert_true (td_cache_apply_changes (cache, changes, n, NULL));
}

static const char *
id_at (GListModel *model,
       guint       position)
{
  g_autoptr(TdCacheItem) item = g_list_model_get_item (model, position);
  static char buffer[64];

  g_assert_nonnull (item);
  g_strlcpy (buffer, td_cache_item_get_id (item), sizeof buffer);
  return buffer;
}

static void
test_model_windows_and_sort (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(TdListModel) model = NULL;
  GListModel *list;
  g_autoptr(TdCacheItem) item = NULL;
  g_autoptr(TdCacheItem) again = NULL;

  fill_tickets (cache, 1000);
  model = td_list_model_new (cache, "ticket");
  list = G_LIST_MODEL (model);
  g_assert_true (g_list_model_get_item_type (list) == TD_TYPE_CACHE_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1000);
  g_assert_cmpuint (td_list_model_get_window_loads (model), ==, 0);   /* lazy */

  /* newest first */
  item = g_list_model_get_item (list, 0);
  g_assert_cmpstr (td_cache_item_get_id (item), ==, "t0999");
  g_assert_cmpstr (td_cache_item_get_title (item), ==, "Ticket 999 odd");
  g_assert_cmpstr (td_cache_item_get_status (item), ==, "closed");
  g_assert_cmpint (td_cache_item_get_version (item), ==, 1);
  g_assert_cmpint (json_object_get_int_member (td_cache_item_get_object (item), "number"),
                   ==, 1000);
  g_assert_cmpstr (id_at (list, 199), ==, "t0800");
  g_assert_cmpuint (td_list_model_get_window_loads (model), ==, 1);
  g_assert_cmpstr (id_at (list, 200), ==, "t0799");
  g_assert_cmpstr (id_at (list, 999), ==, "t0000");
  g_assert_cmpuint (td_list_model_get_window_loads (model), ==, 2 + 1);
  g_assert_null (g_list_model_get_item (list, 1000));
  /* A loaded window is reused */
  again = g_list_model_get_item (list, 0);
  g_assert_true (again == item);
  g_assert_cmpuint (td_list_model_get_window_loads (model), ==, 3);

  g_assert_true (td_list_model_set_sort (model, "number", FALSE));
  g_assert_cmpstr (id_at (list, 0), ==, "t0000");
  g_assert_cmpstr (id_at (list, 500), ==, "t0500");
  g_assert_true (td_list_model_set_sort (model, "title", TRUE));
  g_assert_cmpstr (id_at (list, 0), ==, "t0999");   /* "Ticket 999 odd" */
  g_assert_false (td_list_model_set_sort (model, "json", TRUE));
  g_assert_false (td_list_model_set_sort (model, "title; DROP TABLE tickets", TRUE));

  /* Jump far, then walk through all: the LRU keeps memory bounded and answers stay right. */
  for (guint i = 0; i < 1000; i += 37)
    {
      g_autoptr(TdCacheItem) walk = g_list_model_get_item (list, i);

      g_assert_nonnull (walk);
    }
}

static void
test_model_filter_and_search (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(TdListModel) model = NULL;
  GListModel *list;

  fill_tickets (cache, 300);
  model = td_list_model_new (cache, "ticket");
  list = G_LIST_MODEL (model);

  g_assert_true (td_list_model_set_filter (model, "status", "closed"));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 100);
  g_assert_cmpstr (id_at (list, 0), ==, "t0297");
  g_assert_true (td_list_model_set_filter (model, "labels", "label-ten"));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 10);   /* multiples of 30 */
  g_assert_cmpstr (id_at (list, 0), ==, "t0270");
  td_list_model_set_search (model, "even");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 10);
  td_list_model_set_search (model, "odd");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_assert_true (td_list_model_set_filter (model, "labels", NULL));
  g_assert_true (td_list_model_set_filter (model, "status", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 150);
  g_assert_true (td_list_model_set_filter (model, "number", "42"));   /* "Ticket 41 odd" */
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_true (td_list_model_set_filter (model, "number", "43"));   /* "Ticket 42 even" */
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);

  g_assert_false (td_list_model_set_filter (model, "json", "x"));
  g_assert_false (td_list_model_set_filter (model, "status = status OR 1", "x"));
}

/* Mirrors a model through its items-changed signals; after every change the mirror must
 * equal a fresh read of the same query. */
typedef struct
{
  GListModel *model;
  GPtrArray  *ids;
  guint       emissions;
  guint       last_position;
  guint       last_removed;
  guint       last_added;
} Mirror;

static void
mirror_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Mirror     *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->ids->len);
  g_ptr_array_remove_range (mirror->ids, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(TdCacheItem) item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (mirror->ids, position + i, g_strdup (td_cache_item_get_id (item)));
    }
  g_assert_cmpuint (mirror->ids->len, ==, g_list_model_get_n_items (model));
  mirror->emissions++;
  mirror->last_position = position;
  mirror->last_removed = removed;
  mirror->last_added = added;
}

static void
mirror_init (Mirror     *mirror,
             GListModel *model)
{
  mirror->model = model;
  mirror->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (mirror->ids, g_strdup (id_at (model, i)));
  g_signal_connect (model, "items-changed", G_CALLBACK (mirror_items_changed_cb), mirror);
}

static void
mirror_check (Mirror  *mirror,
              TdCache *cache,
              const char *status)
{
  g_autoptr(TdListModel) fresh = td_list_model_new (cache, "ticket");

  if (status != NULL)
    td_list_model_set_filter (fresh, "status", status);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fresh)), ==, mirror->ids->len);
  for (guint i = 0; i < mirror->ids->len; i++)
    {
      g_autoptr(TdCacheItem) a = g_list_model_get_item (G_LIST_MODEL (fresh), i);
      g_autoptr(TdCacheItem) b = g_list_model_get_item (mirror->model, i);

      g_assert_cmpstr (td_cache_item_get_id (a), ==, mirror->ids->pdata[i]);
      /* and the model hands out current content, not a stale window */
      g_assert_cmpstr (td_cache_item_get_title (a), ==, td_cache_item_get_title (b));
      g_assert_cmpstr (td_cache_item_get_status (a), ==, td_cache_item_get_status (b));
    }
}

#define ASSERT_LAST(m, p, r, a) G_STMT_START { \
    g_assert_cmpuint ((m)->last_position, ==, (p)); \
    g_assert_cmpuint ((m)->last_removed, ==, (r)); \
    g_assert_cmpuint ((m)->last_added, ==, (a)); } G_STMT_END

static void
test_model_items_changed (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(TdListModel) model = NULL;
  g_autoptr(TdListModel) open_only = NULL;
  Mirror mirror = { 0 };
  Mirror open_mirror = { 0 };

  fill_tickets (cache, 500);
  model = td_list_model_new (cache, "ticket");
  open_only = td_list_model_new (cache, "ticket");
  td_list_model_set_filter (open_only, "status", "open");
  mirror_init (&mirror, G_LIST_MODEL (model));
  mirror_init (&open_mirror, G_LIST_MODEL (open_only));
  /* load some windows so that stale content would show */
  g_assert_cmpstr (id_at (G_LIST_MODEL (model), 450), ==, "t0049");

  /* A title changes, the position does not: exactly that row. */
  {
    g_autoptr(JsonObject) t = td_test_ticket ("t0049", 2, "Renamed", "open", 49);

    td_test_apply_one (cache, "ticket", t);
    g_assert_cmpuint (mirror.emissions, ==, 1);
    ASSERT_LAST (&mirror, 450, 1, 1);
    mirror_check (&mirror, cache, NULL);
    mirror_check (&open_mirror, cache, "open");
  }
  /* It is updated again and moves to the top: the range it crossed. */
  {
    g_autoptr(JsonObject) t = td_test_ticket ("t0049", 3, "Renamed again", "open", 1000);

    td_test_apply_one (cache, "ticket", t);
    ASSERT_LAST (&mirror, 0, 451, 451);
    mirror_check (&mirror, cache, NULL);
    mirror_check (&open_mirror, cache, "open");
  }
  /* A new ticket at the top; one deleted in the middle. */
  {
    g_autoptr(JsonObject) t = td_test_ticket ("new", 1, "New one", "open", 2000);
    g_autoptr(JsonArray) changes = json_array_new ();

    td_test_apply_one (cache, "ticket", t);
    ASSERT_LAST (&mirror, 0, 0, 1);
    td_test_add_delete (changes, "ticket", "t0100");
    g_assert_true (td_cache_apply_changes (cache, changes, 1, NULL));
    ASSERT_LAST (&mirror, 401, 1, 0);
    mirror_check (&mirror, cache, NULL);
    mirror_check (&open_mirror, cache, "open");
  }
  /* A closed ticket changes: the open list hears nothing. */
  {
    g_autoptr(JsonObject) t = td_test_ticket ("t0003", 2, "Still closed", "closed", 3);
    guint before = open_mirror.emissions;

    td_test_apply_one (cache, "ticket", t);
    g_assert_cmpuint (open_mirror.emissions, ==, before);
    mirror_check (&mirror, cache, NULL);
    mirror_check (&open_mirror, cache, "open");
  }
  /* A closed ticket is reopened: it enters the open list. */
  {
    g_autoptr(JsonObject) t = td_test_ticket ("t0006", 2, "Reopened", "open", 6);

    td_test_apply_one (cache, "ticket", t);
    g_assert_cmpuint (open_mirror.last_removed, ==, 0);
    g_assert_cmpuint (open_mirror.last_added, ==, 1);
    mirror_check (&open_mirror, cache, "open");
  }
  /* Local edits through the outbox are changes too. */
  {
    g_autoptr(JsonObject) edit = json_object_new ();

    json_object_set_string_member (edit, "status", "closed");
    g_assert_true (td_outbox_enqueue_update (cache, "ticket", "t0007", edit, NULL));
    mirror_check (&mirror, cache, NULL);
    mirror_check (&open_mirror, cache, "open");
    g_assert_true (td_outbox_enqueue_delete (cache, "ticket", "t0008", NULL));
    mirror_check (&mirror, cache, NULL);
    mirror_check (&open_mirror, cache, "open");
  }
  /* A big mixed page */
  {
    g_autoptr(JsonArray) changes = json_array_new ();

    for (guint i = 200; i < 260; i++)
      {
        g_autofree char *id = g_strdup_printf ("t%04u", i);

        if (i % 4 == 0)
          td_test_add_delete (changes, "ticket", id);
        else
          {
            g_autoptr(JsonObject) t = td_test_ticket (id, 5, "Bulk", i % 2 ? "open" : "closed",
                                                      3000 + (i * 7919) % 500);

            td_test_add_upsert (changes, "ticket", t);
          }
      }
    g_assert_true (td_cache_apply_changes (cache, changes, 1, NULL));
    mirror_check (&mirror, cache, NULL);
    mirror_check (&open_mirror, cache, "open");
  }
  /* Resync: everything goes. */
  g_assert_true (td_cache_reset_for_resync (cache, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1 - 1);
  g_assert_cmpuint (mirror.ids->len, ==, 0);

  g_ptr_array_unref (mirror.ids);
  g_ptr_array_unref (open_mirror.ids);
}

/* Past the diff limit: windows by OFFSET, and every change a reset that stays correct. */
static void
test_model_long_list (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(TdListModel) model = NULL;
  Mirror mirror = { 0 };

  fill_tickets (cache, 500);
  model = td_list_model_new (cache, "ticket");
  td_list_model_set_diff_limit (model, 100);
  mirror_init (&mirror, G_LIST_MODEL (model));
  mirror_check (&mirror, cache, NULL);
  g_assert_cmpstr (id_at (G_LIST_MODEL (model), 0), ==, "t0499");
  g_assert_cmpstr (id_at (G_LIST_MODEL (model), 250), ==, "t0249");
  g_assert_cmpstr (id_at (G_LIST_MODEL (model), 499), ==, "t0000");

  {
    g_autoptr(JsonObject) t = td_test_ticket ("t0049", 2, "Renamed", "open", 1000);
    g_autoptr(JsonArray) changes = json_array_new ();

    td_test_apply_one (cache, "ticket", t);
    ASSERT_LAST (&mirror, 0, 500, 500);
    mirror_check (&mirror, cache, NULL);
    td_test_add_delete (changes, "ticket", "t0300");
    g_assert_true (td_cache_apply_changes (cache, changes, 1, NULL));
    ASSERT_LAST (&mirror, 0, 500, 499);
    mirror_check (&mirror, cache, NULL);
  }
  /* Filtered down below the limit, the same model diffs precisely again. */
  td_list_model_set_filter (model, "labels", "label-ten");
  g_assert_cmpuint (mirror.ids->len, ==, 49);
  {
    g_autoptr(JsonObject) t = td_test_ticket ("t0010", 2, "Labelled, renamed", "open", 10);
    guint position = G_MAXUINT;

    json_array_add_string_element (json_object_get_array_member (t, "labels"), "label-ten");
    for (guint i = 0; i < mirror.ids->len; i++)
      if (g_strcmp0 (mirror.ids->pdata[i], "t0010") == 0)
        position = i;
    g_assert_cmpuint (position, ==, 47);
    td_test_apply_one (cache, "ticket", t);
    ASSERT_LAST (&mirror, position, 1, 1);
    g_assert_cmpstr (id_at (G_LIST_MODEL (model), position), ==, "t0010");
  }
  g_ptr_array_unref (mirror.ids);
}

/* ---- long lists: anchors, keyset windows and the search's match set ---- */

#define VARIED 3400   /* 17 windows: more than the 16 the model keeps */

/* Tickets whose sort keys tie (updated_at in threes, titles in twelves, every created_at
 * alike), are NULL (no title, priority or number) or of mixed types (a number that is a
 * string), with searchable words of several terms ("pump", "pumps", "pumping"). Many at
 * once as a bulk load (quicker, above all under the sanitizers). */
static void
fill_varied (TdCache *cache,
             guint    first,
             guint    n)
{
  gboolean bulk = n > 100 && !td_cache_in_bulk (cache);

  static const char * const priorities[] = { "low", "normal", "high" };
  static const char * const words[] = { "pump", "pumps", "pumping station", "valve" };
  g_autoptr(JsonArray) changes = json_array_new ();

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *id = g_strdup_printf ("v%05u", i);
      g_autofree char *title = g_strdup_printf ("Title %03u", i % 400);
      g_autofree char *description = g_strdup_printf ("The %s, serial SN-%04u", words[i % 4], i);
      g_autoptr(JsonObject) t = td_test_ticket (id, 1, title, i % 3 ? "open" : "closed", i / 3);

      if (i % 7 == 0)
        json_object_remove_member (t, "title");
      if (i % 5 == 0)
        json_object_remove_member (t, "priority");
      else
        json_object_set_string_member (t, "priority", priorities[i % 3]);
      if (i % 11 == 0)
        {
          g_autofree char *number = g_strdup_printf ("n%u", i);

          json_object_set_string_member (t, "number", number);
        }
      else if (i % 13 != 0)
        json_object_set_int_member (t, "number", i + 1);
      json_object_set_string_member (t, "description", description);
      if (i % 10 == 0)
        json_array_add_string_element (json_object_get_array_member (t, "labels"), "label-ten");
      td_test_add_upsert (changes, "ticket", t);
    }
  if (bulk)
    g_assert_true (td_cache_begin_bulk (cache, NULL));
  g_assert_true (td_cache_apply_changes (cache, changes, first + n, NULL));
  if (bulk)
    g_assert_true (td_cache_end_bulk (cache, NULL));
}

typedef struct
{
  const char *sort;
  gboolean    descending;
  const char *status;
  const char *label;
  const char *search;
} ListSpec;

static TdListModel *
list_new (TdCache        *cache,
          const ListSpec *spec,
          guint           diff_limit)
{
  TdListModel *model = td_list_model_new (cache, "ticket");

  if (diff_limit > 0)
    td_list_model_set_diff_limit (model, diff_limit);
  if (spec->sort != NULL)
    g_assert_true (td_list_model_set_sort (model, spec->sort, spec->descending));
  if (spec->status != NULL)
    g_assert_true (td_list_model_set_filter (model, "status", spec->status));
  if (spec->label != NULL)
    g_assert_true (td_list_model_set_filter (model, "labels", spec->label));
  if (spec->search != NULL)
    td_list_model_set_search (model, spec->search);
  return model;
}

/* The ids of the list in order, read row by row from the start: a short list's order. */
static GPtrArray *
ids_in_order (GListModel *model)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (ids, g_strdup (id_at (model, i)));
  return ids;
}

/* Every row of @model, window by window in a scattered order (jumps, each window read from
 * its end), must be @expected's. */
static void
assert_scattered (GListModel *model,
                  GPtrArray  *expected)
{
  guint n = g_list_model_get_n_items (model);
  guint windows = (n + TD_LIST_MODEL_WINDOW - 1) / TD_LIST_MODEL_WINDOW;
  /* a stride prime to the number of windows: each window once */
  guint stride = windows % 7 != 0 ? 7 : 11;

  g_assert_cmpuint (n, ==, expected->len);
  for (guint k = 0; k < windows; k++)
    {
      guint w = (k * stride + windows / 2) % windows;
      guint first = w * TD_LIST_MODEL_WINDOW;
      guint last = MIN (n, first + TD_LIST_MODEL_WINDOW);

      for (guint i = last; i-- > first;)
        g_assert_cmpstr (id_at (model, i), ==, expected->pdata[i]);
    }
}

/* @model must list what a short list of @spec lists now. */
static void
assert_as_fresh (TdCache        *cache,
                 const ListSpec *spec,
                 TdListModel    *model)
{
  g_autoptr(TdListModel) reference = list_new (cache, spec, 0);
  g_autoptr(GPtrArray) expected = ids_in_order (G_LIST_MODEL (reference));

  assert_scattered (G_LIST_MODEL (model), expected);
}

/* A long list (diff limit 100) must equal the short list of the same query: first while
 * its anchors are being read, then from its anchors alone. */
static void
assert_long_list (TdCache        *cache,
                  const ListSpec *spec)
{
  g_autoptr(TdListModel) reference = list_new (cache, spec, 0);
  g_autoptr(TdListModel) model = list_new (cache, spec, 100);
  g_autoptr(GPtrArray) expected = ids_in_order (G_LIST_MODEL (reference));
  guint64 skipped;
  guint loads;

  g_test_message ("sort %s%s, status %s, label %s, search %s: %u rows", spec->sort,
                  spec->descending ? " descending" : "", spec->status, spec->label,
                  spec->search, expected->len);
  g_assert_cmpuint (expected->len, >, 100);
  assert_scattered (G_LIST_MODEL (model), expected);
  g_assert_true (td_list_model_wait_for_anchors (model));
  skipped = td_list_model_get_rows_skipped (model);
  loads = td_list_model_get_window_loads (model);
  assert_scattered (G_LIST_MODEL (model), expected);
  /* The model keeps 16 windows: the others came back, by keyset alone. */
  if (expected->len > 16 * TD_LIST_MODEL_WINDOW)
    g_assert_cmpuint (td_list_model_get_window_loads (model), >, loads);
  g_assert_cmpuint (td_list_model_get_rows_skipped (model), ==, skipped);
}

static void
test_model_anchors_sorts (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  static const char * const sorts[] = { "updated_at", "title", "number", "priority",
                                        "created_at", NULL };

  fill_varied (cache, 0, VARIED);
  for (guint i = 0; sorts[i] != NULL; i++)
    for (guint descending = 0; descending < 2; descending++)
      {
        ListSpec spec = { sorts[i], descending, NULL, NULL, NULL };

        assert_long_list (cache, &spec);
      }
}

static void
test_model_anchors_filters_and_search (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  static const ListSpec specs[] = {
    { "updated_at", TRUE, "open", NULL, NULL },      /* the (status, updated_at) index */
    { "title", FALSE, "open", NULL, NULL },          /* a walk that reads the table */
    { "priority", TRUE, "open", NULL, "pump" },
    { "title", TRUE, NULL, NULL, "pump" },           /* many matches: the match set */
    { "number", FALSE, NULL, NULL, "pum" },
    { "updated_at", TRUE, NULL, NULL, "serial pumping" },
    { "title", FALSE, NULL, "label-ten", NULL },
    { "number", TRUE, "closed", NULL, "sn" },
  };

  /* enough for more windows than the model keeps after most filters */
  fill_varied (cache, 0, 2 * VARIED);
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    assert_long_list (cache, &specs[i]);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *resets)
{
  g_assert_cmpuint (position, ==, 0);
  (*resets)++;
}

/* Rows inserted, deleted and moved in the middle: the long list resets, reads new anchors,
 * and never answers from the old ones. */
static void
test_model_anchors_after_changes (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  ListSpec spec = { "title", FALSE, NULL, NULL, NULL };
  g_autoptr(TdListModel) model = NULL;
  guint resets = 0;

  fill_varied (cache, 0, VARIED);
  model = list_new (cache, &spec, 100);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &resets);
  g_assert_true (td_list_model_wait_for_anchors (model));
  g_assert_cmpstr (id_at (G_LIST_MODEL (model), 2600), !=, NULL);

  /* new rows among the middle titles */
  fill_varied (cache, 100000, 30);
  g_assert_cmpuint (resets, ==, 1);
  {
    g_autoptr(JsonArray) changes = json_array_new ();

    for (guint i = 2000; i < 2040; i += 2)
      {
        g_autofree char *id = g_strdup_printf ("v%05u", i);

        td_test_add_delete (changes, "ticket", id);
      }
    g_assert_true (td_cache_apply_changes (cache, changes, 1, NULL));
  }
  g_assert_cmpuint (resets, ==, 2);
  for (guint i = 3000; i < 3004; i++)
    {
      g_autofree char *id = g_strdup_printf ("v%05u", i);
      g_autoptr(JsonObject) t = td_test_ticket (id, 2, i % 2 ? "AAA first" : "Title 200 moved",
                                                "open", 1);

      td_test_apply_one (cache, "ticket", t);
    }
  g_assert_cmpuint (resets, ==, 6);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, VARIED + 30 - 20);
  assert_long_list (cache, &spec);
  assert_as_fresh (cache, &spec, model);
  g_assert_true (td_list_model_wait_for_anchors (model));
  assert_as_fresh (cache, &spec, model);

  /* another sort, then a filter and a search on the same model */
  g_assert_true (td_list_model_set_sort (model, "updated_at", TRUE));
  spec.sort = "updated_at";
  spec.descending = TRUE;
  assert_as_fresh (cache, &spec, model);
  g_assert_true (td_list_model_set_filter (model, "status", "open"));
  td_list_model_set_search (model, "pumps");
  spec.status = "open";
  spec.search = "pumps";
  assert_as_fresh (cache, &spec, model);
  g_assert_true (td_list_model_wait_for_anchors (model));
  assert_as_fresh (cache, &spec, model);
}

/* A change outside a long list leaves it as it is, anchors included; one inside resets it. */
static void
test_model_long_list_untouched (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  ListSpec spec = { "title", FALSE, "open", NULL, NULL };
  g_autoptr(TdListModel) model = NULL;
  guint resets = 0;
  guint64 skipped;

  fill_varied (cache, 0, VARIED / 2);
  model = list_new (cache, &spec, 100);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &resets);
  g_assert_true (td_list_model_wait_for_anchors (model));
  skipped = td_list_model_get_rows_skipped (model);

  /* closed tickets (every third) renamed, deleted, added */
  {
    g_autoptr(JsonObject) renamed = td_test_ticket ("v00003", 2, "Title 000", "closed", 1);
    g_autoptr(JsonObject) added = td_test_ticket ("added", 1, "Title 100", "closed", 2);
    g_autoptr(JsonArray) changes = json_array_new ();

    td_test_add_upsert (changes, "ticket", renamed);
    td_test_add_upsert (changes, "ticket", added);
    td_test_add_delete (changes, "ticket", "v00006");
    g_assert_true (td_cache_apply_changes (cache, changes, 1, NULL));
  }
  g_assert_cmpuint (resets, ==, 0);
  assert_as_fresh (cache, &spec, model);
  g_assert_cmpuint (td_list_model_get_rows_skipped (model), ==, skipped);

  /* one closed ticket reopened, another one closed: as many rows as before, yet others */
  {
    g_autoptr(JsonObject) reopened = td_test_ticket ("v00009", 2, "Title 009", "open", 3);
    g_autoptr(JsonObject) closed = td_test_ticket ("v00010", 2, "Title 010", "closed", 3);
    g_autoptr(JsonArray) changes = json_array_new ();

    td_test_add_upsert (changes, "ticket", reopened);
    td_test_add_upsert (changes, "ticket", closed);
    g_assert_true (td_cache_apply_changes (cache, changes, 1, NULL));
  }
  g_assert_cmpuint (resets, ==, 1);
  assert_as_fresh (cache, &spec, model);

  /* an open ticket closed: no changed row is in the list, but one left it */
  {
    g_autoptr(JsonObject) closed = td_test_ticket ("v00011", 2, "Title 011", "closed", 3);

    td_test_apply_one (cache, "ticket", closed);
  }
  g_assert_cmpuint (resets, ==, 2);
  assert_as_fresh (cache, &spec, model);
}

/* Without the worker (a transaction is open on the cache's connection, whose view the
 * worker's snapshot would not share), windows come by OFFSET from learnt anchors. */
static void
test_model_anchors_by_offset (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  ListSpec spec = { "priority", FALSE, NULL, NULL, NULL };
  g_autoptr(TdListModel) model = NULL;

  fill_varied (cache, 0, VARIED / 2);
  model = list_new (cache, &spec, 100);
  g_assert_true (td_cache_begin (cache, NULL));
  assert_as_fresh (cache, &spec, model);
  g_assert_cmpuint (td_list_model_get_rows_skipped (model), >, 0);
  g_assert_true (td_cache_commit (cache, NULL));
  g_assert_true (td_list_model_wait_for_anchors (model));
}

/* A search finds what the plain prefix query (each word "…"*) finds, whether the model
 * names a word's terms or not. */
static void
test_model_search_terms (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  static const char * const texts[] = {
    "pump", "pum", "PUMPS", "pumping", "p", "1", "12", "serial pump", "pump -", "– pump",
    "- –", "sn-0042", "SN-00", "valve pump", "station", "nothing", "pump nothing", "title 2",
    "ticket", "\"pump", "pump*", NULL,
  };

  fill_varied (cache, 0, VARIED / 2);
  for (guint i = 0; texts[i] != NULL; i++)
    {
      g_autofree char *plain = td_list_model_build_match (texts[i]);
      g_autoptr(TdListModel) model = td_list_model_new (cache, "ticket");
      g_autoptr(TdListModel) long_list = td_list_model_new (cache, "ticket");
      sqlite3_stmt *stmt;
      guint expected = VARIED / 2;

      if (plain != NULL)
        {
          stmt = td_cache_statement (cache, "SELECT count(*) FROM tickets_fts"
                                            " WHERE tickets_fts MATCH ?", NULL);
          g_assert_nonnull (stmt);
          sqlite3_bind_text (stmt, 1, plain, -1, SQLITE_STATIC);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          expected = (guint) sqlite3_column_int64 (stmt, 0);
          sqlite3_reset (stmt);
        }
      g_test_message ("%s: %u rows", texts[i], expected);
      td_list_model_set_search (model, texts[i]);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, expected);
      /* and with the match set of a long list */
      td_list_model_set_diff_limit (long_list, 10);
      td_list_model_set_search (long_list, texts[i]);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (long_list)), ==, expected);
      if (expected > 0)
        {
          g_autoptr(TdCacheItem) a = g_list_model_get_item (G_LIST_MODEL (model), expected - 1);
          g_autoptr(TdCacheItem) b = g_list_model_get_item (G_LIST_MODEL (long_list), expected - 1);

          g_assert_cmpstr (td_cache_item_get_id (a), ==, td_cache_item_get_id (b));
        }
    }
}

/* A worker still reading when the cache is wiped or the model goes. */
static void
test_model_anchors_stop (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  ListSpec spec = { "title", TRUE, NULL, NULL, NULL };
  g_autoptr(TdListModel) model = NULL;
  g_autoptr(TdListModel) other = NULL;

  fill_varied (cache, 0, VARIED / 2);
  model = list_new (cache, &spec, 100);
  other = list_new (cache, &spec, 100);
  g_assert_nonnull (id_at (G_LIST_MODEL (model), 1500));    /* a jump: the worker starts */
  g_assert_nonnull (id_at (G_LIST_MODEL (other), 1500));
  g_clear_object (&other);
  g_assert_true (td_cache_wipe (cache, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_false (td_list_model_wait_for_anchors (model));
}

/* During a bulk load no worker runs; the long list is still right. */
static void
test_model_anchors_bulk (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  ListSpec spec = { "number", TRUE, NULL, NULL, NULL };
  g_autoptr(TdListModel) reference = NULL;
  g_autoptr(TdListModel) model = NULL;
  g_autoptr(GPtrArray) expected = NULL;

  g_assert_true (td_cache_begin_bulk (cache, NULL));
  fill_varied (cache, 0, VARIED / 2);
  reference = list_new (cache, &spec, 0);
  expected = ids_in_order (G_LIST_MODEL (reference));
  model = list_new (cache, &spec, 100);
  assert_scattered (G_LIST_MODEL (model), expected);
  g_assert_false (td_list_model_wait_for_anchors (model));
  g_assert_true (td_cache_end_bulk (cache, NULL));
  /* end_bulk said "changed": new anchors, with a worker */
  assert_scattered (G_LIST_MODEL (model), expected);
  g_assert_true (td_list_model_wait_for_anchors (model));
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_counts (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(TdCacheCounts) counts = td_cache_counts_new (cache);
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "A", "open", 1);
  g_autoptr(JsonObject) edit = json_object_new ();
  g_autoptr(JsonArray) notes = json_array_new ();
  g_autoptr(GPtrArray) entries = NULL;
  guint pending_notifies = 0;
  guint unread_notifies = 0;
  guint conflict_notifies = 0;

  g_signal_connect (counts, "notify::pending-changes", G_CALLBACK (notify_cb), &pending_notifies);
  g_signal_connect (counts, "notify::unread-notifications", G_CALLBACK (notify_cb),
                    &unread_notifies);
  g_signal_connect (counts, "notify::conflicts", G_CALLBACK (notify_cb), &conflict_notifies);

  td_test_apply_one (cache, "ticket", a);
  g_assert_cmpuint (pending_notifies, ==, 0);
  json_object_set_string_member (edit, "title", "B");
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, NULL));
  g_assert_cmpuint (td_cache_counts_get_pending_changes (counts), ==, 1);
  g_assert_cmpuint (pending_notifies, ==, 1);
  /* collapsed into the same entry: no new notification */
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, NULL));
  g_assert_cmpuint (pending_notifies, ==, 1);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) note = json_object_new ();
      g_autofree char *id = g_strdup_printf ("n%u", i);

      json_object_set_string_member (note, "id", id);
      json_object_set_string_member (note, "title", "Ticket assigned");
      if (i == 0)
        json_object_set_string_member (note, "read_at", "2026-01-01T00:00:00Z");
      else
        json_object_set_null_member (note, "read_at");
      td_test_add_upsert (notes, "notification", note);
    }
  g_assert_true (td_cache_apply_changes (cache, notes, 10, NULL));
  g_assert_cmpuint (td_cache_counts_get_unread_notifications (counts), ==, 2);
  g_assert_cmpuint (unread_notifies, ==, 1);

  /* A 412 with overlapping changes makes a conflict. */
  entries = td_outbox_list (cache, TD_OUTBOX_STATE_PENDING, NULL);
  g_assert_cmpuint (entries->len, ==, 1);
  {
    g_autoptr(JsonObject) theirs = td_test_ticket ("a", 2, "C", "open", 2);
    TdOutboxEntry *entry = entries->pdata[0];
    TdOutboxState state;

    g_assert_true (td_outbox_begin_attempt (cache, entry->id, NULL));
    g_assert_true (td_outbox_precondition_failed (cache, entry->id, theirs, &state, NULL));
    g_assert_cmpint (state, ==, TD_OUTBOX_STATE_CONFLICT);
  }
  g_assert_cmpuint (td_cache_counts_get_conflicts (counts), ==, 1);
  g_assert_cmpuint (td_cache_counts_get_pending_changes (counts), ==, 0);
  g_assert_cmpuint (conflict_notifies, ==, 1);

  /* Logout empties them. */
  g_assert_true (td_cache_wipe (cache, NULL));
  g_assert_cmpuint (td_cache_counts_get_conflicts (counts), ==, 0);
  g_assert_cmpuint (td_cache_counts_get_unread_notifications (counts), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/client/cache/path", test_path);
  g_test_add_func ("/client/cache/apply-and-get", test_apply_and_get);
  g_test_add_func ("/client/cache/invalid-page-is-atomic", test_invalid_page_is_atomic);
  g_test_add_func ("/client/cache/other-owner-never-read", test_other_owner_never_read);
  g_test_add_func ("/client/cache/wipe", test_wipe);
  g_test_add_func ("/client/cache/full-text", test_full_text);
  g_test_add_func ("/client/cache/changed-signal", test_changed_signal);
  g_test_add_func ("/client/cache/resync-keeps-outbox", test_resync_keeps_outbox);
  g_test_add_func ("/client/cache/bulk-load", test_bulk_load);
  g_test_add_func ("/client/list-model/windows-and-sort", test_model_windows_and_sort);
  g_test_add_func ("/client/list-model/filter-and-search", test_model_filter_and_search);
  g_test_add_func ("/client/list-model/items-changed", test_model_items_changed);
  g_test_add_func ("/client/list-model/long-list", test_model_long_list);
  g_test_add_func ("/client/list-model/anchors-sorts", test_model_anchors_sorts);
  g_test_add_func ("/client/list-model/anchors-filters-and-search",
                   test_model_anchors_filters_and_search);
  g_test_add_func ("/client/list-model/anchors-after-changes", test_model_anchors_after_changes);
  g_test_add_func ("/client/list-model/anchors-by-offset", test_model_anchors_by_offset);
  g_test_add_func ("/client/list-model/long-list-untouched", test_model_long_list_untouched);
  g_test_add_func ("/client/list-model/anchors-stop", test_model_anchors_stop);
  g_test_add_func ("/client/list-model/anchors-bulk", test_model_anchors_bulk);
  g_test_add_func ("/client/list-model/search-terms", test_model_search_terms);
  g_test_add_func ("/client/cache/counts", test_counts);

  return g_test_run ();
}
