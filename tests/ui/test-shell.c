/* test-shell.c: the back-office window against a real twindesk-server
 *
 * Signs in as each demo user through the real TdAccount and drives the real window: the
 * side menu per login type and role, the burger and F9, Ctrl+number, the module lists with
 * server data, search and the detail pane (labels as their titles, people by name, also in
 * German), the label filter (exactly the tickets carrying a
 * label, with search and status, live as labels come and go, kept across a language
 * switch), the dashboard, switching the language at run time (German, Arabic right-to-left,
 * back to English), sending feedback, the release notes and the accessible names of the top
 * bar's icon buttons (test-atspi.c asks AT-SPI itself for them).
 *
 * In process there is no asking AT-SPI (libatspi's calls would wait for this very process),
 * so this test runs with GTK's test AT context (GTK_A11Y=test) and checks the roles and
 * accessible names the widgets give assistive technologies; test-atspi.c asks the real app
 * over the accessibility bus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-ui-test.h"
#include "td-sync-status.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <string.h>

#include "td-about.h"
#include "td-account.h"
#include "td-application.h"
#include "td-cache-item.h"
#include "td-dashboard-page.h"
#include "td-feedback-dialog.h"
#include "td-json.h"
#include "td-language.h"
#include "td-list-page.h"
#include "td-notification-drawer.h"
#include "td-side-menu.h"
#include "td-test-server.h"
#include "td-window.h"


static TdTestServer *server;

typedef struct _Fixture Fixture;
typedef void (*TestBody) (Fixture *f);

struct _Fixture
{
  TdApplication *app;
  TdWindow      *window;
  const char    *email;
  TestBody       body;
  gboolean       body_ran;
};

/* Waiting ------------------------------------------------------------------------------ */

typedef TdUiCondition Condition;
typedef TdUiAsyncWait AsyncWait;
#define wait_until      td_ui_wait_until
#define async_done_cb   td_ui_async_done_cb
#define async_is_done   td_ui_async_is_done

/* Widgets ------------------------------------------------------------------------------ */

