/* td-api-tasks.c: task events and tasks
 *
 * A task event belongs to a device and is one-time (recurrence null) or recurring
 * ({"freq": daily | weekly | monthly | yearly, "interval": n}); next_due_at is when its next
 * task is due. td_tasks_materialize_due() turns due events into tasks: a task appears on
 * the list TD_TASKS_LOOKAHEAD_USEC before its due date, and the event moves on to its next
 * occurrence (a one-time event ends with next_due_at null). It runs when an event is
 * written and lazily before every task list, in the request's thread, so the shared main
 * loop needs no timer; occurrences missed while nobody listed tasks are skipped, not piled
 * up: one task for the latest one.
 *
 * `overdue` is derived, never stored: a task that is not done or cancelled and whose due
 * date has passed. The task routes wrap the engine's handlers to add it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-cases"

#include "config.h"

#include "td-api-cases-private.h"

#include <string.h>

#include "td-json.h"
#include "td-notify.h"
#include "td-time.h"

#define STEPS_MAX        100
#define INTERVAL_MAX     366

static const char * const task_visibilities[] = { "internal", "external", NULL };
static const char * const frequencies[] = { "daily", "weekly", "monthly", "yearly", NULL };

static const char * const task_staff_fields[] = { "responsible_ids", NULL };

/* Recurrence */

/* Normalizes a recurrence member: null, or {"freq", "interval"} with nothing else. */
static TdApiResponse *
normalize_recurrence (JsonObject *changes)
{
  JsonNode *node = json_object_get_member (changes, "recurrence");
  JsonObject *object, *normalized;
  const char *freq;
  gint64 interval;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return td_resource_invalid ("recurrence", "recurrence must be null or an object");

  object = json_node_get_object (node);
  freq = td_json_get_string (object, "freq");
  if (freq == NULL || !g_strv_contains (frequencies, freq))
    return td_resource_invalid ("recurrence", "freq must be daily, weekly, monthly or yearly");
  if (json_object_has_member (object, "interval"))
    {
      JsonNode *value = json_object_get_member (object, "interval");

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64)
        return td_resource_invalid ("recurrence", "interval must be an integer");
      interval = json_node_get_int (value);
    }
  else
    interval = 1;
  if (interval < 1 || interval > INTERVAL_MAX)
    return td_resource_invalid ("recurrence", "interval must be 1 to 366");

  normalized = json_object_new ();
  json_object_set_string_member (normalized, "freq", freq);
  json_object_set_int_member (normalized, "interval", interval);
  json_object_set_object_member (changes, "recurrence", normalized);
  return NULL;
}

/* The occurrence after @usec, or 0 when there is none (one-time events). */
static gint64
next_occurrence (gint64      usec,
                 JsonObject *recurrence)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) next = NULL;
  const char *freq;
  gint interval;

  if (recurrence == NULL)
    return 0;
  freq = td_json_get_string (recurrence, "freq");
  interval = (gint) CLAMP (td_json_get_int (recurrence, "interval", 1), 1, INTERVAL_MAX);
  dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (dt == NULL)
    return 0;

  if (g_strcmp0 (freq, "daily") == 0)
    next = g_date_time_add_days (dt, interval);
  else if (g_strcmp0 (freq, "weekly") == 0)
    next = g_date_time_add_weeks (dt, interval);
  else if (g_strcmp0 (freq, "monthly") == 0)
    next = g_date_time_add_months (dt, interval);
  else if (g_strcmp0 (freq, "yearly") == 0)
    next = g_date_time_add_years (dt, interval);
  if (next == NULL)
    return 0;

  return g_date_time_to_unix (next) * G_USEC_PER_SEC + usec % G_USEC_PER_SEC;
}

/* Steps */

