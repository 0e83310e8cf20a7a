/* td-api-assets-modules.c: the modules of a template and the overrides of a device
 *
 * `modules` is one JSON object the other areas read in SQL (the cases area routes offers
 * with json_extract over `ticket_flows`), so it is validated member by member and stored
 * in a normalized form: only the members below, with their exact names, and nothing a
 * client added beside them.
 *
 *   {"text_assistant":   [{"id","title","body"}],
 *    "ticket_flows":     [{"id","name","meta_team_id"|null,"team_id"|null}],
 *    "video_session_flow": {"enabled":bool,"meta_team_id"|null},
 *    "task_definitions": [{"id","title","steps":[str],
 *                          "recurrence":{"freq","interval"}|null}],
 *    "label_groups":     [{"id","name","label_ids":[…]}],
 *    "dynamic_codes":    bool}
 *
 * Entry ids are UUIDs (generated when a client leaves them out) and unique within their
 * list, because tickets and task events refer to flows and definitions by them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-assets"

#include "config.h"

#include <string.h>

#include "td-api-assets-private.h"
#include "td-json.h"
#include "td-random.h"

static const char * const recurrence_freqs[] = { "daily", "weekly", "monthly", "yearly", NULL };

/* The module names a device may detach or override. */
static const char * const module_names[] = {
  "text_assistant", "ticket_flows", "video_session_flow", "task_definitions", "label_groups",
  "dynamic_codes", NULL,
};

typedef struct
{
  TdApiCall     *call;
  const char    *field;   /* "modules" or "overrides" */
  TdApiResponse *error;
} Check;

static gboolean
fail (Check      *check,
      const char *path,
      const char *message)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", path, message);

  if (check->error == NULL)
    check->error = td_resource_invalid (check->field, text);
  return FALSE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_bool (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

static gboolean
node_is_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

/* A blank name is as good as none. */
static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* A string member of @object: required or "" when absent, at most @max characters. */
static gboolean
copy_text (Check       *check,
           JsonObject  *object,
           const char  *member,
           gboolean     required,
           guint        max,
           const char  *path,
           JsonObject  *out)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *where = g_strdup_printf ("%s.%s", path, member);

  if (node_is_null (node))
    {
      if (required)
        return fail (check, where, "required");
      json_object_set_string_member (out, member, "");
      return TRUE;
    }
  if (!node_is_string (node))
    return fail (check, where, "must be a string");
  if (g_utf8_strlen (json_node_get_string (node), -1) > (glong) max)
    return fail (check, where, "too long");
  if (required && is_blank (json_node_get_string (node)))
    return fail (check, where, "must not be empty");

  json_object_set_string_member (out, member, json_node_get_string (node));
  return TRUE;
}

/* The `id` of a list entry: a UUID, unique in @seen, generated when absent. */
static gboolean
copy_entry_id (Check       *check,
               JsonObject  *object,
               const char  *path,
               GHashTable  *seen,
               JsonObject  *out)
{
  JsonNode *node = json_object_get_member (object, "id");
  g_autofree char *where = g_strdup_printf ("%s.id", path);
  g_autofree char *id = NULL;

  if (node_is_null (node))
    id = td_uuid_new ();
  else if (!node_is_string (node) || !td_uuid_is_valid (json_node_get_string (node)))
    return fail (check, where, "must be a UUID");
  else
    id = g_ascii_strdown (json_node_get_string (node), -1);

  if (!g_hash_table_add (seen, g_strdup (id)))
    return fail (check, where, "duplicate id");

  json_object_set_string_member (out, "id", id);
  return TRUE;
}

/* An optional reference to an object of @def the caller can see: null or a visible id. */
static gboolean
copy_reference (Check               *check,
                JsonObject          *object,
                const char          *member,
                const TdResourceDef *def,
                const char          *path,
                JsonObject          *out)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *where = g_strdup_printf ("%s.%s", path, member);
  g_autoptr(JsonObject) target = NULL;
  TdApiResponse *error = NULL;

  if (node_is_null (node))
    {
      json_object_set_null_member (out, member);
      return TRUE;
    }
  if (!node_is_string (node) || !td_uuid_is_valid (json_node_get_string (node)))
    return fail (check, where, "must be a UUID or null");

  target = td_resource_load (check->call, def, json_node_get_string (node), &error);
  if (target == NULL)
    {
      if (error != NULL && error->status != 404)
        {
          check->error = error;
          return FALSE;
        }
      g_clear_pointer (&error, td_api_response_free);
      if (check->error == NULL)
        {
          g_autofree char *text = g_strdup_printf ("%s: no such %s", where, def->type);

          check->error = td_api_response_new_error (422, "invalid_reference", text, check->field);
        }
      return FALSE;
    }

  json_object_set_string_member (out, member, json_node_get_string (node));
  return TRUE;
}