static gpointer
window_child (Fixture    *f,
              const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (f->window), TD_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static TdSideMenu *
side_menu (Fixture *f)
{
  return window_child (f, "side_menu");
}

static gboolean
shell_is_shown (gpointer data)
{
  Fixture *f = data;
  GtkStack *stack = window_child (f, "stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "home") == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (window_child (f, "home_page"))) &&
         td_window_get_module (f->window) < TD_N_MODULES;
}

static gboolean
account_settled (gpointer data)
{
  return td_account_get_state (TD_ACCOUNT (data)) != TD_ACCOUNT_RESTORING;
}

static char *
joined_labels (Fixture *f)
{
  g_auto(GStrv) labels = td_side_menu_dup_labels (side_menu (f));

  return g_strjoinv (",", labels);
}

/* The app ------------------------------------------------------------------------------- */

static void
activated_cb (GApplication *app,
              Fixture      *f)
{
  TdAccount *account = td_application_get_account (TD_APPLICATION (app));
  g_autoptr(GList) windows = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };

  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (f->window);

  /* The app resumes the session an earlier run left in the keyring; let that finish
   * first, so it cannot replace the user signed in below halfway through a test. */
  wait_until (account_settled, account, "the remembered session was checked");

  td_account_sign_in_async (account, td_test_server_get_url (server), f->email,
                            TD_DEMO_PASSWORD, NULL, async_done_cb, &wait);
  wait_until (async_is_done, &wait, "signed in");
  g_assert_true (td_account_sign_in_finish (account, wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  wait_until (shell_is_shown, f, "the back office shows");
  /* The shell is the new user's, not the one of a session remembered by an earlier run. */
  g_assert_cmpstr (td_account_get_user (account)->email, ==, f->email);

  f->body (f);
  f->body_ran = TRUE;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  f->window = NULL;

  g_application_quit (app);
}

static void
run_app (Fixture    *f,
         const char *email,
         TestBody    body)
{
  g_autoptr(TdCredentials) credentials = td_credentials_new ();
  g_autoptr(GSettings) settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);
  const char *argv[] = { "twindesk", NULL };
  int status;

  g_settings_reset (settings, "last-page");
  g_settings_reset (settings, "language");

  f->app = td_application_new (credentials);
  g_application_set_flags (G_APPLICATION (f->app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (f->app, "activate", G_CALLBACK (activated_cb), f);

  f->email = email;
  f->body = body;
  f->body_ran = FALSE;
  status = g_application_run (G_APPLICATION (f->app), 1, (char **) argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (f->body_ran);

  g_clear_object (&f->app);
}

/* Side menu per login ------------------------------------------------------------------- */

typedef struct
{
  const char *email;
  const char *labels;
} MenuCase;

#define EMPLOYEE_MENU "Dashboard,Tickets,Video Sessions,Tasks,Templates,Devices,Customers,My Company,Codes"
#define CUSTOMER_MENU "Dashboard,Tickets,Video Sessions,Tasks,Devices,My Company,Codes"

static const MenuCase menu_cases[] = {
  { "admin@acme.test", EMPLOYEE_MENU },
  { "deptadmin@acme.test", EMPLOYEE_MENU },
  { "creator@acme.test", EMPLOYEE_MENU },
  { "moderator@acme.test", EMPLOYEE_MENU },
  { "member@acme.test", EMPLOYEE_MENU },
  { "admin@globex.test", CUSTOMER_MENU },
  { "moderator@globex.test", CUSTOMER_MENU },
  { "member@globex.test", CUSTOMER_MENU },
};

static const MenuCase *current_case;

static void
side_menu_body (Fixture *f)
{
  g_autofree char *labels = joined_labels (f);

  g_assert_cmpstr (labels, ==, current_case->labels);
  if (g_str_has_suffix (current_case->email, "@globex.test"))
    {
      g_assert_null (strstr (labels, "Templates"));
      g_assert_null (strstr (labels, "Customers"));
      g_assert_false (td_window_show_module (f->window, TD_MODULE_TEMPLATES));
      g_assert_false (td_window_show_module (f->window, TD_MODULE_CUSTOMERS));
    }

  /* The first page after signing in is the dashboard. */
  g_assert_cmpint (td_window_get_module (f->window), ==, TD_MODULE_DASHBOARD);
}

static void
test_side_menu (gconstpointer data)
{
  Fixture f = { 0 };

  current_case = data;
  run_app (&f, current_case->email, side_menu_body);
}

/* Burger, F9, Ctrl+number, last page --------------------------------------------------- */

static void
burger_body (Fixture *f)
{
  AdwFlap *flap = window_child (f, "side_flap");
  GtkToggleButton *burger = window_child (f, "burger_button");
  gboolean shown = adw_flap_get_reveal_flap (flap);

  g_assert_true (shown);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (side_menu (f))));

  gtk_toggle_button_set_active (burger, FALSE);
  g_assert_false (adw_flap_get_reveal_flap (flap));
  gtk_toggle_button_set_active (burger, TRUE);
  g_assert_true (adw_flap_get_reveal_flap (flap));

  /* F9 is the same action, and the burger follows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-side-menu", NULL));
  g_assert_false (adw_flap_get_reveal_flap (flap));
  g_assert_false (gtk_toggle_button_get_active (burger));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-side-menu", NULL));
  g_assert_true (gtk_toggle_button_get_active (burger));
}

static void
test_burger (void)
{
  Fixture f = { 0 };

  run_app (&f, "admin@acme.test", burger_body);
}

static gboolean
list_loaded (gpointer data)
{
  TdListPage *page = data;

  return !td_list_page_get_loading (page) && td_list_page_get_n_items (page) > 0;
}

static gboolean
list_idle (gpointer data)
{
  return !td_list_page_get_loading (TD_LIST_PAGE (data));
}

static gboolean
sync_up_to_date (gpointer data)
{
  return g_strcmp0 (td_sync_status_get_text (data), "Up to date") == 0;
}

static void
modules_body (Fixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);
  g_autofree char *last_page = NULL;
  AdwWindowTitle *title = window_child (f, "window_title");
  TdListPage *page;
  guint all;

  /* Ctrl+2 is the second module of the menu. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-module-index", "u", 2));
  g_assert_cmpint (td_window_get_module (f->window), ==, TD_MODULE_TICKETS);
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Tickets");
  last_page = g_settings_get_string (settings, "last-page");
  g_assert_cmpstr (last_page, ==, "tickets");

  /* A number past the menu does nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-module-index", "u", 9));
  g_assert_cmpint (td_window_get_module (f->window), ==, TD_MODULE_CODES);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-module-index", "u", 2));

  /* The seeded tickets, from the offline copy the sync engine fills. */
  page = TD_LIST_PAGE (td_window_get_page (f->window, TD_MODULE_TICKETS));
  wait_until (list_loaded, page, "the tickets are listed");
  all = td_list_page_get_n_items (page);
  g_assert_cmpuint (all, ==, 300);

  /* The foot of the side menu says the copy is current, with nothing waiting. */
  wait_until (sync_up_to_date, window_child (f, "sync_status"), "the sync status says up to date");

  /* Ctrl+F puts the focus in the search entry; searching asks the server. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE,
                                                                      "search_entry")),
                         "pump");
  /* The search entry waits a moment before it reports the change. */
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "search_entry"),
                         "search-changed");
  wait_until (list_idle, page, "the search finished");
  g_assert_cmpuint (td_list_page_get_n_items (page), >, 0);
  g_assert_cmpuint (td_list_page_get_n_items (page), <, all);

  /* The detail pane shows the activated row's fields. */
  {
    GtkColumnView *view = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "column_view"));
    GtkRevealer *revealer = GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "detail_revealer"));
    GtkLabel *detail_title = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "detail_title"));

    g_signal_emit_by_name (view, "activate", 0);
    g_assert_true (gtk_revealer_get_reveal_child (revealer));
    g_assert_nonnull (td_list_page_get_shown_id (page));
    g_assert_nonnull (strstr (gtk_label_get_text (detail_title), "ump"));
  }

  /* The status filter asks the server for one status only. */
  {
    GtkEditable *search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "search_entry"));
    GtkDropDown *status = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "status_dropdown"));
    GtkColumnView *view = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "column_view"));
    GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view));
    GListModel *columns = gtk_column_view_get_columns (view);
    g_autoptr(GtkColumnViewColumn) number_column = g_list_model_get_item (columns, 0);
    gint64 previous = -1;

    gtk_editable_set_text (search, "");
    g_signal_emit_by_name (search, "search-changed");
    gtk_drop_down_set_selected (status, 2);   /* All, Draft, Open, … */
    wait_until (list_idle, page, "the filtered list arrived");
    g_assert_cmpuint (g_list_model_get_n_items (rows), >, 0);
    g_assert_cmpuint (g_list_model_get_n_items (rows), <, all);
    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr(TdCacheItem) row = g_list_model_get_item (rows, i);

        g_assert_cmpstr (td_cache_item_get_status (row), ==, "open");
      }

    /* Sorting by the number column orders the rows by ticket number. */
    gtk_column_view_sort_by_column (view, number_column, GTK_SORT_ASCENDING);
    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr(TdCacheItem) row = g_list_model_get_item (rows, i);
        gint64 number = td_json_get_int (td_cache_item_get_object (row), "number", -1);

        g_assert_cmpint (number, >, previous);
        previous = number;
      }
  }

  /* Every other module has a list that loads without an error. */
  for (guint i = 0; i < td_side_menu_get_n_modules (side_menu (f)); i++)
    {
      TdModule module = td_side_menu_get_module_at (side_menu (f), i);
      GtkWidget *module_page;

      g_assert_true (td_window_show_module (f->window, module));
      module_page = td_window_get_page (f->window, module);
      if (TD_IS_LIST_PAGE (module_page))
        wait_until (list_loaded, module_page, td_module_to_string (module));
    }
}

