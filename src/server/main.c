/* main.c: twindesk-server
 *
 *   twindesk-server --db PATH --listen HOST:PORT [--seed demo | --seed bulk:N]
 *                   [--smtp smtp://HOST:PORT] [--mail-from ADDRESS] [--spool DIR]
 *                   [--change-retention-days DAYS]
 *                   [--public-url URL]
 *
 * Prints exactly one line to standard output, "twindesk-server: listening on URL", once
 * the database is migrated (and seeded) and the socket is bound; scripts and the test
 * fixture wait for it. Everything else goes to standard error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "twindesk-server"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "td-api.h"
#include "td-changes.h"
#include "td-time.h"
#include "td-db-pool.h"
#include "td-http-server.h"
#include "td-mailer.h"
#include "td-migrations.h"
#include "td-seed-cases.h"
#include "td-seed-demo.h"
#include "td-server-error.h"
#include "td-store-orgs.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_CHANGE_RETENTION_DAYS 30
#define PRUNE_INTERVAL_SECONDS (60 * 60)

typedef struct
{
  char     *db;
  char     *listen;
  char     *seed;
  char     *smtp;
  char     *mail_from;
  char     *spool;
  char     *public_url;
  gint      change_retention_days;
  gboolean  version;
} TdServerOptions;

static void
options_clear (TdServerOptions *options)
{
  g_clear_pointer (&options->db, g_free);
  g_clear_pointer (&options->listen, g_free);
  g_clear_pointer (&options->seed, g_free);
  g_clear_pointer (&options->smtp, g_free);
  g_clear_pointer (&options->mail_from, g_free);
  g_clear_pointer (&options->spool, g_free);
  g_clear_pointer (&options->public_url, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TdServerOptions, options_clear)

/* "bulk:N": N tickets on top of the demo data. */
static gboolean
parse_bulk (const char *seed,
            guint64    *out_n)
{
  guint64 n;

  if (seed == NULL || !g_str_has_prefix (seed, "bulk:") ||
      !g_ascii_string_to_unsigned (seed + strlen ("bulk:"), 10, 1, 100000000, &n, NULL))
    return FALSE;
  if (out_n != NULL)
    *out_n = n;
  return TRUE;
}

/* A base URL for links: http(s), a host, no user info, query or fragment. */
static gboolean
is_public_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  return (g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         g_uri_get_userinfo (uri) == NULL && g_uri_get_query (uri) == NULL &&
         g_uri_get_fragment (uri) == NULL;
}

static gboolean
parse_options (int               *argc,
               char            ***argv,
               TdServerOptions   *options,
               GError           **error)
{
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options->db,
      "SQLite database file, created and migrated when needed", "PATH" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &options->listen,
      "Address to listen on (default " DEFAULT_LISTEN "; port 0 picks a free port)", "HOST:PORT" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &options->seed,
      "Add a data set: “demo” (if it is missing) or “bulk:N” (the demo plus N more tickets, "
      "for benchmarks)", "NAME" },
    { "smtp", 0, 0, G_OPTION_ARG_STRING, &options->smtp,
      "Send email through this SMTP relay (plain SMTP, no TLS or login: a local MTA); "
      "without it, messages are written to the spool directory", "smtp://HOST:PORT" },
    { "mail-from", 0, 0, G_OPTION_ARG_STRING, &options->mail_from,
      "Sender address of email (default " TD_MAILER_DEFAULT_FROM ")", "ADDRESS" },
    { "spool", 0, 0, G_OPTION_ARG_FILENAME, &options->spool,
      "Directory for email when there is no --smtp (default: the database path + “.mail”)",
      "DIR" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &options->public_url,
      "Base URL people reach the server at, for links in email and share-login QR codes "
      "(default: http:// and the address it listens on)", "URL" },
    { "change-retention-days", 0, 0, G_OPTION_ARG_INT, &options->change_retention_days,
      "Keep change-feed history this many days (default 30); older cursors must resync",
      "DAYS" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version,
      "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_set_summary (context, "The Twindesk platform server (REST API over HTTP).");
  g_option_context_set_description (context,
                                    "Run it behind a reverse proxy (nginx) for TLS, body and "
                                    "rate limits.\nLogs go to standard error; set "
                                    "G_MESSAGES_DEBUG=td-http for an access log.\n");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (options->version)
    return TRUE;

  if (*argc > 1)
    {
      g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                   "Unexpected argument “%s”", (*argv)[1]);
      return FALSE;
    }
  if (options->db == NULL || *options->db == '\0')
    {
      g_set_error_literal (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                           "--db PATH is required");
      return FALSE;
    }
  if (options->seed != NULL && g_strcmp0 (options->seed, "demo") != 0 &&
      !parse_bulk (options->seed, NULL))
    {
      g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                   "Unknown data set “%s” (“demo” or “bulk:N” with N from 1 to 100000000)",
                   options->seed);
      return FALSE;
    }
  if (options->listen == NULL)
    options->listen = g_strdup (DEFAULT_LISTEN);
  if (options->change_retention_days == 0)
    options->change_retention_days = DEFAULT_CHANGE_RETENTION_DAYS;
  if (options->change_retention_days < 1 || options->change_retention_days > 3650)
    {
      g_set_error_literal (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                           "--change-retention-days takes 1 to 3650");
      return FALSE;
    }
  if (options->public_url != NULL && !is_public_url (options->public_url))
    {
      g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an http:// or https:// URL without query or fragment",
                   options->public_url);
      return FALSE;
    }

  return TRUE;
}

