/* test-outbox.c: the outbox (collapse rules, idempotency keys, 412 merges, conflicts) and
 * the three-way merge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-cache-test.h"
#include "td-merge.h"
#include "td-outbox.h"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static char *
to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static char *
array_text (JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);

  return json_to_string (node, FALSE);
}

#define assert_json(object, expected) G_STMT_START { \
    g_autofree char *_text = to_text (object); \
    g_assert_cmpstr (_text, ==, expected); } G_STMT_END

/* ---- the three-way merge ---- */

static void
test_merge_different_fields (void)
{
  g_autoptr(JsonObject) base = parse_object ("{\"id\":\"a\",\"version\":1,\"title\":\"T\",\"priority\":\"low\",\"status\":\"open\"}");
  g_autoptr(JsonObject) mine = parse_object ("{\"id\":\"a\",\"version\":1,\"title\":\"Mine\",\"priority\":\"low\",\"status\":\"open\"}");
  g_autoptr(JsonObject) theirs = parse_object ("{\"id\":\"a\",\"version\":2,\"title\":\"T\",\"priority\":\"high\",\"status\":\"open\"}");
  g_autoptr(JsonArray) conflicts = NULL;
  g_autoptr(JsonObject) merged = td_merge_three_way (base, mine, theirs, &conflicts);
  g_autoptr(JsonObject) diff = NULL;

  g_assert_cmpuint (json_array_get_length (conflicts), ==, 0);
  assert_json (merged, "{\"id\":\"a\",\"priority\":\"high\",\"status\":\"open\",\"title\":\"Mine\",\"version\":2}");
  diff = td_merge_diff (theirs, merged);
  assert_json (diff, "{\"title\":\"Mine\"}");
}

static void
test_merge_same_field_conflicts (void)
{
  g_autoptr(JsonObject) base = parse_object ("{\"version\":1,\"title\":\"T\",\"labels\":[\"x\"],\"status\":\"open\"}");
  g_autoptr(JsonObject) mine = parse_object ("{\"version\":1,\"title\":\"Mine\",\"labels\":[\"x\",\"y\"],\"status\":\"done\"}");
  g_autoptr(JsonObject) theirs = parse_object ("{\"version\":3,\"title\":\"Theirs\",\"labels\":[\"x\",\"y\"],\"status\":\"open\"}");
  g_autoptr(JsonArray) conflicts = NULL;
  g_autoptr(JsonObject) merged = td_merge_three_way (base, mine, theirs, &conflicts);
  g_autofree char *text = array_text (conflicts);

  /* labels: both made the same change; status: only mine; title: both, differently */
  g_assert_cmpstr (text, ==,
                   "[{\"field\":\"title\",\"base\":\"T\",\"mine\":\"Mine\",\"theirs\":\"Theirs\"}]");
  assert_json (merged, "{\"labels\":[\"x\",\"y\"],\"status\":\"done\",\"title\":\"Theirs\",\"version\":3}");
}

static void
test_merge_absent_members (void)
{
  g_autoptr(JsonObject) base = parse_object ("{\"a\":1,\"b\":2,\"c\":3}");
  g_autoptr(JsonObject) mine = parse_object ("{\"a\":1,\"c\":4,\"d\":5}");     /* -b, c=4, +d */
  g_autoptr(JsonObject) theirs = parse_object ("{\"a\":9,\"b\":2}");           /* a=9, -c */
  g_autoptr(JsonArray) conflicts = NULL;
  g_autoptr(JsonObject) merged = td_merge_three_way (base, mine, theirs, &conflicts);
  g_autofree char *text = array_text (conflicts);
  g_autoptr(JsonObject) diff = NULL;

  /* c: I changed it, they removed it → conflict, and "theirs" says it is gone */
  g_assert_cmpstr (text, ==, "[{\"field\":\"c\",\"base\":3,\"mine\":4,\"theirs\":null,\"theirs_absent\":true}]");
  assert_json (merged, "{\"a\":9,\"d\":5}");
  diff = td_merge_diff (theirs, merged);
  assert_json (diff, "{\"d\":5,\"b\":null}");
}

