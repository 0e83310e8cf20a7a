/* td-store-users.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-store-users"

#include "config.h"

#include "td-store-users.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "td-random.h"
#include "td-store-error.h"
#include "td-time.h"

/* Every read goes through this projection so that row_to_record() has one column order.
 * A user of a deleted organization or customer does not exist as far as the API goes; a
 * user of a disabled customer company exists but may not sign in (migration 11). */
#define USER_COLUMNS \
  "e.id, e.email, e.first_name, e.last_name, e.language, e.role, e.org_id, o.name, " \
  "e.customer_id, c.name, e.status, e.password_hash, e.departments, e.avatar, " \
  "e.push_enabled, e.notification_preferences, c.status"
#define USER_FROM \
  " FROM employees e" \
  " JOIN organizations o ON o.id = e.org_id AND o.deleted = 0" \
  " LEFT JOIN customers c ON c.id = e.customer_id" \
  " WHERE e.deleted = 0 AND (e.customer_id IS NULL OR c.deleted = 0)"

static const char * const status_names[] = {
  [TD_USER_STATUS_INVITED] = "invited",
  [TD_USER_STATUS_ACTIVE] = "active",
  [TD_USER_STATUS_DISABLED] = "disabled",
};

const char *
td_user_status_to_string (TdUserStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);

  return status_names[status];
}

/* Unknown values read as disabled: a row this server does not understand must not log in. */
static TdUserStatus
status_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (status_names[i], name) == 0)
      return (TdUserStatus) i;

  return TD_USER_STATUS_DISABLED;
}

void
td_user_record_free (TdUserRecord *record)
{
  if (record == NULL)
    return;

  td_user_free (record->user);
  if (record->password_hash != NULL)
    {
      /* Hashes are not secrets in the sense tokens are, but need not linger either. */
      memset (record->password_hash, 0, strlen (record->password_hash));
      g_free (record->password_hash);
    }
  g_free (record);
}

/* The `departments` column (migration 2) is a JSON array of department ids; anything else
 * in it (a damaged row) reads as no department rather than failing the login. */
static char **
parse_departments (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  if (text != NULL)
    node = json_from_string (text, NULL);

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

static TdUserRecord *
row_to_record (TdDbStmt *stmt)
{
  TdUserRecord *record = g_new0 (TdUserRecord, 1);
  TdUser *user = td_user_new ();
  TdLoginType login_type;

  user->id = td_db_stmt_dup_text (stmt, 0);
  user->email = td_db_stmt_dup_text (stmt, 1);
  user->first_name = td_db_stmt_dup_text (stmt, 2);
  user->last_name = td_db_stmt_dup_text (stmt, 3);
  user->language = td_db_stmt_dup_text (stmt, 4);
  user->org_id = td_db_stmt_dup_text (stmt, 6);
  user->org_name = td_db_stmt_dup_text (stmt, 7);
  user->customer_id = td_db_stmt_dup_text (stmt, 8);
  user->customer_name = td_db_stmt_dup_text (stmt, 9);
  g_strfreev (user->departments);
  user->departments = parse_departments (td_db_stmt_get_text (stmt, 12));
  user->avatar = td_db_stmt_dup_text (stmt, 13);
  user->push_enabled = td_db_stmt_get_int64 (stmt, 14) != 0;
  user->notification_preferences = td_db_stmt_dup_text (stmt, 15);

  /* The table stores the wire name; whether it is an employee or a customer role follows
   * from customer_id, exactly as the CHECK constraint of migration 1 states. */
  login_type = user->customer_id != NULL ? TD_LOGIN_CUSTOMER : TD_LOGIN_EMPLOYEE;
  user->role = td_role_from_string (login_type, td_db_stmt_get_text (stmt, 5));

  record->user = user;
  record->status = status_from_string (td_db_stmt_get_text (stmt, 10));
  record->password_hash = td_db_stmt_dup_text (stmt, 11);

  if (user->role == TD_ROLE_INVALID)
    record->status = TD_USER_STATUS_DISABLED;
  /* A customer-login user is as active as their company: disabling the company disables
   * every login of it at once, and enabling it again restores them. */
  if (login_type == TD_LOGIN_CUSTOMER && record->status == TD_USER_STATUS_ACTIVE &&
      g_strcmp0 (td_db_stmt_get_text (stmt, 16), "active") != 0)
    record->status = TD_USER_STATUS_DISABLED;

  return record;
}

/* All live users with @email (already normalized), oldest first, whatever their status:
 * the caller decides, so that a disabled user costs the same time as an active one.
 * Emails are unique per organization, so more than one row means the person has
 * accounts in several organizations. */
GPtrArray *
td_store_users_find_for_login (TdDb        *db,
                               const char  *email,
                               GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) td_user_record_free);
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT " USER_COLUMNS USER_FROM " AND e.email = ? "
                            "ORDER BY e.created_at, e.id LIMIT 8", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, email);

  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (records, row_to_record (stmt));

  if (step == TD_DB_STEP_ERROR)
    return NULL;

  return g_steal_pointer (&records);
}

