/* td-api-client.h: typed calls to the twindesk-server API over one SoupSession
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "td-client-error.h"
#include "td-session.h"
#include "td-user.h"

G_BEGIN_DECLS

/* GETs are sent again after a refused or reset connection or a 502/503/504, up to this
 * many times, 200 ms apart doubling (with jitter). Other methods never: a POST may have
 * been carried out (the sync engine's outbox retries those with an Idempotency-Key). */
#define TD_API_CLIENT_MAX_RETRIES     3
#define TD_API_CLIENT_RETRY_FIRST_MS  200

#define TD_TYPE_API_CLIENT (td_api_client_get_type ())

G_DECLARE_FINAL_TYPE (TdApiClient, td_api_client, TD, API_CLIENT, GObject)

/* @base_url must already be normalized with td_validate_server_url(). */
TdApiClient *td_api_client_new            (const char           *base_url);
const char  *td_api_client_get_base_url   (TdApiClient          *self);
const char  *td_api_client_get_token      (TdApiClient          *self);
void         td_api_client_set_token      (TdApiClient          *self,
                                           const char           *token);
void         td_api_client_set_timeout    (TdApiClient          *self,
                                           guint                 seconds);

/* POST /api/v1/auth/login; on success the client also adopts the new token. */
void         td_api_client_login_async    (TdApiClient          *self,
                                           const char           *email,
                                           const char           *password,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
TdSession   *td_api_client_login_finish   (TdApiClient          *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* POST /api/v1/auth/logout; the client forgets its token whatever the outcome. */
void         td_api_client_logout_async   (TdApiClient          *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean     td_api_client_logout_finish  (TdApiClient          *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* GET /api/v1/me with the current token. */
void         td_api_client_get_me_async   (TdApiClient          *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
TdUser      *td_api_client_get_me_finish  (TdApiClient          *self,
                                           GAsyncResult         *result,
                                           GError              **error);

/* Personal account and notification drawer ------------------------------------------- *
 *
 * Calls that answer a JSON object finish with td_api_client_object_finish(), which returns
 * the parsed object (unref with json_object_unref()); calls that answer 204 finish with
 * td_api_client_action_finish(). On a 400 the server may name the member at fault
 * (`field` of its error body): td_api_client_action_finish_with_field() and
 * td_api_client_object_finish_with_field() return it. */

JsonObject  *td_api_client_object_finish  (TdApiClient          *self,
                                           GAsyncResult         *result,
                                           GError              **error);
JsonObject  *td_api_client_object_finish_with_field (TdApiClient   *self,
                                                     GAsyncResult  *result,
                                                     char         **error_field,
                                                     GError       **error);
gboolean     td_api_client_action_finish  (TdApiClient          *self,
                                           GAsyncResult         *result,
                                           GError              **error);
gboolean     td_api_client_action_finish_with_field (TdApiClient   *self,
                                                     GAsyncResult  *result,
                                                     char         **error_field,
                                                     GError       **error);

/* GET /api/v1/notifications?limit=@limit (newest event first) → {"items","next_cursor"}. */
void         td_api_client_list_notifications_async  (TdApiClient         *self,
                                                      guint                limit,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
/* GET /api/v1/notifications/unread-count → {"unread": N}. */
void         td_api_client_get_unread_count_async    (TdApiClient         *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
/* POST /api/v1/notifications/{id}/read → the notification. */
void         td_api_client_mark_notification_read_async (TdApiClient         *self,
                                                         const char          *id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* POST /api/v1/notifications/read-all, only up to @until (RFC 3339; NULL: all) →
 * {"marked": N}. */
void         td_api_client_mark_all_notifications_read_async (TdApiClient         *self,
                                                              const char          *until,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);

/* POST /api/v1/auth/transfer-tokens → {"token","url","expires_at"}. */
void         td_api_client_create_transfer_token_async (TdApiClient         *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* POST /api/v1/auth/transfer-tokens/redeem (public): a new session, as login answers; the
 * client adopts its token. Finish with td_api_client_login_finish(). */
void         td_api_client_redeem_transfer_token_async (TdApiClient         *self,
                                                        const char          *token,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);

/* GET /api/v1/me/sessions → {"items":[…]}. */
void         td_api_client_list_sessions_async  (TdApiClient         *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* DELETE /api/v1/me/sessions/{id}; finish with td_api_client_action_finish(). */
void         td_api_client_revoke_session_async (TdApiClient         *self,
                                                 const char          *id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* POST /api/v1/me/sessions/revoke-others; finish with td_api_client_action_finish(). */
void         td_api_client_revoke_other_sessions_async (TdApiClient         *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* POST /api/v1/me/password; finish with td_api_client_action_finish_with_field():
 * `current_password` names a wrong current password, `new_password` a weak new one. */
void         td_api_client_change_password_async (TdApiClient         *self,
                                                  const char          *current_password,
                                                  const char          *new_password,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* PATCH /api/v1/me with the members of @changes → the user object as stored (finish with
 * td_api_client_object_finish(); td_user_from_json() decodes it). */
void         td_api_client_update_me_async  (TdApiClient         *self,
                                             JsonObject          *changes,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);

/* Any other route: @method @path (relative to the base URL, "/api/v1/tickets?limit=100")
 * with @body (nullable) as JSON, authorized with the token. Finish with
 * td_api_client_object_finish(): the answer's object (an empty one for 204). GETs are
 * retried as described above. */
void         td_api_client_call_async    (TdApiClient          *self,
                                          const char           *method,
                                          const char           *path,
                                          JsonObject           *body,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);

/* What a call can carry beyond a JSON body. */
typedef struct
{
  gint64      if_match;         /* > 0: If-Match: "<if_match>", the version the caller saw */
  const char *idempotency_key;  /* Idempotency-Key; NULL: none */
  GBytes     *raw_body;         /* instead of a JSON body: these bytes as they are… */
  const char *content_type;     /* …with this Content-Type (NULL: application/octet-stream) */
} TdApiRequestExtras;

/* td_api_client_call_async() with the headers and raw body of @extras (nullable); finish
 * with td_api_client_object_finish(). */
void         td_api_client_call_full_async (TdApiClient              *self,
                                            const char               *method,
                                            const char               *path,
                                            JsonObject               *body,
                                            const TdApiRequestExtras *extras,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);

/* The client's SoupSession (see td-sync.c). */
SoupSession *td_api_client_get_soup_session (TdApiClient *self);

G_END_DECLS
