/* bench-cases.c: figures for the cases area at scale (prints numbers, never fails on them)
 *
 *   TD_BENCH_TICKETS=1000000 meson test -C _build --benchmark --suite bench
 *
 * Builds a database with the demo data plus TD_BENCH_TICKETS bulk tickets (default one
 * million), then measures, in process through td_api_dispatch() (no HTTP, so these are the
 * handler and SQLite costs): the bulk seed time, a 100-ticket list page (p50 / p99) for an
 * administrator and for a customer user, and GET of one ticket from 32 threads (requests
 * per second).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api.h"
#include "td-db-pool.h"
#include "td-migrations.h"
#include "td-seed-cases.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"
#include "td-store-orgs.h"

#define LIST_ROUNDS     200
#define GET_THREADS     32
#define GET_SECONDS     3.0

static TdApi *api;

static TdApiResponse *
dispatch (const char *method,
          const char *path,
          const char *token,
          const char *body,
          const char *query_name,
          const char *query_value)
{
  g_autoptr(TdApiRequest) request = td_api_request_new (method, path);

  if (token != NULL)
    request->authorization = g_strdup_printf ("Bearer %s", token);
  if (body != NULL)
    td_api_request_set_body (request, body, strlen (body));
  if (query_name != NULL)
    g_hash_table_insert (request->query, g_strdup (query_name), g_strdup (query_value));
  return td_api_dispatch (api, request);
}

static char *
login (const char *email)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                           TD_SEED_DEMO_PASSWORD);
  g_autoptr(TdApiResponse) response = dispatch ("POST", "/api/v1/auth/login", NULL, body, NULL, NULL);
  g_autoptr(JsonNode) node = td_api_response_parse_body (response);

  g_assert_cmpuint (response->status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
bench_list (const char *who,
            const char *token)
{
  double samples[LIST_ROUNDS];

  for (guint i = 0; i < LIST_ROUNDS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(TdApiResponse) response = dispatch ("GET", "/api/v1/tickets", token, NULL,
                                                    "limit", "100");

      g_assert_cmpuint (response->status, ==, 200);
      samples[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (samples, LIST_ROUNDS, sizeof samples[0], compare_doubles);
  g_print ("list 100 tickets (%s): p50 %.2f ms, p99 %.2f ms\n", who,
           samples[LIST_ROUNDS / 2], samples[LIST_ROUNDS * 99 / 100]);
}

typedef struct
{
  const char *token;
  const char *path;
  gint64      deadline;
  guint       count;
} GetJob;

static gpointer
get_thread (gpointer data)
{
  GetJob *job = data;

  while (g_get_monotonic_time () < job->deadline)
    {
      g_autoptr(TdApiResponse) response = dispatch ("GET", job->path, job->token, NULL, NULL, NULL);

      g_assert_cmpuint (response->status, ==, 200);
      job->count++;
    }
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *dir = td_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *org_id = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *ticket_path = NULL;
  const char *env = g_getenv ("TD_BENCH_TICKETS");
  guint64 n = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 1000000;
  GetJob jobs[GET_THREADS];
  GThread *threads[GET_THREADS];
  TdDbPool *pool;
  TdDb *db;
  guint total = 0;

  g_test_init (&argc, &argv, NULL);
  if (n == 0)
    n = 1000000;

  pool = td_db_pool_new (path);
  db = td_db_pool_acquire (pool, &error);
  g_assert_no_error (error);
  g_assert_true (td_migrations_apply (db, &error));
  g_assert_true (td_seed_demo (db, NULL, &error));
  g_assert_true (td_store_orgs_find_by_name (db, TD_SEED_DEMO_ORG_NAME, &org_id, &error));
  g_timer_start (timer);
  g_assert_true (td_seed_bulk_cases (db, org_id, n, &error));
  g_assert_no_error (error);
  g_print ("bulk seed: %" G_GUINT64_FORMAT " tickets (+ %" G_GUINT64_FORMAT " devices, %"
           G_GUINT64_FORMAT " customers, %" G_GUINT64_FORMAT " messages) in %.1f s\n",
           n, n / 10, n / 100, 2 * n, g_timer_elapsed (timer, NULL));
  td_db_pool_release (pool, db);

  api = td_api_new (pool);
  admin = login ("admin@acme.test");
  customer = login ("member@globex.test");
  bench_list ("admin@acme.test", admin);
  bench_list ("member@globex.test", customer);

  {
    g_autoptr(TdApiResponse) response = dispatch ("GET", "/api/v1/tickets", admin, NULL, "limit", "1");
    g_autoptr(JsonNode) node = td_api_response_parse_body (response);
    JsonArray *items = json_object_get_array_member (json_node_get_object (node), "items");

    ticket_path = g_strdup_printf ("/api/v1/tickets/%s",
                                   json_object_get_string_member (json_array_get_object_element (items, 0),
                                                                  "id"));
  }
  for (guint i = 0; i < GET_THREADS; i++)
    {
      jobs[i].token = admin;
      jobs[i].path = ticket_path;
      jobs[i].deadline = g_get_monotonic_time () + (gint64) (GET_SECONDS * G_USEC_PER_SEC);
      jobs[i].count = 0;
      threads[i] = g_thread_new ("get", get_thread, &jobs[i]);
    }
  for (guint i = 0; i < GET_THREADS; i++)
    {
      g_thread_join (threads[i]);
      total += jobs[i].count;
    }
  g_print ("GET one ticket, %u threads: %.0f requests/s\n", GET_THREADS, total / GET_SECONDS);

  td_api_free (api);
  td_db_pool_free (pool);
  td_test_remove_dir (dir);
  return 0;
}
