/* td-seed-cases.c: the demo data of the cases area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-seed"

#include "config.h"

#include "td-seed-demo.h"

gboolean
td_seed_demo_cases (TdDb        *db,
                     const char  *org_id,
                     GError     **error)
{
  return TRUE;
}
