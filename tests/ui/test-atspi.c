/* test-atspi.c: the real app as assistive technologies see it, over AT-SPI
 *
 * Starts the built `twindesk` as its own process with GTK's AT-SPI backend, signed in as a
 * demo user against a real twindesk-server (the session is left in the test keyring and the
 * settings, as an earlier run of the app would have, so the app resumes it), and asks the
 * accessibility bus, as a screen reader does, for the top bar's burger, bell and main-menu
 * buttons by their English accessible names and roles.
 *
 * The app runs in a process of its own because libatspi's calls are synchronous D-Bus calls:
 * asked from the process that has to answer them, they would wait for themselves.
 * build-aux/test-session runs the tests in a session bus where at-spi2-core's org.a11y.Bus is
 * activated on demand; the suite's GTK_A11Y=none is for the in-process tests only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include <atspi/atspi.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "td-api-client.h"
#include "td-application.h"
#include "td-credentials.h"
#include "td-json.h"
#include "td-test-server.h"
#include "td-ui-test.h"

#define EMAIL "admin@acme.test"

/* A window has a few hundred accessibles; this bounds a walk that went wrong. */
#define MAX_NODES 20000
#define MAX_DEPTH 64

/* libatspi 2.46 declares no cleanup functions for its types. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiAccessible, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiStateSet, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiComponent, g_object_unref)

static TdTestServer *server;

/* The app's session ----------------------------------------------------------------------- */

/* Signs in as @email and leaves the session where the app looks for a remembered one: the
 * token in the keyring (the test session's), the server and the user in the settings that
 * @settings_path holds. Returns the bell's expected name. */
static char *
remember_session (const char *email,
                  const char *settings_path)
{
  g_autoptr(TdApiClient) client = td_api_client_new (td_test_server_get_url (server));
  g_autoptr(TdCredentials) credentials = td_credentials_new ();
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(TdSession) session = NULL;
  g_autoptr(JsonObject) unread = NULL;
  g_autoptr(GError) error = NULL;
  TdUiAsyncWait wait = { 0 };
  gint64 count;

  td_api_client_login_async (client, email, TD_DEMO_PASSWORD, NULL, td_ui_async_done_cb, &wait);
  session = td_api_client_login_finish (client, td_ui_wait_for (&wait, "signed in"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);

  wait.done = FALSE;
  td_credentials_store_async (credentials, td_test_server_get_url (server), email, session->token,
                              NULL, td_ui_async_done_cb, &wait);
  /* Without a keyring the app could not resume the session: that is a broken test
   * session, not something to skip. */
  g_assert_true (td_credentials_store_finish (credentials, td_ui_wait_for (&wait, "the token is stored"), &error));
  g_clear_object (&wait.result);
  g_assert_no_error (error);

  backend = g_keyfile_settings_backend_new (settings_path, "/", NULL);
  settings = g_settings_new_with_backend (TD_SETTINGS_SCHEMA_ID, backend);
  g_settings_set_string (settings, "server-url", td_test_server_get_url (server));
  g_settings_set_string (settings, "last-user", email);
  g_settings_sync ();
  g_assert_true (g_file_test (settings_path, G_FILE_TEST_EXISTS));

  /* The bell names the unread count when there is one (td-window.c). */
  wait.done = FALSE;
  td_api_client_get_unread_count_async (client, NULL, td_ui_async_done_cb, &wait);
  unread = td_api_client_object_finish (client, td_ui_wait_for (&wait, "the unread count"), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  count = td_json_get_int (unread, "unread", -1);
  g_assert_cmpint (count, >=, 0);
  if (count == 0)
    return g_strdup ("Notifications");
  return g_strdup_printf ("Notifications, %" G_GINT64_FORMAT " unread", count);
}

/* The app must not outlive a test that failed halfway: it would hold the test's output
 * open and keep meson waiting. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
start_app (const char *scratch)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *binary = g_build_filename (g_getenv ("TD_BUILD_DIR"), "src", "app", "twindesk", NULL);
  g_autofree char *config = g_build_filename (scratch, "config", NULL);
  g_autofree char *data = g_build_filename (scratch, "data", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *app;

  /* The real AT-SPI backend instead of the suite's GTK_A11Y=none. */
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "atspi", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "NO_AT_BRIDGE");
  /* The settings remember_session() wrote; its own offline copy; English names. */
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  app = g_subprocess_launcher_spawn (launcher, &error, binary, NULL);
  g_assert_no_error (error);
  return app;
}

