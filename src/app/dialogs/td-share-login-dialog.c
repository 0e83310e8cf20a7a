/* td-share-login-dialog.c: moves the login to a phone with a QR code
 *
 * POST /auth/transfer-tokens gives a single-use URL that lives at most 2 minutes; the
 * dialog shows it as a QR code with a countdown and fetches a new one shortly before it
 * expires, for as long as it is open. When the phone has redeemed one, the server creates
 * a session issued by "transfer" and tells this user with a "system_alert" notification
 * about that session: the dialog watches the event stream for it and, while the stream is
 * not connected, polls GET /me/sessions every 2 s for a transfer session it has not seen.
 * Then it says where the phone signed in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-share-login"

#include "config.h"

#include "td-share-login-dialog.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "td-event-stream.h"
#include "td-json.h"
#include "td-qr.h"
#include "td-time.h"

/* A new code this long before the old one expires, so that a phone never scans a dead one. */
#define RENEW_BEFORE_USEC  (10 * G_USEC_PER_SEC)
#define POLL_INTERVAL_MS   2000
/* The smallest module size on screen; phones read 4 px modules easily. */
#define MIN_MODULE_PIXELS  4

#define TD_TYPE_SHARE_LOGIN_DIALOG (td_share_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TdShareLoginDialog, td_share_login_dialog, TD, SHARE_LOGIN_DIALOG, AdwWindow)

struct _TdShareLoginDialog
{
  AdwWindow       parent_instance;

  TdAccount      *account;
  TdEventStream  *events;
  GCancellable   *cancellable;
  GHashTable     *known_sessions;   /* ids of transfer sessions that existed before */
  gboolean        baseline_known;
  gboolean        creating;
  gboolean        signed_in;
  char           *url;
  gint64          expires_usec;
  GdkTexture     *qr;               /* one pixel a module */
  guint           tick_id;
  guint           poll_id;

  GtkStack       *stack;
  GtkLabel       *intro_label;
  GtkDrawingArea *qr_area;
  GtkLabel       *countdown_label;
  AdwStatusPage  *done_page;
  AdwStatusPage  *error_page;
};

G_DEFINE_FINAL_TYPE (TdShareLoginDialog, td_share_login_dialog, ADW_TYPE_WINDOW)

static void create_token (TdShareLoginDialog *self);

static TdApiClient *
client (TdShareLoginDialog *self)
{
  return td_account_get_client (self->account);
}

/* Signed in ----------------------------------------------------------------------------- */

static void
show_signed_in (TdShareLoginDialog *self,
                const char         *device_label)
{
  g_autofree char *description = NULL;

  if (self->signed_in)
    return;

  self->signed_in = TRUE;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->poll_id, g_source_remove);

  if (device_label != NULL && *device_label != '\0')
    description = g_strdup_printf (_("Signed in on %s. You can end that session in the account settings."),
                                   device_label);
  else
    description = g_strdup (_("Signed in on your phone. You can end that session in the account settings."));

  adw_status_page_set_description (self->done_page, description);
  gtk_stack_set_visible_child_name (self->stack, "done");
}

/* Looks through the user's sessions for a transfer session that is new (or is @wanted_id). */
static void
sessions_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TdShareLoginDialog *self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *items;
  JsonArray *array;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (object == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Sessions: %s", error->message);
      return;
    }

  items = json_object_get_member (object, "items");
  array = items != NULL && JSON_NODE_HOLDS_ARRAY (items) ? json_node_get_array (items) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *session = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = td_json_get_string (session, "id");

      if (id == NULL || g_strcmp0 (td_json_get_string (session, "issued_by"), "transfer") != 0)
        continue;

      if (!self->baseline_known)
        g_hash_table_add (self->known_sessions, g_strdup (id));
      else if (!g_hash_table_contains (self->known_sessions, id))
        {
          show_signed_in (self, td_json_get_string (session, "device_label"));
          return;
        }
    }

  self->baseline_known = TRUE;
}

static void
check_sessions (TdShareLoginDialog *self)
{
  if (client (self) != NULL && !self->signed_in)
    td_api_client_list_sessions_async (client (self), self->cancellable, sessions_cb,
                                       self);
}

