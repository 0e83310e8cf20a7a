/* td-api-insights.c: dashboard statistics and feedback
 *
 * GET /api/v1/stats/dashboard computes the widgets of DOMAIN.md §7 over exactly what the
 * caller may see: every statistic is one aggregate query whose rows are restricted with
 * td_scope_append_sql() against the collection they belong to (tickets, video sessions
 * and tasks inherit their visibility from their device; devices, codes and templates are
 * scoped by their own definitions), so that the numbers agree with the lists. The
 * aggregation happens in SQL; the indexes of td-schema-insights.c keep the time-range
 * restrictions to index range scans.
 *
 * Definitions (also in docs/api.md):
 *  - the range is [from, to) in UTC; tickets, video sessions and ratings count when they
 *    were created in the range, "closed" and the resolution time when closed_at is in it;
 *  - first response: the earliest ticket message or public ticket update written by an
 *    employee (an author without customer_id) at or after the ticket's creation;
 *    avg_first_response_seconds averages it over the tickets created in the range that
 *    have one; tickets without an employee response do not count;
 *  - resolution: closed_at - created_at of the tickets closed in the range;
 *  - tasks_due: open or in progress, due from now to `to` + 7 days; tasks_overdue: open or
 *    in progress and due before now (the two never overlap);
 *  - devices_per_template: the caller's live devices per template; the template's name is
 *    given only when the caller may see the template (never to customer-login users,
 *    who have no templates module: their name is null);
 *  - codes_paired / codes_unpaired: live codes with / without a device;
 *  - top_devices: the five devices with the most tickets created in the range.
 *
 * POST /api/v1/feedback stores "Send feedback" from any signed-in user; GET lists it for
 * administrators (company.manage) through the resource engine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-insights"

#include "config.h"

#include <string.h>

#include "td-api-response.h"
#include "td-api-routes.h"
#include "td-json.h"
#include "td-resources.h"
#include "td-store-error.h"
#include "td-time.h"

#define STATS_DEFAULT_DAYS   30
#define STATS_MAX_DAYS       366
#define STATS_DUE_AHEAD_DAYS 7
#define STATS_TOP_DEVICES    5
#define USEC_PER_DAY         ((gint64) 86400 * G_USEC_PER_SEC)

#define FEEDBACK_TEXT_MAX    5000
#define FEEDBACK_VERSION_MAX 64

static const char * const ticket_statuses[] = {
  "draft", "open", "assigned", "in_progress", "done", "closed", "cancelled", NULL
};

static const char * const video_statuses[] = {
  "requested", "confirmed", "in_progress", "done", "closed", "cancelled", NULL
};

/* Feedback */

static const TdFieldDef feedback_fields[] = {
  { "user_id",     TD_FIELD_REF,  TD_FIELD_FILTER, 0, NULL, &td_resource_employees, 0, 0 },
  { "text",        TD_FIELD_TEXT, TD_FIELD_REQUIRED | TD_FIELD_SEARCH, FEEDBACK_TEXT_MAX,
    NULL, NULL, 0, 0 },
  { "app_version", TD_FIELD_TEXT, TD_FIELD_FILTER, FEEDBACK_VERSION_MAX, NULL, NULL, 0, 0 },
};

/* Read by administrators only (company.manage); written by the hand-made create below,
 * which every role may use (feedback.send). */
static const TdResourceDef td_resource_feedback = {
  .collection = "feedback",
  .table = "feedback",
  .type = "feedback",
  .perm_view = TD_PERM_COMPANY_MANAGE,
  .perm_create = TD_PERM_FEEDBACK_SEND,
  .perm_edit = TD_PERM_COMPANY_MANAGE,
  .perm_delete = TD_PERM_COMPANY_MANAGE,
  .isolate_by = TD_ISOLATE_NONE,
  .customer_scope = TD_CUSTOMER_NONE,
  .fields = feedback_fields,
  .n_fields = G_N_ELEMENTS (feedback_fields),
  .default_sort = "-created_at",
  .created_by_column = "user_id",
};