/* AT-SPI ---------------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  gboolean    found;
  AtspiRole   role;
} Wanted;

typedef struct
{
  pid_t           pid;
  AtspiAccessible *app;
  AtspiRect       window;    /* of the top-level being walked, in its own coordinates */
  Wanted         *wanted;
  guint           n_wanted;
  GString        *buttons;   /* every button seen in the last walk, for the failure message */
  guint           nodes;
  guint           walks;
} Search;

static gboolean
is_button_role (AtspiRole role)
{
  return role == ATSPI_ROLE_PUSH_BUTTON || role == ATSPI_ROLE_TOGGLE_BUTTON;
}

static AtspiRect
extents (AtspiAccessible *accessible)
{
  g_autoptr(AtspiComponent) component = atspi_accessible_get_component_iface (accessible);
  g_autofree AtspiRect *rect = NULL;
  AtspiRect none = { 0 };

  if (component != NULL)
    rect = atspi_component_get_extents (component, ATSPI_COORD_TYPE_WINDOW, NULL);
  return rect != NULL ? *rect : none;
}

/* GTK 4.8 sets neither "showing" nor a false "visible" on what is not on screen (the login
 * page keeps its own top bar, with a main menu, in the window): there the test takes a
 * button as shown when it has a size and lies inside its window. */
static gboolean
is_shown (Search          *search,
          AtspiAccessible *accessible)
{
  g_autoptr(AtspiStateSet) states = atspi_accessible_get_state_set (accessible);
  AtspiRect rect;

  if (states != NULL && atspi_state_set_contains (states, ATSPI_STATE_SHOWING))
    return TRUE;

  rect = extents (accessible);
  return rect.width > 0 && rect.height > 0 && rect.x >= 0 && rect.y >= 0 &&
         rect.x + rect.width <= search->window.width &&
         rect.y + rect.height <= search->window.height;
}

static void
walk (Search          *search,
      AtspiAccessible *accessible,
      guint            depth)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gboolean shown = FALSE;
  AtspiRole role;
  int n_children;

  if (depth > MAX_DEPTH || ++search->nodes > MAX_NODES)
    return;

  role = atspi_accessible_get_role (accessible, &error);
  if (error != NULL)
    return;   /* gone meanwhile (a page was rebuilt): the next walk sees the new one */
  name = atspi_accessible_get_name (accessible, NULL);
  if (depth == 1)
    search->window = extents (accessible);

  if (is_button_role (role) || role == ATSPI_ROLE_PUSH_BUTTON_MENU)
    {
      g_autofree char *role_name = atspi_role_get_name (role);

      shown = is_shown (search, accessible);
      g_string_append_printf (search->buttons, "  %s “%s”%s\n", role_name, name ? name : "",
                              shown ? "" : " (not shown)");
    }
  for (guint i = 0; i < search->n_wanted; i++)
    if (!search->wanted[i].found && g_strcmp0 (name, search->wanted[i].name) == 0 &&
        is_button_role (role) && shown)
      {
        search->wanted[i].found = TRUE;
        search->wanted[i].role = role;
      }

  n_children = atspi_accessible_get_child_count (accessible, NULL);
  for (int i = 0; i < n_children; i++)
    {
      g_autoptr(AtspiAccessible) child = atspi_accessible_get_child_at_index (accessible, i, NULL);

      if (child != NULL)
        walk (search, child, depth + 1);
    }
}

/* The desktop's application whose process is the app. libatspi learns about new
 * applications from signals, which the main context delivers; the cache is dropped so
 * every poll asks the registry afresh. */
