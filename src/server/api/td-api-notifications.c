/* td-api-notifications.c: the notification drawer (DOMAIN.md §6, §7)
 *
 * Notifications are a collection of the resource engine with an owner column: the scope
 * predicate keeps every caller, employee or customer login, to the rows addressed to them,
 * so lists, items and the change feed agree and another user's notification is a 404.
 * Clients never create, edit or delete notifications (td-notify.c creates them in the
 * transaction of their cause); they list them, read one, mark them read and count the
 * unread ones.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-notify"

#include "config.h"

#include <string.h>

#include "td-api-routes.h"
#include "td-json.h"
#include "td-notify.h"
#include "td-resources.h"
#include "td-store-error.h"
#include "td-time.h"
#include "td-validate.h"

/* NULL-terminated copy of td_notification_event_types () for the ENUM field; the test
 * /notifications/event-types keeps the two equal. */
static const char * const event_types[] = {
  "case_request", "offer_received", "assignment", "status_change", "message", "task_due",
  "code_event", "system_alert", "company_activity", NULL,
};

static const TdFieldDef notification_fields[] = {
  { "user_id",      TD_FIELD_REF,  0, 0, NULL, &td_resource_employees, 0, 0 },
  { "event_type",   TD_FIELD_ENUM, TD_FIELD_FILTER, 0, event_types, NULL, 0, 0 },
  { "subject_type", TD_FIELD_TEXT, TD_FIELD_FILTER, 32, NULL, NULL, 0, 0 },
  { "subject_id",   TD_FIELD_TEXT, TD_FIELD_FILTER | TD_FIELD_NULLABLE, 64, NULL, NULL, 0, 0 },
  { "title",        TD_FIELD_TEXT, TD_FIELD_SEARCH, 200, NULL, NULL, 0, 0 },
  { "body",         TD_FIELD_TEXT, TD_FIELD_SEARCH, 2000, NULL, NULL, 0, 0 },
  { "actor_id",     TD_FIELD_REF,  TD_FIELD_NULLABLE, 0, NULL, &td_resource_employees, 0, 0 },
  { "count",        TD_FIELD_INT,  0, 0, NULL, NULL, 1, G_MAXINT64 },
  /* The time of the latest event folded into the notification: the drawer's order, which
   * marking read (a write, so a new updated_at) does not change. */
  { "event_at",     TD_FIELD_TIME, TD_FIELD_SORT | TD_FIELD_DATE_RANGE, 0, NULL, NULL, 0, 0 },
  { "read_at",      TD_FIELD_TIME, TD_FIELD_NULLABLE, 0, NULL, NULL, 0, 0 },
  { "unread",       TD_FIELD_BOOL, TD_FIELD_FILTER, 0, NULL, NULL, 0, 0 },
};

/* The effective desktop channel for the caller (who is always the recipient): the push
 * toggle and the event type's desktop preference. The client shows a desktop notification
 * for a pushed notification only when this is true. */
static void
notification_present (TdApiCall  *call,
                      JsonObject *object)
{
  TdUser *user = call->identity->user;
  gboolean in_app, desktop, email;

  td_notify_channels (user->notification_preferences, user->push_enabled,
                      td_json_get_string (object, "event_type"), &in_app, &desktop, &email);
  json_object_set_boolean_member (object, "desktop", desktop);
}

const TdResourceDef td_resource_notifications = {
  .collection = "notifications",
  .table = "notifications",
  .type = "notification",
  .perm_view = TD_PERM_NOTIFICATIONS_OWN,
  .perm_create = TD_PERM_NOTIFICATIONS_OWN,
  .perm_edit = TD_PERM_NOTIFICATIONS_OWN,
  .perm_delete = TD_PERM_NOTIFICATIONS_OWN,
  .isolate_by = TD_ISOLATE_NONE,
  /* Every user reads their own: the owner column is the whole restriction. */
  .customer_scope = TD_CUSTOMER_ALL,
  .fields = notification_fields,
  .n_fields = G_N_ELEMENTS (notification_fields),
  .default_sort = "-event_at",
  .owner_column = "user_id",
  .present = notification_present,
};

/* If-Match on an action is optional; when present it must match (412) or be a version
 * (400). Returns FALSE with *@out_error set. */
