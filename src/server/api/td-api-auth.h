/* td-api-auth.h: POST /auth/login, POST /auth/logout, GET /me
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

TdApiResponse *td_api_auth_login  (TdApiCall *call);
TdApiResponse *td_api_auth_logout (TdApiCall *call);
TdApiResponse *td_api_me          (TdApiCall *call);

G_END_DECLS
