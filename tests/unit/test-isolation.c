/* test-isolation.c: the department isolation rule of DOMAIN.md §3
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-isolation.h"

static void
test_rule (void)
{
  const char *none[] = { NULL };
  const char *north[] = { "north", NULL };
  const char *south[] = { "south", NULL };
  const char *both[] = { "north", "south", NULL };

  for (TdIsolation mode = TD_ISOLATION_OFF; mode <= TD_ISOLATION_STRICT; mode++)
    {
      /* Global managers (no department) see everything in every mode. */
      g_assert_true (td_isolation_visible (mode, none, south));
      g_assert_true (td_isolation_visible (mode, none, none));
      g_assert_true (td_isolation_visible (mode, north, both));
    }

  g_assert_true (td_isolation_visible (TD_ISOLATION_OFF, north, south));
  g_assert_false (td_isolation_visible (TD_ISOLATION_BASIC, north, south));
  g_assert_false (td_isolation_visible (TD_ISOLATION_STRICT, north, south));

  /* Department-less entities: visible in Basic, hidden in Strict. */
  g_assert_true (td_isolation_visible (TD_ISOLATION_BASIC, south, none));
  g_assert_false (td_isolation_visible (TD_ISOLATION_STRICT, south, none));
  g_assert_false (td_isolation_visible (TD_ISOLATION_STRICT, south, NULL));
}

static void
test_names (void)
{
  TdIsolation mode;

  g_assert_true (td_isolation_from_string ("strict", &mode));
  g_assert_cmpint (mode, ==, TD_ISOLATION_STRICT);
  g_assert_cmpstr (td_isolation_to_string (TD_ISOLATION_BASIC), ==, "basic");
  g_assert_false (td_isolation_from_string ("STRICT", &mode));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/isolation/rule", test_rule);
  g_test_add_func ("/common/isolation/names", test_names);

  return g_test_run ();
}