/* Normalizes the steps member to [{"title", "completed"}]; a string is a step's title. */
static TdApiResponse *
normalize_steps (JsonObject *changes)
{
  JsonNode *node = json_object_get_member (changes, "steps");
  JsonArray *array, *normalized;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return td_resource_invalid ("steps", "steps must be an array");

  array = json_node_get_array (node);
  if (json_array_get_length (array) > STEPS_MAX)
    return td_resource_invalid ("steps", "A task has at most 100 steps");

  normalized = json_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *step = json_object_new ();
      const char *title = NULL;
      gboolean completed = FALSE;

      if (JSON_NODE_HOLDS_OBJECT (element))
        {
          JsonObject *object = json_node_get_object (element);
          JsonNode *done = json_object_get_member (object, "completed");

          title = td_json_get_string (object, "title");
          if (done != NULL && (!JSON_NODE_HOLDS_VALUE (done) ||
                               json_node_get_value_type (done) != G_TYPE_BOOLEAN))
            title = NULL;
          else if (done != NULL)
            completed = json_node_get_boolean (done);
        }
      else if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        title = json_node_get_string (element);

      if (title == NULL || *title == '\0' || g_utf8_strlen (title, -1) > TD_CASES_TITLE_MAX ||
          !g_utf8_validate (title, -1, NULL))
        {
          json_object_unref (step);
          json_array_unref (normalized);
          return td_resource_invalid ("steps", "Every step needs a title of 1 to 200 characters "
                                               "and a boolean completed");
        }
      json_object_set_string_member (step, "title", title);
      json_object_set_boolean_member (step, "completed", completed);
      json_array_add_object_element (normalized, step);
    }

  json_object_set_array_member (changes, "steps", normalized);
  return NULL;
}

/* The steps of the template's task definition, as stored steps. */
static JsonArray *
definition_steps (JsonObject *definition)
{
  JsonNode *node = definition != NULL ? json_object_get_member (definition, "steps") : NULL;
  g_autoptr(JsonObject) holder = json_object_new ();
  JsonArray *steps = json_array_new ();

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return steps;

  json_object_set_member (holder, "steps", json_node_copy (node));
  if (normalize_steps (holder) != NULL)
    return steps;  /* a template with malformed steps gives a task without them */

  json_array_unref (steps);
  return json_array_ref (json_object_get_array_member (holder, "steps"));
}

/* The task definition @definition_id of the device's template: NULL with *@out_error when
 * the template has task definitions and this is none of them. */
static JsonObject *
find_definition (TdDb            *db,
                 const char      *org_id,
                 const char      *device_id,
                 const char      *definition_id,
                 JsonObject     **out_modules,
                 TdApiResponse  **out_error)
{
  g_autofree char *customer_id = NULL;
  g_autofree char *template_id = NULL;
  JsonObject *definition;

  *out_modules = NULL;
  if (definition_id == NULL || *definition_id == '\0')
    return NULL;

  td_cases_device_info (db, org_id, device_id, &customer_id, &template_id, NULL);
  *out_modules = td_cases_template_modules (db, org_id, template_id, NULL, NULL);
  definition = td_cases_find_module_item (*out_modules, "task_definitions", definition_id);
  if (definition == NULL && out_error != NULL &&
      td_cases_find_module_item (*out_modules, "task_definitions", NULL) != NULL)
    *out_error = td_resource_invalid ("definition_id",
                                      "Not a task definition of the device's template");
  return definition;
}

/* Materializing */

typedef struct
{
  char   *id;
  char   *device_id;
  char   *definition_id;
  char   *title;
  char   *recurrence;
  char   *next_due_at;
  char   *visibility;
  char   *created_by;
} DueEvent;

static void
due_event_free (DueEvent *event)
{
  g_free (event->id);
  g_free (event->device_id);
  g_free (event->definition_id);
  g_free (event->title);
  g_free (event->recurrence);
  g_free (event->next_due_at);
  g_free (event->visibility);
  g_free (event->created_by);
  g_free (event);
}

