/* td-merge.c: field-level three-way merge of a local edit with the server's object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-merge"

#include "config.h"

#include "td-merge.h"

#include <stdlib.h>
#include <string.h>

static const char * const server_members[] = {
  "id", "version", "created_at", "updated_at", NULL
};

/* Absent and null compare as different: deleting a member is a change of its own. */
static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  /* json_node_equal() tells 1 from 1.0, which the server never mixes for one member. */
  return json_node_equal (a, b);
}

static void
add_members (GHashTable *names,
             JsonObject *object)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (object == NULL)
    return;
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &value))
    g_hash_table_add (names, (gpointer) member);
}

static JsonNode *
member_or_null (JsonObject *object,
                const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

static void
set_or_remove (JsonObject *object,
               const char *name,
               JsonNode   *value)
{
  if (value != NULL)
    json_object_set_member (object, name, json_node_copy (value));
  else if (json_object_has_member (object, name))
    json_object_remove_member (object, name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

JsonObject *
td_merge_three_way (JsonObject  *base,
                    JsonObject  *mine,
                    JsonObject  *theirs,
                    JsonArray  **conflicts)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonArray) found = json_array_new ();
  g_autofree const char **sorted = NULL;
  JsonObject *merged = json_object_new ();
  guint n;

  add_members (names, base);
  add_members (names, mine);
  add_members (names, theirs);
  /* Sorted, so that conflicts come in a stable order. */
  sorted = (const char **) g_hash_table_get_keys_as_array (names, &n);
  qsort (sorted, n, sizeof (char *), compare_names);

  for (guint i = 0; i < n; i++)
    {
      const char *name = sorted[i];
      JsonNode *b = base != NULL ? json_object_get_member (base, name) : NULL;
      JsonNode *m = mine != NULL ? json_object_get_member (mine, name) : NULL;
      JsonNode *t = theirs != NULL ? json_object_get_member (theirs, name) : NULL;

      if (g_strv_contains (server_members, name) || nodes_equal (m, b))
        set_or_remove (merged, name, t);
      else if (nodes_equal (t, b) || nodes_equal (m, t))
        set_or_remove (merged, name, m);
      else
        {
          JsonObject *conflict = json_object_new ();

          json_object_set_string_member (conflict, "field", name);
          json_object_set_member (conflict, "base", member_or_null (base, name));
          json_object_set_member (conflict, "mine", member_or_null (mine, name));
          json_object_set_member (conflict, "theirs", member_or_null (theirs, name));
          if (m == NULL)
            json_object_set_boolean_member (conflict, "mine_absent", TRUE);
          if (t == NULL)
            json_object_set_boolean_member (conflict, "theirs_absent", TRUE);
          json_array_add_object_element (found, conflict);
          set_or_remove (merged, name, t);
        }
    }

  if (conflicts != NULL)
    *conflicts = g_steal_pointer (&found);
  return merged;
}

JsonObject *
td_merge_diff (JsonObject *theirs,
               JsonObject *merged)
{
  JsonObject *diff = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init (&iter, merged);
  while (json_object_iter_next (&iter, &member, &value))
    if (!g_strv_contains (server_members, member) &&
        !nodes_equal (value, json_object_get_member (theirs, member)))
      json_object_set_member (diff, member, json_node_copy (value));
  /* A member I removed is sent as null. */
  json_object_iter_init (&iter, theirs);
  while (json_object_iter_next (&iter, &member, &value))
    if (!g_strv_contains (server_members, member) && !json_object_has_member (merged, member))
      json_object_set_null_member (diff, member);
  return diff;
}
