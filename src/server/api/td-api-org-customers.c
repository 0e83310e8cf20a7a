/* td-api-org-customers.c: customers, their departments and team mappings
 *
 * A corporate customer always has its head office (created with it, never deleted); its
 * customer departments and team mappings carry a copy of its `departments`, kept in step
 * here, so that department isolation hides them exactly when it hides the customer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-organization"

#include "config.h"

#include "td-api-org-private.h"
#include "td-json.h"
#include "td-random.h"
#include "td-store-lifecycle.h"
#include "td-time.h"

/* Customers */

#define CUSTOMER_NUMBER_PREFIX "C-"
#define CUSTOMER_NUMBER_FIRST  10001

static const char * const customer_kinds[] = { "corporate", "private", NULL };
/* "independent" is set only by the company itself (POST /company/become-independent). */
static const char * const customer_statuses[] = { "active", "disabled", "independent", NULL };

/* The next free number of the C-nnnnn series; numbers typed by hand in another form are
 * left alone. */
static char *
next_customer_number (TdDb        *db,
                      const char  *org_id,
                      GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  gint64 next = CUSTOMER_NUMBER_FIRST;

  stmt = td_db_prepare (db, "SELECT max (CAST (substr (customer_number, 3) AS INTEGER))"
                            " FROM customers WHERE org_id = ? AND customer_number LIKE 'C-%'",
                        error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, org_id);
  if (td_db_stmt_step (stmt, error) == TD_DB_STEP_ERROR)
    return NULL;
  if (!td_db_stmt_is_null (stmt, 0))
    next = MAX (next, td_db_stmt_get_int64 (stmt, 0) + 1);

  return g_strdup_printf (CUSTOMER_NUMBER_PREFIX "%" G_GINT64_FORMAT, next);
}

static TdApiResponse *
customers_check (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  const char *kind = td_org_effective_string (write, "kind");
  const char *number = td_org_effective_string (write, "customer_number");
  gboolean corporate = g_strcmp0 (kind, "corporate") == 0;
  TdApiResponse *response;

  /* The operator keeps the record of a company that became independent as it was then. */
  if (write->current != NULL &&
      g_strcmp0 (td_json_get_string (write->current, "status"), "independent") == 0)
    return td_resource_conflict ("The company has become an independent organization");
  if (td_org_changes_has (write, "status") &&
      g_strcmp0 (td_org_effective_string (write, "status"), "independent") == 0)
    return td_resource_invalid ("status", "A company becomes independent only on its own request");

  if (!corporate && td_org_node_get_bool (td_org_effective (write, "customer_login")))
    return td_resource_invalid ("customer_login", "Only corporate customers have customer login");

  if (td_org_changes_has (write, "customer_number"))
    {
      gboolean taken = FALSE;

      if (number == NULL || *number == '\0')
        return td_resource_invalid ("customer_number", "The customer number is empty");
      if (!td_org_sql_exists (write->call->db, &taken, &error,
                              "SELECT 1 FROM customers WHERE org_id = ? AND customer_number = ?"
                              " AND deleted = 0 AND id <> ?",
                              3, td_org_org_id (write->call), number, write->id))
        return td_org_db_error ("Checking the customer number failed", error);
      if (taken)
        return td_resource_conflict ("Another customer has this customer number");
    }

  if (write->current != NULL && !corporate && td_org_changes_has (write, "kind"))
    {
      gboolean has_users = FALSE;

      if (!td_org_sql_exists (write->call->db, &has_users, &error,
                              "SELECT 1 FROM employees WHERE customer_id = ? AND deleted = 0 LIMIT 1",
                              1, write->id))
        return td_org_db_error ("Checking the customer's users failed", error);
      if (has_users)
        return td_resource_conflict ("The customer has customer-login users; it stays corporate");
    }

  if (td_org_changes_has (write, "departments"))
    {
      response = td_org_check_departments (write->call, "departments",
                                           json_object_get_member (write->changes, "departments"),
                                           write->current != NULL
                                             ? json_object_get_member (write->current, "departments")
                                             : NULL);
      if (response != NULL)
        return response;
    }

  return NULL;
}

