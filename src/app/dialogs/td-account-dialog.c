/* td-account-dialog.c: the personal account settings
 *
 * Three pages of an AdwPreferencesWindow: the account (name, avatar, language, password),
 * notifications (push toggle and the event type × channel matrix) and the active sessions
 * (with revoke). Every change is saved at once with PATCH /me (or its own route) and the
 * server's answer is what the page then shows; the drawer and the window learn about it
 * through td_account_update_user() and TdAccount's "user" notification.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-account-dialog"

#include "config.h"

#include "td-account-dialog.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "td-json.h"
#include "td-language.h"
#include "td-validate.h"

/* Avatars are shown at most at 96 px; 256 px stays sharp at twice that scale. */
#define AVATAR_PIXELS   256
#define AVATAR_JPEG_QUALITY "85"

#define TD_TYPE_ACCOUNT_DIALOG (td_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TdAccountDialog, td_account_dialog, TD, ACCOUNT_DIALOG, AdwPreferencesWindow)

struct _TdAccountDialog
{
  AdwPreferencesWindow  parent_instance;

  TdAccount            *account;
  GCancellable         *cancellable;
  TdUser               *user;           /* as the server last answered */
  gboolean              filling;        /* showing the user, not the user changing things */

  AdwAvatar            *avatar;
  GtkButton            *remove_avatar_button;
  AdwEntryRow          *first_name_row;
  AdwEntryRow          *last_name_row;
  AdwComboRow          *language_row;
  AdwPasswordEntryRow  *current_password_row;
  AdwPasswordEntryRow  *new_password_row;
  AdwPasswordEntryRow  *confirm_password_row;
  GtkButton            *change_password_button;
  GtkLabel             *password_message;
  GtkSwitch            *push_switch;
  GHashTable           *channel_checks;  /* "event_type/channel" → GtkCheckButton */
  AdwPreferencesGroup  *sessions_group;
  GPtrArray            *session_rows;
  GtkButton            *revoke_others_button;
};

G_DEFINE_FINAL_TYPE (TdAccountDialog, td_account_dialog, ADW_TYPE_PREFERENCES_WINDOW)

static const char * const channels[] = { "in_app", "desktop", "email" };

static const char *
event_type_name (const char *event_type)
{
  if (g_strcmp0 (event_type, "case_request") == 0)
    return _("New requests");
  if (g_strcmp0 (event_type, "offer_received") == 0)
    return _("Offers");
  if (g_strcmp0 (event_type, "assignment") == 0)
    return _("Assignments");
  if (g_strcmp0 (event_type, "status_change") == 0)
    return _("Status changes");
  if (g_strcmp0 (event_type, "message") == 0)
    return _("Messages and updates");
  if (g_strcmp0 (event_type, "task_due") == 0)
    return _("Tasks due");
  if (g_strcmp0 (event_type, "code_event") == 0)
    return _("Code events");
  if (g_strcmp0 (event_type, "system_alert") == 0)
    return _("System alerts");
  if (g_strcmp0 (event_type, "company_activity") == 0)
    return _("Activity of my company");
  return event_type;
}

static const char *
channel_name (const char *channel)
{
  if (g_strcmp0 (channel, "in_app") == 0)
    return _("In-app");
  if (g_strcmp0 (channel, "desktop") == 0)
    return _("Desktop");
  return _("Email");
}

/* Avatars ------------------------------------------------------------------------------ */

GdkTexture *
td_account_dialog_decode_avatar (const char *data_url)
{
  static const char * const prefixes[] = { "data:image/png;base64,", "data:image/jpeg;base64," };
  g_autoptr(GBytes) bytes = NULL;
  const char *encoded = NULL;
  guchar *data;
  gsize length = 0;

  if (data_url == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes) && encoded == NULL; i++)
    if (g_str_has_prefix (data_url, prefixes[i]))
      encoded = data_url + strlen (prefixes[i]);

  /* What the server accepts, and no more: the bytes come from the network. */
  if (encoded == NULL || strlen (encoded) > (TD_AVATAR_MAX_BYTES / 3 + 1) * 4)
    return NULL;

  data = g_base64_decode (encoded, &length);
  bytes = g_bytes_new_take (data, length);
  return gdk_texture_new_from_bytes (bytes, NULL);
}

