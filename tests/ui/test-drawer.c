/* test-drawer.c: the notification drawer, share login and account settings against a real
 * twindesk-server
 *
 * Signs a real TdAccount in to the built server with the demo data and drives the real
 * widgets in a window of their own: the drawer's unread count is the server's and drops
 * when an entry is opened; the share-login QR code, exported as a PNG and read by zbarimg,
 * is a URL whose token signs in as the same user exactly once; the account dialog lists the
 * sessions and revokes one, and what it changes reaches the account (top-bar avatar,
 * drawer) as the server stored it, also when the server's answers arrive out of order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-ui-test.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "td-account.h"
#include "td-account-dialog.h"
#include "td-api-client.h"
#include "td-app-types.h"
#include "td-application.h"
#include "td-credentials.h"
#include "td-json.h"
#include "td-language.h"
#include "td-notification-drawer.h"
#include "td-share-login-dialog.h"
#include "td-test-server.h"

#define ADMIN_EMAIL          "admin@acme.test"

static TdTestServer *server;

/* Waiting ------------------------------------------------------------------------------ */

typedef TdUiCondition Condition;
typedef TdUiAsyncWait AsyncWait;
#define wait_until      td_ui_wait_until
#define async_done_cb   td_ui_async_done_cb
#define async_is_done   td_ui_async_is_done
#define wait_for        td_ui_wait_for

/* The server, straight through the client ---------------------------------------------- */

static TdApiClient *
client_signed_in (const char *email)
{
  TdApiClient *client = td_api_client_new (td_test_server_get_url (server));
  g_autoptr(TdSession) session = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };

  td_api_client_login_async (client, email, TD_DEMO_PASSWORD, NULL, async_done_cb, &wait);
  session = td_api_client_login_finish (client, wait_for (&wait, "a direct login"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  return client;
}

static guint
server_unread_count (TdApiClient *client)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };

  td_api_client_get_unread_count_async (client, NULL, async_done_cb, &wait);
  object = td_api_client_object_finish (client, wait_for (&wait, "the unread count"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  return (guint) td_json_get_int (object, "unread", -1);
}

/* The account and a window for the widgets --------------------------------------------- */

typedef struct
{
  TdCredentials *credentials;
  GSettings     *settings;
  TdAccount     *account;
  GtkWindow     *window;
} Fixture;

static gboolean
account_signed_in (gpointer data)
{
  return td_account_get_state (TD_ACCOUNT (data)) == TD_ACCOUNT_SIGNED_IN;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };

  f->credentials = td_credentials_new ();
  f->settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);
  g_settings_set_boolean (f->settings, "push-notifications", TRUE);
  f->account = td_account_new (f->settings, f->credentials);

  td_account_sign_in_async (f->account, td_test_server_get_url (server), ADMIN_EMAIL,
                            TD_DEMO_PASSWORD, NULL, async_done_cb, &wait);
  g_assert_true (td_account_sign_in_finish (f->account, wait_for (&wait, "the account signed in"), &error));
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  wait_until (account_signed_in, f->account, "the account is signed in");

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 420, 720);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  AsyncWait wait = { 0 };

  gtk_window_destroy (f->window);
  td_account_sign_out_async (f->account, NULL, async_done_cb, &wait);
  td_account_sign_out_finish (f->account, wait_for (&wait, "signed out"), NULL);
  g_clear_object (&wait.result);
  g_clear_object (&f->account);
  g_clear_object (&f->settings);
  g_clear_object (&f->credentials);
}

