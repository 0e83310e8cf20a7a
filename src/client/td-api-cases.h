/* td-api-cases.h: the action routes of tickets, video sessions and tasks, and attachments
 *
 * Tickets, video sessions, task events and tasks themselves are collections, and their
 * status changes go through td_api_set_status_async() (td-api-collections.h); how calls
 * finish: td-api-resources.h. Every action loads its case in the caller's scope first:
 * outside it, TD_API_ERROR_NOT_FOUND.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-resources.h"

G_BEGIN_DECLS

typedef enum
{
  TD_API_UPDATE_PUBLIC,    /* customers see it */
  TD_API_UPDATE_INTERNAL,  /* staff only */
} TdApiUpdateKind;

/* GET /api/v1/tickets/{id}/messages, oldest first, @limit (0: the server's default of
 * 100) from @cursor (NULL: the start) → td_api_list_finish(). */
void    td_api_list_ticket_messages_async       (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char           *cursor,
                                                 guint                 limit,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* POST /api/v1/tickets/{id}/messages with Markdown @body and uploaded attachments
 * (td_api_upload_attachment_async(); nullable) → the message,
 * td_api_client_object_finish(). */
void    td_api_post_ticket_message_async        (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char           *body,
                                                 const char * const   *attachment_ids,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* GET /api/v1/tickets/{id}/updates (customers: the public ones) → td_api_list_finish(). */
void    td_api_list_ticket_updates_async        (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char           *cursor,
                                                 guint                 limit,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* POST /api/v1/tickets/{id}/updates → the update, td_api_client_object_finish(). */
void    td_api_post_ticket_update_async         (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 TdApiUpdateKind       kind,
                                                 const char           *body,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);

/* GET /api/v1/tickets/{id}/offers (employees) → td_api_list_finish(). */
void    td_api_list_ticket_offers_async         (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char           *cursor,
                                                 guint                 limit,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* POST /api/v1/tickets/{id}/offers/{offer_id}/accept: the caller's own offer; they join
 * the responsible employees → the ticket, td_api_client_object_finish(). */
void    td_api_accept_ticket_offer_async        (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char           *offer_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* POST /api/v1/tickets/{id}/offers/{offer_id}/decline → the ticket,
 * td_api_client_object_finish(). */
void    td_api_decline_ticket_offer_async       (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char           *offer_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);

/* POST /api/v1/tickets/{id}/assign {"employee_ids"}; @version > 0 sends If-Match → the
 * ticket, td_api_client_object_finish(). */
void    td_api_assign_ticket_async              (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char * const   *employee_ids,
                                                 gint64                version,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* POST /api/v1/tickets/{id}/withdraw {"employee_ids"}, as assign. */
void    td_api_withdraw_ticket_async            (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char * const   *employee_ids,
                                                 gint64                version,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);

/* POST /api/v1/tickets/{id}/rating (customer users, a done ticket) with 1–5 @stars and an
 * optional @comment → the closed ticket, td_api_client_object_finish(). */
void    td_api_rate_ticket_async                (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 guint                 stars,
                                                 const char           *comment,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* POST /api/v1/video-sessions/{id}/rating, as for tickets. */
void    td_api_rate_video_session_async         (TdApiClient          *client,
                                                 const char           *video_session_id,
                                                 guint                 stars,
                                                 const char           *comment,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);

/* GET /api/v1/tickets/{id}/video-sessions: the linked sessions the caller can see →
 * td_api_list_finish(). */
void    td_api_list_ticket_video_sessions_async (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* POST /api/v1/tickets/{id}/video-sessions/{video_session_id} (idempotent) →
 * td_api_empty_finish(). */
void    td_api_link_ticket_video_session_async  (TdApiClient          *client,
                                                 const char           *ticket_id,
                                                 const char           *video_session_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* DELETE /api/v1/tickets/{id}/video-sessions/{video_session_id} → td_api_empty_finish(). */
void    td_api_unlink_ticket_video_session_async (TdApiClient         *client,
                                                  const char          *ticket_id,
                                                  const char          *video_session_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);

/* PATCH /api/v1/tasks/{id}/steps/{index} {"completed"}; @version > 0 sends If-Match → the
 * task, td_api_client_object_finish(). */
void    td_api_set_task_step_async              (TdApiClient          *client,
                                                 const char           *task_id,
                                                 guint                 index,
                                                 gboolean              completed,
                                                 gint64                version,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);

/* POST /api/v1/attachments?file_name=@file_name with @content (at most 10 MiB) of
 * @content_type (image/png, image/jpeg, application/pdf, text/plain, video/mp4) →
 * {"id","file_name","content_type","size","sha256",…}, td_api_client_object_finish(). Only
 * the uploader sees it until a message names it. */
void    td_api_upload_attachment_async          (TdApiClient          *client,
                                                 const char           *file_name,
                                                 const char           *content_type,
                                                 GBytes               *content,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* GET /api/v1/attachments/{id}: the metadata → td_api_client_object_finish(). */
void    td_api_get_attachment_async             (TdApiClient          *client,
                                                 const char           *id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* GET /api/v1/attachments/{id}/content: the file itself. */
void    td_api_download_attachment_async        (TdApiClient          *client,
                                                 const char           *id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GBytes *td_api_download_attachment_finish       (TdApiClient          *client,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
