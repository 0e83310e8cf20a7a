/* td-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-json"

#include "config.h"

#include "td-json.h"

#include "td-common-error.h"

/* A linear pre-scan that counts the nesting of arrays and objects outside of strings.
 * It does not validate the document (json-glib does that next); it only guarantees that the
 * recursive parser never descends further than @max_depth levels. */
gboolean
td_json_check_depth (const char *data,
                     gsize       length,
                     guint       max_depth)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            return FALSE;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }

  return TRUE;
}

/* json-glib decodes an escaped lone surrogate ("\ud800x") into bytes that are not UTF-8
 * and accepts the document; such strings must never be stored or sent back. The depth has
 * been checked before, so the recursion is bounded. */
static gboolean
node_strings_valid (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          if (!g_utf8_validate (name, -1, NULL) || !node_strings_valid (member))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!node_strings_valid (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) != G_TYPE_STRING ||
             g_utf8_validate (json_node_get_string (node), -1, NULL);
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

JsonNode *
td_json_parse (const char  *data,
               gsize        length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_JSON,
                           "The body is empty");
      return NULL;
    }

  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_JSON,
                           "The body is not valid UTF-8");
      return NULL;
    }

  if (!td_json_check_depth (data, length, TD_JSON_MAX_DEPTH))
    {
      g_set_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_TOO_DEEP,
                   "JSON nested deeper than %d levels", TD_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      /* json-glib quotes the offending input, which may decode to invalid UTF-8 (lone
       * surrogates): the message goes into a JSON response, so it must be valid. */
      g_autofree char *message = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_JSON,
                   "Malformed JSON: %s", message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_JSON,
                           "The body holds no JSON value");
      return NULL;
    }

  if (!node_strings_valid (root))
    {
      g_set_error_literal (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_JSON,
                           "Malformed JSON: a string holds an unpaired surrogate");
      return NULL;
    }

  return json_node_copy (root);
}

JsonObject *
td_json_parse_object (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(JsonNode) root = td_json_parse (data, length, error);

  if (root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_JSON,
                           "A JSON object is expected");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* Returns the string value of @member, or NULL when it is absent, null or not a string. */
const char *
td_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Reads a string member of an untrusted object: the wrong type is an error, as is a missing
 * member when @required, or a value longer than @max_length characters. */
gboolean
td_json_get_string_checked (JsonObject  *object,
                            const char  *member,
                            gboolean     required,
                            gsize        max_length,
                            const char **out_value,
                            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out_value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_set_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE,
                   "“%s” is required", member);
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE,
                   "“%s” must be a string", member);
      return FALSE;
    }

  if (g_utf8_strlen (json_node_get_string (node), -1) > (glong) max_length)
    {
      g_set_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE,
                   "“%s” is longer than %" G_GSIZE_FORMAT " characters", member, max_length);
      return FALSE;
    }

  *out_value = json_node_get_string (node);
  return TRUE;
}

gint64
td_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;

  return json_node_get_int (node);
}

gboolean
td_json_get_bool (JsonObject *object,
                  const char *member,
                  gboolean    fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;

  return json_node_get_boolean (node);
}

JsonObject *
td_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

/* The string elements of an array member as a new NULL-terminated vector (never NULL);
 * elements that are not strings are skipped. */
char **
td_json_get_strv (JsonObject *object,
                  const char *member)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }

  return g_strv_builder_end (builder);
}

char *
td_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

char *
td_json_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return td_json_to_string (node);
}