static void
test_modules (void)
{
  Fixture f = { 0 };

  run_app (&f, "admin@acme.test", modules_body);
}

static gboolean
stats_shown (gpointer data)
{
  return td_dashboard_page_has_stats (TD_DASHBOARD_PAGE (data));
}

static gboolean
label_contains (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_contains (child, text))
      return TRUE;

  return FALSE;
}

static void
dashboard_body (Fixture *f)
{
  GtkWidget *page = td_window_get_page (f->window, TD_MODULE_DASHBOARD);

  wait_until (stats_shown, page, "the statistics are shown");
  g_assert_true (label_contains (page, "Tickets by Status"));
  g_assert_true (label_contains (page, "Devices with the Most Tickets"));
  g_assert_true (label_contains (page, "Customer login · Globex"));   /* its own company */
}

static void
test_dashboard (void)
{
  Fixture f = { 0 };

  run_app (&f, "admin@globex.test", dashboard_body);
}

/* Languages ----------------------------------------------------------------------------- */

/* Laid out at its size with the side menu shown, not folded over the content. */
static gboolean
side_menu_beside (gpointer data)
{
  Fixture *f = data;
  AdwFlap *flap = window_child (f, "side_flap");

  return gtk_widget_get_width (GTK_WIDGET (f->window)) > 0 && !adw_flap_get_folded (flap) &&
         adw_flap_get_reveal_flap (flap);
}

static void
language_body (Fixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);
  g_autofree char *labels = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *first_id = NULL;
  TdListPage *page;

  td_window_show_module (f->window, TD_MODULE_DEVICES);
  page = TD_LIST_PAGE (td_window_get_page (f->window, TD_MODULE_DEVICES));
  wait_until (list_loaded, page, "the devices are listed");
  {
    GtkColumnView *view = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "column_view"));

    g_signal_emit_by_name (view, "activate", 0);
    first_id = g_strdup (td_list_page_get_shown_id (page));
    g_assert_nonnull (first_id);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.set-language", "s", "de"));
  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (f->app))), ==, 1);
  labels = joined_labels (f);
  g_assert_cmpstr (labels, ==, "Dashboard,Tickets,Videositzungen,Aufgaben,Vorlagen,Geräte,Kunden,Mein Unternehmen,Codes");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (f->window)), ==, GTK_TEXT_DIR_LTR);
  saved = g_settings_get_string (settings, "language");
  g_assert_cmpstr (saved, ==, "de");
  /* The same page and item, now in German. */
  g_assert_cmpint (td_window_get_module (f->window), ==, TD_MODULE_DEVICES);
  g_assert_cmpstr (adw_window_title_get_title (window_child (f, "window_title")), ==, "Geräte");
  page = TD_LIST_PAGE (td_window_get_page (f->window, TD_MODULE_DEVICES));
  wait_until (list_loaded, page, "the devices are listed again");
  g_assert_cmpstr (td_list_page_get_shown_id (page), ==, first_id);
  g_assert_true (g_str_has_suffix (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (page), TD_TYPE_LIST_PAGE, "count_label"))),
                                  " Einträge"));

  /* Arabic lays the window out right to left. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.set-language", "s", "ar"));
  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  g_assert_cmpint (gtk_widget_get_default_direction (), ==, GTK_TEXT_DIR_RTL);
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (side_menu (f))), ==, GTK_TEXT_DIR_RTL);
  g_clear_pointer (&labels, g_free);
  labels = joined_labels (f);
  g_assert_null (strstr (labels, "Tickets"));
  /* At the default size (1100 px) a list with an item open keeps the side menu beside it in
   * Arabic too (its wider texts once folded the menu away). */
  {
    g_autoptr(TdCacheItem) first = NULL;
    TdListPage *tickets;
    GListModel *rows;

    g_assert_true (td_window_show_module (f->window, TD_MODULE_TICKETS));
    tickets = TD_LIST_PAGE (td_window_get_page (f->window, TD_MODULE_TICKETS));
    wait_until (list_loaded, tickets, "the tickets are listed in Arabic");
    rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (
             gtk_widget_get_template_child (GTK_WIDGET (tickets), TD_TYPE_LIST_PAGE, "column_view"))));
    first = g_list_model_get_item (rows, 0);
    g_assert_true (td_list_page_show_item (tickets, td_cache_item_get_id (first)));
    wait_until (side_menu_beside, f, "the side menu stays beside the list in Arabic");
    g_assert_true (td_window_show_module (f->window, TD_MODULE_DEVICES));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.set-language", "s", "en"));
  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  g_clear_pointer (&labels, g_free);
  labels = joined_labels (f);
  g_assert_cmpstr (labels, ==, EMPLOYEE_MENU);
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (f->window)), ==, GTK_TEXT_DIR_LTR);
  g_assert_cmpint (td_window_get_module (f->window), ==, TD_MODULE_DEVICES);
}

static void
test_language (void)
{
  Fixture f = { 0 };

  run_app (&f, "admin@acme.test", language_body);
  td_language_apply ("");
}