static gboolean
poll_cb (gpointer user_data)
{
  TdShareLoginDialog *self = user_data;

  /* The stream announces the sign-in; polling is for when it cannot. */
  if (self->events == NULL || !td_event_stream_get_connected (self->events))
    check_sessions (self);
  return G_SOURCE_CONTINUE;
}

static void
event_notification_cb (TdEventStream      *events,
                       JsonObject         *item,
                       TdShareLoginDialog *self)
{
  if (g_strcmp0 (td_json_get_string (item, "event_type"), "system_alert") == 0 &&
      g_strcmp0 (td_json_get_string (item, "subject_type"), "session") == 0)
    check_sessions (self);
}

/* The code ---------------------------------------------------------------------------- */

static void
draw_qr (GtkDrawingArea *area,
         cairo_t        *cr,
         int             width,
         int             height,
         gpointer        user_data)
{
  TdShareLoginDialog *self = user_data;

  if (self->qr != NULL)
    td_qr_draw (cr, self->qr, width, height);
}

static void
update_countdown (TdShareLoginDialog *self)
{
  gint64 remaining = MAX (self->expires_usec - td_time_now_usec (), 0) / G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  /* TRANSLATORS: minutes:seconds until the code is replaced */
  text = g_strdup_printf (_("A new code follows in %d:%02d"),
                          (int) (remaining / 60), (int) (remaining % 60));
  gtk_label_set_label (self->countdown_label, text);
}

static gboolean
tick_cb (gpointer user_data)
{
  TdShareLoginDialog *self = user_data;

  if (!self->creating && self->expires_usec - td_time_now_usec () <= RENEW_BEFORE_USEC)
    create_token (self);
  update_countdown (self);
  return G_SOURCE_CONTINUE;
}

static void
show_error (TdShareLoginDialog *self,
            const char         *message)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  TdShareLoginDialog *self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) qr = NULL;
  const char *url, *expires_at;
  gint64 expires_usec = 0;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  /* Cancelled: the dialog is gone, and so is self. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->creating = FALSE;
  if (object == NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (self->signed_in)
    return;

  url = td_json_get_string (object, "url");
  expires_at = td_json_get_string (object, "expires_at");
  if (url == NULL || expires_at == NULL || !td_time_parse (expires_at, &expires_usec) ||
      (qr = td_qr_texture_new (url, 1, &error)) == NULL)
    {
      show_error (self, error ? error->message : _("The server sent an answer Twindesk does not understand"));
      return;
    }

  g_free (self->url);
  self->url = g_strdup (url);
  self->expires_usec = expires_usec;
  g_set_object (&self->qr, qr);
  gtk_widget_set_size_request (GTK_WIDGET (self->qr_area),
                               gdk_texture_get_width (qr) * MIN_MODULE_PIXELS,
                               gdk_texture_get_height (qr) * MIN_MODULE_PIXELS);
  gtk_widget_queue_draw (GTK_WIDGET (self->qr_area));
  gtk_stack_set_visible_child_name (self->stack, "code");

  update_countdown (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

static void
create_token (TdShareLoginDialog *self)
{
  if (client (self) == NULL || self->creating || self->signed_in)
    return;

  self->creating = TRUE;
  td_api_client_create_transfer_token_async (client (self), self->cancellable, token_cb,
                                             self);
}

static void
retry_clicked_cb (TdShareLoginDialog *self)
{
  gtk_stack_set_visible_child_name (self->stack, "loading");
  create_token (self);
}

/* Building ---------------------------------------------------------------------------- */

static GtkWidget *
status_page_new (const char *icon_name,
                 const char *title,
                 const char *button_label,
                 GCallback   clicked,
                 gpointer    data)
{
  GtkWidget *page = adw_status_page_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon_name);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect_swapped (button, "clicked", clicked, data);
  adw_status_page_set_child (ADW_STATUS_PAGE (page), button);
  return page;
}