static gboolean
materialize_one (TdDb        *db,
                 const char  *org_id,
                 DueEvent    *event,
                 gint64       horizon_usec,
                 GError     **error)
{
  g_autoptr(JsonObject) values = json_object_new ();
  g_autoptr(JsonObject) modules = NULL;
  g_autoptr(JsonObject) recurrence = NULL;
  g_autoptr(TdDbStmt) update = NULL;
  g_autofree char *task_id = NULL;
  g_autofree char *next_text = NULL;
  g_autofree char *now = td_time_now ();
  JsonObject *definition;
  gint64 due = 0, next;

  if (!td_time_parse (event->next_due_at, &due))
    return TRUE;
  if (event->recurrence != NULL)
    recurrence = td_json_parse_object (event->recurrence, strlen (event->recurrence), NULL);

  /* Occurrences missed while nobody listed tasks are skipped: one task, for the latest
   * occurrence that is due. */
  for (next = next_occurrence (due, recurrence); next != 0 && next <= horizon_usec;
       next = next_occurrence (due, recurrence))
    due = next;

  definition = find_definition (db, org_id, event->device_id, event->definition_id, &modules, NULL);

  json_object_set_string_member (values, "task_event_id", event->id);
  if (event->device_id != NULL)
    json_object_set_string_member (values, "device_id", event->device_id);
  json_object_set_string_member (values, "definition_id",
                                 event->definition_id != NULL ? event->definition_id : "");
  json_object_set_string_member (values, "title", event->title);
  {
    g_autofree char *due_text = td_time_format (due);

    json_object_set_string_member (values, "due_at", due_text);
  }
  json_object_set_string_member (values, "visibility", event->visibility);
  json_object_set_array_member (values, "steps", definition_steps (definition));
  json_object_set_string_member (values, "status", td_status_initial (TD_CASE_TASK, TRUE));
  json_object_set_array_member (values, "responsible_ids", json_array_new ());
  if (event->created_by != NULL)
    json_object_set_string_member (values, "created_by", event->created_by);

  task_id = td_resource_insert (db, &td_resource_tasks, org_id, values, error);
  if (task_id == NULL)
    return FALSE;

  /* Issue 4 (notifications): "task due" for whoever scheduled the task event (tasks have no
   * assignee yet when they appear) and, for external tasks, the device's company. */
  {
    g_autofree char *customer_id = NULL;
    g_autofree char *template_id = NULL;
    g_autofree char *title = g_strdup_printf ("Task due: %s", event->title);
    g_autofree char *body = NULL;
    const char *recipients[] = { event->created_by, NULL };
    TdNotifyEvent notice = { 0 };

    if (g_strcmp0 (event->visibility, "external") == 0)
      td_cases_device_info (db, org_id, event->device_id, &customer_id, &template_id, NULL);
    {
      g_autofree char *due_text = td_time_format (due);

      body = g_strdup_printf ("Due %s", due_text);
    }
    notice.event_type = "task_due";
    notice.subject_type = "task";
    notice.subject_id = task_id;
    notice.title = title;
    notice.body = body;
    notice.customer_id = customer_id;
    if (!td_notify (db, org_id, &notice, recipients, NULL, error))
      return FALSE;
  }

  next = next_occurrence (due, recurrence);
  if (next != 0)
    next_text = td_time_format (next);

  update = td_db_prepare (db, "UPDATE task_events SET next_due_at = ?, version = version + 1,"
                              " updated_at = ? WHERE id = ? AND org_id = ?", error);
  if (update == NULL)
    return FALSE;
  if (next_text != NULL)
    td_db_stmt_bind_text (update, 1, next_text);
  else
    td_db_stmt_bind_null (update, 1);
  td_db_stmt_bind_text (update, 2, now);
  td_db_stmt_bind_text (update, 3, event->id);
  td_db_stmt_bind_text (update, 4, org_id);
  return td_db_stmt_run (update, error) &&
         td_changes_record (db, org_id, td_resource_task_events.type, event->id, "upsert",
                            error) != 0;
}