/* Reads, scales down and encodes the chosen image in a thread: a large photo takes a while. */
static void
encode_avatar_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *encoded = NULL;
  gsize length = 0;
  GError *error = NULL;
  const char *type = "png";

  stream = g_file_read (file, cancellable, &error);
  if (stream != NULL)
    pixbuf = gdk_pixbuf_new_from_stream_at_scale (G_INPUT_STREAM (stream), AVATAR_PIXELS,
                                                  AVATAR_PIXELS, TRUE, cancellable, &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &length, "png", &error, NULL))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A photo does not compress well as PNG; JPEG fits it in the server's limit. */
  if (length > TD_AVATAR_MAX_BYTES)
    {
      g_autoptr(GdkPixbuf) opaque = gdk_pixbuf_get_has_alpha (pixbuf)
        ? gdk_pixbuf_composite_color_simple (pixbuf, gdk_pixbuf_get_width (pixbuf),
                                             gdk_pixbuf_get_height (pixbuf),
                                             GDK_INTERP_NEAREST, 255, 8, 0xffffff, 0xffffff)
        : g_object_ref (pixbuf);

      g_clear_pointer (&buffer, g_free);
      type = "jpeg";
      if (!gdk_pixbuf_save_to_buffer (opaque, &buffer, &length, "jpeg", &error,
                                      "quality", AVATAR_JPEG_QUALITY, NULL))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  encoded = g_base64_encode ((const guchar *) buffer, length);
  g_task_return_pointer (task, g_strdup_printf ("data:image/%s;base64,%s", type, encoded), g_free);
}

/* Showing the user -------------------------------------------------------------------- */

static void
show_user (TdAccountDialog *self)
{
  g_autofree char *name = td_user_dup_display_name (self->user);
  g_autoptr(GdkTexture) avatar = td_account_dialog_decode_avatar (self->user->avatar);
  g_autoptr(JsonObject) preferences = NULL;
  const char * const *event_types = td_notification_event_types ();
  const TdLanguage *languages;
  guint n_languages;

  self->filling = TRUE;

  adw_avatar_set_text (self->avatar, name);
  adw_avatar_set_custom_image (self->avatar, GDK_PAINTABLE (avatar));
  gtk_widget_set_sensitive (GTK_WIDGET (self->remove_avatar_button), avatar != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->first_name_row),
                         self->user->first_name ? self->user->first_name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->last_name_row),
                         self->user->last_name ? self->user->last_name : "");

  /* The same choices as the window's language menu (td-language.c). */
  languages = td_language_list (&n_languages);
  for (guint i = 0; i < n_languages; i++)
    if (g_strcmp0 (languages[i].code, self->user->language ? self->user->language : "") == 0)
      adw_combo_row_set_selected (self->language_row, i);

  gtk_switch_set_active (self->push_switch, self->user->push_enabled);

  if (self->user->notification_preferences != NULL)
    preferences = td_json_parse_object (self->user->notification_preferences,
                                        strlen (self->user->notification_preferences), NULL);
  for (guint i = 0; event_types[i] != NULL; i++)
    {
      JsonObject *row = td_json_get_object (preferences, event_types[i]);
      g_autofree char *desktop_key = g_strconcat (event_types[i], "/desktop", NULL);
      g_autofree char *email_key = g_strconcat (event_types[i], "/email", NULL);

      /* The server's defaults for a type it has not stored. */
      gtk_check_button_set_active (g_hash_table_lookup (self->channel_checks, desktop_key),
                                   td_json_get_bool (row, "desktop", TRUE));
      gtk_check_button_set_active (g_hash_table_lookup (self->channel_checks, email_key),
                                   td_json_get_bool (row, "email", FALSE));
    }

  self->filling = FALSE;
}

