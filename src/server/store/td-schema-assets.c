/* td-schema-assets.c: the tables of the assets area (see td-schema.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_assets_sql[] =
  "SELECT 1;";
