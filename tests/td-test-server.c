/* td-test-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-test-server.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/wait.h>

struct _TdTestServer
{
  char          *dir;
  char          *db_path;
  char          *url;
  char          *listen;   /* after the first start: the same port again on restart */
  char          *seed;
  char          *stderr_path;  /* NULL: inherited */
  char         **extra_args;   /* NULL or NULL-terminated */
  GSubprocess   *process;
};

static const char *
server_binary (void)
{
  const char *path = g_getenv ("TD_SERVER_BINARY");

  if (path == NULL)
    g_error ("TD_SERVER_BINARY is not set; run the tests through meson");
  return path;
}

/* A failed assertion aborts the test without running td_test_server_free(); the kernel then
 * ends the server too, so it neither outlives the run nor holds meson's output pipe open. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The server prints "listening on http://HOST:PORT" on its first line of standard output
 * once the socket is bound and the database is ready. */
static void
spawn (TdTestServer *self)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *marker = "listening on ";
  const char *found;

  g_ptr_array_add (argv, (char *) server_binary ());
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, self->db_path);
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, self->listen);
  if (self->seed != NULL)
    {
      g_ptr_array_add (argv, (char *) "--seed");
      g_ptr_array_add (argv, self->seed);
    }
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, self->extra_args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "TD_DATA_DIR", self->dir, TRUE);
  if (self->stderr_path != NULL)
    g_subprocess_launcher_set_stderr_file_path (launcher, self->stderr_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      found = strstr (line, marker);
      if (found != NULL)
        break;
      g_clear_pointer (&line, g_free);
    }
  g_assert_no_error (error);
  if (line == NULL)
    g_error ("twindesk-server exited before it listened");

  g_free (self->url);
  self->url = g_strdup (found + strlen (marker));
  g_free (self->listen);
  self->listen = g_strdup (self->url + strlen ("http://"));
}

TdTestServer *
td_test_server_start (const char *seed)
{
  return td_test_server_start_with_log (seed, NULL);
}

static TdTestServer *
start (const char         *seed,
       const char         *stderr_path,
       const char * const *extra_args)
{
  TdTestServer *self = g_new0 (TdTestServer, 1);
  g_autoptr(GError) error = NULL;

  self->dir = g_dir_make_tmp ("twindesk-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "twindesk.db", NULL);
  self->listen = g_strdup ("127.0.0.1:0");
  self->seed = g_strdup (seed);
  self->stderr_path = g_strdup (stderr_path);
  self->extra_args = g_strdupv ((char **) extra_args);

  spawn (self);

  /* Seeding happens once; a restart reopens the same database. */
  g_clear_pointer (&self->seed, g_free);
  return self;
}

TdTestServer *
td_test_server_start_with_log (const char *seed,
                               const char *stderr_path)
{
  return start (seed, stderr_path, NULL);
}

TdTestServer *
td_test_server_start_with_args (const char         *seed,
                                const char * const *extra_args)
{
  return start (seed, NULL, extra_args);
}

const char *
td_test_server_get_url (TdTestServer *self)
{
  return self->url;
}

const char *
td_test_server_get_dir (TdTestServer *self)
{
  return self->dir;
}

GPid
td_test_server_get_pid (TdTestServer *self)
{
  const char *id = self->process ? g_subprocess_get_identifier (self->process) : NULL;

  return id ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

static volatile sig_atomic_t abort_kill_pid;

static void
kill_server_on_abort (int signum)
{
  if (abort_kill_pid > 0)
    kill (abort_kill_pid, SIGKILL);
  signal (signum, SIG_DFL);
  raise (signum);
}

void
td_test_server_kill_on_abort (TdTestServer *self)
{
  abort_kill_pid = td_test_server_get_pid (self);
  signal (SIGABRT, kill_server_on_abort);
  signal (SIGTRAP, kill_server_on_abort);
}

void
td_test_server_stop (TdTestServer *self)
{
  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
}

void
td_test_server_restart (TdTestServer *self)
{
  td_test_server_stop (self);
  spawn (self);
}

void
td_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          td_test_remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

void
td_test_server_free (TdTestServer *self)
{
  if (self == NULL)
    return;

  td_test_server_stop (self);
  td_test_remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->url);
  g_free (self->listen);
  g_free (self->seed);
  g_free (self->stderr_path);
  g_strfreev (self->extra_args);
  g_free (self);
}
