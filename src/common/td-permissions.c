/* td-permissions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-permissions"

#include "config.h"

#include "td-permissions.h"

#define N TD_REACH_NONE
#define A TD_REACH_ALL
#define R TD_REACH_RESPONSIBLE
#define C TD_REACH_CREATED
#define D TD_REACH_DEPARTMENT

/* The matrix of DOMAIN.md §2, one row per permission, one column per role in the order of
 * TdRole: Admin, Dept admin, Content creator, Moderator, Member, Cust. admin, Cust. moderator,
 * Cust. member. For customer roles "A" means the whole own company. */
static const struct
{
  const char *name;
  TdReach     reach[TD_N_ROLES];
} permission_table[TD_N_PERMISSIONS] = {
  /*                                              Adm DAd CCr Mod Mem  CAd CMo CMe */
  [TD_PERM_DASHBOARD_VIEW]        = { "dashboard.view",        { A, A, A, A, A,   A, A, A } },
  [TD_PERM_CASES_VIEW]            = { "cases.view",            { A, A, A, A, A,   A, A, A } },
  [TD_PERM_CASES_CREATE]          = { "cases.create",          { A, A, A, A, A,   A, A, A } },
  [TD_PERM_CASES_EDIT]            = { "cases.edit",            { A, A, R, A, R,   A, A, C } },
  [TD_PERM_CASES_DELETE]          = { "cases.delete",          { A, A, N, A, N,   N, N, N } },
  [TD_PERM_CASES_ASSIGN]          = { "cases.assign",          { A, A, N, A, N,   N, N, N } },
  [TD_PERM_CASES_ACCEPT_OFFER]    = { "cases.accept_offer",    { A, A, A, A, A,   N, N, N } },
  [TD_PERM_TASKS_VIEW]            = { "tasks.view",            { A, A, A, A, A,   A, A, A } },
  [TD_PERM_TASKS_CREATE]          = { "tasks.create",          { A, A, A, A, A,   A, A, A } },
  [TD_PERM_TASKS_EDIT]            = { "tasks.edit",            { A, A, A, A, R,   A, A, N } },
  [TD_PERM_TEMPLATES_VIEW]        = { "templates.view",        { A, A, A, A, A,   N, N, N } },
  [TD_PERM_TEMPLATES_EDIT]        = { "templates.edit",        { A, A, A, N, N,   N, N, N } },
  [TD_PERM_DEVICES_VIEW]          = { "devices.view",          { A, A, A, A, A,   A, A, A } },
  [TD_PERM_DEVICES_CREATE]        = { "devices.create",        { A, A, A, A, N,   N, N, N } },
  [TD_PERM_DEVICES_EDIT]          = { "devices.edit",          { A, A, A, A, N,   A, A, N } },
  [TD_PERM_DEVICES_DELETE]        = { "devices.delete",        { A, A, A, A, N,   N, N, N } },
  [TD_PERM_CODES_VIEW]            = { "codes.view",            { A, A, A, A, A,   A, A, A } },
  [TD_PERM_CODES_MANAGE]          = { "codes.manage",          { A, A, A, A, N,   N, N, N } },
  [TD_PERM_CODES_CHANGE_PIN]      = { "codes.change_pin",      { A, A, A, A, A,   A, A, A } },
  [TD_PERM_CODES_CONFIGURE]       = { "codes.configure",       { A, N, N, N, N,   N, N, N } },
  [TD_PERM_CUSTOMERS_VIEW]        = { "customers.view",        { A, A, A, A, A,   N, N, N } },
  [TD_PERM_CUSTOMERS_MANAGE]      = { "customers.manage",      { A, A, A, A, N,   N, N, N } },
  [TD_PERM_CUSTOMERS_INVITE]      = { "customers.invite",      { A, A, A, N, N,   N, N, N } },
  [TD_PERM_EMPLOYEES_VIEW]        = { "employees.view",        { A, A, A, A, A,   A, A, A } },
  [TD_PERM_EMPLOYEES_MANAGE]      = { "employees.manage",      { A, D, N, N, N,   A, N, N } },
  [TD_PERM_EMPLOYEES_CHANGE_ROLE] = { "employees.change_role", { A, N, N, N, N,   A, N, N } },
  [TD_PERM_COMPANY_MANAGE]        = { "company.manage",        { A, N, N, N, N,   N, N, N } },
  [TD_PERM_COMPANY_PROFILE]       = { "company.profile",       { A, N, N, N, N,   A, N, N } },
  [TD_PERM_TEAMS_MANAGE]          = { "teams.manage",          { A, A, A, N, N,   N, N, N } },
  [TD_PERM_LABELS_MANAGE]         = { "labels.manage",         { A, A, A, N, N,   N, N, N } },
  [TD_PERM_BECOME_INDEPENDENT]    = { "organization.become_independent",
                                                               { N, N, N, N, N,   A, N, N } },
  /* "Send feedback" in the top-bar menu (DOMAIN.md §4: feedback is read by administrators,
   * who hold company.manage). */
  [TD_PERM_FEEDBACK_SEND]         = { "feedback.send",         { A, A, A, A, A,   A, A, A } },
  /* The notification drawer (DOMAIN.md §7): every user reads and marks their own
   * notifications; the collection's owner column keeps everyone to their own rows. */
  [TD_PERM_NOTIFICATIONS_OWN]     = { "notifications.own",     { A, A, A, A, A,   A, A, A } },
};

