/* test-login.c: signing in from the desktop app against a real twindesk-server
 *
 * Drives the real TdApplication in process (register + activate, as g_application_run
 * would) and presses the real buttons of its window; the server is the built binary with
 * the demo data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-ui-test.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "td-account.h"
#include "td-api-client.h"
#include "td-application.h"
#include "td-credentials.h"
#include "td-login-page.h"
#include "td-test-server.h"
#include "td-window.h"

#define ADMIN_EMAIL          "admin@acme.test"
/* Wrong passwords throttle an account; the test that types one uses an account of its own. */
#define WRONG_PASSWORD_EMAIL "moderator@acme.test"
#define CUSTOMER_EMAIL       "member@globex.test"

static TdTestServer *server;

typedef struct _Fixture Fixture;

struct _Fixture
{
  TdCredentials *credentials;
  TdApplication *app;
  TdWindow      *window;
  void         (*body) (Fixture *f);
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
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

static TdLoginPage *
login_page (Fixture *f)
{
  return template_child (f->window, TD_TYPE_WINDOW, "login_page");
}

/* The back office of the window (top bar, side menu, pages). */
static GtkWidget *
home_page (Fixture *f)
{
  return template_child (f->window, TD_TYPE_WINDOW, "home_page");
}

static gpointer
login_child (Fixture    *f,
             const char *name)
{
  return template_child (login_page (f), TD_TYPE_LOGIN_PAGE, name);
}

static const char *
visible_page (Fixture *f)
{
  GtkStack *stack = template_child (f->window, TD_TYPE_WINDOW, "stack");

  return gtk_stack_get_visible_child_name (stack);
}

/* What a person sees: a mapped label whose text contains @text, anywhere under @widget. */
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

static gboolean
home_is_shown (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (visible_page (f), "home") == 0 && gtk_widget_get_mapped (GTK_WIDGET (home_page (f)));
}

static gboolean
login_is_shown (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (visible_page (f), "login") == 0 && gtk_widget_get_mapped (GTK_WIDGET (login_page (f)));
}

static gboolean
message_is_shown (gpointer data)
{
  Fixture *f = data;
  GtkRevealer *revealer = login_child (f, "message_revealer");
  GtkLabel *label = login_child (f, "message_label");

  return !td_login_page_get_busy (login_page (f)) &&
         gtk_revealer_get_reveal_child (revealer) &&
         gtk_widget_get_mapped (GTK_WIDGET (label)) &&
         *gtk_label_get_text (label) != '\0';
}

static const char *
message_text (Fixture *f)
{
  return gtk_label_get_text (login_child (f, "message_label"));
}

/* The app ------------------------------------------------------------------------------- */

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);

  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "last-user");
}

typedef void (*TestBody) (Fixture *f);

static void
activated_cb (GApplication *app,
              Fixture      *f)
{
  g_autoptr(GList) windows = NULL;

  f->window = TD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (f->window);

  f->body (f);
  f->body_ran = TRUE;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (GTK_WINDOW (l->data));
  f->window = NULL;

  g_application_quit (app);
}

/* Runs the app as main() does, with g_application_run() and a command line; @body runs
 * inside the first activation, after the app has made and presented its window. The app
 * is non-unique so that two runs in one process do not depend on the bus releasing the
 * name in time. */
static void
run_app (Fixture    *f,
         const char *server_option,
         TestBody    body)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status;

  g_ptr_array_add (argv, (char *) "twindesk");
  if (server_option != NULL)
    {
      g_ptr_array_add (argv, (char *) "--server");
      g_ptr_array_add (argv, (char *) server_option);
    }
  g_ptr_array_add (argv, NULL);

  f->app = td_application_new (f->credentials);
  g_application_set_flags (G_APPLICATION (f->app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (f->app, "activate", G_CALLBACK (activated_cb), f);

  f->body = body;
  f->body_ran = FALSE;
  status = g_application_run (G_APPLICATION (f->app), argv->len - 1, (char **) argv->pdata);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (f->body_ran);

  g_assert_finalize_object (g_steal_pointer (&f->app));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  reset_settings ();
  f->credentials = td_credentials_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->credentials);
}

/* NULL leaves a field as the app filled it. */
static void
fill_form (Fixture    *f,
           const char *server_url,
           const char *email,
           const char *password)
{
  if (server_url != NULL)
    gtk_editable_set_text (login_child (f, "server_row"), server_url);
  if (email != NULL)
    gtk_editable_set_text (login_child (f, "email_row"), email);
  if (password != NULL)
    gtk_editable_set_text (login_child (f, "password_row"), password);
}

static void
press (gpointer button)
{
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (button)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  gtk_widget_activate (GTK_WIDGET (button));
}