/* Widgets ------------------------------------------------------------------------------ */

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_label_containing (GtkWidget  *widget,
                       const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_containing (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
shows_label_containing (GtkWidget  *widget,
                        const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label_containing (child, text))
      return TRUE;

  return FALSE;
}

/* Drawer ------------------------------------------------------------------------------- */

typedef struct
{
  GtkWidget   *drawer;
  TdApiClient *direct;
  guint        changes;
  guint      expected;
  char      *opened_type;
  char      *opened_id;
} DrawerWait;

static guint
drawer_unread (GtkWidget *drawer)
{
  guint unread = G_MAXUINT;

  g_object_get (drawer, "unread-count", &unread, NULL);
  return unread;
}

static gboolean
drawer_shows_expected (gpointer data)
{
  DrawerWait *w = data;

  return drawer_unread (w->drawer) == w->expected;
}

static GtkListBox *
drawer_list (GtkWidget *drawer)
{
  return GTK_LIST_BOX (gtk_widget_get_template_child (drawer, TD_TYPE_NOTIFICATION_DRAWER, "list_box"));
}

static gboolean
server_has_expected (gpointer data)
{
  DrawerWait *w = data;

  return server_unread_count (w->direct) == w->expected;
}

static void
count_changed_cb (DrawerWait *w)
{
  w->changes++;
}

static gboolean
quit_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the drawer's refresh after the mark-read answer run its course. */
static void
iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, quit_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
drawer_has_rows (gpointer data)
{
  DrawerWait *w = data;

  return gtk_list_box_get_row_at_index (drawer_list (w->drawer), 0) != NULL;
}

static void
open_item_cb (GtkWidget  *drawer,
              const char *type,
              const char *id,
              DrawerWait *w)
{
  g_free (w->opened_type);
  g_free (w->opened_id);
  w->opened_type = g_strdup (type);
  w->opened_id = g_strdup (id);
}

static void
test_drawer_unread (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TdApiClient) direct = client_signed_in (ADMIN_EMAIL);
  guint before = server_unread_count (direct);
  DrawerWait w = { 0 };
  GtkListBoxRow *row = NULL;
  JsonObject *item = NULL;
  g_autofree char *subject_type = NULL;
  g_autofree char *subject_id = NULL;

  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.twindesk.TestDrawer",
                                                       G_APPLICATION_NON_UNIQUE);
  GAction *action;

  /* The demo data gives the admin an unread stack of 3 messages about a ticket. */
  g_assert_cmpuint (before, >=, 1);

  g_application_set_default (G_APPLICATION (app));
  w.drawer = td_notification_drawer_new (f->account);
  g_signal_connect (w.drawer, "open-item", G_CALLBACK (open_item_cb), &w);
  gtk_window_set_child (f->window, w.drawer);
  gtk_window_present (f->window);

  w.expected = before;
  wait_until (drawer_shows_expected, &w, "the drawer shows the server's unread count");
  wait_until (drawer_has_rows, &w, "the drawer lists notifications");

  /* The stack shows its count in the user's words. */
  g_assert_true (shows_label_containing (w.drawer, "3 new messages"));

  /* Open the first unread entry, as a click (or Enter) does. */
  for (int i = 0; (row = gtk_list_box_get_row_at_index (drawer_list (w.drawer), i)) != NULL; i++)
    {
      item = g_object_get_data (G_OBJECT (row), "td-notification");
      if (td_json_get_bool (item, "unread", FALSE) && td_json_get_string (item, "subject_id") != NULL)
        break;
    }
  g_assert_nonnull (row);
  subject_type = g_strdup (td_json_get_string (item, "subject_type"));
  subject_id = g_strdup (td_json_get_string (item, "subject_id"));
  g_signal_emit_by_name (row, "activate");

  g_assert_cmpstr (w.opened_type, ==, subject_type);
  g_assert_cmpstr (w.opened_id, ==, subject_id);

  /* At once in the drawer, then on the server, and the drawer's count stays the server's. */
  w.expected = before - 1;
  wait_until (drawer_shows_expected, &w, "the unread count drops by one");
  w.direct = direct;
  wait_until (server_has_expected, &w, "the server has marked it read");
  g_signal_connect_swapped (w.drawer, "notify::unread-count", G_CALLBACK (count_changed_cb), &w);
  iterate_for (1000);
  g_assert_cmpuint (drawer_unread (w.drawer), ==, before - 1);
  g_assert_cmpuint (w.changes, ==, 0);

  /* A desktop notification's click: "app.open-item" (ss) opens the same way. */
  action = g_action_map_lookup_action (G_ACTION_MAP (app), "open-item");
  g_assert_nonnull (action);
  g_assert_true (g_variant_type_equal (g_action_get_parameter_type (action), G_VARIANT_TYPE ("(ss)")));
  g_action_activate (action, g_variant_new ("(ss)", "video_session", "0b7c5a43-2a7f-4b8e-9a51-6f0d2f4c9e10"));
  g_assert_cmpstr (w.opened_type, ==, "video_session");
  g_assert_cmpstr (w.opened_id, ==, "0b7c5a43-2a7f-4b8e-9a51-6f0d2f4c9e10");

  /* The drawer takes its action away when it goes. */
  g_object_add_weak_pointer (G_OBJECT (w.drawer), (gpointer *) &w.drawer);
  /* GTK 4.8's window keeps a reference to the child that holds the focus. */
  gtk_window_set_focus (f->window, NULL);
  gtk_window_set_child (f->window, NULL);
  g_assert_null (w.drawer);
  g_assert_null (g_action_map_lookup_action (G_ACTION_MAP (app), "open-item"));
  g_application_set_default (NULL);

  g_free (w.opened_type);
  g_free (w.opened_id);
}

