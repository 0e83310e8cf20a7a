/* td-api-cases.c: ticket, video-session and task actions, attachments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-cases"

#include "config.h"

#include "td-api-cases.h"

#include "td-api-client-private.h"
#include "td-api-resources-private.h"

/* The list routes of a ticket's thread page by offset: ?cursor=&limit= as for messages. */
static void
list_ticket_children (TdApiClient         *client,
                      const char          *ticket_id,
                      const char          *children,
                      const char          *cursor,
                      guint                limit,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autofree char *base = NULL;
  g_autoptr(GString) path = NULL;

  g_return_if_fail (ticket_id != NULL);

  base = td_api_path_new ("tickets", ticket_id, children, NULL);
  path = g_string_new (base);
  if (cursor != NULL)
    td_api_path_add_query (path, "cursor", cursor);
  if (limit > 0)
    {
      char text[16];

      g_snprintf (text, sizeof text, "%u", MIN (limit, 500));
      td_api_path_add_query (path, "limit", text);
    }
  td_api_resources_send (client, &(TdApiRequestSpec) { .method = "GET", .path = path->str },
                         cancellable, callback, user_data);
}

/* @method on @path (already built) with @body and an optional If-Match. */
static void
send_action (TdApiClient         *client,
             const char          *method,
             const char          *path,
             JsonObject          *body,
             gint64               version,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  td_api_resources_send (client, &(TdApiRequestSpec) {
                           .method = method,
                           .path = path,
                           .body = body,
                           .if_match = version,
                         },
                         cancellable, callback, user_data);
}

void
td_api_list_ticket_messages_async (TdApiClient         *client,
                                   const char          *ticket_id,
                                   const char          *cursor,
                                   guint                limit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  list_ticket_children (client, ticket_id, "messages", cursor, limit, cancellable, callback,
                        user_data);
}

void
td_api_post_ticket_message_async (TdApiClient         *client,
                                  const char          *ticket_id,
                                  const char          *body,
                                  const char * const  *attachment_ids,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *path = NULL;

  g_return_if_fail (ticket_id != NULL);
  g_return_if_fail (body != NULL);

  json_object_set_string_member (fields, "body", body);
  if (attachment_ids != NULL)
    json_object_set_array_member (fields, "attachment_ids",
                                  td_api_json_array_from_strv (attachment_ids));
  path = td_api_path_new ("tickets", ticket_id, "messages", NULL);
  send_action (client, "POST", path, fields, 0, cancellable, callback, user_data);
}

void
td_api_list_ticket_updates_async (TdApiClient         *client,
                                  const char          *ticket_id,
                                  const char          *cursor,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  list_ticket_children (client, ticket_id, "updates", cursor, limit, cancellable, callback,
                        user_data);
}

void
td_api_post_ticket_update_async (TdApiClient         *client,
                                 const char          *ticket_id,
                                 TdApiUpdateKind      kind,
                                 const char          *body,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *path = NULL;

  g_return_if_fail (ticket_id != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (kind == TD_API_UPDATE_PUBLIC || kind == TD_API_UPDATE_INTERNAL);

  json_object_set_string_member (fields, "kind",
                                 kind == TD_API_UPDATE_PUBLIC ? "public" : "internal");
  json_object_set_string_member (fields, "body", body);
  path = td_api_path_new ("tickets", ticket_id, "updates", NULL);
  send_action (client, "POST", path, fields, 0, cancellable, callback, user_data);
}

void
td_api_list_ticket_offers_async (TdApiClient         *client,
                                 const char          *ticket_id,
                                 const char          *cursor,
                                 guint                limit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  list_ticket_children (client, ticket_id, "offers", cursor, limit, cancellable, callback,
                        user_data);
}

static void
answer_offer (TdApiClient         *client,
              const char          *ticket_id,
              const char          *offer_id,
              const char          *answer,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ticket_id != NULL);
  g_return_if_fail (offer_id != NULL);

  path = td_api_path_new ("tickets", ticket_id, "offers", offer_id, answer, NULL);
  send_action (client, "POST", path, NULL, 0, cancellable, callback, user_data);
}

void
td_api_accept_ticket_offer_async (TdApiClient         *client,
                                  const char          *ticket_id,
                                  const char          *offer_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  answer_offer (client, ticket_id, offer_id, "accept", cancellable, callback, user_data);
}

void
td_api_decline_ticket_offer_async (TdApiClient         *client,
                                   const char          *ticket_id,
                                   const char          *offer_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  answer_offer (client, ticket_id, offer_id, "decline", cancellable, callback, user_data);
}

static void
change_responsible (TdApiClient         *client,
                    const char          *ticket_id,
                    const char          *action,
                    const char * const  *employee_ids,
                    gint64               version,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *path = NULL;

  g_return_if_fail (ticket_id != NULL);
  g_return_if_fail (employee_ids != NULL);

  json_object_set_array_member (body, "employee_ids",
                                td_api_json_array_from_strv (employee_ids));
  path = td_api_path_new ("tickets", ticket_id, action, NULL);
  send_action (client, "POST", path, body, version, cancellable, callback, user_data);
}

