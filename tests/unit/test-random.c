/* test-random.c: tokens and ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-random.h"

static void
test_token_shape (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 1000; i++)
    {
      char *token = td_token_new ();

      /* 256 bits as unpadded base64url. */
      g_assert_cmpuint (strlen (token), ==, 43);
      for (const char *p = token; *p; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
      g_assert_false (g_hash_table_contains (seen, token));
      g_hash_table_add (seen, token);
    }
}

static void
test_token_hash (void)
{
  g_autofree char *hash = td_token_hash ("abc");

  /* SHA-256("abc") from FIPS 180-2. */
  g_assert_cmpstr (hash, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_uuid (void)
{
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *uuid = td_uuid_new ();

      g_assert_true (td_uuid_is_valid (uuid));
      g_assert_cmpint (uuid[14], ==, '4');
      g_assert_true (strchr ("89ab", uuid[19]) != NULL);
    }
  g_assert_false (td_uuid_is_valid ("not-a-uuid"));
  g_assert_false (td_uuid_is_valid (NULL));
}

static void
test_secure_equal (void)
{
  g_assert_true (td_secure_str_equal ("abc", "abc"));
  g_assert_false (td_secure_str_equal ("abc", "abd"));
  g_assert_false (td_secure_str_equal ("abc", "abcd"));
  g_assert_false (td_secure_str_equal (NULL, "abc"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/random/token-shape", test_token_shape);
  g_test_add_func ("/common/random/token-hash", test_token_hash);
  g_test_add_func ("/common/random/uuid", test_uuid);
  g_test_add_func ("/common/random/secure-equal", test_secure_equal);

  return g_test_run ();
}
