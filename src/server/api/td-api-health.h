/* td-api-health.h: GET /health for monitoring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

TdApiResponse *td_api_health (TdApiCall *call);

G_END_DECLS
