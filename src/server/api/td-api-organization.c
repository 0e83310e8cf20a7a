/* td-api-organization.c: the collections and actions of the organization area
 *
 * Departments, employees, teams and meta teams, customers with their departments and team
 * mappings, invitations and labels (DOMAIN.md §4), as TdResourceDefs for the engine, plus
 * the routes that are not plain collections: the nested collections of a customer, which
 * check the customer first and take the child's customer_id from the URL, and the labels a
 * customer-login user may read (public ones only).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-organization"

#include "config.h"

#include <string.h>

#include "td-api-org-private.h"
#include "td-api-routes.h"
#include "td-isolation.h"
#include "td-json.h"
#include "td-random.h"
#include "td-time.h"

/* Helpers shared by the files of the area */

JsonNode *
td_org_effective (TdResourceWrite *write,
                  const char      *member)
{
  if (write->changes != NULL && json_object_has_member (write->changes, member))
    return json_object_get_member (write->changes, member);
  if (write->current != NULL && json_object_has_member (write->current, member))
    return json_object_get_member (write->current, member);
  return NULL;
}

const char *
td_org_effective_string (TdResourceWrite *write,
                         const char      *member)
{
  JsonNode *node = td_org_effective (write, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Id lists arrive as JSON arrays; a stored row may still carry the column's text. */
char **
td_org_node_dup_strv (JsonNode *node)
{
  g_autoptr(JsonObject) wrapper = json_object_new ();

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *text = json_node_get_string (node);

      if (json_parser_load_from_data (parser, text, -1, NULL) &&
          JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
        json_object_set_member (wrapper, "list", json_node_copy (json_parser_get_root (parser)));
    }
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_member (wrapper, "list", json_node_copy (node));

  return td_json_get_strv (wrapper, "list");
}

gboolean
td_org_node_get_bool (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  return FALSE;
}

gboolean
td_org_is_customer_login (TdApiCall *call)
{
  return td_user_get_login_type (call->identity->user) == TD_LOGIN_CUSTOMER;
}

const char *
td_org_org_id (TdApiCall *call)
{
  return call->identity->user->org_id;
}

TdApiResponse *
td_org_db_error (const char *what,
                 GError     *error)
{
  return td_api_internal_error (what, error);
}

gint64
td_org_parse_if_match (const char *if_match)
{
  g_autofree char *text = NULL;
  gint64 version = 0;
  char *end = NULL;

  if (if_match == NULL)
    return -1;

  text = g_strstrip (g_strdup (if_match));
  if (g_str_has_prefix (text, "W/"))
    memmove (text, text + 2, strlen (text + 2) + 1);
  if (text[0] == '"')
    {
      gsize length = strlen (text);

      if (length < 3 || text[length - 1] != '"')
        return -1;
      text[length - 1] = '\0';
      memmove (text, text + 1, length - 1);
    }

  if (text[0] < '0' || text[0] > '9')
    return -1;
  version = g_ascii_strtoll (text, &end, 10);
  if (end == NULL || *end != '\0' || version <= 0)
    return -1;
  return version;
}

/* Runs @sql with the @n string parameters that follow (NULL binds SQL null) and tells
 * whether it returned a row. */
gboolean
td_org_sql_exists (TdDb        *db,
            gboolean    *out_exists,
            GError     **error,
            const char  *sql,
            guint        n,
            ...)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);
  TdDbStep step;
  va_list args;

  if (stmt == NULL)
    return FALSE;

  va_start (args, n);
  for (guint i = 1; i <= n; i++)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        td_db_stmt_bind_text (stmt, i, value);
      else
        td_db_stmt_bind_null (stmt, i);
    }
  va_end (args);

  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ERROR)
    return FALSE;
  *out_exists = step == TD_DB_STEP_ROW;
  return TRUE;
}

TdApiResponse *
td_org_check_departments (TdApiCall  *call,
                          const char *field,
                          JsonNode   *new_list,
                          JsonNode   *old_list)
{
  TdUser *user = call->identity->user;
  g_auto(GStrv) wanted = td_org_node_dup_strv (new_list);
  g_auto(GStrv) had = td_org_node_dup_strv (old_list);
  gboolean restricted;

  /* Department administrators work inside their departments whatever the isolation mode;
   * everybody else who belongs to departments only does once isolation is on (§3). */
  if (user->role == TD_ROLE_DEPT_ADMIN)
    restricted = TRUE;
  else
    restricted = user->departments != NULL && user->departments[0] != NULL &&
                 call->isolation != TD_ISOLATION_OFF;

  if (!restricted)
    return NULL;

  for (guint i = 0; wanted[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) had, wanted[i]) &&
        (user->departments == NULL ||
         !g_strv_contains ((const char * const *) user->departments, wanted[i])))
      return td_api_response_new_error (422, "invalid_reference",
                                        "You may only assign departments you belong to", field);

  return NULL;
}