static TdApiResponse *
customers_before_create (TdResourceWrite *write)
{
  const char *number = td_org_effective_string (write, "customer_number");

  if (number == NULL || *number == '\0')
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *generated = next_customer_number (write->call->db,
                                                         td_org_org_id (write->call), &error);

      if (generated == NULL)
        return td_org_db_error ("Numbering the customer failed", error);
      json_object_set_string_member (write->changes, "customer_number", generated);
    }
  if (!td_org_changes_has (write, "departments"))
    json_object_set_array_member (write->changes, "departments", json_array_new ());
  if (td_org_is_null (td_org_effective (write, "customer_login")))
    json_object_set_boolean_member (write->changes, "customer_login", FALSE);
  if (td_org_is_null (td_org_effective (write, "status")))
    json_object_set_string_member (write->changes, "status", "active");

  return customers_check (write);
}

/* Inserts the head office of @customer_id unless it has one. */
static gboolean
ensure_head_office (TdDb        *db,
                    const char  *org_id,
                    const char  *customer_id,
                    GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = NULL;
  g_autofree char *now = NULL;
  gboolean exists = FALSE;

  if (!td_org_sql_exists (db, &exists, error,
                          "SELECT 1 FROM customer_departments"
                          " WHERE customer_id = ? AND head_office = 1 AND deleted = 0",
                          1, customer_id))
    return FALSE;
  if (exists)
    return TRUE;

  id = td_uuid_new ();
  now = td_time_now ();
  stmt = td_db_prepare (db, "INSERT INTO customer_departments (id, org_id, customer_id, name,"
                            " contact, head_office, departments, version, created_at, updated_at,"
                            " deleted)"
                            " SELECT ?, org_id, id, 'Head office', '{}', 1,"
                            " coalesce (departments, '[]'), 1, ?, ?, 0"
                            " FROM customers WHERE id = ? AND org_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, now);
  td_db_stmt_bind_text (stmt, 3, now);
  td_db_stmt_bind_text (stmt, 4, customer_id);
  td_db_stmt_bind_text (stmt, 5, org_id);
  if (!td_db_stmt_run (stmt, error))
    return FALSE;

  return td_changes_record (db, org_id, td_resource_customer_departments.type, id, "upsert",
                            error) > 0;
}

gboolean
td_org_ensure_head_office (TdDb        *db,
                           const char  *org_id,
                           const char  *customer_id,
                           GError     **error)
{
  return ensure_head_office (db, org_id, customer_id, error);
}

/* Copies the customer's departments to its dependent rows (customer departments, team
 * mappings), each a recorded change, so that they stay in the same isolation scope. */
static gboolean
propagate_departments (TdDb        *db,
                       const char  *org_id,
                       const char  *customer_id,
                       GError     **error)
{
  static const struct { const char *table; const TdResourceDef *def; } dependents[] = {
    { "customer_departments", &td_resource_customer_departments },
    { "customer_team_mappings", &td_resource_team_mappings },
  };
  g_autofree char *now = td_time_now ();

  for (guint d = 0; d < G_N_ELEMENTS (dependents); d++)
    {
      g_autofree char *select_sql = g_strdup_printf (
        "SELECT t.id FROM %s t JOIN customers c ON c.id = t.customer_id"
        " WHERE t.customer_id = ? AND t.org_id = ? AND t.deleted = 0"
        " AND t.departments <> c.departments", dependents[d].table);
      g_autofree char *update_sql = g_strdup_printf (
        "UPDATE %s SET departments = (SELECT departments FROM customers WHERE id = ?),"
        " version = version + 1, updated_at = ? WHERE id = ?", dependents[d].table);
      g_autoptr(TdDbStmt) select = td_db_prepare (db, select_sql, error);
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      TdDbStep step;

      if (select == NULL)
        return FALSE;
      td_db_stmt_bind_text (select, 1, customer_id);
      td_db_stmt_bind_text (select, 2, org_id);
      while ((step = td_db_stmt_step (select, error)) == TD_DB_STEP_ROW)
        g_ptr_array_add (ids, td_db_stmt_dup_text (select, 0));
      if (step == TD_DB_STEP_ERROR)
        return FALSE;

      for (guint i = 0; i < ids->len; i++)
        {
          g_autoptr(TdDbStmt) update = td_db_prepare (db, update_sql, error);

          if (update == NULL)
            return FALSE;
          td_db_stmt_bind_text (update, 1, customer_id);
          td_db_stmt_bind_text (update, 2, now);
          td_db_stmt_bind_text (update, 3, ids->pdata[i]);
          if (!td_db_stmt_run (update, error) ||
              td_changes_record (db, org_id, dependents[d].def->type, ids->pdata[i], "upsert",
                                 error) <= 0)
            return FALSE;
        }
    }

  return TRUE;
}

static TdApiResponse *
customers_after_write (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;

  if (write->changes != NULL && td_org_node_get_bool (json_object_get_member (write->changes,
                                                                              "deleted")))
    return NULL;
  /* Disabling the company signs all its users out, in this transaction (issue 4); their
   * logins fail while it stays disabled (td-store-users.c reads the company's status). */
  if (write->current != NULL && td_org_changes_has (write, "status") &&
      g_strcmp0 (td_org_effective_string (write, "status"), "disabled") == 0 &&
      g_strcmp0 (td_json_get_string (write->current, "status"), "disabled") != 0 &&
      !td_store_lifecycle_end_company_access (write->call->db, td_org_org_id (write->call),
                                              write->id, td_time_now_usec (), &error))
    return td_org_db_error ("Disabling the company failed", error);
  if (write->current != NULL && td_org_changes_has (write, "departments") &&
      !propagate_departments (write->call->db, td_org_org_id (write->call), write->id, &error))
    return td_org_db_error ("Updating the customer's departments failed", error);
  if (g_strcmp0 (td_org_effective_string (write, "kind"), "corporate") != 0)
    return NULL;

  if (!ensure_head_office (write->call->db, td_org_org_id (write->call), write->id, &error))
    return td_org_db_error ("Creating the head office failed", error);
  return NULL;
}

/* Deleting a customer removes what exists only through it: its departments, team
 * mappings, invitations and customer-login users (who could not sign in any more anyway),
 * each a recorded deletion. */
static TdApiResponse *
customers_before_delete (TdResourceWrite *write)
{
  static const struct { const char *table; const TdResourceDef *def; } dependents[] = {
    { "customer_departments", &td_resource_customer_departments },
    { "customer_team_mappings", &td_resource_team_mappings },
    { "invitations", &td_resource_invitations },
    { "employees", &td_resource_employees },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) sessions = NULL;
  g_autofree char *now = td_time_now ();
  TdDb *db = write->call->db;
  const char *org_id = td_org_org_id (write->call);

  sessions = td_db_prepare (db, "UPDATE sessions SET revoked_at = ?, updated_at = ?,"
                                " version = version + 1 WHERE revoked_at IS NULL AND user_id IN"
                                " (SELECT id FROM employees WHERE customer_id = ?)", &error);
  if (sessions == NULL)
    return td_org_db_error ("Removing the customer failed", error);
  td_db_stmt_bind_text (sessions, 1, now);
  td_db_stmt_bind_text (sessions, 2, now);
  td_db_stmt_bind_text (sessions, 3, write->id);
  if (!td_db_stmt_run (sessions, &error))
    return td_org_db_error ("Removing the customer failed", error);

  for (guint d = 0; d < G_N_ELEMENTS (dependents); d++)
    {
      g_autofree char *select_sql = g_strdup_printf (
        "SELECT id FROM %s WHERE customer_id = ? AND org_id = ? AND deleted = 0",
        dependents[d].table);
      g_autofree char *update_sql = g_strdup_printf (
        "UPDATE %s SET deleted = 1, version = version + 1, updated_at = ? WHERE id = ?",
        dependents[d].table);
      g_autoptr(TdDbStmt) select = td_db_prepare (db, select_sql, &error);
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      TdDbStep step;

      if (select == NULL)
        return td_org_db_error ("Removing the customer failed", error);
      td_db_stmt_bind_text (select, 1, write->id);
      td_db_stmt_bind_text (select, 2, org_id);
      while ((step = td_db_stmt_step (select, &error)) == TD_DB_STEP_ROW)
        g_ptr_array_add (ids, td_db_stmt_dup_text (select, 0));
      if (step == TD_DB_STEP_ERROR)
        return td_org_db_error ("Removing the customer failed", error);

      for (guint i = 0; i < ids->len; i++)
        {
          g_autoptr(TdDbStmt) update = td_db_prepare (db, update_sql, &error);

          if (update == NULL)
            return td_org_db_error ("Removing the customer failed", error);
          td_db_stmt_bind_text (update, 1, now);
          td_db_stmt_bind_text (update, 2, ids->pdata[i]);
          if (!td_db_stmt_run (update, &error) ||
              td_changes_record (db, org_id, dependents[d].def->type, ids->pdata[i], "delete",
                                 &error) <= 0)
            return td_org_db_error ("Removing the customer failed", error);
        }
    }

  return NULL;
}

static const TdFieldDef customer_fields[] = {
  { "kind",            TD_FIELD_ENUM,    TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_FILTER |
                                         TD_FIELD_SORT, 0, customer_kinds },
  { "name",            TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SORT |
                                         TD_FIELD_SEARCH, 200 },
  { "customer_number", TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_FILTER | TD_FIELD_SORT |
                                         TD_FIELD_SEARCH, 32 },
  { "address",         TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_SEARCH, 500 },
  { "contact",         TD_FIELD_JSON,    TD_FIELD_WRITABLE | TD_FIELD_NULLABLE, 4096 },
  { "logo",            TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_NULLABLE, 2048 },
  { "departments",     TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL,
    &td_resource_departments },
  { "customer_login",  TD_FIELD_BOOL,    TD_FIELD_WRITABLE | TD_FIELD_FILTER },
  { "status",          TD_FIELD_ENUM,    TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, customer_statuses },
};

const TdResourceDef td_resource_customers = {
  .collection = "customers",
  .table = "customers",
  .type = "customer",
  .perm_view = TD_PERM_CUSTOMERS_VIEW,
  .perm_create = TD_PERM_CUSTOMERS_MANAGE,
  .perm_edit = TD_PERM_CUSTOMERS_MANAGE,
  .perm_delete = TD_PERM_CUSTOMERS_MANAGE,
  .isolate_by = TD_ISOLATE_OWN,
  .customer_scope = TD_CUSTOMER_NONE,
  .fields = customer_fields,
  .n_fields = G_N_ELEMENTS (customer_fields),
  .default_sort = "name",
  .before_create = customers_before_create,
  .before_update = customers_check,
  .before_delete = customers_before_delete,
  .after_write = customers_after_write,
};

/* Customer departments, nested under /customers/{customer_id} */


/* Sets changes.departments to the customer's departments. */
static TdApiResponse *
take_customer_departments (TdResourceWrite *write,
                           const char      *customer_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (write->call->db,
                                            "SELECT departments FROM customers"
                                            " WHERE id = ? AND org_id = ? AND deleted = 0", &error);
  g_autoptr(JsonNode) node = NULL;
  TdDbStep step;

  if (stmt == NULL)
    return td_org_db_error ("Reading the customer failed", error);
  td_db_stmt_bind_text (stmt, 1, customer_id);
  td_db_stmt_bind_text (stmt, 2, td_org_org_id (write->call));
  step = td_db_stmt_step (stmt, &error);
  if (step == TD_DB_STEP_ERROR)
    return td_org_db_error ("Reading the customer failed", error);
  if (step != TD_DB_STEP_ROW)
    return td_resource_not_found ();

  if (!td_db_stmt_is_null (stmt, 0))
    node = json_from_string (td_db_stmt_get_text (stmt, 0), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_array_member (write->changes, "departments", json_array_new ());
  else
    json_object_set_member (write->changes, "departments", g_steal_pointer (&node));
  return NULL;
}

static TdApiResponse *
customer_departments_before_create (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  const char *customer_id = td_org_url_customer_id (write->call);
  gboolean corporate = FALSE;

  if (customer_id == NULL)
    return td_resource_not_found ();
  if (!td_org_sql_exists (write->call->db, &corporate, &error,
                          "SELECT 1 FROM customers WHERE id = ? AND kind = 'corporate' AND deleted = 0",
                          1, customer_id))
    return td_org_db_error ("Reading the customer failed", error);
  if (!corporate)
    return td_resource_conflict ("Only corporate customers have departments");

  json_object_set_string_member (write->changes, "customer_id", customer_id);
  json_object_set_boolean_member (write->changes, "head_office", FALSE);
  return take_customer_departments (write, customer_id);
}

static TdApiResponse *
customer_departments_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  gboolean used = FALSE;

  if (td_org_node_get_bool (td_org_effective (write, "head_office")))
    return td_resource_conflict ("The head office cannot be deleted");

  if (!td_org_sql_exists (write->call->db, &used, &error,
                          "SELECT 1 FROM customer_team_mappings"
                          " WHERE customer_department_id = ? AND deleted = 0 LIMIT 1",
                          1, write->id))
    return td_org_db_error ("Checking the customer department failed", error);
  if (used)
    return td_resource_conflict ("Team mappings still use the customer department");
  return NULL;
}

static const TdFieldDef customer_department_fields[] = {
  { "customer_id", TD_FIELD_REF,  TD_FIELD_FILTER, 0, NULL, &td_resource_customers },
  { "name",        TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SORT |
                                  TD_FIELD_SEARCH, 200 },
  { "contact",     TD_FIELD_JSON, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE, 4096 },
  { "head_office", TD_FIELD_BOOL, TD_FIELD_FILTER },
  { "departments", TD_FIELD_ID_LIST, TD_FIELD_FILTER | TD_FIELD_STAFF_ONLY, 0, NULL,
    &td_resource_departments },
};

/* Customer-login users see their own company's departments (devices name them) on
 * /customer-departments; the nested routes also require the customer itself to be
 * visible. `departments` is the customer's, copied, so isolation applies as to it. */
const TdResourceDef td_resource_customer_departments = {
  .collection = "customer-departments",
  .table = "customer_departments",
  .type = "customer_department",
  .perm_view = TD_PERM_EMPLOYEES_VIEW,
  .perm_create = TD_PERM_CUSTOMERS_MANAGE,
  .perm_edit = TD_PERM_CUSTOMERS_MANAGE,
  .perm_delete = TD_PERM_CUSTOMERS_MANAGE,
  .isolate_by = TD_ISOLATE_OWN,
  .customer_scope = TD_CUSTOMER_COLUMN,
  .fields = customer_department_fields,
  .n_fields = G_N_ELEMENTS (customer_department_fields),
  .default_sort = "name",
  .before_create = customer_departments_before_create,
  .before_delete = customer_departments_before_delete,
};

/* Team mappings, nested under /customers/{customer_id} */

static TdApiResponse *
team_mappings_check (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  const char *customer_id = td_org_effective_string (write, "customer_id");
  JsonNode *department_node = td_org_effective (write, "customer_department_id");
  const char *department = td_org_is_null (department_node) ? NULL
                             : td_org_effective_string (write, "customer_department_id");
  const char *meta_team = td_org_effective_string (write, "meta_team_id");
  const char *team = td_org_effective_string (write, "team_id");
  gboolean found = FALSE;

  if (meta_team == NULL)
    return td_resource_invalid ("meta_team_id", "A meta team is required");
  if (team == NULL)
    return td_resource_invalid ("team_id", "A team is required");

  if (department != NULL)
    {
      if (!td_org_sql_exists (write->call->db, &found, &error,
                              "SELECT 1 FROM customer_departments"
                              " WHERE id = ? AND customer_id = ? AND deleted = 0",
                              2, department, customer_id))
        return td_org_db_error ("Reading the customer department failed", error);
      if (!found)
        return td_resource_invalid ("customer_department_id",
                                    "Not a department of this customer");
    }

  if (!td_org_sql_exists (write->call->db, &found, &error,
                          "SELECT 1 FROM meta_teams m, json_each (m.team_ids) j"
                          " WHERE m.id = ? AND m.deleted = 0 AND j.value = ?",
                          2, meta_team, team))
    return td_org_db_error ("Reading the meta team failed", error);
  if (!found)
    return td_resource_invalid ("team_id", "The team is not one of the meta team's teams");

  if (!td_org_sql_exists (write->call->db, &found, &error,
                          "SELECT 1 FROM customer_team_mappings"
                          " WHERE customer_id = ?"
                          " AND coalesce (customer_department_id, '') = coalesce (?, '')"
                          " AND meta_team_id = ? AND deleted = 0 AND id <> ?",
                          4, customer_id, department, meta_team, write->id))
    return td_org_db_error ("Checking the team mappings failed", error);
  if (found)
    return td_resource_conflict ("The meta team is already mapped for this customer department");

  return NULL;
}

static TdApiResponse *
team_mappings_before_create (TdResourceWrite *write)
{
  const char *customer_id = td_org_url_customer_id (write->call);
  TdApiResponse *response;

  if (customer_id == NULL)
    return td_resource_not_found ();
  json_object_set_string_member (write->changes, "customer_id", customer_id);
  if (!td_org_changes_has (write, "customer_department_id"))
    json_object_set_null_member (write->changes, "customer_department_id");
  response = take_customer_departments (write, customer_id);
  if (response != NULL)
    return response;
  return team_mappings_check (write);
}

static const TdFieldDef team_mapping_fields[] = {
  { "customer_id",            TD_FIELD_REF, TD_FIELD_FILTER, 0, NULL, &td_resource_customers },
  { "customer_department_id", TD_FIELD_REF, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_FILTER,
    0, NULL, &td_resource_customer_departments },
  { "meta_team_id",           TD_FIELD_REF, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_FILTER,
    0, NULL, &td_resource_meta_teams },
  { "team_id",                TD_FIELD_REF, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_FILTER,
    0, NULL, &td_resource_teams },
  { "departments",            TD_FIELD_ID_LIST, TD_FIELD_FILTER | TD_FIELD_STAFF_ONLY, 0, NULL,
    &td_resource_departments },
};

const TdResourceDef td_resource_team_mappings = {
  .collection = "team-mappings",
  .table = "customer_team_mappings",
  .type = "team_mapping",
  .perm_view = TD_PERM_CUSTOMERS_VIEW,
  .perm_create = TD_PERM_CUSTOMERS_MANAGE,
  .perm_edit = TD_PERM_CUSTOMERS_MANAGE,
  .perm_delete = TD_PERM_CUSTOMERS_MANAGE,
  .isolate_by = TD_ISOLATE_OWN,
  .customer_scope = TD_CUSTOMER_NONE,
  .fields = team_mapping_fields,
  .n_fields = G_N_ELEMENTS (team_mapping_fields),
  .default_sort = "created_at",
  .before_create = team_mappings_before_create,
  .before_update = team_mappings_check,
};