static JsonObject *
feedback_read (TdDb        *db,
               const char  *org_id,
               const char  *id,
               GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  JsonObject *object;

  stmt = td_db_prepare (db, "SELECT id, version, created_at, updated_at, user_id, text, app_version "
                            "FROM feedback WHERE id = ? AND org_id = ? AND deleted = 0", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, TD_STORE_ERROR, TD_STORE_ERROR_FAILED, "The feedback was not stored");
      return NULL;
    }

  object = json_object_new ();
  json_object_set_string_member (object, "id", td_db_stmt_get_text (stmt, 0));
  json_object_set_int_member (object, "version", td_db_stmt_get_int64 (stmt, 1));
  json_object_set_string_member (object, "created_at", td_db_stmt_get_text (stmt, 2));
  json_object_set_string_member (object, "updated_at", td_db_stmt_get_text (stmt, 3));
  json_object_set_string_member (object, "user_id", td_db_stmt_get_text (stmt, 4));
  json_object_set_string_member (object, "text", td_db_stmt_get_text (stmt, 5));
  json_object_set_string_member (object, "app_version", td_db_stmt_get_text (stmt, 6));
  return object;
}

/* POST /api/v1/feedback {"text", "app_version"}: any signed-in user; 201 with the stored
 * object. The user and the organization come from the session, never from the body. */