gboolean
td_org_changes_has (TdResourceWrite *write,
                    const char      *member)
{
  return write->changes != NULL && json_object_has_member (write->changes, member);
}

gboolean
td_org_is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

const char *
td_org_url_customer_id (TdApiCall *call)
{
  return g_hash_table_lookup (call->params, "customer_id");
}

/* Departments */

static TdApiResponse *
departments_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  gboolean used = FALSE;

  /* Removing a department that still has employees would silently widen or narrow what
   * they see under isolation; the administrator moves them first. */
  if (!td_org_sql_exists (write->call->db, &used, &error,
                          "SELECT 1 FROM employees e, json_each (e.departments) j"
                          " WHERE e.org_id = ? AND e.deleted = 0 AND j.value = ? LIMIT 1",
                          2, td_org_org_id (write->call), write->id))
    return td_org_db_error ("Checking the department failed", error);
  if (used)
    return td_resource_conflict ("The department still has employees");
  return NULL;
}

static const TdFieldDef department_fields[] = {
  { "name",    TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_FILTER |
                              TD_FIELD_SORT | TD_FIELD_SEARCH, 200 },
  { "address", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_SEARCH, 500 },
  { "contact", TD_FIELD_JSON, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE, 4096 },
};

const TdResourceDef td_resource_departments = {
  .collection = "departments",
  .table = "departments",
  .type = "department",
  .perm_view = TD_PERM_EMPLOYEES_VIEW,
  .perm_create = TD_PERM_COMPANY_MANAGE,
  .perm_edit = TD_PERM_COMPANY_MANAGE,
  .perm_delete = TD_PERM_COMPANY_MANAGE,
  .isolate_by = TD_ISOLATE_NONE,
  .customer_scope = TD_CUSTOMER_NONE,
  .fields = department_fields,
  .n_fields = G_N_ELEMENTS (department_fields),
  .default_sort = "name",
  .before_delete = departments_before_delete,
};

/* Employees (and customer-login users): no create, users come from invitations */

static const char * const employee_roles[] = {
  "admin", "department_admin", "content_creator", "moderator", "member", NULL
};
static const char * const user_statuses[] = { "invited", "active", "disabled", NULL };

static const TdFieldDef employee_fields[] = {
  { "email",       TD_FIELD_TEXT,    TD_FIELD_FILTER | TD_FIELD_SORT | TD_FIELD_SEARCH, 254 },
  { "first_name",  TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_SORT | TD_FIELD_SEARCH, 200 },
  { "last_name",   TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_SORT | TD_FIELD_SEARCH, 200 },
  { "role",        TD_FIELD_ENUM,    TD_FIELD_WRITABLE | TD_FIELD_FILTER | TD_FIELD_SORT, 0,
    employee_roles },
  { "departments", TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL,
    &td_resource_departments },
  { "language",    TD_FIELD_TEXT,    TD_FIELD_WRITABLE, 16 },
  { "status",      TD_FIELD_ENUM,    TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, user_statuses },
  { "customer_id", TD_FIELD_REF,     TD_FIELD_NULLABLE | TD_FIELD_FILTER, 0, NULL,
    &td_resource_customers },
};

const TdResourceDef td_resource_employees = {
  .collection = "employees",
  .table = "employees",
  .type = "employee",
  .perm_view = TD_PERM_EMPLOYEES_VIEW,
  .perm_create = TD_PERM_EMPLOYEES_MANAGE,
  .perm_edit = TD_PERM_EMPLOYEES_MANAGE,
  .perm_delete = TD_PERM_EMPLOYEES_MANAGE,
  .isolate_by = TD_ISOLATE_OWN,
  .customer_scope = TD_CUSTOMER_COLUMN,
  .fields = employee_fields,
  .n_fields = G_N_ELEMENTS (employee_fields),
  .default_sort = "last_name",
  .before_update = td_org_employees_before_update,
  .before_delete = td_org_employees_before_delete,
};