static void
show_error (TdAccountDialog *self,
            const char      *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

/* A PATCH /me outlives the dialog: once the server has the change the account must have it
 * too, even when the dialog was closed before the answer came. */
typedef struct
{
  TdAccount *account;
  GWeakRef   dialog;
} UpdateMe;

static void
update_me_free (UpdateMe *update)
{
  g_object_unref (update->account);
  g_weak_ref_clear (&update->dialog);
  g_free (update);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UpdateMe, update_me_free)

static void
update_me_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(UpdateMe) update = user_data;
  g_autoptr(TdAccountDialog) self = g_weak_ref_get (&update->dialog);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  TdUser *user = NULL;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (object != NULL)
    user = td_user_from_json (object, &error);

  if (user == NULL)
    {
      if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
      /* Back to what is stored. */
      show_user (self);
      return;
    }

  /* The account shows the new name and avatar everywhere (it notifies "user"). */
  td_account_update_user (update->account, user);

  if (self == NULL)
    {
      td_user_free (user);
      return;
    }
  td_user_free (self->user);
  self->user = user;
  show_user (self);
}

/* Sends @changes (taken) as PATCH /me. Not cancelled with the dialog: see UpdateMe. */
static void
update_me (TdAccountDialog *self,
           JsonObject      *changes)
{
  g_autoptr(JsonObject) owned = changes;
  TdApiClient *client = td_account_get_client (self->account);
  UpdateMe *update;

  if (self->filling || client == NULL)
    return;

  update = g_new0 (UpdateMe, 1);
  update->account = g_object_ref (self->account);
  g_weak_ref_init (&update->dialog, self);
  td_api_client_update_me_async (client, owned, NULL, update_me_cb, update);
}

/* Account page ------------------------------------------------------------------------ */

static void
name_applied_cb (AdwEntryRow     *row,
                 TdAccountDialog *self)
{
  JsonObject *changes = json_object_new ();
  const char *member = row == self->first_name_row ? "first_name" : "last_name";
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (g_utf8_strlen (text, -1) > TD_NAME_MAX_LENGTH)
    {
      json_object_unref (changes);
      show_error (self, _("The name is too long"));
      return;
    }

  json_object_set_string_member (changes, member, text);
  update_me (self, changes);
}

static void
avatar_encoded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TdAccountDialog *self = user_data;
  g_autofree char *data_url = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *changes;

  data_url = g_task_propagate_pointer (G_TASK (result), &error);
  if (data_url == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("This file cannot be used as a picture"));
      return;
    }

  changes = json_object_new ();
  json_object_set_string_member (changes, "avatar", data_url);
  update_me (self, changes);
}

static void
avatar_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  TdAccountDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file == NULL)
    return;

  task = g_task_new (NULL, self->cancellable, avatar_encoded_cb, self);
  g_task_set_task_data (task, g_steal_pointer (&file), g_object_unref);
  g_task_run_in_thread (task, encode_avatar_thread);
}

static void
choose_avatar_clicked_cb (TdAccountDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Choose a Picture"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Pictures"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (avatar_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
remove_avatar_clicked_cb (TdAccountDialog *self)
{
  JsonObject *changes = json_object_new ();

  json_object_set_null_member (changes, "avatar");
  update_me (self, changes);
}

static void
language_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TdAccountDialog *self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  TdUser *user = NULL;
  GtkWindow *parent;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (object != NULL)
    user = td_user_from_json (object, &error);
  if (user == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
      show_user (self);
      return;
    }

  td_user_free (self->user);
  self->user = user;
  show_user (self);
  td_account_update_user (self->account, self->user);

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  code = g_strdup (self->user->language ? self->user->language : "");
  if (g_strcmp0 (code, td_language_get_current ()) == 0)
    return;

  /* The window switches the app's language (and is rebuilt for it, taking this dialog
   * along); without one, the setting is what the next start reads. */
  if (parent != NULL && gtk_widget_activate_action (GTK_WIDGET (parent), "win.set-language", "s", code))
    return;
  g_settings_set_string (td_account_get_settings (self->account), "language", code);
}

static void
language_selected_cb (TdAccountDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->language_row);
  TdApiClient *client = td_account_get_client (self->account);
  g_autoptr(JsonObject) changes = NULL;
  const TdLanguage *languages;
  guint n_languages;

  languages = td_language_list (&n_languages);
  if (self->filling || client == NULL || selected >= n_languages)
    return;

  changes = json_object_new ();
  json_object_set_string_member (changes, "language", languages[selected].code);
  td_api_client_update_me_async (client, changes, self->cancellable, language_saved_cb,
                                 self);
}