static TdApiResponse *
feedback_create (TdApiCall *call)
{
  TdUser *user = call->identity->user;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *id = NULL;
  g_autofree char *etag = NULL;
  TdApiResponse *response = NULL;
  const char *text = NULL;
  const char *app_version = NULL;

  if (!td_permission_allowed (user->role, td_resource_feedback.perm_create))
    return td_api_response_new_error (403, "forbidden", "You may not send feedback", NULL);

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;

  if (!td_api_get_string_field (body, "text", TRUE, FEEDBACK_TEXT_MAX, &text, &response) ||
      !td_api_get_string_field (body, "app_version", FALSE, FEEDBACK_VERSION_MAX, &app_version,
                                &response))
    return response;
  {
    g_autofree char *stripped = g_strstrip (g_strdup (text));

    if (stripped[0] == '\0')
      return td_api_response_new_error (400, "invalid_field", "text must not be empty", "text");
  }

  values = json_object_new ();
  json_object_set_string_member (values, "user_id", user->id);
  json_object_set_string_member (values, "text", text);
  json_object_set_string_member (values, "app_version", app_version != NULL ? app_version : "");

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Storing feedback failed", error);

  id = td_resource_insert (call->db, &td_resource_feedback, user->org_id, values, &error);
  if (id == NULL)
    return td_api_internal_error ("Storing feedback failed", error);

  stored = feedback_read (call->db, user->org_id, id, &error);
  if (stored == NULL)
    return td_api_internal_error ("Reading stored feedback failed", error);

  if (!td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Storing feedback failed", error);

  node = json_node_init_object (json_node_alloc (), stored);
  response = td_api_response_new_json (201, node);
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", json_object_get_int_member (stored, "version"));
  td_api_response_set_header (response, "ETag", etag);
  return response;
}

/* Dashboard */

static TdApiResponse *
invalid_parameter (const char *name,
                   const char *message)
{
  return td_api_response_new_error (400, "invalid_parameter", message, name);
}

/* A REAL (or NULL) column as a double; the database layer reads text. */
static double
stmt_get_double (TdDbStmt *stmt,
                 guint     column)
{
  const char *text = td_db_stmt_get_text (stmt, column);

  return text != NULL ? g_ascii_strtod (text, NULL) : 0.0;
}

/* A query being built: SQL text and its parameters (char *, all bound as text). */
typedef struct
{
  GString   *sql;
  GPtrArray *params;
} StatsQuery;

static void
stats_query_clear (StatsQuery *query)
{
  if (query->sql != NULL)
    g_string_free (query->sql, TRUE);
  g_clear_pointer (&query->params, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StatsQuery, stats_query_clear)

static void
stats_query_init (StatsQuery *query,
                  const char *sql)
{
  query->sql = g_string_new (sql);
  query->params = g_ptr_array_new_with_free_func (g_free);
}

static void
stats_query_append (StatsQuery *query,
                    const char *sql,
                    const char *param)
{
  g_string_append (query->sql, sql);
  if (param != NULL)
    g_ptr_array_add (query->params, g_strdup (param));
}

static void
stats_query_scope (StatsQuery          *query,
                   TdApiCall           *call,
                   const TdResourceDef *def,
                   const char          *alias)
{
  td_scope_append_sql (call, def, alias, query->sql, query->params);
}

static TdDbStmt *
stats_query_prepare (StatsQuery  *query,
                     TdApiCall   *call,
                     GError     **error)
{
  TdDbStmt *stmt = td_db_prepare (call->db, query->sql->str, error);

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < query->params->len; i++)
    td_db_stmt_bind_text (stmt, i + 1, query->params->pdata[i]);
  return stmt;
}

typedef struct
{
  char   *from;       /* normalized RFC 3339 (UTC, milliseconds), inclusive */
  char   *to;         /* exclusive */
  char   *now;
  char   *due_until;  /* to + 7 days */
  gint64  from_usec;
  gint64  to_usec;
} StatsRange;

static void
stats_range_clear (StatsRange *range)
{
  g_clear_pointer (&range->from, g_free);
  g_clear_pointer (&range->to, g_free);
  g_clear_pointer (&range->now, g_free);
  g_clear_pointer (&range->due_until, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StatsRange, stats_range_clear)

static TdApiResponse *
parse_range (TdApiCall  *call,
             StatsRange *range)
{
  GHashTable *query = call->request->query;
  GHashTableIter iter;
  gpointer key;
  const char *text;
  gint64 now = td_time_now_usec ();

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_str_equal (key, "from") && !g_str_equal (key, "to"))
      return invalid_parameter (key, "Unknown parameter");

  range->to_usec = now;
  text = g_hash_table_lookup (query, "to");
  if (text != NULL && !td_time_parse (text, &range->to_usec))
    return invalid_parameter ("to", "Not an RFC 3339 timestamp");

  range->from_usec = range->to_usec - STATS_DEFAULT_DAYS * USEC_PER_DAY;
  text = g_hash_table_lookup (query, "from");
  if (text != NULL && !td_time_parse (text, &range->from_usec))
    return invalid_parameter ("from", "Not an RFC 3339 timestamp");

  if (range->from_usec > range->to_usec)
    return invalid_parameter ("from", "from must not be after to");
  if (range->to_usec - range->from_usec > STATS_MAX_DAYS * USEC_PER_DAY)
    return invalid_parameter ("from", "The range may span at most 366 days");

  range->from = td_time_format (range->from_usec);
  range->to = td_time_format (range->to_usec);
  range->now = td_time_format (now);
  range->due_until = td_time_format (range->to_usec + STATS_DUE_AHEAD_DAYS * USEC_PER_DAY);
  if (range->from == NULL || range->to == NULL || range->due_until == NULL)
    return invalid_parameter ("from", "The range is out of bounds");
  return NULL;
}

/* The per-day series: one entry per UTC day that overlaps [from, to) (none when the range
 * is empty). */
typedef struct
{
  char   date[11];
  gint64 opened;
  gint64 closed;
} StatsDay;

static GArray *
make_days (const StatsRange *range)
{
  GArray *days = g_array_new (FALSE, TRUE, sizeof (StatsDay));
  gint64 day_start = range->from_usec - (((range->from_usec % USEC_PER_DAY) + USEC_PER_DAY) % USEC_PER_DAY);

  for (gint64 t = day_start; range->from_usec < range->to_usec && t < range->to_usec;
       t += USEC_PER_DAY)
    {
      g_autofree char *stamp = td_time_format (t);
      StatsDay day = { { 0 }, 0, 0 };

      if (stamp == NULL)
        break;
      g_strlcpy (day.date, stamp, sizeof day.date);
      g_array_append_val (days, day);
    }
  return days;
}

static StatsDay *
find_day (GArray     *days,
          const char *date)
{
  for (guint i = 0; date != NULL && i < days->len; i++)
    if (strncmp (g_array_index (days, StatsDay, i).date, date, 10) == 0)
      return &g_array_index (days, StatsDay, i);
  return NULL;
}

static void
add_counts (JsonBuilder        *builder,
            const char         *member,
            const char * const *statuses,
            GHashTable         *counts)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  for (guint i = 0; statuses[i] != NULL; i++)
    {
      json_builder_set_member_name (builder, statuses[i]);
      json_builder_add_int_value (builder,
                                  GPOINTER_TO_SIZE (g_hash_table_lookup (counts, statuses[i])));
    }
  json_builder_end_object (builder);
}

