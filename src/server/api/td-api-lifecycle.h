/* td-api-lifecycle.h: a customer company becomes an independent organization
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

/* POST /api/v1/company/become-independent (route table in td-api-lifecycle.c). Exposed for
 * the tests, which call it with an identity read before an earlier call moved the company. */
TdApiResponse *td_lifecycle_become_independent (TdApiCall *call);

G_END_DECLS