static char *
lookup_token (TdCredentials *credentials,
              const char    *email)
{
  AsyncWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  char *token;

  td_credentials_lookup_async (credentials, td_test_server_get_url (server), email, NULL,
                               async_done_cb, &wait);
  wait_until (async_is_done, &wait, "the keyring answered");
  token = td_credentials_lookup_finish (credentials, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  return token;
}

/* A session of its own, straight through the client: what the server says the name is. */
static TdSession *
login_directly (const char *email)
{
  g_autoptr(TdApiClient) client = td_api_client_new (td_test_server_get_url (server));
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  TdSession *session;

  td_api_client_login_async (client, email, TD_DEMO_PASSWORD, NULL, async_done_cb, &wait);
  wait_until (async_is_done, &wait, "the direct login finished");
  session = td_api_client_login_finish (client, wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

static char *
expected_display_name (const char *email)
{
  g_autoptr(TdSession) session = login_directly (email);

  return td_user_dup_display_name (session->user);
}

static void
sign_in (Fixture    *f,
         const char *server_url,
         const char *email)
{
  g_autofree char *name = expected_display_name (email);

  wait_until (login_is_shown, f, "the login page shows");
  fill_form (f, server_url, email, TD_DEMO_PASSWORD);
  press (login_child (f, "sign_in_button"));
  wait_until (home_is_shown, f, "the home page shows");

  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), name));
}

/* Tests --------------------------------------------------------------------------------- */

static void
sign_in_body (Fixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);
  g_autofree char *server_url = NULL;
  g_autofree char *last_user = NULL;
  g_autofree char *token = NULL;

  /* --server filled in the address. */
  wait_until (login_is_shown, f, "the login page shows");
  g_assert_cmpstr (gtk_editable_get_text (login_child (f, "server_row")), ==, td_test_server_get_url (server));

  sign_in (f, NULL, ADMIN_EMAIL);

  /* The role and the modules come from the server's answer and the permission table. */
  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), "Administrator"));
  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), "Templates"));
  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), td_test_server_get_url (server)));

  server_url = g_settings_get_string (settings, "server-url");
  last_user = g_settings_get_string (settings, "last-user");
  g_assert_cmpstr (server_url, ==, td_test_server_get_url (server));
  g_assert_cmpstr (last_user, ==, ADMIN_EMAIL);

  /* Only the token is kept, and it is the one of this session. */
  token = lookup_token (f->credentials, ADMIN_EMAIL);
  g_assert_nonnull (token);
  g_assert_cmpstr (token, ==, td_api_client_get_token (td_account_get_client (td_window_get_account (f->window))));

  /* The password does not stay in the form. */
  g_assert_cmpstr (gtk_editable_get_text (login_child (f, "password_row")), ==, "");
}

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  run_app (f, td_test_server_get_url (server), sign_in_body);
}

static void
sign_in_customer_body (Fixture *f)
{
  sign_in (f, td_test_server_get_url (server), CUSTOMER_EMAIL);

  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), "Customer login"));
  /* Customer login has no Templates and no Customers module. */
  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), "Tickets"));
  g_assert_false (shows_label_containing (GTK_WIDGET (home_page (f)), "Templates"));
  g_assert_false (shows_label_containing (GTK_WIDGET (home_page (f)), "Customers"));
}

static void
test_sign_in_customer (Fixture       *f,
                       gconstpointer  data)
{
  run_app (f, NULL, sign_in_customer_body);
}

static void
wrong_password_body (Fixture *f)
{
  wait_until (login_is_shown, f, "the login page shows");
  fill_form (f, td_test_server_get_url (server), WRONG_PASSWORD_EMAIL, "not-the-password");

  /* Enter in the password field submits. */
  g_signal_emit_by_name (login_child (f, "password_row"), "entry-activated");
  wait_until (message_is_shown, f, "an inline error shows");

  g_assert_cmpstr (message_text (f), ==, "Wrong email or password");
  g_assert_true (gtk_widget_has_css_class (login_child (f, "message_label"), "error"));
  g_assert_false (gtk_widget_get_mapped (login_child (f, "retry_button")));
  g_assert_true (login_is_shown (f));
  g_assert_null (td_account_get_user (td_window_get_account (f->window)));
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  run_app (f, NULL, wrong_password_body);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static void
malformed_url_body (Fixture *f)
{
  const char *malformed[] = { "not a server", "ftp://service.example.com", "https://" };
  guint busy_changes = 0;

  wait_until (login_is_shown, f, "the login page shows");
  g_signal_connect (login_page (f), "notify::busy", G_CALLBACK (count_cb), &busy_changes);

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      fill_form (f, malformed[i], ADMIN_EMAIL, TD_DEMO_PASSWORD);
      press (login_child (f, "sign_in_button"));
      wait_until (message_is_shown, f, "an inline error shows");

      g_assert_cmpstr (message_text (f), ==, "Enter a server address such as https://service.example.com");
      g_assert_true (gtk_widget_has_css_class (login_child (f, "server_row"), "error"));
      g_assert_false (gtk_widget_get_mapped (login_child (f, "retry_button")));

      /* Hidden again so that the next round waits for a fresh message. */
      gtk_revealer_set_reveal_child (login_child (f, "message_revealer"), FALSE);
    }

  /* The page never went busy: no request was made. */
  g_assert_cmpuint (busy_changes, ==, 0);
  g_assert_true (login_is_shown (f));
  g_signal_handlers_disconnect_by_data (login_page (f), &busy_changes);
}