static void
set_password_message (TdAccountDialog *self,
                      const char      *message,
                      gboolean         is_error)
{
  gtk_label_set_label (self->password_message, message);
  gtk_widget_set_visible (GTK_WIDGET (self->password_message), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->password_message), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->password_message), "error");
}

/* The policy, explained before a round trip (the server checks it again). */
static const char *
password_policy_error (const char *new_password,
                       const char *confirmation)
{
  glong length = g_utf8_strlen (new_password, -1);

  if (length < TD_PASSWORD_MIN_LENGTH)
    return _("The new password must have at least 8 characters");
  if (length > TD_PASSWORD_MAX_LENGTH)
    return _("The new password can have at most 128 characters");
  if (td_password_is_common (new_password))
    return _("The new password is too common; choose one that is harder to guess");
  if (g_strcmp0 (new_password, confirmation) != 0)
    return _("The new passwords do not match");
  return NULL;
}

static void load_sessions (TdAccountDialog *self);

static void
change_password_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TdAccountDialog *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;

  if (!td_api_client_action_finish_with_field (TD_API_CLIENT (source), result, &field, &error))
    {
      /* Cancelled: the dialog is gone, and so is self. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_widget_set_sensitive (GTK_WIDGET (self->change_password_button), TRUE);
      if (g_strcmp0 (field, "current_password") == 0)
        set_password_message (self, _("The current password is wrong"), TRUE);
      else if (g_strcmp0 (field, "new_password") == 0)
        set_password_message (self, _("The new password does not meet the password policy"), TRUE);
      else
        set_password_message (self, error->message, TRUE);
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->change_password_button), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->current_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_password_row), "");
  set_password_message (self, _("Password changed. Your other sessions have been signed out."), FALSE);
  load_sessions (self);
}

static void
change_password_clicked_cb (TdAccountDialog *self)
{
  const char *current = gtk_editable_get_text (GTK_EDITABLE (self->current_password_row));
  const char *new_password = gtk_editable_get_text (GTK_EDITABLE (self->new_password_row));
  const char *confirmation = gtk_editable_get_text (GTK_EDITABLE (self->confirm_password_row));
  TdApiClient *client = td_account_get_client (self->account);
  const char *problem;

  if (*current == '\0')
    {
      set_password_message (self, _("Enter your current password"), TRUE);
      return;
    }
  problem = password_policy_error (new_password, confirmation);
  if (problem != NULL)
    {
      set_password_message (self, problem, TRUE);
      return;
    }
  if (client == NULL)
    return;

  set_password_message (self, NULL, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->change_password_button), FALSE);
  td_api_client_change_password_async (client, current, new_password, self->cancellable,
                                       change_password_cb, self);
}

static GtkWidget *
account_page_new (TdAccountDialog *self)
{
  GtkWidget *page, *group, *box, *buttons, *button, *row;
  GtkStringList *names = gtk_string_list_new (NULL);
  const TdLanguage *languages;
  guint n_languages;

  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Account"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "avatar-default-symbolic");

  /* Picture and name. */
  group = adw_preferences_group_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  self->avatar = ADW_AVATAR (adw_avatar_new (96, NULL, TRUE));
  gtk_widget_set_halign (GTK_WIDGET (self->avatar), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->avatar));
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  button = gtk_button_new_with_mnemonic (_("_Choose Picture…"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (choose_avatar_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), button);
  self->remove_avatar_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Remove Picture")));
  g_signal_connect_swapped (self->remove_avatar_button, "clicked",
                            G_CALLBACK (remove_avatar_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->remove_avatar_button));
  gtk_box_append (GTK_BOX (box), buttons);
  /* A group of its own: a group puts widgets that are not rows below its rows. */
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();

  self->first_name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->first_name_row), _("First Name"));
  self->last_name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->last_name_row), _("Last Name"));
  for (guint i = 0; i < 2; i++)
    {
      AdwEntryRow *name_row = i == 0 ? self->first_name_row : self->last_name_row;

      adw_entry_row_set_show_apply_button (name_row, TRUE);
      g_signal_connect (name_row, "apply", G_CALLBACK (name_applied_cb), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (name_row));
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  /* Language. */
  group = adw_preferences_group_new ();
  languages = td_language_list (&n_languages);
  for (guint i = 0; i < n_languages; i++)
    gtk_string_list_append (names, *languages[i].code != '\0' ? languages[i].name : _("System Default"));
  row = adw_combo_row_new ();
  self->language_row = ADW_COMBO_ROW (row);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Language"));
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (names));
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (language_selected_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  g_object_unref (names);

  /* Password. */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Password"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Changing it signs out your other sessions"));
  self->current_password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->current_password_row), _("Current Password"));
  self->new_password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->new_password_row), _("New Password"));
  self->confirm_password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->confirm_password_row), _("Confirm New Password"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->current_password_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->new_password_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->confirm_password_row));
  g_signal_connect_swapped (self->confirm_password_row, "entry-activated",
                            G_CALLBACK (change_password_clicked_cb), self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 12);
  self->password_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->password_message, TRUE);
  gtk_label_set_xalign (self->password_message, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->password_message), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->password_message));
  self->change_password_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("C_hange Password")));
  gtk_widget_set_halign (GTK_WIDGET (self->change_password_button), GTK_ALIGN_END);
  g_signal_connect_swapped (self->change_password_button, "clicked",
                            G_CALLBACK (change_password_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->change_password_button));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  return page;
}

