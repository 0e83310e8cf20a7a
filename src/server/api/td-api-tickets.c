/* td-api-tickets.c: tickets and their actions
 *
 * A ticket is a collection of the resource engine; these hooks add what is specific to
 * tickets: the per-organization number, the customer and category taken from the device,
 * the initial status, the status machine of td-status.h, and the offers sent to the
 * responsible group when a ticket leaves draft. The actions (messages, updates, offers,
 * assignment, rating, linked video sessions) are routes of their own that load the ticket
 * with the caller's scope first, so an id outside the scope is 404 everywhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-cases"

#include "config.h"

#include "td-api-cases-private.h"

#include <string.h>

#include "td-json.h"
#include "td-notify.h"
#include "td-random.h"
#include "td-store-error.h"
#include "td-time.h"

#define MESSAGES_MAX_ATTACHMENTS 20
#define ACTION_LIST_DEFAULT      100
#define ACTION_LIST_MAX          500

static const char * const priorities[] = { "low", "normal", "high", NULL };
static const char * const visibilities[] = { "internal", "public", NULL };
static const char * const update_kinds[] = { "public", "internal", NULL };
static const char * const offer_statuses[] = { "pending", "accepted", "declined", NULL };

/* What customer-login users may never write on a ticket. */
static const char * const ticket_staff_fields[] = {
  "responsible_ids", "receiver_ids", "visibility", NULL
};

static gboolean
ticket_is_responsible (TdApiCall  *call,
                       JsonObject *row)
{
  return td_cases_row_has_id (row, "responsible_ids", td_cases_user_id (call));
}

