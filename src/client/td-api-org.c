/* td-api-org.c: organization settings, company profile, invitations, independence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-org"

#include "config.h"

#include "td-api-org.h"

#include "td-api-client-private.h"
#include "td-api-resources-private.h"

/* GET or PATCH of a singleton resource (/organization, /company). */
static void
singleton_call (TdApiClient         *client,
                const char          *segment,
                gint64               version,
                JsonObject          *changes,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autofree char *path = td_api_path_new (segment, NULL);

  td_api_resources_send (client, &(TdApiRequestSpec) {
                           .method = changes != NULL ? "PATCH" : "GET",
                           .path = path,
                           .body = changes,
                           .if_match = version,
                         },
                         cancellable, callback, user_data);
}

void
td_api_get_organization_async (TdApiClient         *client,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  singleton_call (client, "organization", 0, NULL, cancellable, callback, user_data);
}

void
td_api_update_organization_async (TdApiClient         *client,
                                  gint64               version,
                                  JsonObject          *changes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (changes != NULL);

  singleton_call (client, "organization", version, changes, cancellable, callback, user_data);
}

void
td_api_get_company_async (TdApiClient         *client,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  singleton_call (client, "company", 0, NULL, cancellable, callback, user_data);
}

void
td_api_update_company_async (TdApiClient         *client,
                             gint64               version,
                             JsonObject          *changes,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (changes != NULL);

  singleton_call (client, "company", version, changes, cancellable, callback, user_data);
}

void
td_api_resend_invitation_async (TdApiClient         *client,
                                const char          *id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (id != NULL);

  path = td_api_path_new ("invitations", id, "resend", NULL);
  td_api_resources_send (client, &(TdApiRequestSpec) { .method = "POST", .path = path },
                         cancellable, callback, user_data);
}

void
td_api_accept_invitation_async (TdApiClient         *client,
                                const char          *token,
                                const char          *password,
                                const char          *first_name,
                                const char          *last_name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (TD_IS_API_CLIENT (client));
  g_return_if_fail (token != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  json_object_set_string_member (fields, "token", token);
  json_object_set_string_member (fields, "password", password);
  if (first_name != NULL)
    json_object_set_string_member (fields, "first_name", first_name);
  if (last_name != NULL)
    json_object_set_string_member (fields, "last_name", last_name);
  body = td_api_secret_json_bytes (fields);

  /* It ends like a login (a new session for the new user), so it finishes like one; no
   * bearer token, as for a login: the invitation's token is the credential. */
  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_api_client_login_async);
  path = td_api_path_new ("invitations", "accept", NULL);
  td_api_client_send_request (client, task, "POST", path, body, NULL, FALSE, 0,
                              td_api_client_login_handle);
}

void
td_api_become_independent_async (TdApiClient         *client,
                                 gint64               company_version,
                                 const char          *name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *path = td_api_path_new ("company", "become-independent", NULL);

  if (name != NULL)
    json_object_set_string_member (body, "name", name);
  td_api_resources_send (client, &(TdApiRequestSpec) {
                           .method = "POST",
                           .path = path,
                           .body = body,
                           .if_match = company_version,
                         },
                         cancellable, callback, user_data);
}
