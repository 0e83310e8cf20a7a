/* td-store-orgs.h: organizations (tenants)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

gboolean  td_store_orgs_find_by_name (TdDb        *db,
                                      const char  *name,
                                      char       **out_id,
                                      GError     **error);
char     *td_store_orgs_insert       (TdDb        *db,
                                      const char  *name,
                                      const char  *default_language,
                                      GError     **error);

G_END_DECLS
