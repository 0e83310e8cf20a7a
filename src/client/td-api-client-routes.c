/* td-api-client-routes.c: the client's side of the route coverage (see td-api-client-routes.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-client-routes"

#include "config.h"

#include "td-api-client-routes.h"

#include "td-api-assets.h"
#include "td-api-cases.h"
#include "td-api-client.h"
#include "td-api-collections.h"
#include "td-api-insights.h"
#include "td-api-org.h"
#include "td-api-resources-private.h"
#include "td-api-service.h"

typedef struct
{
  const char *method;
  const char *pattern;
  const char *function;
  GCallback   call;      /* so that a name in this table is a function that exists */
  const char *reason;
} Row;

#define CALL(method, path, function) \
  { method, TD_API_PATH_PREFIX path, #function, G_CALLBACK (function), NULL }
#define NO_CALL(method, path, reason) \
  { method, path, NULL, NULL, reason }

/* The action routes and everything else that is not a collection operation; those come
 * from the table in td-api-collections.c. */
static const Row rows[] = {
  /* td-api-client.h */
  CALL ("POST",   "/auth/login",                      td_api_client_login_async),
  CALL ("POST",   "/auth/logout",                     td_api_client_logout_async),
  CALL ("GET",    "/me",                              td_api_client_get_me_async),
  CALL ("PATCH",  "/me",                              td_api_client_update_me_async),
  CALL ("POST",   "/me/password",                     td_api_client_change_password_async),
  CALL ("GET",    "/me/sessions",                     td_api_client_list_sessions_async),
  CALL ("POST",   "/me/sessions/revoke-others",       td_api_client_revoke_other_sessions_async),
  CALL ("DELETE", "/me/sessions/{id}",                td_api_client_revoke_session_async),
  CALL ("POST",   "/auth/transfer-tokens",            td_api_client_create_transfer_token_async),
  CALL ("POST",   "/auth/transfer-tokens/redeem",     td_api_client_redeem_transfer_token_async),
  CALL ("GET",    "/notifications/unread-count",      td_api_client_get_unread_count_async),
  CALL ("POST",   "/notifications/read-all",          td_api_client_mark_all_notifications_read_async),
  CALL ("POST",   "/notifications/{id}/read",         td_api_client_mark_notification_read_async),
  NO_CALL ("GET", "/login/transfer", "the share-login page a phone opens from the QR code"),

  /* td-api-org.h */
  CALL ("GET",    "/organization",                    td_api_get_organization_async),
  CALL ("PATCH",  "/organization",                    td_api_update_organization_async),
  CALL ("GET",    "/company",                         td_api_get_company_async),
  CALL ("PATCH",  "/company",                         td_api_update_company_async),
  CALL ("POST",   "/invitations/{id}/resend",         td_api_resend_invitation_async),
  CALL ("POST",   "/invitations/accept",              td_api_accept_invitation_async),
  CALL ("POST",   "/company/become-independent",      td_api_become_independent_async),
  NO_CALL ("GET", "/invite", "the page the emailed invitation link opens in a browser"),

  /* td-api-assets.h */
  CALL ("POST",   "/codes/{id}/pair",                 td_api_pair_code_async),
  CALL ("POST",   "/codes/{id}/unpair",               td_api_unpair_code_async),
  CALL ("POST",   "/codes/{id}/share-links",          td_api_create_code_share_link_async),
  CALL ("PUT",    "/codes/{id}/pin",                  td_api_set_code_pin_async),
  CALL ("POST",   "/codes/{id}/logout-code-users",    td_api_logout_code_users_async),
  CALL ("DELETE", "/codes/{id}/notifications",        td_api_clear_code_notifications_async),

  /* td-api-cases.h */
  CALL ("GET",    "/tickets/{id}/messages",           td_api_list_ticket_messages_async),
  CALL ("POST",   "/tickets/{id}/messages",           td_api_post_ticket_message_async),
  CALL ("GET",    "/tickets/{id}/updates",            td_api_list_ticket_updates_async),
  CALL ("POST",   "/tickets/{id}/updates",            td_api_post_ticket_update_async),
  CALL ("GET",    "/tickets/{id}/offers",             td_api_list_ticket_offers_async),
  CALL ("POST",   "/tickets/{id}/offers/{offer_id}/accept",  td_api_accept_ticket_offer_async),
  CALL ("POST",   "/tickets/{id}/offers/{offer_id}/decline", td_api_decline_ticket_offer_async),
  CALL ("POST",   "/tickets/{id}/assign",             td_api_assign_ticket_async),
  CALL ("POST",   "/tickets/{id}/withdraw",           td_api_withdraw_ticket_async),
  CALL ("POST",   "/tickets/{id}/rating",             td_api_rate_ticket_async),
  CALL ("GET",    "/tickets/{id}/video-sessions",     td_api_list_ticket_video_sessions_async),
  CALL ("POST",   "/tickets/{id}/video-sessions/{video_session_id}",
                                                      td_api_link_ticket_video_session_async),
  CALL ("DELETE", "/tickets/{id}/video-sessions/{video_session_id}",
                                                      td_api_unlink_ticket_video_session_async),
  CALL ("POST",   "/attachments",                     td_api_upload_attachment_async),
  CALL ("GET",    "/attachments/{id}",                td_api_get_attachment_async),
  CALL ("GET",    "/attachments/{id}/content",        td_api_download_attachment_async),
  CALL ("POST",   "/video-sessions/{id}/rating",      td_api_rate_video_session_async),
  CALL ("PATCH",  "/tasks/{id}/steps/{index}",        td_api_set_task_step_async),

  /* td-api-insights.h, td-api-service.h */
  CALL ("GET",    "/health",                          td_api_get_health_async),
  CALL ("GET",    "/stats/dashboard",                 td_api_get_dashboard_stats_async),
  CALL ("POST",   "/feedback",                        td_api_send_feedback_async),
  CALL ("GET",    "/changes",                         td_api_get_changes_async),
};

typedef struct
{
  TdApiClientRouteFunc func;
  gpointer             user_data;
} ForeachData;

static void
collection_route_cb (const char *method,
                     const char *pattern,
                     const char *function,
                     gpointer    user_data)
{
  ForeachData *data = user_data;
  TdApiClientRoute route = { method, pattern, function, NULL };

  data->func (&route, data->user_data);
}

void
td_api_client_foreach_route (TdApiClientRouteFunc func,
                             gpointer             user_data)
{
  ForeachData data = { func, user_data };

  g_return_if_fail (func != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      TdApiClientRoute route = { rows[i].method, rows[i].pattern, rows[i].function,
                                 rows[i].reason };

      func (&route, user_data);
    }
  td_api_collections_foreach_route (collection_route_cb, &data);
}
