/* td-scope.c: which rows of a collection a caller may see and act on
 *
 * The scope predicate is the one SQL form of the visibility rules: the tenant, the
 * customer-login company (TdCustomerScope) and department isolation (td-isolation.h, whose
 * td_isolation_visible() is the reference the tests compare this SQL with). Lists, items,
 * reference checks and the change feed all append the same predicate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-resource"

#include "config.h"

#include "td-resource-private.h"

#include "td-json.h"

gboolean
td_resource_is_customer (TdApiCall *call)
{
  return call->identity->user->customer_id != NULL;
}

/* " IN (?, ?, …)" over the caller's departments. */
static void
append_departments_in (TdApiCall *call,
                       GString   *sql,
                       GPtrArray *params)
{
  char **departments = call->identity->user->departments;

  g_string_append (sql, " IN (");
  for (guint i = 0; departments[i] != NULL; i++)
    {
      g_string_append (sql, i == 0 ? "?" : ", ?");
      g_ptr_array_add (params, g_strdup (departments[i]));
    }
  g_string_append (sql, ")");
}

static void
append_customer_scope (TdApiCall           *call,
                       const TdResourceDef *def,
                       const char          *alias,
                       GString             *sql,
                       GPtrArray           *params)
{
  const char *customer_id = call->identity->user->customer_id;

  switch (def->customer_scope)
    {
    case TD_CUSTOMER_NONE:
      g_string_append (sql, " AND 0");
      break;
    case TD_CUSTOMER_COLUMN:
      g_string_append_printf (sql, " AND %s.customer_id = ?", alias);
      g_ptr_array_add (params, g_strdup (customer_id));
      break;
    case TD_CUSTOMER_SELF:
      g_string_append_printf (sql, " AND %s.id = ?", alias);
      g_ptr_array_add (params, g_strdup (customer_id));
      break;
    case TD_CUSTOMER_VIA_DEVICE:
      g_string_append_printf (sql, " AND %s.device_id IN (SELECT td_cd.id FROM devices td_cd"
                                   " WHERE td_cd.customer_id = ? AND td_cd.org_id = ?)", alias);
      g_ptr_array_add (params, g_strdup (customer_id));
      g_ptr_array_add (params, g_strdup (call->identity->user->org_id));
      break;
    case TD_CUSTOMER_ALL:
      break;
    default:
      /* A definition this engine does not understand shows nothing. */
      g_string_append (sql, " AND 0");
      break;
    }

  if (def->customer_only_column != NULL)
    {
      g_string_append_printf (sql, " AND %s.\"%s\" = ?", alias, def->customer_only_column);
      g_ptr_array_add (params, g_strdup (def->customer_only_value));
    }
}

/* Department isolation (DOMAIN.md §3) as SQL: the row is visible when its department set
 * shares a department with the user's or, in Basic only, is empty. Rows that take their
 * departments from a device and have none (or a device that does not exist) count as
 * department-less. */
static void
append_isolation (TdApiCall           *call,
                  const TdResourceDef *def,
                  const char          *alias,
                  GString             *sql,
                  GPtrArray           *params)
{
  gboolean basic = call->isolation == TD_ISOLATION_BASIC;
  char **departments = call->identity->user->departments;

  if (call->isolation == TD_ISOLATION_OFF || departments == NULL || departments[0] == NULL)
    return;

  switch (def->isolate_by)
    {
    case TD_ISOLATE_NONE:
      break;

    case TD_ISOLATE_OWN:
      g_string_append (sql, " AND (");
      if (basic)
        g_string_append_printf (sql, "json_array_length(%s.departments) = 0 OR ", alias);
      g_string_append_printf (sql, "EXISTS (SELECT 1 FROM json_each(%s.departments) td_dj"
                                   " WHERE td_dj.value", alias);
      append_departments_in (call, sql, params);
      g_string_append (sql, "))");
      break;

    case TD_ISOLATE_VIA_DEVICE:
      g_string_append (sql, " AND (");
      if (basic)
        g_string_append_printf (sql, "NOT EXISTS (SELECT 1 FROM devices td_id"
                                     " WHERE td_id.id = %s.device_id"
                                     " AND json_array_length(td_id.departments) > 0) OR ",
                                alias);
      g_string_append_printf (sql, "EXISTS (SELECT 1 FROM devices td_id, json_each(td_id.departments) td_dj"
                                   " WHERE td_id.id = %s.device_id AND td_dj.value", alias);
      append_departments_in (call, sql, params);
      g_string_append (sql, "))");
      break;

    default:
      g_string_append (sql, " AND 0");
      break;
    }
}