static void
build (TdShareLoginDialog *self)
{
  GtkWidget *box, *header, *code, *spinner;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Share Login"), NULL));
  gtk_box_append (GTK_BOX (box), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  spinner = gtk_spinner_new ();
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_stack_add_named (self->stack, spinner, "loading");

  code = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (code, 24);
  gtk_widget_set_margin_end (code, 24);
  gtk_widget_set_margin_top (code, 12);
  gtk_widget_set_margin_bottom (code, 24);
  self->intro_label = GTK_LABEL (gtk_label_new (_("Scan this code with your phone’s camera to sign in there with your account. The code works once.")));
  gtk_label_set_wrap (self->intro_label, TRUE);
  gtk_label_set_justify (self->intro_label, GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (self->intro_label, 40);
  gtk_box_append (GTK_BOX (code), GTK_WIDGET (self->intro_label));

  self->qr_area = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->qr_area), TRUE);
  gtk_drawing_area_set_draw_func (self->qr_area, draw_qr, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->qr_area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("QR code for signing in on a phone"), -1);
  gtk_box_append (GTK_BOX (code), GTK_WIDGET (self->qr_area));

  self->countdown_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), "numeric");
  gtk_box_append (GTK_BOX (code), GTK_WIDGET (self->countdown_label));
  gtk_stack_add_named (self->stack, code, "code");

  self->done_page = ADW_STATUS_PAGE (status_page_new ("emblem-ok-symbolic", _("Your Phone Is Signed In"),
                                                      _("_Done"), G_CALLBACK (gtk_window_close), self));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->done_page), "done");

  self->error_page = ADW_STATUS_PAGE (status_page_new ("dialog-error-symbolic", _("No Code Right Now"),
                                                       _("_Try Again"), G_CALLBACK (retry_clicked_cb), self));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->error_page), "error");

  gtk_stack_set_visible_child_name (self->stack, "loading");
  adw_window_set_content (ADW_WINDOW (self), box);
}

/* Requests do not keep the dialog alive: closing it cancels them, and every callback
 * returns on G_IO_ERROR_CANCELLED before it touches the dialog. */
static void
td_share_login_dialog_dispose (GObject *object)
{
  TdShareLoginDialog *self = TD_SHARE_LOGIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->events != NULL)
    {
      /* The account's stream: only let go of it. */
      g_signal_handlers_disconnect_by_data (self->events, self);
      g_clear_object (&self->events);
    }

  G_OBJECT_CLASS (td_share_login_dialog_parent_class)->dispose (object);
}

static void
td_share_login_dialog_finalize (GObject *object)
{
  TdShareLoginDialog *self = TD_SHARE_LOGIN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_object (&self->qr);
  g_clear_pointer (&self->known_sessions, g_hash_table_unref);
  g_free (self->url);

  G_OBJECT_CLASS (td_share_login_dialog_parent_class)->finalize (object);
}

static void
td_share_login_dialog_class_init (TdShareLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_share_login_dialog_dispose;
  object_class->finalize = td_share_login_dialog_finalize;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
td_share_login_dialog_init (TdShareLoginDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->known_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_window_set_title (GTK_WINDOW (self), _("Share Login"));
  gtk_window_set_default_size (GTK_WINDOW (self), 420, 560);
  build (self);
}

GtkWindow *
td_share_login_dialog_new (GtkWindow *parent,
                           TdAccount *account)
{
  TdShareLoginDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TD_IS_ACCOUNT (account), NULL);

  self = g_object_new (TD_TYPE_SHARE_LOGIN_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->account = g_object_ref (account);

  if (client (self) == NULL)
    show_error (self, _("You are not signed in"));
  else
    {
      /* The sessions that exist now are not the phone's. */
      check_sessions (self);
      create_token (self);

      if (td_account_get_events (account) != NULL)
        {
          self->events = g_object_ref (td_account_get_events (account));
          g_signal_connect (self->events, "notification", G_CALLBACK (event_notification_cb), self);
        }
      self->poll_id = g_timeout_add (POLL_INTERVAL_MS, poll_cb, self);
    }

  gtk_window_present (GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

void
td_share_login_dialog_present (GtkWindow *parent,
                               TdAccount *account)
{
  td_share_login_dialog_new (parent, account);
}

GdkTexture *
td_share_login_dialog_render_qr (GtkWindow *dialog,
                                 guint      module_size)
{
  TdShareLoginDialog *self;

  g_return_val_if_fail (TD_IS_SHARE_LOGIN_DIALOG (dialog), NULL);

  self = TD_SHARE_LOGIN_DIALOG (dialog);
  if (self->url == NULL || self->signed_in)
    return NULL;
  return td_qr_texture_new (self->url, module_size, NULL);
}
