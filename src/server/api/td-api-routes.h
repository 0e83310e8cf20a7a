/* td-api-routes.h: the route tables of the API
 *
 * Every route of the server is a row in one of these tables; td-api.c walks them in order.
 * Areas of the API (auth, each group of collections) own one table each, in their own file,
 * so that they can grow independently. The authorization tests enumerate the routes with
 * td_api_foreach_route() and fail when a registered route is missing from their matrix.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

typedef enum
{
  TD_ROUTE_PUBLIC = 1 << 0,  /* no bearer token needed; every other route requires one */
  TD_ROUTE_SLOW   = 1 << 1,  /* runs argon2id: the small pool */
  TD_ROUTE_UPLOAD = 1 << 2,  /* takes a raw file: body up to TD_API_MAX_UPLOAD_BYTES */
} TdRouteFlags;

struct _TdApiRoute
{
  const char    *method;
  const char    *pattern;  /* literal segments and {name} placeholders */
  TdApiHandler   handler;
  TdRouteFlags   flags;
  gconstpointer  data;     /* handed to the handler as call->route_data (e.g. a resource) */
};

typedef struct
{
  const TdApiRoute *routes;
  gsize             n_routes;
} TdApiRouteTable;

/* The tables, each defined in its area's file. */
extern const TdApiRouteTable td_api_auth_route_table;          /* td-api-auth.c */
extern const TdApiRouteTable td_api_organization_route_table;  /* td-api-organization.c */
extern const TdApiRouteTable td_api_assets_route_table;        /* td-api-assets.c */
extern const TdApiRouteTable td_api_cases_route_table;         /* td-api-cases.c */
extern const TdApiRouteTable td_api_insights_route_table;      /* td-api-insights.c */
extern const TdApiRouteTable td_api_mail_route_table;          /* td-api-invitations.c */
extern const TdApiRouteTable td_api_lifecycle_route_table;     /* td-api-lifecycle.c */
extern const TdApiRouteTable td_api_notify_route_table;        /* td-api-notifications.c */
extern const TdApiRouteTable td_api_sync_route_table;          /* td-api-changes.c */

typedef void (*TdApiRouteFunc) (const TdApiRoute *route,
                                gpointer          user_data);

void td_api_foreach_route (TdApiRouteFunc func,
                           gpointer       user_data);

G_END_DECLS
