/* td-schema-organization.c: the tables of the organization area (see td-schema.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_organization_sql[] =
  "SELECT 1;";