/* Notifications page ------------------------------------------------------------------ */

static void
push_active_cb (TdAccountDialog *self)
{
  gboolean active = gtk_switch_get_active (self->push_switch);
  JsonObject *changes;

  if (self->filling)
    return;

  g_settings_set_boolean (td_account_get_settings (self->account), "push-notifications", active);
  changes = json_object_new ();
  json_object_set_boolean_member (changes, "push_enabled", active);
  update_me (self, changes);
}

static void
channel_toggled_cb (GtkCheckButton  *check,
                    TdAccountDialog *self)
{
  const char *event_type = g_object_get_data (G_OBJECT (check), "td-event-type");
  g_autofree char *desktop_key = g_strconcat (event_type, "/desktop", NULL);
  g_autofree char *email_key = g_strconcat (event_type, "/email", NULL);
  JsonObject *changes, *preferences, *row;

  if (self->filling)
    return;

  row = json_object_new ();
  json_object_set_boolean_member (row, "in_app", TRUE);
  json_object_set_boolean_member (row, "desktop",
                                  gtk_check_button_get_active (g_hash_table_lookup (self->channel_checks, desktop_key)));
  json_object_set_boolean_member (row, "email",
                                  gtk_check_button_get_active (g_hash_table_lookup (self->channel_checks, email_key)));
  preferences = json_object_new ();
  json_object_set_object_member (preferences, event_type, row);
  changes = json_object_new ();
  json_object_set_object_member (changes, "notification_preferences", preferences);
  update_me (self, changes);
}

static GtkWidget *
notifications_page_new (TdAccountDialog *self)
{
  const char * const *event_types = td_notification_event_types ();
  GtkWidget *page, *group, *row;

  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Notifications"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page),
                                      "preferences-system-notifications-symbolic");

  group = adw_preferences_group_new ();
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Desktop Notifications"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("While the window is in the background"));
  self->push_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->push_switch), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->push_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->push_switch));
  g_signal_connect_swapped (self->push_switch, "notify::active", G_CALLBACK (push_active_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("What Reaches You Where"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Notifications always appear in the app; choose which also come as desktop notifications or emails"));
  for (guint i = 0; event_types[i] != NULL; i++)
    {
      GtkWidget *checks = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), event_type_name (event_types[i]));
      gtk_widget_set_valign (checks, GTK_ALIGN_CENTER);

      for (guint c = 0; c < G_N_ELEMENTS (channels); c++)
        {
          GtkWidget *check = gtk_check_button_new_with_label (channel_name (channels[c]));
          g_autofree char *accessible = g_strdup_printf ("%s: %s", event_type_name (event_types[i]),
                                                         channel_name (channels[c]));

          gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          accessible, -1);
          g_object_set_data (G_OBJECT (check), "td-event-type", (gpointer) event_types[i]);
          if (c == 0)
            {
              /* In the app they always appear. */
              gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
              gtk_widget_set_sensitive (check, FALSE);
            }
          else
            {
              g_hash_table_insert (self->channel_checks,
                                   g_strconcat (event_types[i], "/", channels[c], NULL), check);
              g_signal_connect (check, "toggled", G_CALLBACK (channel_toggled_cb), self);
            }
          gtk_box_append (GTK_BOX (checks), check);
        }

      adw_action_row_add_suffix (ADW_ACTION_ROW (row), checks);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  return page;
}