static void
test_release_notes (void)
{
  g_autoptr(GPtrArray) releases = NULL;
  TdRelease *latest;

  releases = td_about_load_releases ();
  g_assert_cmpuint (releases->len, >=, 1);
  latest = g_ptr_array_index (releases, 0);
  g_assert_cmpstr (latest->version, ==, PACKAGE_VERSION);
  g_assert_nonnull (strstr (latest->notes, "The first release of Twindesk."));
  g_assert_nonnull (strstr (latest->markup, "<li>"));

  /* The metainfo texts come from the catalog, in the current language. */
  td_language_apply ("de");
  g_clear_pointer (&releases, g_ptr_array_unref);
  releases = td_about_load_releases ();
  latest = g_ptr_array_index (releases, 0);
  g_assert_nonnull (strstr (latest->notes, "Die erste Version von Twindesk."));
  td_language_apply ("");
}

/* Feedback ------------------------------------------------------------------------------ */

static gboolean
feedback_stored (gpointer data)
{
  Fixture *f = data;
  TdApiClient *client = td_account_get_client (td_window_get_account (f->window));
  g_autoptr(JsonObject) list = NULL;
  AsyncWait wait = { 0 };
  JsonArray *items;

  td_api_client_call_async (client, "GET", "/api/v1/feedback?q=shell-test-feedback", NULL, NULL,
                        async_done_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  list = td_api_client_object_finish (client, wait.result, NULL);
  g_clear_object (&wait.result);
  items = list != NULL ? json_object_get_array_member (list, "items") : NULL;
  return items != NULL && json_array_get_length (items) > 0;
}

static void
feedback_body (Fixture *f)
{
  GtkWidget *dialog;
  GtkWidget *scrolled;
  GtkTextView *view;

  dialog = td_feedback_dialog_present (GTK_WINDOW (f->window), td_window_get_account (f->window), NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "send"));

  scrolled = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  view = GTK_TEXT_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), "   ", -1);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "send"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), "shell-test-feedback: the lists are quick", -1);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "send"));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "send");
  wait_until (feedback_stored, f, "the feedback is stored on the server");
}

static void
test_feedback (void)
{
  Fixture f = { 0 };

  run_app (&f, "admin@acme.test", feedback_body);
}

/* Label filter -------------------------------------------------------------------------- */

/* @method @path against the server with the app's own session, the way another client
 * would change data: a JSON @body (nullable) and If-Match for @version (< 0: none). The
 * answer's object; an empty one for 204. */
static JsonObject *
server_call (Fixture    *f,
             const char *method,
             const char *path,
             gint64      version,
             JsonObject *body)
{
  TdApiClient *client = td_account_get_client (td_window_get_account (f->window));
  g_autofree char *url = g_strconcat (td_api_client_get_base_url (client), path, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", td_api_client_get_token (client), NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  gsize size;
  const char *data;

  soup_message_headers_append (soup_message_get_request_headers (message), "Authorization", authorization);
  if (version >= 0)
    {
      g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);

      soup_message_headers_append (soup_message_get_request_headers (message), "If-Match", etag);
    }
  if (body != NULL)
    {
      g_autofree char *text = td_json_object_to_string (body);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  soup_session_send_and_read_async (td_api_client_get_soup_session (client), message,
                                    G_PRIORITY_DEFAULT, NULL, async_done_cb, &wait);
  wait_until (async_is_done, &wait, path);
  answer = soup_session_send_and_read_finish (td_api_client_get_soup_session (client), wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  data = g_bytes_get_data (answer, &size);
  if (soup_message_get_status (message) >= 300)
    g_error ("%s %s: %u %.*s", method, path, soup_message_get_status (message), (int) size, data);
  if (size == 0)
    return json_object_new ();
  return td_json_parse_object (data, size, NULL);
}

/* g_ptr_array_sort() hands over pointers to the elements. */
static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The ids of every object of a list route, sorted. */
static GPtrArray *
server_list_ids (Fixture    *f,
                 const char *path)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) page = server_call (f, "GET", path, -1, NULL);
  JsonArray *items = json_object_get_array_member (page, "items");

  /* One page is the whole answer here; a cursor would mean the test chose too wide a set. */
  g_assert_null (td_json_get_string (page, "next_cursor"));
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (ids, g_strdup (td_json_get_string (json_array_get_object_element (items, i), "id")));
  g_ptr_array_sort (ids, compare_ids);
  return ids;
}

static GtkWidget *
page_child (GtkWidget  *page,
            const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (page, TD_TYPE_LIST_PAGE, name));
}

/* The ids of the rows the page shows, sorted. */
static GPtrArray *
shown_ids (GtkWidget *page)
{
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (page_child (page, "column_view"))));
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TdCacheItem) row = g_list_model_get_item (rows, i);

      g_ptr_array_add (ids, g_strdup (td_cache_item_get_id (row)));
    }
  g_ptr_array_sort (ids, compare_ids);
  return ids;
}

static void
assert_same_ids (GPtrArray *shown,
                 GPtrArray *expected)
{
  g_assert_cmpuint (shown->len, ==, expected->len);
  for (guint i = 0; i < shown->len; i++)
    g_assert_cmpstr (g_ptr_array_index (shown, i), ==, g_ptr_array_index (expected, i));
}

/* The page shows exactly the rows of the server's list route @path, and counts them. */
static void
assert_shows_server_list (Fixture    *f,
                          GtkWidget  *page,
                          const char *path)
{
  g_autoptr(GPtrArray) expected = server_list_ids (f, path);
  g_autoptr(GPtrArray) shown = shown_ids (page);
  g_autofree char *count = g_strdup_printf (expected->len == 1 ? "%u item" : "%u items", expected->len);

  assert_same_ids (shown, expected);
  g_assert_cmpuint (td_list_page_get_n_items (TD_LIST_PAGE (page)), ==, expected->len);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (page_child (page, "count_label"))), ==, count);
}

static GtkWidget *
find_label_filter (GtkWidget *widget)
{
  if (GTK_IS_DROP_DOWN (widget) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (widget), _("Filter by Label")) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_filter (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
dropdown_names (GtkDropDown *dropdown)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      g_strv_builder_add (builder, gtk_string_object_get_string (item));
    }
  names = g_strv_builder_end (builder);
  return g_strjoinv (",", names);
}

