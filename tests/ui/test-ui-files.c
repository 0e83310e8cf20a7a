/* test-ui-files.c: every .ui file in the resources loads without a GtkBuilder complaint
 *
 * Templates are loaded the way the app loads them, by instantiating their class; other
 * files go through gtk_builder_new_from_resource(). g_test_init() makes every warning and
 * critical fatal, so a misspelt property or a missing type fails the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "td-app-types.h"

#define UI_PATH RESOURCE_BASE_PATH "/ui/"

/* The class a template file defines, or NULL for a plain builder file. */
static char *
template_class (GBytes *bytes)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  const char *start = strstr (text, "<template class=\"");
  const char *end;

  if (start == NULL)
    return NULL;

  start += strlen ("<template class=\"");
  end = strchr (start, '"');
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static void
test_ui_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *class_name = NULL;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);

  class_name = template_class (bytes);
  if (class_name != NULL)
    {
      GType type = g_type_from_name (class_name);
      GtkWidget *widget;

      g_test_message ("%s: template of %s", path, class_name);
      g_assert_true (type != G_TYPE_INVALID);
      g_assert_true (g_type_is_a (type, GTK_TYPE_WIDGET));

      widget = g_object_ref_sink (g_object_new (type, NULL));
      if (GTK_IS_WINDOW (widget))
        gtk_window_destroy (GTK_WINDOW (widget));
      g_assert_finalize_object (widget);
    }
  else
    {
      g_autoptr(GtkBuilder) builder = NULL;
      g_autoptr(GSList) objects = NULL;

      g_test_message ("%s: builder file", path);
      builder = gtk_builder_new_from_resource (path);
      objects = gtk_builder_get_objects (builder);
      g_assert_nonnull (objects);

      /* Windows in a builder file belong to GTK's list of toplevels until destroyed. */
      for (GSList *l = objects; l != NULL; l = l->next)
        if (GTK_IS_WINDOW (l->data))
          gtk_window_destroy (GTK_WINDOW (l->data));
    }
}

static void
test_resources_hold_ui_files (void)
{
  g_auto(GStrv) children = NULL;
  g_autoptr(GError) error = NULL;

  children = g_resources_enumerate_children (UI_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (children), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) children = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  setlocale (LC_ALL, "C.UTF-8");

  td_app_ensure_types ();

  g_test_add_func ("/ui/files/enumerate", test_resources_hold_ui_files);

  children = g_resources_enumerate_children (UI_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *test_path = NULL;
      char *path;

      if (!g_str_has_suffix (children[i], ".ui"))
        continue;

      path = g_strconcat (UI_PATH, children[i], NULL);
      g_ptr_array_add (paths, path);
      test_path = g_strdup_printf ("/ui/files/%s", children[i]);
      g_test_add_data_func (test_path, path, test_ui_file);
    }

  return g_test_run ();
}
