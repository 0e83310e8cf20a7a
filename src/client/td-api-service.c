/* td-api-service.c: health and the change feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-service"

#include "config.h"

#include "td-api-service.h"

#include "td-api-resources-private.h"

#define CHANGES_LIMIT_MAX 5000

void
td_api_get_health_async (TdApiClient         *client,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autofree char *path = td_api_path_new ("health", NULL);

  td_api_resources_send (client, &(TdApiRequestSpec) { .method = "GET", .path = path },
                         cancellable, callback, user_data);
}

void
td_api_get_changes_async (TdApiClient         *client,
                          gint64               since,
                          guint                limit,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autofree char *base = td_api_path_new ("changes", NULL);
  g_autoptr(GString) path = g_string_new (base);
  char number[32];

  g_return_if_fail (since >= 0);

  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, since);
  td_api_path_add_query (path, "since", number);
  if (limit > 0)
    {
      g_snprintf (number, sizeof number, "%u", MIN (limit, CHANGES_LIMIT_MAX));
      td_api_path_add_query (path, "limit", number);
    }
  td_api_resources_send (client, &(TdApiRequestSpec) { .method = "GET", .path = path->str },
                         cancellable, callback, user_data);
}
