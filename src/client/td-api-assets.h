/* td-api-assets.h: the action routes of codes
 *
 * Templates, devices and codes themselves are collections (td-api-collections.h); how calls
 * finish: td-api-resources.h. The code actions take an optional @version: > 0 sends
 * If-Match (a stale one fails with TD_API_ERROR_PRECONDITION_FAILED), 0 acts on the code as
 * it is now.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-resources.h"

G_BEGIN_DECLS

typedef enum
{
  TD_API_SHARE_LINK_30_MINUTES,
  TD_API_SHARE_LINK_PERMANENT,
} TdApiShareLinkDuration;

/* POST /api/v1/codes/{id}/pair {"device_id"}: re-pairing moves the code → the code,
 * td_api_client_object_finish(). */
void td_api_pair_code_async                (TdApiClient            *client,
                                            const char             *id,
                                            const char             *device_id,
                                            gint64                  version,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
/* POST /api/v1/codes/{id}/unpair → the code, td_api_client_object_finish(). */
void td_api_unpair_code_async              (TdApiClient            *client,
                                            const char             *id,
                                            gint64                  version,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
/* POST /api/v1/codes/{id}/share-links → {"token","url","expires_at"} (url is
 * path-absolute: prefix the server URL), td_api_client_object_finish(). */
void td_api_create_code_share_link_async   (TdApiClient            *client,
                                            const char             *id,
                                            TdApiShareLinkDuration  duration,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
/* PUT /api/v1/codes/{id}/pin {"pin"}: 4–8 digits, NULL removes the PIN → the code
 * (has_pin), td_api_client_object_finish(). The request body is wiped once sent. */
void td_api_set_code_pin_async             (TdApiClient            *client,
                                            const char             *id,
                                            const char             *pin,
                                            gint64                  version,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
/* POST /api/v1/codes/{id}/logout-code-users → the code with code_user_epoch + 1,
 * td_api_client_object_finish(). */
void td_api_logout_code_users_async        (TdApiClient            *client,
                                            const char             *id,
                                            gint64                  version,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
/* DELETE /api/v1/codes/{id}/notifications → td_api_empty_finish(). */
void td_api_clear_code_notifications_async (TdApiClient            *client,
                                            const char             *id,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);

G_END_DECLS