static void
test_merge_null_base (void)
{
  g_autoptr(JsonObject) mine = parse_object ("{\"title\":\"x\"}");
  g_autoptr(JsonObject) theirs = parse_object ("{\"title\":\"x\",\"status\":\"open\"}");
  g_autoptr(JsonArray) conflicts = NULL;
  g_autoptr(JsonObject) merged = td_merge_three_way (NULL, mine, theirs, &conflicts);

  g_assert_cmpuint (json_array_get_length (conflicts), ==, 0);
  assert_json (merged, "{\"status\":\"open\",\"title\":\"x\"}");
}

/* ---- the outbox ---- */

static TdOutboxEntry *
only_entry (TdCache *cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = td_outbox_list (cache, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  return td_outbox_entry_copy (entries->pdata[0]);
}

static guint
n_entries (TdCache *cache)
{
  g_autoptr(GPtrArray) entries = td_outbox_list (cache, -1, NULL);

  return entries->len;
}

static JsonObject *
changes_of (const char *member,
            const char *value)
{
  JsonObject *changes = json_object_new ();

  json_object_set_string_member (changes, member, value);
  return changes;
}

static char *
cached_member (TdCache    *cache,
               const char *id,
               const char *member)
{
  g_autoptr(JsonObject) object = td_cache_get_object (cache, "ticket", id, NULL);

  if (object == NULL)
    return NULL;
  return td_test_object_string (object, member);
}

static void
test_enqueue_update_writes_both (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 4, "Pump", "open", 1);
  g_autoptr(JsonObject) edit = changes_of ("title", "Pump leaks");
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autoptr(JsonObject) none = changes_of ("title", "x");

  td_test_apply_one (cache, "ticket", a);
  json_object_set_int_member (edit, "version", 99);   /* never taken from an edit */
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, &error));
  g_assert_no_error (error);

  title = cached_member (cache, "a", "title");
  g_assert_cmpstr (title, ==, "Pump leaks");
  entry = only_entry (cache);
  g_assert_cmpint (entry->op, ==, TD_OUTBOX_OP_UPDATE);
  g_assert_cmpint (entry->state, ==, TD_OUTBOX_STATE_PENDING);
  g_assert_cmpint (entry->base_version, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (entry->base_object, "title"), ==, "Pump");
  assert_json (entry->changes, "{\"title\":\"Pump leaks\"}");
  g_assert_cmpuint (strlen (entry->idempotency_key), >=, 32);

  /* an object the cache does not have: nothing is written */
  g_assert_false (td_outbox_enqueue_update (cache, "ticket", "missing", none, &error));
  g_assert_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_NOT_FOUND);
  g_assert_cmpuint (n_entries (cache), ==, 1);
}

static void
test_collapse_create_update (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) body = parse_object ("{\"title\":\"New\",\"device_id\":\"d1\"}");
  g_autoptr(JsonObject) edit = changes_of ("priority", "high");
  g_autoptr(JsonObject) edit2 = changes_of ("title", "Newer");
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autofree char *id = NULL;
  g_autofree char *key = NULL;
  g_autofree char *priority = NULL;

  id = td_outbox_enqueue_create (cache, "ticket", body, NULL);
  g_assert_nonnull (id);
  entry = only_entry (cache);
  key = g_strdup (entry->idempotency_key);
  g_clear_pointer (&entry, td_outbox_entry_free);

  g_assert_true (td_outbox_enqueue_update (cache, "ticket", id, edit, NULL));
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", id, edit2, NULL));
  entry = only_entry (cache);
  g_assert_cmpint (entry->op, ==, TD_OUTBOX_OP_CREATE);
  g_assert_cmpstr (entry->idempotency_key, ==, key);
  assert_json (entry->changes, "{\"title\":\"Newer\",\"device_id\":\"d1\",\"priority\":\"high\"}");
  priority = cached_member (cache, id, "priority");
  g_assert_cmpstr (priority, ==, "high");
}

