/* td-api-video-sessions.c: video sessions
 *
 * Numbered per organization like tickets; the customer comes from the device. Sessions
 * created by employees start confirmed, those a customer user requests start requested
 * (td_status_initial). For the status machine a customer user is the requester of the
 * sessions they created and may only cancel them while requested or confirmed; everyone else
 * who holds cases.edit is staff.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-cases"

#include "config.h"

#include "td-api-cases-private.h"

#include "td-json.h"
#include "td-notify.h"
#include "td-time.h"

static const char * const visibilities[] = { "internal", "public", NULL };

static const char * const session_staff_fields[] = {
  "requested_ids", "responsible_ids", "visibility", NULL
};

static gboolean
session_is_responsible (TdApiCall  *call,
                        JsonObject *row)
{
  return td_cases_row_has_id (row, "responsible_ids", td_cases_user_id (call));
}

static TdStatusActor
session_actor (TdApiCall  *call,
               JsonObject *row)
{
  if (td_cases_is_customer (call) &&
      g_strcmp0 (td_json_get_string (row, "created_by"), td_cases_user_id (call)) == 0)
    return TD_ACTOR_REQUESTER;
  return TD_ACTOR_STAFF;
}

/* Issue 4 (notifications): @event_type about the session of @write for @recipients and
 * the customer-login users of its company, in the write's transaction. */
static TdApiResponse *
notify_session (TdResourceWrite    *write,
                const char         *event_type,
                const char         *what,
                const char * const *recipients)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  JsonObject *row = write->current != NULL ? write->current : write->changes;
  TdNotifyEvent event = { 0 };

  title = g_strdup_printf ("%s: #%" G_GINT64_FORMAT " %s", what,
                           td_json_get_int (row, "number", 0),
                           td_json_get_string (row, "requester_name") != NULL
                           ? td_json_get_string (row, "requester_name") : "");
  event.event_type = event_type;
  event.subject_type = "video_session";
  event.subject_id = write->id;
  event.title = title;
  event.body = td_json_get_string (row, "reason");
  event.actor_id = td_cases_user_id (write->call);
  event.customer_id = td_json_get_string (row, "customer_id");
  if (!td_notify (write->call->db, td_cases_org_id (write->call), &event, recipients, NULL,
                  &error))
    return td_api_internal_error ("Notifying about a video session failed", error);
  return NULL;
}

/* The ids of the ID_LIST members @a and @b of @row, one after the other. */
static char **
session_ids (JsonObject *row,
             const char *a,
             const char *b)
{
  g_auto(GStrv) first = td_cases_row_ids (row, a);
  g_auto(GStrv) second = b != NULL ? td_cases_row_ids (row, b) : g_new0 (char *, 1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_addv (builder, (const char **) first);
  g_strv_builder_addv (builder, (const char **) second);
  return g_strv_builder_end (builder);
}

static TdApiResponse *
session_before_create (TdResourceWrite *write)
{
  TdApiCall *call = write->call;
  const char *org_id = td_cases_org_id (call);
  gboolean customer = td_cases_is_customer (call);
  g_autoptr(GError) error = NULL;
  g_autofree char *customer_id = NULL;
  g_autofree char *template_id = NULL;
  TdApiResponse *response;
  gint64 number;

  if ((response = td_cases_reject_staff_fields (write, session_staff_fields)) != NULL)
    return response;
  if (json_object_has_member (write->changes, "status"))
    return td_cases_forbidden_field ("status");

  json_object_set_string_member (write->changes, "status",
                                 td_status_initial (TD_CASE_VIDEO_SESSION, !customer));

  if (!td_cases_next_number (call->db, "video_sessions", org_id, &number, &error))
    return td_api_internal_error ("Numbering a video session failed", error);
  json_object_set_int_member (write->changes, "number", number);

  td_cases_device_info (call->db, org_id, td_json_get_string (write->changes, "device_id"),
                        &customer_id, &template_id, NULL);
  if (customer_id != NULL)
    json_object_set_string_member (write->changes, "customer_id", customer_id);
  else
    json_object_set_null_member (write->changes, "customer_id");

  if (!json_object_has_member (write->changes, "visibility"))
    json_object_set_string_member (write->changes, "visibility", "public");
  if (!json_object_has_member (write->changes, "requester_name"))
    {
      g_autofree char *name = td_user_dup_display_name (call->identity->user);

      json_object_set_string_member (write->changes, "requester_name", name);
    }
  json_object_set_string_member (write->changes, "created_by", td_cases_user_id (call));
  json_object_remove_member (write->changes, "rating");
  json_object_remove_member (write->changes, "rating_comment");

  /* Issue 4 (notifications): "new video-session request" for the responsible group: the
   * template's video-session team, and whoever the request names. */
  {
    g_auto(GStrv) group = td_cases_video_request_group (call->db, org_id,
                                                        td_json_get_string (write->changes,
                                                                            "device_id"));
    g_auto(GStrv) named = session_ids (write->changes, "requested_ids", "responsible_ids");
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) recipients = NULL;

    g_strv_builder_addv (builder, (const char **) group);
    g_strv_builder_addv (builder, (const char **) named);
    recipients = g_strv_builder_end (builder);
    return notify_session (write, "case_request", "New video-session request",
                           (const char * const *) recipients);
  }
}