static gboolean
app_registered (gpointer data)
{
  Search *search = data;
  g_autoptr(AtspiAccessible) desktop = atspi_get_desktop (0);
  int n_apps;

  atspi_accessible_clear_cache (desktop);
  n_apps = atspi_accessible_get_child_count (desktop, NULL);
  for (int i = 0; i < n_apps; i++)
    {
      g_autoptr(AtspiAccessible) app = atspi_accessible_get_child_at_index (desktop, i, NULL);

      if (app != NULL && (pid_t) atspi_accessible_get_process_id (app, NULL) == search->pid)
        {
          search->app = g_steal_pointer (&app);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
all_found (gpointer data)
{
  Search *search = data;

  for (guint i = 0; i < search->n_wanted; i++)
    search->wanted[i].found = FALSE;
  g_string_truncate (search->buttons, 0);
  search->nodes = 0;

  /* A window's accessible tree changes while it fills (sign-in, first page). */
  atspi_accessible_clear_cache (search->app);
  walk (search, search->app, 0);
  search->walks++;

  for (guint i = 0; i < search->n_wanted; i++)
    if (!search->wanted[i].found)
      return FALSE;
  return TRUE;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* td_ui_wait_until() blocks in the main context until something happens; the app's tree
 * changes in another process, so wake up to look again every 200 ms. */
static gboolean
poll_until (TdUiCondition  condition,
            gpointer       data,
            guint          seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint tick = g_timeout_add (200, tick_cb, NULL);
  gboolean holds;

  while (!(holds = condition (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  return holds;
}

/* libatspi asks every new application for its accessibles' cache; GTK 4.8 has no such
 * object, and libatspi warns and then asks each accessible instead. That one warning is
 * noted and let pass; any other warning stays fatal. */
static gboolean
is_missing_cache_warning (const char *log_domain,
                          const char *message)
{
  return g_strcmp0 (log_domain, "dbind") == 0 && message != NULL &&
         strstr (message, "/org/a11y/atspi/cache") != NULL;
}

static void
dbind_log_cb (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  if (is_missing_cache_warning (log_domain, message))
    g_test_message ("libatspi: %s", message);
  else
    g_log_default_handler (log_domain, log_level, message, user_data);
}

static gboolean
fatal_log_cb (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  return !is_missing_cache_warning (log_domain, message);
}

static void
test_top_bar_buttons (void)
{
  g_autofree char *scratch = g_dir_make_tmp ("td-atspi-XXXXXX", NULL);
  g_autofree char *settings_path = g_build_filename (scratch, "config", "glib-2.0", "settings",
                                                     "keyfile", NULL);
  g_autofree char *bell = remember_session (EMAIL, settings_path);
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GError) error = NULL;
  Wanted wanted[] = {
    { "Side Menu" },
    { bell },
    { "Main Menu" },
  };
  Search search = { 0 };
  gboolean registered;
  gboolean found;
  gint64 started;

  /* GLib resets this for every test case. */
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);
  app = start_app (scratch);
  search.pid = (pid_t) g_ascii_strtoll (g_subprocess_get_identifier (app), NULL, 10);
  search.wanted = wanted;
  search.n_wanted = G_N_ELEMENTS (wanted);
  search.buttons = g_string_new (NULL);

  started = g_get_monotonic_time ();
  registered = poll_until (app_registered, &search, TD_UI_WAIT_TIMEOUT_SECONDS);
  found = registered && poll_until (all_found, &search, TD_UI_WAIT_TIMEOUT_SECONDS);
  g_test_message ("%u walks of the app's tree (%u accessibles in the last) in %.1f s",
                  search.walks, search.nodes, (g_get_monotonic_time () - started) / 1e6);

  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, &error);
  g_assert_no_error (error);

  if (!registered)
    g_error ("The app (pid %d) did not appear on the accessibility bus within %d s",
             (int) search.pid, TD_UI_WAIT_TIMEOUT_SECONDS);
  if (!found)
    {
      g_autoptr(GString) missing = g_string_new (NULL);

      for (guint i = 0; i < search.n_wanted; i++)
        if (!wanted[i].found)
          g_string_append_printf (missing, " “%s”", wanted[i].name);
      g_error ("No push or toggle button named%s is shown among %u accessibles of the app; "
               "its buttons:\n%s",
               missing->str, search.nodes, search.buttons->str);
    }

  /* GTK 4.8 reports its toggle buttons as push buttons (with a pressed state). */
  for (guint i = 0; i < search.n_wanted; i++)
    {
      g_autofree char *role_name = atspi_role_get_name (wanted[i].role);

      g_test_message ("%s: %s", wanted[i].name, role_name);
    }

  g_clear_object (&search.app);
  g_string_free (search.buttons, TRUE);
  td_test_remove_tree (scratch);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_log_set_handler ("dbind", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL, dbind_log_cb, NULL);

  /* The bus the app registers on: the one org.a11y.Bus of the test session hands out. */
  if (atspi_init () > 1)
    g_error ("Cannot reach the accessibility bus (is at-spi2-core installed?)");

  server = td_test_server_start ("demo");
  g_test_add_func ("/ui/atspi/top-bar-buttons", test_top_bar_buttons);
  status = g_test_run ();
  td_test_server_free (server);
  atspi_exit ();
  return status;
}