/* The member @name as it will be after the write: the change, or else the stored value. */
static JsonNode *
pick (TdResourceWrite *write,
      const char      *name)
{
  JsonNode *node = json_object_get_member (write->changes, name);

  if (node == NULL && write->current != NULL)
    node = json_object_get_member (write->current, name);
  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static const char *
pick_string (TdResourceWrite *write,
             const char      *name)
{
  JsonNode *node = pick (write, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static TdApiResponse *
ticket_before_create (TdResourceWrite *write)
{
  TdApiCall *call = write->call;
  const char *org_id = td_cases_org_id (call);
  gboolean customer = td_cases_is_customer (call);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) modules = NULL;
  g_autofree char *customer_id = NULL;
  g_autofree char *template_id = NULL;
  const char *category, *status;
  TdApiResponse *response;
  gint64 number;

  if ((response = td_cases_reject_staff_fields (write, ticket_staff_fields)) != NULL)
    return response;

  status = td_json_get_string (write->changes, "status");
  if (status != NULL && customer)
    return td_cases_forbidden_field ("status");
  if (status != NULL && !td_status_is_valid (TD_CASE_TICKET, status))
    return td_resource_invalid ("status", "Not a ticket status");
  if (status == NULL)
    json_object_set_string_member (write->changes, "status",
                                   td_status_initial (TD_CASE_TICKET, !customer));

  if (!td_cases_next_number (call->db, "tickets", org_id, &number, &error))
    return td_api_internal_error ("Numbering a ticket failed", error);
  json_object_set_int_member (write->changes, "number", number);

  /* The customer is the device's, whatever the body says: it decides which company sees
   * the ticket. */
  td_cases_device_info (call->db, org_id, td_json_get_string (write->changes, "device_id"),
                        &customer_id, &template_id, NULL);
  if (customer_id != NULL)
    json_object_set_string_member (write->changes, "customer_id", customer_id);
  else
    json_object_set_null_member (write->changes, "customer_id");

  /* The category is one of the ticket creation flows of the device's template. */
  modules = td_cases_template_modules (call->db, org_id, template_id, NULL, NULL);
  category = td_json_get_string (write->changes, "category");
  if (category != NULL && *category != '\0')
    {
      if (td_cases_find_module_item (modules, "ticket_flows", NULL) != NULL &&
          td_cases_find_module_item (modules, "ticket_flows", category) == NULL)
        return td_resource_invalid ("category",
                                    "Not a ticket creation flow of the device's template");
    }
  else
    {
      JsonObject *flow = td_cases_find_module_item (modules, "ticket_flows", NULL);
      const char *flow_id = flow != NULL ? td_json_get_string (flow, "id") : NULL;

      json_object_set_string_member (write->changes, "category", flow_id != NULL ? flow_id : "");
    }

  if (!json_object_has_member (write->changes, "visibility"))
    json_object_set_string_member (write->changes, "visibility", customer ? "public" : "internal");
  if (!json_object_has_member (write->changes, "priority"))
    json_object_set_string_member (write->changes, "priority", "normal");
  if (!json_object_has_member (write->changes, "description"))
    json_object_set_string_member (write->changes, "description", "");
  json_object_set_string_member (write->changes, "created_by", td_cases_user_id (call));
  json_object_remove_member (write->changes, "rating");
  json_object_remove_member (write->changes, "rating_comment");

  if (td_status_is_final (TD_CASE_TICKET, json_object_get_string_member (write->changes, "status")))
    {
      g_autofree char *now = td_time_now ();

      json_object_set_string_member (write->changes, "closed_at", now);
    }
  else
    json_object_set_null_member (write->changes, "closed_at");

  return NULL;
}

static TdApiResponse *
ticket_before_update (TdResourceWrite *write)
{
  const char *from = td_json_get_string (write->current, "status");
  const char *to = td_json_get_string (write->changes, "status");
  TdApiResponse *response;

  if ((response = td_cases_reject_staff_fields (write, ticket_staff_fields)) != NULL)
    return response;

  if (to == NULL || g_strcmp0 (from, to) == 0)
    {
      json_object_remove_member (write->changes, "status");
      return NULL;
    }

  if (!td_status_is_valid (TD_CASE_TICKET, to))
    return td_resource_invalid ("status", "Not a ticket status");

  /* Everyone who reaches this hook holds cases.edit on the ticket: staff in the sense of
   * td-status.h, customer users included for their company's tickets. */
  if (!td_cases_system_write_active () &&
      !td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_STAFF, from, to))
    return td_cases_invalid_transition (TD_CASE_TICKET, TD_ACTOR_STAFF, from, to);

  if (td_status_is_final (TD_CASE_TICKET, to))
    {
      g_autofree char *now = td_time_now ();

      json_object_set_string_member (write->changes, "closed_at", now);
    }
  else
    json_object_set_null_member (write->changes, "closed_at");

  return NULL;
}

/* The team that receives the offers of a ticket: the flow's meta team resolved through the
 * customer's team mapping (a mapping for the customer department first, then one for the
 * whole customer), else the meta team's default team; or the flow's own team. The tables
 * are the organization area's; without them there is simply no group. */
static char *
resolve_team (TdDb       *db,
              const char *org_id,
              JsonObject *flow,
              const char *customer_id,
              const char *customer_department_id)
{
  const char *meta_team_id = td_json_get_string (flow, "meta_team_id");
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;

  if (meta_team_id == NULL || *meta_team_id == '\0')
    {
      const char *team_id = td_json_get_string (flow, "team_id");

      return team_id != NULL && *team_id != '\0' ? g_strdup (team_id) : NULL;
    }

  if (customer_id != NULL)
    {
      stmt = td_db_prepare (db, "SELECT team_id FROM customer_team_mappings"
                                " WHERE org_id = ? AND customer_id = ? AND meta_team_id = ?"
                                " AND deleted = 0 AND (customer_department_id IS NULL"
                                "   OR customer_department_id = ?)"
                                " ORDER BY customer_department_id IS NULL LIMIT 1", &error);
      if (stmt != NULL)
        {
          td_db_stmt_bind_text (stmt, 1, org_id);
          td_db_stmt_bind_text (stmt, 2, customer_id);
          td_db_stmt_bind_text (stmt, 3, meta_team_id);
          if (customer_department_id != NULL)
            td_db_stmt_bind_text (stmt, 4, customer_department_id);
          else
            td_db_stmt_bind_null (stmt, 4);
          if (td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW)
            return td_db_stmt_dup_text (stmt, 0);
        }
      g_clear_pointer (&stmt, td_db_stmt_free);
      g_clear_error (&error);
    }

  stmt = td_db_prepare (db, "SELECT default_team_id FROM meta_teams"
                            " WHERE id = ? AND org_id = ? AND deleted = 0", &error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, meta_team_id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  if (td_db_stmt_step (stmt, &error) != TD_DB_STEP_ROW)
    return NULL;
  return td_db_stmt_dup_text (stmt, 0);
}

/* The members of @team_id who are active employees of the operator. */
static char **
team_members (TdDb       *db,
              const char *org_id,
              const char *team_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  stmt = td_db_prepare (db, "SELECT e.id FROM teams t, json_each(t.member_ids) m, employees e"
                            " WHERE t.id = ? AND t.org_id = ? AND t.deleted = 0"
                            " AND e.id = m.value AND e.org_id = t.org_id AND e.deleted = 0"
                            " AND e.customer_id IS NULL AND e.status <> 'disabled'"
                            " ORDER BY e.id", &error);
  if (stmt != NULL)
    {
      td_db_stmt_bind_text (stmt, 1, team_id);
      td_db_stmt_bind_text (stmt, 2, org_id);
      while (td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW)
        g_strv_builder_add (builder, td_db_stmt_get_text (stmt, 0));
    }

  return g_strv_builder_end (builder);
}

/* The active operator employees of the responsible group of a video-session request on
 * @device_id: the template's video_session_flow meta team through the customer's mapping
 * (as for ticket offers). Never NULL. */
char **
td_cases_video_request_group (TdDb       *db,
                              const char *org_id,
                              const char *device_id)
{
  g_autofree char *customer_id = NULL;
  g_autofree char *template_id = NULL;
  g_autofree char *customer_department_id = NULL;
  g_autofree char *team_id = NULL;
  g_autoptr(JsonObject) modules = NULL;
  JsonObject *flow;

  td_cases_device_info (db, org_id, device_id, &customer_id, &template_id,
                        &customer_department_id);
  modules = td_cases_template_modules (db, org_id, template_id, NULL, NULL);
  flow = modules != NULL ? td_json_get_object (modules, "video_session_flow") : NULL;
  if (flow != NULL && td_json_get_bool (flow, "enabled", TRUE))
    team_id = resolve_team (db, org_id, flow, customer_id, customer_department_id);
  if (team_id == NULL)
    return g_new0 (char *, 1);
  return team_members (db, org_id, team_id);
}

/* Issue 4 (notifications): @event_type about ticket @ticket_id, titled "@what: #number
 * title", for @recipients (NULL: the ticket's responsible employees and receivers) and,
 * unless @staff_only, the customer-login users of the ticket's company. In the caller's
 * transaction; the caller is the actor and hears nothing. */
static gboolean
notify_ticket (TdApiCall           *call,
               const char          *ticket_id,
               const char          *event_type,
               const char          *what,
               const char          *body,
               const char * const  *recipients,
               gboolean             staff_only,
               GError             **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) everyone = NULL;
  g_autofree char *title = NULL;
  g_autofree char *customer_id = NULL;
  TdNotifyEvent event = { 0 };

  stmt = td_db_prepare (call->db, "SELECT number, title, customer_id, responsible_ids,"
                                  " receiver_ids FROM tickets WHERE id = ? AND org_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, ticket_id);
  td_db_stmt_bind_text (stmt, 2, td_cases_org_id (call));
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return error == NULL || *error == NULL;

  title = g_strdup_printf ("%s: #%" G_GINT64_FORMAT " %s", what, td_db_stmt_get_int64 (stmt, 0),
                           td_db_stmt_get_text (stmt, 1));
  customer_id = td_db_stmt_dup_text (stmt, 2);
  if (recipients == NULL)
    {
      for (guint column = 3; column <= 4; column++)
        {
          g_autoptr(JsonNode) ids = json_from_string (td_db_stmt_get_text (stmt, column), NULL);

          for (guint i = 0; ids != NULL && JSON_NODE_HOLDS_ARRAY (ids) &&
                            i < json_array_get_length (json_node_get_array (ids)); i++)
            {
              const char *id = json_array_get_string_element (json_node_get_array (ids), i);

              if (id != NULL)
                g_strv_builder_add (builder, id);
            }
        }
      everyone = g_strv_builder_end (builder);
      recipients = (const char * const *) everyone;
    }

  event.event_type = event_type;
  event.subject_type = "ticket";
  event.subject_id = ticket_id;
  event.title = title;
  event.body = body;
  event.actor_id = td_cases_user_id (call);
  event.customer_id = customer_id;
  event.staff_only = staff_only;
  return td_notify (call->db, td_cases_org_id (call), &event, recipients, NULL, error);
}

/* Offers one ticket to every member of its responsible group that has none yet. */
static gboolean
create_offers (TdApiCall   *call,
               const char  *ticket_id,
               const char  *device_id,
               const char  *category,
               guint       *out_created,
               GError     **error)
{
  const char *org_id = td_cases_org_id (call);
  g_autofree char *customer_id = NULL;
  g_autofree char *template_id = NULL;
  g_autofree char *customer_department_id = NULL;
  g_autofree char *team_id = NULL;
  g_autoptr(JsonObject) modules = NULL;
  g_auto(GStrv) members = NULL;
  JsonObject *flow;

  *out_created = 0;
  td_cases_device_info (call->db, org_id, device_id, &customer_id, &template_id,
                        &customer_department_id);
  modules = td_cases_template_modules (call->db, org_id, template_id, NULL, NULL);
  flow = td_cases_find_module_item (modules, "ticket_flows",
                                    category != NULL && *category != '\0' ? category : NULL);
  if (flow == NULL)
    return TRUE;

  team_id = resolve_team (call->db, org_id, flow, customer_id, customer_department_id);
  if (team_id == NULL)
    return TRUE;

  members = team_members (call->db, org_id, team_id);
  for (guint i = 0; members[i] != NULL; i++)
    {
      g_autoptr(TdDbStmt) exists = NULL;
      g_autoptr(JsonObject) values = NULL;
      g_autofree char *offer_id = NULL;
      TdDbStep step;

      exists = td_db_prepare (call->db, "SELECT 1 FROM ticket_offers WHERE ticket_id = ?"
                                        " AND employee_id = ? AND deleted = 0", error);
      if (exists == NULL)
        return FALSE;
      td_db_stmt_bind_text (exists, 1, ticket_id);
      td_db_stmt_bind_text (exists, 2, members[i]);
      step = td_db_stmt_step (exists, error);
      if (step == TD_DB_STEP_ERROR)
        return FALSE;
      if (step == TD_DB_STEP_ROW)
        continue;

      values = json_object_new ();
      json_object_set_string_member (values, "ticket_id", ticket_id);
      json_object_set_string_member (values, "employee_id", members[i]);
      json_object_set_string_member (values, "team_id", team_id);
      json_object_set_string_member (values, "status", "pending");
      offer_id = td_resource_insert (call->db, &td_cases_ticket_offers, org_id, values, error);
      if (offer_id == NULL)
        return FALSE;

      /* Issue 4 (notifications): "offer received" for members[i], in this transaction. The
       * offer is the request reaching the group, so it is the group's notification of a new
       * ticket too. */
      {
        const char *to[] = { members[i], NULL };

        if (!notify_ticket (call, ticket_id, "offer_received", "Ticket offered to you", NULL,
                            to, TRUE, error))
          return FALSE;
      }
      (*out_created)++;
    }

  return TRUE;
}

static TdApiResponse *
ticket_after_write (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  const char *from = write->current != NULL ? td_json_get_string (write->current, "status") : NULL;
  const char *to = td_json_get_string (write->changes, "status");
  guint created = 0;

  /* Issue 4 (notifications): a new ticket notifies the responsible employees and receivers
   * named at creation (its responsible group hears of it through the offers below), a
   * status change the responsible employees and receivers; both tell the company. */
  if (write->current == NULL || (to != NULL && g_strcmp0 (from, to) != 0))
    {
      g_autofree char *what = NULL;

      if (write->current == NULL)
        what = g_strdup ("New ticket");
      else
        what = g_strdup_printf ("Status %s", to);
      if (!notify_ticket (write->call, write->id,
                          write->current == NULL ? "case_request" : "status_change", what,
                          write->current == NULL ? pick_string (write, "description") : NULL,
                          NULL, FALSE, &error))
        return td_api_internal_error ("Notifying about a ticket failed", error);
    }

  if (g_strcmp0 (to, "open") != 0 || (from != NULL && g_strcmp0 (from, "draft") != 0))
    return NULL;

  if (!create_offers (write->call, write->id, pick_string (write, "device_id"),
                      pick_string (write, "category"), &created, &error))
    return td_api_internal_error ("Creating the offers of a ticket failed", error);

  g_debug ("Ticket %s left draft: %u offers", write->id, created);
  return NULL;
}

static const TdFieldDef ticket_fields[] = {
  { "number",          TD_FIELD_INT,     TD_FIELD_FILTER | TD_FIELD_SORT, 0, NULL, NULL, 0, 0 },
  { "title",           TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SEARCH |
                                         TD_FIELD_SORT, TD_CASES_TITLE_MAX, NULL, NULL, 0, 0 },
  { "description",     TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_SEARCH, TD_CASES_TEXT_MAX,
                                         NULL, NULL, 0, 0 },
  { "device_id",       TD_FIELD_REF,     TD_FIELD_CREATE_ONLY | TD_FIELD_REQUIRED | TD_FIELD_FILTER,
                                         0, NULL, &td_resource_devices, 0, 0 },
  { "customer_id",     TD_FIELD_REF,     TD_FIELD_FILTER | TD_FIELD_NULLABLE, 0, NULL,
                                         &td_resource_customers, 0, 0 },
  { "category",        TD_FIELD_TEXT,    TD_FIELD_CREATE_ONLY | TD_FIELD_FILTER, 100, NULL, NULL, 0, 0 },
  { "priority",        TD_FIELD_ENUM,    TD_FIELD_WRITABLE | TD_FIELD_FILTER | TD_FIELD_SORT, 0,
                                         priorities, NULL, 0, 0 },
  { "visibility",      TD_FIELD_ENUM,    TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, visibilities,
                                         NULL, 0, 0 },
  /* Validated by the hooks against td-status.h, the one list of ticket statuses. */
  { "status",          TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_FILTER | TD_FIELD_SORT, 32,
                                         NULL, NULL, 0, 0 },
  { "responsible_ids", TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL,
                                         &td_resource_employees, 0, 0 },
  { "receiver_ids",    TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_STAFF_ONLY, 0, NULL,
                                         &td_resource_employees, 0, 0 },
  { "labels",          TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL,
                                         &td_resource_labels, 0, 0 },
  { "created_by",      TD_FIELD_REF,     TD_FIELD_FILTER | TD_FIELD_NULLABLE, 0, NULL,
                                         &td_resource_employees, 0, 0 },
  { "rating",          TD_FIELD_INT,     TD_FIELD_NULLABLE | TD_FIELD_FILTER, 0, NULL, NULL, 1, 5 },
  { "rating_comment",  TD_FIELD_TEXT,    TD_FIELD_NULLABLE, TD_CASES_COMMENT_MAX, NULL, NULL, 0, 0 },
  { "closed_at",       TD_FIELD_TIME,    TD_FIELD_NULLABLE | TD_FIELD_SORT | TD_FIELD_DATE_RANGE,
                                         0, NULL, NULL, 0, 0 },
};

const TdResourceDef td_resource_tickets = {
  .collection = "tickets",
  .table = "tickets",
  .type = "ticket",
  .perm_view = TD_PERM_CASES_VIEW,
  .perm_create = TD_PERM_CASES_CREATE,
  .perm_edit = TD_PERM_CASES_EDIT,
  .perm_delete = TD_PERM_CASES_DELETE,
  .isolate_by = TD_ISOLATE_VIA_DEVICE,
  .customer_scope = TD_CUSTOMER_VIA_DEVICE,
  .fields = ticket_fields,
  .n_fields = G_N_ELEMENTS (ticket_fields),
  .default_sort = "-updated_at",
  .created_by_column = "created_by",
  .is_responsible = ticket_is_responsible,
  .before_create = ticket_before_create,
  .before_update = ticket_before_update,
  .after_write = ticket_after_write,
};

/* The dependent rows of a ticket. They are reached only through the ticket's routes, which
 * apply the ticket's scope; as definitions they give td_resource_insert its table and
 * change-feed type. */
static const TdFieldDef message_fields[] = {
  { "ticket_id",      TD_FIELD_REF,  0, 0, NULL, &td_resource_tickets, 0, 0 },
  { "author_id",      TD_FIELD_REF,  TD_FIELD_NULLABLE, 0, NULL, &td_resource_employees, 0, 0 },
  { "body",           TD_FIELD_TEXT, 0, TD_CASES_TEXT_MAX, NULL, NULL, 0, 0 },
  { "attachment_ids", TD_FIELD_JSON, 0, 0, NULL, NULL, 0, 0 },
};

const TdResourceDef td_cases_ticket_messages = {
  .collection = "ticket-messages", .table = "ticket_messages", .type = "ticket_message",
  .perm_view = TD_PERM_CASES_VIEW, .perm_create = TD_PERM_CASES_EDIT,
  .perm_edit = TD_PERM_CASES_EDIT, .perm_delete = TD_PERM_CASES_DELETE,
  .isolate_by = TD_ISOLATE_NONE, .customer_scope = TD_CUSTOMER_NONE,
  .fields = message_fields, .n_fields = G_N_ELEMENTS (message_fields),
  .default_sort = "created_at",
};

static const TdFieldDef update_fields[] = {
  { "ticket_id", TD_FIELD_REF,  0, 0, NULL, &td_resource_tickets, 0, 0 },
  { "author_id", TD_FIELD_REF,  TD_FIELD_NULLABLE, 0, NULL, &td_resource_employees, 0, 0 },
  { "kind",      TD_FIELD_ENUM, 0, 0, update_kinds, NULL, 0, 0 },
  { "body",      TD_FIELD_TEXT, 0, TD_CASES_TEXT_MAX, NULL, NULL, 0, 0 },
};

const TdResourceDef td_cases_ticket_updates = {
  .collection = "ticket-updates", .table = "ticket_updates", .type = "ticket_update",
  .perm_view = TD_PERM_CASES_VIEW, .perm_create = TD_PERM_CASES_EDIT,
  .perm_edit = TD_PERM_CASES_EDIT, .perm_delete = TD_PERM_CASES_DELETE,
  .isolate_by = TD_ISOLATE_NONE, .customer_scope = TD_CUSTOMER_NONE,
  .fields = update_fields, .n_fields = G_N_ELEMENTS (update_fields),
  .default_sort = "created_at",
};

static const TdFieldDef offer_fields[] = {
  { "ticket_id",   TD_FIELD_REF,  0, 0, NULL, &td_resource_tickets, 0, 0 },
  { "employee_id", TD_FIELD_REF,  0, 0, NULL, &td_resource_employees, 0, 0 },
  { "team_id",     TD_FIELD_REF,  TD_FIELD_NULLABLE, 0, NULL, &td_resource_teams, 0, 0 },
  { "status",      TD_FIELD_ENUM, 0, 0, offer_statuses, NULL, 0, 0 },
};

const TdResourceDef td_cases_ticket_offers = {
  .collection = "ticket-offers", .table = "ticket_offers", .type = "ticket_offer",
  .perm_view = TD_PERM_CASES_VIEW, .perm_create = TD_PERM_CASES_ASSIGN,
  .perm_edit = TD_PERM_CASES_ACCEPT_OFFER, .perm_delete = TD_PERM_CASES_ASSIGN,
  .isolate_by = TD_ISOLATE_NONE, .customer_scope = TD_CUSTOMER_NONE,
  .fields = offer_fields, .n_fields = G_N_ELEMENTS (offer_fields),
  .default_sort = "created_at",
};

static const TdFieldDef link_fields[] = {
  { "ticket_id",        TD_FIELD_REF, 0, 0, NULL, &td_resource_tickets, 0, 0 },
  { "video_session_id", TD_FIELD_REF, 0, 0, NULL, &td_resource_video_sessions, 0, 0 },
};

const TdResourceDef td_cases_ticket_video_sessions = {
  .collection = "ticket-video-sessions", .table = "ticket_video_sessions",
  .type = "ticket_video_session",
  .perm_view = TD_PERM_CASES_VIEW, .perm_create = TD_PERM_CASES_EDIT,
  .perm_edit = TD_PERM_CASES_EDIT, .perm_delete = TD_PERM_CASES_EDIT,
  .isolate_by = TD_ISOLATE_NONE, .customer_scope = TD_CUSTOMER_NONE,
  .fields = link_fields, .n_fields = G_N_ELEMENTS (link_fields),
  .default_sort = "created_at",
};

/* Actions */

/* The ticket of the route, if the caller may see it and holds @permission on it. */
static JsonObject *
load_ticket (TdApiCall      *call,
             TdPermission    permission,
             TdApiResponse **out_error)
{
  g_autoptr(JsonObject) ticket = td_resource_load (call, &td_resource_tickets,
                                                   td_cases_route_param (call, "id"), out_error);

  if (ticket == NULL)
    return NULL;
  if (!td_resource_allows (call, &td_resource_tickets, permission, ticket))
    {
      *out_error = td_resource_forbidden ();
      return NULL;
    }
  return g_steal_pointer (&ticket);
}

static gint64
if_match_version (TdApiCall *call)
{
  const char *value = call->request->if_match;
  g_autofree char *trimmed = NULL;
  gint64 version;
  char *end = NULL;

  if (value == NULL)
    return 0;
  trimmed = g_strdup (value);
  g_strstrip (trimmed);
  if (g_str_has_prefix (trimmed, "W/"))
    memmove (trimmed, trimmed + 2, strlen (trimmed + 2) + 1);
  if (trimmed[0] == '"')
    {
      memmove (trimmed, trimmed + 1, strlen (trimmed + 1) + 1);
      if (*trimmed != '\0' && trimmed[strlen (trimmed) - 1] == '"')
        trimmed[strlen (trimmed) - 1] = '\0';
    }
  version = g_ascii_strtoll (trimmed, &end, 10);
  if (end == trimmed || *end != '\0' || version <= 0)
    return -1;
  return version;
}

/* A page of dependent rows as {"items": [...], "next_cursor": ...}. The cursor is the
 * offset in the ticket's thread, which is append-only in the order listed. */
typedef struct
{
  const char *name;
  char        kind;   /* 's' text or null, 'i' integer, 'j' JSON text */
} Column;

static gboolean
parse_page (TdApiCall      *call,
            gint64         *out_limit,
            gint64         *out_offset,
            TdApiResponse **out_error)
{
  const char *limit = g_hash_table_lookup (call->request->query, "limit");
  const char *cursor = g_hash_table_lookup (call->request->query, "cursor");
  guint64 value;

  *out_limit = ACTION_LIST_DEFAULT;
  *out_offset = 0;
  if (limit != NULL)
    {
      if (!g_ascii_string_to_unsigned (limit, 10, 1, ACTION_LIST_MAX, &value, NULL))
        {
          *out_error = td_api_response_new_error (400, "invalid_parameter",
                                                  "limit must be 1 to 500", "limit");
          return FALSE;
        }
      *out_limit = (gint64) value;
    }
  if (cursor != NULL)
    {
      if (!g_ascii_string_to_unsigned (cursor, 10, 0, G_MAXINT32, &value, NULL))
        {
          *out_error = td_api_response_new_error (400, "invalid_parameter",
                                                  "Not a cursor of this list", "cursor");
          return FALSE;
        }
      *out_offset = (gint64) value;
    }
  return TRUE;
}

static TdApiResponse *
list_rows (TdApiCall    *call,
           const char   *sql,
           const char  **params,
           const Column *columns,
           guint         n_columns)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *paged = NULL;
  TdApiResponse *response = NULL;
  JsonObject *body = json_object_new ();
  JsonArray *items = json_array_new ();
  gint64 limit, offset, count = 0;
  guint n_params = 0;
  TdDbStep step;

  json_node_take_object (root, body);
  json_object_set_array_member (body, "items", items);

  if (!parse_page (call, &limit, &offset, &response))
    return response;

  paged = g_strdup_printf ("%s LIMIT ? OFFSET ?", sql);
  stmt = td_db_prepare (call->db, paged, &error);
  if (stmt == NULL)
    return td_api_internal_error ("Listing failed", error);
  for (; params[n_params] != NULL; n_params++)
    td_db_stmt_bind_text (stmt, n_params + 1, params[n_params]);
  td_db_stmt_bind_int64 (stmt, n_params + 1, limit + 1);
  td_db_stmt_bind_int64 (stmt, n_params + 2, offset);

  while ((step = td_db_stmt_step (stmt, &error)) == TD_DB_STEP_ROW)
    {
      JsonObject *item;

      if (++count > limit)
        break;
      item = json_object_new ();
      for (guint i = 0; i < n_columns; i++)
        {
          if (td_db_stmt_is_null (stmt, i))
            json_object_set_null_member (item, columns[i].name);
          else if (columns[i].kind == 'i')
            json_object_set_int_member (item, columns[i].name, td_db_stmt_get_int64 (stmt, i));
          else if (columns[i].kind == 'j')
            {
              JsonNode *node = json_from_string (td_db_stmt_get_text (stmt, i), NULL);

              json_object_set_member (item, columns[i].name,
                                      node != NULL ? node : json_node_new (JSON_NODE_NULL));
            }
          else
            json_object_set_string_member (item, columns[i].name, td_db_stmt_get_text (stmt, i));
        }
      json_array_add_object_element (items, item);
    }
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Listing failed", error);

  if (count > limit)
    {
      g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, offset + limit);

      json_object_set_string_member (body, "next_cursor", next);
    }
  else
    json_object_set_null_member (body, "next_cursor");

  return td_api_response_new_json (200, root);
}

