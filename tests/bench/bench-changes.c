/* bench-changes.c: change-feed throughput (prints numbers, never fails on them)
 *
 *   TD_BENCH_FEED_TICKETS=100000 meson test -C _build --benchmark bench-changes
 *
 * The demo data plus TD_BENCH_FEED_TICKETS bulk tickets (default 100,000); then an initial
 * sync (since=0) in pages of 1,000 and of 5,000 changes, in process through
 * td_api_dispatch() — handler, SQLite and JSON, no HTTP — for an administrator (sees
 * everything) and a customer-login member (sees a small part): changes per second and the
 * slowest page.
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

static TdApi *api;

static void
initial_sync (const char *who,
              guint       limit)
{
  g_autofree char *token = td_test_api_login (api, who);
  gint64 since = 0, started = g_get_monotonic_time (), slowest = 0, serving = 0;
  guint64 changes = 0, bytes = 0;
  guint pages = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                               "&limit=%u", since, limit);
      gint64 page_started = g_get_monotonic_time ();
      g_autoptr(TdApiResponse) response = td_test_api_request (api, "GET", path, token, NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *page;

      gint64 page_usec = g_get_monotonic_time () - page_started;

      g_assert_cmpuint (response->status, ==, 200);
      slowest = MAX (slowest, page_usec);
      serving += page_usec;
      bytes += g_bytes_get_size (response->body);
      node = td_api_response_parse_body (response);
      page = json_node_get_object (node);
      changes += json_array_get_length (json_object_get_array_member (page, "changes"));
      since = json_object_get_int_member (page, "next_since");
      more = json_object_get_boolean_member (page, "has_more");
      pages++;
    }

  {
    double seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

    double server_seconds = serving / (double) G_USEC_PER_SEC;

    /* "server": the handler alone; "with parsing": plus this client's json-glib parse. */
    g_print ("initial sync %-20s limit %4u: %6" G_GUINT64_FORMAT " changes, %3u pages, "
             "%.1f MB; server %.2f s (%.0f changes/s), with parsing %.2f s (%.0f changes/s); "
             "slowest page %.1f ms\n",
             who, limit, changes, pages, bytes / 1e6, server_seconds, changes / server_seconds,
             seconds, changes / seconds, slowest / 1000.0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *env = g_getenv ("TD_BENCH_FEED_TICKETS");
  guint64 tickets = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 100000;
  g_autofree char *dir = td_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "bench-changes.db", NULL);
  g_autofree char *org_id = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  TdDbPool *pool = td_db_pool_new (path);
  TdDb *db = td_db_pool_acquire (pool, &error);

  g_assert_no_error (error);
  g_assert_true (td_migrations_apply (db, &error));
  g_assert_true (td_seed_demo (db, NULL, &error));
  g_assert_true (td_store_orgs_find_by_name (db, TD_SEED_DEMO_ORG_NAME, &org_id, &error));
  if (tickets > 0)
    g_assert_true (td_seed_bulk_cases (db, org_id, tickets, &error));
  g_assert_no_error (error);
  td_db_pool_release (pool, db);
  g_print ("demo + %" G_GUINT64_FORMAT " bulk tickets seeded in %.1f s\n", tickets,
           g_timer_elapsed (timer, NULL));

  api = td_api_new (pool);
  initial_sync ("admin@acme.test", 1000);
  initial_sync ("admin@acme.test", 5000);
  initial_sync ("member@globex.test", 1000);

  td_api_free (api);
  td_db_pool_free (pool);
  td_test_remove_dir (dir);
  return 0;
}