void
td_api_assign_ticket_async (TdApiClient         *client,
                            const char          *ticket_id,
                            const char * const  *employee_ids,
                            gint64               version,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  change_responsible (client, ticket_id, "assign", employee_ids, version, cancellable,
                      callback, user_data);
}

void
td_api_withdraw_ticket_async (TdApiClient         *client,
                              const char          *ticket_id,
                              const char * const  *employee_ids,
                              gint64               version,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  change_responsible (client, ticket_id, "withdraw", employee_ids, version, cancellable,
                      callback, user_data);
}

static void
rate (TdApiClient         *client,
      const char          *collection,
      const char          *id,
      guint                stars,
      const char          *comment,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *path = NULL;

  g_return_if_fail (id != NULL);

  json_object_set_int_member (body, "stars", stars);
  if (comment != NULL)
    json_object_set_string_member (body, "comment", comment);
  path = td_api_path_new (collection, id, "rating", NULL);
  send_action (client, "POST", path, body, 0, cancellable, callback, user_data);
}

void
td_api_rate_ticket_async (TdApiClient         *client,
                          const char          *ticket_id,
                          guint                stars,
                          const char          *comment,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  rate (client, "tickets", ticket_id, stars, comment, cancellable, callback, user_data);
}

void
td_api_rate_video_session_async (TdApiClient         *client,
                                 const char          *video_session_id,
                                 guint                stars,
                                 const char          *comment,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  rate (client, "video-sessions", video_session_id, stars, comment, cancellable, callback,
        user_data);
}

void
td_api_list_ticket_video_sessions_async (TdApiClient         *client,
                                         const char          *ticket_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ticket_id != NULL);

  path = td_api_path_new ("tickets", ticket_id, "video-sessions", NULL);
  send_action (client, "GET", path, NULL, 0, cancellable, callback, user_data);
}

static void
link_video_session (TdApiClient         *client,
                    const char          *method,
                    const char          *ticket_id,
                    const char          *video_session_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (ticket_id != NULL);
  g_return_if_fail (video_session_id != NULL);

  path = td_api_path_new ("tickets", ticket_id, "video-sessions", video_session_id, NULL);
  send_action (client, method, path, NULL, 0, cancellable, callback, user_data);
}

void
td_api_link_ticket_video_session_async (TdApiClient         *client,
                                        const char          *ticket_id,
                                        const char          *video_session_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  link_video_session (client, "POST", ticket_id, video_session_id, cancellable, callback,
                      user_data);
}

void
td_api_unlink_ticket_video_session_async (TdApiClient         *client,
                                          const char          *ticket_id,
                                          const char          *video_session_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  link_video_session (client, "DELETE", ticket_id, video_session_id, cancellable, callback,
                      user_data);
}

void
td_api_set_task_step_async (TdApiClient         *client,
                            const char          *task_id,
                            guint                index,
                            gboolean             completed,
                            gint64               version,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *path = NULL;
  char segment[16];

  g_return_if_fail (task_id != NULL);

  g_snprintf (segment, sizeof segment, "%u", index);
  json_object_set_boolean_member (body, "completed", completed);
  path = td_api_path_new ("tasks", task_id, "steps", segment, NULL);
  send_action (client, "PATCH", path, body, version, cancellable, callback, user_data);
}

void
td_api_upload_attachment_async (TdApiClient         *client,
                                const char          *file_name,
                                const char          *content_type,
                                GBytes              *content,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *base = td_api_path_new ("attachments", NULL);
  g_autoptr(GString) path = g_string_new (base);

  g_return_if_fail (file_name != NULL);
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (content != NULL);

  td_api_path_add_query (path, "file_name", file_name);
  td_api_resources_send (client, &(TdApiRequestSpec) {
                           .method = "POST",
                           .path = path->str,
                           .raw_body = content,
                           .content_type = content_type,
                         },
                         cancellable, callback, user_data);
}

void
td_api_get_attachment_async (TdApiClient         *client,
                             const char          *id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (id != NULL);

  path = td_api_path_new ("attachments", id, NULL);
  send_action (client, "GET", path, NULL, 0, cancellable, callback, user_data);
}

/* The file comes as it is, not as JSON: the task's result is the body. */
static void
content_handle (TdApiClient *client,
                GTask       *task,
                GBytes      *body)
{
  g_task_return_pointer (task, body != NULL ? g_bytes_ref (body) : g_bytes_new (NULL, 0),
                         (GDestroyNotify) g_bytes_unref);
}

void
td_api_download_attachment_async (TdApiClient         *client,
                                  const char          *id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (TD_IS_API_CLIENT (client));
  g_return_if_fail (id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_api_download_attachment_async);
  path = td_api_path_new ("attachments", id, "content", NULL);
  td_api_client_send_request (client, task, "GET", path, NULL, NULL, TRUE, 0,
                              content_handle);
}

GBytes *
td_api_download_attachment_finish (TdApiClient   *client,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (TD_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        td_api_download_attachment_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