static const char *
dropdown_shown (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

/* Chooses the row called @name, as a click in the popup does. */
static void
choose (GtkDropDown *dropdown,
        const char  *name)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), name) == 0)
        {
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }
  g_error ("No “%s” in the drop-down", name);
}

typedef struct
{
  TdCache    *cache;
  GPtrArray  *ids;
  const char *label;     /* the last of them carries it… */
  gboolean    present;   /* …or no longer does */
} CacheWait;

static gboolean
cache_has_labels (gpointer data)
{
  CacheWait *w = data;
  g_autoptr(JsonObject) last = td_cache_get_object (w->cache, "ticket",
                                                    g_ptr_array_index (w->ids, w->ids->len - 1), NULL);
  g_auto(GStrv) labels = td_json_get_strv (last, "labels");

  return g_strv_contains ((const char * const *) labels, w->label) == w->present;
}

typedef struct
{
  GtkDropDown *dropdown;
  const char  *name;
  gboolean     present;
} OfferWait;

static gboolean
dropdown_offers (gpointer data)
{
  OfferWait *w = data;
  g_autofree char *names = dropdown_names (w->dropdown);
  g_autofree char *quoted = g_strconcat (",", names, ",", NULL);
  g_autofree char *needle = g_strconcat (",", w->name, ",", NULL);

  return (strstr (quoted, needle) != NULL) == w->present;
}

static const char *
label_id (JsonArray  *labels,
          const char *english)
{
  for (guint i = 0; i < json_array_get_length (labels); i++)
    {
      JsonObject *label = json_array_get_object_element (labels, i);

      if (g_strcmp0 (td_json_get_string (td_json_get_object (label, "titles"), "en"), english) == 0)
        return td_json_get_string (label, "id");
    }
  g_error ("No label “%s”", english);
}

