/* td-api-org-people.c: the rules for users and invitations (DOMAIN.md §2)
 *
 * Who may manage whom: within a login type td_role_can_assign() of td-permissions.c decides
 * (department administrators up to Moderator, customer administrators customer roles in
 * their own company); across login types only the operator's side acts on customer users.
 * Nobody changes their own role, disables or deletes themselves. A user is created with
 * their invitation (status invited) in the one write transaction, and deleting the
 * invitation removes the user again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-organization"

#include "config.h"

#include "td-api-invitations.h"
#include "td-api-org-private.h"
#include "td-json.h"
#include "td-random.h"
#include "td-store-lifecycle.h"
#include "td-time.h"
#include "td-validate.h"

static TdApiResponse *
forbidden (const char *message,
           const char *field)
{
  return td_api_response_new_error (403, "forbidden", message, field);
}

static TdLoginType
login_type_of (const char *customer_id)
{
  return customer_id != NULL && *customer_id != '\0' ? TD_LOGIN_CUSTOMER : TD_LOGIN_EMPLOYEE;
}

static const char *
row_string (JsonObject *row,
            const char *member)
{
  return row != NULL ? td_json_get_string (row, member) : NULL;
}

/* Whether @actor may manage a user of @login with @role. @cross: whether an employee may act
 * on customer users here at all (inviting them needs only customers.invite, editing them
 * is the operator administrator's). */
static gboolean
may_manage (TdUser      *actor,
            TdLoginType  login,
            TdRole       role,
            gboolean     cross)
{
  TdLoginType actor_login = td_role_get_login_type (actor->role);

  if (role == TD_ROLE_INVALID)
    return actor->role == TD_ROLE_ADMIN;  /* a row this server cannot read: only the top */
  if (actor_login == login)
    return td_role_can_assign (actor->role, role);
  return actor_login == TD_LOGIN_EMPLOYEE && login == TD_LOGIN_CUSTOMER &&
         (cross || actor->role == TD_ROLE_ADMIN);
}

static gboolean
record (TdDb        *db,
        const char  *org_id,
        const char  *type,
        const char  *id,
        const char  *op,
        GError     **error)
{
  return td_changes_record (db, org_id, type, id, op, error) > 0;
}

/* A user who is disabled or removed loses their sessions and unredeemed share-login tokens
 * in the same transaction (issue 4). */
static gboolean
revoke_sessions (TdDb        *db,
                 const char  *user_id,
                 GError     **error)
{
  return td_store_lifecycle_end_user_access (db, user_id, td_time_now_usec (), error);
}

/* Employees */

TdApiResponse *
td_org_employees_before_update (TdResourceWrite *write)
{
  TdUser *actor = write->call->identity->user;
  gboolean self = g_strcmp0 (write->id, actor->id) == 0;
  TdLoginType login = login_type_of (row_string (write->current, "customer_id"));
  const char *current_status = row_string (write->current, "status");
  TdRole current_role = td_role_from_string (login, row_string (write->current, "role"));
  const char *role_name = NULL;
  const char *status = NULL;

  if (!self && !may_manage (actor, login, current_role, FALSE))
    return forbidden ("You may not manage users with this role", NULL);

  if (json_object_has_member (write->changes, "role") &&
      (role_name = td_json_get_string (write->changes, "role")) != NULL)
    {
      TdRole role = td_role_from_string (login, role_name);

      if (role == TD_ROLE_INVALID)
        return td_resource_invalid ("role", "Not a role for this kind of user");
      if (role != current_role)
        {
          if (self)
            return forbidden ("You cannot change your own role", "role");
          if (!td_resource_allows (write->call, write->def, TD_PERM_EMPLOYEES_CHANGE_ROLE,
                                   write->current))
            return forbidden ("You may not change roles", "role");
          if (!may_manage (actor, login, role, FALSE))
            return forbidden ("You may not give this role", "role");
        }
    }

  if (json_object_has_member (write->changes, "departments"))
    {
      JsonNode *departments = json_object_get_member (write->changes, "departments");
      g_auto(GStrv) ids = td_org_node_dup_strv (departments);

      if (login == TD_LOGIN_CUSTOMER && ids[0] != NULL)
        return td_resource_invalid ("departments",
                                    "Customer users do not belong to the operator's departments");
      if (login == TD_LOGIN_EMPLOYEE)
        {
          TdApiResponse *response = td_org_check_departments (
            write->call, "departments", departments,
            write->current != NULL ? json_object_get_member (write->current, "departments") : NULL);

          if (response != NULL)
            return response;
        }
    }

  if (json_object_has_member (write->changes, "status") &&
      (status = td_json_get_string (write->changes, "status")) != NULL &&
      g_strcmp0 (status, current_status) != 0)
    {
      if (g_strcmp0 (status, "invited") == 0)
        return td_resource_invalid ("status", "A user becomes invited only through an invitation");
      if (g_strcmp0 (current_status, "invited") == 0)
        return td_resource_conflict ("The user has not accepted the invitation yet");
      if (self)
        return forbidden ("You cannot disable yourself", "status");
      if (g_strcmp0 (status, "disabled") == 0)
        {
          g_autoptr(GError) error = NULL;

          if (!revoke_sessions (write->call->db, write->id, &error))
            return td_org_db_error ("Disabling the user failed", error);
        }
    }

  return NULL;
}

