/* test-api-docs.c: every route of the server is documented in docs/api.md
 *
 * A route counts as documented when docs/api.md names its method and its path together, as
 * "METHOD /path" (in a heading, a table or running text). The path may be written with or
 * without the /api/v1 prefix, and placeholders may be named differently ({id} and
 * {customer_id} are the same): every {…} is compared as {}. Several methods may share one
 * path, "GET/PATCH/DELETE /tickets/{id}". The generic /<collection> rows of the collection
 * conventions name no route and do not count.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api-routes.h"

/* Replaces every {name} placeholder by {} so that only the shape of a path is compared. */
static char *
normalize_placeholders (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      const char *end = p + 1;

      if (*p != '{')
        {
          g_string_append_c (out, *p);
          continue;
        }

      while (g_ascii_isalnum (*end) || *end == '_' || *end == '-')
        end++;
      if (*end == '}')
        {
          g_string_append (out, "{}");
          p = end;
        }
      else
        g_string_append_c (out, '{');
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_path_char (char c)
{
  /* strchr() also finds the terminating NUL: check for it first. */
  return c != '\0' && (g_ascii_isalnum (c) || strchr ("/_-.{}", c) != NULL);
}

/* Collects "METHOD /path" and "M1/M2 /path" from @text as "METHOD /path" strings. */
static GHashTable *
collect_documented (const char *text)
{
  GHashTable *documented = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      const char *methods, *methods_end, *path, *path_end;
      g_autofree char *path_text = NULL;
      g_auto(GStrv) names = NULL;
      g_autofree char *method_list = NULL;

      if (!g_ascii_isupper (*p) || (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '_')))
        continue;

      /* [A-Z]+(/[A-Z]+)* */
      methods = p;
      methods_end = p;
      for (;;)
        {
          while (g_ascii_isupper (*methods_end))
            methods_end++;
          if (methods_end[0] == '/' && g_ascii_isupper (methods_end[1]))
            methods_end++;
          else
            break;
        }

      if (methods_end[0] != ' ' || methods_end[1] != '/')
        {
          p = methods_end - 1;
          continue;
        }

      path = methods_end + 1;
      path_end = path;
      while (is_path_char (*path_end))
        path_end++;

      method_list = g_strndup (methods, (gsize) (methods_end - methods));
      path_text = g_strndup (path, (gsize) (path_end - path));
      names = g_strsplit (method_list, "/", -1);
      for (guint i = 0; names[i] != NULL; i++)
        g_hash_table_add (documented, g_strdup_printf ("%s %s", names[i], path_text));

      p = path_end - 1;
    }

  return documented;
}

typedef struct
{
  GHashTable *documented;
  GPtrArray  *missing;
  guint       n_routes;
} CheckData;

static void
check_route_cb (const TdApiRoute *route,
                gpointer          user_data)
{
  CheckData *data = user_data;
  g_autofree char *pattern = normalize_placeholders (route->pattern);
  g_autofree char *full = g_strdup_printf ("%s %s", route->method, pattern);
  g_autofree char *shortened = NULL;

  data->n_routes++;

  if (g_str_has_prefix (pattern, TD_API_BASE_PATH "/"))
    shortened = g_strdup_printf ("%s %s", route->method, pattern + strlen (TD_API_BASE_PATH));

  if (g_hash_table_contains (data->documented, full) ||
      (shortened != NULL && g_hash_table_contains (data->documented, shortened)))
    return;

  g_ptr_array_add (data->missing, g_strdup_printf ("%s %s", route->method, route->pattern));
}

static char *
read_api_md (void)
{
  g_autoptr(GError) error = NULL;
  const char *source_dir = g_getenv ("TD_SOURCE_DIR");
  g_autofree char *path = NULL;
  char *contents = NULL;

  g_assert_nonnull (source_dir);
  path = g_build_filename (source_dir, "docs", "api.md", NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_normalize (void)
{
  g_autofree char *a = normalize_placeholders ("/customers/{customer_id}/departments/{id}");
  g_autofree char *b = normalize_placeholders ("{\"a\":{\"b\":1}} {} {x");

  g_assert_cmpstr (a, ==, "/customers/{}/departments/{}");
  g_assert_cmpstr (b, ==, "{\"a\":{\"b\":1}} {} {x");
}

static void
test_collect (void)
{
  g_autoptr(GHashTable) found =
    collect_documented ("### `GET /api/v1/health`\n| `GET/PATCH/DELETE /tickets/{}` |\n"
                        "GET /api/v1/<collection> and `POST /c/{}?x=1`, NOTE /x, GETX /y");

  g_assert_true (g_hash_table_contains (found, "GET /api/v1/health"));
  g_assert_true (g_hash_table_contains (found, "GET /tickets/{}"));
  g_assert_true (g_hash_table_contains (found, "PATCH /tickets/{}"));
  g_assert_true (g_hash_table_contains (found, "DELETE /tickets/{}"));
  g_assert_true (g_hash_table_contains (found, "POST /c/{}"));
  g_assert_true (g_hash_table_contains (found, "GET /api/v1/"));
  g_assert_false (g_hash_table_contains (found, "GET /api/v1/<collection>"));
  g_assert_false (g_hash_table_contains (found, "POST /tickets/{}"));
}

static void
test_every_route_documented (void)
{
  g_autofree char *text = read_api_md ();
  g_autofree char *normalized = normalize_placeholders (text);
  g_autoptr(GHashTable) documented = collect_documented (normalized);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  CheckData data = { documented, missing, 0 };

  td_api_foreach_route (check_route_cb, &data);
  g_test_message ("%u routes, %u METHOD /path mentions in docs/api.md", data.n_routes,
                  g_hash_table_size (documented));
  g_assert_cmpuint (data.n_routes, >, 0);

  if (missing->len > 0)
    {
      g_test_message ("Routes not documented in docs/api.md (write \"METHOD /path\"):");
      for (gsize i = 0; i < missing->len; i++)
        g_test_message ("  %s", (const char *) g_ptr_array_index (missing, i));
      g_test_fail_printf ("%u of %u routes are not documented in docs/api.md: %s%s",
                          missing->len, data.n_routes,
                          (const char *) g_ptr_array_index (missing, 0),
                          missing->len > 1 ? ", ..." : "");
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/api-docs/normalize", test_normalize);
  g_test_add_func ("/server/api-docs/collect", test_collect);
  g_test_add_func ("/server/api-docs/every-route-documented", test_every_route_documented);

  return g_test_run ();
}