static JsonObject *
object_from_columns (TdDb          *db,
                     const char    *sql,
                     const char   **params,
                     const Column  *columns,
                     guint          n_columns,
                     GError       **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);
  JsonObject *item;

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; params[i] != NULL; i++)
    td_db_stmt_bind_text (stmt, i + 1, params[i]);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return NULL;

  item = json_object_new ();
  for (guint i = 0; i < n_columns; i++)
    {
      if (td_db_stmt_is_null (stmt, i))
        json_object_set_null_member (item, columns[i].name);
      else if (columns[i].kind == 'i')
        json_object_set_int_member (item, columns[i].name, td_db_stmt_get_int64 (stmt, i));
      else if (columns[i].kind == 'j')
        {
          JsonNode *node = json_from_string (td_db_stmt_get_text (stmt, i), NULL);

          json_object_set_member (item, columns[i].name,
                                  node != NULL ? node : json_node_new (JSON_NODE_NULL));
        }
      else
        json_object_set_string_member (item, columns[i].name, td_db_stmt_get_text (stmt, i));
    }
  return item;
}

static TdApiResponse *
respond_object (guint       status,
                JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return td_api_response_new_json (status, node);
}

static TdApiResponse *
commit_and_respond (TdDbTransaction *transaction,
                    TdApiResponse   *response)
{
  g_autoptr(GError) error = NULL;

  if (!td_db_transaction_commit (transaction, &error))
    {
      td_api_response_free (response);
      td_db_transaction_free (transaction);
      return td_cases_commit_error (error);
    }
  td_db_transaction_free (transaction);
  return response;
}

