/* td-api-client-routes.h: which client call sends each route of the server
 *
 * Every route of the server (td_api_foreach_route() in the server library) has a row here:
 * the call of this library that sends it, or why it has none (pages for browsers). The
 * client test compares the two, so a server route without a client call fails the suite.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *method;
  const char *pattern;   /* as the server registers it: "/api/v1/tickets/{id}" */
  const char *function;  /* the call that sends it; NULL when the client has none */
  const char *reason;    /* why not, when @function is NULL */
} TdApiClientRoute;

typedef void (*TdApiClientRouteFunc) (const TdApiClientRoute *route,
                                      gpointer                user_data);

void td_api_client_foreach_route (TdApiClientRouteFunc func,
                                  gpointer             user_data);

G_END_DECLS
