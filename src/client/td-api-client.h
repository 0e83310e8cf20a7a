/* td-api-client.h: typed calls to the twindesk-server API over one SoupSession
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "td-client-error.h"
#include "td-session.h"
#include "td-user.h"

G_BEGIN_DECLS

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

/* The client's SoupSession (see td-sync.c). */
SoupSession *td_api_client_get_soup_session (TdApiClient *self);

G_END_DECLS