/* Sessions page ----------------------------------------------------------------------- */

static char *
format_time (const char *timestamp)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (timestamp == NULL || (time = g_date_time_new_from_iso8601 (timestamp, NULL)) == NULL)
    return g_strdup ("—");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static void
revoke_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TdAccountDialog *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!td_api_client_action_finish (TD_API_CLIENT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
    }
  load_sessions (self);
}

static void
revoke_clicked_cb (GtkButton       *button,
                   TdAccountDialog *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "td-session-id");
  TdApiClient *client = td_account_get_client (self->account);

  if (client == NULL || id == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  td_api_client_revoke_session_async (client, id, self->cancellable, revoke_cb,
                                      self);
}

static GtkWidget *
session_row_new (TdAccountDialog *self,
                 JsonObject      *session)
{
  const char *id = td_json_get_string (session, "id");
  const char *label = td_json_get_string (session, "device_label");
  const char *issued_by = td_json_get_string (session, "issued_by");
  g_autofree char *created = format_time (td_json_get_string (session, "created_at"));
  g_autofree char *seen = format_time (td_json_get_string (session, "last_seen_at"));
  g_autofree char *subtitle = NULL;
  g_autofree char *widget_name = g_strconcat ("session-", id, NULL);
  GtkWidget *row;

  /* TRANSLATORS: how a session began, shown after its dates. */
  subtitle = g_strdup_printf (_("Signed in %s · last seen %s · %s"), created, seen,
                              g_strcmp0 (issued_by, "transfer") == 0 ? _("via share login")
                                                                     : _("with password"));
  row = adw_action_row_new ();
  gtk_widget_set_name (row, widget_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 label != NULL && *label != '\0' ? label : _("Unknown device"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  if (td_json_get_bool (session, "current", FALSE))
    {
      GtkWidget *current = gtk_label_new (_("This device"));

      gtk_widget_add_css_class (current, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), current);
    }
  else
    {
      GtkWidget *button = gtk_button_new_with_label (_("Sign Out"));
      g_autofree char *accessible = g_strdup_printf (_("Sign out %s"), label ? label : "");
      g_autofree char *button_name = g_strconcat ("revoke-", id, NULL);

      gtk_widget_set_name (button, button_name);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("End this session"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);
      g_object_set_data_full (G_OBJECT (button), "td-session-id", g_strdup (id), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (revoke_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static void
sessions_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TdAccountDialog *self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *items;
  JsonArray *array;
  guint others = 0;

  object = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (object == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }

  for (guint i = 0; i < self->session_rows->len; i++)
    adw_preferences_group_remove (self->sessions_group, g_ptr_array_index (self->session_rows, i));
  g_ptr_array_set_size (self->session_rows, 0);

  items = json_object_get_member (object, "items");
  array = items != NULL && JSON_NODE_HOLDS_ARRAY (items) ? json_node_get_array (items) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *session = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      GtkWidget *row;

      if (session == NULL || td_json_get_string (session, "id") == NULL)
        continue;

      row = session_row_new (self, session);
      g_ptr_array_add (self->session_rows, row);
      adw_preferences_group_add (self->sessions_group, row);
      if (!td_json_get_bool (session, "current", FALSE))
        others++;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->revoke_others_button), others > 0);
}

static void
load_sessions (TdAccountDialog *self)
{
  TdApiClient *client = td_account_get_client (self->account);

  if (client != NULL)
    td_api_client_list_sessions_async (client, self->cancellable, sessions_cb,
                                       self);
}

static void
revoke_others_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           TdAccountDialog  *self)
{
  TdApiClient *client = td_account_get_client (self->account);

  if (g_strcmp0 (response, "sign-out") != 0 || client == NULL)
    return;

  td_api_client_revoke_other_sessions_async (client, self->cancellable, revoke_cb,
                                             self);
}

static void
revoke_others_clicked_cb (TdAccountDialog *self)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Sign Out All Other Sessions?"),
                                                       _("Every other computer and phone signed in as you will have to sign in again.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "sign-out", _("_Sign Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (revoke_others_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
sessions_page_new (TdAccountDialog *self)
{
  GtkWidget *page;

  page = adw_preferences_page_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Sessions"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "computer-symbolic");

  self->sessions_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->sessions_group, _("Active Sessions"));
  adw_preferences_group_set_description (self->sessions_group,
                                         _("Where you are signed in. Sign out a session you do not recognize."));
  self->revoke_others_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("Sign Out _Others")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->revoke_others_button),
                               _("Sign out all other sessions"));
  gtk_widget_add_css_class (GTK_WIDGET (self->revoke_others_button), "destructive-action");
  gtk_widget_set_valign (GTK_WIDGET (self->revoke_others_button), GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (GTK_WIDGET (self->revoke_others_button), FALSE);
  g_signal_connect_swapped (self->revoke_others_button, "clicked",
                            G_CALLBACK (revoke_others_clicked_cb), self);
  adw_preferences_group_set_header_suffix (self->sessions_group,
                                           GTK_WIDGET (self->revoke_others_button));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->sessions_group);

  return page;
}

