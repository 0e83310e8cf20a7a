/* td-api-lifecycle.c: a customer company becomes an independent organization (issue 4)
 *
 * DOMAIN.md §1: a corporate customer with customer login can leave the operator's tenant.
 * Its administrator asks for it (POST /api/v1/company/become-independent, permission
 * organization.become_independent, customer administrators only), and in one transaction:
 *
 *  - a new organization is created, named after the company (or as the body says);
 *  - the company's users become employees of it (customer_id NULL, same role name: admin,
 *    moderator, member; no departments), their pending invitations go with them;
 *  - its devices go, with their codes (and the codes' share links), task events, and the
 *    open cases of those devices: tickets and video sessions not closed or cancelled, tasks
 *    not done or cancelled, with the tickets' messages and updates, the attachments of both
 *    and the ticket / video-session links whose two ends both moved;
 *  - what points into the operator's tenant is cleared or copied (below);
 *  - the closed cases stay with the operator as read-only history; the customer record stays
 *    too, marked status "independent" with the new tenant's id;
 *  - every session and unredeemed share-login token of the moved users is revoked: their
 *    organization changed, so the client must sign in again (the answer says so).
 *
 * References into the old tenant, field by field:
 *  - devices: template_id → a copy of the template in the new tenant (the device mirrors
 *    it, and task events name its task definitions); customer_id, customer_department_id →
 *    NULL (the new tenant has no customers); the company's customer departments become
 *    departments of the new tenant and a device of one is put in it, other departments are
 *    dropped; labels → [] (the operator's labels stay with the operator).
 *  - codes: departments, labels → [].
 *  - tickets: customer_id → NULL; responsible_ids, labels → []; receiver_ids keep only moved
 *    users; created_by is kept for a moved user, else NULL. Offers (to the operator's
 *    employees) are withdrawn: tombstoned in the old tenant.
 *  - video sessions: customer_id → NULL; requested_ids, responsible_ids → []; created_by as
 *    for tickets.
 *  - tasks: responsible_ids → []; created_by as for tickets. Task events: created_by as for
 *    tickets; definition_id stays (the template copy keeps the definitions).
 *  - messages, updates, attachments: unchanged apart from org_id (authors stay as history).
 *  - ticket / video-session links with one end staying behind: tombstoned.
 *
 * Change feed: every moved object gets a "delete" in the old organization (the operator's
 * users drop it) and an "upsert" in the new one; withdrawn rows a "delete" in the old one;
 * created rows (organization, template copies, departments) an "upsert" in the new one. The
 * moved users' scope_seq is set, so their old change-feed cursors are void (410).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-lifecycle"

#include "config.h"

#include <stdarg.h>

#include "td-api-lifecycle.h"

#include "td-api-cases-private.h"
#include "td-api-org-private.h"
#include "td-api-routes.h"
#include "td-json.h"
#include "td-random.h"
#include "td-status.h"
#include "td-store-lifecycle.h"
#include "td-store-orgs.h"
#include "td-time.h"

#define ORGANIZATION_NAME_MAX 200

typedef struct
{
  const char *type;
  char       *id;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->id);
  g_free (entry);
}

typedef struct
{
  TdDb       *db;
  const char *old_org;
  const char *new_org;
  const char *customer_id;
  char       *now;
  GPtrArray  *moved;    /* Entry: delete in the old organization, upsert in the new one */
  GPtrArray  *removed;  /* Entry: delete in the old organization */
  GPtrArray  *created;  /* Entry: upsert in the new organization */
  JsonObject *counts;   /* per table: how many rows moved */
} Move;

static void
move_clear (Move *move)
{
  g_clear_pointer (&move->now, g_free);
  g_clear_pointer (&move->moved, g_ptr_array_unref);
  g_clear_pointer (&move->removed, g_ptr_array_unref);
  g_clear_pointer (&move->created, g_ptr_array_unref);
  g_clear_pointer (&move->counts, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Move, move_clear)

static void
add_entry (GPtrArray  *list,
           const char *type,
           const char *id)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->type = type;
  entry->id = g_strdup (id);
  g_ptr_array_add (list, entry);
}

/* Prepares @sql and binds the @n string parameters that follow. */
static TdDbStmt *
prepare_va (TdDb        *db,
            GError     **error,
            const char  *sql,
            guint        n,
            va_list      args)
{
  TdDbStmt *stmt = td_db_prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        td_db_stmt_bind_text (stmt, i + 1, value);
      else
        td_db_stmt_bind_null (stmt, i + 1);
    }
  return stmt;
}