/* Teams and meta teams */

static TdApiResponse *
teams_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  gboolean used = FALSE;

  if (!td_org_sql_exists (write->call->db, &used, &error,
                          "SELECT 1 FROM meta_teams m, json_each (m.team_ids) j"
                          " WHERE m.org_id = ? AND m.deleted = 0 AND j.value = ?"
                          " UNION ALL SELECT 1 FROM customer_team_mappings"
                          " WHERE org_id = ? AND deleted = 0 AND team_id = ? LIMIT 1",
                          4, td_org_org_id (write->call), write->id,
                          td_org_org_id (write->call), write->id))
    return td_org_db_error ("Checking the team failed", error);
  if (used)
    return td_resource_conflict ("The team belongs to a meta team or a customer's team mapping");
  return NULL;
}

static const TdFieldDef team_fields[] = {
  { "name",       TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_FILTER |
                                    TD_FIELD_SORT | TD_FIELD_SEARCH, 200 },
  { "logo",       TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_NULLABLE, 2048 },
  { "member_ids", TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL,
    &td_resource_employees },
};

const TdResourceDef td_resource_teams = {
  .collection = "teams",
  .table = "teams",
  .type = "team",
  .perm_view = TD_PERM_EMPLOYEES_VIEW,
  .perm_create = TD_PERM_TEAMS_MANAGE,
  .perm_edit = TD_PERM_TEAMS_MANAGE,
  .perm_delete = TD_PERM_TEAMS_MANAGE,
  .isolate_by = TD_ISOLATE_NONE,
  .customer_scope = TD_CUSTOMER_NONE,
  .fields = team_fields,
  .n_fields = G_N_ELEMENTS (team_fields),
  .default_sort = "name",
  .before_delete = teams_before_delete,
};

/* A meta team's default team is one of its teams: named explicitly it must be; left alone
 * it follows the list (the first team when the old default was dropped). */
static TdApiResponse *
meta_teams_check (TdResourceWrite *write)
{
  g_auto(GStrv) teams = td_org_node_dup_strv (td_org_effective (write, "team_ids"));
  JsonNode *node = td_org_effective (write, "default_team_id");
  const char *default_team = td_org_is_null (node) ? NULL
                             : td_org_effective_string (write, "default_team_id");

  if (default_team != NULL && g_strv_contains ((const char * const *) teams, default_team))
    return NULL;

  if (default_team != NULL && td_org_changes_has (write, "default_team_id"))
    return td_resource_invalid ("default_team_id", "The default team must be one of the team_ids");

  if (teams[0] != NULL)
    json_object_set_string_member (write->changes, "default_team_id", teams[0]);
  else
    json_object_set_null_member (write->changes, "default_team_id");
  return NULL;
}

static TdApiResponse *
meta_teams_before_create (TdResourceWrite *write)
{
  if (!td_org_changes_has (write, "team_ids"))
    json_object_set_array_member (write->changes, "team_ids", json_array_new ());
  return meta_teams_check (write);
}

static TdApiResponse *
meta_teams_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  gboolean used = FALSE;

  if (!td_org_sql_exists (write->call->db, &used, &error,
                          "SELECT 1 FROM customer_team_mappings"
                          " WHERE org_id = ? AND deleted = 0 AND meta_team_id = ? LIMIT 1",
                          2, td_org_org_id (write->call), write->id))
    return td_org_db_error ("Checking the meta team failed", error);
  if (used)
    return td_resource_conflict ("Customers' team mappings still use the meta team");
  return NULL;
}

static const TdFieldDef meta_team_fields[] = {
  { "name",            TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_FILTER |
                                         TD_FIELD_SORT | TD_FIELD_SEARCH, 200 },
  { "team_ids",        TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL,
    &td_resource_teams },
  { "default_team_id", TD_FIELD_REF,     TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_FILTER, 0,
    NULL, &td_resource_teams },
};

const TdResourceDef td_resource_meta_teams = {
  .collection = "meta-teams",
  .table = "meta_teams",
  .type = "meta_team",
  .perm_view = TD_PERM_EMPLOYEES_VIEW,
  .perm_create = TD_PERM_TEAMS_MANAGE,
  .perm_edit = TD_PERM_TEAMS_MANAGE,
  .perm_delete = TD_PERM_TEAMS_MANAGE,
  .isolate_by = TD_ISOLATE_NONE,
  .customer_scope = TD_CUSTOMER_NONE,
  .fields = meta_team_fields,
  .n_fields = G_N_ELEMENTS (meta_team_fields),
  .default_sort = "name",
  .before_create = meta_teams_before_create,
  .before_update = meta_teams_check,
  .before_delete = meta_teams_before_delete,
};

