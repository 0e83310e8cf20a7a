/* td-store-customers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-store-customers"

#include "config.h"

#include "td-store-customers.h"

#include "td-random.h"
#include "td-time.h"

const char *
td_customer_kind_to_string (TdCustomerKind kind)
{
  return kind == TD_CUSTOMER_PRIVATE ? "private" : "corporate";
}

/* Sets *@out_id to the live customer of @org_id with @customer_number, or NULL. */
gboolean
td_store_customers_find_by_number (TdDb        *db,
                                   const char  *org_id,
                                   const char  *customer_number,
                                   char       **out_id,
                                   GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  *out_id = NULL;
  stmt = td_db_prepare (db, "SELECT id FROM customers "
                            "WHERE org_id = ? AND customer_number = ? AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, org_id);
  td_db_stmt_bind_text (stmt, 2, customer_number);

  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ROW)
    *out_id = td_db_stmt_dup_text (stmt, 0);

  return step != TD_DB_STEP_ERROR;
}

/* Returns the id of the new customer. */
char *
td_store_customers_insert (TdDb            *db,
                           const char      *org_id,
                           TdCustomerKind   kind,
                           const char      *name,
                           const char      *customer_number,
                           GError         **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *now = td_time_now ();

  stmt = td_db_prepare (db, "INSERT INTO customers (id, org_id, kind, name, customer_number, "
                            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  td_db_stmt_bind_text (stmt, 3, td_customer_kind_to_string (kind));
  td_db_stmt_bind_text (stmt, 4, name);
  td_db_stmt_bind_text (stmt, 5, customer_number);
  td_db_stmt_bind_text (stmt, 6, now);
  td_db_stmt_bind_text (stmt, 7, now);

  if (!td_db_stmt_run (stmt, error))
    return NULL;

  return g_steal_pointer (&id);
}