static JsonArray *
get_list (Check       *check,
          JsonObject  *modules,
          const char  *member)
{
  JsonNode *node = json_object_get_member (modules, member);

  if (node_is_null (node))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (check, member, "must be an array");
      return NULL;
    }
  if (json_array_get_length (json_node_get_array (node)) > TD_ASSETS_MAX_ITEMS)
    {
      fail (check, member, "too many entries");
      return NULL;
    }
  return json_node_get_array (node);
}

typedef gboolean (*EntryFunc) (Check      *check,
                               JsonObject *entry,
                               const char *path,
                               JsonObject *out);

/* Validates the list @member of @modules entry by entry into @out. */
static gboolean
copy_list (Check       *check,
           JsonObject  *modules,
           const char  *member,
           gboolean     partial,
           EntryFunc    func,
           JsonObject  *out)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonArray) result = json_array_new ();
  JsonArray *list;

  if (!json_object_has_member (modules, member) && partial)
    return TRUE;

  list = get_list (check, modules, member);
  if (check->error != NULL)
    return FALSE;

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      g_autofree char *path = g_strdup_printf ("%s[%u]", member, i);
      g_autoptr(JsonObject) entry = json_object_new ();

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (check, path, "must be an object");
      if (!copy_entry_id (check, json_node_get_object (node), path, seen, entry) ||
          !func (check, json_node_get_object (node), path, entry))
        return FALSE;
      json_array_add_object_element (result, g_steal_pointer (&entry));
    }

  json_object_set_array_member (out, member, g_steal_pointer (&result));
  return TRUE;
}

static gboolean
text_assistant_entry (Check      *check,
                      JsonObject *entry,
                      const char *path,
                      JsonObject *out)
{
  return copy_text (check, entry, "title", TRUE, TD_ASSETS_MAX_TITLE, path, out) &&
         copy_text (check, entry, "body", FALSE, TD_ASSETS_MAX_BODY, path, out);
}

static gboolean
ticket_flow_entry (Check      *check,
                   JsonObject *entry,
                   const char *path,
                   JsonObject *out)
{
  return copy_text (check, entry, "name", TRUE, TD_ASSETS_MAX_TITLE, path, out) &&
         copy_reference (check, entry, "meta_team_id", &td_resource_meta_teams, path, out) &&
         copy_reference (check, entry, "team_id", &td_resource_teams, path, out);
}