/* The default spool directory: beside the database file ("sqlite:" prefix or not). */
static char *
default_spool_dir (const char *db)
{
  const char *path = g_str_has_prefix (db, "sqlite:") ? db + strlen ("sqlite:") : db;

  return g_strconcat (path, ".mail", NULL);
}

/* Migrates the schema and adds the seed, on one connection, before anything listens. */
static gboolean
prepare_database (TdDbPool    *pool,
                  const char  *seed,
                  GError     **error)
{
  TdDb *db = td_db_pool_acquire (pool, error);
  gboolean ok = FALSE;
  guint added = 0;

  if (db == NULL)
    return FALSE;

  if (!td_migrations_apply (db, error))
    goto out;

  if (seed != NULL)
    {
      guint64 bulk = 0;

      if (!td_seed_demo (db, &added, error))
        goto out;
      g_message ("Demo data: %u users added", added);

      if (parse_bulk (seed, &bulk))
        {
          g_autofree char *org_id = NULL;
          g_autoptr(GTimer) timer = g_timer_new ();

          if (!td_store_orgs_find_by_name (db, TD_SEED_DEMO_ORG_NAME, &org_id, error) ||
              !td_seed_bulk_cases (db, org_id, bulk, error))
            goto out;
          g_message ("Bulk data: %" G_GUINT64_FORMAT " tickets in %.1f s", bulk,
                     g_timer_elapsed (timer, NULL));
        }
    }

  ok = TRUE;

out:
  td_db_pool_release (pool, db);
  return ok;
}

/* Change-feed retention: pruning runs on a worker thread (it may delete many rows), at
 * start-up and every hour, never twice at once. */
typedef struct
{
  TdDbPool *pool;
  gint      days;
  gboolean  running;  /* main context only */
} TdPruner;

static void
prune_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TdPruner *pruner = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *cutoff = td_time_format (td_time_now_usec () -
                                            (gint64) pruner->days * 86400 * G_USEC_PER_SEC);
  TdDb *db = td_db_pool_acquire (pruner->pool, &error);
  gint64 min_since = 0;
  guint64 pruned = 0;

  if (db != NULL)
    {
      TdDbTransaction *transaction = td_db_transaction_begin (db, &error);

      if (transaction != NULL &&
          td_changes_prune (db, cutoff, &min_since, &pruned, &error) &&
          td_db_transaction_commit (transaction, &error) && pruned > 0)
        g_message ("Change feed: pruned %" G_GUINT64_FORMAT " rows older than %s; "
                   "cursors before %" G_GINT64_FORMAT " must resync", pruned, cutoff, min_since);
      g_clear_pointer (&transaction, td_db_transaction_free);
      td_db_pool_release (pruner->pool, db);
    }
  if (error != NULL)
    g_warning ("Pruning the change feed failed: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
prune_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TdPruner *pruner = user_data;

  pruner->running = FALSE;
}

