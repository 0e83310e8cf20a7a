/* bench-cache.c: figures for the client's offline cache (prints numbers, never fails on them)
 *
 *   TD_BENCH_TICKETS=1000000 meson test -C _build --benchmark --suite bench bench-cache
 *
 * 1. Initial sync: 100 pages of 1000 ticket changes, as JSON text the way the change feed
 *    sends them, parsed and applied page by page to an empty cache (time, and peak RSS).
 * 2. Fills another cache with TD_BENCH_TICKETS tickets (default one million) through the
 *    same td_cache_apply_changes() (insert rate), then measures the lazy list model: first
 *    page (count + first window); random jumps (p50 / p90 / p99 over 100) in every sort,
 *    with a status filter and in a search, both right after the list is made ("cold")
 *    and once its anchors are known ("warm"); full-text searches (count and first page
 *    included), also with a filter and key by key as typed.
 *
 * TD_BENCH_CACHE_KEEP=1 keeps the big cache file (its path is printed);
 * TD_BENCH_CACHE_DB=<that path> measures only the lists and searches on it.
 *
 * Targets on the 2-core reference machine: first page ≤ 50 ms, jump ≤ 20 ms, search
 * ≤ 100 ms (1M tickets), initial sync of 100,000 ≤ 5 s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "td-cache.h"
#include "td-cache-item.h"
#include "td-list-model.h"

#define PAGE        1000
#define SYNC_PAGES  100
#define JUMPS       100
#define SEARCH_RUNS 11

static const char * const words[] = {
  "pump", "pressure", "leak", "valve", "heat", "fan", "noise", "sensor", "filter", "water",
  "boiler", "error", "code", "display", "motor", "belt", "bearing", "oil", "cooling", "alarm",
  "reset", "firmware", "update", "cable", "power", "fuse", "relay", "panel", "door", "lock",
  "compressor", "refrigerant", "thermostat", "drain", "nozzle", "burner", "ignition", "flame",
  "chimney", "exhaust", "vibration", "calibration", "software", "network", "wifi", "battery",
  "charger", "inverter", "solar", "meter",
};
static const char * const statuses[] = { "draft", "open", "assigned", "in_progress", "done", "closed" };
static const char * const priorities[] = { "low", "normal", "high" };

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
append_ticket_json (GString *out,
                    GRand   *rand,
                    guint    n,
                    gint64   seq)
{
  const char *w1 = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];
  const char *w2 = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];
  const char *w3 = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];
  guint second = n % 86400;

  g_string_append_printf (out,
                          "{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"ticket\",\"id\":\"%08x-0000-4000-8000-%012x\","
                          "\"op\":\"upsert\",\"object\":{\"id\":\"%08x-0000-4000-8000-%012x\","
                          "\"version\":1,\"number\":%u,\"title\":\"%s %s on unit %u\","
                          "\"description\":\"The %s shows %s after the %s check, serial HP-%04u-%04u.\","
                          "\"status\":\"%s\",\"priority\":\"%s\","
                          "\"device_id\":\"d%05u\",\"customer_id\":\"c%03u\",\"labels\":[\"l%u\"],"
                          "\"visibility\":\"internal\",\"responsible_ids\":[],\"receiver_ids\":[],"
                          "\"created_at\":\"2025-%02u-%02uT%02u:%02u:%02uZ\","
                          "\"updated_at\":\"2026-%02u-%02uT%02u:%02u:%02uZ\"}}",
                          seq, n, n, n, n, n + 1, w1, w2, n % 9973, w1, w2, w3,
                          n % 1000, n % 10000,
                          statuses[n % G_N_ELEMENTS (statuses)],
                          priorities[g_rand_int_range (rand, 0, 3)],
                          n % 20000, n % 500, n % 40,
                          1 + n % 12, 1 + n % 28, second / 3600, second / 60 % 60, second % 60,
                          1 + (n / 86400) % 12, 1 + (n / 86400 / 12) % 28,
                          second / 3600, second / 60 % 60, second % 60);
}

static char *
page_text (GRand *rand,
           guint  first,
           guint  count)
{
  GString *out = g_string_sized_new (count * 700);

  g_string_append (out, "{\"changes\":[");
  for (guint i = 0; i < count; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_ticket_json (out, rand, first + i, first + i + 1);
    }
  g_string_append_printf (out, "],\"next_since\":%u,\"has_more\":true}", first + count);
  return g_string_free (out, FALSE);
}

static void
apply_text (TdCache    *cache,
            const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (td_cache_apply_changes (cache, json_object_get_array_member (root, "changes"),
                                         json_object_get_int_member (root, "next_since"),
                                         &error));
  g_assert_no_error (error);
}

static long
peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

static void
bench_initial_sync (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "sync.db", NULL);
  g_autoptr(TdCache) cache = NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GError) error = NULL;
  gint64 start;
  double parse_ms = 0;
  double apply_ms;
  double end_ms;
  gint64 end;
  double total;

  cache = td_cache_open_path (path, "https://bench.example.test", "bench-user", &error);
  g_assert_no_error (error);
  for (guint p = 0; p < SYNC_PAGES; p++)
    g_ptr_array_add (pages, page_text (rand, p * PAGE, PAGE));
  g_print ("initial sync: %u changes, %.1f MiB of JSON, peak RSS before %ld MiB\n",
           SYNC_PAGES * PAGE, (double) strlen (pages->pdata[0]) * SYNC_PAGES / 1048576,
           peak_rss_mib ());

  start = g_get_monotonic_time ();
  g_assert_true (td_cache_begin_bulk (cache, &error));
  /* As the sync engine does it: each page checked and indexed as text (on its worker
   * thread there), then applied. */
  for (guint p = 0; p < SYNC_PAGES; p++)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (pages->pdata[p], strlen (pages->pdata[p]));
      g_autoptr(TdCachePage) page = NULL;
      gint64 t = g_get_monotonic_time ();

      page = td_cache_page_new (body, &error);
      g_assert_no_error (error);
      parse_ms += ms_since (t);
      g_assert_true (td_cache_apply_page (cache, page, &error));
    }
  apply_ms = ms_since (start) - parse_ms;
  end = g_get_monotonic_time ();
  g_assert_true (td_cache_end_bulk (cache, &error));
  end_ms = ms_since (end);
  total = ms_since (start);
  g_print ("initial sync: %.2f s (parse %.2f s, apply %.2f s, indexes + search %.2f s), "
           "%.0f changes/s, peak RSS %ld MiB\n", total / 1000, parse_ms / 1000,
           apply_ms / 1000, end_ms / 1000, SYNC_PAGES * PAGE / (total / 1000), peak_rss_mib ());
  g_assert_true (td_cache_wipe (cache, NULL));
}