void
td_scope_append_sql (TdApiCall           *call,
                     const TdResourceDef *def,
                     const char          *alias,
                     GString             *sql,
                     GPtrArray           *params)
{
  g_return_if_fail (call != NULL && call->identity != NULL && def != NULL);

  g_string_append_printf (sql, " AND %s.org_id = ?", alias);
  g_ptr_array_add (params, g_strdup (call->identity->user->org_id));

  if (def->owner_column != NULL)
    {
      g_string_append_printf (sql, " AND %s.\"%s\" = ?", alias, def->owner_column);
      g_ptr_array_add (params, g_strdup (call->identity->user->id));
    }

  if (td_resource_is_customer (call))
    append_customer_scope (call, def, alias, sql, params);
  else
    append_isolation (call, def, alias, sql, params);
}

static char **
strv_from_json_array (JsonNode *node)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }

  return g_strv_builder_end (builder);
}

char **
td_resource_row_departments (TdApiCall           *call,
                             const TdResourceDef *def,
                             JsonObject          *row)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *device_id;

  if (td_resource_find_field (def, "departments") != NULL || def->isolate_by == TD_ISOLATE_OWN)
    return strv_from_json_array (json_object_get_member (row, "departments"));

  device_id = td_json_get_string (row, "device_id");
  if (def->isolate_by != TD_ISOLATE_VIA_DEVICE || device_id == NULL)
    return g_new0 (char *, 1);

  stmt = td_db_prepare (call->db, "SELECT departments FROM devices WHERE id = ? AND org_id = ?",
                        &error);
  if (stmt != NULL)
    {
      td_db_stmt_bind_text (stmt, 1, device_id);
      td_db_stmt_bind_text (stmt, 2, call->identity->user->org_id);
      if (td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW)
        node = json_from_string (td_db_stmt_get_text (stmt, 0), NULL);
    }
  if (error != NULL)
    g_warning ("Reading the departments of a device failed: %s", error->message);

  return strv_from_json_array (node);
}

gboolean
td_resource_allows (TdApiCall           *call,
                    const TdResourceDef *def,
                    TdPermission         permission,
                    JsonObject          *row)
{
  TdUser *user;

  g_return_val_if_fail (call != NULL && call->identity != NULL && def != NULL, FALSE);

  user = call->identity->user;
  switch (td_permission_reach (user->role, permission))
    {
    case TD_REACH_ALL:
      return TRUE;

    case TD_REACH_RESPONSIBLE:
      /* Collection level: the caller may act on some objects (e.g. create). */
      if (row == NULL)
        return TRUE;
      return def->is_responsible != NULL && def->is_responsible (call, row);

    case TD_REACH_CREATED:
      if (row == NULL)
        return TRUE;
      return def->created_by_column != NULL &&
             g_strcmp0 (td_json_get_string (row, def->created_by_column), user->id) == 0;

    case TD_REACH_DEPARTMENT:
      if (row == NULL)
        return TRUE;
      {
        g_auto(GStrv) departments = td_resource_row_departments (call, def, row);

        /* "Within the departments the user belongs to": a user in no department has no
         * such reach, and neither does anyone over a department-less object. */
        for (guint i = 0; departments[i] != NULL; i++)
          if (g_strv_contains ((const char * const *) user->departments, departments[i]))
            return TRUE;
        return FALSE;
      }

    case TD_REACH_NONE:
    default:
      return FALSE;
    }
}
