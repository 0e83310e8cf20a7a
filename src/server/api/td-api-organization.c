/* td-api-organization.c: the collections and actions of the organization area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-organization"

#include "config.h"

#include "td-api-routes.h"
#include "td-resource.h"

static const TdApiRoute organization_routes[] = {
  { "GET", TD_API_BASE_PATH "/organization-placeholder-removed-by-the-area", NULL, 0, NULL },
};

const TdApiRouteTable td_api_organization_route_table = { organization_routes, 0 };