/* Marks the pending invitations of @user_id revoked: the user they would activate is gone. */
static gboolean
revoke_invitations (TdDb        *db,
                    const char  *org_id,
                    const char  *user_id,
                    GError     **error)
{
  g_autoptr(TdDbStmt) select = td_db_prepare (db, "SELECT id FROM invitations"
                                                  " WHERE user_id = ? AND status = 'pending'"
                                                  " AND deleted = 0", error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *now = td_time_now ();
  TdDbStep step;

  if (select == NULL)
    return FALSE;
  td_db_stmt_bind_text (select, 1, user_id);
  while ((step = td_db_stmt_step (select, error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (ids, td_db_stmt_dup_text (select, 0));
  if (step == TD_DB_STEP_ERROR)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TdDbStmt) update = td_db_prepare (db, "UPDATE invitations SET status = 'revoked',"
                                                      " version = version + 1, updated_at = ?"
                                                      " WHERE id = ?", error);

      if (update == NULL)
        return FALSE;
      td_db_stmt_bind_text (update, 1, now);
      td_db_stmt_bind_text (update, 2, ids->pdata[i]);
      if (!td_db_stmt_run (update, error) ||
          !record (db, org_id, td_resource_invitations.type, ids->pdata[i], "upsert", error))
        return FALSE;
    }

  return TRUE;
}

TdApiResponse *
td_org_employees_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  TdUser *actor = write->call->identity->user;
  TdLoginType login = login_type_of (row_string (write->current, "customer_id"));
  TdRole role = td_role_from_string (login, row_string (write->current, "role"));

  if (g_strcmp0 (write->id, actor->id) == 0)
    return td_resource_conflict ("You cannot delete yourself");
  if (!may_manage (actor, login, role, FALSE))
    return forbidden ("You may not manage users with this role", NULL);

  if (!revoke_invitations (write->call->db, actor->org_id, write->id, &error) ||
      !revoke_sessions (write->call->db, write->id, &error))
    return td_org_db_error ("Removing the user failed", error);
  return NULL;
}

/* Invitations */

static void
default_string (JsonObject *changes,
                const char *member)
{
  JsonNode *node = json_object_get_member (changes, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    json_object_set_string_member (changes, member, "");
}

static gboolean
insert_invited_user (TdDb        *db,
                     const char  *org_id,
                     const char  *id,
                     const char  *customer_id,
                     JsonObject  *changes,
                     GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();
  g_autofree char *departments = td_json_to_string (json_object_get_member (changes, "departments"));

  stmt = td_db_prepare (db, "INSERT INTO employees (id, org_id, customer_id, email, first_name,"
                            " last_name, role, language, status, departments, version,"
                            " created_at, updated_at, deleted)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'invited', ?, 1, ?, ?, 0)", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  if (customer_id != NULL)
    td_db_stmt_bind_text (stmt, 3, customer_id);
  else
    td_db_stmt_bind_null (stmt, 3);
  td_db_stmt_bind_text (stmt, 4, td_json_get_string (changes, "email"));
  td_db_stmt_bind_text (stmt, 5, td_json_get_string (changes, "first_name"));
  td_db_stmt_bind_text (stmt, 6, td_json_get_string (changes, "last_name"));
  td_db_stmt_bind_text (stmt, 7, td_json_get_string (changes, "role"));
  td_db_stmt_bind_text (stmt, 8, td_json_get_string (changes, "language"));
  td_db_stmt_bind_text (stmt, 9, departments != NULL ? departments : "[]");
  td_db_stmt_bind_text (stmt, 10, now);
  td_db_stmt_bind_text (stmt, 11, now);

  return td_db_stmt_run (stmt, error) &&
         record (db, org_id, td_resource_employees.type, id, "upsert", error);
}

TdApiResponse *
td_org_invitations_before_create (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  TdApiCall *call = write->call;
  TdUser *actor = call->identity->user;
  const char *customer_id = g_hash_table_lookup (call->params, "customer_id");
  g_autofree char *email = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *expires_at = NULL;
  g_auto(GStrv) departments = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  TdLoginType login;
  TdRole role;
  TdDbStep step;

  /* The company comes from the URL (or is the customer administrator's own), never from
   * the body. */
  if (customer_id == NULL && td_org_is_customer_login (call))
    customer_id = actor->customer_id;
  login = login_type_of (customer_id);

  email = td_normalize_email (td_org_effective_string (write, "email"));
  if (email == NULL || !td_validate_email (email))
    return td_resource_invalid ("email", "Not a valid email address");

  role = td_role_from_string (login, td_org_effective_string (write, "role"));
  if (role == TD_ROLE_INVALID)
    return td_resource_invalid ("role", login == TD_LOGIN_CUSTOMER
                                          ? "Customer users are admin, moderator or member"
                                          : "Not an employee role");
  if (!may_manage (actor, login, role, TRUE))
    return forbidden ("You may not give this role", "role");

  if (!json_object_has_member (write->changes, "departments") ||
      JSON_NODE_HOLDS_NULL (json_object_get_member (write->changes, "departments")))
    json_object_set_array_member (write->changes, "departments", json_array_new ());
  departments = td_org_node_dup_strv (json_object_get_member (write->changes, "departments"));
  if (login == TD_LOGIN_CUSTOMER && departments[0] != NULL)
    return td_resource_invalid ("departments",
                                "Customer users do not belong to the operator's departments");
  if (login == TD_LOGIN_EMPLOYEE)
    {
      TdApiResponse *response;

      /* Without a department the new user would be out of the inviter's reach at once. */
      if (actor->role == TD_ROLE_DEPT_ADMIN && departments[0] == NULL)
        return td_resource_invalid ("departments", "Choose at least one of your departments");
      response = td_org_check_departments (call, "departments",
                                           json_object_get_member (write->changes, "departments"),
                                           NULL);
      if (response != NULL)
        return response;
    }

  /* Emails are unique among live users of the organization. */
  stmt = td_db_prepare (call->db, "SELECT 1 FROM employees WHERE org_id = ? AND email = ?"
                                  " AND deleted = 0", &error);
  if (stmt == NULL)
    return td_org_db_error ("Checking the email failed", error);
  td_db_stmt_bind_text (stmt, 1, actor->org_id);
  td_db_stmt_bind_text (stmt, 2, email);
  step = td_db_stmt_step (stmt, &error);
  if (step == TD_DB_STEP_ERROR)
    return td_org_db_error ("Checking the email failed", error);
  if (step == TD_DB_STEP_ROW)
    return td_resource_conflict ("A user with this email address already exists");

  json_object_set_string_member (write->changes, "email", email);
  default_string (write->changes, "first_name");
  default_string (write->changes, "last_name");
  default_string (write->changes, "language");
  json_object_set_string_member (write->changes, "role", td_role_to_string (role));
  json_object_set_string_member (write->changes, "status", "pending");
  if (customer_id != NULL)
    json_object_set_string_member (write->changes, "customer_id", customer_id);
  else
    json_object_set_null_member (write->changes, "customer_id");

  user_id = td_uuid_new ();
  if (!insert_invited_user (call->db, actor->org_id, user_id, customer_id, write->changes, &error))
    return td_org_db_error ("Creating the invited user failed", error);
  json_object_set_string_member (write->changes, "user_id", user_id);

  /* The one-time link goes out by email with the same transaction; only its hash stays. */
  if (!td_invitation_issue (call, actor->org_id, email,
                            td_json_get_string (write->changes, "first_name"),
                            &token_hash, &expires_at, &error))
    return td_org_db_error ("Queuing the invitation email failed", error);
  json_object_set_string_member (write->changes, "token_hash", token_hash);
  json_object_set_string_member (write->changes, "expires_at", expires_at);

  return NULL;
}

TdApiResponse *
td_org_invitation_check_reach (TdApiCall  *call,
                               JsonObject *row)
{
  TdLoginType login = login_type_of (row_string (row, "customer_id"));
  TdRole role = td_role_from_string (login, row_string (row, "role"));

  if (!may_manage (call->identity->user, login, role, TRUE))
    return forbidden ("You may not manage users with this role", NULL);
  return NULL;
}

static TdApiResponse *
check_invitation_reach (TdResourceWrite *write)
{
  return td_org_invitation_check_reach (write->call, write->current);
}

TdApiResponse *
td_org_invitations_before_update (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();
  const char *user_id = row_string (write->current, "user_id");
  TdApiResponse *response;
  const char *members[] = { "first_name", "last_name", "language" };

  response = check_invitation_reach (write);
  if (response != NULL)
    return response;
  if (g_strcmp0 (row_string (write->current, "status"), "pending") != 0)
    return td_resource_conflict ("Only pending invitations can be changed");

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    default_string (write->changes, members[i]);

  /* The invited user is the same person: keep the names and language in step. */
  stmt = td_db_prepare (write->call->db, "UPDATE employees SET first_name = ?, last_name = ?,"
                                         " language = ?, version = version + 1, updated_at = ?"
                                         " WHERE id = ? AND deleted = 0", &error);
  if (stmt == NULL)
    return td_org_db_error ("Updating the invited user failed", error);
  td_db_stmt_bind_text (stmt, 1, td_org_effective_string (write, "first_name"));
  td_db_stmt_bind_text (stmt, 2, td_org_effective_string (write, "last_name"));
  td_db_stmt_bind_text (stmt, 3, td_org_effective_string (write, "language"));
  td_db_stmt_bind_text (stmt, 4, now);
  td_db_stmt_bind_text (stmt, 5, user_id);
  if (!td_db_stmt_run (stmt, &error) ||
      !record (write->call->db, td_org_org_id (write->call), td_resource_employees.type, user_id,
               "upsert", &error))
    return td_org_db_error ("Updating the invited user failed", error);

  return NULL;
}

/* DOMAIN.md §4: deleting an invitation also removes the user from the organization. */
TdApiResponse *
td_org_invitations_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();
  const char *user_id = row_string (write->current, "user_id");
  const char *org_id = td_org_org_id (write->call);
  TdApiResponse *response;

  response = check_invitation_reach (write);
  if (response != NULL)
    return response;
  if (user_id == NULL)
    return NULL;
  if (g_strcmp0 (user_id, write->call->identity->user->id) == 0)
    return td_resource_conflict ("You cannot remove yourself");

  stmt = td_db_prepare (write->call->db, "UPDATE employees SET deleted = 1, version = version + 1,"
                                         " updated_at = ? WHERE id = ? AND org_id = ? AND deleted = 0",
                        &error);
  if (stmt == NULL)
    return td_org_db_error ("Removing the invited user failed", error);
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, user_id);
  td_db_stmt_bind_text (stmt, 3, org_id);
  if (!td_db_stmt_run (stmt, &error))
    return td_org_db_error ("Removing the invited user failed", error);

  if (td_db_changes (write->call->db) > 0 &&
      (!record (write->call->db, org_id, td_resource_employees.type, user_id, "delete", &error) ||
       !revoke_sessions (write->call->db, user_id, &error)))
    return td_org_db_error ("Removing the invited user failed", error);

  return NULL;
}
