/* td-public-page.h: the self-contained pages the server shows to browsers
 *
 * The share-login landing page and the invitation page are one HTML document each with an
 * inline style and script and no external resources. The Content-Security-Policy allows
 * exactly those two by their SHA-256, nothing else (no other script, no framing, no form
 * posts, connections only to this server).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

/* A 200 text/html page titled @title ("Twindesk — @title") with @main_html inside <main>.
 * The strings are our own constants, never request data. */
TdApiResponse *td_public_page_new (const char *title,
                                   const char *style,
                                   const char *main_html,
                                   const char *script);

G_END_DECLS
