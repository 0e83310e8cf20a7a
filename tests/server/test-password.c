/* test-password.c: argon2id hashing and verification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-password.h"

#include <string.h>

#define PREFIX "$argon2id$v=19$m=19456,t=2,p=1$"

static void
test_hash_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = td_password_hash ("correct horse battery staple", &error);
  g_auto(GStrv) parts = NULL;
  g_autofree guchar *salt = NULL;
  gsize salt_length;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, PREFIX));

  /* "", "argon2id", "v=19", "m=…", salt, hash; base64 without padding. */
  parts = g_strsplit (hash, "$", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 6);
  g_assert_cmpuint (strlen (parts[4]), ==, 22);  /* 16 bytes */
  g_assert_cmpuint (strlen (parts[5]), ==, 43);  /* 32 bytes */
  {
    g_autofree char *padded = g_strconcat (parts[4], "==", NULL);

    salt = g_base64_decode (padded, &salt_length);
    g_assert_cmpuint (salt_length, ==, TD_PASSWORD_SALT_BYTES);
  }
}

static void
test_verify (void)
{
  g_autofree char *hash = td_password_hash ("twindesk-demo", NULL);

  g_assert_true (td_password_verify (hash, "twindesk-demo"));
  g_assert_false (td_password_verify (hash, "twindesk-demo "));
  g_assert_false (td_password_verify (hash, "Twindesk-demo"));
  g_assert_false (td_password_verify (hash, ""));
  g_assert_false (td_password_verify (hash, NULL));
  g_assert_false (td_password_verify (NULL, "twindesk-demo"));
  g_assert_false (td_password_verify ("", "twindesk-demo"));
  g_assert_false (td_password_verify ("$argon2id$v=19$m=19456,t=2,p=1$broken", "twindesk-demo"));
  g_assert_false (td_password_verify ("plain-text-password", "plain-text-password"));
}

static void
test_unicode_password (void)
{
  const char *password = "Grüße, Straße – パスワード";
  g_autofree char *hash = td_password_hash (password, NULL);

  g_assert_true (td_password_verify (hash, password));
  g_assert_false (td_password_verify (hash, "Grusse, Strasse – パスワード"));
}

static void
test_salts_differ (void)
{
  g_autofree char *a = td_password_hash ("same password", NULL);
  g_autofree char *b = td_password_hash ("same password", NULL);

  g_assert_cmpstr (a, !=, b);
  g_assert_true (td_password_verify (a, "same password"));
  g_assert_true (td_password_verify (b, "same password"));
}

static void
verify_real (const char *hash)
{
  g_assert_false (td_password_verify (hash, "wrong password"));
}

static void
verify_dummy (void)
{
  td_password_verify_dummy ("wrong password");
}

/* The dummy check for unknown users must cost a real verification, not a failed decode
 * (which would return in microseconds). Interleaved runs and the best of each keep other
 * tests running in parallel from skewing the comparison. G_DEBUG=fatal-criticals also
 * makes a broken dummy constant fail here. */
static void
test_dummy_costs_the_same (void)
{
  g_autofree char *hash = td_password_hash ("some password", NULL);
  gint64 real = G_MAXINT64, dummy = G_MAXINT64;

  for (int i = 0; i < 5; i++)
    {
      gint64 start = g_get_monotonic_time ();

      verify_real (hash);
      real = MIN (real, g_get_monotonic_time () - start);

      start = g_get_monotonic_time ();
      verify_dummy ();
      dummy = MIN (dummy, g_get_monotonic_time () - start);
    }

  g_test_message ("argon2id verify: real %.1f ms, dummy %.1f ms", real / 1000.0, dummy / 1000.0);
  g_assert_cmpint (dummy, >, real / 3);
  g_assert_cmpint (dummy, <, real * 3);

  td_password_verify_dummy (NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/password/hash-format", test_hash_format);
  g_test_add_func ("/server/password/verify", test_verify);
  g_test_add_func ("/server/password/unicode", test_unicode_password);
  g_test_add_func ("/server/password/salts-differ", test_salts_differ);
  g_test_add_func ("/server/password/dummy-costs-the-same", test_dummy_costs_the_same);

  return g_test_run ();
}
