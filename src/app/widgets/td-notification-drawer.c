/* td-notification-drawer.c: the end-side panel with the account and the notifications
 *
 * Shows who is signed in (avatar and name open the account settings), log out, share
 * login, the push toggle and the user's notifications, newest event first. The unread
 * count is the server's (GET /notifications/unread-count), read again whenever something
 * may have changed it: the event stream pushes a notification, the stream reconnects, the
 * drawer is shown, an entry is opened, or every 30 s while the stream is not connected.
 *
 * New notifications also become desktop notifications (GNotification) while the window is
 * not focused, when the push toggle is on and the server says the event type goes to the
 * desktop (`desktop`). Clicking one activates "app.open-item" (ss: subject type, subject
 * id), which this drawer adds to the application and answers by presenting its window and
 * emitting "open-item", as clicking the entry in the drawer does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-notification-drawer"

#include "config.h"

#include "td-notification-drawer.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "td-account-dialog.h"
#include "td-application.h"
#include "td-event-stream.h"
#include "td-json.h"
#include "td-time.h"

/* Polling is only the fallback for when the event stream is down. */
#define POLL_INTERVAL_SECONDS 30
/* The drawer is a glance, not an archive. */
#define LIST_LIMIT            50
/* Several pushes in a burst (read-all marks many) become one refresh. */
#define REFRESH_DELAY_MS      250
#define OPEN_ITEM_ACTION      "open-item"

struct _TdNotificationDrawer
{
  GtkWidget      parent_instance;

  TdAccount     *account;
  GSettings     *settings;
  TdEventStream *events;
  GCancellable  *cancellable;      /* the current refresh */
  GCancellable  *life_cancellable; /* everything else; cancelled on dispose */
  guint          poll_id;
  guint          refresh_id;
  guint          unread_count;
  /* When the list was last read (RFC 3339), so "mark all" leaves newer ones unread. */
  char          *listed_at;
  /* The notifications shown, for the desktop-notification action to find one by subject. */
  JsonArray     *items;

  GtkWidget     *content;
  GtkButton     *avatar_button;
  AdwAvatar     *avatar;
  GtkLabel      *name_label;
  GtkLabel      *email_label;
  GtkButton     *logout_button;
  GtkButton     *share_login_button;
  GtkButton     *settings_button;
  GtkSwitch     *push_switch;
  GtkButton     *mark_all_button;
  GtkStack      *list_stack;
  GtkListBox    *list_box;
};

G_DEFINE_FINAL_TYPE (TdNotificationDrawer, td_notification_drawer, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_UNREAD_COUNT,
  N_PROPS
};

