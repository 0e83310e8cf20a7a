/* test-insights.c: dashboard statistics and feedback, in process
 *
 * Runs td_api_dispatch() over a migrated and demo-seeded database. The dashboard numbers
 * are recomputed here from the rows of the database with the visibility rules written out
 * explicitly (customer login: the device's customer_id; employees: department isolation
 * through td_isolation_visible(), the reference form of DOMAIN.md §3) — never through the
 * server's scope SQL — and compared with the answer of GET /api/v1/stats/dashboard for an
 * administrator, a customer-login member and a South employee under Basic and Strict
 * isolation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "td-api.h"
#include "td-db-pool.h"
#include "td-isolation.h"
#include "td-json.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"
#include "td-time.h"

#define DAY_USEC ((gint64) 86400 * G_USEC_PER_SEC)

static TdDbPool *pool;
static TdApi *api;
static TdTestDemoApi *demo;

/* Requests */

#define request(method, path, token, body) \
  td_test_api_request (api, (method), (path), (token), (body))

#define expect(status, method, path, token, body) \
  td_test_api_expect (api, (status), (method), (path), (token), (body))

#define expect_error(status, code, field, method, path, token, body) \
  td_test_api_expect_error (api, (status), (code), (field), (method), (path), (token), (body))

static char *
login (const char *email)
{
  return td_test_api_login (api, email);
}

/* Database: rows as arrays of nullable strings */

#define sql_rows(sql, n_columns, arg) td_test_sql_rows (pool, (sql), (n_columns), (arg))

#define CELL TD_TEST_CELL

#define sql_text(sql, arg) td_test_sql_text (pool, (sql), (arg))

static void
sql_run (const char *sql,
         const char *arg)
{
  g_autoptr(GError) error = NULL;
  TdDb *db = td_db_pool_acquire (pool, &error);

  g_assert_no_error (error);
  {
    g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, &error);

    g_assert_no_error (error);
    if (arg != NULL)
      td_db_stmt_bind_text (stmt, 1, arg);
    g_assert_true (td_db_stmt_run (stmt, &error));
    g_assert_no_error (error);
  }
  td_db_pool_release (pool, db);
}

static char **
strv_from_json (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_strv_builder_add (builder, json_array_get_string_element (array, i));
    }
  return g_strv_builder_end (builder);
}

static gint64
usec_of (const char *timestamp)
{
  gint64 usec = 0;

  g_assert_true (td_time_parse (timestamp, &usec));
  return usec;
}

/* The viewer, and the visibility rules of DOMAIN.md §2–§3 written out */

typedef struct
{
  char        *token;
  char        *org_id;
  char        *customer_id;  /* NULL for employees */
  char       **departments;
  gboolean     templates;    /* may see templates (employees) */
  TdIsolation  mode;
} Viewer;

static void
viewer_clear (Viewer *viewer)
{
  g_clear_pointer (&viewer->token, g_free);
  g_clear_pointer (&viewer->org_id, g_free);
  g_clear_pointer (&viewer->customer_id, g_free);
  g_clear_pointer (&viewer->departments, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Viewer, viewer_clear)

static void
viewer_init (Viewer      *viewer,
             const char  *email,
             TdIsolation  mode)
{
  g_autoptr(GPtrArray) rows = sql_rows ("SELECT org_id, customer_id, departments FROM employees "
                                        "WHERE email = ?", 3, email);

  g_assert_cmpuint (rows->len, ==, 1);
  viewer->token = login (email);
  viewer->org_id = g_strdup (CELL (rows->pdata[0], 0));
  viewer->customer_id = g_strdup (CELL (rows->pdata[0], 1));
  viewer->departments = strv_from_json (CELL (rows->pdata[0], 2));
  viewer->templates = viewer->customer_id == NULL;
  viewer->mode = mode;
}

typedef struct
{
  char     *customer_id;
  char    **departments;
  char     *name;
  char     *template_id;
  gboolean  deleted;
} Device;

static void
device_free (Device *device)
{
  g_free (device->customer_id);
  g_strfreev (device->departments);
  g_free (device->name);
  g_free (device->template_id);
  g_free (device);
}

/* Every device of the organization, tombstones included: a case keeps its device's
 * visibility whatever became of the device. */
static GHashTable *
load_devices (const Viewer *viewer)
{
  GHashTable *devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) device_free);
  g_autoptr(GPtrArray) rows = sql_rows ("SELECT id, customer_id, departments, name, template_id, "
                                        "deleted FROM devices WHERE org_id = ?", 6,
                                        viewer->org_id);

  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];
      Device *device = g_new0 (Device, 1);

      device->customer_id = g_strdup (CELL (row, 1));
      device->departments = strv_from_json (CELL (row, 2));
      device->name = g_strdup (CELL (row, 3));
      device->template_id = g_strdup (CELL (row, 4));
      device->deleted = g_strcmp0 (CELL (row, 5), "0") != 0;
      g_hash_table_insert (devices, g_strdup (CELL (row, 0)), device);
    }
  return devices;
}