static const Column message_columns[] = {
  { "id", 's' }, { "ticket_id", 's' }, { "author_id", 's' }, { "body", 's' },
  { "attachment_ids", 'j' }, { "version", 'i' }, { "created_at", 's' }, { "updated_at", 's' },
};
#define MESSAGE_SELECT "SELECT id, ticket_id, author_id, body, attachment_ids, version, " \
                       "created_at, updated_at FROM ticket_messages"

/* GET /tickets/{id}/messages: the messenger thread, oldest first. */
TdApiResponse *
td_api_tickets_messages_list (TdApiCall *call)
{
  g_autoptr(JsonObject) ticket = NULL;
  TdApiResponse *response = NULL;
  const char *params[3] = { NULL, NULL, NULL };

  ticket = load_ticket (call, TD_PERM_CASES_VIEW, &response);
  if (ticket == NULL)
    return response;

  params[0] = td_json_get_string (ticket, "id");
  params[1] = td_cases_org_id (call);
  return list_rows (call, MESSAGE_SELECT " WHERE ticket_id = ? AND org_id = ? AND deleted = 0"
                                         " ORDER BY created_at, id",
                    params, message_columns, G_N_ELEMENTS (message_columns));
}

/* Attachments are uploaded separately (td-api-attachments.c); a message may only name the
 * caller's own uploads that no message owns yet. */
