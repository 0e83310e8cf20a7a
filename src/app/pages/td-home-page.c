/* td-home-page.c: what a signed-in person sees first
 *
 * Who is signed in, where, in which role, and which modules that role opens. It only
 * follows TdAccount:user; logging out is the app.logout action.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-home-page"

#include "config.h"

#include "td-home-page.h"

#include <glib/gi18n-lib.h>

#include "td-labels.h"

struct _TdHomePage
{
  AdwBin                parent_instance;

  TdAccount            *account;

  AdwWindowTitle       *window_title;
  AdwAvatar            *avatar;
  GtkLabel             *welcome_label;
  GtkLabel             *role_label;
  GtkLabel             *email_label;
  GtkLabel             *role_value_label;
  GtkLabel             *server_label;
  GtkFlowBox           *modules_box;
  GtkButton            *logout_button;
};

G_DEFINE_FINAL_TYPE (TdHomePage, td_home_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_modules (TdHomePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->modules_box))) != NULL)
    gtk_flow_box_remove (self->modules_box, child);
}

/* The module list comes from the one permission table in common, so the page can never
 * offer what the server would refuse. */
static void
fill_modules (TdHomePage *self,
              TdRole      role)
{
  clear_modules (self);

  if (role >= TD_N_ROLES)
    return;

  for (guint i = 0; i < TD_N_MODULES; i++)
    {
      GtkWidget *tile;
      GtkWidget *icon;
      GtkWidget *label;

      if (!td_module_visible (role, (TdModule) i))
        continue;

      tile = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      gtk_widget_add_css_class (tile, "card");
      gtk_widget_add_css_class (tile, "module-tile");

      icon = gtk_image_new_from_icon_name (td_labels_module_icon ((TdModule) i));
      gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      gtk_box_append (GTK_BOX (tile), icon);

      label = gtk_label_new (td_labels_for_module ((TdModule) i));
      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (tile), label);

      gtk_flow_box_append (self->modules_box, tile);
      /* Nothing happens on a tile yet (the modules arrive with the back-office shell), so
       * it is no stop for the keyboard. */
      gtk_widget_set_focusable (gtk_widget_get_parent (tile), FALSE);
    }
}

static void
update (TdHomePage *self)
{
  const TdUser *user = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *welcome = NULL;
  g_autofree char *role_line = NULL;
  g_autofree char *server_url = NULL;
  const char *role;
  gboolean customer;

  if (self->account != NULL)
    user = td_account_get_user (self->account);

  if (user == NULL)
    {
      /* Signed out: nothing of the last person stays on screen. */
      adw_avatar_set_text (self->avatar, NULL);
      gtk_label_set_label (self->welcome_label, "");
      gtk_label_set_label (self->role_label, "");
      gtk_label_set_label (self->email_label, "");
      gtk_label_set_label (self->role_value_label, "");
      gtk_label_set_label (self->server_label, "");
      adw_window_title_set_subtitle (self->window_title, NULL);
      clear_modules (self);
      return;
    }

  display_name = td_user_dup_display_name (user);
  customer = td_user_get_login_type (user) == TD_LOGIN_CUSTOMER;
  role = td_labels_for_role (user->role);
  server_url = td_account_dup_server_url (self->account);

  adw_avatar_set_text (self->avatar, display_name);

  /* Translators: %s is the name of the signed-in person */
  welcome = g_strdup_printf (_("Welcome, %s"), display_name);
  gtk_label_set_label (self->welcome_label, welcome);

  if (customer)
    /* Translators: %s is the name of the customer's company, e.g. "Customer login · Globex" */
    role_line = g_strdup_printf (_("Customer login · %s"),
                                 user->customer_name ? user->customer_name : "");
  else
    /* Translators: a role and an organization, e.g. "Administrator · Acme Service" */
    role_line = g_strdup_printf (C_("role at organization", "%s · %s"),
                                 role, user->org_name ? user->org_name : "");
  gtk_label_set_label (self->role_label, role_line);

  gtk_label_set_label (self->email_label, user->email);
  gtk_label_set_label (self->role_value_label, role);
  gtk_label_set_label (self->server_label, server_url);
  /* Customer login works inside its own company: that is the name that belongs on top. */
  adw_window_title_set_subtitle (self->window_title,
                                 customer ? user->customer_name : user->org_name);

  fill_modules (self, user->role);
}

static void
td_home_page_dispose (GObject *object)
{
  TdHomePage *self = TD_HOME_PAGE (object);

  /* A disposed widget may live on for a while; the account must not call into it. */
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TD_TYPE_HOME_PAGE);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (td_home_page_parent_class)->dispose (object);
}

static void
td_home_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TdHomePage *self = TD_HOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_home_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TdHomePage *self = TD_HOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      td_home_page_set_account (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_home_page_class_init (TdHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_home_page_dispose;
  object_class->get_property = td_home_page_get_property;
  object_class->set_property = td_home_page_set_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         TD_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "homepage");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ui/td-home-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, window_title);
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, avatar);
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, welcome_label);
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, role_label);
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, email_label);
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, role_value_label);
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, server_label);
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, modules_box);
  gtk_widget_class_bind_template_child (widget_class, TdHomePage, logout_button);
}

static void
td_home_page_init (TdHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
td_home_page_new (void)
{
  return g_object_new (TD_TYPE_HOME_PAGE, NULL);
}

TdAccount *
td_home_page_get_account (TdHomePage *self)
{
  g_return_val_if_fail (TD_IS_HOME_PAGE (self), NULL);

  return self->account;
}

void
td_home_page_set_account (TdHomePage *self,
                          TdAccount  *account)
{
  g_return_if_fail (TD_IS_HOME_PAGE (self));
  g_return_if_fail (account == NULL || TD_IS_ACCOUNT (account));

  if (self->account == account)
    return;

  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);

  g_set_object (&self->account, account);

  if (self->account != NULL)
    g_signal_connect_object (self->account, "notify::user",
                             G_CALLBACK (update), self, G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}
