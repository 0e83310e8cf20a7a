/* test-shell.c: the back-office window against a real twindesk-server
 *
 * Signs in as each demo user through the real TdAccount and drives the real window: the
 * side menu per login type and role, the burger and F9, Ctrl+number, the module lists with
 * server data, search and the detail pane, the dashboard, switching the language at run
 * time (German, Arabic right-to-left, back to English), sending feedback, the release notes
 * and the accessible names of the top bar's icon buttons.
 *
 * The test session has no accessibility bus (GTK_A11Y=none, NO_AT_BRIDGE in tests/meson.build),
 * so instead of asking AT-SPI this test runs with GTK's test AT context (GTK_A11Y=test) and
 * checks the roles and accessible names the widgets give assistive technologies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-ui-test.h"
#include "td-sync-status.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
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

/* Accessibility ------------------------------------------------------------------------- */

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

  status = g_test_run ();

  td_test_server_free (server);
  return status;
}