static gboolean
run (TdDb        *db,
     GError     **error,
     const char  *sql,
     guint        n,
     ...)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  va_list args;

  va_start (args, n);
  stmt = prepare_va (db, error, sql, n, args);
  va_end (args);
  return stmt != NULL && td_db_stmt_run (stmt, error);
}

/* The first column of every row @sql returns. */
static GPtrArray *
select_ids (TdDb        *db,
            GError     **error,
            const char  *sql,
            guint        n,
            ...)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;
  va_list args;

  va_start (args, n);
  stmt = prepare_va (db, error, sql, n, args);
  va_end (args);
  if (stmt == NULL)
    return NULL;
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (ids, td_db_stmt_dup_text (stmt, 0));
  if (step == TD_DB_STEP_ERROR)
    return NULL;
  return g_steal_pointer (&ids);
}

/* "status NOT IN ('closed', 'cancelled')" for @kind, from the status machines of
 * td-status.c (constants of our own, never input). */
static char *
open_status_sql (TdCaseKind kind)
{
  const char * const *all = td_status_all (kind);
  g_autoptr(GString) sql = g_string_new ("status NOT IN (");
  gboolean first = TRUE;

  for (guint i = 0; all[i] != NULL; i++)
    if (td_status_is_final (kind, all[i]))
      {
        g_string_append_printf (sql, "%s'%s'", first ? "" : ", ", all[i]);
        first = FALSE;
      }
  g_string_append (sql, ")");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Moves the live rows of @def in the old organization that @where_sql selects into the new
 * one, applying @set_sql to each. In @where_sql ?1 is the old organization, ?2 the new one
 * and ?3 the company; in @set_sql ?1 is the new organization. @remove tombstones the rows
 * in the old organization instead. */
static gboolean
move_rows (Move                *move,
           const TdResourceDef *def,
           const char          *where_sql,
           const char          *set_sql,
           gboolean             remove,
           GError             **error)
{
  /* Every select names all three parameters, so that they bind alike. */
  g_autofree char *select_sql = g_strdup_printf ("SELECT id FROM %s WHERE org_id = ?1"
                                                 " AND deleted = 0 AND (%s)"
                                                 " AND coalesce (?2, ?3) IS NOT NULL",
                                                 def->table, where_sql);
  g_autofree char *update_sql = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  if (remove)
    update_sql = g_strdup_printf ("UPDATE %s SET deleted = 1, version = version + 1,"
                                  " updated_at = ?2 WHERE id = ?3 AND ?1 IS NOT NULL",
                                  def->table);
  else
    update_sql = g_strdup_printf ("UPDATE %s SET org_id = ?1, version = version + 1,"
                                  " updated_at = ?2%s%s WHERE id = ?3", def->table,
                                  set_sql != NULL ? ", " : "", set_sql != NULL ? set_sql : "");

  ids = select_ids (move->db, error, select_sql, 3, move->old_org, move->new_org,
                    move->customer_id);
  if (ids == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      if (!run (move->db, error, update_sql, 3, move->new_org, move->now, ids->pdata[i]))
        return FALSE;
      add_entry (remove ? move->removed : move->moved, def->type, ids->pdata[i]);
    }
  if (!remove)
    json_object_set_int_member (move->counts, def->table, ids->len);
  return TRUE;
}

/* Copies each row @select_sql finds (parameters: old organization, company) into the new
 * organization with @insert_sql (new id, new organization, now, now, old id), then points
 * the company's devices at the copy with @point_sql (new id, old organization, company, old
 * id). */
static gboolean
copy_rows (Move        *move,
           const char  *type,
           const char  *select_sql,
           const char  *insert_sql,
           const char  *point_sql,
           GError     **error)
{
  g_autoptr(GPtrArray) ids = select_ids (move->db, error, select_sql, 2, move->old_org,
                                         move->customer_id);

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *copy = td_uuid_new ();

      if (!run (move->db, error, insert_sql, 5, copy, move->new_org, move->now, move->now,
                ids->pdata[i]) ||
          !run (move->db, error, point_sql, 4, copy, move->old_org, move->customer_id,
                ids->pdata[i]))
        return FALSE;
      add_entry (move->created, type, copy);
    }
  return TRUE;
}