static gboolean
copy_recurrence (Check      *check,
                 JsonObject *entry,
                 const char *path,
                 JsonObject *out)
{
  JsonNode *node = json_object_get_member (entry, "recurrence");
  g_autofree char *where = g_strdup_printf ("%s.recurrence", path);
  g_autoptr(JsonObject) recurrence = NULL;
  JsonObject *input;
  JsonNode *freq;
  JsonNode *interval;
  gint64 value = 1;

  if (node_is_null (node))
    {
      json_object_set_null_member (out, "recurrence");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (check, where, "must be an object or null");

  input = json_node_get_object (node);
  freq = json_object_get_member (input, "freq");
  if (!node_is_string (freq) || !g_strv_contains (recurrence_freqs, json_node_get_string (freq)))
    return fail (check, where, "freq must be daily, weekly, monthly or yearly");

  interval = json_object_get_member (input, "interval");
  if (!node_is_null (interval))
    {
      if (!node_is_int (interval))
        return fail (check, where, "interval must be an integer");
      value = json_node_get_int (interval);
      if (value < 1 || value > TD_ASSETS_MAX_INTERVAL)
        return fail (check, where, "interval must be between 1 and 1000");
    }

  recurrence = json_object_new ();
  json_object_set_string_member (recurrence, "freq", json_node_get_string (freq));
  json_object_set_int_member (recurrence, "interval", value);
  json_object_set_object_member (out, "recurrence", g_steal_pointer (&recurrence));
  return TRUE;
}

static gboolean
task_definition_entry (Check      *check,
                       JsonObject *entry,
                       const char *path,
                       JsonObject *out)
{
  JsonNode *node = json_object_get_member (entry, "steps");
  g_autofree char *where = g_strdup_printf ("%s.steps", path);
  g_autoptr(JsonArray) steps = json_array_new ();

  if (!copy_text (check, entry, "title", TRUE, TD_ASSETS_MAX_TITLE, path, out))
    return FALSE;

  if (!node_is_null (node))
    {
      JsonArray *input;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return fail (check, where, "must be an array of strings");
      input = json_node_get_array (node);
      if (json_array_get_length (input) > TD_ASSETS_MAX_STEPS)
        return fail (check, where, "too many steps");
      for (guint i = 0; i < json_array_get_length (input); i++)
        {
          JsonNode *step = json_array_get_element (input, i);

          if (!node_is_string (step) || *json_node_get_string (step) == '\0')
            return fail (check, where, "steps must be non-empty strings");
          if (g_utf8_strlen (json_node_get_string (step), -1) > 500)
            return fail (check, where, "a step is longer than 500 characters");
          json_array_add_string_element (steps, json_node_get_string (step));
        }
    }
  json_object_set_array_member (out, "steps", g_steal_pointer (&steps));

  return copy_recurrence (check, entry, path, out);
}

static gboolean
label_group_entry (Check      *check,
                   JsonObject *entry,
                   const char *path,
                   JsonObject *out)
{
  JsonNode *node = json_object_get_member (entry, "label_ids");
  g_autofree char *where = g_strdup_printf ("%s.label_ids", path);
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!copy_text (check, entry, "name", TRUE, TD_ASSETS_MAX_TITLE, path, out))
    return FALSE;

  if (!node_is_null (node))
    {
      JsonArray *input;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return fail (check, where, "must be an array of label ids");
      input = json_node_get_array (node);
      if (json_array_get_length (input) > TD_ASSETS_MAX_ITEMS)
        return fail (check, where, "too many labels");
      for (guint i = 0; i < json_array_get_length (input); i++)
        {
          g_autoptr(JsonObject) holder = json_object_new ();
          g_autoptr(JsonObject) copy = json_object_new ();
          JsonNode *id = json_array_get_element (input, i);

          /* Reuse the reference check through a one-member object. */
          json_object_set_member (holder, "label_ids", json_node_copy (id));
          if (!copy_reference (check, holder, "label_ids", &td_resource_labels, path, copy))
            return FALSE;
          if (JSON_NODE_HOLDS_NULL (json_object_get_member (copy, "label_ids")))
            return fail (check, where, "must not contain null");
          if (g_hash_table_add (seen, g_strdup (json_node_get_string (id))))
            json_array_add_string_element (ids, json_node_get_string (id));
        }
    }
  json_object_set_array_member (out, "label_ids", g_steal_pointer (&ids));
  return TRUE;
}

