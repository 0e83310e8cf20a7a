/* test-credentials-no-service.c: no Secret Service, so the token lives in memory
 *
 * Two ways a desktop can lack a keyring: a session bus on which nothing provides
 * org.freedesktop.secrets (a private GTestDBus without services, so an outer
 * dbus-run-session cannot activate gnome-keyring for us), and no session bus at all (in a
 * subprocess, because GLib and libsecret remember their bus connection per process).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsecret/secret.h>

#include "td-client-test.h"
#include "td-credentials.h"

#define SERVER "http://127.0.0.1:8480"

static void
assert_kept_in_memory (void)
{
  g_autoptr(TdCredentials) credentials = td_credentials_new ();
  g_autoptr(TdCredentials) second = td_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *found_by_second = NULL;
  g_autofree char *other_user = NULL;
  g_autofree char *after_clear = NULL;

  g_assert_false (td_test_credentials_store (credentials, SERVER, "admin@acme.test",
                                             "first-token", &error));
  g_assert_error (error, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("Reason given: %s", error->message);
  g_clear_error (&error);

  /* A second store replaces the in-memory copy, as it would replace the keyring entry. */
  g_assert_false (td_test_credentials_store (credentials, SERVER, "admin@acme.test",
                                             "second-token", &error));
  g_assert_error (error, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  found = td_test_credentials_lookup (credentials, SERVER "/", "Admin@Acme.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "second-token");

  /* The whole process shares it, as it would share the keyring. */
  found_by_second = td_test_credentials_lookup (second, SERVER, "admin@acme.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found_by_second, ==, "second-token");

  /* Nothing for anyone else, and no error: there simply is no stored login. */
  other_user = td_test_credentials_lookup (credentials, SERVER, "member@acme.test", &error);
  g_assert_no_error (error);
  g_assert_null (other_user);

  g_assert_true (td_test_credentials_clear (credentials, SERVER, "admin@acme.test", &error));
  g_assert_no_error (error);

  after_clear = td_test_credentials_lookup (credentials, SERVER, "admin@acme.test", &error);
  g_assert_no_error (error);
  g_assert_null (after_clear);

  g_assert_finalize_object (g_steal_pointer (&credentials));
  g_assert_finalize_object (g_steal_pointer (&second));
}

static void
test_no_service_on_bus (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

  g_test_dbus_up (bus);

  assert_kept_in_memory ();

  /* libsecret holds the bus connection; GTestDBus waits for it to go away. */
  secret_service_disconnect ();
  g_test_dbus_down (bus);
}

static void
test_no_session_bus (void)
{
  if (g_test_subprocess ())
    {
      /* No DBUS_SESSION_BUS_ADDRESS, no DISPLAY to autolaunch one, no XDG_RUNTIME_DIR/bus. */
      g_test_dbus_unset ();
      assert_kept_in_memory ();
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Whatever the caller's environment selected: this test is about the D-Bus service. */
  g_unsetenv ("SECRET_BACKEND");

  g_test_add_func ("/client/credentials/no-service/empty-bus", test_no_service_on_bus);
  g_test_add_func ("/client/credentials/no-service/no-session-bus", test_no_session_bus);

  return g_test_run ();
}