/* The templates of the company's devices are copied (a device mirrors its template, and
 * task events name its task definitions); the company's customer departments become
 * departments of the new organization, and a device of one is put in it. */
static gboolean
copy_templates_and_departments (Move    *move,
                                GError **error)
{
  return copy_rows (move, td_resource_templates.type,
                    "SELECT DISTINCT template_id FROM devices"
                    " WHERE org_id = ? AND customer_id = ? AND deleted = 0",
                    "INSERT INTO templates (id, org_id, name, description, departments, modules,"
                    " rating_tickets, rating_video_sessions, version, created_at, updated_at,"
                    " deleted) SELECT ?, ?, name, description, '[]', modules, rating_tickets,"
                    " rating_video_sessions, 1, ?, ?, 0 FROM templates WHERE id = ?",
                    "UPDATE devices SET template_id = ? WHERE org_id = ? AND customer_id = ?"
                    " AND deleted = 0 AND template_id = ?", error) &&
         run (move->db, error, "UPDATE devices SET departments = '[]'"
                               " WHERE org_id = ? AND customer_id = ? AND deleted = 0",
              2, move->old_org, move->customer_id) &&
         copy_rows (move, td_resource_departments.type,
                    "SELECT id FROM customer_departments"
                    " WHERE org_id = ? AND customer_id = ? AND deleted = 0",
                    "INSERT INTO departments (id, org_id, name, address, contact, version,"
                    " created_at, updated_at, deleted)"
                    " SELECT ?, ?, name, '', coalesce (contact, '{}'), 1, ?, ?, 0"
                    " FROM customer_departments WHERE id = ?",
                    "UPDATE devices SET departments = json_array (?) WHERE org_id = ?"
                    " AND customer_id = ? AND deleted = 0 AND customer_department_id = ?",
                    error);
}

#define MOVED_USERS     "SELECT id FROM employees WHERE org_id = ?1"
#define KEEP_MOVED(col) col " = CASE WHEN " col " IN (" MOVED_USERS ") THEN " col " END"
#define ONLY_MOVED(col) col " = (SELECT json_group_array (j.value) FROM json_each (" col ") j" \
                        " WHERE j.value IN (" MOVED_USERS "))"
#define OF_MOVED(col, table) col " IN (SELECT id FROM " table " WHERE org_id = ?2)"

static gboolean
move_everything (Move    *move,
                 GError **error)
{
  g_autofree char *open_tickets = open_status_sql (TD_CASE_TICKET);
  g_autofree char *open_sessions = open_status_sql (TD_CASE_VIDEO_SESSION);
  g_autofree char *open_tasks = open_status_sql (TD_CASE_TASK);
  g_autofree char *tickets_where = g_strconcat (OF_MOVED ("device_id", "devices"), " AND ",
                                                open_tickets, NULL);
  g_autofree char *sessions_where = g_strconcat (OF_MOVED ("device_id", "devices"), " AND ",
                                                 open_sessions, NULL);
  g_autofree char *tasks_where = g_strconcat (OF_MOVED ("device_id", "devices"), " AND ",
                                              open_tasks, NULL);

  /* The users first: the rules for the cases below ask who moved. */
  return move_rows (move, &td_resource_employees, "customer_id = ?3",
                    "customer_id = NULL, departments = '[]'", FALSE, error) &&
         move_rows (move, &td_resource_invitations, "customer_id = ?3",
                    "customer_id = NULL, departments = '[]'", FALSE, error) &&
         copy_templates_and_departments (move, error) &&
         move_rows (move, &td_resource_devices, "customer_id = ?3",
                    "customer_id = NULL, customer_department_id = NULL, labels = '[]'",
                    FALSE, error) &&
         move_rows (move, &td_resource_codes, OF_MOVED ("device_id", "devices"),
                    "departments = '[]', labels = '[]'", FALSE, error) &&
         run (move->db, error, "UPDATE code_share_links SET org_id = ?1"
                               " WHERE code_id IN (SELECT id FROM codes WHERE org_id = ?1)",
              1, move->new_org) &&
         move_rows (move, &td_resource_tickets, tickets_where,
                    "customer_id = NULL, responsible_ids = '[]', labels = '[]', "
                    ONLY_MOVED ("receiver_ids") ", " KEEP_MOVED ("created_by"), FALSE, error) &&
         move_rows (move, &td_cases_ticket_messages, OF_MOVED ("ticket_id", "tickets"), NULL,
                    FALSE, error) &&
         move_rows (move, &td_cases_ticket_updates, OF_MOVED ("ticket_id", "tickets"), NULL,
                    FALSE, error) &&
         move_rows (move, &td_cases_ticket_offers, OF_MOVED ("ticket_id", "tickets"), NULL,
                    TRUE, error) &&
         move_rows (move, &td_resource_video_sessions, sessions_where,
                    "customer_id = NULL, requested_ids = '[]', responsible_ids = '[]', "
                    KEEP_MOVED ("created_by"), FALSE, error) &&
         move_rows (move, &td_cases_ticket_video_sessions,
                    OF_MOVED ("ticket_id", "tickets") " AND "
                    OF_MOVED ("video_session_id", "video_sessions"), NULL, FALSE, error) &&
         move_rows (move, &td_cases_ticket_video_sessions,
                    OF_MOVED ("ticket_id", "tickets") " OR "
                    OF_MOVED ("video_session_id", "video_sessions"), NULL, TRUE, error) &&
         move_rows (move, &td_cases_attachments,
                    "(owner_type = 'ticket_message' AND "
                    OF_MOVED ("owner_id", "ticket_messages") ") OR (owner_type = 'video_session'"
                    " AND " OF_MOVED ("owner_id", "video_sessions") ")", NULL, FALSE, error) &&
         move_rows (move, &td_resource_task_events, OF_MOVED ("device_id", "devices"),
                    KEEP_MOVED ("created_by"), FALSE, error) &&
         move_rows (move, &td_resource_tasks, tasks_where,
                    "responsible_ids = '[]', " KEEP_MOVED ("created_by"), FALSE, error);
}

