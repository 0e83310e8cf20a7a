/* td-public-invite.h: the page an invitation email links to (GET /invite)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

TdApiResponse *td_public_invite_page (TdApiCall *call);

G_END_DECLS
