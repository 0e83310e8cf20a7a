/* td-api-assets.c: the code actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-assets"

#include "config.h"

#include "td-api-assets.h"

#include "td-api-resources-private.h"

/* @method /api/v1/codes/{id}/@action with @body (nullable) or the secret @raw_body. */
static void
code_action (TdApiClient         *client,
             const char          *method,
             const char          *id,
             const char          *action,
             JsonObject          *body,
             GBytes              *raw_body,
             gint64               version,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (id != NULL);

  path = td_api_path_new ("codes", id, action, NULL);
  td_api_resources_send (client, &(TdApiRequestSpec) {
                           .method = method,
                           .path = path,
                           .body = body,
                           .raw_body = raw_body,
                           .content_type = raw_body != NULL ? "application/json" : NULL,
                           .if_match = version,
                         },
                         cancellable, callback, user_data);
}

void
td_api_pair_code_async (TdApiClient         *client,
                        const char          *id,
                        const char          *device_id,
                        gint64               version,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (device_id != NULL);

  json_object_set_string_member (body, "device_id", device_id);
  code_action (client, "POST", id, "pair", body, NULL, version, cancellable, callback,
               user_data);
}

void
td_api_unpair_code_async (TdApiClient         *client,
                          const char          *id,
                          gint64               version,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  code_action (client, "POST", id, "unpair", NULL, NULL, version, cancellable, callback,
               user_data);
}

void
td_api_create_code_share_link_async (TdApiClient            *client,
                                     const char             *id,
                                     TdApiShareLinkDuration  duration,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (duration == TD_API_SHARE_LINK_30_MINUTES ||
                    duration == TD_API_SHARE_LINK_PERMANENT);

  json_object_set_string_member (body, "duration",
                                 duration == TD_API_SHARE_LINK_PERMANENT ? "permanent" : "30m");
  code_action (client, "POST", id, "share-links", body, NULL, 0, cancellable, callback,
               user_data);
}

void
td_api_set_code_pin_async (TdApiClient         *client,
                           const char          *id,
                           const char          *pin,
                           gint64               version,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GBytes) body = NULL;

  if (pin != NULL)
    json_object_set_string_member (fields, "pin", pin);
  else
    json_object_set_null_member (fields, "pin");
  body = td_api_secret_json_bytes (fields);
  code_action (client, "PUT", id, "pin", NULL, body, version, cancellable, callback,
               user_data);
}

void
td_api_logout_code_users_async (TdApiClient         *client,
                                const char          *id,
                                gint64               version,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  code_action (client, "POST", id, "logout-code-users", NULL, NULL, version, cancellable,
               callback, user_data);
}

void
td_api_clear_code_notifications_async (TdApiClient         *client,
                                       const char          *id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  code_action (client, "DELETE", id, "notifications", NULL, NULL, 0, cancellable, callback,
               user_data);
}