/* A row that carries its own departments and customer (devices). */
static gboolean
visible_own (const Viewer *viewer,
             const char   *customer_id,
             const char   *departments_json)
{
  g_auto(GStrv) departments = strv_from_json (departments_json);

  if (viewer->customer_id != NULL)
    return g_strcmp0 (customer_id, viewer->customer_id) == 0;
  return td_isolation_visible (viewer->mode, (const char * const *) viewer->departments,
                               (const char * const *) departments);
}

/* Tickets, video sessions, tasks (and, for customer login, codes): through the device. */
static gboolean
visible_via_device (const Viewer *viewer,
                    GHashTable   *devices,
                    const char   *device_id)
{
  Device *device = device_id != NULL ? g_hash_table_lookup (devices, device_id) : NULL;
  const char * const none[] = { NULL };

  if (viewer->customer_id != NULL)
    return device != NULL && g_strcmp0 (device->customer_id, viewer->customer_id) == 0;
  return td_isolation_visible (viewer->mode, (const char * const *) viewer->departments,
                               device != NULL ? (const char * const *) device->departments : none);
}

/* The expectation */

static gboolean
in_range (const char *timestamp,
          const char *from,
          const char *to)
{
  return timestamp != NULL && strcmp (timestamp, from) >= 0 && strcmp (timestamp, to) < 0;
}

static void
assert_close (const char *what,
              JsonObject *object,
              const char *member,
              double      sum,
              gint64      count)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  if (count == 0)
    {
      if (!JSON_NODE_HOLDS_NULL (node))
        g_error ("%s: %s should be null", what, member);
      return;
    }
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  if (fabs (json_node_get_double (node) - sum / (double) count) > 0.01)
    g_error ("%s: %s is %f, expected %f", what, member, json_node_get_double (node),
             sum / (double) count);
}

static void
assert_int (const char *what,
            JsonObject *object,
            const char *member,
            gint64      expected)
{
  gint64 actual = json_object_get_int_member (object, member);

  if (actual != expected)
    g_error ("%s: %s is %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT, what, member, actual,
             expected);
}