gboolean
td_tasks_materialize_due (TdDb        *db,
                          const char  *org_id,
                          gint64       now_usec,
                          guint       *out_created,
                          GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) due_event_free);
  g_autofree char *horizon = td_time_format (now_usec + TD_TASKS_LOOKAHEAD_USEC);
  TdDbStep step;

  if (out_created != NULL)
    *out_created = 0;

  stmt = td_db_prepare (db, "SELECT id, device_id, definition_id, title, recurrence, next_due_at,"
                            " visibility, created_by FROM task_events"
                            " WHERE org_id = ? AND deleted = 0 AND next_due_at IS NOT NULL"
                            " AND next_due_at <= ? ORDER BY next_due_at LIMIT 1000", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, org_id);
  td_db_stmt_bind_text (stmt, 2, horizon);
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      DueEvent *event = g_new0 (DueEvent, 1);

      event->id = td_db_stmt_dup_text (stmt, 0);
      event->device_id = td_db_stmt_dup_text (stmt, 1);
      event->definition_id = td_db_stmt_dup_text (stmt, 2);
      event->title = td_db_stmt_dup_text (stmt, 3);
      event->recurrence = td_db_stmt_dup_text (stmt, 4);
      event->next_due_at = td_db_stmt_dup_text (stmt, 5);
      event->visibility = td_db_stmt_dup_text (stmt, 6);
      event->created_by = td_db_stmt_dup_text (stmt, 7);
      g_ptr_array_add (events, event);
    }
  if (step == TD_DB_STEP_ERROR)
    return FALSE;
  g_clear_pointer (&stmt, td_db_stmt_free);

  for (guint i = 0; i < events->len; i++)
    {
      if (!materialize_one (db, org_id, g_ptr_array_index (events, i),
                            now_usec + TD_TASKS_LOOKAHEAD_USEC, error))
        return FALSE;
      if (out_created != NULL)
        (*out_created)++;
    }

  return TRUE;
}

/* Task events */

static gboolean
event_is_responsible (TdApiCall  *call,
                      JsonObject *row)
{
  /* An event has no responsible employees; its creator looks after it. */
  return g_strcmp0 (td_json_get_string (row, "created_by"), td_cases_user_id (call)) == 0;
}

static TdApiResponse *
event_before_create (TdResourceWrite *write)
{
  g_autoptr(JsonObject) modules = NULL;
  TdApiResponse *response = NULL;

  if ((response = normalize_recurrence (write->changes)) != NULL)
    return response;

  find_definition (write->call->db, td_cases_org_id (write->call),
                   td_json_get_string (write->changes, "device_id"),
                   td_json_get_string (write->changes, "definition_id"), &modules, &response);
  if (response != NULL)
    return response;

  if (!json_object_has_member (write->changes, "definition_id"))
    json_object_set_string_member (write->changes, "definition_id", "");
  if (!json_object_has_member (write->changes, "visibility"))
    json_object_set_string_member (write->changes, "visibility",
                                   td_cases_is_customer (write->call) ? "external" : "internal");
  json_object_set_string_member (write->changes, "created_by", td_cases_user_id (write->call));
  return NULL;
}

static TdApiResponse *
event_before_update (TdResourceWrite *write)
{
  return normalize_recurrence (write->changes);
}

static TdApiResponse *
event_after_write (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;

  if (!json_object_has_member (write->changes, "next_due_at") &&
      !json_object_has_member (write->changes, "recurrence"))
    return NULL;

  if (!td_tasks_materialize_due (write->call->db, td_cases_org_id (write->call),
                                 td_time_now_usec (), NULL, &error))
    return td_api_internal_error ("Creating due tasks failed", error);
  return NULL;
}

static const TdFieldDef event_fields[] = {
  { "device_id",     TD_FIELD_REF,  TD_FIELD_CREATE_ONLY | TD_FIELD_REQUIRED | TD_FIELD_FILTER, 0,
                                    NULL, &td_resource_devices, 0, 0 },
  { "definition_id", TD_FIELD_TEXT, TD_FIELD_CREATE_ONLY | TD_FIELD_FILTER, 100, NULL, NULL, 0, 0 },
  { "title",         TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SEARCH |
                                    TD_FIELD_SORT, TD_CASES_TITLE_MAX, NULL, NULL, 0, 0 },
  { "recurrence",    TD_FIELD_JSON, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE, 256, NULL, NULL, 0, 0 },
  { "next_due_at",   TD_FIELD_TIME, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_NULLABLE |
                                    TD_FIELD_SORT | TD_FIELD_DATE_RANGE, 0, NULL, NULL, 0, 0 },
  { "visibility",    TD_FIELD_ENUM, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, task_visibilities,
                                    NULL, 0, 0 },
  { "created_by",    TD_FIELD_REF,  TD_FIELD_FILTER | TD_FIELD_NULLABLE, 0, NULL,
                                    &td_resource_employees, 0, 0 },
};