static gboolean
check_attachments (TdApiCall      *call,
                   JsonArray      *ids,
                   TdApiResponse **out_error)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      g_autoptr(TdDbStmt) stmt = NULL;
      const char *id = json_array_get_string_element (ids, i);
      TdDbStep step;

      stmt = td_db_prepare (call->db, "SELECT 1 FROM attachments WHERE id = ? AND org_id = ?"
                                      " AND deleted = 0 AND owner_id IS NULL AND created_by = ?",
                            &error);
      if (stmt == NULL)
        {
          *out_error = td_api_internal_error ("Checking attachments failed", error);
          return FALSE;
        }
      td_db_stmt_bind_text (stmt, 1, id);
      td_db_stmt_bind_text (stmt, 2, td_cases_org_id (call));
      td_db_stmt_bind_text (stmt, 3, td_cases_user_id (call));
      step = td_db_stmt_step (stmt, &error);
      if (step == TD_DB_STEP_ERROR)
        {
          *out_error = td_api_internal_error ("Checking attachments failed", error);
          return FALSE;
        }
      if (step != TD_DB_STEP_ROW)
        {
          *out_error = td_resource_invalid ("attachment_ids", "No such attachment");
          return FALSE;
        }
    }
  return TRUE;
}

/* POST /tickets/{id}/messages {"body", "attachment_ids"}: writes into the thread (cases.edit:
 * the messenger is part of working on a ticket). */
