/* td-store-lifecycle.h: ending the access of users who may no longer sign in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

/* Revokes every session of @user_id and every share-login token of theirs that has not been
 * redeemed yet, inside the caller's transaction. */
gboolean td_store_lifecycle_end_user_access    (TdDb        *db,
                                                const char  *user_id,
                                                gint64       now_usec,
                                                GError     **error);

/* The same for every user (live or not) of the customer company @customer_id of @org_id. */
gboolean td_store_lifecycle_end_company_access (TdDb        *db,
                                                const char  *org_id,
                                                const char  *customer_id,
                                                gint64       now_usec,
                                                GError     **error);

G_END_DECLS
