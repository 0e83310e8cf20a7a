/* td-api-cases.c: the route table of the cases area and the helpers its files share
 *
 * Tickets, video sessions, task events and tasks are collections of the resource engine
 * (td-resource.h); what is specific to cases — numbering, the status machines of
 * td-status.h, offers, ratings, messages and updates, recurring task events — lives in the
 * hooks and action handlers of td-api-tickets.c, td-api-video-sessions.c and
 * td-api-tasks.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-cases"

#include "config.h"

#include "td-api-cases-private.h"

#include <string.h>

#include "td-api-routes.h"
#include "td-json.h"
#include "td-random.h"

gboolean
td_cases_is_customer (TdApiCall *call)
{
  return call->identity != NULL &&
         td_role_get_login_type (call->identity->user->role) == TD_LOGIN_CUSTOMER;
}

const char *
td_cases_user_id (TdApiCall *call)
{
  return call->identity != NULL ? call->identity->user->id : NULL;
}

const char *
td_cases_org_id (TdApiCall *call)
{
  return call->identity != NULL ? call->identity->user->org_id : NULL;
}

/* The ids of an ID_LIST member of @row, whether the row holds it as an array (the
 * response form) or as the stored JSON text. Never NULL. */
char **
td_cases_row_ids (JsonObject *row,
                  const char *member)
{
  JsonNode *node = row != NULL ? json_object_get_member (row, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      g_autoptr(JsonNode) parsed = td_json_parse (text, strlen (text), NULL);
      g_autoptr(JsonObject) wrapper = json_object_new ();

      if (parsed == NULL || !JSON_NODE_HOLDS_ARRAY (parsed))
        return g_new0 (char *, 1);
      json_object_set_member (wrapper, "ids", g_steal_pointer (&parsed));
      return td_json_get_strv (wrapper, "ids");
    }

  return td_json_get_strv (row, member);
}

gboolean
td_cases_row_has_id (JsonObject *row,
                     const char *member,
                     const char *id)
{
  g_auto(GStrv) ids = td_cases_row_ids (row, member);

  return id != NULL && g_strv_contains ((const char * const *) ids, id);
}

JsonNode *
td_cases_ids_node (const char * const *ids)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    json_array_add_string_element (array, ids[i]);
  json_node_take_array (node, array);
  return node;
}

/* A string member of @row, NULL when absent, null or not a string. */
const char *
td_cases_row_string (JsonObject *row,
                     const char *member)
{
  JsonNode *node = row != NULL ? json_object_get_member (row, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

TdApiResponse *
td_cases_forbidden_field (const char *field)
{
  return td_api_response_new_error (403, "forbidden_field",
                                    "You may not set this field", field);
}

/* Customer-login users never set who works on a case, who is notified or what the public
 * sees: a body that tries is refused rather than silently trimmed, so that the client
 * learns its form is wrong. */
TdApiResponse *
td_cases_reject_staff_fields (TdResourceWrite    *write,
                              const char * const *fields)
{
  g_autoptr(JsonObject) body = NULL;
  const char *data;
  gsize length = 0;

  if (!td_cases_is_customer (write->call) || td_cases_system_write_active ())
    return NULL;

  /* The request body, not the changes: the engine drops STAFF_ONLY members of customer
   * bodies silently and fills absent id lists with [] on create, so only the body tells
   * what the client sent. */
  data = g_bytes_get_data (write->call->request->body, &length);
  if (data == NULL || length == 0)
    return NULL;
  body = td_json_parse_object (data, length, NULL);
  for (guint i = 0; body != NULL && fields[i] != NULL; i++)
    if (json_object_has_member (body, fields[i]))
      return td_cases_forbidden_field (fields[i]);

  return NULL;
}

TdApiResponse *
td_cases_invalid_transition (TdCaseKind    kind,
                             TdStatusActor actor,
                             const char   *from,
                             const char   *to)
{
  g_auto(GStrv) allowed = td_status_allowed_targets (kind, actor, from);
  g_autofree char *list = g_strjoinv (", ", allowed);
  g_autofree char *message = NULL;

  if (allowed[0] == NULL)
    message = g_strdup_printf ("The status cannot change from “%s” to “%s”; no change is "
                               "allowed from “%s”", from, to, from);
  else
    message = g_strdup_printf ("The status cannot change from “%s” to “%s”; allowed: %s",
                               from, to, list);

  return td_api_response_new_error (409, "invalid_transition", message, "status");
}

/* The next number of @table in @org_id. Called inside the write transaction (SQLite's
 * BEGIN IMMEDIATE serializes writers), and the unique index (org_id, number) would refuse
 * a duplicate anyway; the index also makes max() a single lookup. */
gboolean
td_cases_next_number (TdDb        *db,
                      const char  *table,
                      const char  *org_id,
                      gint64      *out_number,
                      GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce(max(number), 0) + 1 FROM %s "
                                          "WHERE org_id = ?", table);
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, org_id);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return FALSE;

  *out_number = td_db_stmt_get_int64 (stmt, 0);
  return TRUE;
}