/* Invitations: employee invitations on /invitations (employees.manage, which a customer
 * administrator holds for their own company), customer-login invitations on
 * /customers/{customer_id}/invitations (customers.invite). */

static const char * const invitation_statuses[] = { "pending", "accepted", "revoked", NULL };

static const TdFieldDef invitation_fields[] = {
  { "user_id",     TD_FIELD_REF,     TD_FIELD_FILTER, 0, NULL, &td_resource_employees },
  /* Never from a body (the URL's or the caller's own company), so no reference check: the
   * engine would check it against the customers collection, which customer administrators
   * cannot see. */
  { "customer_id", TD_FIELD_REF,     TD_FIELD_NULLABLE | TD_FIELD_FILTER, 0, NULL, NULL },
  { "email",       TD_FIELD_TEXT,    TD_FIELD_CREATE_ONLY | TD_FIELD_REQUIRED | TD_FIELD_FILTER |
                                     TD_FIELD_SORT | TD_FIELD_SEARCH, 254 },
  { "first_name",  TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_SORT | TD_FIELD_SEARCH, 200 },
  { "last_name",   TD_FIELD_TEXT,    TD_FIELD_WRITABLE | TD_FIELD_SORT | TD_FIELD_SEARCH, 200 },
  { "language",    TD_FIELD_TEXT,    TD_FIELD_WRITABLE, 16 },
  { "role",        TD_FIELD_ENUM,    TD_FIELD_CREATE_ONLY | TD_FIELD_REQUIRED | TD_FIELD_FILTER,
    0, employee_roles },
  { "departments", TD_FIELD_ID_LIST, TD_FIELD_CREATE_ONLY | TD_FIELD_FILTER, 0, NULL,
    &td_resource_departments },
  { "status",      TD_FIELD_ENUM,    TD_FIELD_FILTER, 0, invitation_statuses },
  /* When the emailed link stops working (set on create and resend; td-api-invitations.c). */
  { "expires_at",  TD_FIELD_TIME,    0 },
};

const TdResourceDef td_resource_invitations = {
  .collection = "invitations",
  .table = "invitations",
  .type = "invitation",
  .perm_view = TD_PERM_EMPLOYEES_MANAGE,
  .perm_create = TD_PERM_EMPLOYEES_MANAGE,
  .perm_edit = TD_PERM_EMPLOYEES_MANAGE,
  .perm_delete = TD_PERM_EMPLOYEES_MANAGE,
  .isolate_by = TD_ISOLATE_OWN,
  .customer_scope = TD_CUSTOMER_COLUMN,
  .fields = invitation_fields,
  .n_fields = G_N_ELEMENTS (invitation_fields),
  .default_sort = "-created_at",
  .before_create = td_org_invitations_before_create,
  .before_update = td_org_invitations_before_update,
  .before_delete = td_org_invitations_before_delete,
};

const TdResourceDef td_org_customer_invitations = {
  .collection = "invitations",
  .table = "invitations",
  .type = "invitation",
  .perm_view = TD_PERM_CUSTOMERS_INVITE,
  .perm_create = TD_PERM_CUSTOMERS_INVITE,
  .perm_edit = TD_PERM_CUSTOMERS_INVITE,
  .perm_delete = TD_PERM_CUSTOMERS_INVITE,
  .isolate_by = TD_ISOLATE_NONE,
  .customer_scope = TD_CUSTOMER_COLUMN,
  .fields = invitation_fields,
  .n_fields = G_N_ELEMENTS (invitation_fields),
  .default_sort = "-created_at",
  .before_create = td_org_invitations_before_create,
  .before_update = td_org_invitations_before_update,
  .before_delete = td_org_invitations_before_delete,
};

/* Labels */

static const char * const label_availabilities[] = { "global", "normal", NULL };
static const char * const label_visibilities[] = { "internal", "public", NULL };

#define LABEL_TITLE_MAX_LENGTH 100
#define LANGUAGE_MAX_LENGTH    16

