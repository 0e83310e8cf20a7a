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

/* The areas of the demo data, run in this order inside td_seed_demo()'s transaction after
 * the organization, Globex and the demo logins exist. Each adds nothing when its data is
 * already there. */
gboolean td_seed_demo_organization (TdDb        *db,
                                    const char  *org_id,
                                    GError     **error);
gboolean td_seed_demo_assets       (TdDb        *db,
                                    const char  *org_id,
                                    GError     **error);
gboolean td_seed_demo_cases        (TdDb        *db,
                                    const char  *org_id,
                                    GError     **error);
gboolean td_seed_demo_notify       (TdDb        *db,
                                    const char  *org_id,
                                    GError     **error);

G_END_DECLS