static void
check_dashboard (const char  *email,
                 TdIsolation  mode)
{
  g_auto(Viewer) viewer = { 0 };
  g_autoptr(GHashTable) devices = NULL;
  g_autoptr(GHashTable) ticket_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) video_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) opened = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) closed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) responses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) per_device = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) per_template = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) template_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) top = g_ptr_array_new ();
  g_autoptr(JsonObject) stats = NULL;
  g_autofree char *what = g_strdup_printf ("%s (isolation %s)", email, td_isolation_to_string (mode));
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *now = NULL;
  g_autofree char *due_until = NULL;
  g_autofree char *path = NULL;
  gint64 now_usec = td_time_now_usec ();
  gint64 from_usec = now_usec - 120 * DAY_USEC;
  gint64 to_usec = now_usec + 2 * DAY_USEC;
  double first_sum = 0, resolution_sum = 0, duration_sum = 0;
  gint64 first_count = 0, resolution_count = 0, duration_count = 0;
  gint64 rating_sum = 0, rating_count = 0, tasks_due = 0, tasks_overdue = 0;
  gint64 paired = 0, unpaired = 0, n_tickets = 0;
  JsonArray *array;
  JsonObject *counts;
  guint n_days = 0;
  GHashTableIter iter;
  gpointer key, value;

  sql_run ("UPDATE organizations SET isolation = ?", td_isolation_to_string (mode));
  viewer_init (&viewer, email, mode);
  devices = load_devices (&viewer);

  from = td_time_format (from_usec);
  to = td_time_format (to_usec);
  now = td_time_format (now_usec);
  due_until = td_time_format (to_usec + 7 * DAY_USEC);

  /* Employee responses: messages and public updates by authors without a customer. */
  rows = sql_rows ("SELECT m.ticket_id, m.created_at FROM ticket_messages m, employees e "
                   "WHERE e.id = m.author_id AND e.customer_id IS NULL AND m.deleted = 0 "
                   "UNION ALL SELECT u.ticket_id, u.created_at FROM ticket_updates u, employees e "
                   "WHERE e.id = u.author_id AND e.customer_id IS NULL AND u.deleted = 0 "
                   "AND u.kind = 'public'", 2, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *list = g_hash_table_lookup (responses, CELL (rows->pdata[i], 0));

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (responses, g_strdup (CELL (rows->pdata[i], 0)), list);
        }
      g_ptr_array_add (list, g_strdup (CELL (rows->pdata[i], 1)));
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Tickets */
  rows = sql_rows ("SELECT id, device_id, status, created_at, closed_at, rating FROM tickets "
                   "WHERE org_id = ? AND deleted = 0", 6, viewer.org_id);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];
      const char *created_at = CELL (row, 3);

      if (!visible_via_device (&viewer, devices, CELL (row, 1)))
        continue;
      if (!in_range (created_at, from, to))
        continue;

      n_tickets++;
      {
        gsize n = GPOINTER_TO_SIZE (g_hash_table_lookup (ticket_status, CELL (row, 2)));
        g_autofree char *date = g_strndup (created_at, 10);
        gsize day = GPOINTER_TO_SIZE (g_hash_table_lookup (opened, date));
        GPtrArray *list = g_hash_table_lookup (responses, CELL (row, 0));
        const char *first = NULL;

        g_hash_table_replace (ticket_status, g_strdup (CELL (row, 2)), GSIZE_TO_POINTER (n + 1));
        g_hash_table_replace (opened, g_steal_pointer (&date), GSIZE_TO_POINTER (day + 1));
        if (CELL (row, 5) != NULL)
          {
            rating_sum += g_ascii_strtoll (CELL (row, 5), NULL, 10);
            rating_count++;
          }
        for (guint r = 0; list != NULL && r < list->len; r++)
          {
            const char *at = list->pdata[r];

            if (usec_of (at) >= usec_of (created_at) && (first == NULL || usec_of (at) < usec_of (first)))
              first = at;
          }
        if (first != NULL)
          {
            first_sum += (double) (usec_of (first) - usec_of (created_at)) / G_USEC_PER_SEC;
            first_count++;
          }
        if (CELL (row, 1) != NULL)
          {
            gsize d = GPOINTER_TO_SIZE (g_hash_table_lookup (per_device, CELL (row, 1)));

            g_hash_table_replace (per_device, g_strdup (CELL (row, 1)), GSIZE_TO_POINTER (d + 1));
          }
      }
    }

  /* Closed per day and resolution. */
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];
      const char *closed_at = CELL (row, 4);
      g_autofree char *date = NULL;
      gsize day;

      if (!visible_via_device (&viewer, devices, CELL (row, 1)) || !in_range (closed_at, from, to))
        continue;
      date = g_strndup (closed_at, 10);
      day = GPOINTER_TO_SIZE (g_hash_table_lookup (closed, date));
      g_hash_table_replace (closed, g_steal_pointer (&date), GSIZE_TO_POINTER (day + 1));
      resolution_sum += (double) (usec_of (closed_at) - usec_of (CELL (row, 3))) / G_USEC_PER_SEC;
      resolution_count++;
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Video sessions */
  rows = sql_rows ("SELECT device_id, status, created_at, duration_minutes, rating FROM video_sessions "
                   "WHERE org_id = ? AND deleted = 0", 5, viewer.org_id);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];
      gsize n;

      if (!visible_via_device (&viewer, devices, CELL (row, 0)) ||
          !in_range (CELL (row, 2), from, to))
        continue;
      n = GPOINTER_TO_SIZE (g_hash_table_lookup (video_status, CELL (row, 1)));
      g_hash_table_replace (video_status, g_strdup (CELL (row, 1)), GSIZE_TO_POINTER (n + 1));
      if (CELL (row, 3) != NULL)
        {
          duration_sum += (double) g_ascii_strtoll (CELL (row, 3), NULL, 10);
          duration_count++;
        }
      if (CELL (row, 4) != NULL)
        {
          rating_sum += g_ascii_strtoll (CELL (row, 4), NULL, 10);
          rating_count++;
        }
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Tasks */
  /* Customer-login users see only external tasks (DOMAIN.md §4: visibility). */
  rows = sql_rows ("SELECT device_id, status, due_at, visibility FROM tasks "
                   "WHERE org_id = ? AND deleted = 0", 4, viewer.org_id);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];
      const char *due_at = CELL (row, 2);

      if (viewer.customer_id != NULL && g_strcmp0 (CELL (row, 3), "external") != 0)
        continue;
      if (!visible_via_device (&viewer, devices, CELL (row, 0)) || due_at == NULL ||
          (g_strcmp0 (CELL (row, 1), "open") != 0 && g_strcmp0 (CELL (row, 1), "in_progress") != 0))
        continue;
      if (strcmp (due_at, now) < 0)
        tasks_overdue++;
      else if (strcmp (due_at, due_until) < 0)
        tasks_due++;
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Codes: own departments for employees, the device's company for customer login. */
  rows = sql_rows ("SELECT device_id, departments FROM codes WHERE org_id = ? AND deleted = 0",
                   2, viewer.org_id);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];
      gboolean visible = viewer.customer_id != NULL
                         ? (CELL (row, 0) != NULL && visible_via_device (&viewer, devices, CELL (row, 0)))
                         : visible_own (&viewer, NULL, CELL (row, 1));

      if (!visible)
        continue;
      if (CELL (row, 0) != NULL)
        paired++;
      else
        unpaired++;
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Templates whose names the viewer may see. */
  if (viewer.templates)
    {
      rows = sql_rows ("SELECT id, name, departments FROM templates WHERE org_id = ? AND deleted = 0",
                       3, viewer.org_id);
      for (guint i = 0; i < rows->len; i++)
        if (visible_own (&viewer, NULL, CELL (rows->pdata[i], 2)))
          g_hash_table_insert (template_names, g_strdup (CELL (rows->pdata[i], 0)),
                               g_strdup (CELL (rows->pdata[i], 1)));
      g_clear_pointer (&rows, g_ptr_array_unref);
    }

  /* Devices per template */
  rows = sql_rows ("SELECT template_id, customer_id, departments FROM devices "
                   "WHERE org_id = ? AND deleted = 0", 3, viewer.org_id);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = rows->pdata[i];
      gsize n;

      if (!visible_own (&viewer, CELL (row, 1), CELL (row, 2)))
        continue;
      n = GPOINTER_TO_SIZE (g_hash_table_lookup (per_template, CELL (row, 0)));
      g_hash_table_replace (per_template, g_strdup (CELL (row, 0)), GSIZE_TO_POINTER (n + 1));
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The demo data exercises every statistic for the administrator. */
  if (viewer.customer_id == NULL && mode == TD_ISOLATION_OFF)
    {
      g_assert_cmpint (first_count, >, 0);
      g_assert_cmpint (resolution_count, >, 0);
      g_assert_cmpint (duration_count, >, 0);
      g_assert_cmpint (rating_count, >, 0);
      g_assert_cmpint (tasks_due, >, 0);
      g_assert_cmpint (tasks_overdue, >, 0);
      g_assert_cmpint (unpaired, >, 0);
    }

  /* The request */
  {
    g_autofree char *from_q = g_uri_escape_string (from, NULL, TRUE);
    g_autofree char *to_q = g_uri_escape_string (to, NULL, TRUE);

    path = g_strdup_printf ("/api/v1/stats/dashboard?from=%s&to=%s", from_q, to_q);
  }
  stats = expect (200, "GET", path, viewer.token, NULL);
  g_assert_cmpstr (json_object_get_string_member (stats, "from"), ==, from);
  g_assert_cmpstr (json_object_get_string_member (stats, "to"), ==, to);

  /* tickets_by_status: every status, zeros included */
  counts = json_object_get_object_member (stats, "tickets_by_status");
  g_assert_cmpuint (json_object_get_size (counts), ==, 7);
  {
    const char *statuses[] = { "draft", "open", "assigned", "in_progress", "done", "closed",
                               "cancelled" };

    for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
      assert_int (what, counts, statuses[i],
                  GPOINTER_TO_SIZE (g_hash_table_lookup (ticket_status, statuses[i])));
  }
  g_assert_cmpint (n_tickets, >, 0);

  /* Per day: every UTC day overlapping [from, to) */
  array = json_object_get_array_member (stats, "tickets_opened_closed_per_day");
  for (gint64 day = from_usec - from_usec % DAY_USEC; day < to_usec; day += DAY_USEC)
    {
      g_autofree char *stamp = td_time_format (day);
      g_autofree char *date = g_strndup (stamp, 10);
      JsonObject *entry;

      g_assert_cmpuint (n_days, <, json_array_get_length (array));
      entry = json_array_get_object_element (array, n_days++);
      g_assert_cmpstr (json_object_get_string_member (entry, "date"), ==, date);
      assert_int (what, entry, "opened", GPOINTER_TO_SIZE (g_hash_table_lookup (opened, date)));
      assert_int (what, entry, "closed", GPOINTER_TO_SIZE (g_hash_table_lookup (closed, date)));
    }
  g_assert_cmpuint (n_days, ==, json_array_get_length (array));
  g_assert_cmpuint (n_days, ==, 123);

  assert_close (what, stats, "avg_first_response_seconds", first_sum, first_count);
  assert_close (what, stats, "avg_resolution_seconds", resolution_sum, resolution_count);

  counts = json_object_get_object_member (stats, "video_sessions_by_status");
  g_assert_cmpuint (json_object_get_size (counts), ==, 6);
  {
    const char *statuses[] = { "requested", "confirmed", "in_progress", "done", "closed",
                               "cancelled" };

    for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
      assert_int (what, counts, statuses[i],
                  GPOINTER_TO_SIZE (g_hash_table_lookup (video_status, statuses[i])));
  }
  assert_close (what, stats, "avg_video_duration_minutes", duration_sum, duration_count);
  assert_close (what, stats, "avg_rating", (double) rating_sum, rating_count);
  assert_int (what, stats, "rating_count", rating_count);
  assert_int (what, stats, "tasks_due", tasks_due);
  assert_int (what, stats, "tasks_overdue", tasks_overdue);
  assert_int (what, stats, "codes_paired", paired);
  assert_int (what, stats, "codes_unpaired", unpaired);

  /* Devices per template */
  array = json_object_get_array_member (stats, "devices_per_template");
  g_assert_cmpuint (json_array_get_length (array), ==, g_hash_table_size (per_template));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *template_id = json_object_get_string_member (entry, "template_id");
      const char *name = json_object_get_string_member_with_default (entry, "name", NULL);

      g_assert_true (g_hash_table_contains (per_template, template_id));
      assert_int (what, entry, "count",
                  GPOINTER_TO_SIZE (g_hash_table_lookup (per_template, template_id)));
      g_assert_true (json_object_has_member (entry, "name"));
      g_assert_cmpstr (name, ==, g_hash_table_lookup (template_names, template_id));
      if (viewer.customer_id != NULL)
        g_assert_true (json_object_get_null_member (entry, "name"));
    }

  /* Top devices: live, visible devices by tickets created in the range, ties by id */
  g_hash_table_iter_init (&iter, per_device);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Device *device = g_hash_table_lookup (devices, key);

      if (device != NULL && !device->deleted)
        g_ptr_array_add (top, key);
    }
  {
    GHashTable *counts_by_device = per_device;
    guint n_top;

    for (guint i = 0; i < top->len; i++)
      for (guint j = i + 1; j < top->len; j++)
        {
          gsize ci = GPOINTER_TO_SIZE (g_hash_table_lookup (counts_by_device, top->pdata[i]));
          gsize cj = GPOINTER_TO_SIZE (g_hash_table_lookup (counts_by_device, top->pdata[j]));

          if (cj > ci || (cj == ci && strcmp (top->pdata[j], top->pdata[i]) < 0))
            {
              gpointer swap = top->pdata[i];

              top->pdata[i] = top->pdata[j];
              top->pdata[j] = swap;
            }
        }

    array = json_object_get_array_member (stats, "top_devices");
    n_top = MIN (top->len, 5);
    g_assert_cmpuint (json_array_get_length (array), ==, n_top);
    for (guint i = 0; i < n_top; i++)
      {
        JsonObject *entry = json_array_get_object_element (array, i);
        Device *device = g_hash_table_lookup (devices, top->pdata[i]);

        g_assert_cmpstr (json_object_get_string_member (entry, "device_id"), ==, top->pdata[i]);
        g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, device->name);
        assert_int (what, entry, "ticket_count",
                    GPOINTER_TO_SIZE (g_hash_table_lookup (counts_by_device, top->pdata[i])));
      }
  }

  sql_run ("UPDATE organizations SET isolation = ?", "off");
}

