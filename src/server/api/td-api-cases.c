/* td-api-cases.c: the collections and actions of the cases area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-cases"

#include "config.h"

#include "td-api-routes.h"
#include "td-resource.h"

static const TdApiRoute cases_routes[] = {
  { "GET", TD_API_BASE_PATH "/cases-placeholder-removed-by-the-area", NULL, 0, NULL },
};

const TdApiRouteTable td_api_cases_route_table = { cases_routes, 0 };
