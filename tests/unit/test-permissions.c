/* test-permissions.c: spot checks of the matrix against DOMAIN.md §2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-permissions.h"

static void
test_modules (void)
{
  for (TdRole role = 0; role < TD_N_ROLES; role++)
    {
      gboolean customer = td_role_get_login_type (role) == TD_LOGIN_CUSTOMER;
      g_auto(GStrv) modules = td_modules_strv_for_role (role);

      /* Customer login never shows Templates or Customers; employees see all nine. */
      g_assert_cmpuint (g_strv_length (modules), ==, customer ? 7 : 9);
      g_assert_cmpint (td_module_visible (role, TD_MODULE_TEMPLATES), ==, !customer);
      g_assert_cmpint (td_module_visible (role, TD_MODULE_CUSTOMERS), ==, !customer);
      g_assert_true (td_module_visible (role, TD_MODULE_DASHBOARD));
      g_assert_true (td_module_visible (role, TD_MODULE_CODES));
    }
}

static void
test_matrix_rows (void)
{
  g_assert_cmpint (td_permission_reach (TD_ROLE_MEMBER, TD_PERM_CASES_DELETE), ==, TD_REACH_NONE);
  g_assert_cmpint (td_permission_reach (TD_ROLE_MODERATOR, TD_PERM_CASES_DELETE), ==, TD_REACH_ALL);
  g_assert_cmpint (td_permission_reach (TD_ROLE_CONTENT_CREATOR, TD_PERM_CASES_EDIT), ==,
                   TD_REACH_RESPONSIBLE);
  g_assert_cmpint (td_permission_reach (TD_ROLE_CUSTOMER_MEMBER, TD_PERM_CASES_EDIT), ==,
                   TD_REACH_CREATED);
  g_assert_cmpint (td_permission_reach (TD_ROLE_DEPT_ADMIN, TD_PERM_EMPLOYEES_MANAGE), ==,
                   TD_REACH_DEPARTMENT);
  g_assert_false (td_permission_allowed (TD_ROLE_DEPT_ADMIN, TD_PERM_CODES_CONFIGURE));
  g_assert_true (td_permission_allowed (TD_ROLE_ADMIN, TD_PERM_CODES_CONFIGURE));
  g_assert_true (td_permission_allowed (TD_ROLE_CUSTOMER_ADMIN, TD_PERM_BECOME_INDEPENDENT));
  g_assert_false (td_permission_allowed (TD_ROLE_ADMIN, TD_PERM_BECOME_INDEPENDENT));
  g_assert_true (td_permission_allowed (TD_ROLE_CUSTOMER_MODERATOR, TD_PERM_DEVICES_EDIT));
  g_assert_false (td_permission_allowed (TD_ROLE_CUSTOMER_MODERATOR, TD_PERM_DEVICES_CREATE));
  g_assert_false (td_permission_allowed (TD_ROLE_CUSTOMER_ADMIN, TD_PERM_TEMPLATES_VIEW));
  g_assert_false (td_permission_allowed (TD_ROLE_MEMBER, TD_PERM_CODES_MANAGE));
  g_assert_true (td_permission_allowed (TD_ROLE_MEMBER, TD_PERM_CODES_CHANGE_PIN));
  g_assert_false (td_permission_allowed (TD_ROLE_INVALID, TD_PERM_DASHBOARD_VIEW));
}

static void
test_role_assignment (void)
{
  g_assert_true (td_role_can_assign (TD_ROLE_ADMIN, TD_ROLE_ADMIN));
  g_assert_true (td_role_can_assign (TD_ROLE_DEPT_ADMIN, TD_ROLE_MODERATOR));
  g_assert_false (td_role_can_assign (TD_ROLE_DEPT_ADMIN, TD_ROLE_CONTENT_CREATOR));
  g_assert_false (td_role_can_assign (TD_ROLE_ADMIN, TD_ROLE_CUSTOMER_MEMBER));
  g_assert_true (td_role_can_assign (TD_ROLE_CUSTOMER_ADMIN, TD_ROLE_CUSTOMER_MEMBER));
  g_assert_false (td_role_can_assign (TD_ROLE_CUSTOMER_ADMIN, TD_ROLE_MEMBER));
  g_assert_false (td_role_can_assign (TD_ROLE_MODERATOR, TD_ROLE_MEMBER));
}

static void
test_role_names_round_trip (void)
{
  for (TdRole role = 0; role < TD_N_ROLES; role++)
    g_assert_cmpint (td_role_from_string (td_role_get_login_type (role), td_role_to_string (role)),
                     ==, role);

  g_assert_cmpint (td_role_from_string (TD_LOGIN_CUSTOMER, "department_admin"), ==, TD_ROLE_INVALID);
  g_assert_cmpint (td_role_from_string (TD_LOGIN_EMPLOYEE, NULL), ==, TD_ROLE_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/permissions/modules", test_modules);
  g_test_add_func ("/common/permissions/matrix-rows", test_matrix_rows);
  g_test_add_func ("/common/permissions/role-assignment", test_role_assignment);
  g_test_add_func ("/common/permissions/role-names", test_role_names_round_trip);

  return g_test_run ();
}
