/* td-http-reject.h: answering a request on a connection taken away from SoupServer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "td-api-response.h"

G_BEGIN_DECLS

void td_http_reject_and_close (SoupServerMessage   *msg,
                               const TdApiResponse *response);

G_END_DECLS