#undef N
#undef A
#undef R
#undef C
#undef D

/* Which permission makes a module usable, and so visible in the side menu. */
static const struct
{
  const char   *name;
  TdPermission  requires;
} module_table[TD_N_MODULES] = {
  [TD_MODULE_DASHBOARD]      = { "dashboard",      TD_PERM_DASHBOARD_VIEW },
  [TD_MODULE_TICKETS]        = { "tickets",        TD_PERM_CASES_VIEW },
  [TD_MODULE_VIDEO_SESSIONS] = { "video-sessions", TD_PERM_CASES_VIEW },
  [TD_MODULE_TASKS]          = { "tasks",          TD_PERM_TASKS_VIEW },
  [TD_MODULE_TEMPLATES]      = { "templates",      TD_PERM_TEMPLATES_VIEW },
  [TD_MODULE_DEVICES]        = { "devices",        TD_PERM_DEVICES_VIEW },
  [TD_MODULE_CUSTOMERS]      = { "customers",      TD_PERM_CUSTOMERS_VIEW },
  [TD_MODULE_MY_COMPANY]     = { "my-company",     TD_PERM_EMPLOYEES_VIEW },
  [TD_MODULE_CODES]          = { "codes",          TD_PERM_CODES_VIEW },
};

static const struct
{
  TdLoginType  login_type;
  const char  *name;
} role_table[TD_N_ROLES] = {
  [TD_ROLE_ADMIN]              = { TD_LOGIN_EMPLOYEE, "admin" },
  [TD_ROLE_DEPT_ADMIN]         = { TD_LOGIN_EMPLOYEE, "department_admin" },
  [TD_ROLE_CONTENT_CREATOR]    = { TD_LOGIN_EMPLOYEE, "content_creator" },
  [TD_ROLE_MODERATOR]          = { TD_LOGIN_EMPLOYEE, "moderator" },
  [TD_ROLE_MEMBER]             = { TD_LOGIN_EMPLOYEE, "member" },
  [TD_ROLE_CUSTOMER_ADMIN]     = { TD_LOGIN_CUSTOMER, "admin" },
  [TD_ROLE_CUSTOMER_MODERATOR] = { TD_LOGIN_CUSTOMER, "moderator" },
  [TD_ROLE_CUSTOMER_MEMBER]    = { TD_LOGIN_CUSTOMER, "member" },
};

TdLoginType
td_role_get_login_type (TdRole role)
{
  g_return_val_if_fail (role < TD_N_ROLES, TD_LOGIN_EMPLOYEE);

  return role_table[role].login_type;
}

