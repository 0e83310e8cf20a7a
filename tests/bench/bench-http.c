/* bench-http.c: figures for the API over real HTTP (prints numbers, never fails on them)
 *
 *   meson test -C _build --benchmark --suite bench
 *   TD_BENCH_HTTP_TICKETS=0 …   (the demo data only; default: 100000 bulk tickets on top)
 *
 * Starts the real twindesk-server (tests/td-test-server.h) with --seed bulk:N (the demo plus
 * N bulk tickets), logs in as admin@acme.test and measures, end to end through SoupServer,
 * its worker pools and SQLite:
 *   - GET /api/v1/tickets/{id} of one ticket from 32 connections (32 threads, each with its
 *     own SoupSession limited to one connection) for 5 s: requests per second, p50 / p99
 *     latency;
 *   - GET /api/v1/tickets?limit=100, 200 times one after the other: p50 / p99 latency.
 * Client and server share the machine's cores, so the figures are a floor, not a ceiling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "td-test-server.h"

#define GET_CONNECTIONS 32
#define GET_SECONDS     5
#define LIST_ROUNDS     200
#define DEFAULT_TICKETS 100000

typedef struct
{
  const char *url;
  const char *authorization;
  GArray     *latencies_ms;   /* double */
  guint       failures;
} GetJob;

/* Every thread connects and warms up, then all start at once. */
static GMutex start_lock;
static GCond start_cond;
static guint ready_threads;
static gint64 deadline;       /* 0 until the start; guarded by start_lock */

static SoupSession *
session_new (guint max_conns)
{
  return soup_session_new_with_options ("timeout", 60, "user-agent", "twindesk-bench",
                                        "max-conns", max_conns,
                                        "max-conns-per-host", max_conns, NULL);
}

/* One GET; returns the status (0 on a transport error) and its duration. */
static guint
get (SoupSession *session,
     const char  *url,
     const char  *authorization,
     GBytes     **out_body,
     double      *out_ms)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  *out_ms = (g_get_monotonic_time () - started) / 1000.0;
  if (body == NULL)
    {
      g_printerr ("GET %s: %s\n", url, error->message);
      return 0;
    }
  if (out_body != NULL)
    *out_body = g_steal_pointer (&body);
  return soup_message_get_status (msg);
}

static gpointer
get_thread (gpointer data)
{
  GetJob *job = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  gint64 until;
  double ms;

  /* The sync API runs on the thread-default context: one per thread. */
  g_main_context_push_thread_default (context);
  session = session_new (1);

  if (get (session, job->url, job->authorization, NULL, &ms) != SOUP_STATUS_OK)
    job->failures++;

  g_mutex_lock (&start_lock);
  ready_threads++;
  g_cond_broadcast (&start_cond);
  while (deadline == 0)
    g_cond_wait (&start_cond, &start_lock);
  until = deadline;
  g_mutex_unlock (&start_lock);

  while (g_get_monotonic_time () < until)
    {
      if (get (session, job->url, job->authorization, NULL, &ms) == SOUP_STATUS_OK)
        g_array_append_val (job->latencies_ms, ms);
      else
        job->failures++;
    }

  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The @percent percentile of sorted @values (nearest rank). */
static double
percentile (GArray *values,
            guint   percent)
{
  guint rank;

  if (values->len == 0)
    return 0.0;
  rank = (values->len * percent + 99) / 100;
  return g_array_index (values, double, CLAMP (rank, 1, values->len) - 1);
}

static char *
login (SoupSession *session,
       const char  *base_url,
       const char  *email)
{
  g_autofree char *url = g_strconcat (base_url, "/api/v1/auth/login", NULL);
  g_autofree char *text = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                           TD_DEMO_PASSWORD);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (text, strlen (text));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), &error));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "token"));
}

/* The id of the first ticket of the admin's default list. */
static char *
pick_ticket (SoupSession *session,
             const char  *base_url,
             const char  *authorization)
{
  g_autofree char *url = g_strconcat (base_url, "/api/v1/tickets?limit=1", NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *items;
  double ms;

  g_assert_cmpuint (get (session, url, authorization, &body, &ms), ==, SOUP_STATUS_OK);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), &error));
  items = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (items, 0), "id"));
}