static void
bench_first_page (TdCache    *cache,
                  const char *label,
                  const char *status)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(TdListModel) model = td_list_model_new (cache, "ticket");
  guint n;

  if (status != NULL)
    td_list_model_set_filter (model, "status", status);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  for (guint i = 0; i < MIN (n, 50); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
  g_print ("first page %-28s %8.2f ms (%u rows)\n", label, ms_since (start), n);
}

static void
print_samples (const char *what,
               const char *label,
               double     *samples,
               guint       n,
               const char *extra)
{
  qsort (samples, n, sizeof (double), compare_doubles);
  g_print ("%s %-27s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms%s\n", what, label,
           samples[n / 2], samples[n * 9 / 10], samples[n * 99 / 100], samples[n - 1], extra);
}

static void
jump (TdListModel *model,
      GRand       *rand,
      guint        n,
      double       samples[JUMPS])
{
  for (guint i = 0; i < JUMPS; i++)
    {
      guint position = g_rand_int_range (rand, 0, n);
      gint64 start = g_get_monotonic_time ();
      g_autoptr(TdCacheItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

      samples[i] = ms_since (start);
      g_assert_nonnull (item);
    }
}

/* Random jumps twice: right after the list is made ("cold": the first jump starts reading
 * its anchors, and jumps find windows by OFFSET until they are there; what a user sees who
 * drags the scroll bar at once), and once all anchors are known ("warm"). */
static void
bench_jumps (TdCache    *cache,
             const char *label,
             const char *sort,
             gboolean    descending,
             const char *status,
             const char *search)
{
  g_autoptr(TdListModel) model = td_list_model_new (cache, "ticket");
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree char *ready = NULL;
  double samples[JUMPS];
  gint64 made;
  guint64 skipped;
  double anchors_ms;
  gboolean complete;
  guint n;

  if (sort != NULL)
    td_list_model_set_sort (model, sort, descending);
  if (status != NULL)
    td_list_model_set_filter (model, "status", status);
  if (search != NULL)
    td_list_model_set_search (model, search);
  made = g_get_monotonic_time ();
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  jump (model, rand, n, samples);
  print_samples ("jump, cold ", label, samples, JUMPS, "");

  complete = td_list_model_wait_for_anchors (model);
  anchors_ms = ms_since (made);
  skipped = td_list_model_get_rows_skipped (model);
  jump (model, rand, n, samples);
  ready = g_strdup_printf ("  (%u rows; anchors %s after %.0f ms, then %" G_GUINT64_FORMAT
                           " rows skipped)", n, complete ? "complete" : "INCOMPLETE",
                           anchors_ms, td_list_model_get_rows_skipped (model) - skipped);
  print_samples ("jump, warm ", label, samples, JUMPS, ready);
}

/* A search on a list made for it, SEARCH_RUNS times: what the user waits for after typing
 * (the search, the count and the first page), and in brackets with making the list. */
static void
bench_search (TdCache    *cache,
              const char *text,
              const char *status)
{
  g_autofree char *label = g_strdup_printf ("%s%s%s", text, status != NULL ? ", status = " : "",
                                            status != NULL ? status : "");
  g_autofree char *extra = NULL;
  double samples[SEARCH_RUNS];
  double whole[SEARCH_RUNS];
  guint n = 0;

  for (guint r = 0; r < SEARCH_RUNS; r++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(TdListModel) model = td_list_model_new (cache, "ticket");
      gint64 made;

      if (status != NULL)
        td_list_model_set_filter (model, "status", status);
      made = g_get_monotonic_time ();
      td_list_model_set_search (model, text);
      n = g_list_model_get_n_items (G_LIST_MODEL (model));
      for (guint i = 0; i < MIN (n, 50); i++)
        g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
      samples[r] = ms_since (made);
      whole[r] = ms_since (start);
    }
  qsort (whole, SEARCH_RUNS, sizeof (double), compare_doubles);
  extra = g_strdup_printf ("  (%u rows; with making the list p50 %.2f ms)", n,
                           whole[SEARCH_RUNS / 2]);
  print_samples ("search     ", label, samples, SEARCH_RUNS, extra);
}

/* Every prefix of @text as the search field sees it while it is typed, on one list. */
static void
bench_typing (TdCache    *cache,
              const char *text)
{
  g_autoptr(TdListModel) model = td_list_model_new (cache, "ticket");
  double samples[64];
  guint n_samples = 0;
  double total = 0;

  for (gsize length = 1; length <= strlen (text) && n_samples < G_N_ELEMENTS (samples); length++)
    {
      g_autofree char *prefix = g_strndup (text, length);
      gint64 start = g_get_monotonic_time ();
      guint n;

      td_list_model_set_search (model, prefix);
      n = g_list_model_get_n_items (G_LIST_MODEL (model));
      for (guint i = 0; i < MIN (n, 50); i++)
        g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
      samples[n_samples] = ms_since (start);
      total += samples[n_samples++];
    }
  {
    g_autofree char *label = g_strdup_printf ("\"%s\"", text);
    g_autofree char *extra = g_strdup_printf ("  (%u keystrokes, %.0f ms in all)", n_samples,
                                              total);

    print_samples ("typing     ", label, samples, n_samples, extra);
  }
}

/* Ordinary sync pages into the full cache, indexes and search kept current row by row. */
static void
bench_incremental (TdCache *cache,
                   GRand   *rand,
                   guint    tickets)
{
  double samples[10];

  for (guint p = 0; p < G_N_ELEMENTS (samples); p++)
    {
      g_autofree char *text = page_text (rand, g_rand_int_range (rand, 0, MAX (tickets, PAGE)),
                                         PAGE);
      gint64 start = g_get_monotonic_time ();

      apply_text (cache, text);
      samples[p] = ms_since (start);
    }
  qsort (samples, G_N_ELEMENTS (samples), sizeof (double), compare_doubles);
  g_print ("sync page of %u changes into the full cache: p50 %.0f ms, max %.0f ms\n", PAGE,
           samples[G_N_ELEMENTS (samples) / 2], samples[G_N_ELEMENTS (samples) - 1]);
}

static void
bench_lists (TdCache *cache)
{
  bench_first_page (cache, "(newest first)", NULL);
  bench_first_page (cache, "(newest first, again)", NULL);
  bench_first_page (cache, "(status = open)", "open");
  bench_jumps (cache, "(newest first)", NULL, TRUE, NULL, NULL);
  bench_jumps (cache, "(oldest first)", "updated_at", FALSE, NULL, NULL);
  bench_jumps (cache, "(by number)", "number", FALSE, NULL, NULL);
  bench_jumps (cache, "(by title)", "title", FALSE, NULL, NULL);
  bench_jumps (cache, "(by title, descending)", "title", TRUE, NULL, NULL);
  bench_jumps (cache, "(by created_at)", "created_at", FALSE, NULL, NULL);
  bench_jumps (cache, "(by priority)", "priority", FALSE, NULL, NULL);
  bench_jumps (cache, "(status = open)", NULL, TRUE, "open", NULL);
  bench_jumps (cache, "(status = open, by title)", "title", FALSE, "open", NULL);
  bench_jumps (cache, "(search pump)", NULL, TRUE, NULL, "pump");
  bench_search (cache, "pump", NULL);
  bench_search (cache, "pump pressure", NULL);
  bench_search (cache, "calibr", NULL);
  bench_search (cache, "HP-0042-0042", NULL);
  bench_search (cache, "unit 4711", NULL);
  bench_search (cache, "4711 unit", NULL);
  bench_search (cache, "serial 4711", NULL);
  bench_search (cache, "nothingmatches", NULL);
  bench_search (cache, "unit", NULL);
  bench_search (cache, "pump", "open");
  bench_search (cache, "pump pressure", "open");
  bench_typing (cache, "unit 4711");
  bench_typing (cache, "pump pressure");
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("TD_BENCH_TICKETS");
  guint tickets = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 1000000;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(TdCache) cache = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GError) error = NULL;
  gint64 start;
  double fill;

  g_test_init (&argc, &argv, NULL);

  /* TD_BENCH_CACHE_DB=<path>: measure a cache kept by TD_BENCH_CACHE_KEEP, skip the rest. */
  if (g_getenv ("TD_BENCH_CACHE_DB") != NULL)
    {
      cache = td_cache_open_path (g_getenv ("TD_BENCH_CACHE_DB"), "https://bench.example.test",
                                  "bench-user", &error);
      g_assert_no_error (error);
      bench_lists (cache);
      return 0;
    }

  dir = g_dir_make_tmp ("td-bench-cache-XXXXXX", &error);
  g_assert_no_error (error);
  bench_initial_sync (dir);

  path = g_build_filename (dir, "big.db", NULL);
  cache = td_cache_open_path (path, "https://bench.example.test", "bench-user", &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_true (td_cache_begin_bulk (cache, &error));
  for (guint first = 0; first < tickets; first += PAGE)
    {
      g_autofree char *text = page_text (rand, first, MIN (PAGE, tickets - first));

      apply_text (cache, text);
    }
  g_assert_true (td_cache_end_bulk (cache, &error));
  fill = ms_since (start) / 1000;
  g_print ("fill: %u tickets in %.1f s (%.0f tickets/s incl. JSON), peak RSS %ld MiB\n",
           tickets, fill, tickets / fill, peak_rss_mib ());
  /* Like a restart: the cold numbers below are what a user sees first. */
  g_clear_object (&cache);
  cache = td_cache_open_path (path, "https://bench.example.test", "bench-user", &error);
  g_assert_no_error (error);

  bench_incremental (cache, rand, tickets);
  bench_lists (cache);

  /* TD_BENCH_CACHE_KEEP=1 leaves the big cache for a look with sqlite3. */
  if (g_getenv ("TD_BENCH_CACHE_KEEP") != NULL)
    {
      g_print ("kept %s\n", path);
      return 0;
    }
  g_assert_true (td_cache_wipe (cache, NULL));
  g_rmdir (dir);
  return 0;
}