static void
label_filter_body (Fixture *f)
{
  g_autoptr(JsonObject) labels_page = server_call (f, "GET", "/api/v1/labels?limit=100", -1, NULL);
  JsonArray *labels = json_object_get_array_member (labels_page, "items");
  g_autoptr(JsonObject) tickets_page = NULL;
  g_autoptr(GPtrArray) labelled = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) created = NULL;
  g_autofree char *urgent_path = NULL;
  g_autofree char *names = NULL;
  g_autofree char *word = NULL;
  const char *urgent = label_id (labels, "Urgent");
  const char *warranty = label_id (labels, "Warranty");
  const char *open_id = NULL;
  JsonArray *tickets;
  GtkWidget *page;
  GtkDropDown *label_filter;
  GtkDropDown *status_filter;
  CacheWait cache_wait = { 0 };
  OfferWait offer_wait = { 0 };

  /* The demo labels about one ticket in five; another client labels twelve more, a third
   * with Urgent, a third with Urgent and Warranty, a third with Warranty, so the filter
   * also has to follow the sync. */
  tickets_page = server_call (f, "GET", "/api/v1/tickets?limit=12&sort=number", -1, NULL);
  tickets = json_object_get_array_member (tickets_page, "items");
  g_assert_cmpuint (json_array_get_length (tickets), ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      JsonObject *ticket = json_array_get_object_element (tickets, i);
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(JsonObject) answer = NULL;
      g_autofree char *path = g_strconcat ("/api/v1/tickets/", td_json_get_string (ticket, "id"), NULL);
      JsonArray *ids = json_array_new ();

      if (i % 3 != 2)
        json_array_add_string_element (ids, urgent);
      if (i % 3 != 0)
        json_array_add_string_element (ids, warranty);
      json_object_set_array_member (changes, "labels", ids);
      answer = server_call (f, "PATCH", path, td_json_get_int (ticket, "version", -1), changes);
      g_ptr_array_add (labelled, g_strdup (td_json_get_string (ticket, "id")));
      if (i % 3 != 2 && open_id == NULL && g_strcmp0 (td_json_get_string (ticket, "status"), "open") == 0)
        open_id = td_json_get_string (ticket, "id");
    }

  /* The sync engine brings the change to the offline copy the page reads. */
  cache_wait.cache = td_account_get_cache (td_window_get_account (f->window));
  cache_wait.ids = labelled;
  cache_wait.label = warranty;
  cache_wait.present = TRUE;
  wait_until (cache_has_labels, &cache_wait, "the labels reached the offline copy");

  g_assert_true (td_window_show_module (f->window, TD_MODULE_TICKETS));
  page = td_window_get_page (f->window, TD_MODULE_TICKETS);
  wait_until (list_loaded, page, "the tickets are listed");
  label_filter = GTK_DROP_DOWN (find_label_filter (page));
  status_filter = GTK_DROP_DOWN (page_child (page, "status_dropdown"));
  g_assert_nonnull (label_filter);

  /* Named for assistive technologies, focusable, beside the status filter; the labels by
   * title after "All Labels". */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (label_filter), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Filter by Label");
  /* The keyboard reaches it (its button takes the focus). */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (label_filter)));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), GTK_WIDGET (label_filter)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (label_filter)));
  g_assert_true (gtk_widget_get_prev_sibling (GTK_WIDGET (label_filter)) == GTK_WIDGET (status_filter));
  names = dropdown_names (label_filter);
  g_assert_cmpstr (names, ==, "All Labels,Customer waiting,Escalated,Firmware update,Maintenance,"
                              "Safety,Spare part needed,Urgent,Warranty");
  g_assert_cmpstr (dropdown_shown (label_filter), ==, "All Labels");
  g_assert_cmpuint (td_list_page_get_n_items (TD_LIST_PAGE (page)), ==, 300);

  /* Exactly the tickets carrying the label, as the server lists them. */
  urgent_path = g_strconcat ("/api/v1/tickets?limit=500&labels=", urgent, NULL);
  choose (label_filter, "Urgent");
  assert_shows_server_list (f, page, urgent_path);
  {
    g_autofree char *path = g_strconcat ("/api/v1/tickets?limit=500&labels=", warranty, NULL);

    choose (label_filter, "Warranty");
    assert_shows_server_list (f, page, path);
  }
  /* With the status filter and with search. */
  choose (label_filter, "Urgent");
  choose (status_filter, "Open");
  {
    g_autofree char *path = g_strconcat (urgent_path, "&status=open", NULL);

    assert_shows_server_list (f, page, path);
  }
  g_assert_nonnull (open_id);
  {
    g_autoptr(JsonObject) ticket = td_cache_get_object (cache_wait.cache, "ticket", open_id, NULL);
    g_auto(GStrv) words = g_strsplit (td_json_get_string (ticket, "title"), " ", 2);
    g_autoptr(GPtrArray) shown = NULL;

    word = g_strdup (words[0]);
    gtk_editable_set_text (GTK_EDITABLE (page_child (page, "search_entry")), word);
    g_signal_emit_by_name (page_child (page, "search_entry"), "search-changed");
    shown = shown_ids (page);
    g_assert_true (g_ptr_array_find_with_equal_func (shown, open_id, g_str_equal, NULL));
    for (guint i = 0; i < shown->len; i++)
      {
        g_autoptr(JsonObject) row = td_cache_get_object (cache_wait.cache, "ticket", g_ptr_array_index (shown, i), NULL);
        g_auto(GStrv) row_labels = td_json_get_strv (row, "labels");

        g_assert_cmpstr (td_json_get_string (row, "status"), ==, "open");
        g_assert_true (g_strv_contains ((const char * const *) row_labels, urgent));
      }
  }

  /* A language switch rebuilds the window: the same search and filters, in German (the
   * label's own German title), in Arabic (no Arabic title: the English one). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.set-language", "s", "de"));
  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  page = td_window_get_page (f->window, TD_MODULE_TICKETS);
  label_filter = GTK_DROP_DOWN (find_label_filter (page));
  g_assert_cmpstr (dropdown_shown (label_filter), ==, "Dringend");
  g_assert_cmpstr (dropdown_shown (GTK_DROP_DOWN (page_child (page, "status_dropdown"))), ==, "Offen");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (page, "search_entry"))), ==, word);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (label_filter), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Nach Label filtern");
  g_clear_pointer (&names, g_free);
  names = dropdown_names (label_filter);
  g_assert_true (g_str_has_prefix (names, "Alle Labels,Dringend,Ersatzteil benötigt,Eskaliert,"));
  {
    g_autoptr(GPtrArray) shown = shown_ids (page);

    g_assert_true (g_ptr_array_find_with_equal_func (shown, open_id, g_str_equal, NULL));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.set-language", "s", "ar"));
  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  page = td_window_get_page (f->window, TD_MODULE_TICKETS);
  label_filter = GTK_DROP_DOWN (find_label_filter (page));
  g_assert_cmpstr (dropdown_shown (label_filter), ==, "Urgent");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (label_filter)), ==, GTK_TEXT_DIR_RTL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.set-language", "s", "en"));
  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  page = td_window_get_page (f->window, TD_MODULE_TICKETS);
  label_filter = GTK_DROP_DOWN (find_label_filter (page));
  status_filter = GTK_DROP_DOWN (page_child (page, "status_dropdown"));
  g_assert_cmpstr (dropdown_shown (label_filter), ==, "Urgent");

  /* Back to all statuses and no search: the label alone again. */
  choose (status_filter, "All Statuses");
  gtk_editable_set_text (GTK_EDITABLE (page_child (page, "search_entry")), "");
  g_signal_emit_by_name (page_child (page, "search_entry"), "search-changed");
  assert_shows_server_list (f, page, urgent_path);

  /* Labels come and go with the sync: a new one is offered at once; when the chosen one is
   * deleted the filter falls back to all labels. */
  {
    g_autoptr(JsonObject) body = json_object_new ();
    g_autoptr(JsonObject) titles = json_object_new ();
    g_autoptr(JsonObject) gone = NULL;
    g_autofree char *path = NULL;

    json_object_set_string_member (titles, "en", "Zz shell test");
    json_object_set_object_member (body, "titles", json_object_ref (titles));
    created = server_call (f, "POST", "/api/v1/labels", -1, body);
    offer_wait.dropdown = label_filter;
    offer_wait.name = "Zz shell test";
    offer_wait.present = TRUE;
    wait_until (dropdown_offers, &offer_wait, "the new label is offered");
    g_assert_cmpstr (dropdown_shown (label_filter), ==, "Urgent");
    /* A label no ticket carries: nothing, and the page says which way out. */
    choose (label_filter, "Zz shell test");
    g_assert_cmpuint (td_list_page_get_n_items (TD_LIST_PAGE (page)), ==, 0);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (page_child (page, "content_stack"))), ==, "empty");
    g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page_child (page, "empty_page"))), ==, "No Results");

    path = g_strconcat ("/api/v1/labels/", td_json_get_string (created, "id"), NULL);
    gone = server_call (f, "DELETE", path, td_json_get_int (created, "version", -1), NULL);
    offer_wait.present = FALSE;
    wait_until (dropdown_offers, &offer_wait, "the deleted label is no longer offered");
    g_assert_cmpstr (dropdown_shown (label_filter), ==, "All Labels");
    g_assert_cmpuint (td_list_page_get_n_items (TD_LIST_PAGE (page)), ==, 300);
  }

  /* Only lists whose rows carry labels have the filter. */
  g_assert_true (td_window_show_module (f->window, TD_MODULE_DEVICES));
  g_assert_nonnull (find_label_filter (td_window_get_page (f->window, TD_MODULE_DEVICES)));
  g_assert_true (td_window_show_module (f->window, TD_MODULE_TEMPLATES));
  g_assert_null (find_label_filter (td_window_get_page (f->window, TD_MODULE_TEMPLATES)));
  g_assert_true (td_window_show_module (f->window, TD_MODULE_MY_COMPANY));
  g_assert_null (find_label_filter (td_window_get_page (f->window, TD_MODULE_MY_COMPANY)));
}

