/* test-user.c: the user object codec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-json.h"
#include "td-user.h"

static void
test_round_trip (void)
{
  g_autoptr(TdUser) user = td_user_new ();
  g_autoptr(TdUser) parsed = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;

  user->id = g_strdup ("4b1c3a52-0d7e-4d93-9d9c-1f2e3a4b5c6d");
  user->email = g_strdup ("member@globex.test");
  user->first_name = g_strdup ("Gina");
  user->last_name = g_strdup ("Globex");
  user->role = TD_ROLE_CUSTOMER_MEMBER;
  user->org_id = g_strdup ("org");
  user->org_name = g_strdup ("Acme Service");
  user->customer_id = g_strdup ("cust");
  user->customer_name = g_strdup ("Globex");

  node = td_user_to_json (user);
  json = td_json_to_string (node);
  g_assert_nonnull (strstr (json, "\"login_type\":\"customer\""));
  g_assert_null (strstr (json, "\"templates\""));

  object = td_json_parse_object (json, strlen (json), &error);
  g_assert_no_error (error);
  parsed = td_user_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parsed->role, ==, TD_ROLE_CUSTOMER_MEMBER);
  g_assert_cmpstr (parsed->customer_name, ==, "Globex");
  g_assert_cmpstr (parsed->org_name, ==, "Acme Service");
  g_assert_cmpint (td_user_get_login_type (parsed), ==, TD_LOGIN_CUSTOMER);
}

static void
test_display_name (void)
{
  g_autoptr(TdUser) user = td_user_new ();
  g_autofree char *email_only = NULL;
  g_autofree char *full = NULL;

  user->email = g_strdup ("x@y.test");
  email_only = td_user_dup_display_name (user);
  g_assert_cmpstr (email_only, ==, "x@y.test");

  user->first_name = g_strdup ("Ada");
  user->last_name = g_strdup ("Admin");
  full = td_user_dup_display_name (user);
  g_assert_cmpstr (full, ==, "Ada Admin");
}

static void
test_rejects_incomplete (void)
{
  const char *body = "{\"id\":\"x\",\"email\":\"a@b.test\",\"login_type\":\"robot\"}";
  g_autoptr(JsonObject) object = td_json_parse_object (body, strlen (body), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdUser) user = td_user_from_json (object, &error);

  g_assert_null (user);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/user/round-trip", test_round_trip);
  g_test_add_func ("/common/user/display-name", test_display_name);
  g_test_add_func ("/common/user/rejects-incomplete", test_rejects_incomplete);

  return g_test_run ();
}