static void
test_malformed_url (Fixture       *f,
                    gconstpointer  data)
{
  run_app (f, NULL, malformed_url_body);
}

static void
empty_fields_body (Fixture *f)
{
  wait_until (login_is_shown, f, "the login page shows");

  fill_form (f, td_test_server_get_url (server), "", "");
  press (login_child (f, "sign_in_button"));
  wait_until (message_is_shown, f, "an inline error shows");
  g_assert_cmpstr (message_text (f), ==, "Enter your email address");

  gtk_revealer_set_reveal_child (login_child (f, "message_revealer"), FALSE);
  fill_form (f, NULL, ADMIN_EMAIL, "");
  press (login_child (f, "sign_in_button"));
  wait_until (message_is_shown, f, "an inline error shows");
  g_assert_cmpstr (message_text (f), ==, "Enter your password");
}

static void
test_empty_fields (Fixture       *f,
                   gconstpointer  data)
{
  run_app (f, NULL, empty_fields_body);
}

static void
server_unreachable_body (Fixture *f)
{
  g_autofree char *name = expected_display_name (ADMIN_EMAIL);

  wait_until (login_is_shown, f, "the login page shows");

  td_test_server_stop (server);
  fill_form (f, td_test_server_get_url (server), ADMIN_EMAIL, TD_DEMO_PASSWORD);
  press (login_child (f, "sign_in_button"));
  wait_until (message_is_shown, f, "an inline error shows");

  g_assert_true (g_str_has_prefix (message_text (f), "Cannot reach the server"));
  g_assert_nonnull (strstr (message_text (f), td_test_server_get_url (server)));
  g_assert_true (login_is_shown (f));

  /* The same port again; Retry repeats the attempt with what is in the form. */
  td_test_server_restart (server);
  press (login_child (f, "retry_button"));
  wait_until (home_is_shown, f, "the home page shows after Retry");
  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), name));
}

static void
test_server_unreachable (Fixture       *f,
                         gconstpointer  data)
{
  run_app (f, NULL, server_unreachable_body);
}

static void
log_out_body (Fixture *f)
{
  g_autofree char *token = NULL;

  sign_in (f, td_test_server_get_url (server), ADMIN_EMAIL);

  /* Log Out lives in the notification drawer; its action is the application's. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "app.logout", NULL));
  wait_until (login_is_shown, f, "the login page shows after logging out");

  /* The email stays for the next sign-in, the password is gone. */
  g_assert_cmpstr (gtk_editable_get_text (login_child (f, "email_row")), ==, ADMIN_EMAIL);
  g_assert_cmpstr (gtk_editable_get_text (login_child (f, "password_row")), ==, "");
  g_assert_false (gtk_revealer_get_reveal_child (login_child (f, "message_revealer")));
  g_assert_null (td_account_get_user (td_window_get_account (f->window)));

  token = lookup_token (f->credentials, ADMIN_EMAIL);
  g_assert_null (token);
}

static void
test_log_out (Fixture       *f,
              gconstpointer  data)
{
  run_app (f, NULL, log_out_body);
}

static void
sign_in_admin_body (Fixture *f)
{
  sign_in (f, td_test_server_get_url (server), ADMIN_EMAIL);
}

static void
set_flag_cb (gboolean *flag)
{
  *flag = TRUE;
}

static void
stored_token_body (Fixture *f)
{
  g_autofree char *name = expected_display_name (ADMIN_EMAIL);
  gboolean login_mapped;

  /* The window is already presented: the login page must not have appeared, now or later. */
  login_mapped = gtk_widget_get_mapped (GTK_WIDGET (login_page (f)));
  g_signal_connect_swapped (login_page (f), "map", G_CALLBACK (set_flag_cb), &login_mapped);
  wait_until (home_is_shown, f, "the home page shows from the stored session");

  g_assert_false (login_mapped);
  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), name));
  g_signal_handlers_disconnect_by_data (login_page (f), &login_mapped);
}

/* A second run of the app with the same settings and keyring goes straight to the home
 * page: the token is checked with a real GET /me and the login form never appears. */