/* Reads the device's customer, customer department and template. The devices table is the
 * assets area's; a missing table or device just yields NULLs. */
gboolean
td_cases_device_info (TdDb        *db,
                      const char  *org_id,
                      const char  *device_id,
                      char       **out_customer_id,
                      char       **out_template_id,
                      char       **out_customer_department_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;

  *out_customer_id = NULL;
  *out_template_id = NULL;
  if (out_customer_department_id != NULL)
    *out_customer_department_id = NULL;

  if (device_id == NULL)
    return FALSE;

  stmt = td_db_prepare (db, "SELECT customer_id, template_id, customer_department_id "
                            "FROM devices WHERE id = ? AND org_id = ? AND deleted = 0", &error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, device_id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  if (td_db_stmt_step (stmt, &error) != TD_DB_STEP_ROW)
    return FALSE;

  *out_customer_id = td_db_stmt_dup_text (stmt, 0);
  *out_template_id = td_db_stmt_dup_text (stmt, 1);
  if (out_customer_department_id != NULL)
    *out_customer_department_id = td_db_stmt_dup_text (stmt, 2);
  return TRUE;
}

/* The modules object of a template (NULL when there is none) and its rating switches
 * (TRUE when unknown: ratings are on by default). */
JsonObject *
td_cases_template_modules (TdDb       *db,
                           const char *org_id,
                           const char *template_id,
                           gboolean   *out_rating_tickets,
                           gboolean   *out_rating_video_sessions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  const char *text;

  if (out_rating_tickets != NULL)
    *out_rating_tickets = TRUE;
  if (out_rating_video_sessions != NULL)
    *out_rating_video_sessions = TRUE;
  if (template_id == NULL)
    return NULL;

  stmt = td_db_prepare (db, "SELECT modules, rating_tickets, rating_video_sessions "
                            "FROM templates WHERE id = ? AND org_id = ?", &error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, template_id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  if (td_db_stmt_step (stmt, &error) != TD_DB_STEP_ROW)
    return NULL;

  if (out_rating_tickets != NULL && !td_db_stmt_is_null (stmt, 1))
    *out_rating_tickets = td_db_stmt_get_int64 (stmt, 1) != 0;
  if (out_rating_video_sessions != NULL && !td_db_stmt_is_null (stmt, 2))
    *out_rating_video_sessions = td_db_stmt_get_int64 (stmt, 2) != 0;

  text = td_db_stmt_get_text (stmt, 0);
  if (text == NULL)
    return NULL;
  return td_json_parse_object (text, strlen (text), NULL);
}

/* The entry @id of the module list @kind ("ticket_flows", "task_definitions") of a
 * template's modules, or with @id NULL the first entry. The modules object holds one array
 * per kind, each entry an object with an "id". */
JsonObject *
td_cases_find_module_item (JsonObject *modules,
                           const char *kind,
                           const char *id)
{
  JsonNode *node = modules != NULL ? json_object_get_member (modules, kind) : NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *item;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      item = json_node_get_object (element);
      if (id == NULL || g_strcmp0 (td_json_get_string (item, "id"), id) == 0)
        return item;
    }

  return NULL;
}

const char *
td_cases_route_param (TdApiCall  *call,
                      const char *name)
{
  return g_hash_table_lookup (call->params, name);
}

/* Reads a required array of at most TD_CASES_MAX_IDS UUIDs (duplicates dropped). */
gboolean
td_cases_parse_id_list (JsonObject     *body,
                        const char     *member,
                        GPtrArray     **out_ids,
                        TdApiResponse **out_error)
{
  JsonNode *node = json_object_get_member (body, member);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      *out_error = td_resource_invalid (member, "Expected an array of ids");
      return FALSE;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0 || json_array_get_length (array) > TD_CASES_MAX_IDS)
    {
      *out_error = td_resource_invalid (member, "Expected 1 to 200 ids");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          !td_uuid_is_valid (id = json_node_get_string (element)))
        {
          *out_error = td_resource_invalid (member, "Every element must be an id");
          return FALSE;
        }

      if (!g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
        g_ptr_array_add (ids, g_strdup (id));
    }

  *out_ids = g_steal_pointer (&ids);
  return TRUE;
}