static void
test_collapse_update_update (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 7, "Pump", "open", 1);
  g_autoptr(JsonObject) a_server = td_test_ticket ("a", 8, "Pump", "open", 1);
  g_autoptr(JsonObject) edit = changes_of ("title", "One");
  g_autoptr(JsonObject) edit2 = changes_of ("status", "done");
  g_autoptr(JsonObject) edit3 = changes_of ("title", "Three");
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(TdOutboxEntry) next = NULL;

  td_test_apply_one (cache, "ticket", a);
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, NULL));
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit2, NULL));
  entry = only_entry (cache);
  g_assert_cmpint (entry->base_version, ==, 7);   /* the first base */
  assert_json (entry->changes, "{\"title\":\"One\",\"status\":\"done\"}");

  /* Once sending started the entry is frozen: the next edit queues behind it. */
  g_assert_true (td_outbox_begin_attempt (cache, entry->id, NULL));
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit3, NULL));
  entries = td_outbox_list (cache, -1, NULL);
  g_assert_cmpuint (entries->len, ==, 2);
  {
    TdOutboxEntry *second = entries->pdata[1];

    g_assert_cmpint (second->base_version, ==, 0);
    assert_json (second->changes, "{\"title\":\"Three\"}");
    /* it waits for the first */
    next = td_outbox_next_pending (cache, NULL);
    g_assert_cmpint (next->id, ==, entry->id);
    g_clear_pointer (&next, td_outbox_entry_free);

    /* The server accepts the first: the second is rebased on its answer. */
    json_object_set_string_member (a_server, "title", "One");
    json_object_set_string_member (a_server, "status", "done");
    g_assert_true (td_outbox_complete (cache, entry->id, a_server, NULL));
    next = td_outbox_next_pending (cache, NULL);
    g_assert_cmpint (next->id, ==, second->id);
    g_assert_cmpint (next->base_version, ==, 8);
  }
  {
    g_autofree char *title = cached_member (cache, "a", "title");
    g_autofree char *status = cached_member (cache, "a", "status");

    /* the server's answer with the queued edit still on top */
    g_assert_cmpstr (title, ==, "Three");
    g_assert_cmpstr (status, ==, "done");
  }
}

static void
test_collapse_create_delete (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) body = parse_object ("{\"title\":\"Oops\"}");
  g_autoptr(JsonObject) edit = changes_of ("title", "Oops 2");
  g_autofree char *id = td_outbox_enqueue_create (cache, "ticket", body, NULL);
  g_autofree char *title = NULL;

  g_assert_true (td_outbox_enqueue_update (cache, "ticket", id, edit, NULL));
  g_assert_true (td_outbox_enqueue_delete (cache, "ticket", id, NULL));
  g_assert_cmpuint (n_entries (cache), ==, 0);
  title = cached_member (cache, id, "title");
  g_assert_null (title);
}

static void
test_collapse_update_delete (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 3, "Pump", "open", 1);
  g_autoptr(JsonObject) a_server = td_test_ticket ("a", 4, "Pump (server)", "open", 2);
  g_autoptr(JsonObject) edit = changes_of ("title", "x");
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autofree char *title = NULL;

  td_test_apply_one (cache, "ticket", a);
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, NULL));
  g_assert_true (td_outbox_enqueue_delete (cache, "ticket", "a", NULL));
  entry = only_entry (cache);
  g_assert_cmpint (entry->op, ==, TD_OUTBOX_OP_DELETE);
  g_assert_cmpint (entry->base_version, ==, 3);

  /* A pull does not bring back what was deleted here. */
  td_test_apply_one (cache, "ticket", a_server);
  title = cached_member (cache, "a", "title");
  g_assert_null (title);
}