TdApiResponse *
td_api_tickets_messages_create (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autofree char *id = NULL;
  g_autofree char *stripped = NULL;
  TdApiResponse *response = NULL;
  JsonArray *attachments;
  JsonNode *node;
  const char *text;
  const char *params[2] = { NULL, NULL };

  if (!td_cases_precheck (call, &td_resource_tickets, TD_PERM_CASES_EDIT, &response))
    return response;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_api_get_string_field (body, "body", TRUE, TD_CASES_TEXT_MAX, &text, &response))
    return response;
  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    return td_resource_invalid ("body", "The message is empty");

  node = json_object_get_member (body, "attachment_ids");
  attachments = json_array_new ();
  values = json_object_new ();
  json_object_set_array_member (values, "attachment_ids", attachments);
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node) ||
          json_array_get_length (array = json_node_get_array (node)) > MESSAGES_MAX_ATTACHMENTS)
        return td_resource_invalid ("attachment_ids", "Expected an array of at most 20 ids");
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING ||
              !td_uuid_is_valid (json_node_get_string (element)))
            return td_resource_invalid ("attachment_ids", "Every element must be an id");
          for (guint j = 0; j < i; j++)
            if (g_strcmp0 (json_array_get_string_element (array, j),
                           json_node_get_string (element)) == 0)
              return td_resource_invalid ("attachment_ids", "An attachment is named twice");
          json_array_add_string_element (attachments, json_node_get_string (element));
        }
    }

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_cases_commit_error (error);

  ticket = load_ticket (call, TD_PERM_CASES_EDIT, &response);
  if (ticket == NULL)
    return response;
  if (!check_attachments (call, attachments, &response))
    return response;

  json_object_set_string_member (values, "ticket_id", td_json_get_string (ticket, "id"));
  json_object_set_string_member (values, "author_id", td_cases_user_id (call));
  json_object_set_string_member (values, "body", text);
  id = td_resource_insert (call->db, &td_cases_ticket_messages, td_cases_org_id (call), values,
                           &error);
  if (id == NULL)
    return td_cases_commit_error (error);

  for (guint i = 0; i < json_array_get_length (attachments); i++)
    {
      g_autoptr(TdDbStmt) own = td_db_prepare (call->db, "UPDATE attachments SET owner_type ="
                                                         " 'ticket_message', owner_id = ?,"
                                                         " version = version + 1, updated_at = ?"
                                                         " WHERE id = ?", &error);
      g_autofree char *now = td_time_now ();
      const char *attachment_id = json_array_get_string_element (attachments, i);

      if (own == NULL)
        return td_cases_commit_error (error);
      td_db_stmt_bind_text (own, 1, id);
      td_db_stmt_bind_text (own, 2, now);
      td_db_stmt_bind_text (own, 3, attachment_id);
      if (!td_db_stmt_run (own, &error) ||
          td_changes_record (call->db, td_cases_org_id (call), td_cases_attachments.type,
                             attachment_id, "upsert", &error) == 0)
        return td_cases_commit_error (error);
    }

  /* Issue 4 (notifications): "new message" for the responsible employees and receivers. */
  if (!notify_ticket (call, td_json_get_string (ticket, "id"), "message", "New message", text,
                      NULL, FALSE, &error))
    return td_cases_commit_error (error);

  params[0] = id;
  created = object_from_columns (call->db, MESSAGE_SELECT " WHERE id = ?", params,
                                 message_columns, G_N_ELEMENTS (message_columns), &error);
  if (created == NULL)
    return td_cases_commit_error (error);

  return commit_and_respond (g_steal_pointer (&transaction),
                             respond_object (201, g_steal_pointer (&created)));
}

static const Column update_columns[] = {
  { "id", 's' }, { "ticket_id", 's' }, { "author_id", 's' }, { "kind", 's' }, { "body", 's' },
  { "version", 'i' }, { "created_at", 's' }, { "updated_at", 's' },
};
#define UPDATE_SELECT "SELECT id, ticket_id, author_id, kind, body, version, created_at, " \
                      "updated_at FROM ticket_updates"

/* GET /tickets/{id}/updates: public and internal updates; customer users get the public
 * ones only. */
TdApiResponse *
td_api_tickets_updates_list (TdApiCall *call)
{
  g_autoptr(JsonObject) ticket = NULL;
  TdApiResponse *response = NULL;
  const char *params[3] = { NULL, NULL, NULL };

  ticket = load_ticket (call, TD_PERM_CASES_VIEW, &response);
  if (ticket == NULL)
    return response;

  params[0] = td_json_get_string (ticket, "id");
  params[1] = td_cases_org_id (call);
  if (td_cases_is_customer (call))
    return list_rows (call, UPDATE_SELECT " WHERE ticket_id = ? AND org_id = ? AND deleted = 0"
                                          " AND kind = 'public' ORDER BY created_at, id",
                      params, update_columns, G_N_ELEMENTS (update_columns));
  return list_rows (call, UPDATE_SELECT " WHERE ticket_id = ? AND org_id = ? AND deleted = 0"
                                        " ORDER BY created_at, id",
                    params, update_columns, G_N_ELEMENTS (update_columns));
}

/* POST /tickets/{id}/updates {"kind": "public" | "internal", "body"}. */
TdApiResponse *
td_api_tickets_updates_create (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autofree char *id = NULL;
  g_autofree char *stripped = NULL;
  TdApiResponse *response = NULL;
  const char *kind, *text;
  const char *params[2] = { NULL, NULL };

  if (!td_cases_precheck (call, &td_resource_tickets, TD_PERM_CASES_EDIT, &response))
    return response;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_api_get_string_field (body, "kind", TRUE, 16, &kind, &response) ||
      !td_api_get_string_field (body, "body", TRUE, TD_CASES_TEXT_MAX, &text, &response))
    return response;
  if (!g_strv_contains (update_kinds, kind))
    return td_resource_invalid ("kind", "kind must be public or internal");
  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    return td_resource_invalid ("body", "The update is empty");

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_cases_commit_error (error);

  ticket = load_ticket (call, TD_PERM_CASES_EDIT, &response);
  if (ticket == NULL)
    return response;
  if (td_cases_is_customer (call) && g_str_equal (kind, "internal"))
    return td_cases_forbidden_field ("kind");

  values = json_object_new ();
  json_object_set_string_member (values, "ticket_id", td_json_get_string (ticket, "id"));
  json_object_set_string_member (values, "author_id", td_cases_user_id (call));
  json_object_set_string_member (values, "kind", kind);
  json_object_set_string_member (values, "body", text);
  id = td_resource_insert (call->db, &td_cases_ticket_updates, td_cases_org_id (call), values,
                           &error);
  if (id == NULL)
    return td_cases_commit_error (error);

  /* Issue 4 (notifications): "public update" for the responsible employees and receivers
   * (an internal one for them only, never for the company). */
  if (!notify_ticket (call, td_json_get_string (ticket, "id"), "message",
                      g_str_equal (kind, "public") ? "New update" : "New internal update", text,
                      NULL, !g_str_equal (kind, "public"), &error))
    return td_cases_commit_error (error);

  params[0] = id;
  created = object_from_columns (call->db, UPDATE_SELECT " WHERE id = ?", params,
                                 update_columns, G_N_ELEMENTS (update_columns), &error);
  if (created == NULL)
    return td_cases_commit_error (error);

  return commit_and_respond (g_steal_pointer (&transaction),
                             respond_object (201, g_steal_pointer (&created)));
}

static const Column offer_columns[] = {
  { "id", 's' }, { "ticket_id", 's' }, { "employee_id", 's' }, { "team_id", 's' },
  { "status", 's' }, { "version", 'i' }, { "created_at", 's' }, { "updated_at", 's' },
};
#define OFFER_SELECT "SELECT id, ticket_id, employee_id, team_id, status, version, created_at, " \
                     "updated_at FROM ticket_offers"

/* GET /tickets/{id}/offers: who the ticket was offered to. Offers are the operator's
 * internal dispatching: customer users get 403. */