static void
add_average (JsonBuilder *builder,
             const char  *member,
             double       sum,
             gint64       count)
{
  json_builder_set_member_name (builder, member);
  if (count > 0)
    json_builder_add_double_value (builder, sum / (double) count);
  else
    json_builder_add_null_value (builder);
}

typedef struct
{
  GHashTable *ticket_status;  /* status → count (GSIZE_TO_POINTER) */
  GHashTable *video_status;
  GArray     *days;
  double      first_response_sum;
  gint64      first_response_count;
  double      resolution_sum;
  gint64      resolution_count;
  double      duration_sum;
  gint64      duration_count;
  gint64      rating_sum;
  gint64      rating_count;
  gint64      tasks_due;
  gint64      tasks_overdue;
  gint64      codes_paired;
  gint64      codes_unpaired;
} Stats;

static void
stats_clear (Stats *stats)
{
  g_clear_pointer (&stats->ticket_status, g_hash_table_unref);
  g_clear_pointer (&stats->video_status, g_hash_table_unref);
  g_clear_pointer (&stats->days, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Stats, stats_clear)

static void
count_add (GHashTable *counts,
           const char *key,
           gint64      n)
{
  gsize current = GPOINTER_TO_SIZE (g_hash_table_lookup (counts, key));

  if (key != NULL)
    g_hash_table_replace (counts, g_strdup (key), GSIZE_TO_POINTER (current + (gsize) n));
}

/* For customer-login users the scope lists the company's devices: @index, on (device_id,
 * time column), finds their rows of the range directly. SQLite's planner cannot see that
 * from bound parameters and would rather filter the tenant's whole range on the covering
 * index (a third of a second at a million tickets), so the choice is made here, where
 * the scope's shape is known. Employees' scopes leave the choice to the planner. */
static const char *
customer_index (TdApiCall  *call,
                const char *index)
{
  static const char none[] = "";

  if (call->identity->user->customer_id == NULL)
    return none;
  return index;
}

/* Tickets created in the range: per day and status, with their ratings and first
 * responses (tickets.first_response_at, kept by the triggers of td-schema-insights.c). */
static gboolean
stats_tickets_created (TdApiCall         *call,
                       const StatsRange  *range,
                       Stats             *stats,
                       GError           **error)
{
  g_auto(StatsQuery) query = { NULL, NULL };
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stats_query_init (&query, "SELECT substr(t.created_at, 1, 10), t.status, count(*), count(t.rating),"
                            " coalesce(sum(t.rating), 0), count(t.first_response_at),"
                            " total((julianday(t.first_response_at) - julianday(t.created_at))"
                            " * 86400.0) FROM tickets t");
  stats_query_append (&query, customer_index (call, " INDEXED BY tickets_device_created"), NULL);
  stats_query_append (&query, " WHERE t.deleted = 0", NULL);
  stats_query_scope (&query, call, &td_resource_tickets, "t");
  stats_query_append (&query, " AND t.created_at >= ?", range->from);
  stats_query_append (&query, " AND t.created_at < ?", range->to);
  stats_query_append (&query, " GROUP BY 1, 2", NULL);

  stmt = stats_query_prepare (&query, call, error);
  if (stmt == NULL)
    return FALSE;
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      StatsDay *day = find_day (stats->days, td_db_stmt_get_text (stmt, 0));
      gint64 n = td_db_stmt_get_int64 (stmt, 2);

      if (day != NULL)
        day->opened += n;
      count_add (stats->ticket_status, td_db_stmt_get_text (stmt, 1), n);
      stats->rating_count += td_db_stmt_get_int64 (stmt, 3);
      stats->rating_sum += td_db_stmt_get_int64 (stmt, 4);
      stats->first_response_count += td_db_stmt_get_int64 (stmt, 5);
      stats->first_response_sum += stmt_get_double (stmt, 6);
    }
  return step == TD_DB_STEP_DONE;
}

