/* td-schema-lifecycle.c: migration of the organization-lifecycle area (see td-schema.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_lifecycle_sql[] =
  "";
