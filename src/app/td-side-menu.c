/* td-side-menu.c
 *
 * The rows come from the one permission table (td_module_visible()), so the menu never
 * offers a module the server would refuse: customer login has no Templates and Customers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-side-menu"

#include "config.h"

#include "td-side-menu.h"

#include "td-labels.h"

struct _TdSideMenu
{
  GtkWidget   parent_instance;

  GtkListBox *list_box;
  TdModule    modules[TD_N_MODULES];
  guint       n_modules;
  gboolean    selecting;
};

G_DEFINE_FINAL_TYPE (TdSideMenu, td_side_menu, GTK_TYPE_WIDGET)

enum {
  MODULE_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
row_activated_cb (TdSideMenu    *self,
                  GtkListBoxRow *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (self->selecting || index < 0 || (guint) index >= self->n_modules)
    return;

  g_signal_emit (self, signals[MODULE_SELECTED], 0, (guint) self->modules[index]);
}

static GtkWidget *
module_row_new (TdModule module)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (td_labels_module_icon (module));
  GtkWidget *label = gtk_label_new (td_labels_for_module (module));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_name (row, td_module_to_string (module));
  return row;
}

void
td_side_menu_set_role (TdSideMenu *self,
                       TdRole      role)
{
  GtkWidget *child;

  g_return_if_fail (TD_IS_SIDE_MENU (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->n_modules = 0;

  if (role >= TD_N_ROLES)
    return;

  for (TdModule module = 0; module < TD_N_MODULES; module++)
    {
      if (!td_module_visible (role, module))
        continue;

      self->modules[self->n_modules++] = module;
      gtk_list_box_append (self->list_box, module_row_new (module));
    }
}

guint
td_side_menu_get_n_modules (TdSideMenu *self)
{
  g_return_val_if_fail (TD_IS_SIDE_MENU (self), 0);

  return self->n_modules;
}

TdModule
td_side_menu_get_module_at (TdSideMenu *self,
                            guint       index)
{
  g_return_val_if_fail (TD_IS_SIDE_MENU (self), TD_N_MODULES);

  return index < self->n_modules ? self->modules[index] : TD_N_MODULES;
}

gboolean
td_side_menu_has_module (TdSideMenu *self,
                         TdModule    module)
{
  g_return_val_if_fail (TD_IS_SIDE_MENU (self), FALSE);

  for (guint i = 0; i < self->n_modules; i++)
    if (self->modules[i] == module)
      return TRUE;

  return FALSE;
}

void
td_side_menu_select_module (TdSideMenu *self,
                            TdModule    module)
{
  g_return_if_fail (TD_IS_SIDE_MENU (self));

  for (guint i = 0; i < self->n_modules; i++)
    if (self->modules[i] == module)
      {
        self->selecting = TRUE;
        gtk_list_box_select_row (self->list_box, gtk_list_box_get_row_at_index (self->list_box, i));
        self->selecting = FALSE;
        return;
      }

  gtk_list_box_unselect_all (self->list_box);
}

char **
td_side_menu_dup_labels (TdSideMenu *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (TD_IS_SIDE_MENU (self), NULL);

  for (guint i = 0; i < self->n_modules; i++)
    g_strv_builder_add (builder, td_labels_for_module (self->modules[i]));

  return g_strv_builder_end (builder);
}

static void
td_side_menu_dispose (GObject *object)
{
  GtkWidget *child;
  gtk_widget_dispose_template (GTK_WIDGET (object), TD_TYPE_SIDE_MENU);
  /* The template's top child has no id, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (td_side_menu_parent_class)->dispose (object);
}

static void
td_side_menu_class_init (TdSideMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_side_menu_dispose;

  signals[MODULE_SELECTED] =
    g_signal_new ("module-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sidemenu");
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ui/td-side-menu.ui");
  gtk_widget_class_bind_template_child (widget_class, TdSideMenu, list_box);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
td_side_menu_init (TdSideMenu *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
td_side_menu_new (void)
{
  return g_object_new (TD_TYPE_SIDE_MENU, NULL);
}