/* The server's English titles become the user's language, with the stack's count in its
 * plural form; the drawer's own labels come from its template. */
static void
test_drawer_translated (Fixture       *f,
                        gconstpointer  data)
{
  DrawerWait w = { 0 };

  g_assert_true (td_language_apply ("de"));
  w.drawer = td_notification_drawer_new (f->account);
  gtk_window_set_child (f->window, w.drawer);
  gtk_window_present (f->window);
  wait_until (drawer_has_rows, &w, "the drawer lists notifications");

  g_assert_true (shows_label_containing (w.drawer, "3 neue Nachrichten"));
  g_assert_true (shows_label_containing (w.drawer, "Auf einem anderen Gerät angemeldet"));
  g_assert_true (shows_label_containing (w.drawer, "Benachrichtigungen"));

  gtk_window_set_focus (f->window, NULL);
  gtk_window_set_child (f->window, NULL);
  td_language_apply ("");
}

/* Share login -------------------------------------------------------------------------- */

typedef struct
{
  GtkWindow  *dialog;
  GdkTexture *texture;
} QrWait;

static gboolean
qr_is_shown (gpointer data)
{
  QrWait *w = data;

  g_clear_object (&w->texture);
  w->texture = td_share_login_dialog_render_qr (w->dialog, 6);
  return w->texture != NULL;
}

static gboolean
dialog_says_signed_in (gpointer data)
{
  QrWait *w = data;

  return shows_label_containing (GTK_WIDGET (w->dialog), "Signed in on");
}

static char *
decode_qr (GdkTexture *texture)
{
  g_autofree char *dir = g_dir_make_tmp ("td-qr-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "qr.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "zbarimg", "--quiet", "--raw", png, NULL };
  int status = 0;

  g_assert_true (gdk_texture_save_to_png (texture, png));
  if (g_getenv ("TD_QR_PNG") != NULL)
    gdk_texture_save_to_png (texture, g_getenv ("TD_QR_PNG"));

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  td_test_remove_tree (dir);
  return g_strdup (g_strstrip (out));
}

