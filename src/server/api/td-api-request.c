/* td-api-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api"

#include "config.h"

#include "td-api-request.h"

#include <string.h>

TdApiRequest *
td_api_request_new (const char *method,
                    const char *path)
{
  TdApiRequest *request = g_new0 (TdApiRequest, 1);

  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  request->body = g_bytes_new (NULL, 0);
  return request;
}

void
td_api_request_set_body (TdApiRequest *request,
                         const char   *data,
                         gsize         length)
{
  td_api_request_take_body (request, g_bytes_new (data, length));
}

void
td_api_request_take_body (TdApiRequest *request,
                          GBytes       *body)
{
  g_bytes_unref (request->body);
  request->body = body != NULL ? body : g_bytes_new (NULL, 0);
}

void
td_api_request_free (TdApiRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->method);
  g_free (request->path);
  g_hash_table_unref (request->query);
  if (request->authorization != NULL)
    {
      /* It carries a bearer token. */
      memset (request->authorization, 0, strlen (request->authorization));
      g_free (request->authorization);
    }
  g_free (request->if_match);
  g_free (request->idempotency_key);
  g_free (request->content_type);
  g_free (request->user_agent);
  g_bytes_unref (request->body);
  g_free (request->peer);
  g_free (request->host);
  g_free (request);
}