/* The change rows of the move, after every row is in its final state. */
static gboolean
record_changes (Move    *move,
                GError **error)
{
  gint64 last = 0;

  for (guint i = 0; i < move->moved->len; i++)
    {
      Entry *entry = g_ptr_array_index (move->moved, i);

      if (td_changes_record (move->db, move->old_org, entry->type, entry->id, "delete", error) <= 0 ||
          (last = td_changes_record (move->db, move->new_org, entry->type, entry->id, "upsert",
                                     error)) <= 0)
        return FALSE;
    }
  for (guint i = 0; i < move->removed->len; i++)
    {
      Entry *entry = g_ptr_array_index (move->removed, i);

      if ((last = td_changes_record (move->db, move->old_org, entry->type, entry->id, "delete",
                                     error)) <= 0)
        return FALSE;
    }
  for (guint i = 0; i < move->created->len; i++)
    {
      Entry *entry = g_ptr_array_index (move->created, i);

      if ((last = td_changes_record (move->db, move->new_org, entry->type, entry->id, "upsert",
                                     error)) <= 0)
        return FALSE;
    }

  /* Everything the moved users saw is another tenant now: their older cursors are void. */
  if (last > 0)
    {
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, last);

      return run (move->db, error, "UPDATE employees SET scope_seq = CAST (? AS INTEGER)"
                                   " WHERE org_id = ?", 2, seq, move->new_org);
    }
  return TRUE;
}

static TdApiResponse *
version_mismatch (const char *customer_id,
                  gint64      version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, "version_mismatch");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "The company has changed since it was read");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "current");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, customer_id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, version);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return td_api_response_new_json (412, node);
}

static JsonNode *
result_json (const char *org_id,
             const char *name,
             const char *customer_id,
             JsonObject *counts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) moved = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (moved, counts);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "organization");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, org_id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "customer_id");
  json_builder_add_string_value (builder, customer_id);
  json_builder_set_member_name (builder, "moved");
  json_builder_add_value (builder, g_steal_pointer (&moved));
  /* Every session of the moved users ended, this one too. */
  json_builder_set_member_name (builder, "login_required");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

