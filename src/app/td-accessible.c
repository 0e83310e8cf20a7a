/* td-accessible.c: accessible names that GTK 4.8 gets wrong
 *
 * GTK 4.8 gives a button with a mnemonic label ("_Try Again") two names at once: the raw
 * label, underscore included, as its accessible label, and a labelled-by relation to the
 * label widget inside it. Screen readers then announce "_Try Again Try Again". Dropping the
 * label property leaves the relation, which names the button by its label's text. GTK sets
 * the property again whenever the label changes, so the fix is repeated after each change.
 *
 * One emission hook on GtkWidget::map covers every button of every window and dialog,
 * including those built in code, without each page having to remember it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-accessible.h"

#define FIXED_KEY "td-accessible-mnemonic-fixed"

static void
drop_raw_label (GtkButton *button)
{
  if (gtk_button_get_use_underline (button) && gtk_button_get_label (button) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
label_changed_cb (GtkButton  *button,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  drop_raw_label (button);
}

static gboolean
widget_mapped_hook (GSignalInvocationHint *hint,
                    guint                  n_values,
                    const GValue          *values,
                    gpointer               user_data)
{
  GObject *widget = g_value_get_object (&values[0]);

  if (GTK_IS_BUTTON (widget) && g_object_get_data (widget, FIXED_KEY) == NULL)
    {
      g_object_set_data (widget, FIXED_KEY, GINT_TO_POINTER (TRUE));
      g_signal_connect (widget, "notify::label", G_CALLBACK (label_changed_cb), NULL);
      g_signal_connect (widget, "notify::use-underline", G_CALLBACK (label_changed_cb), NULL);
      drop_raw_label (GTK_BUTTON (widget));
    }
  return TRUE;  /* stay installed */
}

void
td_accessible_install_fixes (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      guint map;

      /* Signals exist once their class does; this may run before any widget is made. The
       * class stays referenced for the life of the process, as the hook does. */
      g_type_class_ref (GTK_TYPE_WIDGET);
      map = g_signal_lookup ("map", GTK_TYPE_WIDGET);
      g_signal_add_emission_hook (map, 0, widget_mapped_hook, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}
