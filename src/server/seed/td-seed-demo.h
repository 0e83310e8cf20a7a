/* td-seed-demo.h: the demo organization (`twindesk-server --seed demo`)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

#define TD_SEED_DEMO_PASSWORD "twindesk-demo"
#define TD_SEED_DEMO_ORG_NAME "Acme Service"

gboolean td_seed_demo (TdDb     *db,
                       guint    *out_added_users,
                       GError  **error);

G_END_DECLS