enum {
  OPEN_ITEM,
  ACCOUNT_SETTINGS_REQUESTED,
  SHARE_LOGIN_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void refresh (TdNotificationDrawer *self);

/* Texts ------------------------------------------------------------------------------- */

/* The server writes titles in English; the drawer says the same in the user's language,
 * per event type, with the stack's count. The server's body stays as the detail. */
static char *
notification_title (JsonObject *item)
{
  const char *event_type = td_json_get_string (item, "event_type");
  const char *subject_type = td_json_get_string (item, "subject_type");
  const char *server_title = td_json_get_string (item, "title");
  gint64 count = MAX (td_json_get_int (item, "count", 1), 1);
  gulong n = (gulong) MIN (count, G_MAXINT);

  if (g_strcmp0 (event_type, "case_request") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "New request", "%lu new requests", n), n);
  if (g_strcmp0 (event_type, "offer_received") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "New offer", "%lu new offers", n), n);
  if (g_strcmp0 (event_type, "assignment") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Assigned to you", "%lu new assignments", n), n);
  if (g_strcmp0 (event_type, "status_change") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Status changed", "%lu status changes", n), n);
  if (g_strcmp0 (event_type, "message") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "New message", "%lu new messages", n), n);
  if (g_strcmp0 (event_type, "task_due") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Task due", "%lu tasks due", n), n);
  if (g_strcmp0 (event_type, "code_event") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Code activity", "%lu code events", n), n);
  if (g_strcmp0 (event_type, "system_alert") == 0 && g_strcmp0 (subject_type, "session") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Signed in on another device",
                                                      "Signed in on %lu other devices", n), n);
  if (g_strcmp0 (event_type, "system_alert") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "System alert", "%lu system alerts", n), n);
  if (g_strcmp0 (event_type, "company_activity") == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Company activity", "%lu company updates", n), n);

  /* A newer server's event type: its own words are better than nothing. */
  return g_strdup (server_title != NULL ? server_title : "");
}

static char *
format_event_time (const char *timestamp)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (timestamp == NULL || (time = g_date_time_new_from_iso8601 (timestamp, NULL)) == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* Unread count ------------------------------------------------------------------------ */

static void
set_unread_count (TdNotificationDrawer *self,
                  guint                 count)
{
  if (self->unread_count == count)
    return;

  self->unread_count = count;
  gtk_widget_set_sensitive (GTK_WIDGET (self->mark_all_button), count > 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
}

/* Rows -------------------------------------------------------------------------------- */

static JsonObject *
row_get_item (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "td-notification");
}

static void
row_show_read_state (GtkListBoxRow *row,
                     gboolean       unread)
{
  GtkWidget *dot = g_object_get_data (G_OBJECT (row), "td-unread-dot");
  GtkWidget *title = g_object_get_data (G_OBJECT (row), "td-title");

  gtk_widget_set_opacity (dot, unread ? 1.0 : 0.0);
  if (unread)
    gtk_widget_add_css_class (title, "heading");
  else
    gtk_widget_remove_css_class (title, "heading");
}

static GtkWidget *
row_new (JsonObject *item)
{
  g_autofree char *title = notification_title (item);
  g_autofree char *when = format_event_time (td_json_get_string (item, "event_at"));
  g_autofree char *accessible = NULL;
  const char *body = td_json_get_string (item, "body");
  gboolean unread = td_json_get_bool (item, "unread", FALSE);
  GtkWidget *row, *box, *text, *top, *dot, *title_label, *time_label, *body_label;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  /* Bold and a dot, not colour alone, tell unread entries apart. */
  dot = gtk_label_new ("●");
  gtk_widget_add_css_class (dot, "accent");
  gtk_widget_set_valign (dot, GTK_ALIGN_START);
  gtk_accessible_update_state (GTK_ACCESSIBLE (dot), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_box_append (GTK_BOX (box), dot);

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (text), top);

  title_label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_box_append (GTK_BOX (top), title_label);

  time_label = gtk_label_new (when);
  /* Digits and dashes only: without this a right-to-left row reorders date and time. */
  gtk_widget_set_direction (time_label, GTK_TEXT_DIR_LTR);
  gtk_widget_add_css_class (time_label, "caption");
  gtk_widget_add_css_class (time_label, "dim-label");
  gtk_box_append (GTK_BOX (top), time_label);

  if (body != NULL && *body != '\0')
    {
      body_label = gtk_label_new (body);
      gtk_label_set_xalign (GTK_LABEL (body_label), 0);
      gtk_label_set_wrap (GTK_LABEL (body_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (body_label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (body_label), 2);
      gtk_label_set_ellipsize (GTK_LABEL (body_label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (body_label, "dim-label");
      gtk_box_append (GTK_BOX (text), body_label);
    }

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "td-notification", json_object_ref (item),
                          (GDestroyNotify) json_object_unref);
  g_object_set_data (G_OBJECT (row), "td-unread-dot", dot);
  g_object_set_data (G_OBJECT (row), "td-title", title_label);
  row_show_read_state (GTK_LIST_BOX_ROW (row), unread);

  /* Screen readers hear the state the dot shows. */
  accessible = unread ? g_strdup_printf (_("Unread: %s"), title) : g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, body ? body : "",
                                  -1);
  return row;
}

static void
show_items (TdNotificationDrawer *self,
            JsonArray            *items)
{
  GtkWidget *child;
  guint n = items ? json_array_get_length (items) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  g_clear_pointer (&self->items, json_array_unref);
  if (items != NULL)
    self->items = json_array_ref (items);

  /* The server sorts by -event_at: newest event first, and reading does not reorder. */
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        gtk_list_box_append (self->list_box, row_new (json_node_get_object (node)));
    }

  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
}

/* Refreshing -------------------------------------------------------------------------- */

static TdApiClient *
signed_in_client (TdNotificationDrawer *self)
{
  if (self->account == NULL || td_account_get_state (self->account) != TD_ACCOUNT_SIGNED_IN)
    return NULL;
  return td_account_get_client (self->account);
}

static void
unread_count_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TdNotificationDrawer *self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  gint64 unread;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (object == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Unread count: %s", error->message);
      return;
    }

  unread = td_json_get_int (object, "unread", -1);
  if (unread >= 0)
    set_unread_count (self, (guint) MIN (unread, G_MAXUINT));
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  TdNotificationDrawer *self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *items;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (object == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Notifications: %s", error->message);
      return;
    }

  items = json_object_get_member (object, "items");
  show_items (self, items != NULL && JSON_NODE_HOLDS_ARRAY (items) ? json_node_get_array (items) : NULL);
}

static void
refresh (TdNotificationDrawer *self)
{
  TdApiClient *client = signed_in_client (self);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (client == NULL)
    return;

  /* A newer refresh makes an older one pointless. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_free (self->listed_at);
  self->listed_at = td_time_now ();

  td_api_client_get_unread_count_async (client, self->cancellable, unread_count_cb, self);
  td_api_client_list_notifications_async (client, LIST_LIMIT, self->cancellable, list_cb, self);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  TdNotificationDrawer *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (TdNotificationDrawer *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_DELAY_MS, refresh_timeout_cb, self);
}

static gboolean
poll_cb (gpointer user_data)
{
  TdNotificationDrawer *self = user_data;

  if (self->events == NULL || !td_event_stream_get_connected (self->events))
    refresh (self);
  return G_SOURCE_CONTINUE;
}

/* Desktop notifications --------------------------------------------------------------- */

static gboolean
window_is_focused (TdNotificationDrawer *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (root));
}

static void
send_desktop_notification (TdNotificationDrawer *self,
                           JsonObject           *item)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = notification_title (item);
  g_autofree char *notification_id = NULL;
  const char *id = td_json_get_string (item, "id");
  const char *body = td_json_get_string (item, "body");
  const char *subject_type = td_json_get_string (item, "subject_type");
  const char *subject_id = td_json_get_string (item, "subject_id");

  if (app == NULL || !g_application_get_is_registered (app) || id == NULL)
    return;

  notification = g_notification_new (title);
  if (body != NULL && *body != '\0')
    g_notification_set_body (notification, body);
  /* Without a subject, a click just activates the application (GNotification's default). */
  if (subject_type != NULL && subject_id != NULL)
    g_notification_set_default_action_and_target (notification, "app." OPEN_ITEM_ACTION,
                                                  "(ss)", subject_type, subject_id);

  /* One desktop notification per drawer entry: a stacked update replaces it. */
  notification_id = g_strconcat ("notification-", id, NULL);
  g_application_send_notification (app, notification_id, notification);
}

static void
event_notification_cb (TdEventStream        *events,
                       JsonObject           *item,
                       TdNotificationDrawer *self)
{
  queue_refresh (self);

  if (td_json_get_bool (item, "unread", FALSE) &&
      td_json_get_bool (item, "desktop", FALSE) &&
      g_settings_get_boolean (self->settings, "push-notifications") &&
      !window_is_focused (self))
    send_desktop_notification (self, item);
}

static void
event_connected_cb (TdEventStream        *events,
                    TdNotificationDrawer *self)
{
  /* What was pushed while the stream was down is only in the server's lists. */
  queue_refresh (self);
}

/* Opening and marking read ------------------------------------------------------------ */

/* After marking one or all read. */
static void
marked_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TdNotificationDrawer *self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (object == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (object == NULL)
    g_warning ("Marking notifications read: %s", error->message);

  /* The server's count, whatever happened: it is the truth the bell shows. */
  refresh (self);
}

static void
mark_item_read (TdNotificationDrawer *self,
                JsonObject           *item)
{
  TdApiClient *client = signed_in_client (self);
  const char *id = td_json_get_string (item, "id");

  if (client == NULL || id == NULL || !td_json_get_bool (item, "unread", FALSE))
    return;

  json_object_set_boolean_member (item, "unread", FALSE);
  /* Seen at once; the server's count follows when it has answered. */
  if (self->unread_count > 0)
    set_unread_count (self, self->unread_count - 1);
  td_api_client_mark_notification_read_async (client, id, self->life_cancellable,
                                              marked_read_cb, self);
}

static void
open_item (TdNotificationDrawer *self,
           JsonObject           *item)
{
  const char *subject_type = td_json_get_string (item, "subject_type");
  const char *subject_id = td_json_get_string (item, "subject_id");
  g_autofree char *notification_id = g_strconcat ("notification-", td_json_get_string (item, "id"), NULL);
  GApplication *app = g_application_get_default ();

  if (app != NULL && g_application_get_is_registered (app))
    g_application_withdraw_notification (app, notification_id);

  mark_item_read (self, item);
  if (subject_type != NULL && subject_id != NULL)
    g_signal_emit (self, signals[OPEN_ITEM], 0, subject_type, subject_id);
}

static void
row_activated_cb (GtkListBox           *list_box,
                  GtkListBoxRow        *row,
                  TdNotificationDrawer *self)
{
  JsonObject *item = row_get_item (row);

  if (item == NULL)
    return;

  row_show_read_state (row, FALSE);
  open_item (self, item);
}

static void
mark_all_clicked_cb (TdNotificationDrawer *self)
{
  TdApiClient *client = signed_in_client (self);

  if (client == NULL)
    return;

  /* Only what the list showed: one that arrived since stays unread. */
  td_api_client_mark_all_notifications_read_async (client, self->listed_at,
                                                   self->life_cancellable, marked_read_cb, self);
}

/* "app.open-item" (ss) from a desktop notification. */
static void
open_item_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TdNotificationDrawer *self = g_object_get_data (G_OBJECT (action), "td-drawer");
  const char *subject_type = NULL;
  const char *subject_id = NULL;
  GtkRoot *root;

  if (self == NULL)
    return;

  g_variant_get (parameter, "(&s&s)", &subject_type, &subject_id);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_present (GTK_WINDOW (root));

  /* The entry it came from is read now, like a click in the drawer makes it. */
  for (guint i = 0; self->items != NULL && i < json_array_get_length (self->items); i++)
    {
      JsonNode *node = json_array_get_element (self->items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (item != NULL &&
          g_strcmp0 (td_json_get_string (item, "subject_type"), subject_type) == 0 &&
          g_strcmp0 (td_json_get_string (item, "subject_id"), subject_id) == 0)
        mark_item_read (self, item);
    }

  g_signal_emit (self, signals[OPEN_ITEM], 0, subject_type, subject_id);
}

static void
add_app_action (TdNotificationDrawer *self)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GSimpleAction) action = NULL;

  if (!G_IS_ACTION_MAP (app) || g_action_map_lookup_action (G_ACTION_MAP (app), OPEN_ITEM_ACTION))
    return;

  action = g_simple_action_new (OPEN_ITEM_ACTION, G_VARIANT_TYPE ("(ss)"));
  g_object_set_data (G_OBJECT (action), "td-drawer", self);
  g_signal_connect (action, "activate", G_CALLBACK (open_item_activated), NULL);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
}