/* Tickets closed in the range: per day, and their resolution time. */
static gboolean
stats_tickets_closed (TdApiCall         *call,
                      const StatsRange  *range,
                      Stats             *stats,
                      GError           **error)
{
  g_auto(StatsQuery) query = { NULL, NULL };
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stats_query_init (&query, "SELECT substr(t.closed_at, 1, 10), count(*),"
                            " total((julianday(t.closed_at) - julianday(t.created_at)) * 86400.0)"
                            " FROM tickets t");
  stats_query_append (&query, customer_index (call, " INDEXED BY tickets_device_closed"), NULL);
  stats_query_append (&query, " WHERE t.deleted = 0", NULL);
  stats_query_scope (&query, call, &td_resource_tickets, "t");
  stats_query_append (&query, " AND t.closed_at IS NOT NULL AND t.closed_at >= ?", range->from);
  stats_query_append (&query, " AND t.closed_at < ?", range->to);
  stats_query_append (&query, " GROUP BY 1", NULL);

  stmt = stats_query_prepare (&query, call, error);
  if (stmt == NULL)
    return FALSE;
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      StatsDay *day = find_day (stats->days, td_db_stmt_get_text (stmt, 0));
      gint64 n = td_db_stmt_get_int64 (stmt, 1);

      if (day != NULL)
        day->closed += n;
      stats->resolution_count += n;
      stats->resolution_sum += stmt_get_double (stmt, 2);
    }
  return step == TD_DB_STEP_DONE;
}

static gboolean
stats_video_sessions (TdApiCall         *call,
                      const StatsRange  *range,
                      Stats             *stats,
                      GError           **error)
{
  g_auto(StatsQuery) query = { NULL, NULL };
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stats_query_init (&query, "SELECT v.status, count(*), count(v.duration_minutes),"
                            " coalesce(sum(v.duration_minutes), 0), count(v.rating),"
                            " coalesce(sum(v.rating), 0) FROM video_sessions v");
  stats_query_append (&query, customer_index (call, " INDEXED BY video_sessions_device_created"),
                      NULL);
  stats_query_append (&query, " WHERE v.deleted = 0", NULL);
  stats_query_scope (&query, call, &td_resource_video_sessions, "v");
  stats_query_append (&query, " AND v.created_at >= ?", range->from);
  stats_query_append (&query, " AND v.created_at < ?", range->to);
  stats_query_append (&query, " GROUP BY 1", NULL);

  stmt = stats_query_prepare (&query, call, error);
  if (stmt == NULL)
    return FALSE;
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      count_add (stats->video_status, td_db_stmt_get_text (stmt, 0), td_db_stmt_get_int64 (stmt, 1));
      stats->duration_count += td_db_stmt_get_int64 (stmt, 2);
      stats->duration_sum += (double) td_db_stmt_get_int64 (stmt, 3);
      stats->rating_count += td_db_stmt_get_int64 (stmt, 4);
      stats->rating_sum += td_db_stmt_get_int64 (stmt, 5);
    }
  return step == TD_DB_STEP_DONE;
}