static TdApiResponse *
session_before_update (TdResourceWrite *write)
{
  const char *from = td_json_get_string (write->current, "status");
  const char *to = td_json_get_string (write->changes, "status");
  TdStatusActor actor;
  TdApiResponse *response;

  if ((response = td_cases_reject_staff_fields (write, session_staff_fields)) != NULL)
    return response;

  if (to == NULL || g_strcmp0 (from, to) == 0)
    {
      json_object_remove_member (write->changes, "status");
      return NULL;
    }
  if (!td_status_is_valid (TD_CASE_VIDEO_SESSION, to))
    return td_resource_invalid ("status", "Not a video-session status");
  if (td_cases_system_write_active ())
    return NULL;

  actor = session_actor (write->call, write->current);
  if (!td_status_can_transition (TD_CASE_VIDEO_SESSION, actor, from, to))
    return td_cases_invalid_transition (TD_CASE_VIDEO_SESSION, actor, from, to);

  /* Issue 4 (notifications): "status change" for the responsible employees. */
  {
    g_auto(GStrv) responsible = td_cases_row_ids (json_object_has_member (write->changes,
                                                                          "responsible_ids")
                                                  ? write->changes : write->current,
                                                  "responsible_ids");
    g_autofree char *what = g_strdup_printf ("Status %s", to);

    return notify_session (write, "status_change", what, (const char * const *) responsible);
  }
}

static const TdFieldDef session_fields[] = {
  { "number",            TD_FIELD_INT,     TD_FIELD_FILTER | TD_FIELD_SORT, 0, NULL, NULL, 0, 0 },
  { "device_id",         TD_FIELD_REF,     TD_FIELD_CREATE_ONLY | TD_FIELD_REQUIRED | TD_FIELD_FILTER,
                                           0, NULL, &td_resource_devices, 0, 0 },
  { "customer_id",       TD_FIELD_REF,     TD_FIELD_FILTER | TD_FIELD_NULLABLE, 0, NULL,
                                           &td_resource_customers, 0, 0 },
  { "requester_name",    TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_SEARCH, TD_CASES_TITLE_MAX,
                                           NULL, NULL, 0, 0 },
  { "reason",            TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_SEARCH, TD_CASES_COMMENT_MAX,
                                           NULL, NULL, 0, 0 },
  { "recording_consent", TD_FIELD_BOOL,    TD_FIELD_WRITABLE, 0, NULL, NULL, 0, 0 },
  { "visibility",        TD_FIELD_ENUM,    TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, visibilities,
                                           NULL, 0, 0 },
  /* Validated by the hooks against td-status.h. */
  { "status",            TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_FILTER | TD_FIELD_SORT, 32,
                                           NULL, NULL, 0, 0 },
  { "requested_ids",     TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_STAFF_ONLY, 0, NULL,
                                           &td_resource_employees, 0, 0 },
  { "responsible_ids",   TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL,
                                           &td_resource_employees, 0, 0 },
  { "scheduled_at",      TD_FIELD_TIME,    TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_SORT |
                                           TD_FIELD_DATE_RANGE, 0, NULL, NULL, 0, 0 },
  { "duration_minutes",  TD_FIELD_INT,     TD_FIELD_WRITABLE | TD_FIELD_NULLABLE, 0, NULL, NULL,
                                           1, 24 * 60 },
  { "rating",            TD_FIELD_INT,     TD_FIELD_NULLABLE | TD_FIELD_FILTER, 0, NULL, NULL, 1, 5 },
  { "rating_comment",    TD_FIELD_TEXT,    TD_FIELD_NULLABLE, TD_CASES_COMMENT_MAX, NULL, NULL, 0, 0 },
  { "created_by",        TD_FIELD_REF,     TD_FIELD_FILTER | TD_FIELD_NULLABLE, 0, NULL,
                                           &td_resource_employees, 0, 0 },
};

const TdResourceDef td_resource_video_sessions = {
  .collection = "video-sessions",
  .table = "video_sessions",
  .type = "video_session",
  .perm_view = TD_PERM_CASES_VIEW,
  .perm_create = TD_PERM_CASES_CREATE,
  .perm_edit = TD_PERM_CASES_EDIT,
  .perm_delete = TD_PERM_CASES_DELETE,
  .isolate_by = TD_ISOLATE_VIA_DEVICE,
  .customer_scope = TD_CUSTOMER_VIA_DEVICE,
  .fields = session_fields,
  .n_fields = G_N_ELEMENTS (session_fields),
  .default_sort = "-updated_at",
  .created_by_column = "created_by",
  .is_responsible = session_is_responsible,
  .before_create = session_before_create,
  .before_update = session_before_update,
};

/* POST /video-sessions/{id}/rating {"stars": 1–5, "comment"}: by a customer user of the
 * session's company; closes a done session. */
TdApiResponse *
td_api_video_sessions_rate (TdApiCall *call)
{
  return td_cases_rate (call, &td_resource_video_sessions, "video session");
}
