/* td-api-insights.c: dashboard statistics and feedback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-insights"

#include "config.h"

#include "td-api-insights.h"

#include "td-api-resources-private.h"
#include "td-time.h"

void
td_api_get_dashboard_stats_async (TdApiClient         *client,
                                  gint64               from_usec,
                                  gint64               to_usec,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *base = td_api_path_new ("stats", "dashboard", NULL);
  g_autoptr(GString) path = g_string_new (base);

  if (from_usec != 0)
    {
      g_autofree char *from = td_time_format (from_usec);

      td_api_path_add_query (path, "from", from);
    }
  if (to_usec != 0)
    {
      g_autofree char *to = td_time_format (to_usec);

      td_api_path_add_query (path, "to", to);
    }
  td_api_resources_send (client, &(TdApiRequestSpec) { .method = "GET", .path = path->str },
                         cancellable, callback, user_data);
}

void
td_api_send_feedback_async (TdApiClient         *client,
                            const char          *text,
                            const char          *app_version,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *path = td_api_path_new ("feedback", NULL);

  g_return_if_fail (text != NULL);

  json_object_set_string_member (body, "text", text);
  if (app_version != NULL)
    json_object_set_string_member (body, "app_version", app_version);
  td_api_resources_send (client, &(TdApiRequestSpec) {
                           .method = "POST",
                           .path = path,
                           .body = body,
                         },
                         cancellable, callback, user_data);
}