const TdResourceDef td_resource_task_events = {
  .collection = "task-events",
  .table = "task_events",
  .type = "task_event",
  .perm_view = TD_PERM_TASKS_VIEW,
  .perm_create = TD_PERM_TASKS_CREATE,
  .perm_edit = TD_PERM_TASKS_EDIT,
  .perm_delete = TD_PERM_TASKS_EDIT,
  .isolate_by = TD_ISOLATE_VIA_DEVICE,
  .customer_scope = TD_CUSTOMER_VIA_DEVICE,
  .fields = event_fields,
  .n_fields = G_N_ELEMENTS (event_fields),
  .default_sort = "next_due_at",
  /* Internal events and tasks are the operator's own planning. */
  .customer_only_column = "visibility",
  .customer_only_value = "external",
  .created_by_column = "created_by",
  .is_responsible = event_is_responsible,
  .before_create = event_before_create,
  .before_update = event_before_update,
  .after_write = event_after_write,
};

/* Tasks */

static gboolean
task_is_responsible (TdApiCall  *call,
                     JsonObject *row)
{
  return td_cases_row_has_id (row, "responsible_ids", td_cases_user_id (call));
}

static TdApiResponse *
task_before_create (TdResourceWrite *write)
{
  TdApiCall *call = write->call;
  g_autoptr(JsonObject) modules = NULL;
  TdApiResponse *response = NULL;
  const char *status;
  JsonObject *definition;

  /* DOMAIN.md §2: customer members view tasks and create task events, not tasks. */
  if (call->identity->user->role == TD_ROLE_CUSTOMER_MEMBER)
    return td_api_response_new_error (403, "forbidden",
                                      "Customer members create task events, not tasks", NULL);
  if ((response = td_cases_reject_staff_fields (write, task_staff_fields)) != NULL)
    return response;

  status = td_json_get_string (write->changes, "status");
  if (status != NULL && g_strcmp0 (status, td_status_initial (TD_CASE_TASK, TRUE)) != 0)
    return td_resource_invalid ("status", "A new task starts open");
  json_object_set_string_member (write->changes, "status", td_status_initial (TD_CASE_TASK, TRUE));

  if ((response = normalize_steps (write->changes)) != NULL)
    return response;

  definition = find_definition (call->db, td_cases_org_id (call),
                                td_json_get_string (write->changes, "device_id"),
                                td_json_get_string (write->changes, "definition_id"),
                                &modules, &response);
  if (response != NULL)
    return response;
  if (!json_object_has_member (write->changes, "steps"))
    json_object_set_array_member (write->changes, "steps", definition_steps (definition));
  if (!json_object_has_member (write->changes, "definition_id"))
    json_object_set_string_member (write->changes, "definition_id", "");
  if (!json_object_has_member (write->changes, "visibility"))
    json_object_set_string_member (write->changes, "visibility",
                                   td_cases_is_customer (call) ? "external" : "internal");
  json_object_set_null_member (write->changes, "task_event_id");
  json_object_set_string_member (write->changes, "created_by", td_cases_user_id (call));
  return NULL;
}

static TdApiResponse *
task_before_update (TdResourceWrite *write)
{
  const char *from = td_json_get_string (write->current, "status");
  const char *to = td_json_get_string (write->changes, "status");
  TdApiResponse *response;

  if ((response = td_cases_reject_staff_fields (write, task_staff_fields)) != NULL ||
      (response = normalize_steps (write->changes)) != NULL)
    return response;

  if (to == NULL || g_strcmp0 (from, to) == 0)
    {
      json_object_remove_member (write->changes, "status");
      return NULL;
    }
  if (!td_status_is_valid (TD_CASE_TASK, to))
    return td_resource_invalid ("status", "Not a task status");
  if (!td_cases_system_write_active () &&
      !td_status_can_transition (TD_CASE_TASK, TD_ACTOR_STAFF, from, to))
    return td_cases_invalid_transition (TD_CASE_TASK, TD_ACTOR_STAFF, from, to);
  return NULL;
}

