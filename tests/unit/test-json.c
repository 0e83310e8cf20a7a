/* test-json.c: the guard in front of json-glib for untrusted input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-common-error.h"
#include "td-json.h"

static void
test_depth_limit (void)
{
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GString) deep = NULL;

  for (int i = 0; i < TD_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, '[');
  for (int i = 0; i < TD_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, ']');
  g_assert_true (td_json_check_depth (ok->str, ok->len, TD_JSON_MAX_DEPTH));

  deep = g_string_new ("{\"a\":");
  g_string_append (deep, ok->str);
  g_string_append_c (deep, '}');
  g_assert_false (td_json_check_depth (deep->str, deep->len, TD_JSON_MAX_DEPTH));

  /* Brackets inside strings, with escaped quotes, do not count. */
  g_assert_true (td_json_check_depth ("{\"a\":\"[[[[\\\"[[[[\"}", 19, 2));
}

static void
test_hundred_kb_of_brackets (void)
{
  gsize length = 100 * 1024;
  g_autofree char *body = g_malloc (length);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  memset (body, '[', length);
  node = td_json_parse (body, length, &error);
  g_assert_null (node);
  g_assert_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_TOO_DEEP);
}

static void
test_rejects_bad_input (void)
{
  const struct { const char *body; gsize length; } cases[] = {
    { "", 0 },
    { "   ", 3 },
    { "{\"a\":", 5 },
    { "\xff\xfe{}", 4 },
    { "[1,2]", 5 },       /* an array where an object is expected */
    { "\"text\"", 6 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = td_json_parse_object (cases[i].body, cases[i].length, &error);

      g_assert_null (object);
      g_assert_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_JSON);
    }
}

static void
test_accessors (void)
{
  const char *body = "{\"s\":\"x\",\"n\":7,\"b\":true,\"o\":{\"k\":\"v\"},\"a\":[\"p\",3,\"q\"],"
                     "\"long\":\"abcdef\",\"num\":5}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = td_json_parse_object (body, strlen (body), &error);
  g_auto(GStrv) strv = NULL;
  const char *value;

  g_assert_no_error (error);
  g_assert_cmpstr (td_json_get_string (object, "s"), ==, "x");
  g_assert_null (td_json_get_string (object, "n"));
  g_assert_cmpint (td_json_get_int (object, "n", -1), ==, 7);
  g_assert_cmpint (td_json_get_int (object, "s", -1), ==, -1);
  g_assert_true (td_json_get_bool (object, "b", FALSE));
  g_assert_cmpstr (td_json_get_string (td_json_get_object (object, "o"), "k"), ==, "v");
  strv = td_json_get_strv (object, "a");
  g_assert_cmpuint (g_strv_length (strv), ==, 2);

  g_assert_true (td_json_get_string_checked (object, "missing", FALSE, 10, &value, &error));
  g_assert_null (value);
  g_assert_false (td_json_get_string_checked (object, "missing", TRUE, 10, &value, &error));
  g_assert_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (td_json_get_string_checked (object, "long", TRUE, 5, &value, &error));
  g_assert_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (td_json_get_string_checked (object, "num", TRUE, 5, &value, &error));
  g_assert_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_true (td_json_get_string_checked (object, "long", TRUE, 6, &value, &error));
  g_assert_cmpstr (value, ==, "abcdef");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/json/depth-limit", test_depth_limit);
  g_test_add_func ("/common/json/hundred-kb-of-brackets", test_hundred_kb_of_brackets);
  g_test_add_func ("/common/json/rejects-bad-input", test_rejects_bad_input);
  g_test_add_func ("/common/json/accessors", test_accessors);

  return g_test_run ();
}
