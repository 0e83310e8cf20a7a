/* td-login-page.c: signing in to a Twindesk server
 *
 * Checks what it can before a round trip (the server address, empty fields), sends the
 * rest through TdAccount and explains every failure inline, under the form: no dialogs.
 * When the server cannot be reached, Retry repeats exactly the last attempt, which may be
 * a sign-in or the check of a remembered session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-login-page"

#include "config.h"

#include "td-login-page.h"

#include <glib/gi18n-lib.h>

#include "td-application.h"
#include "td-validate.h"

typedef enum
{
  MESSAGE_ERROR,
  MESSAGE_NOTE,
} MessageKind;

struct _TdLoginPage
{
  AdwBin          parent_instance;

  TdAccount      *account;
  GCancellable   *cancellable;
  TdAccountState  account_state;
  gboolean        busy;
  gboolean        retry_restores;

  GtkImage       *app_icon;
  AdwEntryRow    *server_row;
  AdwEntryRow    *email_row;
  AdwEntryRow    *password_row;
  GtkRevealer    *message_revealer;
  GtkLabel       *message_label;
  GtkButton      *retry_button;
  GtkButton      *sign_in_button;
  GtkStack       *sign_in_stack;
  GtkSpinner     *sign_in_spinner;
};

G_DEFINE_FINAL_TYPE (TdLoginPage, td_login_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_busy (TdLoginPage *self,
          gboolean     busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;

  /* An entry made insensitive while it has the keyboard focus never gets its focus-out
   * (GTK warns about it when the cursor blinks next); hand the focus back to the window
   * first. It returns to the field a message is about, or to Retry. */
  if (busy)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
        gtk_root_set_focus (root, NULL);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->retry_button), !busy);
  gtk_spinner_set_spinning (self->sign_in_spinner, busy);
  gtk_stack_set_visible_child_name (self->sign_in_stack, busy ? "spinner" : "label");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
hide_message (TdLoginPage *self)
{
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), FALSE);
}

static void
show_message (TdLoginPage *self,
              MessageKind  kind,
              const char  *text,
              gboolean     can_retry)
{
  gtk_label_set_label (self->message_label, text);
  if (kind == MESSAGE_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), can_retry);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);

  if (can_retry)
    gtk_widget_grab_focus (GTK_WIDGET (self->retry_button));
}