static void
test_label_filter (void)
{
  Fixture f = { 0 };

  run_app (&f, "admin@acme.test", label_filter_body);
  td_language_apply ("");
}

/* Detail pane: labels and people ------------------------------------------------------ */

/* The value widget of the detail pane's field called @name, or NULL when it shows none. */
static GtkWidget *
detail_value (GtkWidget  *page,
              const char *name)
{
  GtkWidget *list = page_child (page, "detail_list");

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      GtkWidget *caption = gtk_widget_get_first_child (box);

      if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (caption)), name) == 0)
        return gtk_widget_get_next_sibling (caption);
    }
  return NULL;
}

/* The pills of the "Labels" field as "title,title", each checked to be tinted with its
 * label's color (@colors: "#rrggbb" per title, in the same order). */
static char *
detail_pills (GtkWidget          *page,
              const char         *name,
              const char * const *colors)
{
  GtkWidget *pills = detail_value (page, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) titles = NULL;
  guint i = 0;

  g_assert_true (GTK_IS_FLOW_BOX (pills));
  for (GtkWidget *child = gtk_widget_get_first_child (pills); child != NULL;
       child = gtk_widget_get_next_sibling (child), i++)
    {
      GtkWidget *pill = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      g_autofree char *hex = NULL;
      g_autofree char *color_class = NULL;

      g_assert_cmpuint (i, <, g_strv_length ((char **) colors));
      hex = g_ascii_strdown (colors[i] + 1, -1);
      color_class = g_strconcat ("label-color-", hex, NULL);
      g_assert_true (gtk_widget_has_css_class (pill, "label-pill"));
      g_assert_true (gtk_widget_has_css_class (pill, color_class));
      g_assert_true (gtk_widget_get_mapped (pill));
      g_strv_builder_add (builder, gtk_label_get_text (GTK_LABEL (pill)));
    }
  titles = g_strv_builder_end (builder);
  return g_strjoinv (",", titles);
}

static gboolean
detail_revealed (gpointer data)
{
  return gtk_revealer_get_child_revealed (GTK_REVEALER (page_child (data, "detail_revealer")));
}

static void
detail_labels_body (Fixture *f)
{
  g_autoptr(JsonObject) labels_page = server_call (f, "GET", "/api/v1/labels?limit=100", -1, NULL);
  g_autoptr(JsonObject) tickets_page = server_call (f, "GET", "/api/v1/tickets?limit=500", -1, NULL);
  JsonArray *labels = json_object_get_array_member (labels_page, "items");
  JsonArray *tickets = json_object_get_array_member (tickets_page, "items");
  g_autoptr(GStrvBuilder) english = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) german = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) colors = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) people = g_strv_builder_new ();
  g_auto(GStrv) english_titles = NULL;
  g_auto(GStrv) german_titles = NULL;
  g_auto(GStrv) label_colors = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *english_joined = NULL;
  g_autofree char *german_joined = NULL;
  g_autofree char *names_joined = NULL;
  g_autofree char *shown = NULL;
  JsonObject *ticket = NULL;
  g_auto(GStrv) label_ids = NULL;
  g_auto(GStrv) responsible = NULL;
  GtkWidget *page;

  /* A seeded ticket with at least two labels and two responsible employees. */
  for (guint i = 0; i < json_array_get_length (tickets) && ticket == NULL; i++)
    {
      JsonObject *candidate = json_array_get_object_element (tickets, i);
      g_auto(GStrv) ids = td_json_get_strv (candidate, "labels");
      g_auto(GStrv) employees = td_json_get_strv (candidate, "responsible_ids");

      if (g_strv_length (ids) >= 2 && g_strv_length (employees) >= 2)
        ticket = candidate;
    }
  g_assert_nonnull (ticket);
  label_ids = td_json_get_strv (ticket, "labels");
  responsible = td_json_get_strv (ticket, "responsible_ids");

  /* What the server's objects say: the labels' titles and colors, the people's names. */
  for (guint i = 0; label_ids[i] != NULL; i++)
    for (guint j = 0; j < json_array_get_length (labels); j++)
      {
        JsonObject *label = json_array_get_object_element (labels, j);
        JsonObject *titles = td_json_get_object (label, "titles");

        if (g_strcmp0 (td_json_get_string (label, "id"), label_ids[i]) != 0)
          continue;
        g_strv_builder_add (english, td_json_get_string (titles, "en"));
        g_strv_builder_add (german, td_json_get_string (titles, "de"));
        g_strv_builder_add (colors, td_json_get_string (label, "color"));
      }
  english_titles = g_strv_builder_end (english);
  german_titles = g_strv_builder_end (german);
  label_colors = g_strv_builder_end (colors);
  g_assert_cmpuint (g_strv_length (english_titles), ==, g_strv_length (label_ids));
  english_joined = g_strjoinv (",", english_titles);
  german_joined = g_strjoinv (",", german_titles);
  for (guint i = 0; responsible[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat ("/api/v1/employees/", responsible[i], NULL);
      g_autoptr(JsonObject) employee = server_call (f, "GET", path, -1, NULL);
      g_autofree char *name = g_strdup_printf ("%s %s", td_json_get_string (employee, "first_name"),
                                               td_json_get_string (employee, "last_name"));

      g_strv_builder_add (people, name);
    }
  names = g_strv_builder_end (people);
  names_joined = g_strjoinv (", ", names);

  /* The offline copy is complete, then the ticket is opened. */
  wait_until (sync_up_to_date, window_child (f, "sync_status"), "the sync status says up to date");
  g_assert_true (td_window_show_module (f->window, TD_MODULE_TICKETS));
  page = td_window_get_page (f->window, TD_MODULE_TICKETS);
  wait_until (list_loaded, page, "the tickets are listed");
  g_assert_true (td_list_page_show_item (TD_LIST_PAGE (page), td_json_get_string (ticket, "id")));
  wait_until (detail_revealed, page, "the detail pane is shown");

  /* Titles as pills in the label's colors, names rather than a count or ids. */
  shown = detail_pills (page, "Labels", (const char * const *) label_colors);
  g_assert_cmpstr (shown, ==, english_joined);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (detail_value (page, "Responsible"))), ==, names_joined);
  /* No one to notify in the seed: no empty row. */
  g_assert_null (detail_value (page, "Notified"));

  /* A language switch rebuilds the page with the same ticket open: the German titles. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.set-language", "s", "de"));
  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  page = td_window_get_page (f->window, TD_MODULE_TICKETS);
  wait_until (list_loaded, page, "the tickets are listed again");
  g_assert_cmpstr (td_list_page_get_shown_id (TD_LIST_PAGE (page)), ==, td_json_get_string (ticket, "id"));
  wait_until (detail_revealed, page, "the detail pane is shown again");
  g_clear_pointer (&shown, g_free);
  shown = detail_pills (page, "Labels", (const char * const *) label_colors);
  g_assert_cmpstr (shown, ==, german_joined);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (detail_value (page, "Verantwortlich"))), ==, names_joined);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.set-language", "s", "en"));
  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
}

static void
test_detail_labels (void)
{
  Fixture f = { 0 };

  run_app (&f, "admin@acme.test", detail_labels_body);
  td_language_apply ("");
}

/* Accessibility ------------------------------------------------------------------------- */

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
assert_named_button (Fixture    *f,
                     const char *name,
                     const char *label)
{
  GtkWidget *button = window_child (f, name);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  g_assert_nonnull (gtk_widget_get_tooltip_text (button));
  g_assert_true (gtk_widget_get_focusable (button) || gtk_widget_get_focus_on_click (button));
  g_assert_true (gtk_widget_get_mapped (button));
}