TdApiResponse *
td_cases_respond_row (TdApiCall           *call,
                      const TdResourceDef *def,
                      guint                status,
                      JsonObject          *row)
{
  g_autoptr(JsonNode) node = td_resource_present (call, def, row);
  g_autofree char *etag = NULL;
  TdApiResponse *response = td_api_response_new_json (status, node);

  if (json_object_has_member (row, "version"))
    {
      etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                              json_object_get_int_member (row, "version"));
      td_api_response_set_header (response, "ETag", etag);
    }
  return response;
}

TdApiResponse *
td_cases_commit_error (GError *error)
{
  return td_api_internal_error ("Writing a case failed", error);
}

static GPrivate system_write;

void
td_cases_system_write_begin (void)
{
  g_private_set (&system_write, GINT_TO_POINTER (1));
}

void
td_cases_system_write_end (void)
{
  g_private_set (&system_write, NULL);
}

gboolean
td_cases_system_write_active (void)
{
  return g_private_get (&system_write) != NULL;
}

/* The scope (404) and permission (403) checks of the object the route's {id} names, for
 * actions to run before they read their body: a validation error must not tell anybody
 * about an object they cannot reach. Actions load the object again inside their write
 * transaction; this read is the cheap indexed one the engine does for every GET. */
gboolean
td_cases_precheck (TdApiCall            *call,
                   const TdResourceDef  *def,
                   TdPermission          permission,
                   TdApiResponse       **out_error)
{
  g_autoptr(JsonObject) object = td_resource_load (call, def, td_cases_route_param (call, "id"),
                                                   out_error);

  if (object == NULL)
    return FALSE;
  if (!td_resource_allows (call, def, permission, object))
    {
      *out_error = td_resource_forbidden ();
      return FALSE;
    }
  return TRUE;
}

/* The body of POST …/rating: {"stars": 1–5, "comment": optional}. Returns the body (which
 * owns *@out_comment) or NULL with *@out_error. */
JsonObject *
td_cases_read_rating (TdApiCall      *call,
                      gint64         *out_stars,
                      const char    **out_comment,
                      TdApiResponse **out_error)
{
  g_autoptr(JsonObject) body = td_api_call_parse_object (call, out_error);
  JsonNode *stars;

  if (body == NULL)
    return NULL;

  stars = json_object_get_member (body, "stars");
  if (stars == NULL || !JSON_NODE_HOLDS_VALUE (stars) ||
      json_node_get_value_type (stars) != G_TYPE_INT64 ||
      json_node_get_int (stars) < 1 || json_node_get_int (stars) > 5)
    {
      *out_error = td_resource_invalid ("stars", "stars must be an integer from 1 to 5");
      return NULL;
    }
  if (!td_api_get_string_field (body, "comment", FALSE, TD_CASES_COMMENT_MAX, out_comment,
                                out_error))
    return NULL;

  *out_stars = json_node_get_int (stars);
  return g_steal_pointer (&body);
}

/* POST …/{id}/rating for tickets and video sessions alike (DOMAIN.md §5): a customer user
 * of the case's company rates a done case 1–5 once, which closes it, unless the device's
 * template has ratings off. @noun names the case in messages ("ticket", "video session"). */
TdApiResponse *
td_cases_rate (TdApiCall           *call,
               const TdResourceDef *def,
               const char          *noun)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) modules = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autofree char *customer_id = NULL;
  g_autofree char *template_id = NULL;
  TdApiResponse *response = NULL;
  const char *comment = NULL;
  gint64 stars = 0;
  gboolean ticket_ratings = TRUE;
  gboolean video_ratings = TRUE;
  gboolean rating_on;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_cases_commit_error (error);

  item = td_resource_load (call, def, td_cases_route_param (call, "id"), &response);
  if (item == NULL)
    return response;
  if (!td_resource_allows (call, def, TD_PERM_CASES_VIEW, item))
    return td_resource_forbidden ();
  if (!td_cases_is_customer (call))
    {
      g_autofree char *message = g_strdup_printf ("Only the customer's users rate a %s", noun);

      return td_api_response_new_error (403, "forbidden", message, NULL);
    }

  /* The body is read only once the caller may rate this case at all: 404 and 403 come
   * first, so that nobody learns from a validation error what they cannot reach. */
  body = td_cases_read_rating (call, &stars, &comment, &response);
  if (body == NULL)
    return response;

  td_cases_device_info (call->db, td_cases_org_id (call), td_json_get_string (item, "device_id"),
                        &customer_id, &template_id, NULL);
  modules = td_cases_template_modules (call->db, td_cases_org_id (call), template_id,
                                       &ticket_ratings, &video_ratings);
  rating_on = def == &td_resource_tickets ? ticket_ratings : video_ratings;
  if (!rating_on)
    {
      g_autofree char *message = g_strdup_printf ("Ratings are off for this device's %ss", noun);

      return td_api_response_new_error (409, "ratings_disabled", message, NULL);
    }
  if (!JSON_NODE_HOLDS_NULL (json_object_get_member (item, "rating")))
    {
      g_autofree char *message = g_strdup_printf ("The %s has already been rated", noun);

      return td_resource_conflict (message);
    }
  if (g_strcmp0 (td_json_get_string (item, "status"), "done") != 0)
    {
      g_autofree char *message = g_strdup_printf ("Only a done %s can be rated; allowed from: done",
                                                  noun);

      return td_api_response_new_error (409, "invalid_transition", message, "status");
    }

  changes = json_object_new ();
  json_object_set_int_member (changes, "rating", stars);
  if (comment != NULL)
    json_object_set_string_member (changes, "rating_comment", comment);
  json_object_set_string_member (changes, "status", "closed");

  td_cases_system_write_begin ();
  updated = td_resource_write (call, def, td_json_get_string (item, "id"), changes, 0, &response);
  td_cases_system_write_end ();
  if (updated == NULL)
    return response;

  if (!td_db_transaction_commit (transaction, &error))
    return td_cases_commit_error (error);
  return td_cases_respond_row (call, def, 200, updated);
}