static void
test_idempotency_key_persists (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) body = parse_object ("{\"title\":\"New\"}");
  g_autoptr(JsonObject) body2 = parse_object ("{\"title\":\"Other\"}");
  g_autoptr(TdOutboxEntry) before = NULL;
  g_autoptr(TdOutboxEntry) after = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *id = td_outbox_enqueue_create (cache, "ticket", body, NULL);
  g_autofree char *id2 = NULL;

  before = only_entry (cache);
  g_assert_true (td_outbox_begin_attempt (cache, before->id, NULL));
  g_assert_true (td_outbox_fail (cache, before->id, "Server says no", NULL));
  g_clear_object (&cache);

  cache = td_test_cache_open ();
  after = only_entry (cache);
  g_assert_cmpstr (after->idempotency_key, ==, before->idempotency_key);
  g_assert_cmpint (after->state, ==, TD_OUTBOX_STATE_FAILED);
  g_assert_cmpstr (after->error_message, ==, "Server says no");
  g_assert_cmpuint (after->attempts, ==, 1);
  g_assert_true (td_outbox_retry (cache, after->id, NULL));
  g_clear_pointer (&after, td_outbox_entry_free);
  after = only_entry (cache);
  g_assert_cmpint (after->state, ==, TD_OUTBOX_STATE_PENDING);
  g_assert_cmpstr (after->idempotency_key, ==, before->idempotency_key);
  g_assert_null (after->error_message);

  /* Another edit gets its own key (from the CSPRNG, never the same twice). */
  id2 = td_outbox_enqueue_create (cache, "ticket", body2, NULL);
  g_assert_cmpstr (id, !=, id2);
  entries = td_outbox_list (cache, -1, NULL);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((TdOutboxEntry *) entries->pdata[0])->idempotency_key, !=,
                   ((TdOutboxEntry *) entries->pdata[1])->idempotency_key);
}

static void
test_complete_create_renames (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) body = parse_object ("{\"title\":\"New\"}");
  g_autoptr(JsonObject) edit = changes_of ("title", "Newer");
  g_autoptr(JsonObject) server = td_test_ticket ("server-id", 1, "New", "draft", 5);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *local_id = td_outbox_enqueue_create (cache, "ticket", body, NULL);
  g_autoptr(TdOutboxEntry) create = only_entry (cache);
  g_autofree char *gone = NULL;
  g_autofree char *title = NULL;

  g_assert_true (td_outbox_begin_attempt (cache, create->id, NULL));
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", local_id, edit, NULL));
  g_assert_true (td_outbox_complete (cache, create->id, server, NULL));

  gone = cached_member (cache, local_id, "title");
  g_assert_null (gone);
  title = cached_member (cache, "server-id", "title");
  g_assert_cmpstr (title, ==, "Newer");
  entries = td_outbox_list (cache, -1, NULL);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((TdOutboxEntry *) entries->pdata[0])->object_id, ==, "server-id");
  g_assert_cmpint (((TdOutboxEntry *) entries->pdata[0])->base_version, ==, 1);
}

static void
test_precondition_clean_merge (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Pump", "open", 1);
  g_autoptr(JsonObject) theirs = td_test_ticket ("a", 2, "Pump", "open", 2);
  g_autoptr(JsonObject) edit = changes_of ("title", "Pump leaks");
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autoptr(TdOutboxEntry) rebased = NULL;
  g_autofree char *title = NULL;
  g_autofree char *priority = NULL;
  TdOutboxState state = TD_OUTBOX_STATE_FAILED;

  td_test_apply_one (cache, "ticket", a);
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, NULL));
  entry = only_entry (cache);
  g_assert_true (td_outbox_begin_attempt (cache, entry->id, NULL));
  json_object_set_string_member (theirs, "priority", "high");

  g_assert_true (td_outbox_precondition_failed (cache, entry->id, theirs, &state, NULL));
  g_assert_cmpint (state, ==, TD_OUTBOX_STATE_PENDING);
  rebased = only_entry (cache);
  g_assert_cmpint (rebased->base_version, ==, 2);
  assert_json (rebased->changes, "{\"title\":\"Pump leaks\"}");
  g_assert_cmpstr (rebased->idempotency_key, ==, entry->idempotency_key);
  title = cached_member (cache, "a", "title");
  priority = cached_member (cache, "a", "priority");
  g_assert_cmpstr (title, ==, "Pump leaks");
  g_assert_cmpstr (priority, ==, "high");
}