static gboolean
prune_cb (gpointer user_data)
{
  TdPruner *pruner = user_data;
  g_autoptr(GTask) task = NULL;

  if (pruner->running)
    return G_SOURCE_CONTINUE;
  pruner->running = TRUE;
  task = g_task_new (NULL, NULL, prune_done_cb, pruner);
  g_task_set_task_data (task, pruner, NULL);
  g_task_run_in_thread (task, prune_thread);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_message ("Shutting down");
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_auto(TdServerOptions) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbPool) pool = NULL;
  g_autoptr(TdApi) api = NULL;
  g_autoptr(TdMailer) mailer = NULL;
  g_autoptr(TdHttpServer) http = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;
  g_autofree char *spool = NULL;
  guint sigterm_id, sigint_id, prune_id;
  TdPruner pruner = { 0 };

  setlocale (LC_ALL, "");
  /* Standard output carries only the "listening on" line. */
  g_log_writer_default_set_use_stderr (TRUE);
  /* A client that hangs up must not kill the server with SIGPIPE. */
  signal (SIGPIPE, SIG_IGN);

  if (!parse_options (&argc, &argv, &options, &error))
    {
      g_printerr ("twindesk-server: %s\nTry “twindesk-server --help”.\n", error->message);
      return 2;
    }

  if (options.version)
    {
      g_print ("twindesk-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  pool = td_db_pool_new (options.db);
  if (!prepare_database (pool, options.seed, &error))
    {
      g_printerr ("twindesk-server: database %s: %s\n", options.db, error->message);
      return 1;
    }

  spool = options.spool != NULL ? g_strdup (options.spool) : default_spool_dir (options.db);
  mailer = td_mailer_new (pool, options.smtp, spool, options.mail_from, &error);
  if (mailer == NULL)
    {
      g_printerr ("twindesk-server: %s\n", error->message);
      return 2;
    }

  api = td_api_new (pool);
  td_api_set_mailer (api, mailer);
  http = td_http_server_new (api, &error);
  if (http == NULL || !td_http_server_listen (http, options.listen, &error))
    {
      g_printerr ("twindesk-server: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);

  url = td_http_server_dup_url (http);
  /* Bound to every address, the server cannot name one: links then use the Host header
   * of the request that makes them. */
  if (options.public_url != NULL)
    td_api_set_public_url (api, options.public_url);
  else if (!g_str_has_prefix (url, "http://0.0.0.0:") && !g_str_has_prefix (url, "http://[::]:"))
    td_api_set_public_url (api, url);
  else
    g_message ("Listening on every address: set --public-url for links in email");
  g_message ("Database %s, schema version %u", options.db, td_migrations_get_latest ());
  if (options.smtp != NULL)
    g_message ("Mail goes to the relay %s", options.smtp);
  else
    g_message ("Mail goes to the spool directory %s", spool);
  printf ("twindesk-server: listening on %s\n", url);
  fflush (stdout);

  pruner.pool = pool;
  pruner.days = options.change_retention_days;
  prune_cb (&pruner);
  prune_id = g_timeout_add_seconds (PRUNE_INTERVAL_SECONDS, prune_cb, &pruner);

  g_main_loop_run (loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  g_source_remove (prune_id);
  while (pruner.running)
    g_main_context_iteration (NULL, TRUE);

  /* Order matters: no request may still run when the connections close. */
  g_clear_pointer (&http, td_http_server_free);
  g_clear_pointer (&api, td_api_free);
  g_clear_pointer (&mailer, td_mailer_free);
  g_clear_pointer (&pool, td_db_pool_free);
  g_message ("Stopped");

  return 0;
}