#define CASE_PATH(path) TD_API_BASE_PATH "/" path

static const TdApiRoute cases_routes[] = {
  TD_RESOURCE_ROUTES (&td_resource_tickets, "tickets"),
  { "GET",    CASE_PATH ("tickets/{id}/messages"),  td_api_tickets_messages_list,   0, NULL },
  { "POST",   CASE_PATH ("tickets/{id}/messages"),  td_api_tickets_messages_create, 0, NULL },
  { "GET",    CASE_PATH ("tickets/{id}/updates"),   td_api_tickets_updates_list,    0, NULL },
  { "POST",   CASE_PATH ("tickets/{id}/updates"),   td_api_tickets_updates_create,  0, NULL },
  { "GET",    CASE_PATH ("tickets/{id}/offers"),    td_api_tickets_offers_list,     0, NULL },
  { "POST",   CASE_PATH ("tickets/{id}/offers/{offer_id}/accept"),
                                                    td_api_tickets_offer_accept,    0, NULL },
  { "POST",   CASE_PATH ("tickets/{id}/offers/{offer_id}/decline"),
                                                    td_api_tickets_offer_decline,   0, NULL },
  { "POST",   CASE_PATH ("tickets/{id}/assign"),    td_api_tickets_assign,          0, NULL },
  { "POST",   CASE_PATH ("tickets/{id}/withdraw"),  td_api_tickets_withdraw,        0, NULL },
  { "POST",   CASE_PATH ("tickets/{id}/rating"),    td_api_tickets_rate,            0, NULL },
  { "GET",    CASE_PATH ("tickets/{id}/video-sessions"),
                                                    td_api_tickets_video_list,      0, NULL },
  { "POST",   CASE_PATH ("tickets/{id}/video-sessions/{video_session_id}"),
                                                    td_api_tickets_video_link,      0, NULL },
  { "DELETE", CASE_PATH ("tickets/{id}/video-sessions/{video_session_id}"),
                                                    td_api_tickets_video_unlink,    0, NULL },

  /* Raw uploads (up to TD_API_MAX_UPLOAD_BYTES); then attached to a message. */
  { "POST",   CASE_PATH ("attachments"),              td_api_attachments_upload,
    TD_ROUTE_UPLOAD, NULL },
  { "GET",    CASE_PATH ("attachments/{id}"),         td_api_attachments_get,     0, NULL },
  { "GET",    CASE_PATH ("attachments/{id}/content"), td_api_attachments_content, 0, NULL },

  TD_RESOURCE_ROUTES (&td_resource_video_sessions, "video-sessions"),
  { "POST",   CASE_PATH ("video-sessions/{id}/rating"), td_api_video_sessions_rate, 0, NULL },

  TD_RESOURCE_ROUTES (&td_resource_task_events, "task-events"),

  /* Lists create the tasks of due task events first; every task carries `overdue`. */
  TD_RESOURCE_ROUTES (&td_resource_tasks, "tasks"),
  { "PATCH",  CASE_PATH ("tasks/{id}/steps/{index}"), td_api_tasks_step, 0, &td_resource_tasks },
};

const TdApiRouteTable td_api_cases_route_table = { cases_routes, G_N_ELEMENTS (cases_routes) };
