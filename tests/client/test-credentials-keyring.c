/* test-credentials-keyring.c: the session token in a real gnome-keyring
 *
 * A private session bus (GTestDBus) and a gnome-keyring-daemon with a throw-away HOME, so
 * the test never touches the developer's keyring and passes the same when run directly,
 * under dbus-run-session or under build-aux/run-tests. libsecret keeps its service
 * connection for the life of the process, which is why the no-service case is a separate
 * executable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <signal.h>
#include <string.h>

#include "td-client-test.h"
#include "td-credentials.h"
#include "td-test-server.h"

#define SERVER           "http://127.0.0.1:8480"
#define KEYRING_PASSWORD "td-test-keyring"

/* The schema as the keyring sees it: its name and attributes are a contract with every
 * existing keyring entry, so the test spells them out instead of borrowing the library's. */
static const SecretSchema expected_schema = {
  "io.github.twindesk.Twindesk.Session",
  SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static GTestDBus *bus;
static GSubprocess *keyring_daemon;
static char *home;

static void
daemon_exited_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  /* FALSE once keyring_up() cancels the wait: then the daemon is up and running. */
  if (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL))
    g_error ("gnome-keyring-daemon exited before it owned org.freedesktop.secrets");
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static char *
make_dir (const char *name)
{
  char *path = g_build_filename (home, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  return path;
}

static void
keyring_up (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GCancellable) wait_cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *config_home = NULL;
  g_autofree char *cache_home = NULL;
  g_autofree char *runtime_dir = NULL;
  g_autofree char *daemon_path = g_find_program_in_path ("gnome-keyring-daemon");
  GOutputStream *stdin_pipe;
  gboolean appeared = FALSE;
  guint watch_id;

  if (daemon_path == NULL)
    g_error ("gnome-keyring-daemon is not installed; build-aux/install-deps installs it");

  /* Force the Secret Service backend even if the caller's environment picked the file one. */
  g_unsetenv ("SECRET_BACKEND");

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  home = g_dir_make_tmp ("twindesk-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  data_home = make_dir ("data");
  config_home = make_dir ("config");
  cache_home = make_dir ("cache");
  runtime_dir = make_dir ("run");
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);

  /* --unlock reads the login password from stdin up to EOF, newlines included, and creates
   * the login keyring with it (unlocked, the default collection) when there is none. Its
   * standard output lists environment variables, which must not end up in the TAP stream. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  keyring_daemon = g_subprocess_launcher_spawn (launcher, &error, daemon_path,
                                                "--foreground", "--unlock",
                                                "--components=secrets", NULL);
  g_assert_no_error (error);

  stdin_pipe = g_subprocess_get_stdin_pipe (keyring_daemon);
  g_output_stream_write_all (stdin_pipe, KEYRING_PASSWORD, strlen (KEYRING_PASSWORD), NULL,
                             NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stdin_pipe, NULL, &error);
  g_assert_no_error (error);

  g_subprocess_wait_async (keyring_daemon, wait_cancellable, daemon_exited_cb, NULL);
  watch_id = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.freedesktop.secrets",
                               G_BUS_NAME_WATCHER_FLAGS_NONE, name_appeared_cb, NULL,
                               &appeared, NULL);
  td_test_wait_until (&appeared, 20);
  g_bus_unwatch_name (watch_id);
  g_cancellable_cancel (wait_cancellable);
}

static void
keyring_down (void)
{
  g_autoptr(GDBusConnection) connection = NULL;

  secret_service_disconnect ();

  g_subprocess_send_signal (keyring_daemon, SIGTERM);
  g_subprocess_wait (keyring_daemon, NULL, NULL);
  g_clear_object (&keyring_daemon);

  /* libsecret 0.20.5 keeps a reference to the session bus connection even after
   * secret_service_disconnect() once it has made more than one call (checked with a
   * store followed by a lookup), so g_test_dbus_down() would wait 30 s for the connection
   * to go away and then fail on a warning. Stopping the private bus is all the clean-up a
   * process needs that exits next; the GTestDBus object is left alone because finalizing
   * it would do the same wait. */
  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (connection != NULL)
    g_dbus_connection_set_exit_on_close (connection, FALSE);
  g_test_dbus_stop (bus);

  td_test_remove_tree (home);
  g_clear_pointer (&home, g_free);
}

/* What another program on the same bus finds, through secret-tool (libsecret-tools). */
static char *
secret_tool_lookup (const char *server,
                    const char *user)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "secret-tool", "lookup",
                              "xdg:schema", "io.github.twindesk.Twindesk.Session",
                              "server", server, "user", user, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  if (!g_subprocess_get_successful (process))
    return NULL;
  return g_strdup (g_strchomp (out));
}

static GList *
search_items (const char *server,
              const char *user)
{
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_sync (&expected_schema, SECRET_SEARCH_ALL, NULL, &error,
                                       "server", server, "user", user, NULL);
  g_assert_no_error (error);
  return items;
}