static void
test_stored_token (Fixture       *f,
                   gconstpointer  data)
{
  run_app (f, NULL, sign_in_admin_body);
  run_app (f, NULL, stored_token_body);
}

static void
session_ended_body (Fixture *f)
{
  g_autofree char *token = NULL;

  wait_until (message_is_shown, f, "the login page explains");
  g_assert_cmpstr (message_text (f), ==, "Your session has ended. Please sign in again.");
  g_assert_false (gtk_widget_has_css_class (login_child (f, "message_label"), "error"));
  g_assert_true (login_is_shown (f));
  g_assert_cmpstr (gtk_editable_get_text (login_child (f, "email_row")), ==, ADMIN_EMAIL);

  token = lookup_token (f->credentials, ADMIN_EMAIL);
  g_assert_null (token);
}

/* The server no longer knows the remembered token: the login page says so and the token
 * is forgotten. */
static void
test_session_ended (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);
  g_autoptr(TdSession) session = login_directly (ADMIN_EMAIL);
  g_autoptr(TdApiClient) client = td_api_client_new (td_test_server_get_url (server));
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };

  td_credentials_store_async (f->credentials, td_test_server_get_url (server), ADMIN_EMAIL,
                              session->token, NULL, async_done_cb, &wait);
  wait_until (async_is_done, &wait, "the token is stored");
  if (!td_credentials_store_finish (f->credentials, wait.result, &error))
    g_assert_error (error, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_clear_object (&wait.result);

  /* Revoked behind the app's back. */
  td_api_client_set_token (client, session->token);
  wait.done = FALSE;
  td_api_client_logout_async (client, NULL, async_done_cb, &wait);
  wait_until (async_is_done, &wait, "the token is revoked");
  g_assert_true (td_api_client_logout_finish (client, wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  g_settings_set_string (settings, "server-url", td_test_server_get_url (server));
  g_settings_set_string (settings, "last-user", ADMIN_EMAIL);

  run_app (f, NULL, session_ended_body);
}

static void
stored_token_unreachable_body (Fixture *f)
{
  g_autofree char *name = NULL;

  wait_until (message_is_shown, f, "the login page explains");
  g_assert_true (g_str_has_prefix (message_text (f), "Cannot reach the server"));
  g_assert_true (login_is_shown (f));
  g_assert_cmpstr (gtk_editable_get_text (login_child (f, "password_row")), ==, "");

  td_test_server_restart (server);
  name = expected_display_name (ADMIN_EMAIL);
  press (login_child (f, "retry_button"));
  wait_until (home_is_shown, f, "the home page shows after Retry");
  g_assert_true (shows_label_containing (GTK_WIDGET (home_page (f)), name));
}

/* A remembered session while the server is down: the login page offers Retry, which checks
 * the remembered session again rather than asking for the password. */
static void
test_stored_token_unreachable (Fixture       *f,
                               gconstpointer  data)
{
  run_app (f, NULL, sign_in_admin_body);
  td_test_server_stop (server);
  run_app (f, NULL, stored_token_unreachable_body);
}

static void
window_size_body (Fixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);
  int width = 0;
  int height = 0;

  gtk_window_get_default_size (GTK_WINDOW (f->window), &width, &height);
  g_assert_cmpint (width, ==, 800);
  g_assert_cmpint (height, ==, 600);

  /* Closing, not destroying: that is when the window remembers its size. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 650);
  gtk_window_close (GTK_WINDOW (f->window));
  f->window = NULL;

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
test_window_size (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (TD_SETTINGS_SCHEMA_ID);

  g_settings_set_int (settings, "window-width", 800);
  g_settings_set_int (settings, "window-height", 600);

  run_app (f, NULL, window_size_body);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *po_dir = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* gtk_test_init() forces the C locale; English texts are what the tests compare. */
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C.UTF-8");
  po_dir = g_build_filename (g_getenv ("TD_BUILD_DIR"), "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, po_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  server = td_test_server_start ("demo");

#define ADD(path, func) \
  g_test_add ("/ui/login/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("sign-in", test_sign_in);
  ADD ("sign-in-customer", test_sign_in_customer);
  ADD ("wrong-password", test_wrong_password);
  ADD ("malformed-url", test_malformed_url);
  ADD ("empty-fields", test_empty_fields);
  ADD ("server-unreachable", test_server_unreachable);
  ADD ("log-out", test_log_out);
  ADD ("stored-token", test_stored_token);
  ADD ("session-ended", test_session_ended);
  ADD ("stored-token-unreachable", test_stored_token_unreachable);
#undef ADD
  g_test_add ("/ui/window/size", Fixture, NULL, fixture_setup, test_window_size, fixture_teardown);

  status = g_test_run ();

  td_test_server_free (server);
  return status;
}