/* The live user @id, or NULL with TD_STORE_ERROR_NOT_FOUND. */
TdUserRecord *
td_store_users_get (TdDb        *db,
                    const char  *id,
                    GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT " USER_COLUMNS USER_FROM " AND e.id = ?", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);

  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ERROR)
    return NULL;
  if (step == TD_DB_STEP_DONE)
    {
      g_set_error_literal (error, TD_STORE_ERROR, TD_STORE_ERROR_NOT_FOUND, "No such user");
      return NULL;
    }

  return row_to_record (stmt);
}

gboolean
td_store_users_exists (TdDb        *db,
                       const char  *org_id,
                       const char  *email,
                       gboolean    *out_exists,
                       GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT 1 FROM employees WHERE org_id = ? AND email = ? AND deleted = 0",
                        error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, org_id);
  td_db_stmt_bind_text (stmt, 2, email);

  step = td_db_stmt_step (stmt, error);
  *out_exists = step == TD_DB_STEP_ROW;
  return step != TD_DB_STEP_ERROR;
}

/* Returns the id of the new user. */
char *
td_store_users_insert (TdDb             *db,
                       const TdUserNew  *user,
                       GError          **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *now = td_time_now ();

  g_return_val_if_fail (user->role < TD_N_ROLES, NULL);
  g_return_val_if_fail ((user->customer_id != NULL) ==
                        (td_role_get_login_type (user->role) == TD_LOGIN_CUSTOMER), NULL);

  stmt = td_db_prepare (db, "INSERT INTO employees (id, org_id, customer_id, email, first_name, "
                            "last_name, role, language, status, password_hash, created_at, "
                            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, user->org_id);
  td_db_stmt_bind_text (stmt, 3, user->customer_id);
  td_db_stmt_bind_text (stmt, 4, user->email);
  td_db_stmt_bind_text (stmt, 5, user->first_name ? user->first_name : "");
  td_db_stmt_bind_text (stmt, 6, user->last_name ? user->last_name : "");
  td_db_stmt_bind_text (stmt, 7, td_role_to_string (user->role));
  td_db_stmt_bind_text (stmt, 8, user->language ? user->language : "");
  td_db_stmt_bind_text (stmt, 9, td_user_status_to_string (user->status));
  td_db_stmt_bind_text (stmt, 10, user->password_hash);
  td_db_stmt_bind_text (stmt, 11, now);
  td_db_stmt_bind_text (stmt, 12, now);

  if (!td_db_stmt_run (stmt, error))
    return NULL;

  return g_steal_pointer (&id);
}

/* Live users of all organizations. */
gboolean
td_store_users_count (TdDb    *db,
                      gint64  *out_count,
                      GError **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT count(*) FROM employees WHERE deleted = 0",
                                            error);

  if (stmt == NULL || td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return FALSE;

  *out_count = td_db_stmt_get_int64 (stmt, 0);
  return TRUE;
}