static gboolean
check_if_match (TdApiCall       *call,
                JsonObject      *current,
                TdApiResponse  **out_error)
{
  const char *header = call->request->if_match;
  g_autofree char *text = NULL;
  guint64 version;
  gsize length;

  if (header == NULL)
    return TRUE;

  text = g_strstrip (g_strdup (header));
  if (g_str_has_prefix (text, "W/"))
    memmove (text, text + 2, strlen (text + 2) + 1);
  length = strlen (text);
  if (length >= 2 && text[0] == '"' && text[length - 1] == '"')
    {
      text[length - 1] = '\0';
      memmove (text, text + 1, length - 1);
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &version, NULL))
    {
      *out_error = td_api_response_new_error (400, "invalid_header",
                                              "If-Match must be a version like \"3\"",
                                              "If-Match");
      return FALSE;
    }
  if ((gint64) version != td_json_get_int (current, "version", 0))
    {
      g_autoptr(JsonNode) node = td_resource_present (call, &td_resource_notifications, current);
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *body = json_object_new ();
      JsonObject *error = json_object_new ();

      json_object_set_string_member (error, "code", "version_mismatch");
      json_object_set_string_member (error, "message",
                                     "The object has changed since the version you sent");
      json_object_set_object_member (body, "error", error);
      json_object_set_member (body, "current", g_steal_pointer (&node));
      json_node_take_object (root, body);
      *out_error = td_api_response_new_json (412, root);
      return FALSE;
    }
  return TRUE;
}

static TdApiResponse *
begin_write (TdApiCall        *call,
             TdDbTransaction **out_transaction)
{
  g_autoptr(GError) error = NULL;

  *out_transaction = td_db_transaction_begin (call->db, &error);
  if (*out_transaction != NULL)
    return NULL;
  if (g_error_matches (error, TD_STORE_ERROR, TD_STORE_ERROR_BUSY))
    return td_api_response_new_error (503, "unavailable", "The database is busy", NULL);
  return td_api_internal_error ("Starting a write failed", error);
}

/* POST /notifications/{id}/read: marks one notification read (idempotent: a read one is
 * answered as it is, without a write). */