static void
remove_app_action (TdNotificationDrawer *self)
{
  GApplication *app = g_application_get_default ();
  GAction *action;

  if (!G_IS_ACTION_MAP (app))
    return;

  action = g_action_map_lookup_action (G_ACTION_MAP (app), OPEN_ITEM_ACTION);
  if (action != NULL && g_object_get_data (G_OBJECT (action), "td-drawer") == self)
    g_action_map_remove_action (G_ACTION_MAP (app), OPEN_ITEM_ACTION);
}

/* Account ----------------------------------------------------------------------------- */

static void
show_user (TdNotificationDrawer *self,
           const TdUser         *user)
{
  g_autofree char *name = user ? td_user_dup_display_name (user) : NULL;
  g_autoptr(GdkTexture) avatar = user ? td_account_dialog_decode_avatar (user->avatar) : NULL;

  gtk_label_set_label (self->name_label, name ? name : "");
  gtk_label_set_label (self->email_label, user && user->email ? user->email : "");
  adw_avatar_set_text (self->avatar, name);
  adw_avatar_set_custom_image (self->avatar, GDK_PAINTABLE (avatar));

  if (user != NULL)
    {
      g_signal_handlers_block_matched (self->push_switch, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      gtk_switch_set_active (self->push_switch, user->push_enabled);
      g_signal_handlers_unblock_matched (self->push_switch, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      /* The server's toggle is the user's choice on every device; the key follows it. */
      if (g_settings_get_boolean (self->settings, "push-notifications") != user->push_enabled)
        g_settings_set_boolean (self->settings, "push-notifications", user->push_enabled);
    }
}

static void
get_me_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TdNotificationDrawer *self = user_data;
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = td_api_client_get_me_finish (TD_API_CLIENT (source), result, &error);
  if (user != NULL)
    show_user (self, user);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Reading the user: %s", error->message);
}

/* The account dialog changes the user on the server; read it back from there so that name,
 * avatar and push toggle show what is stored. */
static void
reload_user (TdNotificationDrawer *self)
{
  TdApiClient *client = signed_in_client (self);

  if (client != NULL)
    td_api_client_get_me_async (client, self->life_cancellable, get_me_cb, self);
}

static void
stop_events (TdNotificationDrawer *self)
{
  if (self->events == NULL)
    return;

  /* The account's stream: only let go of it. */
  g_signal_handlers_disconnect_by_data (self->events, self);
  g_clear_object (&self->events);
}

static void
account_state_changed_cb (TdNotificationDrawer *self)
{
  TdApiClient *client = signed_in_client (self);

  stop_events (self);
  show_user (self, self->account ? td_account_get_user (self->account) : NULL);

  if (client == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      show_items (self, NULL);
      set_unread_count (self, 0);
      return;
    }

  /* The account's stream lives while it is signed in; without one the timer polls. */
  if (td_account_get_events (self->account) != NULL)
    {
      self->events = g_object_ref (td_account_get_events (self->account));
      g_signal_connect (self->events, "notification", G_CALLBACK (event_notification_cb), self);
      g_signal_connect (self->events, "connected", G_CALLBACK (event_connected_cb), self);
    }

  refresh (self);
}

static void
account_user_changed_cb (TdNotificationDrawer *self)
{
  show_user (self, td_account_get_user (self->account));
  reload_user (self);
}

static void
push_update_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TdNotificationDrawer *self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (object != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Not stored: show what the server still has. */
  g_warning ("Changing push notifications: %s", error->message);
  reload_user (self);
}

static void
push_switch_active_cb (TdNotificationDrawer *self)
{
  TdApiClient *client = signed_in_client (self);
  gboolean active = gtk_switch_get_active (self->push_switch);
  g_autoptr(JsonObject) changes = json_object_new ();

  g_settings_set_boolean (self->settings, "push-notifications", active);
  if (client == NULL)
    return;

  json_object_set_boolean_member (changes, "push_enabled", active);
  td_api_client_update_me_async (client, changes, self->life_cancellable, push_update_cb, self);
}

static void
settings_clicked_cb (TdNotificationDrawer *self)
{
  g_signal_emit (self, signals[ACCOUNT_SETTINGS_REQUESTED], 0);
}

static void
share_login_clicked_cb (TdNotificationDrawer *self)
{
  g_signal_emit (self, signals[SHARE_LOGIN_REQUESTED], 0);
}

static void
set_account (TdNotificationDrawer *self,
             TdAccount            *account)
{
  g_return_if_fail (self->account == NULL);

  if (account == NULL)
    return;

  self->account = g_object_ref (account);
  self->settings = g_object_ref (td_account_get_settings (account));
  g_signal_connect_object (account, "notify::state", G_CALLBACK (account_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (account, "notify::user", G_CALLBACK (account_user_changed_cb),
                           self, G_CONNECT_SWAPPED);
  account_state_changed_cb (self);
}

/* GObject ----------------------------------------------------------------------------- */

static void
td_notification_drawer_map (GtkWidget *widget)
{
  TdNotificationDrawer *self = TD_NOTIFICATION_DRAWER (widget);

  GTK_WIDGET_CLASS (td_notification_drawer_parent_class)->map (widget);

  /* Opening the drawer shows the server's state, whatever the stream missed. */
  queue_refresh (self);
}

static void
td_notification_drawer_dispose (GObject *object)
{
  TdNotificationDrawer *self = TD_NOTIFICATION_DRAWER (object);

  remove_app_action (self);
  stop_events (self);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->life_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->life_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TD_TYPE_NOTIFICATION_DRAWER);
  g_clear_object (&self->account);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->items, json_array_unref);

  G_OBJECT_CLASS (td_notification_drawer_parent_class)->dispose (object);
}

static void
td_notification_drawer_finalize (GObject *object)
{
  TdNotificationDrawer *self = TD_NOTIFICATION_DRAWER (object);

  g_free (self->listed_at);

  G_OBJECT_CLASS (td_notification_drawer_parent_class)->finalize (object);
}

static void
td_notification_drawer_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TdNotificationDrawer *self = TD_NOTIFICATION_DRAWER (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->unread_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_notification_drawer_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  TdNotificationDrawer *self = TD_NOTIFICATION_DRAWER (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      set_account (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_notification_drawer_class_init (TdNotificationDrawerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_notification_drawer_dispose;
  object_class->finalize = td_notification_drawer_finalize;
  object_class->get_property = td_notification_drawer_get_property;
  object_class->set_property = td_notification_drawer_set_property;
  widget_class->map = td_notification_drawer_map;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         TD_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /* The server's number of unread notifications (a stack counts once): the bell's badge. */
  properties[PROP_UNREAD_COUNT] =
    g_param_spec_uint ("unread-count", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* An entry (or its desktop notification) was opened: show its subject. */
  signals[OPEN_ITEM] =
    g_signal_new ("open-item", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[ACCOUNT_SETTINGS_REQUESTED] =
    g_signal_new ("account-settings-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SHARE_LOGIN_REQUESTED] =
    g_signal_new ("share-login-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ui/td-notification-drawer.ui");
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, content);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, avatar_button);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, avatar);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, name_label);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, email_label);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, logout_button);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, share_login_button);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, settings_button);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, push_switch);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, mark_all_button);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, list_stack);
  gtk_widget_class_bind_template_child (widget_class, TdNotificationDrawer, list_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "notification-drawer");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
td_notification_drawer_init (TdNotificationDrawer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->life_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->mark_all_button), FALSE);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");

  g_signal_connect_swapped (self->avatar_button, "clicked", G_CALLBACK (settings_clicked_cb), self);
  g_signal_connect_swapped (self->settings_button, "clicked", G_CALLBACK (settings_clicked_cb), self);
  g_signal_connect_swapped (self->share_login_button, "clicked", G_CALLBACK (share_login_clicked_cb), self);
  g_signal_connect_swapped (self->mark_all_button, "clicked", G_CALLBACK (mark_all_clicked_cb), self);
  g_signal_connect_swapped (self->push_switch, "notify::active", G_CALLBACK (push_switch_active_cb), self);
  g_signal_connect (self->list_box, "row-activated", G_CALLBACK (row_activated_cb), self);

  self->poll_id = g_timeout_add_seconds (POLL_INTERVAL_SECONDS, poll_cb, self);
  add_app_action (self);
}

GtkWidget *
td_notification_drawer_new (TdAccount *account)
{
  return g_object_new (TD_TYPE_NOTIFICATION_DRAWER,
                       "account", account,
                       NULL);
}