static void
make_conflict (TdCache        *cache,
               TdOutboxEntry **entry)
{
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Pump", "open", 1);
  g_autoptr(JsonObject) theirs = td_test_ticket ("a", 2, "Pump (theirs)", "open", 2);
  g_autoptr(JsonObject) edit = changes_of ("title", "Pump (mine)");
  TdOutboxState state;

  td_test_apply_one (cache, "ticket", a);
  json_object_set_string_member (edit, "status", "done");
  json_object_set_string_member (theirs, "priority", "high");
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, NULL));
  *entry = only_entry (cache);
  g_assert_true (td_outbox_begin_attempt (cache, (*entry)->id, NULL));
  g_assert_true (td_outbox_precondition_failed (cache, (*entry)->id, theirs, &state, NULL));
  g_assert_cmpint (state, ==, TD_OUTBOX_STATE_CONFLICT);
  td_outbox_entry_free (*entry);
  *entry = only_entry (cache);
}

static void
test_conflict_keep_mine (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autoptr(TdOutboxEntry) resolved = NULL;
  g_autofree char *conflicts = NULL;
  g_autofree char *title = NULL;
  g_autofree char *priority = NULL;

  make_conflict (cache, &entry);
  g_assert_cmpint (entry->state, ==, TD_OUTBOX_STATE_CONFLICT);
  conflicts = array_text (entry->conflicts);
  g_assert_cmpstr (conflicts, ==, "[{\"field\":\"title\",\"base\":\"Pump\",\"mine\":\"Pump (mine)\","
                                  "\"theirs\":\"Pump (theirs)\"}]");
  g_assert_cmpstr (json_object_get_string_member (entry->theirs, "title"), ==, "Pump (theirs)");
  /* nothing is sent while in conflict, and the user still sees their edit */
  g_assert_null (td_outbox_next_pending (cache, NULL));
  title = cached_member (cache, "a", "title");
  priority = cached_member (cache, "a", "priority");
  g_assert_cmpstr (title, ==, "Pump (mine)");
  g_assert_cmpstr (priority, ==, "high");

  g_assert_true (td_outbox_resolve (cache, entry->id, TD_OUTBOX_KEEP_MINE, NULL));
  resolved = only_entry (cache);
  g_assert_cmpint (resolved->state, ==, TD_OUTBOX_STATE_PENDING);
  g_assert_cmpint (resolved->base_version, ==, 2);
  assert_json (resolved->changes, "{\"status\":\"done\",\"title\":\"Pump (mine)\"}");
  g_assert_null (resolved->conflicts);
}

static void
test_conflict_keep_theirs (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autoptr(TdOutboxEntry) resolved = NULL;
  g_autofree char *title = NULL;
  g_autofree char *status = NULL;

  make_conflict (cache, &entry);
  g_assert_true (td_outbox_resolve (cache, entry->id, TD_OUTBOX_KEEP_THEIRS, NULL));
  resolved = only_entry (cache);
  g_assert_cmpint (resolved->state, ==, TD_OUTBOX_STATE_PENDING);
  assert_json (resolved->changes, "{\"status\":\"done\"}");   /* my other change stays */
  title = cached_member (cache, "a", "title");
  status = cached_member (cache, "a", "status");
  g_assert_cmpstr (title, ==, "Pump (theirs)");
  g_assert_cmpstr (status, ==, "done");
  g_assert_false (td_outbox_resolve (cache, entry->id, TD_OUTBOX_KEEP_THEIRS, NULL));
}