/* Marks the field a message is about and puts the cursor there. */
static void
flag_row (TdLoginPage *self,
          AdwEntryRow *row)
{
  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
unflag_rows (TdLoginPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->email_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
}

static AdwEntryRow *
first_empty_row (TdLoginPage *self)
{
  AdwEntryRow *rows[] = { self->server_row, self->email_row, self->password_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (*gtk_editable_get_text (GTK_EDITABLE (rows[i])) == '\0')
      return rows[i];

  return NULL;
}

static void
focus_first_empty_row (TdLoginPage *self)
{
  AdwEntryRow *row = first_empty_row (self);

  gtk_widget_grab_focus (GTK_WIDGET (row != NULL ? row : self->password_row));
}

/* What the person typed last time, or was given on the command line. */
static void
fill_from_account (TdLoginPage *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *email = NULL;

  if (self->account == NULL)
    return;

  server_url = td_account_dup_server_url (self->account);
  email = td_account_dup_last_user (self->account);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url);
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

static void
show_error (TdLoginPage  *self,
            const GError *error,
            const char   *server_url)
{
  g_autofree char *text = NULL;
  gboolean can_retry = FALSE;

  if (g_error_matches (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED))
    {
      text = g_strdup (_("Wrong email or password"));
      flag_row (self, self->password_row);
    }
  else if (g_error_matches (error, TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT) ||
           g_error_matches (error, TD_API_ERROR, TD_API_ERROR_TIMEOUT))
    {
      /* Translators: %s is a server address such as https://service.example.com */
      text = g_strdup_printf (_("Cannot reach the server at %s. Check the address and your network connection."),
                              server_url);
      can_retry = TRUE;
    }
  else if (g_error_matches (error, TD_API_ERROR, TD_API_ERROR_TOO_MANY_REQUESTS))
    {
      text = g_strdup (_("Too many sign-in attempts. Wait a minute, then try again."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
  else if (g_error_matches (error, TD_API_ERROR, TD_API_ERROR_INVALID_URL))
    {
      text = g_strdup (_("Enter a server address such as https://service.example.com"));
      flag_row (self, self->server_row);
    }
  else if (g_error_matches (error, TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE) ||
           g_error_matches (error, TD_API_ERROR, TD_API_ERROR_NOT_FOUND))
    {
      /* Translators: %s is a server address such as https://service.example.com */
      text = g_strdup_printf (_("The server at %s does not answer like a Twindesk server. Check the address."),
                              server_url);
      flag_row (self, self->server_row);
    }
  else
    {
      /* The server's own words are the most precise description there is. */
      /* Translators: %s is the reason the server gave */
      text = g_strdup_printf (_("Could not sign in: %s"), error->message);
      can_retry = g_error_matches (error, TD_API_ERROR, TD_API_ERROR_SERVER);
      if (!can_retry)
        gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }

  show_message (self, MESSAGE_ERROR, text, can_retry);
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TdLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!td_account_sign_in_finish (TD_ACCOUNT (source), result, &error))
    {
      /* The page is going away: nothing of it may be touched. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_busy (self, FALSE);
      show_error (self, error, gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
      return;
    }

  /* The window now shows the home page; the password has no business staying around. */
  set_busy (self, FALSE);
  hide_message (self);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

static void
submit (TdLoginPage *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *email = NULL;
  const char *password;

  if (self->busy || self->account == NULL)
    return;

  hide_message (self);
  unflag_rows (self);

  /* Checked here so that a typo costs no request and gets a precise explanation. */
  if (!td_validate_server_url (gtk_editable_get_text (GTK_EDITABLE (self->server_row)), &server_url))
    {
      show_message (self, MESSAGE_ERROR,
                    _("Enter a server address such as https://service.example.com"), FALSE);
      flag_row (self, self->server_row);
      return;
    }

  email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));
  if (*email == '\0')
    {
      show_message (self, MESSAGE_ERROR, _("Enter your email address"), FALSE);
      flag_row (self, self->email_row);
      return;
    }
  if (!td_validate_email (email))
    {
      show_message (self, MESSAGE_ERROR,
                    _("Enter a valid email address, such as name@example.com"), FALSE);
      flag_row (self, self->email_row);
      return;
    }

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (*password == '\0')
    {
      show_message (self, MESSAGE_ERROR, _("Enter your password"), FALSE);
      flag_row (self, self->password_row);
      return;
    }

  /* Show the address the app will really use, e.g. with the scheme it added. */
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url);

  self->retry_restores = FALSE;
  set_busy (self, TRUE);
  td_account_sign_in_async (self->account, server_url, email, password, self->cancellable,
                            sign_in_cb, g_object_ref (self));
}

static void
restore_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TdLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_url = NULL;

  if (td_account_restore_finish (TD_ACCOUNT (source), result, &error))
    {
      set_busy (self, FALSE);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    return;

  set_busy (self, FALSE);
  fill_from_account (self);

  /* Nothing was remembered: an ordinary sign-in. */
  if (error == NULL)
    {
      self->retry_restores = FALSE;
      focus_first_empty_row (self);
      return;
    }

  if (g_error_matches (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED))
    {
      self->retry_restores = FALSE;
      show_message (self, MESSAGE_NOTE, _("Your session has ended. Please sign in again."), FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  server_url = td_account_dup_server_url (TD_ACCOUNT (source));
  self->retry_restores = TRUE;
  show_error (self, error, server_url);
}

static void
retry_clicked_cb (TdLoginPage *self)
{
  if (self->retry_restores)
    td_login_page_restore_session (self);
  else
    submit (self);
}

static void
sign_in_clicked_cb (TdLoginPage *self)
{
  submit (self);
}

/* Enter moves on to the next empty field and submits from the last one, so that typing
 * the form top to bottom never produces an error about a field not yet reached. */
static void
entry_activated_cb (TdLoginPage *self,
                    AdwEntryRow *row)
{
  AdwEntryRow *empty = first_empty_row (self);

  if (row != self->password_row && empty != NULL && empty != row)
    gtk_widget_grab_focus (GTK_WIDGET (empty));
  else
    submit (self);
}

static void
row_changed_cb (GtkEditable *editable,
                TdLoginPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
}

static void
account_state_cb (TdLoginPage *self)
{
  TdAccountState state = td_account_get_state (self->account);

  /* After a log out the form starts over, with the address and email kept. */
  if (self->account_state == TD_ACCOUNT_SIGNED_IN && state == TD_ACCOUNT_SIGNED_OUT)
    {
      hide_message (self);
      unflag_rows (self);
      fill_from_account (self);
    }

  self->account_state = state;
}

static void
update_app_icon (TdLoginPage *self)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)));

  /* Running from the build tree the app icon is not installed yet. */
  if (gtk_icon_theme_has_icon (theme, TD_APP_ICON_NAME))
    {
      gtk_image_set_from_icon_name (self->app_icon, TD_APP_ICON_NAME);
      gtk_widget_remove_css_class (GTK_WIDGET (self->app_icon), "fallback-icon");
    }
  else
    {
      gtk_image_set_from_icon_name (self->app_icon, "network-server-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->app_icon), "fallback-icon");
    }
}

static void
td_login_page_map (GtkWidget *widget)
{
  TdLoginPage *self = TD_LOGIN_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (td_login_page_parent_class)->map (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root), GTK_WIDGET (self->sign_in_button));

  if (!self->busy)
    focus_first_empty_row (self);
}

static void
td_login_page_unmap (GtkWidget *widget)
{
  TdLoginPage *self = TD_LOGIN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (GTK_IS_WINDOW (root) &&
      gtk_window_get_default_widget (GTK_WINDOW (root)) == GTK_WIDGET (self->sign_in_button))
    gtk_window_set_default_widget (GTK_WINDOW (root), NULL);

  GTK_WIDGET_CLASS (td_login_page_parent_class)->unmap (widget);
}

static void
td_login_page_dispose (GObject *object)
{
  TdLoginPage *self = TD_LOGIN_PAGE (object);

  /* Requests still running report G_IO_ERROR_CANCELLED and touch nothing of this page. */
  g_cancellable_cancel (self->cancellable);

  /* A disposed widget may live on for a while; the account must not call into it. */
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TD_TYPE_LOGIN_PAGE);
  g_clear_object (&self->account);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (td_login_page_parent_class)->dispose (object);
}