static void
test_dashboard_admin (void)
{
  check_dashboard ("admin@acme.test", TD_ISOLATION_OFF);
}

static void
test_dashboard_customer (void)
{
  check_dashboard ("member@globex.test", TD_ISOLATION_OFF);
}

static void
test_dashboard_isolation (void)
{
  check_dashboard ("sam.south@acme.test", TD_ISOLATION_BASIC);
  check_dashboard ("sam.south@acme.test", TD_ISOLATION_STRICT);
}

/* The customer's numbers are a strict part of the operator's. */
static void
test_dashboard_subset (void)
{
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *globex = login ("member@globex.test");
  g_autoptr(JsonObject) all = expect (200, "GET", "/api/v1/stats/dashboard", admin, NULL);
  g_autoptr(JsonObject) own = expect (200, "GET", "/api/v1/stats/dashboard", globex, NULL);
  JsonArray *days = json_object_get_array_member (all, "tickets_opened_closed_per_day");

  /* The default range: the last 30 days, so 30 or 31 UTC days. */
  g_assert_cmpuint (json_array_get_length (days), >=, 30);
  g_assert_cmpuint (json_array_get_length (days), <=, 31);
  g_assert_cmpint (json_object_get_int_member (own, "codes_paired"), <,
                   json_object_get_int_member (all, "codes_paired"));
  g_assert_cmpint (json_object_get_int_member (own, "codes_unpaired"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (all, "codes_unpaired"), >, 0);
}

static void
test_dashboard_validation (void)
{
  g_autofree char *token = login ("admin@acme.test");

  expect_error (400, "invalid_parameter", "from", "GET",
                "/api/v1/stats/dashboard?from=yesterday", token, NULL);
  expect_error (400, "invalid_parameter", "to", "GET",
                "/api/v1/stats/dashboard?to=2026-13-01T00:00:00Z", token, NULL);
  expect_error (400, "invalid_parameter", "from", "GET",
                "/api/v1/stats/dashboard?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                token, NULL);
  expect_error (400, "invalid_parameter", "from", "GET",
                "/api/v1/stats/dashboard?from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z",
                token, NULL);
  expect_error (400, "invalid_parameter", "limit", "GET",
                "/api/v1/stats/dashboard?limit=3", token, NULL);
  expect_error (401, "unauthorized", NULL, "GET", "/api/v1/stats/dashboard", NULL, NULL);

  /* 366 days exactly, and an empty range, are fine. */
  {
    g_autoptr(JsonObject) year = expect (200, "GET",
                                         "/api/v1/stats/dashboard?from=2025-01-01T00:00:00Z"
                                         "&to=2026-01-02T00:00:00Z", token, NULL);
    g_autoptr(JsonObject) empty = expect (200, "GET",
                                          "/api/v1/stats/dashboard?from=2026-01-01T10:00:00%2B02:00"
                                          "&to=2026-01-01T08:00:00Z", token, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (year, "tickets_opened_closed_per_day")),
                      ==, 366);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (empty, "tickets_opened_closed_per_day")),
                      ==, 0);
    g_assert_cmpstr (json_object_get_string_member (empty, "from"), ==, "2026-01-01T08:00:00.000Z");
    g_assert_true (json_object_get_null_member (empty, "avg_rating"));
    g_assert_cmpint (json_object_get_int_member (empty, "rating_count"), ==, 0);
  }
}

