/* td-application.c: the Twindesk desktop application
 *
 * Owns the services that are not widgets (settings, keyring access, the account with its
 * API client and user) and hands them to windows. Application actions and every keyboard
 * accelerator of the app are defined here, in one place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-application"

#include "config.h"

#include "td-application.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "td-accessible.h"
#include "td-app-types.h"
#include "td-window.h"

struct _TdApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  TdCredentials  *credentials;
  TdAccount      *account;
};

G_DEFINE_FINAL_TYPE (TdApplication, td_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_CREDENTIALS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Every accelerator of the app. The shortcuts window (ui/help-overlay.ui) lists them. */
static const struct
{
  const char *action;
  const char *accels[3];
} accelerators[] = {
  { "app.quit",              { "<Control>q", NULL } },
  { "window.close",          { "<Control>w", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
};

static void
logout_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!td_account_sign_out_finish (TD_ACCOUNT (source), result, &error))
    g_warning ("Logging out failed: %s", error->message);
}

static void
logout_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TdApplication *self = TD_APPLICATION (user_data);

  td_account_sign_out_async (self->account, NULL, logout_cb, NULL);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TdApplication *self = TD_APPLICATION (user_data);
  const char *developers[] = { "The Twindesk developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "modal", TRUE,
                        "application-name", "Twindesk",
                        "application-icon", TD_APP_ICON_NAME,
                        "developer-name", "The Twindesk developers",
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/twindesk/twindesk",
                        "issue-url", "https://github.com/twindesk/twindesk/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* Closing the windows first lets each one remember its size. */
static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TdApplication *self = TD_APPLICATION (user_data);
  g_autoptr(GList) windows = NULL;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "logout", logout_activated },
};

static void
account_state_cb (TdApplication *self)
{
  GAction *logout = g_action_map_lookup_action (G_ACTION_MAP (self), "logout");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (logout),
                               td_account_get_state (self->account) == TD_ACCOUNT_SIGNED_IN);
}

static void
td_application_startup (GApplication *application)
{
  TdApplication *self = TD_APPLICATION (application);

  /* Also loads style.css from the resource base path. */
  G_APPLICATION_CLASS (td_application_parent_class)->startup (application);

  td_app_ensure_types ();
  td_accessible_install_fixes ();
  gtk_window_set_default_icon_name (TD_APP_ICON_NAME);

  self->settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);
  if (self->credentials == NULL)
    self->credentials = td_credentials_new ();
  self->account = td_account_new (self->settings, self->credentials);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accelerators[i].action,
                                           accelerators[i].accels);

  g_signal_connect_object (self->account, "notify::state",
                           G_CALLBACK (account_state_cb), self, G_CONNECT_SWAPPED);
  account_state_cb (self);
}

static void
td_application_activate (GApplication *application)
{
  TdApplication *self = TD_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      window = GTK_WINDOW (td_window_new (GTK_APPLICATION (self), self->account));
      /* Before the window shows, so that a remembered session goes straight to the home
       * page without the login form appearing first. */
      td_window_restore_session (TD_WINDOW (window));
    }

  gtk_window_present (window);
}

/* Runs in the primary instance, so --server also reaches an app that is already open. */
static int
td_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  TdApplication *self = TD_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *server = NULL;

  if (g_variant_dict_lookup (options, "server", "&s", &server))
    td_account_set_server_override (self->account, server);

  g_application_activate (application);
  return EXIT_SUCCESS;
}

static void
td_application_dispose (GObject *object)
{
  TdApplication *self = TD_APPLICATION (object);

  g_clear_object (&self->account);
  g_clear_object (&self->credentials);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (td_application_parent_class)->dispose (object);
}

static void
td_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TdApplication *self = TD_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TdApplication *self = TD_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_application_class_init (TdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = td_application_dispose;
  object_class->get_property = td_application_get_property;
  object_class->set_property = td_application_set_property;

  app_class->startup = td_application_startup;
  app_class->activate = td_application_activate;
  app_class->command_line = td_application_command_line;

  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL,
                         TD_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_application_init (TdApplication *self)
{
  /* Translated here because GOption would look the texts up in the domain of
   * textdomain(), which the app never sets (see PLATFORM.md). */
  const GOptionEntry option_entries[] = {
    { "server", 's', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
      _("Sign in to the server at URL"), C_("command line argument", "URL") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("The Twindesk back office for service teams."));
}

TdApplication *
td_application_new (TdCredentials *credentials)
{
  g_return_val_if_fail (credentials == NULL || TD_IS_CREDENTIALS (credentials), NULL);

  return g_object_new (TD_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       /* Set explicitly so that the .Devel id still finds the resources. */
                       "resource-base-path", RESOURCE_BASE_PATH,
                       "credentials", credentials,
                       NULL);
}

TdAccount *
td_application_get_account (TdApplication *self)
{
  g_return_val_if_fail (TD_IS_APPLICATION (self), NULL);

  return self->account;
}