static const TdFieldDef task_fields[] = {
  { "task_event_id",   TD_FIELD_REF,     TD_FIELD_FILTER | TD_FIELD_NULLABLE, 0, NULL,
                                         &td_resource_task_events, 0, 0 },
  { "device_id",       TD_FIELD_REF,     TD_FIELD_CREATE_ONLY | TD_FIELD_REQUIRED | TD_FIELD_FILTER,
                                         0, NULL, &td_resource_devices, 0, 0 },
  { "definition_id",   TD_FIELD_TEXT,    TD_FIELD_CREATE_ONLY | TD_FIELD_FILTER, 100, NULL, NULL, 0, 0 },
  { "title",           TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SEARCH |
                                         TD_FIELD_SORT, TD_CASES_TITLE_MAX, NULL, NULL, 0, 0 },
  { "due_at",          TD_FIELD_TIME,    TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_SORT |
                                         TD_FIELD_DATE_RANGE, 0, NULL, NULL, 0, 0 },
  { "visibility",      TD_FIELD_ENUM,    TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, task_visibilities,
                                         NULL, 0, 0 },
  { "steps",           TD_FIELD_JSON,    TD_FIELD_WRITABLE, 32 * 1024, NULL, NULL, 0, 0 },
  /* Validated by the hooks against td-status.h. */
  { "status",          TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_FILTER | TD_FIELD_SORT, 32,
                                         NULL, NULL, 0, 0 },
  { "responsible_ids", TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL,
                                         &td_resource_employees, 0, 0 },
  { "created_by",      TD_FIELD_REF,     TD_FIELD_FILTER | TD_FIELD_NULLABLE, 0, NULL,
                                         &td_resource_employees, 0, 0 },
};

static void
add_overdue (JsonObject *task,
             gint64      now_usec)
{
  const char *status = td_cases_row_string (task, "status");
  const char *due_at = td_cases_row_string (task, "due_at");
  gint64 due;

  json_object_set_boolean_member (task, "overdue",
                                  !td_status_is_final (TD_CASE_TASK, status) &&
                                  due_at != NULL && td_time_parse (due_at, &due) && due < now_usec);
}

/* The present hook: every response form of a task carries the derived `overdue`. */
static void
tasks_present (TdApiCall  *call,
               JsonObject *task)
{
  add_overdue (task, td_time_now_usec ());
}

/* Makes due task events' tasks exist before a list shows them. Cheap when nothing is due
 * (one indexed lookup, no write transaction); a failure is logged and the list still
 * answers. */
static void
materialize_lazily (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) probe = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autofree char *horizon = td_time_format (td_time_now_usec () + TD_TASKS_LOOKAHEAD_USEC);
  guint created = 0;

  probe = td_db_prepare (call->db, "SELECT 1 FROM task_events WHERE org_id = ? AND deleted = 0"
                                   " AND next_due_at IS NOT NULL AND next_due_at <= ? LIMIT 1",
                         &error);
  if (probe == NULL)
    goto failed;
  td_db_stmt_bind_text (probe, 1, td_cases_org_id (call));
  td_db_stmt_bind_text (probe, 2, horizon);
  switch (td_db_stmt_step (probe, &error))
    {
    case TD_DB_STEP_ROW:
      break;
    case TD_DB_STEP_DONE:
      return;
    case TD_DB_STEP_ERROR:
    default:
      goto failed;
    }
  g_clear_pointer (&probe, td_db_stmt_free);

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL ||
      !td_tasks_materialize_due (call->db, td_cases_org_id (call), td_time_now_usec (), &created,
                                 &error) ||
      !td_db_transaction_commit (transaction, &error))
    goto failed;
  g_debug ("Created %u due tasks", created);
  return;

