/* td-permissions.h: roles, modules and the permission matrix of DOMAIN.md §2
 *
 * This is the one copy of the table. The server checks every request against it and the
 * app uses it to decide what to show; neither keeps rules of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TD_LOGIN_EMPLOYEE,
  TD_LOGIN_CUSTOMER,
} TdLoginType;

/* Employee and customer-login roles in one enumeration; the customer roles only ever
 * apply inside the user's own company. */
typedef enum
{
  TD_ROLE_ADMIN,
  TD_ROLE_DEPT_ADMIN,
  TD_ROLE_CONTENT_CREATOR,
  TD_ROLE_MODERATOR,
  TD_ROLE_MEMBER,
  TD_ROLE_CUSTOMER_ADMIN,
  TD_ROLE_CUSTOMER_MODERATOR,
  TD_ROLE_CUSTOMER_MEMBER,
  TD_N_ROLES,
  TD_ROLE_INVALID = TD_N_ROLES,
} TdRole;

/* How far a permission reaches, always inside the caller's base scope (the organization
 * for employees, with department isolation applied; the own company for customer login). */
typedef enum
{
  TD_REACH_NONE,         /* forbidden */
  TD_REACH_ALL,          /* everything in the base scope */
  TD_REACH_RESPONSIBLE,  /* only cases the user is responsible for */
  TD_REACH_CREATED,      /* only cases the user created */
  TD_REACH_DEPARTMENT,   /* only within the departments the user belongs to */
} TdReach;

typedef enum
{
  TD_PERM_DASHBOARD_VIEW,
  TD_PERM_CASES_VIEW,
  TD_PERM_CASES_CREATE,
  TD_PERM_CASES_EDIT,
  TD_PERM_CASES_DELETE,
  TD_PERM_CASES_ASSIGN,
  TD_PERM_CASES_ACCEPT_OFFER,
  TD_PERM_TASKS_VIEW,
  TD_PERM_TASKS_CREATE,
  TD_PERM_TASKS_EDIT,
  TD_PERM_TEMPLATES_VIEW,
  TD_PERM_TEMPLATES_EDIT,
  TD_PERM_DEVICES_VIEW,
  TD_PERM_DEVICES_CREATE,
  TD_PERM_DEVICES_EDIT,
  TD_PERM_DEVICES_DELETE,
  TD_PERM_CODES_VIEW,
  TD_PERM_CODES_MANAGE,
  TD_PERM_CODES_CHANGE_PIN,
  TD_PERM_CODES_CONFIGURE,
  TD_PERM_CUSTOMERS_VIEW,
  TD_PERM_CUSTOMERS_MANAGE,
  TD_PERM_CUSTOMERS_INVITE,
  TD_PERM_EMPLOYEES_VIEW,
  TD_PERM_EMPLOYEES_MANAGE,
  TD_PERM_EMPLOYEES_CHANGE_ROLE,
  TD_PERM_COMPANY_MANAGE,
  TD_PERM_COMPANY_PROFILE,
  TD_PERM_TEAMS_MANAGE,
  TD_PERM_LABELS_MANAGE,
  TD_PERM_BECOME_INDEPENDENT,
  TD_PERM_FEEDBACK_SEND,
  TD_PERM_NOTIFICATIONS_OWN,
  TD_N_PERMISSIONS,
} TdPermission;

/* Side-menu modules in their display order. */
typedef enum
{
  TD_MODULE_DASHBOARD,
  TD_MODULE_TICKETS,
  TD_MODULE_VIDEO_SESSIONS,
  TD_MODULE_TASKS,
  TD_MODULE_TEMPLATES,
  TD_MODULE_DEVICES,
  TD_MODULE_CUSTOMERS,
  TD_MODULE_MY_COMPANY,
  TD_MODULE_CODES,
  TD_N_MODULES,
} TdModule;

TdLoginType  td_role_get_login_type       (TdRole        role);
const char  *td_role_to_string            (TdRole        role);
TdRole       td_role_from_string          (TdLoginType   login_type,
                                           const char   *name);
const char  *td_login_type_to_string      (TdLoginType   login_type);
gboolean     td_login_type_from_string    (const char   *name,
                                           TdLoginType  *out_login_type);

TdReach      td_permission_reach          (TdRole        role,
                                           TdPermission  permission);
gboolean     td_permission_allowed        (TdRole        role,
                                           TdPermission  permission);
const char  *td_permission_to_string      (TdPermission  permission);
TdRole       td_permission_max_assignable_role (TdRole   role);
gboolean     td_role_can_assign           (TdRole        actor,
                                           TdRole        target);

const char  *td_module_to_string          (TdModule      module);
gboolean     td_module_visible            (TdRole        role,
                                           TdModule      module);

char       **td_permissions_strv_for_role (TdRole        role);
char       **td_modules_strv_for_role     (TdRole        role);

G_END_DECLS
