/* td-api-response.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api"

#include "config.h"

#include "td-api-response.h"

#include <string.h>

#include "td-json.h"

TdApiResponse *
td_api_response_new (guint status)
{
  TdApiResponse *response = g_new0 (TdApiResponse, 1);

  response->status = status;
  response->headers = g_ptr_array_new_with_free_func (g_free);
  return response;
}

/* A response whose body is @node serialized; @node stays the caller's. */
TdApiResponse *
td_api_response_new_json (guint     status,
                          JsonNode *node)
{
  TdApiResponse *response = td_api_response_new (status);
  char *text = td_json_to_string (node);

  response->body = g_bytes_new_take (text, strlen (text));
  response->content_type = TD_API_CONTENT_TYPE_JSON;
  return response;
}

/* The one error shape of the API: {"error":{"code","message","field"?}}. @code is a stable
 * machine-readable identifier, @message is for people (English; the app translates by
 * code), @field names the offending request member when there is one. */
TdApiResponse *
td_api_response_new_error (guint       status,
                           const char *code,
                           const char *message,
                           const char *field)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, field);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return td_api_response_new_json (status, root);
}

/* Sets @name to @value, replacing an earlier value of the same header. */
void
td_api_response_set_header (TdApiResponse *response,
                            const char    *name,
                            const char    *value)
{
  for (guint i = 0; i + 1 < response->headers->len; i += 2)
    if (g_ascii_strcasecmp (g_ptr_array_index (response->headers, i), name) == 0)
      {
        g_free (response->headers->pdata[i + 1]);
        response->headers->pdata[i + 1] = g_strdup (value);
        return;
      }

  g_ptr_array_add (response->headers, g_strdup (name));
  g_ptr_array_add (response->headers, g_strdup (value));
}

const char *
td_api_response_get_header (TdApiResponse *response,
                            const char    *name)
{
  for (guint i = 0; i + 1 < response->headers->len; i += 2)
    if (g_ascii_strcasecmp (g_ptr_array_index (response->headers, i), name) == 0)
      return g_ptr_array_index (response->headers, i + 1);

  return NULL;
}

/* The body as JSON, for tests and logging; NULL when there is none. */
JsonNode *
td_api_response_parse_body (TdApiResponse *response)
{
  gsize length;
  const char *data;

  if (response->body == NULL)
    return NULL;

  data = g_bytes_get_data (response->body, &length);
  return td_json_parse (data, length, NULL);
}

void
td_api_response_free (TdApiResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->body, g_bytes_unref);
  g_ptr_array_unref (response->headers);
  g_free (response);
}
