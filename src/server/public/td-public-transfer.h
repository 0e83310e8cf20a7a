/* td-public-transfer.h: the share-login landing page for phones (GET /login/transfer)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

TdApiResponse *td_public_transfer_page (TdApiCall *call);

G_END_DECLS