TdApiResponse *
td_api_tickets_offers_list (TdApiCall *call)
{
  g_autoptr(JsonObject) ticket = NULL;
  TdApiResponse *response = NULL;
  const char *params[3] = { NULL, NULL, NULL };

  ticket = load_ticket (call, TD_PERM_CASES_VIEW, &response);
  if (ticket == NULL)
    return response;
  if (td_cases_is_customer (call))
    return td_resource_forbidden ();

  params[0] = td_json_get_string (ticket, "id");
  params[1] = td_cases_org_id (call);
  return list_rows (call, OFFER_SELECT " WHERE ticket_id = ? AND org_id = ? AND deleted = 0"
                                       " ORDER BY created_at, id",
                    params, offer_columns, G_N_ELEMENTS (offer_columns));
}

/* Sets the status of an offer, as a versioned write with a change-feed entry. */
static gboolean
set_offer_status (TdApiCall   *call,
                  const char  *offer_id,
                  const char  *status,
                  GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();

  stmt = td_db_prepare (call->db, "UPDATE ticket_offers SET status = ?, version = version + 1,"
                                  " updated_at = ? WHERE id = ? AND org_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, status);
  td_db_stmt_bind_text (stmt, 2, now);
  td_db_stmt_bind_text (stmt, 3, offer_id);
  td_db_stmt_bind_text (stmt, 4, td_cases_org_id (call));
  return td_db_stmt_run (stmt, error) &&
         td_changes_record (call->db, td_cases_org_id (call), td_cases_ticket_offers.type,
                            offer_id, "upsert", error) != 0;
}

/* Adds @add to and removes @remove from the ticket's responsible employees; moves an open
 * ticket to assigned when someone is added (DOMAIN.md §5). */
static JsonObject *
change_responsible (TdApiCall            *call,
                    JsonObject           *ticket,
                    const char * const   *add,
                    const char * const   *remove,
                    gint64                expected_version,
                    TdApiResponse       **out_error)
{
  g_auto(GStrv) current = td_cases_row_ids (ticket, "responsible_ids");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(JsonObject) changes = json_object_new ();
  g_auto(GStrv) ids = NULL;
  JsonObject *updated;
  gboolean added = FALSE;

  for (guint i = 0; current[i] != NULL; i++)
    if (remove == NULL || !g_strv_contains (remove, current[i]))
      {
        g_strv_builder_add (builder, current[i]);
        g_ptr_array_add (seen, current[i]);
      }
  for (guint i = 0; add != NULL && add[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) current, add[i]) &&
        !g_ptr_array_find_with_equal_func (seen, add[i], g_str_equal, NULL))
      {
        g_strv_builder_add (builder, add[i]);
        g_ptr_array_add (seen, (gpointer) add[i]);
        added = TRUE;
      }
  ids = g_strv_builder_end (builder);

  json_object_set_member (changes, "responsible_ids",
                          td_cases_ids_node ((const char * const *) ids));
  if (added && g_strcmp0 (td_json_get_string (ticket, "status"), "open") == 0)
    json_object_set_string_member (changes, "status", "assigned");

  td_cases_system_write_begin ();
  updated = td_resource_write (call, &td_resource_tickets, td_json_get_string (ticket, "id"),
                               changes, expected_version, out_error);
  td_cases_system_write_end ();

  /* Issue 4 (notifications): "assignment" for every id of @add. */
  if (updated != NULL && added)
    {
      g_autoptr(GError) error = NULL;

      if (!notify_ticket (call, td_json_get_string (ticket, "id"), "assignment",
                          "Assigned to you", NULL, add, TRUE, &error))
        {
          json_object_unref (updated);
          *out_error = td_api_internal_error ("Notifying an assignment failed", error);
          return NULL;
        }
    }
  return updated;
}

static TdApiResponse *
answer_offer (TdApiCall *call,
              gboolean   accept)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) offer = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  TdApiResponse *response = NULL;
  const char *offer_id = td_cases_route_param (call, "offer_id");
  const char *params[4] = { NULL, NULL, NULL, NULL };
  const char *me = td_cases_user_id (call);

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_cases_commit_error (error);

  ticket = load_ticket (call, TD_PERM_CASES_VIEW, &response);
  if (ticket == NULL)
    return response;

  params[0] = offer_id;
  params[1] = td_json_get_string (ticket, "id");
  params[2] = td_cases_org_id (call);
  offer = object_from_columns (call->db, OFFER_SELECT " WHERE id = ? AND ticket_id = ?"
                                                     " AND org_id = ? AND deleted = 0",
                               params, offer_columns, G_N_ELEMENTS (offer_columns), &error);
  if (offer == NULL && error != NULL)
    return td_cases_commit_error (error);
  if (offer == NULL || td_cases_is_customer (call))
    return td_resource_not_found ();

  /* An offer is personal: only the employee it was made to answers it. */
  if (!td_resource_allows (call, &td_resource_tickets, TD_PERM_CASES_ACCEPT_OFFER, ticket) ||
      g_strcmp0 (td_json_get_string (offer, "employee_id"), me) != 0)
    return td_resource_forbidden ();
  if (g_strcmp0 (td_json_get_string (offer, "status"), "pending") != 0)
    return td_resource_conflict ("The offer has already been answered");

  if (!set_offer_status (call, offer_id, accept ? "accepted" : "declined", &error))
    return td_cases_commit_error (error);

  if (accept)
    {
      const char *add[] = { me, NULL };

      if (td_status_is_final (TD_CASE_TICKET, td_json_get_string (ticket, "status")))
        return td_resource_conflict ("The ticket is closed or cancelled");
      updated = change_responsible (call, ticket, add, NULL, 0, &response);
      if (updated == NULL)
        return response;
    }
  else
    updated = td_resource_load (call, &td_resource_tickets, td_json_get_string (ticket, "id"),
                                &response);
  if (updated == NULL)
    return response;

  return commit_and_respond (g_steal_pointer (&transaction),
                             td_cases_respond_row (call, &td_resource_tickets, 200, updated));
}

/* POST /tickets/{id}/offers/{offer_id}/accept: the employee takes the ticket. */
TdApiResponse *
td_api_tickets_offer_accept (TdApiCall *call)
{
  return answer_offer (call, TRUE);
}

/* POST /tickets/{id}/offers/{offer_id}/decline */
TdApiResponse *
td_api_tickets_offer_decline (TdApiCall *call)
{
  return answer_offer (call, FALSE);
}

/* Every id must be a live employee of the operator (not a customer user) in the caller's
 * organization; the first one that is not is named in the 400. */
static TdApiResponse *
check_employees (TdApiCall *call,
                 GPtrArray *ids)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(TdDbStmt) stmt = td_db_prepare (call->db, "SELECT 1 FROM employees WHERE id = ?"
                                                          " AND org_id = ? AND deleted = 0"
                                                          " AND customer_id IS NULL"
                                                          " AND status <> 'disabled'", &error);
      TdDbStep step;

      if (stmt == NULL)
        return td_api_internal_error ("Checking employees failed", error);
      td_db_stmt_bind_text (stmt, 1, g_ptr_array_index (ids, i));
      td_db_stmt_bind_text (stmt, 2, td_cases_org_id (call));
      step = td_db_stmt_step (stmt, &error);
      if (step == TD_DB_STEP_ERROR)
        return td_api_internal_error ("Checking employees failed", error);
      if (step != TD_DB_STEP_ROW)
        return td_resource_invalid ("employee_ids", "Not an employee of the organization");
    }
  return NULL;
}