static void
test_share_login (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(TdApiClient) phone = td_api_client_new (td_test_server_get_url (server));
  g_autoptr(TdApiClient) second_phone = td_api_client_new (td_test_server_get_url (server));
  g_autoptr(TdSession) session = NULL;
  g_autoptr(TdSession) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *prefix = g_strconcat (td_test_server_get_url (server), "/login/transfer#", NULL);
  const char *token;
  QrWait w = { 0 };
  AsyncWait wait = { 0 };
  int side;

  gtk_window_present (f->window);
  w.dialog = td_share_login_dialog_new (f->window, f->account);
  wait_until (qr_is_shown, &w, "the dialog shows a QR code");

  /* Integer scaling with the quiet zone: 6 px a module, (version size + 8) modules. */
  side = gdk_texture_get_width (w.texture);
  g_assert_cmpint (side % 6, ==, 0);
  g_assert_cmpint ((side / 6 - 8 - 17) % 4, ==, 0);

  url = decode_qr (w.texture);
  g_assert_true (g_str_has_prefix (url, prefix));
  token = url + strlen (prefix);
  g_assert_cmpuint (strlen (token), ==, 43);

  /* The phone redeems it: a session of the same user. */
  td_api_client_redeem_transfer_token_async (phone, token, NULL, async_done_cb, &wait);
  session = td_api_client_login_finish (phone, wait_for (&wait, "the token is redeemed"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_cmpstr (session->user->id, ==, td_account_get_user (f->account)->id);
  g_assert_cmpstr (session->token, !=, td_api_client_get_token (td_account_get_client (f->account)));

  /* Single use. */
  wait.done = FALSE;
  td_api_client_redeem_transfer_token_async (second_phone, token, NULL, async_done_cb, &wait);
  again = td_api_client_login_finish (second_phone, wait_for (&wait, "the second redeem"), &error);
  g_clear_object (&wait.result);
  g_assert_null (again);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);

  /* The desktop notices. */
  wait_until (dialog_says_signed_in, &w, "the dialog confirms the phone signed in");

  g_clear_object (&w.texture);
  gtk_window_destroy (w.dialog);
}

typedef struct
{
  QrWait  qr;
  char   *first_url;
  char   *url;
} RenewWait;

static gboolean
qr_shows_new_url (gpointer data)
{
  RenewWait *w = data;

  if (!qr_is_shown (&w->qr))
    return FALSE;
  g_free (w->url);
  w->url = decode_qr (w->qr.texture);
  return g_strcmp0 (w->url, w->first_url) != 0;
}

/* The server runs with a 12 s token lifetime (main()): the dialog renews the code 10 s
 * before expiry, so within a few seconds, and counts down. */
static void
test_share_login_renews (Fixture       *f,
                         gconstpointer  data)
{
  RenewWait w = { 0 };
  GtkWidget *countdown;

  gtk_window_present (f->window);
  w.qr.dialog = td_share_login_dialog_new (f->window, f->account);
  wait_until (qr_is_shown, &w.qr, "the dialog shows a QR code");
  w.first_url = decode_qr (w.qr.texture);

  wait_until (qr_shows_new_url, &w, "the dialog shows a new code");
  g_assert_true (g_str_has_prefix (w.url, td_test_server_get_url (server)));
  countdown = find_label_containing (GTK_WIDGET (w.qr.dialog), "A new code follows in 0:");
  g_assert_nonnull (countdown);

  g_clear_object (&w.qr.texture);
  g_free (w.first_url);
  g_free (w.url);
  gtk_window_destroy (w.qr.dialog);
}

/* Account dialog: sessions ------------------------------------------------------------- */

typedef struct
{
  GtkWindow *dialog;
  char      *name;
} NamedWait;

static gboolean
named_is_shown (gpointer data)
{
  NamedWait *w = data;
  GtkWidget *widget = find_named (GTK_WIDGET (w->dialog), w->name);

  return widget != NULL && gtk_widget_is_sensitive (widget);
}

static gboolean
named_is_gone (gpointer data)
{
  NamedWait *w = data;

  return find_named (GTK_WIDGET (w->dialog), w->name) == NULL;
}

static char *
current_session_id (TdApiClient *client)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  JsonArray *items;

  td_api_client_list_sessions_async (client, NULL, async_done_cb, &wait);
  object = td_api_client_object_finish (client, wait_for (&wait, "the sessions"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);

  items = json_object_get_array_member (object, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *session = json_array_get_object_element (items, i);

      if (td_json_get_bool (session, "current", FALSE))
        return g_strdup (td_json_get_string (session, "id"));
    }
  g_assert_not_reached ();
}

static void
collect_type (GtkWidget *widget,
              GType      type,
              GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_type (child, type, found);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_type (widget, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

typedef struct
{
  GtkWindow  *dialog;
  const char *text;
} TextWait;

static gboolean
dialog_has_label (gpointer data)
{
  TextWait *w = data;

  return find_label_containing (GTK_WIDGET (w->dialog), w->text) != NULL;
}

/* The policy is explained before sending; a wrong current password comes back from the
 * server as its own message. */
static void
test_account_password (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  TextWait w = { 0 };
  GtkWidget *button;

  gtk_window_present (f->window);
  w.dialog = td_account_dialog_new (f->window, f->account);
  collect_type (GTK_WIDGET (w.dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, rows);
  g_assert_cmpuint (rows->len, ==, 3);
  button = find_button (GTK_WIDGET (w.dialog), "C_hange Password");
  g_assert_nonnull (button);

  gtk_editable_set_text (g_ptr_array_index (rows, 0), "not-the-password");
  gtk_editable_set_text (g_ptr_array_index (rows, 1), "short");
  gtk_editable_set_text (g_ptr_array_index (rows, 2), "short");
  g_signal_emit_by_name (button, "clicked");
  w.text = "The new password must have at least 8 characters";
  g_assert_true (dialog_has_label (&w));

  gtk_editable_set_text (g_ptr_array_index (rows, 1), "password");
  gtk_editable_set_text (g_ptr_array_index (rows, 2), "password");
  g_signal_emit_by_name (button, "clicked");
  w.text = "The new password is too common";
  g_assert_true (dialog_has_label (&w));

  gtk_editable_set_text (g_ptr_array_index (rows, 1), "violet-kettle-harbour-42");
  gtk_editable_set_text (g_ptr_array_index (rows, 2), "violet-kettle-harbour-43");
  g_signal_emit_by_name (button, "clicked");
  w.text = "The new passwords do not match";
  g_assert_true (dialog_has_label (&w));

  gtk_editable_set_text (g_ptr_array_index (rows, 2), "violet-kettle-harbour-42");
  g_signal_emit_by_name (button, "clicked");
  w.text = "The current password is wrong";
  wait_until (dialog_has_label, &w, "the server refuses the current password");

  gtk_window_destroy (w.dialog);
}

typedef struct
{
  TdApiClient *client;
  TdUser      *user;
} MeWait;

static TdUser *
server_me (TdApiClient *client)
{
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  TdUser *user;

  td_api_client_get_me_async (client, NULL, async_done_cb, &wait);
  user = td_api_client_get_me_finish (client, wait_for (&wait, "GET /me"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  return user;
}

static gboolean
server_has_settings (gpointer data)
{
  MeWait *w = data;
  g_autoptr(JsonObject) preferences = NULL;

  g_clear_pointer (&w->user, td_user_free);
  w->user = server_me (w->client);
  if (w->user->notification_preferences == NULL)
    return FALSE;
  preferences = td_json_parse_object (w->user->notification_preferences,
                                      strlen (w->user->notification_preferences), NULL);
  return g_strcmp0 (w->user->first_name, "Adelheid") == 0 &&
         td_json_get_bool (td_json_get_object (preferences, "message"), "email", FALSE);
}

/* PATCH /me with one string member, through @client; the user as stored. */
static TdUser *
patch_me (TdApiClient *client,
          const char  *member,
          const char  *value)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  TdUser *user;

  json_object_set_string_member (changes, member, value);
  td_api_client_update_me_async (client, changes, NULL, async_done_cb, &wait);
  answer = td_api_client_object_finish (client, wait_for (&wait, "PATCH /me"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  user = td_user_from_json (answer, &error);
  g_assert_no_error (error);
  return user;
}

static char *
user_to_string (const TdUser *user)
{
  g_autoptr(JsonNode) node = td_user_to_json (user);

  return td_json_to_string (node);
}

/* The account's client, watched through its SoupSession: the requests it has under way
 * (the dialog's PATCH /me, the account's read-back, the sync engine's pulls). */
typedef struct
{
  TdAccount   *account;
  TdApiClient *client;
  GHashTable  *in_flight;   /* messages queued since settle_watch(), until answered */
} Settle;

static void
request_queued_cb (SoupSession *session,
                   SoupMessage *message,
                   Settle      *settle)
{
  g_hash_table_add (settle->in_flight, message);
}

static void
request_unqueued_cb (SoupSession *session,
                     SoupMessage *message,
                     Settle      *settle)
{
  g_hash_table_remove (settle->in_flight, message);
}

static void
settle_watch (Settle    *settle,
              TdAccount *account)
{
  settle->account = account;
  settle->client = td_account_get_client (account);
  settle->in_flight = g_hash_table_new (NULL, NULL);
  g_signal_connect (td_api_client_get_soup_session (settle->client), "request-queued",
                    G_CALLBACK (request_queued_cb), settle);
  g_signal_connect (td_api_client_get_soup_session (settle->client), "request-unqueued",
                    G_CALLBACK (request_unqueued_cb), settle);
}

static void
settle_unwatch (Settle *settle)
{
  g_signal_handlers_disconnect_by_data (td_api_client_get_soup_session (settle->client), settle);
  g_clear_pointer (&settle->in_flight, g_hash_table_unref);
}

/* Every answer has arrived and the account holds exactly the user the server stored: a
 * user that only matched for a moment, with answers still on their way, does not count. */
static gboolean
account_settled (gpointer data)
{
  Settle *settle = data;
  g_autoptr(TdUser) stored = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *held = NULL;

  if (g_hash_table_size (settle->in_flight) > 0)
    return FALSE;
  stored = server_me (settle->client);
  if (g_hash_table_size (settle->in_flight) > 0)
    return FALSE;

  expected = user_to_string (stored);
  if (td_account_get_user (settle->account) != NULL)
    held = user_to_string (td_account_get_user (settle->account));
  return g_strcmp0 (held, expected) == 0;
}

/* Two PATCH /me in flight travel on two connections, so their answers can arrive in the
 * other order than the server stored them: the account must not keep the older one. Here
 * that order is forced: the newer answer is taken first, the older one after it. */
static void
test_account_newest_user (Fixture       *f,
                          gconstpointer  data)
{
  TdApiClient *client = td_account_get_client (f->account);
  g_autoptr(TdUser) before = td_user_copy (td_account_get_user (f->account));
  g_autoptr(TdUser) after = patch_me (client, "first_name", "Adelheid");
  g_autoptr(TdUser) restored = NULL;
  Settle settle;

  settle_watch (&settle, f->account);
  g_assert_cmpstr (before->first_name, !=, "Adelheid");
  td_account_update_user (f->account, after);
  g_assert_cmpstr (td_account_get_user (f->account)->first_name, ==, "Adelheid");
  td_account_update_user (f->account, before);
  wait_until (account_settled, &settle, "the account has the user the server stored");
  g_assert_cmpstr (td_account_get_user (f->account)->first_name, ==, "Adelheid");

  /* Back as it was for the other tests. */
  restored = patch_me (client, "first_name", before->first_name);
  td_account_update_user (f->account, restored);
  wait_until (account_settled, &settle, "the account has the old name again");
  g_assert_cmpstr (td_account_get_user (f->account)->first_name, ==, before->first_name);
  settle_unwatch (&settle);
}

/* A name and a cell of the notification matrix are stored on the server as changed. */
static void
test_account_settings (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autofree char *first_name = NULL;
  GtkWindow *dialog;
  GtkCheckButton *email = NULL;
  MeWait w = { 0 };
  Settle settle;
  JsonObject *changes;

  w.client = td_account_get_client (f->account);
  first_name = g_strdup (td_account_get_user (f->account)->first_name);
  settle_watch (&settle, f->account);

  gtk_window_present (f->window);
  dialog = td_account_dialog_new (f->window, f->account);

  collect_type (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, checks);
  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (checks, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (check), "td-event-type"), "message") == 0 &&
          g_strcmp0 (gtk_check_button_get_label (check), "Email") == 0)
        email = check;
      /* In the app, always. */
      if (g_strcmp0 (gtk_check_button_get_label (check), "In-app") == 0)
        g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (check)));
    }
  g_assert_nonnull (email);
  g_assert_false (gtk_check_button_get_active (email));
  gtk_check_button_set_active (email, TRUE);

  collect_type (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, entries);
  g_assert_cmpstr (gtk_editable_get_text (g_ptr_array_index (entries, 0)), ==, first_name);
  gtk_editable_set_text (g_ptr_array_index (entries, 0), "  Adelheid ");
  g_signal_emit_by_name (g_ptr_array_index (entries, 0), "apply");

  wait_until (server_has_settings, &w, "the server has the new name and preference");
  /* …and the account shows it everywhere (top-bar avatar, drawer): both answers, in
   * whichever order they came, end in the user the server stored. */
  wait_until (account_settled, &settle, "the account has the user the server stored");
  g_assert_cmpstr (td_account_get_user (f->account)->first_name, ==, "Adelheid");
  settle_unwatch (&settle);

  /* Back as it was for the other tests. */
  changes = json_object_new ();
  json_object_set_string_member (changes, "first_name", first_name);
  {
    AsyncWait wait = { 0 };
    g_autoptr(JsonObject) answer = NULL;

    td_api_client_update_me_async (w.client, changes, NULL, async_done_cb, &wait);
    answer = td_api_client_object_finish (w.client, wait_for (&wait, "PATCH /me"), NULL);
    g_clear_object (&wait.result);
    g_assert_nonnull (answer);
  }
  json_object_unref (changes);

  g_clear_pointer (&w.user, td_user_free);
  gtk_window_destroy (dialog);
}

/* Someone clicking through the dialog quickly: many PATCH /me in flight at once, their
 * answers arriving in any order (and the server storing them in any order). The account
 * ends with what the server stored last. */
static void
test_account_burst (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(TdUser) restored = NULL;
  g_autofree char *first_name = g_strdup (td_account_get_user (f->account)->first_name);
  GtkCheckButton *email = NULL;
  GtkWindow *dialog;
  Settle settle;

  settle_watch (&settle, f->account);
  gtk_window_present (f->window);
  dialog = td_account_dialog_new (f->window, f->account);
  collect_type (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, checks);
  for (guint i = 0; i < checks->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (checks, i), "td-event-type"), "assignment") == 0 &&
        g_strcmp0 (gtk_check_button_get_label (g_ptr_array_index (checks, i)), "Email") == 0)
      email = g_ptr_array_index (checks, i);
  g_assert_nonnull (email);
  collect_type (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, entries);

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("Burst %u", i);

      gtk_check_button_set_active (email, !gtk_check_button_get_active (email));
      gtk_editable_set_text (g_ptr_array_index (entries, 0), name);
      g_signal_emit_by_name (g_ptr_array_index (entries, 0), "apply");
    }

  wait_until (account_settled, &settle, "the account has the user the server stored");
  g_assert_true (g_str_has_prefix (td_account_get_user (f->account)->first_name, "Burst "));
  gtk_window_destroy (dialog);

  /* Back as it was for the other tests (ten toggles: the preference is as before). */
  restored = patch_me (settle.client, "first_name", first_name);
  td_account_update_user (f->account, restored);
  wait_until (account_settled, &settle, "the account has the old name again");
  settle_unwatch (&settle);
}