static void
td_login_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TdLoginPage *self = TD_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_login_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TdLoginPage *self = TD_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      td_login_page_set_account (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_login_page_class_init (TdLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_login_page_dispose;
  object_class->get_property = td_login_page_get_property;
  object_class->set_property = td_login_page_set_property;

  widget_class->map = td_login_page_map;
  widget_class->unmap = td_login_page_unmap;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         TD_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "loginpage");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ui/td-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, app_icon);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, sign_in_stack);
  gtk_widget_class_bind_template_child (widget_class, TdLoginPage, sign_in_spinner);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_changed_cb);
}

static void
td_login_page_init (TdLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  update_app_icon (self);
}

GtkWidget *
td_login_page_new (void)
{
  return g_object_new (TD_TYPE_LOGIN_PAGE, NULL);
}

TdAccount *
td_login_page_get_account (TdLoginPage *self)
{
  g_return_val_if_fail (TD_IS_LOGIN_PAGE (self), NULL);

  return self->account;
}

void
td_login_page_set_account (TdLoginPage *self,
                           TdAccount   *account)
{
  g_return_if_fail (TD_IS_LOGIN_PAGE (self));
  g_return_if_fail (account == NULL || TD_IS_ACCOUNT (account));

  if (self->account == account)
    return;

  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);

  g_set_object (&self->account, account);

  if (self->account != NULL)
    {
      self->account_state = td_account_get_state (self->account);
      g_signal_connect_object (self->account, "notify::state",
                               G_CALLBACK (account_state_cb), self, G_CONNECT_SWAPPED);
      fill_from_account (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

gboolean
td_login_page_get_busy (TdLoginPage *self)
{
  g_return_val_if_fail (TD_IS_LOGIN_PAGE (self), FALSE);

  return self->busy;
}

/* Checks a remembered session with the server; the window shows a waiting page meanwhile
 * and this page, if it fails, says why. */
void
td_login_page_restore_session (TdLoginPage *self)
{
  g_return_if_fail (TD_IS_LOGIN_PAGE (self));

  if (self->busy || self->account == NULL || !td_account_can_restore (self->account))
    return;

  hide_message (self);
  unflag_rows (self);
  set_busy (self, TRUE);
  td_account_restore_async (self->account, self->cancellable, restore_cb, g_object_ref (self));
}