static gboolean
copy_video_flow (Check      *check,
                 JsonObject *modules,
                 gboolean    partial,
                 JsonObject *out)
{
  JsonNode *node = json_object_get_member (modules, "video_session_flow");
  g_autoptr(JsonObject) flow = json_object_new ();
  JsonObject *input;
  JsonNode *enabled;

  if (node == NULL && partial)
    return TRUE;

  if (node_is_null (node))
    {
      json_object_set_boolean_member (flow, "enabled", FALSE);
      json_object_set_null_member (flow, "meta_team_id");
      json_object_set_object_member (out, "video_session_flow", g_steal_pointer (&flow));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (check, "video_session_flow", "must be an object");

  input = json_node_get_object (node);
  enabled = json_object_get_member (input, "enabled");
  if (!node_is_null (enabled) && !node_is_bool (enabled))
    return fail (check, "video_session_flow.enabled", "must be a boolean");
  json_object_set_boolean_member (flow, "enabled",
                                  enabled != NULL && node_is_bool (enabled) &&
                                  json_node_get_boolean (enabled));
  if (!copy_reference (check, input, "meta_team_id", &td_resource_meta_teams,
                       "video_session_flow", flow))
    return FALSE;

  json_object_set_object_member (out, "video_session_flow", g_steal_pointer (&flow));
  return TRUE;
}

static gboolean
copy_modules (Check       *check,
              JsonNode    *input,
              gboolean     partial,
              JsonObject  *out)
{
  JsonObject *modules;
  JsonNode *dynamic;

  if (input == NULL || !JSON_NODE_HOLDS_OBJECT (input))
    return fail (check, check->field, "must be an object");
  modules = json_node_get_object (input);

  if (!copy_list (check, modules, "text_assistant", partial, text_assistant_entry, out) ||
      !copy_list (check, modules, "ticket_flows", partial, ticket_flow_entry, out) ||
      !copy_video_flow (check, modules, partial, out) ||
      !copy_list (check, modules, "task_definitions", partial, task_definition_entry, out) ||
      !copy_list (check, modules, "label_groups", partial, label_group_entry, out))
    return FALSE;

  dynamic = json_object_get_member (modules, "dynamic_codes");
  if (!node_is_null (dynamic) && !node_is_bool (dynamic))
    return fail (check, "dynamic_codes", "must be a boolean");
  if (dynamic != NULL || !partial)
    json_object_set_boolean_member (out, "dynamic_codes",
                                    dynamic != NULL && node_is_bool (dynamic) &&
                                    json_node_get_boolean (dynamic));
  return TRUE;
}

TdApiResponse *
td_assets_validate_modules (TdApiCall   *call,
                            JsonNode    *input,
                            gboolean     partial,
                            const char  *field,
                            JsonObject **out_modules)
{
  g_autoptr(JsonObject) out = json_object_new ();
  Check check = { call, field, NULL };

  *out_modules = NULL;
  if (!copy_modules (&check, input, partial, out))
    return check.error != NULL ? check.error : td_resource_invalid (field, "Invalid modules");

  *out_modules = g_steal_pointer (&out);
  return NULL;
}

JsonObject *
td_assets_default_modules (void)
{
  g_autoptr(JsonNode) empty = json_node_new (JSON_NODE_OBJECT);
  Check check = { NULL, "modules", NULL };
  JsonObject *out = json_object_new ();

  json_node_take_object (empty, json_object_new ());

  /* No references in an empty object, so no call is needed. */
  copy_modules (&check, empty, FALSE, out);
  g_assert (check.error == NULL);
  return out;
}

TdApiResponse *
td_assets_validate_overrides (TdApiCall   *call,
                              JsonNode    *input,
                              JsonObject **out_overrides)
{
  g_autoptr(JsonObject) out = json_object_new ();
  Check check = { call, "overrides", NULL };
  JsonObject *overrides;
  JsonNode *modules;
  JsonNode *detached;

  *out_overrides = NULL;
  if (input == NULL || !JSON_NODE_HOLDS_OBJECT (input))
    return td_resource_invalid ("overrides", "overrides must be an object");
  overrides = json_node_get_object (input);

  modules = json_object_get_member (overrides, "modules");
  if (!node_is_null (modules))
    {
      g_autoptr(JsonObject) partial = json_object_new ();

      if (!copy_modules (&check, modules, TRUE, partial))
        return check.error;
      json_object_set_object_member (out, "modules", g_steal_pointer (&partial));
    }

  detached = json_object_get_member (overrides, "detached");
  if (!node_is_null (detached))
    {
      g_autoptr(JsonArray) names = json_array_new ();
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      JsonArray *input_names;

      if (!JSON_NODE_HOLDS_ARRAY (detached))
        return td_resource_invalid ("overrides", "detached: must be an array of module names");
      input_names = json_node_get_array (detached);
      for (guint i = 0; i < json_array_get_length (input_names); i++)
        {
          JsonNode *name = json_array_get_element (input_names, i);

          if (!node_is_string (name) || !g_strv_contains (module_names, json_node_get_string (name)))
            return td_resource_invalid ("overrides", "detached: unknown module name");
          if (g_hash_table_add (seen, (gpointer) json_node_get_string (name)))
            json_array_add_string_element (names, json_node_get_string (name));
        }
      json_object_set_array_member (out, "detached", g_steal_pointer (&names));
    }

  *out_overrides = g_steal_pointer (&out);
  return NULL;
}

JsonNode *
td_assets_dup_json_member (JsonObject *object,
                           const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL)
    return NULL;

  if (node_is_string (node))
    {
      const char *text = json_node_get_string (node);

      /* Stored text: parse it back; the engine checked depth and size on the way in. */
      return td_json_parse (text, strlen (text), NULL);
    }

  return json_node_copy (node);
}

void
td_assets_set_json_member (JsonObject *object,
                           const char *member,
                           JsonNode   *like,
                           JsonObject *value)
{
  if (like != NULL && node_is_string (like))
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), value);
      g_autofree char *text = td_json_to_string (node);

      json_object_set_string_member (object, member, text);
    }
  else
    json_object_set_object_member (object, member, json_object_ref (value));
}