static void
test_account_sessions (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TdApiClient) other = client_signed_in (ADMIN_EMAIL);
  g_autofree char *other_id = current_session_id (other);
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  NamedWait w = { 0 };
  GtkWidget *button;

  gtk_window_present (f->window);
  w.dialog = td_account_dialog_new (f->window, f->account);

  /* The other session is listed with a revoke button; the own one is not revocable here. */
  w.name = g_strconcat ("revoke-", other_id, NULL);
  wait_until (named_is_shown, &w, "the other session is listed");

  button = find_named (GTK_WIDGET (w.dialog), w.name);
  g_signal_emit_by_name (button, "clicked");
  wait_until (named_is_gone, &w, "the revoked session leaves the list");

  /* Revoked on the server: its token no longer works. */
  td_api_client_get_me_async (other, NULL, async_done_cb, &wait);
  user = td_api_client_get_me_finish (other, wait_for (&wait, "GET /me with the revoked token"), &error);
  g_clear_object (&wait.result);
  g_assert_null (user);
  g_assert_error (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED);

  /* The dialog's own session still works. */
  g_clear_error (&error);
  wait.done = FALSE;
  td_api_client_get_me_async (td_account_get_client (f->account), NULL, async_done_cb, &wait);
  user = td_api_client_get_me_finish (td_account_get_client (f->account),
                                      wait_for (&wait, "GET /me with the own token"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);

  g_free (w.name);
  gtk_window_destroy (w.dialog);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *po_dir = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  td_app_ensure_types ();

  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C.UTF-8");
  po_dir = g_build_filename (g_getenv ("TD_BUILD_DIR"), "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, po_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  /* Short-lived share-login tokens, so that renewing them is quick to see. */
  g_setenv ("TD_TEST_TRANSFER_TOKEN_TTL", "12", TRUE);
  server = td_test_server_start ("demo");

  g_test_add ("/ui/drawer/unread-count", Fixture, NULL, fixture_setup, test_drawer_unread, fixture_teardown);
  g_test_add ("/ui/drawer/translated", Fixture, NULL, fixture_setup, test_drawer_translated, fixture_teardown);
  g_test_add ("/ui/share-login/qr-redeems-once", Fixture, NULL, fixture_setup, test_share_login, fixture_teardown);
  g_test_add ("/ui/share-login/renews", Fixture, NULL, fixture_setup, test_share_login_renews, fixture_teardown);
  g_test_add ("/ui/account-dialog/password-errors", Fixture, NULL, fixture_setup, test_account_password, fixture_teardown);
  g_test_add ("/ui/account-dialog/settings", Fixture, NULL, fixture_setup, test_account_settings, fixture_teardown);
  g_test_add ("/ui/account/newest-user", Fixture, NULL, fixture_setup, test_account_newest_user, fixture_teardown);
  g_test_add ("/ui/account-dialog/burst", Fixture, NULL, fixture_setup, test_account_burst, fixture_teardown);
  g_test_add ("/ui/account-dialog/revoke-session", Fixture, NULL, fixture_setup, test_account_sessions, fixture_teardown);

  status = g_test_run ();

  td_test_server_free (server);
  return status;
}
