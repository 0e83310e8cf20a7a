/* td-cache-test.c: helpers shared by the cache, outbox and list model tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-cache-test.h"

static gint64 next_seq = 1;

JsonObject *
td_test_ticket (const char *id,
                gint64      version,
                const char *title,
                const char *status,
                guint       second)
{
  JsonObject *ticket = json_object_new ();
  g_autofree char *updated = g_strdup_printf ("2026-01-01T%02u:%02u:%02uZ",
                                              second / 3600, second / 60 % 60, second % 60);

  json_object_set_string_member (ticket, "id", id);
  json_object_set_int_member (ticket, "version", version);
  json_object_set_string_member (ticket, "title", title);
  json_object_set_string_member (ticket, "status", status);
  json_object_set_string_member (ticket, "priority", "normal");
  json_object_set_string_member (ticket, "created_at", "2025-12-31T00:00:00Z");
  json_object_set_string_member (ticket, "updated_at", updated);
  json_object_set_array_member (ticket, "labels", json_array_new ());
  return ticket;
}

void
td_test_add_upsert (JsonArray  *changes,
                    const char *type,
                    JsonObject *object)
{
  JsonObject *change = json_object_new ();

  json_object_set_int_member (change, "seq", next_seq++);
  json_object_set_string_member (change, "type", type);
  json_object_set_string_member (change, "id", json_object_get_string_member (object, "id"));
  json_object_set_string_member (change, "op", "upsert");
  json_object_set_object_member (change, "object", json_object_ref (object));
  json_array_add_object_element (changes, change);
}

void
td_test_add_delete (JsonArray  *changes,
                    const char *type,
                    const char *id)
{
  JsonObject *change = json_object_new ();

  json_object_set_int_member (change, "seq", next_seq++);
  json_object_set_string_member (change, "type", type);
  json_object_set_string_member (change, "id", id);
  json_object_set_string_member (change, "op", "delete");
  json_array_add_object_element (changes, change);
}

TdCache *
td_test_cache_open (void)
{
  g_autoptr(GError) error = NULL;
  TdCache *cache = td_cache_open (TEST_SERVER, TEST_USER, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cache);
  return cache;
}

void
td_test_apply_one (TdCache    *cache,
                   const char *type,
                   JsonObject *object)
{
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(GError) error = NULL;

  td_test_add_upsert (changes, type, object);
  g_assert_true (td_cache_apply_changes (cache, changes, next_seq, &error));
  g_assert_no_error (error);
}

char *
td_test_object_string (JsonObject *object,
                       const char *member)
{
  return g_strdup (json_object_get_string_member_with_default (object, member, NULL));
}