static gboolean
stats_tasks (TdApiCall         *call,
             const StatsRange  *range,
             Stats             *stats,
             GError           **error)
{
  g_auto(StatsQuery) query = { NULL, NULL };
  g_autoptr(TdDbStmt) stmt = NULL;

  stats_query_init (&query, "SELECT coalesce(sum(k.due_at >= ?1 AND k.due_at < ?2), 0),"
                            " coalesce(sum(k.due_at < ?1), 0) FROM tasks k"
                            " WHERE k.deleted = 0 AND k.status IN ('open', 'in_progress')"
                            " AND k.due_at IS NOT NULL");
  g_ptr_array_add (query.params, g_strdup (range->now));
  g_ptr_array_add (query.params, g_strdup (range->due_until));
  stats_query_scope (&query, call, &td_resource_tasks, "k");

  stmt = stats_query_prepare (&query, call, error);
  if (stmt == NULL || td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return FALSE;
  stats->tasks_due = td_db_stmt_get_int64 (stmt, 0);
  stats->tasks_overdue = td_db_stmt_get_int64 (stmt, 1);
  return TRUE;
}

static gboolean
stats_codes (TdApiCall  *call,
             Stats      *stats,
             GError    **error)
{
  g_auto(StatsQuery) query = { NULL, NULL };
  g_autoptr(TdDbStmt) stmt = NULL;

  stats_query_init (&query, "SELECT count(c.device_id), count(*) - count(c.device_id)"
                            " FROM codes c WHERE c.deleted = 0");
  stats_query_scope (&query, call, &td_resource_codes, "c");

  stmt = stats_query_prepare (&query, call, error);
  if (stmt == NULL || td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return FALSE;
  stats->codes_paired = td_db_stmt_get_int64 (stmt, 0);
  stats->codes_unpaired = td_db_stmt_get_int64 (stmt, 1);
  return TRUE;
}

/* [{template_id, name, count}], most devices first. Customer-login users have no
 * templates module: they get the counts with name null. */
static gboolean
stats_devices_per_template (TdApiCall    *call,
                            JsonBuilder  *builder,
                            GError      **error)
{
  g_auto(StatsQuery) query = { NULL, NULL };
  g_autoptr(TdDbStmt) stmt = NULL;
  gboolean names = td_permission_allowed (call->identity->user->role, TD_PERM_TEMPLATES_VIEW);
  TdDbStep step;

  if (names)
    {
      stats_query_init (&query, "SELECT d.template_id, p.name, count(*) FROM devices d"
                                " LEFT JOIN templates p ON p.id = d.template_id AND p.deleted = 0");
      stats_query_scope (&query, call, &td_resource_templates, "p");
    }
  else
    stats_query_init (&query, "SELECT d.template_id, NULL, count(*) FROM devices d");
  stats_query_append (&query, " WHERE d.deleted = 0", NULL);
  stats_query_scope (&query, call, &td_resource_devices, "d");
  stats_query_append (&query, " GROUP BY d.template_id ORDER BY 3 DESC, 1", NULL);

  stmt = stats_query_prepare (&query, call, error);
  if (stmt == NULL)
    return FALSE;

  json_builder_set_member_name (builder, "devices_per_template");
  json_builder_begin_array (builder);
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "template_id");
      json_builder_add_string_value (builder, td_db_stmt_get_text (stmt, 0));
      json_builder_set_member_name (builder, "name");
      if (td_db_stmt_is_null (stmt, 1))
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, td_db_stmt_get_text (stmt, 1));
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, td_db_stmt_get_int64 (stmt, 2));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return step == TD_DB_STEP_DONE;
}

/* The five live devices with the most tickets created in the range. */
static gboolean
stats_top_devices (TdApiCall         *call,
                   const StatsRange  *range,
                   JsonBuilder       *builder,
                   GError           **error)
{
  g_auto(StatsQuery) query = { NULL, NULL };
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *limit = g_strdup_printf ("%d", STATS_TOP_DEVICES);
  TdDbStep step;

  stats_query_init (&query, "SELECT c.device_id, d.name, c.n FROM"
                            " (SELECT t.device_id, count(*) AS n FROM tickets t");
  stats_query_append (&query, customer_index (call, " INDEXED BY tickets_device_created"), NULL);
  stats_query_append (&query, " WHERE t.deleted = 0 AND t.device_id IS NOT NULL", NULL);
  stats_query_scope (&query, call, &td_resource_tickets, "t");
  stats_query_append (&query, " AND t.created_at >= ?", range->from);
  stats_query_append (&query, " AND t.created_at < ?", range->to);
  stats_query_append (&query, " GROUP BY t.device_id) c"
                              " JOIN devices d ON d.id = c.device_id AND d.deleted = 0", NULL);
  stats_query_scope (&query, call, &td_resource_devices, "d");
  stats_query_append (&query, " ORDER BY c.n DESC, c.device_id LIMIT CAST(? AS INTEGER)", limit);

  stmt = stats_query_prepare (&query, call, error);
  if (stmt == NULL)
    return FALSE;

  json_builder_set_member_name (builder, "top_devices");
  json_builder_begin_array (builder);
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "device_id");
      json_builder_add_string_value (builder, td_db_stmt_get_text (stmt, 0));
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, td_db_stmt_get_text (stmt, 1));
      json_builder_set_member_name (builder, "ticket_count");
      json_builder_add_int_value (builder, td_db_stmt_get_int64 (stmt, 2));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return step == TD_DB_STEP_DONE;
}