static TdApiResponse *
assign_or_withdraw (TdApiCall *call,
                    gboolean   assign)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  TdApiResponse *response = NULL;
  gint64 expected = if_match_version (call);

  if (!td_cases_precheck (call, &td_resource_tickets, TD_PERM_CASES_ASSIGN, &response))
    return response;

  if (expected < 0)
    return td_api_response_new_error (400, "invalid_parameter",
                                      "If-Match must be a version in quotes", "If-Match");

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_cases_parse_id_list (body, "employee_ids", &ids, &response))
    return response;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_cases_commit_error (error);

  ticket = load_ticket (call, TD_PERM_CASES_ASSIGN, &response);
  if (ticket == NULL)
    return response;
  if (assign && (response = check_employees (call, ids)) != NULL)
    return response;
  if (assign && td_status_is_final (TD_CASE_TICKET, td_json_get_string (ticket, "status")))
    return td_resource_conflict ("The ticket is closed or cancelled");

  g_ptr_array_add (ids, NULL);
  updated = change_responsible (call, ticket,
                                assign ? (const char * const *) ids->pdata : NULL,
                                assign ? NULL : (const char * const *) ids->pdata,
                                expected, &response);
  if (updated == NULL)
    return response;

  return commit_and_respond (g_steal_pointer (&transaction),
                             td_cases_respond_row (call, &td_resource_tickets, 200, updated));
}

/* POST /tickets/{id}/assign {"employee_ids": [...]} */
TdApiResponse *
td_api_tickets_assign (TdApiCall *call)
{
  return assign_or_withdraw (call, TRUE);
}

/* POST /tickets/{id}/withdraw {"employee_ids": [...]} */
TdApiResponse *
td_api_tickets_withdraw (TdApiCall *call)
{
  return assign_or_withdraw (call, FALSE);
}

/* POST /tickets/{id}/rating {"stars": 1–5, "comment"}: by a customer user of the ticket's
 * company (code users rate through the public API later); closes a done ticket. */
TdApiResponse *
td_api_tickets_rate (TdApiCall *call)
{
  return td_cases_rate (call, &td_resource_tickets, "ticket");
}

/* GET /tickets/{id}/video-sessions: the linked video sessions the caller can see. */
TdApiResponse *
td_api_tickets_video_list (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  TdApiResponse *response = NULL;
  JsonObject *body = json_object_new ();
  JsonArray *items = json_array_new ();
  TdDbStep step;

  json_node_take_object (root, body);
  json_object_set_array_member (body, "items", items);
  json_object_set_null_member (body, "next_cursor");

  ticket = load_ticket (call, TD_PERM_CASES_VIEW, &response);
  if (ticket == NULL)
    return response;

  stmt = td_db_prepare (call->db, "SELECT video_session_id FROM ticket_video_sessions"
                                  " WHERE ticket_id = ? AND org_id = ? AND deleted = 0"
                                  " ORDER BY created_at, id LIMIT 500", &error);
  if (stmt == NULL)
    return td_api_internal_error ("Listing linked video sessions failed", error);
  td_db_stmt_bind_text (stmt, 1, td_json_get_string (ticket, "id"));
  td_db_stmt_bind_text (stmt, 2, td_cases_org_id (call));
  while ((step = td_db_stmt_step (stmt, &error)) == TD_DB_STEP_ROW)
    {
      g_autoptr(JsonObject) session = NULL;
      TdApiResponse *hidden = NULL;

      session = td_resource_load (call, &td_resource_video_sessions,
                                  td_db_stmt_get_text (stmt, 0), &hidden);
      if (session == NULL)
        {
          g_clear_pointer (&hidden, td_api_response_free);
          continue;
        }
      json_array_add_element (items, td_resource_present (call, &td_resource_video_sessions,
                                                          session));
    }
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Listing linked video sessions failed", error);

  return td_api_response_new_json (200, root);
}

static TdApiResponse *
link_or_unlink (TdApiCall *call,
                gboolean   link)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) find = NULL;
  g_autofree char *link_id = NULL;
  TdApiResponse *response = NULL;
  TdDbStep step;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_cases_commit_error (error);

  ticket = load_ticket (call, TD_PERM_CASES_EDIT, &response);
  if (ticket == NULL)
    return response;
  session = td_resource_load (call, &td_resource_video_sessions,
                              td_cases_route_param (call, "video_session_id"), &response);
  if (session == NULL)
    return response;

  find = td_db_prepare (call->db, "SELECT id FROM ticket_video_sessions WHERE ticket_id = ?"
                                  " AND video_session_id = ? AND deleted = 0", &error);
  if (find == NULL)
    return td_cases_commit_error (error);
  td_db_stmt_bind_text (find, 1, td_json_get_string (ticket, "id"));
  td_db_stmt_bind_text (find, 2, td_json_get_string (session, "id"));
  step = td_db_stmt_step (find, &error);
  if (step == TD_DB_STEP_ERROR)
    return td_cases_commit_error (error);
  if (step == TD_DB_STEP_ROW)
    link_id = td_db_stmt_dup_text (find, 0);

  if (link && link_id == NULL)
    {
      g_autoptr(JsonObject) values = json_object_new ();
      g_autofree char *id = NULL;

      json_object_set_string_member (values, "ticket_id", td_json_get_string (ticket, "id"));
      json_object_set_string_member (values, "video_session_id", td_json_get_string (session, "id"));
      id = td_resource_insert (call->db, &td_cases_ticket_video_sessions, td_cases_org_id (call),
                               values, &error);
      if (id == NULL)
        return td_cases_commit_error (error);
    }
  else if (!link)
    {
      g_autoptr(TdDbStmt) tombstone = NULL;
      g_autofree char *now = td_time_now ();

      if (link_id == NULL)
        return td_resource_not_found ();
      tombstone = td_db_prepare (call->db, "UPDATE ticket_video_sessions SET deleted = 1,"
                                           " version = version + 1, updated_at = ? WHERE id = ?",
                                 &error);
      if (tombstone == NULL)
        return td_cases_commit_error (error);
      td_db_stmt_bind_text (tombstone, 1, now);
      td_db_stmt_bind_text (tombstone, 2, link_id);
      if (!td_db_stmt_run (tombstone, &error) ||
          td_changes_record (call->db, td_cases_org_id (call), td_cases_ticket_video_sessions.type,
                             link_id, "delete", &error) == 0)
        return td_cases_commit_error (error);
    }

  return commit_and_respond (g_steal_pointer (&transaction), td_api_response_new (204));
}

/* POST /tickets/{id}/video-sessions/{video_session_id}: links (idempotent). */
TdApiResponse *
td_api_tickets_video_link (TdApiCall *call)
{
  return link_or_unlink (call, TRUE);
}

/* DELETE /tickets/{id}/video-sessions/{video_session_id} */
TdApiResponse *
td_api_tickets_video_unlink (TdApiCall *call)
{
  return link_or_unlink (call, FALSE);
}
