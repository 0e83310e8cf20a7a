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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/validate/email", test_email);
  g_test_add_func ("/common/validate/password-length", test_password_length);
  g_test_add_func ("/common/validate/server-url", test_server_url);

  return g_test_run ();
}