static gboolean
is_color (const char *text)
{
  if (text == NULL || strlen (text) != 7 || text[0] != '#')
    return FALSE;
  for (guint i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

static TdApiResponse *
labels_check (TdResourceWrite *write)
{
  if (td_org_changes_has (write, "color") &&
      !is_color (td_org_effective_string (write, "color")))
    return td_resource_invalid ("color", "A color is #rrggbb");

  if (td_org_changes_has (write, "titles"))
    {
      JsonNode *node = json_object_get_member (write->changes, "titles");
      g_autoptr(GList) members = NULL;
      JsonObject *titles;

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        return td_resource_invalid ("titles", "Titles are an object of language → title");
      titles = json_node_get_object (node);
      members = json_object_get_members (titles);
      if (members == NULL)
        return td_resource_invalid ("titles", "A label needs a title");

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *title = json_object_get_member (titles, l->data);
          const char *text;

          if (*(const char *) l->data == '\0' || strlen (l->data) > LANGUAGE_MAX_LENGTH)
            return td_resource_invalid ("titles", "Not a language code");
          if (!JSON_NODE_HOLDS_VALUE (title) || json_node_get_value_type (title) != G_TYPE_STRING)
            return td_resource_invalid ("titles", "A title is a string");
          text = json_node_get_string (title);
          if (*text == '\0' || g_utf8_strlen (text, -1) > LABEL_TITLE_MAX_LENGTH)
            return td_resource_invalid ("titles", "A title has 1 to 100 characters");
        }
    }

  return NULL;
}

static TdApiResponse *
labels_before_create (TdResourceWrite *write)
{
  if (td_org_is_null (td_org_effective (write, "color")))
    json_object_set_string_member (write->changes, "color", "#3584e4");
  if (td_org_is_null (td_org_effective (write, "availability")))
    json_object_set_string_member (write->changes, "availability", "normal");
  if (td_org_is_null (td_org_effective (write, "visibility")))
    json_object_set_string_member (write->changes, "visibility", "internal");
  if (td_org_is_null (td_org_effective (write, "description")))
    json_object_set_string_member (write->changes, "description", "");
  return labels_check (write);
}

static const TdFieldDef label_fields[] = {
  { "titles",       TD_FIELD_JSON, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SEARCH, 4096 },
  { "description",  TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_SEARCH, 2000 },
  { "color",        TD_FIELD_TEXT, TD_FIELD_WRITABLE, 7 },
  { "availability", TD_FIELD_ENUM, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, label_availabilities },
  { "visibility",   TD_FIELD_ENUM, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, label_visibilities },
};

/* Labels are reference data of the whole tenant; customer-login users read the public ones
 * (the routes below narrow the scope). */
const TdResourceDef td_resource_labels = {
  .collection = "labels",
  .table = "labels",
  .type = "label",
  .perm_view = TD_PERM_CASES_VIEW,
  .perm_create = TD_PERM_LABELS_MANAGE,
  .perm_edit = TD_PERM_LABELS_MANAGE,
  .perm_delete = TD_PERM_LABELS_MANAGE,
  .isolate_by = TD_ISOLATE_NONE,
  .customer_scope = TD_CUSTOMER_ALL,
  /* Customer-login users see public labels only: internal ones do not exist for them. */
  .customer_only_column = "visibility",
  .customer_only_value = "public",
  .fields = label_fields,
  .n_fields = G_N_ELEMENTS (label_fields),
  .default_sort = "created_at",
  .before_create = labels_before_create,
  .before_update = labels_check,
};

/* Routes */

/* Runs @handler for @def with the list filter @name=@value forced onto the request, so
 * that whatever the client sent for @name, a nested list only shows the parent's rows. */
static TdApiResponse *
run_nested (TdApiCall           *call,
            const TdResourceDef *def,
            TdApiHandler         handler,
            const char          *name,
            const char          *value)
{
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  TdApiRequest request = *call->request;
  TdApiCall nested = *call;
  GHashTableIter iter;
  gpointer key, data;

  if (call->request->query != NULL)
    {
      g_hash_table_iter_init (&iter, call->request->query);
      while (g_hash_table_iter_next (&iter, &key, &data))
        g_hash_table_insert (query, key, data);
    }
  if (name != NULL)
    g_hash_table_insert (query, (gpointer) name, (gpointer) value);
  request.query = query;

  nested.request = &request;
  nested.route_data = def;
  return handler (&nested);
}

/* What a nested route does, as its route data. */
typedef struct
{
  const TdResourceDef *def;
  TdApiHandler         handler;
  gboolean             item;     /* /{id}: the child must belong to the customer */
  const char          *segment;  /* the URL segment under /customers/{customer_id} */
} TdOrgNested;

/* The customer of the URL must be one the caller can see; for the item routes the child
 * must belong to it. Everything else is 404 (ARCHITECTURE.md §4). */
static TdApiResponse *
check_nested (TdApiCall           *call,
              const TdResourceDef *def,
              gboolean             item)
{
  const char *customer_id = td_org_url_customer_id (call);
  g_autoptr(JsonObject) customer = NULL;
  TdApiResponse *response = NULL;

  if (customer_id == NULL || !td_uuid_is_valid (customer_id))
    return td_resource_not_found ();

  /* A customer administrator reaches their own company's invitations without seeing the
   * customers collection. */
  if (td_org_is_customer_login (call))
    {
      if (def != &td_resource_invitations ||
          g_strcmp0 (customer_id, call->identity->user->customer_id) != 0)
        return td_resource_not_found ();
    }
  else
    {
      customer = td_resource_load (call, &td_resource_customers, customer_id, &response);
      if (customer == NULL)
        return response;
    }

  if (item)
    {
      const char *id = g_hash_table_lookup (call->params, "id");
      g_autoptr(JsonObject) child = NULL;

      if (id == NULL || !td_uuid_is_valid (id))
        return td_resource_not_found ();
      child = td_resource_load (call, def, id, &response);
      if (child == NULL)
        return response;
      if (g_strcmp0 (td_json_get_string (child, "customer_id"), customer_id) != 0)
        return td_resource_not_found ();
    }

  return NULL;
}

static TdApiResponse *
nested_handler (TdApiCall *call)
{
  const TdOrgNested *nested = call->route_data;
  const TdResourceDef *def = nested->def;
  TdApiResponse *response;

  /* Employees invite customer users with customers.invite, customer administrators with
   * employees.manage (their own company only). */
  if (def == &td_org_customer_invitations && td_org_is_customer_login (call))
    def = &td_resource_invitations;

  response = check_nested (call, def, nested->item);
  if (response != NULL)
    return response;

  /* Only corporate customers have customer login; the permission answers first. */
  if (nested->handler == td_resource_create &&
      (def == &td_org_customer_invitations || def == &td_resource_invitations))
    {
      g_autoptr(GError) error = NULL;
      gboolean corporate = FALSE;

      if (!td_resource_allows (call, def, def->perm_create, NULL))
        return td_resource_forbidden ();
      if (!td_org_sql_exists (call->db, &corporate, &error,
                              "SELECT 1 FROM customers"
                              " WHERE id = ? AND kind = 'corporate' AND deleted = 0",
                              1, td_org_url_customer_id (call)))
        return td_org_db_error ("Reading the customer failed", error);
      if (!corporate)
        return td_resource_conflict ("Only corporate customers have customer login");
    }

  response = run_nested (call, def, nested->handler,
                         nested->item ? NULL : "customer_id", td_org_url_customer_id (call));

  /* The engine names the collection's own URL; a nested child lives under its customer. */
  if (response->status == 201 && nested->segment != NULL)
    {
      g_autoptr(JsonNode) body = td_api_response_parse_body (response);
      const char *id = body != NULL && JSON_NODE_HOLDS_OBJECT (body)
                         ? td_json_get_string (json_node_get_object (body), "id") : NULL;

      if (id != NULL)
        {
          g_autofree char *location = g_strdup_printf (TD_API_BASE_PATH "/customers/%s/%s/%s",
                                                       td_org_url_customer_id (call),
                                                       nested->segment, id);

          td_api_response_set_header (response, "Location", location);
        }
    }

  return response;
}

#define NESTED(name, def_ptr, handler, item, segment) \
  static const TdOrgNested name = { def_ptr, handler, item, segment }
#define CDEPTS   (&td_resource_customer_departments)
#define MAPPINGS (&td_resource_team_mappings)
#define CINVITES (&td_org_customer_invitations)

NESTED (customer_departments_list,   CDEPTS,   td_resource_list,   FALSE, "departments");
NESTED (customer_departments_create, CDEPTS,   td_resource_create, FALSE, "departments");
NESTED (customer_departments_get,    CDEPTS,   td_resource_get,    TRUE, "departments");
NESTED (customer_departments_update, CDEPTS,   td_resource_update, TRUE, "departments");
NESTED (customer_departments_delete, CDEPTS,   td_resource_delete, TRUE, "departments");
NESTED (team_mappings_list,          MAPPINGS, td_resource_list,   FALSE, "team-mappings");
NESTED (team_mappings_create,        MAPPINGS, td_resource_create, FALSE, "team-mappings");
NESTED (team_mappings_get,           MAPPINGS, td_resource_get,    TRUE, "team-mappings");
NESTED (team_mappings_update,        MAPPINGS, td_resource_update, TRUE, "team-mappings");
NESTED (team_mappings_delete,        MAPPINGS, td_resource_delete, TRUE, "team-mappings");
NESTED (customer_invitations_list,   CINVITES, td_resource_list,   FALSE, "invitations");
NESTED (customer_invitations_create, CINVITES, td_resource_create, FALSE, "invitations");
NESTED (customer_invitations_get,    CINVITES, td_resource_get,    TRUE, "invitations");
NESTED (customer_invitations_delete, CINVITES, td_resource_delete, TRUE, "invitations");

#define BASE TD_API_BASE_PATH
#define CUSTOMER BASE "/customers/{customer_id}"

static const TdApiRoute organization_routes[] = {
  { "GET",    BASE "/organization", td_org_organization_get,   0, NULL },
  { "PATCH",  BASE "/organization", td_org_organization_patch, 0, NULL },
  { "GET",    BASE "/company",      td_org_company_get,        0, NULL },
  { "PATCH",  BASE "/company",      td_org_company_patch,      0, NULL },

  TD_RESOURCE_ROUTES (&td_resource_departments, "departments"),

  /* No POST: users come from invitations. */
  { "GET",    BASE "/employees",      td_resource_list,   0, &td_resource_employees },
  { "GET",    BASE "/employees/{id}", td_resource_get,    0, &td_resource_employees },
  { "PATCH",  BASE "/employees/{id}", td_resource_update, 0, &td_resource_employees },
  { "DELETE", BASE "/employees/{id}", td_resource_delete, 0, &td_resource_employees },

  TD_RESOURCE_ROUTES (&td_resource_teams, "teams"),
  TD_RESOURCE_ROUTES (&td_resource_meta_teams, "meta-teams"),
  TD_RESOURCE_ROUTES (&td_resource_customers, "customers"),

  /* A customer's departments and team mappings across customers, for lists and pickers
   * (customer-login users: their own company's departments). */
  { "GET",    BASE "/customer-departments",   td_resource_list, 0, &td_resource_customer_departments },
  { "GET",    BASE "/team-mappings",          td_resource_list, 0, &td_resource_team_mappings },

  { "GET",    CUSTOMER "/departments",        nested_handler, 0, &customer_departments_list },
  { "POST",   CUSTOMER "/departments",        nested_handler, 0, &customer_departments_create },
  { "GET",    CUSTOMER "/departments/{id}",   nested_handler, 0, &customer_departments_get },
  { "PATCH",  CUSTOMER "/departments/{id}",   nested_handler, 0, &customer_departments_update },
  { "DELETE", CUSTOMER "/departments/{id}",   nested_handler, 0, &customer_departments_delete },
  { "GET",    CUSTOMER "/team-mappings",      nested_handler, 0, &team_mappings_list },
  { "POST",   CUSTOMER "/team-mappings",      nested_handler, 0, &team_mappings_create },
  { "GET",    CUSTOMER "/team-mappings/{id}", nested_handler, 0, &team_mappings_get },
  { "PATCH",  CUSTOMER "/team-mappings/{id}", nested_handler, 0, &team_mappings_update },
  { "DELETE", CUSTOMER "/team-mappings/{id}", nested_handler, 0, &team_mappings_delete },
  { "GET",    CUSTOMER "/invitations",        nested_handler, 0, &customer_invitations_list },
  { "POST",   CUSTOMER "/invitations",        nested_handler, 0, &customer_invitations_create },
  { "GET",    CUSTOMER "/invitations/{id}",   nested_handler, 0, &customer_invitations_get },
  { "DELETE", CUSTOMER "/invitations/{id}",   nested_handler, 0, &customer_invitations_delete },

  TD_RESOURCE_ROUTES (&td_resource_invitations, "invitations"),

  TD_RESOURCE_ROUTES (&td_resource_labels, "labels"),
};

const TdApiRouteTable td_api_organization_route_table = {
  organization_routes, G_N_ELEMENTS (organization_routes)
};