/* GET /api/v1/stats/dashboard?from=&to= */
static TdApiResponse *
stats_dashboard (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(StatsRange) range = { NULL, NULL, NULL, NULL, 0, 0 };
  g_auto(Stats) stats = { 0 };
  TdApiResponse *response;

  if (!td_permission_allowed (call->identity->user->role, TD_PERM_DASHBOARD_VIEW))
    return td_api_response_new_error (403, "forbidden", "You may not view the dashboard", NULL);

  if ((response = parse_range (call, &range)) != NULL)
    return response;

  stats.ticket_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats.video_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats.days = make_days (&range);

  if (!stats_tickets_created (call, &range, &stats, &error) ||
      !stats_tickets_closed (call, &range, &stats, &error) ||
      !stats_video_sessions (call, &range, &stats, &error) ||
      !stats_tasks (call, &range, &stats, &error) ||
      !stats_codes (call, &stats, &error))
    return td_api_internal_error ("Computing the dashboard failed", error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, range.from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, range.to);

  add_counts (builder, "tickets_by_status", ticket_statuses, stats.ticket_status);

  json_builder_set_member_name (builder, "tickets_opened_closed_per_day");
  json_builder_begin_array (builder);
  for (guint i = 0; i < stats.days->len; i++)
    {
      StatsDay *day = &g_array_index (stats.days, StatsDay, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "date");
      json_builder_add_string_value (builder, day->date);
      json_builder_set_member_name (builder, "opened");
      json_builder_add_int_value (builder, day->opened);
      json_builder_set_member_name (builder, "closed");
      json_builder_add_int_value (builder, day->closed);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_average (builder, "avg_first_response_seconds", stats.first_response_sum,
               stats.first_response_count);
  add_average (builder, "avg_resolution_seconds", stats.resolution_sum, stats.resolution_count);
  add_counts (builder, "video_sessions_by_status", video_statuses, stats.video_status);
  add_average (builder, "avg_video_duration_minutes", stats.duration_sum, stats.duration_count);
  add_average (builder, "avg_rating", (double) stats.rating_sum, stats.rating_count);
  json_builder_set_member_name (builder, "rating_count");
  json_builder_add_int_value (builder, stats.rating_count);
  json_builder_set_member_name (builder, "tasks_due");
  json_builder_add_int_value (builder, stats.tasks_due);
  json_builder_set_member_name (builder, "tasks_overdue");
  json_builder_add_int_value (builder, stats.tasks_overdue);

  if (!stats_devices_per_template (call, builder, &error))
    return td_api_internal_error ("Computing the dashboard failed", error);

  json_builder_set_member_name (builder, "codes_paired");
  json_builder_add_int_value (builder, stats.codes_paired);
  json_builder_set_member_name (builder, "codes_unpaired");
  json_builder_add_int_value (builder, stats.codes_unpaired);

  if (!stats_top_devices (call, &range, builder, &error))
    return td_api_internal_error ("Computing the dashboard failed", error);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return td_api_response_new_json (200, root);
}

#define INSIGHTS_PATH(path) TD_API_BASE_PATH "/" path

static const TdApiRoute insights_routes[] = {
  { "GET",  INSIGHTS_PATH ("stats/dashboard"), stats_dashboard,  0, NULL },
  { "POST", INSIGHTS_PATH ("feedback"),        feedback_create,  0, &td_resource_feedback },
  { "GET",  INSIGHTS_PATH ("feedback"),        td_resource_list, 0, &td_resource_feedback },
};

const TdApiRouteTable td_api_insights_route_table = {
  insights_routes, G_N_ELEMENTS (insights_routes)
};
