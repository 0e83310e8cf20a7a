/* td-store-customers.h: customers of an organization (minimal until the customers module)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

typedef enum
{
  TD_CUSTOMER_CORPORATE,
  TD_CUSTOMER_PRIVATE,
} TdCustomerKind;

const char *td_customer_kind_to_string         (TdCustomerKind   kind);
gboolean    td_store_customers_find_by_number  (TdDb            *db,
                                                const char      *org_id,
                                                const char      *customer_number,
                                                char           **out_id,
                                                GError         **error);
char       *td_store_customers_insert          (TdDb            *db,
                                                const char      *org_id,
                                                TdCustomerKind   kind,
                                                const char      *name,
                                                const char      *customer_number,
                                                GError         **error);

G_END_DECLS