static char *
new_token (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strconcat ("tdtest-", uuid, NULL);
}

static void
test_round_trip (void)
{
  g_autoptr(TdCredentials) credentials = td_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *token = new_token ();
  g_autofree char *found = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *after_clear = NULL;
  g_autofree char *outside_after_clear = NULL;

  g_assert_true (td_test_credentials_store (credentials, SERVER, "admin@acme.test", token,
                                            &error));
  g_assert_no_error (error);

  /* The address is found however it is typed. */
  found = td_test_credentials_lookup (credentials, SERVER "/", " Admin@ACME.test ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, token);

  outside = secret_tool_lookup (SERVER, "admin@acme.test");
  g_assert_cmpstr (outside, ==, token);

  g_assert_true (td_test_credentials_clear (credentials, SERVER, "admin@acme.test", &error));
  g_assert_no_error (error);

  after_clear = td_test_credentials_lookup (credentials, SERVER, "admin@acme.test", &error);
  g_assert_no_error (error);
  g_assert_null (after_clear);
  outside_after_clear = secret_tool_lookup (SERVER, "admin@acme.test");
  g_assert_null (outside_after_clear);

  /* Clearing what is not there is not an error. */
  g_assert_true (td_test_credentials_clear (credentials, SERVER, "admin@acme.test", &error));
  g_assert_no_error (error);

  g_assert_finalize_object (g_steal_pointer (&credentials));
}

static void
test_other_entries (void)
{
  g_autoptr(TdCredentials) credentials = td_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *token = new_token ();
  g_autofree char *other_user = NULL;
  g_autofree char *other_server = NULL;

  g_assert_true (td_test_credentials_store (credentials, SERVER, "member@acme.test", token,
                                            &error));
  g_assert_no_error (error);

  other_user = td_test_credentials_lookup (credentials, SERVER, "admin@acme.test", &error);
  g_assert_no_error (error);
  g_assert_null (other_user);

  other_server = td_test_credentials_lookup (credentials, "https://elsewhere.test",
                                             "member@acme.test", &error);
  g_assert_no_error (error);
  g_assert_null (other_server);

  g_assert_true (td_test_credentials_clear (credentials, SERVER, "member@acme.test", &error));
  g_assert_no_error (error);
}

static void
test_overwrite (void)
{
  g_autoptr(TdCredentials) credentials = td_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first = new_token ();
  g_autofree char *second = new_token ();
  g_autofree char *found = NULL;
  g_autofree char *label = NULL;
  GList *items;

  g_assert_true (td_test_credentials_store (credentials, SERVER, "creator@acme.test", first,
                                            &error));
  g_assert_no_error (error);
  g_assert_true (td_test_credentials_store (credentials, SERVER, "creator@acme.test", second,
                                            &error));
  g_assert_no_error (error);

  found = td_test_credentials_lookup (credentials, SERVER, "creator@acme.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, second);

  /* One entry per account, replaced rather than piled up, with a label people recognise. */
  items = search_items (SERVER, "creator@acme.test");
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_retrievable_get_label (items->data);
  g_assert_cmpstr (label, ==, "Twindesk session for creator@acme.test on " SERVER);
  g_list_free_full (items, g_object_unref);

  g_assert_true (td_test_credentials_clear (credentials, SERVER, "creator@acme.test", &error));
  g_assert_no_error (error);
}

static gboolean
bytes_contain (const char *data,
               gsize       length,
               const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (data + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
tree_contains (const char *path,
               const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (tree_contains (child, needle))
            return TRUE;
          continue;
        }
      if (g_file_test (child, G_FILE_TEST_IS_REGULAR) &&
          g_file_get_contents (child, &contents, &length, NULL) &&
          bytes_contain (contents, length, needle))
        return TRUE;
    }

  return FALSE;
}

/* The keyring file is encrypted; nothing else under HOME may hold the token either. */
static void
test_no_plaintext (void)
{
  g_autoptr(TdCredentials) credentials = td_credentials_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *token = new_token ();
  g_autofree char *keyring_file = g_build_filename (home, "data", "keyrings", "login.keyring",
                                                    NULL);

  g_assert_true (td_test_credentials_store (credentials, SERVER, "moderator@acme.test", token,
                                            &error));
  g_assert_no_error (error);

  g_assert_true (g_file_test (keyring_file, G_FILE_TEST_IS_REGULAR));
  g_assert_false (tree_contains (home, token));

  g_assert_true (td_test_credentials_clear (credentials, SERVER, "moderator@acme.test", &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  keyring_up ();

  g_test_add_func ("/client/credentials/keyring/round-trip", test_round_trip);
  g_test_add_func ("/client/credentials/keyring/other-entries", test_other_entries);
  g_test_add_func ("/client/credentials/keyring/overwrite", test_overwrite);
  g_test_add_func ("/client/credentials/keyring/no-plaintext", test_no_plaintext);

  ret = g_test_run ();

  keyring_down ();
  return ret;
}