/* GObject ----------------------------------------------------------------------------- */

/* Requests do not keep the dialog alive: closing it cancels them, and every callback
 * returns on G_IO_ERROR_CANCELLED before it touches the dialog. (A dialog kept alive by a
 * request could outlive its transient parent, which GTK 4.8 does not survive.) */
static void
td_account_dialog_dispose (GObject *object)
{
  TdAccountDialog *self = TD_ACCOUNT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (td_account_dialog_parent_class)->dispose (object);
}

static void
td_account_dialog_finalize (GObject *object)
{
  TdAccountDialog *self = TD_ACCOUNT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_pointer (&self->user, td_user_free);
  g_clear_pointer (&self->channel_checks, g_hash_table_unref);
  g_clear_pointer (&self->session_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (td_account_dialog_parent_class)->finalize (object);
}

static void
td_account_dialog_class_init (TdAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_account_dialog_dispose;
  object_class->finalize = td_account_dialog_finalize;
}

static void
td_account_dialog_init (TdAccountDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->channel_checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->session_rows = g_ptr_array_new ();
  /* Building the pages sets values; none of that is the user's doing. */
  self->filling = TRUE;

  gtk_window_set_title (GTK_WINDOW (self), _("Account Settings"));
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 720);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (self), FALSE);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (account_page_new (self)));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (notifications_page_new (self)));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (sessions_page_new (self)));
}

static void
get_me_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TdAccountDialog *self = user_data;
  g_autoptr(GError) error = NULL;
  TdUser *user;

  user = td_api_client_get_me_finish (TD_API_CLIENT (source), result, &error);
  if (user == NULL)
    return;

  td_user_free (self->user);
  self->user = user;
  show_user (self);
}

GtkWindow *
td_account_dialog_new (GtkWindow *parent,
                       TdAccount *account)
{
  TdAccountDialog *self;
  const TdUser *user;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TD_IS_ACCOUNT (account), NULL);

  self = g_object_new (TD_TYPE_ACCOUNT_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->account = g_object_ref (account);

  user = td_account_get_user (account);
  self->user = user ? td_user_copy (user) : td_user_new ();
  show_user (self);
  load_sessions (self);

  /* The account's copy may be older than the server's (changed from another device). */
  if (td_account_get_client (account) != NULL)
    td_api_client_get_me_async (td_account_get_client (account), self->cancellable,
                                get_me_cb, self);

  gtk_window_present (GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

void
td_account_dialog_present (GtkWindow *parent,
                           TdAccount *account)
{
  td_account_dialog_new (parent, account);
}