TdApiResponse *
td_lifecycle_become_independent (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_auto(Move) move = { 0 };
  g_autofree char *company_name = NULL;
  g_autofree char *status = NULL;
  g_autofree char *language = NULL;
  g_autofree char *new_org = NULL;
  g_autofree char *org_name = NULL;
  g_autoptr(JsonNode) result = NULL;
  TdApiResponse *response = NULL;
  TdUser *user = call->identity->user;
  const char *name = NULL;
  gint64 expected;
  gint64 version;
  TdDbStep step;

  if (!td_org_is_customer_login (call) ||
      !td_permission_allowed (user->role, TD_PERM_BECOME_INDEPENDENT))
    return td_api_response_new_error (403, "forbidden",
                                      "Only the company's administrator may do this", NULL);

  if (call->request->if_match == NULL)
    return td_api_response_new_error (428, "precondition_required",
                                      "Send If-Match with the version of your company", NULL);
  expected = td_org_parse_if_match (call->request->if_match);

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_api_get_string_field (body, "name", FALSE, ORGANIZATION_NAME_MAX, &name, &response))
    return response;
  if (name != NULL && *name == '\0')
    return td_resource_invalid ("name", "The organization's name is empty");

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Starting the transaction failed", error);

  /* Read inside the transaction: of two calls the second sees what the first did. */
  stmt = td_db_prepare (call->db, "SELECT c.name, c.status, c.version, o.default_language"
                                  " FROM customers c JOIN organizations o ON o.id = c.org_id"
                                  " WHERE c.id = ? AND c.org_id = ? AND c.deleted = 0", &error);
  if (stmt == NULL)
    return td_api_internal_error ("Reading the company failed", error);
  td_db_stmt_bind_text (stmt, 1, user->customer_id);
  td_db_stmt_bind_text (stmt, 2, user->org_id);
  step = td_db_stmt_step (stmt, &error);
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Reading the company failed", error);
  if (step != TD_DB_STEP_ROW)
    return td_resource_not_found ();
  company_name = td_db_stmt_dup_text (stmt, 0);
  status = td_db_stmt_dup_text (stmt, 1);
  version = td_db_stmt_get_int64 (stmt, 2);
  language = td_db_stmt_dup_text (stmt, 3);
  g_clear_pointer (&stmt, td_db_stmt_free);

  if (g_strcmp0 (status, "independent") == 0)
    return td_resource_conflict ("The company is already an independent organization");
  if (g_strcmp0 (status, "active") != 0)
    return td_resource_conflict ("The company is disabled");
  if (expected != version)
    return version_mismatch (user->customer_id, version);

  org_name = g_strdup (name != NULL ? name : company_name);
  new_org = td_store_orgs_insert (call->db, org_name, language, &error);
  if (new_org == NULL)
    return td_api_internal_error ("Creating the organization failed", error);

  move.db = call->db;
  move.old_org = user->org_id;
  move.new_org = new_org;
  move.customer_id = user->customer_id;
  move.now = td_time_now ();
  move.moved = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  move.removed = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  move.created = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  move.counts = json_object_new ();
  add_entry (move.created, "organization", new_org);

  /* Sign-outs first: afterwards the users are no longer the company's. */
  if (!td_store_lifecycle_end_company_access (call->db, user->org_id, user->customer_id,
                                              td_time_now_usec (), &error) ||
      !run (call->db, &error, "UPDATE organizations SET address = (SELECT address FROM customers"
                              " WHERE id = ?1), logo = (SELECT logo FROM customers WHERE id = ?1)"
                              " WHERE id = ?2", 2, user->customer_id, new_org) ||
      !move_everything (&move, &error) ||
      !run (call->db, &error, "UPDATE customers SET status = 'independent',"
                              " independent_org_id = ?, version = version + 1, updated_at = ?"
                              " WHERE id = ?", 3, new_org, move.now, user->customer_id) ||
      td_changes_record (call->db, user->org_id, td_resource_customers.type, user->customer_id,
                         "upsert", &error) <= 0 ||
      !record_changes (&move, &error) ||
      !td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Moving the company failed", error);

  g_message ("Company %s of organization %s became organization %s (%u objects moved)",
             user->customer_id, user->org_id, new_org, move.moved->len);
  result = result_json (new_org, org_name, user->customer_id, move.counts);
  return td_api_response_new_json (200, result);
}

static const TdApiRoute lifecycle_routes[] = {
  { "POST", TD_API_BASE_PATH "/company/become-independent", td_lifecycle_become_independent, 0, NULL },
};

const TdApiRouteTable td_api_lifecycle_route_table = {
  lifecycle_routes, G_N_ELEMENTS (lifecycle_routes)
};
