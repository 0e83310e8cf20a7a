/* td-api-resources.c: sending the typed calls, and the finishes they share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-resources"

#include "config.h"

#include "td-api-resources-private.h"

#include <libsecret/secret.h>
#include <string.h>

#include "td-api-client-private.h"
#include "td-json.h"
#include "td-random.h"

void
td_api_resources_send (TdApiClient            *client,
                       const TdApiRequestSpec *spec,
                       GCancellable           *cancellable,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  TdApiRequestExtras extras;

  g_return_if_fail (TD_IS_API_CLIENT (client));
  g_return_if_fail (spec != NULL && spec->method != NULL && spec->path != NULL);

  extras = (TdApiRequestExtras) {
    .if_match = spec->if_match,
    .idempotency_key = spec->idempotency_key,
    .raw_body = spec->raw_body,
    .content_type = spec->content_type,
  };
  td_api_client_call_full_async (client, spec->method, spec->path, spec->body, &extras,
                                 cancellable, callback, user_data);
}

/* Everything but the unreserved characters of RFC 3986 is encoded, and '.' too, so that a
 * segment is always one segment and never a dot segment. */
static void
append_encoded (GString    *string,
                const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '~')
        g_string_append_c (string, (char) *p);
      else
        g_string_append_printf (string, "%%%02X", *p);
    }
}

char *
td_api_path_new (const char *first_segment,
                 ...)
{
  GString *path = g_string_new (TD_API_PATH_PREFIX);
  va_list args;

  va_start (args, first_segment);
  for (const char *segment = first_segment; segment != NULL;
       segment = va_arg (args, const char *))
    {
      g_string_append_c (path, '/');
      append_encoded (path, segment);
    }
  va_end (args);

  return g_string_free (path, FALSE);
}

void
td_api_path_add_query (GString    *path,
                       const char *name,
                       const char *value)
{
  g_string_append_c (path, strchr (path->str, '?') == NULL ? '?' : '&');
  append_encoded (path, name);
  g_string_append_c (path, '=');
  append_encoded (path, value);
}

JsonArray *
td_api_json_array_from_strv (const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

GBytes *
td_api_secret_json_bytes (JsonObject *object)
{
  char *text = td_json_object_to_string (object);

  return g_bytes_new_with_free_func (text, strlen (text), (GDestroyNotify) secret_password_free,
                                     text);
}

static gboolean
holds_objects (JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
      return FALSE;
  return TRUE;
}

JsonArray *
td_api_list_finish (TdApiClient   *client,
                    GAsyncResult  *result,
                    char         **next_cursor,
                    GError       **error)
{
  g_autoptr(JsonObject) page = NULL;
  JsonNode *items;
  JsonNode *cursor;

  if (next_cursor != NULL)
    *next_cursor = NULL;

  page = td_api_client_object_finish (client, result, error);
  if (page == NULL)
    return NULL;

  /* Callers walk the items as objects and pass the cursor back: anything else is not a
   * page of this API. */
  items = json_object_get_member (page, "items");
  cursor = json_object_get_member (page, "next_cursor");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items) ||
      !holds_objects (json_node_get_array (items)) ||
      (cursor != NULL && !JSON_NODE_HOLDS_NULL (cursor) &&
       json_node_get_value_type (cursor) != G_TYPE_STRING))
    {
      g_debug ("A list answer without items or with a strange cursor");
      g_set_error_literal (error, TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE,
                           td_api_client_status_fallback_message (TD_API_ERROR_INVALID_RESPONSE));
      return NULL;
    }

  if (next_cursor != NULL && cursor != NULL && !JSON_NODE_HOLDS_NULL (cursor))
    *next_cursor = g_strdup (json_node_get_string (cursor));
  return json_array_ref (json_node_get_array (items));
}

gboolean
td_api_empty_finish (TdApiClient   *client,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_autoptr(JsonObject) answer = td_api_client_object_finish (client, result, error);

  return answer != NULL;
}

char *
td_api_new_idempotency_key (void)
{
  return td_token_new ();
}
