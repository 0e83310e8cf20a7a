/* td-api-accounts.h: share login, sessions, password change, personal settings
 *
 * The routes are rows of the auth route table (td-api-auth.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

TdApiResponse *td_api_transfer_create        (TdApiCall *call);
TdApiResponse *td_api_transfer_redeem        (TdApiCall *call);
TdApiResponse *td_api_sessions_list          (TdApiCall *call);
TdApiResponse *td_api_sessions_revoke        (TdApiCall *call);
TdApiResponse *td_api_sessions_revoke_others (TdApiCall *call);
TdApiResponse *td_api_password_change        (TdApiCall *call);
TdApiResponse *td_api_me_update              (TdApiCall *call);

/* Login throttling for td_api_auth_login(): the 429 to send, or NULL to go on. */
TdApiResponse *td_api_login_throttled        (TdApiCall  *call,
                                              const char *email);
void           td_api_login_record           (TdApiCall  *call,
                                              const char *email,
                                              gboolean    success);
JsonNode      *td_api_login_to_json          (const TdAuthLogin *login);
/* The password policy of ARCHITECTURE.md §4: the 400 weak_password naming @field, or NULL
 * when @password meets it (also for accepting an invitation). */
TdApiResponse *td_api_check_password_policy  (const char *password,
                                              const char *field);

G_END_DECLS