static void
test_failed_and_discard (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Pump", "open", 1);
  g_autoptr(JsonObject) edit = changes_of ("status", "bogus");
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autofree char *long_message = g_strnfill (2000, 'x');
  g_autofree char *status = NULL;

  td_test_apply_one (cache, "ticket", a);
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, NULL));
  entry = only_entry (cache);
  g_assert_true (td_outbox_fail (cache, entry->id, long_message, NULL));
  g_clear_pointer (&entry, td_outbox_entry_free);
  entry = only_entry (cache);
  g_assert_cmpint (entry->state, ==, TD_OUTBOX_STATE_FAILED);
  g_assert_cmpuint (strlen (entry->error_message), ==, 500);
  g_assert_cmpuint (td_outbox_count (cache, TD_OUTBOX_STATE_FAILED), ==, 1);
  g_assert_null (td_outbox_next_pending (cache, NULL));

  g_assert_true (td_outbox_discard (cache, entry->id, NULL));
  g_assert_cmpuint (n_entries (cache), ==, 0);
  status = cached_member (cache, "a", "status");
  g_assert_cmpstr (status, ==, "open");
}

static void
test_pull_keeps_local_edit (void)
{
  g_autoptr(TdCache) cache = td_test_cache_open ();
  g_autoptr(JsonObject) a = td_test_ticket ("a", 1, "Pump", "open", 1);
  g_autoptr(JsonObject) a2 = td_test_ticket ("a", 2, "Pump", "assigned", 2);
  g_autoptr(JsonObject) edit = changes_of ("title", "Mine");
  g_autofree char *title = NULL;
  g_autofree char *status = NULL;

  td_test_apply_one (cache, "ticket", a);
  g_assert_true (td_outbox_enqueue_update (cache, "ticket", "a", edit, NULL));
  td_test_apply_one (cache, "ticket", a2);
  title = cached_member (cache, "a", "title");
  status = cached_member (cache, "a", "status");
  g_assert_cmpstr (title, ==, "Mine");
  g_assert_cmpstr (status, ==, "assigned");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/client/merge/different-fields", test_merge_different_fields);
  g_test_add_func ("/client/merge/same-field-conflicts", test_merge_same_field_conflicts);
  g_test_add_func ("/client/merge/absent-members", test_merge_absent_members);
  g_test_add_func ("/client/merge/null-base", test_merge_null_base);
  g_test_add_func ("/client/outbox/update-writes-cache-and-entry", test_enqueue_update_writes_both);
  g_test_add_func ("/client/outbox/collapse/create-update", test_collapse_create_update);
  g_test_add_func ("/client/outbox/collapse/update-update", test_collapse_update_update);
  g_test_add_func ("/client/outbox/collapse/create-delete", test_collapse_create_delete);
  g_test_add_func ("/client/outbox/collapse/update-delete", test_collapse_update_delete);
  g_test_add_func ("/client/outbox/idempotency-key-persists", test_idempotency_key_persists);
  g_test_add_func ("/client/outbox/complete-create-renames", test_complete_create_renames);
  g_test_add_func ("/client/outbox/412-clean-merge", test_precondition_clean_merge);
  g_test_add_func ("/client/outbox/conflict-keep-mine", test_conflict_keep_mine);
  g_test_add_func ("/client/outbox/conflict-keep-theirs", test_conflict_keep_theirs);
  g_test_add_func ("/client/outbox/failed-and-discard", test_failed_and_discard);
  g_test_add_func ("/client/outbox/pull-keeps-local-edit", test_pull_keeps_local_edit);

  return g_test_run ();
}