/* Feedback */

static void
test_feedback (void)
{
  g_autofree char *member = login ("member@globex.test");
  g_autofree char *employee = login ("nele.hansen@acme.test");
  g_autofree char *admin = login ("admin@acme.test");
  g_autofree char *member_id = sql_text ("SELECT id FROM employees WHERE email = ?", "member@globex.test");
  g_autofree char *long_text = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) list = NULL;
  JsonArray *items;
  gboolean found = FALSE;

  created = expect (201, "POST", "/api/v1/feedback", member,
                    "{\"text\":\"The dashboard is great\",\"app_version\":\"1.2.3\","
                    "\"user_id\":\"00000000-0000-4000-8000-000000000000\"}");
  g_assert_cmpstr (json_object_get_string_member (created, "text"), ==, "The dashboard is great");
  g_assert_cmpstr (json_object_get_string_member (created, "app_version"), ==, "1.2.3");
  g_assert_cmpstr (json_object_get_string_member (created, "user_id"), ==, member_id);
  g_assert_cmpint (json_object_get_int_member (created, "version"), ==, 1);
  g_assert_nonnull (json_object_get_string_member (created, "created_at"));

  other = expect (201, "POST", "/api/v1/feedback", employee, "{\"text\":\"No version\"}");
  g_assert_cmpstr (json_object_get_string_member (other, "app_version"), ==, "");

  list = expect (200, "GET", "/api/v1/feedback", admin, NULL);
  items = json_object_get_array_member (list, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "id"),
                     json_object_get_string_member (created, "id")) == 0)
        {
          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (item, "text"), ==, "The dashboard is great");
          g_assert_cmpstr (json_object_get_string_member (item, "user_id"), ==, member_id);
        }
    }
  g_assert_true (found);

  expect_error (403, "forbidden", NULL, "GET", "/api/v1/feedback", member, NULL);
  expect_error (403, "forbidden", NULL, "GET", "/api/v1/feedback", employee, NULL);

  long_text = g_strnfill (5001, 'x');
  body = g_strdup_printf ("{\"text\":\"%s\"}", long_text);
  expect_error (400, "invalid_field", "text", "POST", "/api/v1/feedback", member, body);
  g_clear_pointer (&body, g_free);
  long_text[5000] = '\0';
  body = g_strdup_printf ("{\"text\":\"%s\"}", long_text);
  g_clear_pointer (&other, json_object_unref);
  other = expect (201, "POST", "/api/v1/feedback", member, body);
  expect_error (400, "invalid_field", "text", "POST", "/api/v1/feedback", member, "{\"text\":\"  \"}");
  expect_error (400, "invalid_field", "text", "POST", "/api/v1/feedback", member, "{}");
  expect_error (400, "invalid_field", "app_version", "POST", "/api/v1/feedback", member,
                "{\"text\":\"x\",\"app_version\":\"0123456789012345678901234567890123456789"
                "01234567890123456789012345\"}");
  expect_error (401, "unauthorized", NULL, "POST", "/api/v1/feedback", NULL, "{\"text\":\"x\"}");
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  demo = td_test_demo_api_new ("insights.db");
  pool = demo->pool;
  api = demo->api;

  /* A tombstoned ticket, video session and device must not count anywhere. */
  sql_run ("UPDATE tickets SET deleted = 1 WHERE id = (SELECT id FROM tickets ORDER BY id LIMIT 1)", NULL);
  sql_run ("UPDATE video_sessions SET deleted = 1 WHERE id = (SELECT id FROM video_sessions ORDER BY id LIMIT 1)", NULL);
  sql_run ("UPDATE devices SET deleted = 1 WHERE id = (SELECT device_id FROM tickets WHERE deleted = 0 "
           "GROUP BY device_id ORDER BY count(*) DESC, device_id LIMIT 1)", NULL);

  g_test_add_func ("/server/insights/dashboard/admin", test_dashboard_admin);
  g_test_add_func ("/server/insights/dashboard/customer", test_dashboard_customer);
  g_test_add_func ("/server/insights/dashboard/isolation", test_dashboard_isolation);
  g_test_add_func ("/server/insights/dashboard/subset", test_dashboard_subset);
  g_test_add_func ("/server/insights/dashboard/validation", test_dashboard_validation);
  g_test_add_func ("/server/insights/feedback", test_feedback);

  result = g_test_run ();

  td_test_demo_api_free (demo);
  return result;
}