failed:
  g_warning ("Creating due tasks failed: %s", error != NULL ? error->message : "unknown error");
}

const TdResourceDef td_resource_tasks = {
  .collection = "tasks",
  .table = "tasks",
  .type = "task",
  .perm_view = TD_PERM_TASKS_VIEW,
  .perm_create = TD_PERM_TASKS_CREATE,
  .perm_edit = TD_PERM_TASKS_EDIT,
  .perm_delete = TD_PERM_TASKS_EDIT,
  .isolate_by = TD_ISOLATE_VIA_DEVICE,
  .customer_scope = TD_CUSTOMER_VIA_DEVICE,
  .fields = task_fields,
  .n_fields = G_N_ELEMENTS (task_fields),
  .default_sort = "-updated_at",
  /* Internal events and tasks are the operator's own planning. */
  .customer_only_column = "visibility",
  .customer_only_value = "external",
  .created_by_column = "created_by",
  .is_responsible = task_is_responsible,
  .before_create = task_before_create,
  .before_update = task_before_update,
  .present = tasks_present,
  .before_list = materialize_lazily,
};

/* The derived overdue member */

/* PATCH /tasks/{id}/steps/{index} {"completed": true | false}: ticks off one step
 * (tasks.edit; If-Match optional, as the change touches one step only). */
TdApiResponse *
td_api_tasks_step (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  TdApiResponse *response = NULL;
  const char *index_text = td_cases_route_param (call, "index");
  const char *if_match = call->request->if_match;
  JsonNode *completed, *steps;
  JsonArray *copy;
  guint64 index;
  gint64 expected = 0;

  if (!td_cases_precheck (call, &td_resource_tasks, TD_PERM_TASKS_EDIT, &response))
    return response;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  completed = json_object_get_member (body, "completed");
  if (completed == NULL || !JSON_NODE_HOLDS_VALUE (completed) ||
      json_node_get_value_type (completed) != G_TYPE_BOOLEAN)
    return td_resource_invalid ("completed", "completed must be true or false");
  if (if_match != NULL)
    {
      g_autofree char *trimmed = g_strdup (if_match);
      char *digits = g_strstrip (trimmed);
      guint64 value;

      if (*digits == '"')
        digits++;
      if (*digits != '\0' && digits[strlen (digits) - 1] == '"')
        digits[strlen (digits) - 1] = '\0';
      if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &value, NULL))
        return td_api_response_new_error (400, "invalid_parameter",
                                          "If-Match must be a version in quotes", "If-Match");
      expected = (gint64) value;
    }

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_cases_commit_error (error);

  task = td_resource_load (call, &td_resource_tasks, td_cases_route_param (call, "id"), &response);
  if (task == NULL)
    return response;
  if (!td_resource_allows (call, &td_resource_tasks, TD_PERM_TASKS_EDIT, task))
    return td_resource_forbidden ();

  steps = json_object_get_member (task, "steps");
  if (steps == NULL || !JSON_NODE_HOLDS_ARRAY (steps) ||
      !g_ascii_string_to_unsigned (index_text, 10, 0, G_MAXUINT32, &index, NULL) ||
      index >= json_array_get_length (json_node_get_array (steps)))
    return td_api_response_new_error (404, "not_found", "The task has no such step", NULL);

  copy = json_node_dup_array (steps);
  {
    JsonNode *element = json_array_get_element (copy, (guint) index);

    if (JSON_NODE_HOLDS_OBJECT (element))
      json_object_set_boolean_member (json_node_get_object (element), "completed",
                                      json_node_get_boolean (completed));
  }
  changes = json_object_new ();
  json_object_set_array_member (changes, "steps", copy);

  updated = td_resource_write (call, &td_resource_tasks, td_json_get_string (task, "id"), changes,
                               expected, &response);
  if (updated == NULL)
    return response;

  if (!td_db_transaction_commit (transaction, &error))
    return td_cases_commit_error (error);
  return (td_cases_respond_row (call, &td_resource_tasks, 200, updated));
}
