/* td-window.c: the main window
 *
 * Shows the login page or the home page, whichever fits the state of the account, and a
 * quiet "signing in" page while a remembered session is checked. It is the one place that
 * shows toasts and remembers its own size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-window"

#include "config.h"

#include "td-window.h"


#include "td-home-page.h"
#include "td-login-page.h"

/* A remembered session usually resumes within a few milliseconds; a spinner that flashes
 * for that long only looks like a glitch, so it appears after this delay. */
#define LOADING_REVEAL_DELAY_MS 300

struct _TdWindow
{
  AdwApplicationWindow  parent_instance;

  TdAccount            *account;
  guint                 reveal_loading_id;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkRevealer          *loading_revealer;
  GtkLabel             *loading_detail_label;
  TdLoginPage          *login_page;
  TdHomePage           *home_page;
};

G_DEFINE_FINAL_TYPE (TdWindow, td_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
reveal_loading_cb (gpointer user_data)
{
  TdWindow *self = TD_WINDOW (user_data);

  self->reveal_loading_id = 0;
  gtk_revealer_set_reveal_child (self->loading_revealer, TRUE);
  return G_SOURCE_REMOVE;
}

static void
sync_page (TdWindow *self)
{
  TdAccountState state = TD_ACCOUNT_SIGNED_OUT;

  if (self->account != NULL)
    state = td_account_get_state (self->account);

  g_clear_handle_id (&self->reveal_loading_id, g_source_remove);

  switch (state)
    {
    case TD_ACCOUNT_RESTORING:
      {
        g_autofree char *email = td_account_dup_last_user (self->account);

        gtk_label_set_label (self->loading_detail_label, email);
        gtk_revealer_set_reveal_child (self->loading_revealer, FALSE);
        self->reveal_loading_id = g_timeout_add (LOADING_REVEAL_DELAY_MS, reveal_loading_cb, self);
        gtk_stack_set_visible_child_name (self->stack, "loading");
      }
      break;

    case TD_ACCOUNT_SIGNED_IN:
      gtk_stack_set_visible_child_name (self->stack, "home");
      break;

    case TD_ACCOUNT_SIGNED_OUT:
    default:
      gtk_stack_set_visible_child_name (self->stack, "login");
      break;
    }
}

static void
account_notice_cb (TdWindow   *self,
                   const char *message)
{
  td_window_show_toast (self, message);
}

static void
load_window_state (TdWindow *self)
{
  GSettings *settings = td_account_get_settings (self->account);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (TdWindow *self)
{
  GSettings *settings = td_account_get_settings (self->account);
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width = 0;
  int height = 0;

  g_settings_set_boolean (settings, "window-maximized", maximized);

  /* The size a maximized window had before is what it should return to. */
  if (maximized)
    return;

  /* The schema has a range; a value outside it would be refused with a warning. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", CLAMP (width, 360, 16384));
      g_settings_set_int (settings, "window-height", CLAMP (height, 294, 16384));
    }
}

static gboolean
td_window_close_request (GtkWindow *window)
{
  TdWindow *self = TD_WINDOW (window);

  if (self->account != NULL)
    save_window_state (self);

  return GTK_WINDOW_CLASS (td_window_parent_class)->close_request (window);
}

static void
td_window_constructed (GObject *object)
{
  TdWindow *self = TD_WINDOW (object);

  G_OBJECT_CLASS (td_window_parent_class)->constructed (object);

  if (self->account != NULL)
    {
      load_window_state (self);
      td_login_page_set_account (self->login_page, self->account);
      td_home_page_set_account (self->home_page, self->account);
      g_signal_connect_object (self->account, "notify::state",
                               G_CALLBACK (sync_page), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->account, "notice",
                               G_CALLBACK (account_notice_cb), self, G_CONNECT_SWAPPED);
    }

  sync_page (self);
}

static void
td_window_dispose (GObject *object)
{
  TdWindow *self = TD_WINDOW (object);

  g_clear_handle_id (&self->reveal_loading_id, g_source_remove);
  /* A disposed widget may live on for a while; the account must not call into it. */
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TD_TYPE_WINDOW);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (td_window_parent_class)->dispose (object);
}

static void
td_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TdWindow *self = TD_WINDOW (object);

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
td_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TdWindow *self = TD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_window_class_init (TdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = td_window_constructed;
  object_class->dispose = td_window_dispose;
  object_class->get_property = td_window_get_property;
  object_class->set_property = td_window_set_property;

  window_class->close_request = td_window_close_request;

  /* NULL for the pieces of tests that only build the window. */
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         TD_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TD_TYPE_HOME_PAGE);
  g_type_ensure (TD_TYPE_LOGIN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ui/td-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, loading_revealer);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, loading_detail_label);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, login_page);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, home_page);
}

static void
td_window_init (TdWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Also installs win.show-help-overlay. */
  builder = gtk_builder_new_from_resource (RESOURCE_BASE_PATH "/ui/help-overlay.ui");
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                           GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));

#ifdef DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

TdWindow *
td_window_new (GtkApplication *application,
               TdAccount      *account)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (TD_IS_ACCOUNT (account), NULL);

  return g_object_new (TD_TYPE_WINDOW,
                       "application", application,
                       "account", account,
                       NULL);
}

TdAccount *
td_window_get_account (TdWindow *self)
{
  g_return_val_if_fail (TD_IS_WINDOW (self), NULL);

  return self->account;
}

/* Resumes a remembered session, if there is one; the login page reports what went wrong. */
void
td_window_restore_session (TdWindow *self)
{
  g_return_if_fail (TD_IS_WINDOW (self));

  td_login_page_restore_session (self->login_page);
}

/* The one way the app shows a passing message; decisions use dialogs, failures of a page
 * show on the page. */
void
td_window_show_toast (TdWindow   *self,
                      const char *message)
{
  g_return_if_fail (TD_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}