static void
bench_get (const char *base_url,
           const char *authorization,
           const char *ticket_id)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/tickets/%s", base_url, ticket_id);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  GetJob jobs[GET_CONNECTIONS];
  GThread *threads[GET_CONNECTIONS];
  guint failures = 0;
  gint64 started;

  for (guint i = 0; i < GET_CONNECTIONS; i++)
    {
      jobs[i] = (GetJob) { .url = url, .authorization = authorization,
                           .latencies_ms = g_array_new (FALSE, FALSE, sizeof (double)) };
      threads[i] = g_thread_new ("bench-get", get_thread, &jobs[i]);
    }

  g_mutex_lock (&start_lock);
  while (ready_threads < GET_CONNECTIONS)
    g_cond_wait (&start_cond, &start_lock);
  started = g_get_monotonic_time ();
  deadline = started + GET_SECONDS * G_USEC_PER_SEC;
  g_cond_broadcast (&start_cond);
  g_mutex_unlock (&start_lock);

  for (guint i = 0; i < GET_CONNECTIONS; i++)
    {
      g_thread_join (threads[i]);
      g_array_append_vals (all, jobs[i].latencies_ms->data, jobs[i].latencies_ms->len);
      failures += jobs[i].failures;
      g_array_unref (jobs[i].latencies_ms);
    }
  g_array_sort (all, compare_doubles);

  g_print ("GET /api/v1/tickets/{id}, %u connections, %.1f s: %u requests, %.0f requests/s, "
           "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %u failed\n",
           GET_CONNECTIONS, (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
           all->len, all->len / (double) GET_SECONDS, percentile (all, 50), percentile (all, 99),
           all->len > 0 ? g_array_index (all, double, all->len - 1) : 0.0, failures);
}

static void
bench_list (SoupSession *session,
            const char  *base_url,
            const char  *authorization)
{
  g_autofree char *url = g_strconcat (base_url, "/api/v1/tickets?limit=100", NULL);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  gsize body_size = 0;
  guint items = 0;

  for (guint i = 0; i < LIST_ROUNDS; i++)
    {
      g_autoptr(GBytes) body = NULL;
      double ms;

      g_assert_cmpuint (get (session, url, authorization, &body, &ms), ==, SOUP_STATUS_OK);
      g_array_append_val (samples, ms);

      if (i == 0)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          body_size = g_bytes_get_size (body);
          g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                                     (gssize) body_size, NULL));
          items = json_array_get_length (json_object_get_array_member (
                    json_node_get_object (json_parser_get_root (parser)), "items"));
        }
    }
  g_array_sort (samples, compare_doubles);

  g_print ("GET /api/v1/tickets?limit=100 (%u items, %" G_GSIZE_FORMAT " bytes), %u requests "
           "in a row: p50 %.2f ms, p99 %.2f ms\n", items, body_size, LIST_ROUNDS,
           percentile (samples, 50), percentile (samples, 99));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(TdTestServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *seed = NULL;
  g_autofree char *token = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *ticket_id = NULL;
  const char *env = g_getenv ("TD_BENCH_HTTP_TICKETS");
  guint64 tickets = env != NULL ? g_ascii_strtoull (env, NULL, 10) : DEFAULT_TICKETS;
  const char *url;

  g_test_init (&argc, &argv, NULL);

  seed = tickets > 0 ? g_strdup_printf ("bulk:%" G_GUINT64_FORMAT, tickets) : g_strdup ("demo");
  g_timer_start (timer);
  server = td_test_server_start (seed);
  url = td_test_server_get_url (server);
  g_print ("server: --seed %s, listening after %.1f s, %u cores\n", seed,
           g_timer_elapsed (timer, NULL), g_get_num_processors ());

  session = session_new (1);
  token = login (session, url, "admin@acme.test");
  authorization = g_strdup_printf ("Bearer %s", token);
  ticket_id = pick_ticket (session, url, authorization);

  bench_get (url, authorization, ticket_id);
  bench_list (session, url, authorization);

  return 0;
}