static void
accessible_body (Fixture *f)
{
  assert_named_button (f, "burger_button", "Side Menu");
  assert_named_button (f, "menu_button", "Main Menu");
  assert_named_button (f, "avatar_button", "Personal Account Settings");
  /* The bell names the unread count when there is one. */
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (window_child (f, "bell_button")),
                                   GTK_ACCESSIBLE_ROLE_BUTTON);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (window_child (f, "bell_button")),
                                                   GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (window_child (f, "bell_button")),
                                   "Notifications"));

  /* The bell opens the drawer. */
  gtk_toggle_button_set_active (window_child (f, "bell_button"), TRUE);
  g_assert_true (adw_flap_get_reveal_flap (window_child (f, "drawer_flap")));

  /* A button with a mnemonic is named by its label alone: GTK 4.8 also gives it the raw
   * label ("_Mark All as Read") as a name, which screen readers read out in front. */
  {
    GtkWidget *drawer = gtk_widget_get_first_child (window_child (f, "drawer_slot"));
    GtkWidget *mark_all = GTK_WIDGET (gtk_widget_get_template_child (drawer, TD_TYPE_NOTIFICATION_DRAWER,
                                                                     "mark_all_button"));

    wait_until (widget_mapped, mark_all, "the drawer is shown");
    g_assert_true (gtk_button_get_use_underline (GTK_BUTTON (mark_all)));
    g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (mark_all),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL));
    g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (mark_all),
                                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY));
    /* Also after the label changes. */
    gtk_button_set_label (GTK_BUTTON (mark_all), "_Mark All as Read");
    g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (mark_all),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL));
  }
  gtk_toggle_button_set_active (window_child (f, "bell_button"), FALSE);
}

static void
test_accessible (void)
{
  Fixture f = { 0 };

  run_app (&f, "member@acme.test", accessible_body);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *po_dir = NULL;
  int status;

  /* GTK's test AT context records accessible properties so they can be checked; the
   * suite's GTK_A11Y=none would give the widgets none. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* gtk_test_init() forces the C locale, where glibc ignores LANGUAGE (PLATFORM.md). */
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C.UTF-8");
  po_dir = g_build_filename (g_getenv ("TD_BUILD_DIR"), "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, po_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  server = td_test_server_start ("demo");

  for (guint i = 0; i < G_N_ELEMENTS (menu_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ui/shell/side-menu/%s", menu_cases[i].email);

      g_test_add_data_func (path, &menu_cases[i], test_side_menu);
    }
  g_test_add_func ("/ui/shell/burger", test_burger);
  g_test_add_func ("/ui/shell/modules", test_modules);
  g_test_add_func ("/ui/shell/dashboard", test_dashboard);
  g_test_add_func ("/ui/shell/language", test_language);
  g_test_add_func ("/ui/shell/release-notes", test_release_notes);
  g_test_add_func ("/ui/shell/feedback", test_feedback);
  g_test_add_func ("/ui/shell/accessible", test_accessible);
  /* Reads the seeded labels before the label filter test labels more tickets. */
  g_test_add_func ("/ui/shell/detail-labels", test_detail_labels);
  /* It labels tickets on the shared server; no other test asks which tickets carry labels. */
  g_test_add_func ("/ui/shell/label-filter", test_label_filter);

  status = g_test_run ();

  td_test_server_free (server);
  return status;
}
