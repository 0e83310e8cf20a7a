/* td-migrations.h: the numbered schema migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

guint    td_migrations_get_latest  (void);
gboolean td_migrations_get_version (TdDb     *db,
                                    guint    *out_version,
                                    GError  **error);
gboolean td_migrations_apply       (TdDb     *db,
                                    GError  **error);

G_END_DECLS
