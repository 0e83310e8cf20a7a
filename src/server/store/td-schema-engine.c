/* td-schema-engine.c: the tables of the engine area (see td-schema.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_engine_sql[] =
  "SELECT 1;";