static TdApiResponse *
notifications_read (TdApiCall *call)
{
  const TdResourceDef *def = &td_resource_notifications;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autofree char *now = NULL;
  TdApiResponse *response = NULL;
  const char *id = g_hash_table_lookup (call->params, "id");

  if ((response = begin_write (call, &transaction)) != NULL)
    return response;

  current = td_resource_load (call, def, id, &response);
  if (current == NULL)
    return response;
  if (!td_resource_allows (call, def, def->perm_edit, current))
    return td_resource_forbidden ();
  if (!check_if_match (call, current, &response))
    return response;

  if (!td_json_get_bool (current, "unread", FALSE))
    {
      g_autoptr(JsonNode) node = td_resource_present (call, def, current);

      return td_api_response_new_json (200, node);
    }

  now = td_time_now ();
  changes = json_object_new ();
  json_object_set_string_member (changes, "read_at", now);
  json_object_set_boolean_member (changes, "unread", FALSE);
  written = td_resource_write (call, def, id, changes, td_json_get_int (current, "version", 0),
                               &response);
  if (written == NULL)
    return response;

  if (!td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Committing a write failed", error);

  {
    g_autoptr(JsonNode) node = td_resource_present (call, def, written);

    return td_api_response_new_json (200, node);
  }
}

/* POST /notifications/read-all, optional body {"until": RFC 3339}: marks the caller's
 * unread notifications read (only those last updated at or before @until, so that a
 * notification that arrived after the client drew its list stays unread) → {"marked": N}. */
static TdApiResponse *
notifications_read_all (TdApiCall *call)
{
  const char *org_id = call->identity->user->org_id;
  const char *user_id = call->identity->user->id;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) select = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *until = NULL;
  g_autofree char *now = td_time_now ();
  TdApiResponse *response = NULL;
  JsonObject *result;
  TdDbStep step;

  if (!td_resource_allows (call, &td_resource_notifications,
                           td_resource_notifications.perm_edit, NULL))
    return td_resource_forbidden ();

  if (g_bytes_get_size (call->request->body) > 0)
    {
      const char *text = NULL;
      gint64 usec;

      body = td_api_call_parse_object (call, &response);
      if (body == NULL)
        return response;
      if (!td_api_get_string_field (body, "until", FALSE, 64, &text, &response))
        return response;
      if (text != NULL)
        {
          if (!td_time_parse (text, &usec))
            return td_resource_invalid ("until", "until must be an RFC 3339 time");
          until = td_time_format (usec);
        }
    }

  if ((response = begin_write (call, &transaction)) != NULL)
    return response;

  select = td_db_prepare (call->db, "SELECT id FROM notifications WHERE org_id = ? AND user_id = ?"
                                    " AND deleted = 0 AND unread = 1"
                                    " AND (?3 IS NULL OR updated_at <= ?3)", &error);
  if (select == NULL)
    return td_api_internal_error ("Listing unread notifications failed", error);
  td_db_stmt_bind_text (select, 1, org_id);
  td_db_stmt_bind_text (select, 2, user_id);
  if (until != NULL)
    td_db_stmt_bind_text (select, 3, until);
  else
    td_db_stmt_bind_null (select, 3);
  while ((step = td_db_stmt_step (select, &error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (ids, td_db_stmt_dup_text (select, 0));
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Listing unread notifications failed", error);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TdDbStmt) update = NULL;
      const char *id = g_ptr_array_index (ids, i);

      update = td_db_prepare (call->db, "UPDATE notifications SET read_at = ?, unread = 0,"
                                        " updated_at = ?, version = version + 1"
                                        " WHERE id = ? AND org_id = ?", &error);
      if (update == NULL)
        return td_api_internal_error ("Marking notifications read failed", error);
      td_db_stmt_bind_text (update, 1, now);
      td_db_stmt_bind_text (update, 2, now);
      td_db_stmt_bind_text (update, 3, id);
      td_db_stmt_bind_text (update, 4, org_id);
      if (!td_db_stmt_run (update, &error) ||
          td_changes_record (call->db, org_id, td_resource_notifications.type, id, "upsert",
                             &error) == 0)
        return td_api_internal_error ("Marking notifications read failed", error);
    }

  if (!td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Committing a write failed", error);

  root = json_node_new (JSON_NODE_OBJECT);
  result = json_object_new ();
  json_object_set_int_member (result, "marked", ids->len);
  json_node_take_object (root, result);
  return td_api_response_new_json (200, root);
}

/* GET /notifications/unread-count → {"unread": N}: unread rows, so a stack of five
 * messages about one ticket counts once (the bell shows notifications, not events). */
static TdApiResponse *
notifications_unread_count (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;

  if (!td_resource_allows (call, &td_resource_notifications,
                           td_resource_notifications.perm_view, NULL))
    return td_resource_forbidden ();

  stmt = td_db_prepare (call->db, "SELECT count(*) FROM notifications WHERE org_id = ?"
                                  " AND user_id = ? AND deleted = 0 AND unread = 1", &error);
  if (stmt == NULL)
    return td_api_internal_error ("Counting unread notifications failed", error);
  td_db_stmt_bind_text (stmt, 1, call->identity->user->org_id);
  td_db_stmt_bind_text (stmt, 2, call->identity->user->id);
  if (td_db_stmt_step (stmt, &error) != TD_DB_STEP_ROW)
    return td_api_internal_error ("Counting unread notifications failed", error);

  root = json_node_new (JSON_NODE_OBJECT);
  result = json_object_new ();
  json_object_set_int_member (result, "unread", td_db_stmt_get_int64 (stmt, 0));
  json_node_take_object (root, result);
  return td_api_response_new_json (200, root);
}

static const TdApiRoute notify_routes[] = {
  /* The literal paths first: they would otherwise match {id}. */
  { "GET",  TD_API_BASE_PATH "/notifications/unread-count", notifications_unread_count, 0,
    &td_resource_notifications },
  { "POST", TD_API_BASE_PATH "/notifications/read-all",     notifications_read_all,     0,
    &td_resource_notifications },
  { "GET",  TD_API_BASE_PATH "/notifications",              td_resource_list,           0,
    &td_resource_notifications },
  { "GET",  TD_API_BASE_PATH "/notifications/{id}",         td_resource_get,            0,
    &td_resource_notifications },
  { "POST", TD_API_BASE_PATH "/notifications/{id}/read",    notifications_read,         0,
    &td_resource_notifications },
};

const TdApiRouteTable td_api_notify_route_table = { notify_routes, G_N_ELEMENTS (notify_routes) };