/* The wire name of a role; together with the login type it identifies the TdRole. */
const char *
td_role_to_string (TdRole role)
{
  g_return_val_if_fail (role < TD_N_ROLES, NULL);

  return role_table[role].name;
}

TdRole
td_role_from_string (TdLoginType  login_type,
                     const char  *name)
{
  if (name == NULL)
    return TD_ROLE_INVALID;

  for (guint i = 0; i < TD_N_ROLES; i++)
    if (role_table[i].login_type == login_type && g_str_equal (role_table[i].name, name))
      return (TdRole) i;

  return TD_ROLE_INVALID;
}

const char *
td_login_type_to_string (TdLoginType login_type)
{
  return login_type == TD_LOGIN_CUSTOMER ? "customer" : "employee";
}

gboolean
td_login_type_from_string (const char  *name,
                           TdLoginType *out_login_type)
{
  if (g_strcmp0 (name, "employee") == 0)
    *out_login_type = TD_LOGIN_EMPLOYEE;
  else if (g_strcmp0 (name, "customer") == 0)
    *out_login_type = TD_LOGIN_CUSTOMER;
  else
    return FALSE;

  return TRUE;
}

TdReach
td_permission_reach (TdRole       role,
                     TdPermission permission)
{
  if (role >= TD_N_ROLES || permission >= TD_N_PERMISSIONS)
    return TD_REACH_NONE;

  return permission_table[permission].reach[role];
}

gboolean
td_permission_allowed (TdRole       role,
                       TdPermission permission)
{
  return td_permission_reach (role, permission) != TD_REACH_NONE;
}

const char *
td_permission_to_string (TdPermission permission)
{
  g_return_val_if_fail (permission < TD_N_PERMISSIONS, NULL);

  return permission_table[permission].name;
}

/* The most powerful role @role may give to a user it manages (DOMAIN.md §2: department
 * administrators may assign roles up to Moderator). TD_ROLE_INVALID: none. */
TdRole
td_permission_max_assignable_role (TdRole role)
{
  switch (role)
    {
    case TD_ROLE_ADMIN:
      return TD_ROLE_ADMIN;
    case TD_ROLE_DEPT_ADMIN:
      return TD_ROLE_MODERATOR;
    case TD_ROLE_CUSTOMER_ADMIN:
      return TD_ROLE_CUSTOMER_ADMIN;
    case TD_ROLE_CONTENT_CREATOR:
    case TD_ROLE_MODERATOR:
    case TD_ROLE_MEMBER:
    case TD_ROLE_CUSTOMER_MODERATOR:
    case TD_ROLE_CUSTOMER_MEMBER:
    case TD_N_ROLES:
    default:
      return TD_ROLE_INVALID;
    }
}

/* Whether @actor may create or edit a user with role @target. Roles are ordered from most
 * to least powerful within each login type, and nobody crosses login types. */
gboolean
td_role_can_assign (TdRole actor,
                    TdRole target)
{
  TdRole ceiling = td_permission_max_assignable_role (actor);

  if (ceiling == TD_ROLE_INVALID || target >= TD_N_ROLES)
    return FALSE;
  if (td_role_get_login_type (actor) != td_role_get_login_type (target))
    return FALSE;

  return target >= ceiling;
}

const char *
td_module_to_string (TdModule module)
{
  g_return_val_if_fail (module < TD_N_MODULES, NULL);

  return module_table[module].name;
}

gboolean
td_module_visible (TdRole   role,
                   TdModule module)
{
  if (module >= TD_N_MODULES)
    return FALSE;

  return td_permission_allowed (role, module_table[module].requires);
}

char **
td_permissions_strv_for_role (TdRole role)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < TD_N_PERMISSIONS; i++)
    if (td_permission_allowed (role, (TdPermission) i))
      g_strv_builder_add (builder, permission_table[i].name);

  return g_strv_builder_end (builder);
}

char **
td_modules_strv_for_role (TdRole role)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < TD_N_MODULES; i++)
    if (td_module_visible (role, (TdModule) i))
      g_strv_builder_add (builder, module_table[i].name);

  return g_strv_builder_end (builder);
}
