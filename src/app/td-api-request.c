/* td-api-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-request"

#include "config.h"

#include "td-api-request.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "td-json.h"

#define MAX_SERVER_MESSAGE   500

static GError *
error_for_status (guint       status,
                  JsonObject *object)
{
  JsonObject *server_error = td_json_get_object (object, "error");
  const char *message = td_json_get_string (server_error, "message");

  if (message != NULL && *message != '\0' && g_utf8_strlen (message, -1) <= MAX_SERVER_MESSAGE)
    return g_error_new_literal (TD_API_ERROR, td_api_error_from_status (status), message);

  return g_error_new (TD_API_ERROR, td_api_error_from_status (status),
                      _("The server answered with the unexpected HTTP status %u"), status);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize length = 0;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT,
                                 _("Cannot connect to the server: %s"), error->message);
      return;
    }

  status = soup_message_get_status (message);
  data = g_bytes_get_data (bytes, &length);
  /* The depth check happens before json-glib sees the body. */
  if (length > 0)
    object = td_json_parse_object (data, length, NULL);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, error_for_status (status, object));
      return;
    }

  /* 204 and friends: an empty object stands for "no content". */
  if (object == NULL && length == 0)
    object = json_object_new ();

  if (object == NULL)
    {
      g_task_return_new_error (task, TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE,
                               _("The server sent an answer Twindesk does not understand"));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

void
td_api_request_async (TdApiClient         *client,
                      const char          *method,
                      const char          *path,
                      JsonObject          *body,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *uri = NULL;
  SoupMessage *message;
  SoupMessageHeaders *headers;
  const char *token;

  g_return_if_fail (TD_IS_API_CLIENT (client));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_api_request_async);

  uri = g_strconcat (td_api_client_get_base_url (client), path, NULL);
  message = soup_message_new (method, uri);
  if (message == NULL)
    {
      g_task_return_new_error (task, TD_API_ERROR, TD_API_ERROR_INVALID_URL,
                               _("“%s” is not the address of a server"),
                               td_api_client_get_base_url (client));
      return;
    }
  g_task_set_task_data (task, message, g_object_unref);

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  token = td_api_client_get_token (client);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }

  if (body != NULL)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(GBytes) bytes = NULL;
      char *text;

      json_node_set_object (node, body);
      text = td_json_to_string (node);
      bytes = g_bytes_new_take (text, strlen (text));
      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  soup_session_send_and_read_async (td_api_client_get_soup_session (client), message, G_PRIORITY_DEFAULT,
                                    cancellable, send_cb, g_steal_pointer (&task));
}

JsonObject *
td_api_request_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == td_api_request_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
