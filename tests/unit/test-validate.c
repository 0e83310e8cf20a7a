/* test-validate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-validate.h"

static void
test_email (void)
{
  g_autofree char *normalized = td_normalize_email ("  Admin@ACME.test ");

  g_assert_true (td_validate_email ("admin@acme.test"));
  g_assert_false (td_validate_email ("admin"));
  g_assert_false (td_validate_email ("@acme.test"));
  g_assert_false (td_validate_email ("a@b@acme.test"));
  g_assert_false (td_validate_email ("admin@acme"));
  g_assert_false (td_validate_email ("ad min@acme.test"));
  g_assert_false (td_validate_email (NULL));
  g_assert_cmpstr (normalized, ==, "admin@acme.test");
}

static void
test_password_length (void)
{
  g_autofree char *long_password = g_strnfill (129, 'x');

  g_assert_true (td_validate_password_length ("twindesk-demo"));
  g_assert_false (td_validate_password_length ("short"));
  g_assert_false (td_validate_password_length (long_password));
  /* Characters, not bytes: eight two-byte characters are enough. */
  g_assert_true (td_validate_password_length ("ääääääää"));
}

static void
test_server_url (void)
{
  const struct { const char *in; const char *out; } good[] = {
    { "localhost:8080", "http://localhost:8080" },
    { "http://127.0.0.1:8080/", "http://127.0.0.1:8080" },
    { " https://td.example.com/base// ", "https://td.example.com/base" },
  };
  const char *bad[] = { "", "   ", "ftp://x", "http://", "http://a b", "http://x/?q=1", "http://u@x" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *normalized = NULL;

      g_assert_true (td_validate_server_url (good[i].in, &normalized));
      g_assert_cmpstr (normalized, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (td_validate_server_url (bad[i], NULL));
}

static void
test_password_common (void)
{
  g_assert_true (td_password_is_common ("123456"));
  g_assert_true (td_password_is_common ("Password"));
  g_assert_true (td_password_is_common ("QWERTY123"));
  g_assert_true (td_password_is_common ("iloveyou"));
  g_assert_false (td_password_is_common ("Correct-Horse-7-Battery"));
  g_assert_false (td_password_is_common (""));
  g_assert_false (td_password_is_common (NULL));
}

static void
test_settings (void)
{
  g_assert_true (td_validate_language (""));
  g_assert_true (td_validate_language ("ar"));
  g_assert_false (td_validate_language ("EN"));
  g_assert_false (td_validate_language (NULL));
  g_assert_true (td_notification_event_type_is_valid ("assignment"));
  g_assert_false (td_notification_event_type_is_valid ("nope"));
  g_assert_false (td_notification_event_type_is_valid (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/validate/email", test_email);
  g_test_add_func ("/common/validate/password-length", test_password_length);
  g_test_add_func ("/common/validate/server-url", test_server_url);
  g_test_add_func ("/common/validate/password-common", test_password_common);
  g_test_add_func ("/common/validate/settings", test_settings);

  return g_test_run ();
}
