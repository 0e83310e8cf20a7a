/* td-api-assets.c: the collections and actions of the assets area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-assets"

#include "config.h"

#include "td-api-routes.h"
#include "td-resource.h"

static const TdApiRoute assets_routes[] = {
  { "GET", TD_API_BASE_PATH "/assets-placeholder-removed-by-the-area", NULL, 0, NULL },
};

const TdApiRouteTable td_api_assets_route_table = { assets_routes, 0 };
