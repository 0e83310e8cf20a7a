/* test-authz-matrix.c: the generated authorization matrix of the server
 *
 * Every principal of the demo organization (each seeded login, plus anonymous) is tried
 * against every registered route, under department isolation off, Basic and Strict. What
 * each answer must be is not taken from the server's code: an oracle computes it from the
 * database file (read directly with SQLite) and the reference rules in src/common — the
 * permission table (td-permissions.h) and the isolation rule (td-isolation.h) — applied to
 * how each collection declares its scope. The matrix checks:
 *
 *  - anonymous callers get 401 on every non-public route;
 *  - lists: 403 when the role may not view the collection, otherwise every listed id is one
 *    the oracle says the caller may see (no leak), over all pages;
 *  - items: GET is 200 exactly for the ids in the caller's list (list / item consistency),
 *    404 for every id outside the caller's scope;
 *  - writes, without changing anything: PATCH and DELETE with If-Match "0" answer 404 outside
 *    the scope, 403 where the role's reach does not cover the object, and 412 (the version
 *    check, which comes after authorization) where it does; POST with a malformed body answers
 *    403 without the create permission and 400 with it;
 *  - canaries: strings "canary-…" seeded per company and department never appear in a
 *    response to a caller who may not see the row that holds them;
 *  - change feed: the initial sync (GET /changes from 0, all pages) holds exactly the rows
 *    of the collections the caller may view that the oracle says are in scope, and no
 *    canary of any other row;
 *  - event stream: every principal's WebSocket, while an administrator edits a ticket of one
 *    company, receives a change event exactly when its own change feed has news (the other
 *    companies' logins: none), only its own notifications, and no canary of a row it may not
 *    see;
 *  - route coverage: a registered route that is neither a collection route nor listed in
 *    action_routes below fails the test, so a new route cannot ship untested.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "td-api-routes.h"
#include "td-isolation.h"
#include "td-json.h"
#include "td-permissions.h"
#include "td-resource.h"
#include "td-test-server.h"

/* Routes that are not generated collection routes, with what guards them. @parent is the
 * collection whose object the {id} segment names (NULL: no id). Only the negative cases are
 * tried on them (401, 404 outside the scope, 403 without the permission), so that the matrix
 * never performs an action. */
typedef enum
{
  ANY_LOGIN,
  EMPLOYEES_ONLY,
  CUSTOMERS_ONLY,
} LoginRestriction;

typedef struct
{
  const char       *method;
  const char       *pattern;
  const char       *parent;      /* collection of the first {…} segment, or NULL */
  TdPermission      permission;  /* TD_N_PERMISSIONS: any signed-in user */
  LoginRestriction  login;
  /* Parent "customers": a customer-login user reaches their own company's record here,
   * with this permission (DOMAIN.md §2: customer admins invite their own users). */
  gboolean          own_company;
  TdPermission      own_company_permission;
} ActionRoute;

#define C "/api/v1/customers/{customer_id}"

static const ActionRoute action_routes[] = {
  { "POST",   "/api/v1/auth/logout",                  NULL,        TD_N_PERMISSIONS },
  { "GET",    "/api/v1/me",                           NULL,        TD_N_PERMISSIONS },

  /* Accounts: the caller's own share-login tokens, sessions, password and settings */
  { "POST",   "/api/v1/auth/transfer-tokens",         NULL,        TD_N_PERMISSIONS },
  { "PATCH",  "/api/v1/me",                           NULL,        TD_N_PERMISSIONS },
  { "POST",   "/api/v1/me/password",                  NULL,        TD_N_PERMISSIONS },
  { "GET",    "/api/v1/me/sessions",                  NULL,        TD_N_PERMISSIONS },
  { "POST",   "/api/v1/me/sessions/revoke-others",    NULL,        TD_N_PERMISSIONS },
  { "DELETE", "/api/v1/me/sessions/{id}",             NULL,        TD_N_PERMISSIONS },

  /* Sync: change feed and event stream (scope-filtered; own data only) */
  { "GET",    "/api/v1/changes",                      NULL,        TD_N_PERMISSIONS },

  /* Notifications: the caller's own */
  { "GET",    "/api/v1/notifications/unread-count",   NULL,        TD_PERM_NOTIFICATIONS_OWN },
  { "POST",   "/api/v1/notifications/read-all",       NULL,        TD_PERM_NOTIFICATIONS_OWN },
  { "POST",   "/api/v1/notifications/{id}/read",      "notifications", TD_PERM_NOTIFICATIONS_OWN },

  /* Organization */
  { "GET",    "/api/v1/organization",                 NULL,        TD_N_PERMISSIONS, EMPLOYEES_ONLY },
  { "PATCH",  "/api/v1/organization",                 NULL,        TD_PERM_COMPANY_MANAGE, EMPLOYEES_ONLY },
  { "GET",    "/api/v1/company",                      NULL,        TD_N_PERMISSIONS, CUSTOMERS_ONLY },
  { "PATCH",  "/api/v1/company",                      NULL,        TD_PERM_COMPANY_PROFILE, CUSTOMERS_ONLY },
  { "POST",   "/api/v1/company/become-independent",   NULL,        TD_PERM_BECOME_INDEPENDENT, CUSTOMERS_ONLY },
  { "GET",    C "/departments",                       "customers", TD_PERM_EMPLOYEES_VIEW },
  { "POST",   C "/departments",                       "customers", TD_PERM_CUSTOMERS_MANAGE },
  { "GET",    C "/departments/{id}",                  "customers", TD_PERM_EMPLOYEES_VIEW },
  { "PATCH",  C "/departments/{id}",                  "customers", TD_PERM_CUSTOMERS_MANAGE },
  { "DELETE", C "/departments/{id}",                  "customers", TD_PERM_CUSTOMERS_MANAGE },
  { "GET",    C "/team-mappings",                     "customers", TD_PERM_CUSTOMERS_VIEW },
  { "POST",   C "/team-mappings",                     "customers", TD_PERM_CUSTOMERS_MANAGE },
  { "GET",    C "/team-mappings/{id}",                "customers", TD_PERM_CUSTOMERS_VIEW },
  { "PATCH",  C "/team-mappings/{id}",                "customers", TD_PERM_CUSTOMERS_MANAGE },
  { "DELETE", C "/team-mappings/{id}",                "customers", TD_PERM_CUSTOMERS_MANAGE },
  { "GET",    C "/invitations",      "customers", TD_PERM_CUSTOMERS_INVITE, ANY_LOGIN, TRUE, TD_PERM_EMPLOYEES_MANAGE },
  { "POST",   C "/invitations",      "customers", TD_PERM_CUSTOMERS_INVITE, ANY_LOGIN, TRUE, TD_PERM_EMPLOYEES_MANAGE },
  { "GET",    C "/invitations/{id}", "customers", TD_PERM_CUSTOMERS_INVITE, ANY_LOGIN, TRUE, TD_PERM_EMPLOYEES_MANAGE },
  { "DELETE", C "/invitations/{id}", "customers", TD_PERM_CUSTOMERS_INVITE, ANY_LOGIN, TRUE, TD_PERM_EMPLOYEES_MANAGE },
  /* Mail: a new link for a pending invitation (the accept route is public) */
  { "POST",   "/api/v1/invitations/{id}/resend",      "invitations", TD_PERM_EMPLOYEES_MANAGE },

  /* Cases */
  { "GET",    "/api/v1/tickets/{id}/messages",        "tickets",   TD_PERM_CASES_VIEW },
  { "POST",   "/api/v1/tickets/{id}/messages",        "tickets",   TD_PERM_CASES_EDIT },
  { "GET",    "/api/v1/tickets/{id}/updates",         "tickets",   TD_PERM_CASES_VIEW },
  { "POST",   "/api/v1/tickets/{id}/updates",         "tickets",   TD_PERM_CASES_EDIT },
  { "GET",    "/api/v1/tickets/{id}/offers",          "tickets",   TD_PERM_CASES_ACCEPT_OFFER },
  { "POST",   "/api/v1/tickets/{id}/offers/{offer_id}/accept",  "tickets", TD_PERM_CASES_ACCEPT_OFFER },
  { "POST",   "/api/v1/tickets/{id}/offers/{offer_id}/decline", "tickets", TD_PERM_CASES_ACCEPT_OFFER },
  { "POST",   "/api/v1/tickets/{id}/assign",          "tickets",   TD_PERM_CASES_ASSIGN },
  { "POST",   "/api/v1/tickets/{id}/withdraw",        "tickets",   TD_PERM_CASES_ASSIGN },
  { "POST",   "/api/v1/tickets/{id}/rating",          "tickets",   TD_N_PERMISSIONS, CUSTOMERS_ONLY },
  { "GET",    "/api/v1/tickets/{id}/video-sessions",  "tickets",   TD_PERM_CASES_VIEW },
  { "POST",   "/api/v1/tickets/{id}/video-sessions/{video_session_id}", "tickets", TD_PERM_CASES_EDIT },
  { "DELETE", "/api/v1/tickets/{id}/video-sessions/{video_session_id}", "tickets", TD_PERM_CASES_EDIT },
  { "POST",   "/api/v1/video-sessions/{id}/rating",   "video-sessions", TD_N_PERMISSIONS, CUSTOMERS_ONLY },
  { "PATCH",  "/api/v1/tasks/{id}/steps/{index}",     "tasks",     TD_PERM_TASKS_EDIT },
  { "POST",   "/api/v1/attachments",                  NULL,        TD_N_PERMISSIONS },
  { "GET",    "/api/v1/attachments/{id}",             NULL,        TD_N_PERMISSIONS },
  { "GET",    "/api/v1/attachments/{id}/content",     NULL,        TD_N_PERMISSIONS },

  /* Insights */
  { "GET",    "/api/v1/stats/dashboard",              NULL,        TD_PERM_DASHBOARD_VIEW },
  { "POST",   "/api/v1/feedback",                     NULL,        TD_PERM_FEEDBACK_SEND },

  /* Assets */
  { "POST",   "/api/v1/codes/{id}/pair",              "codes",     TD_PERM_CODES_MANAGE },
  { "POST",   "/api/v1/codes/{id}/unpair",            "codes",     TD_PERM_CODES_MANAGE },
  { "POST",   "/api/v1/codes/{id}/share-links",       "codes",     TD_PERM_CODES_MANAGE },
  { "PUT",    "/api/v1/codes/{id}/pin",               "codes",     TD_PERM_CODES_CHANGE_PIN },
  { "POST",   "/api/v1/codes/{id}/logout-code-users", "codes",     TD_PERM_CODES_MANAGE },
  { "DELETE", "/api/v1/codes/{id}/notifications",     "codes",     TD_PERM_CODES_MANAGE },
};

#undef C

typedef struct
{
  char        *email;      /* NULL: anonymous */
  char        *token;
  char        *user_id;
  char        *customer_id;
  TdRole       role;
  char       **departments;
} Principal;

typedef struct
{
  char  *id;
  char **departments;     /* the row's own, or its device's (TD_ISOLATE_VIA_DEVICE) */
  char **own_departments; /* the row's own `departments`, for the department reach */
  char  *customer_id;     /* the row's company as the customer scope sees it */
  char  *created_by;
  char **responsible_ids;
  gboolean has_responsible;
  char    *customer_only;   /* the value of def->customer_only_column, if any */
  char    *owner;           /* the value of def->owner_column, if any */
} Row;

static TdTestServer *server;
static GHashTable *routed;      /* "METHOD pattern" of every registered route */
static SoupSession *session;
static sqlite3 *db;
static char *org_id;
static GPtrArray *principals;   /* Principal* */
static guint cases;

/* ------------------------------------------------------------------------------------------
 * The database, read directly */

static char *
query_text (const char *sql,
            const char *param)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
table_has_column (const char *table,
                  const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pragma_table_info('%s') "
                                          "WHERE name = ?", table);
  g_autofree char *count = query_text (sql, column);

  return g_strcmp0 (count, "0") != 0 && count != NULL;
}

static char **
parse_id_list (const char *json)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (json != NULL)
    node = td_json_parse (json, strlen (json), NULL);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }
  return g_strv_builder_end (builder);
}

static void
row_free (Row *row)
{
  g_free (row->id);
  g_strfreev (row->departments);
  g_strfreev (row->own_departments);
  g_free (row->customer_id);
  g_free (row->created_by);
  g_strfreev (row->responsible_ids);
  g_free (row->customer_only);
  g_free (row->owner);
  g_free (row);
}

/* The live rows of @def's table, with what the oracle needs to judge them. */
static GPtrArray *
load_rows (const TdResourceDef *def)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_autoptr(GString) sql = g_string_new ("SELECT t.id");
  gboolean has_departments = table_has_column (def->table, "departments");
  gboolean has_device = table_has_column (def->table, "device_id");
  gboolean has_customer = table_has_column (def->table, "customer_id");
  gboolean has_created_by = def->created_by_column != NULL;
  gboolean has_responsible = table_has_column (def->table, "responsible_ids");
  sqlite3_stmt *stmt = NULL;

  /* Columns 1..5: departments for isolation, customer, created_by, responsible_ids, own
   * departments. */
  if (def->isolate_by == TD_ISOLATE_VIA_DEVICE && has_device)
    g_string_append (sql, ", (SELECT d.departments FROM devices d WHERE d.id = t.device_id)");
  else if (def->isolate_by == TD_ISOLATE_OWN && has_departments)
    g_string_append (sql, ", t.departments");
  else
    g_string_append (sql, ", NULL");

  if (def->customer_scope == TD_CUSTOMER_VIA_DEVICE && has_device)
    g_string_append (sql, ", (SELECT d.customer_id FROM devices d WHERE d.id = t.device_id)");
  else if (def->customer_scope == TD_CUSTOMER_SELF)
    g_string_append (sql, ", t.id");
  else if (def->customer_scope == TD_CUSTOMER_COLUMN && has_customer)
    g_string_append (sql, ", t.customer_id");
  else
    g_string_append (sql, ", NULL");

  g_string_append_printf (sql, ", %s%s", has_created_by ? "t." : "NULL",
                          has_created_by ? def->created_by_column : "");
  g_string_append (sql, has_responsible ? ", t.responsible_ids" : ", NULL");
  g_string_append (sql, has_departments ? ", t.departments" : ", NULL");
  if (def->customer_only_column != NULL)
    g_string_append_printf (sql, ", t.\"%s\"", def->customer_only_column);
  else
    g_string_append (sql, ", NULL");
  if (def->owner_column != NULL)
    g_string_append_printf (sql, ", t.\"%s\"", def->owner_column);
  else
    g_string_append (sql, ", NULL");
  g_string_append_printf (sql, " FROM \"%s\" t WHERE t.org_id = ? AND t.deleted = 0", def->table);

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, org_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Row *row = g_new0 (Row, 1);

      row->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row->departments = parse_id_list ((const char *) sqlite3_column_text (stmt, 1));
      row->customer_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->created_by = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->responsible_ids = parse_id_list ((const char *) sqlite3_column_text (stmt, 4));
      row->has_responsible = has_responsible;
      row->customer_only = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row->owner = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      row->own_departments = parse_id_list ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  return rows;
}

static void
set_isolation (TdIsolation mode)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE organizations SET isolation = '%s'",
                                          td_isolation_to_string (mode));
  char *message = NULL;

  /* The test's own connection writes; the server reads the mode on every request. */
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, &message), ==, SQLITE_OK);
}

/* ------------------------------------------------------------------------------------------
 * The oracle */

static gboolean
oracle_visible (const Principal     *who,
                const TdResourceDef *def,
                const Row           *row,
                TdIsolation          mode)
{
  /* Per-user rows (notifications) belong to their owner alone, whatever the login. */
  if (def->owner_column != NULL && g_strcmp0 (row->owner, who->user_id) != 0)
    return FALSE;

  if (who->customer_id != NULL)
    {
      if (def->customer_only_column != NULL &&
          g_strcmp0 (row->customer_only, def->customer_only_value) != 0)
        return FALSE;

      switch (def->customer_scope)
        {
        case TD_CUSTOMER_NONE:
          return FALSE;
        case TD_CUSTOMER_ALL:
          return TRUE;
        case TD_CUSTOMER_COLUMN:
        case TD_CUSTOMER_SELF:
        case TD_CUSTOMER_VIA_DEVICE:
        default:
          return g_strcmp0 (row->customer_id, who->customer_id) == 0;
        }
    }

  if (def->isolate_by == TD_ISOLATE_NONE)
    return TRUE;

  return td_isolation_visible (mode, (const char * const *) who->departments,
                               (const char * const *) row->departments);
}

static gboolean
shares_department (const Principal *who,
                   const Row       *row)
{
  for (guint i = 0; row->own_departments[i] != NULL; i++)
    if (g_strv_contains ((const char * const *) who->departments, row->own_departments[i]))
      return TRUE;
  return FALSE;
}

static gboolean
oracle_reaches (const Principal     *who,
                const TdResourceDef *def,
                TdPermission         permission,
                const Row           *row)
{
  switch (td_permission_reach (who->role, permission))
    {
    case TD_REACH_ALL:
      return TRUE;
    case TD_REACH_RESPONSIBLE:
      /* Responsible means listed in responsible_ids; a collection without that column has
       * no assignees, and its creator is the one responsible for it. */
      if (row->has_responsible)
        return g_strv_contains ((const char * const *) row->responsible_ids, who->user_id);
      return g_strcmp0 (row->created_by, who->user_id) == 0;
    case TD_REACH_CREATED:
      return g_strcmp0 (row->created_by, who->user_id) == 0;
    case TD_REACH_DEPARTMENT:
      return shares_department (who, row);
    case TD_REACH_NONE:
    default:
      return FALSE;
    }
}

/* ------------------------------------------------------------------------------------------
 * HTTP */

typedef struct
{
  guint   status;
  char   *body;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static Answer
call (const Principal *who,
      const char      *method,
      const char      *path,
      const char      *if_match,
      const char      *body)
{
  g_autofree char *url = g_strconcat (td_test_server_get_url (server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  Answer answer = { 0 };

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (who != NULL && who->token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", who->token, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", if_match);
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer.status = soup_message_get_status (msg);
  /* An empty body (204) has no data pointer at all. */
  answer.body = g_bytes_get_size (bytes) > 0
                ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes))
                : g_strdup ("");
  cases++;
  return answer;
}

/* ------------------------------------------------------------------------------------------
 * Canaries */

typedef struct
{
  const TdResourceDef *def;
  char                *row_id;
} CanaryHome;

static GHashTable *canaries;   /* canary string → GPtrArray of CanaryHome */

static void
canary_home_free (CanaryHome *home)
{
  g_free (home->row_id);
  g_free (home);
}

static void
collect_canaries_in (const TdResourceDef *def)
{
  g_autoptr(GRegex) regex = g_regex_new ("canary-[A-Za-z0-9_-]+", 0, 0, NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT name FROM pragma_table_info('%s') "
                                          "WHERE type = 'TEXT'", def->table);
  sqlite3_stmt *columns = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &columns, NULL), ==, SQLITE_OK);
  while (sqlite3_step (columns) == SQLITE_ROW)
    {
      g_autofree char *select = g_strdup_printf ("SELECT id, \"%s\" FROM \"%s\" WHERE \"%s\" "
                                                 "LIKE '%%canary-%%' AND org_id = ?",
                                                 sqlite3_column_text (columns, 0), def->table,
                                                 sqlite3_column_text (columns, 0));
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, select, -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, org_id, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(GMatchInfo) match = NULL;

          g_regex_match (regex, (const char *) sqlite3_column_text (stmt, 1), 0, &match);
          while (g_match_info_matches (match))
            {
              g_autofree char *canary = g_match_info_fetch (match, 0);
              GPtrArray *homes = g_hash_table_lookup (canaries, canary);
              CanaryHome *home = g_new0 (CanaryHome, 1);

              if (homes == NULL)
                {
                  homes = g_ptr_array_new_with_free_func ((GDestroyNotify) canary_home_free);
                  g_hash_table_insert (canaries, g_strdup (canary), homes);
                }
              home->def = def;
              home->row_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
              g_ptr_array_add (homes, home);
              g_match_info_next (match, NULL);
            }
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_finalize (columns);
}

/* Every canary in @body must live in a row that @who may see in its collection. */
static void
assert_no_leaked_canary (const Principal *who,
                         TdIsolation      mode,
                         GHashTable      *visible,   /* "table/id" set for this principal */
                         const char      *context,
                         const char      *body)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, canaries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *homes = value;
      gboolean allowed = FALSE;

      if (strstr (body, key) == NULL)
        continue;

      for (guint i = 0; i < homes->len && !allowed; i++)
        {
          CanaryHome *home = g_ptr_array_index (homes, i);
          g_autofree char *where = g_strdup_printf ("%s/%s", home->def->table, home->row_id);

          allowed = g_hash_table_contains (visible, where) ||
                    /* A customer's own company profile (GET /company) is theirs to read. */
                    (who->customer_id != NULL && g_str_equal (home->def->table, "customers") &&
                     g_str_equal (home->row_id, who->customer_id));
        }
      if (!allowed)
        g_error ("%s (isolation %s) received %s in %s", who->email, td_isolation_to_string (mode),
                 (const char *) key, context);
    }
}

/* ------------------------------------------------------------------------------------------
 * The matrix */

static gboolean
is_collection_handler (TdApiHandler handler)
{
  return handler == td_resource_list || handler == td_resource_get ||
         handler == td_resource_create || handler == td_resource_update ||
         handler == td_resource_delete;
}

static const ActionRoute *
find_action (const TdApiRoute *route)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_routes); i++)
    if (g_str_equal (action_routes[i].method, route->method) &&
        g_str_equal (action_routes[i].pattern, route->pattern))
      return &action_routes[i];
  return NULL;
}

/* A collection served through a handler of its area that wraps the engine's (tasks): its
 * route data is the collection and its path the collection's own, so the collection checks
 * of the matrix cover it. */
static gboolean
is_collection_path (const TdApiRoute *route)
{
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);

  for (gsize d = 0; d < n_defs; d++)
    if (route->data == defs[d])
      {
        g_autofree char *list = g_strdup_printf ("/api/v1/%s", defs[d]->collection);
        g_autofree char *item = g_strdup_printf ("/api/v1/%s/{id}", defs[d]->collection);

        return g_str_equal (route->pattern, list) || g_str_equal (route->pattern, item);
      }
  return FALSE;
}

static void
check_coverage_cb (const TdApiRoute *route,
                   gpointer          user_data)
{
  GString *missing = user_data;

  if (route->flags & TD_ROUTE_PUBLIC)
    return;
  if (is_collection_handler (route->handler) && route->data != NULL)
    return;
  if (is_collection_path (route))
    return;
  if (find_action (route) == NULL)
    g_string_append_printf (missing, "\n  %s %s", route->method, route->pattern);
}

static void
test_route_coverage (void)
{
  g_autoptr(GString) missing = g_string_new (NULL);

  td_api_foreach_route (check_coverage_cb, missing);
  if (missing->len > 0)
    g_error ("Routes missing from the authorization matrix:%s", missing->str);
}

static void
anonymous_cb (const TdApiRoute *route,
              gpointer          user_data)
{
  g_auto(GStrv) segments = NULL;
  g_autofree char *path = NULL;
  g_auto(Answer) answer = { 0 };

  if (route->flags & TD_ROUTE_PUBLIC)
    return;

  /* Any id will do: authentication comes before everything else. */
  segments = g_strsplit (route->pattern, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (segments[i][0] == '{')
      {
        g_free (segments[i]);
        segments[i] = g_strdup ("00000000-0000-4000-8000-000000000000");
      }
  path = g_strjoinv ("/", segments);

  answer = call (NULL, route->method, path, "\"1\"", "{}");
  if (answer.status != 401)
    g_error ("anonymous %s %s: %u, expected 401", route->method, path, answer.status);
}

static void
test_anonymous (void)
{
  td_api_foreach_route (anonymous_cb, NULL);
}

static void
remember_route_cb (const TdApiRoute *route,
                   gpointer          user_data)
{
  g_hash_table_add (routed, g_strdup_printf ("%s %s", route->method, route->pattern));
}

/* Collections route only the operations they support (employees are created through
 * invitations, for example): the matrix tries exactly those. */
static gboolean
is_routed (const TdResourceDef *def,
           const char          *method,
           gboolean             item)
{
  g_autofree char *key = g_strdup_printf ("%s /api/v1/%s%s", method, def->collection,
                                          item ? "/{id}" : "");

  return g_hash_table_contains (routed, key);
}

static char *
collection_path (const TdResourceDef *def,
                 const char          *id)
{
  return id != NULL ? g_strdup_printf ("/api/v1/%s/%s", def->collection, id)
                    : g_strdup_printf ("/api/v1/%s", def->collection);
}

/* All ids of the collection the server lists for @who, following every page. */
static GHashTable *
list_all (const Principal     *who,
          const TdResourceDef *def,
          TdIsolation          mode,
          GHashTable          *visible,
          guint               *out_status)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;

  do
    {
      g_autofree char *path = NULL;
      g_autofree char *escaped = cursor ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;
      g_auto(Answer) answer = { 0 };
      g_autoptr(JsonObject) object = NULL;
      JsonArray *items;

      path = g_strdup_printf ("/api/v1/%s?limit=500%s%s", def->collection,
                              escaped ? "&cursor=" : "", escaped ? escaped : "");
      answer = call (who, "GET", path, NULL, NULL);
      *out_status = answer.status;
      if (answer.status != 200)
        return ids;

      assert_no_leaked_canary (who, mode, visible, path, answer.body);
      object = td_json_parse_object (answer.body, strlen (answer.body), NULL);
      g_assert_nonnull (object);
      items = json_object_get_array_member (object, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);

          g_hash_table_add (ids, g_strdup (json_object_get_string_member (item, "id")));
        }
      g_free (cursor);
      cursor = g_strdup (td_json_get_string (object, "next_cursor"));
    }
  while (cursor != NULL);

  return ids;
}

static void
check_collection (const Principal     *who,
                  const TdResourceDef *def,
                  TdIsolation          mode,
                  GHashTable          *visible)
{
  g_autoptr(GPtrArray) rows = load_rows (def);
  g_autoptr(GHashTable) listed = NULL;
  gboolean may_view = td_permission_allowed (who->role, def->perm_view);
  gboolean may_create = td_permission_allowed (who->role, def->perm_create);
  g_autofree char *path = collection_path (def, NULL);
  guint status = 0;
  guint probed = 0;

  /* List: 403 without the view permission; otherwise never a row outside the scope. */
  listed = list_all (who, def, mode, visible, &status);
  if (!may_view)
    {
      if (status != 403)
        g_error ("%s lists %s: %u, expected 403", who->email, def->collection, status);
    }
  else
    {
      GHashTableIter iter;
      gpointer id;

      if (status != 200)
        g_error ("%s lists %s: %u, expected 200", who->email, def->collection, status);
      g_hash_table_iter_init (&iter, listed);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        {
          g_autofree char *where = g_strdup_printf ("%s/%s", def->table, (char *) id);

          if (!g_hash_table_contains (visible, where))
            g_error ("%s (isolation %s) sees %s %s outside their scope", who->email,
                     td_isolation_to_string (mode), def->collection, (char *) id);
        }
    }

  /* Create: authorization before validation, so a malformed body tells the two apart. */
  if (is_routed (def, "POST", FALSE))
  {
    g_auto(Answer) answer = call (who, "POST", path, NULL, "[");
    guint expected = may_create ? 400 : 403;

    if (answer.status != expected)
      g_error ("%s POST %s: %u, expected %u", who->email, path, answer.status, expected);
  }

  /* Items: every row in and a sample of rows out of the scope. Listed ⇔ readable. */
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);
      g_autofree char *where = g_strdup_printf ("%s/%s", def->table, row->id);
      gboolean in_scope = g_hash_table_contains (visible, where);
      g_autofree char *item = collection_path (def, row->id);
      guint expected;

      /* Out-of-scope rows: the first 12. In-scope rows: about 16, evenly spread, which
       * covers every kind of row the seed makes without probing 300 tickets each time. */
      if (!in_scope && probed++ >= 12)
        continue;
      if (in_scope && rows->len > 16 && i % (rows->len / 16) != 0)
        continue;

      if (is_routed (def, "GET", TRUE))
      {
        g_auto(Answer) answer = call (who, "GET", item, NULL, NULL);

        expected = !in_scope ? 404 : (may_view ? 200 : 403);
        if (answer.status != expected)
          g_error ("%s (isolation %s) GET %s: %u, expected %u", who->email,
                   td_isolation_to_string (mode), item, answer.status, expected);
        if (may_view && (answer.status == 200) != g_hash_table_contains (listed, row->id))
          g_error ("%s: %s is %s but GET answers %u", who->email, item,
                   g_hash_table_contains (listed, row->id) ? "listed" : "not listed",
                   answer.status);
        assert_no_leaked_canary (who, mode, visible, item, answer.body);
      }

      if (is_routed (def, "PATCH", TRUE))
      {
        g_auto(Answer) answer = call (who, "PATCH", item, "\"0\"", "{}");

        expected = !in_scope ? 404 : (oracle_reaches (who, def, def->perm_edit, row) ? 412 : 403);
        if (answer.status != expected)
          g_error ("%s (isolation %s) PATCH %s: %u, expected %u", who->email,
                   td_isolation_to_string (mode), item, answer.status, expected);
        assert_no_leaked_canary (who, mode, visible, item, answer.body);
      }

      if (is_routed (def, "DELETE", TRUE))
      {
        g_auto(Answer) answer = call (who, "DELETE", item, "\"0\"", NULL);

        expected = !in_scope ? 404 : (oracle_reaches (who, def, def->perm_delete, row) ? 412 : 403);
        if (answer.status != expected)
          g_error ("%s (isolation %s) DELETE %s: %u, expected %u", who->email,
                   td_isolation_to_string (mode), item, answer.status, expected);
        assert_no_leaked_canary (who, mode, visible, item, answer.body);
      }
    }
}

/* "table/id" of every row of every collection @who may see under @mode. */
static GHashTable *
visible_set (const Principal *who,
             TdIsolation      mode)
{
  GHashTable *visible = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);

  for (gsize d = 0; d < n_defs; d++)
    {
      g_autoptr(GPtrArray) rows = load_rows (defs[d]);

      for (guint i = 0; i < rows->len; i++)
        {
          Row *row = g_ptr_array_index (rows, i);

          if (oracle_visible (who, defs[d], row, mode))
            g_hash_table_add (visible, g_strdup_printf ("%s/%s", defs[d]->table, row->id));
        }
    }
  return visible;
}

/* The initial sync of the change feed: exactly the visible rows of the viewable collections
 * (as "table/id"), and no canary of anything else. */
static void
check_change_feed (const Principal *who,
                   TdIsolation      mode,
                   GHashTable      *visible)
{
  g_autoptr(GHashTable) synced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);
  gint64 since = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                               "&limit=5000", since);
      g_auto(Answer) answer = call (who, "GET", path, NULL, NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *page;
      JsonArray *changes;

      if (answer.status != 200)
        g_error ("%s GET %s: %u", who->email, path, answer.status);
      assert_no_leaked_canary (who, mode, visible, path, answer.body);
      node = json_from_string (answer.body, NULL);
      g_assert_nonnull (node);
      page = json_node_get_object (node);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          const char *type = json_object_get_string_member (change, "type");
          const TdResourceDef *def = NULL;
          g_autofree char *where = NULL;

          for (gsize d = 0; d < n_defs && def == NULL; d++)
            if (g_str_equal (defs[d]->type, type))
              def = defs[d];
          g_assert_nonnull (def);
          g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "upsert");
          where = g_strdup_printf ("%s/%s", def->table, json_object_get_string_member (change, "id"));
          if (!g_hash_table_contains (visible, where) ||
              !td_permission_allowed (who->role, def->perm_view))
            g_error ("%s (isolation %s): the change feed names %s outside their scope",
                     who->email, td_isolation_to_string (mode), where);
          g_hash_table_add (synced, g_steal_pointer (&where));
        }
      since = json_object_get_int_member (page, "next_since");
      more = json_object_get_boolean_member (page, "has_more");
    }

  /* Complete: every visible row of a viewable collection is synced. */
  for (gsize d = 0; d < n_defs; d++)
    {
      g_autoptr(GPtrArray) rows = NULL;

      if (!td_permission_allowed (who->role, defs[d]->perm_view))
        continue;
      rows = load_rows (defs[d]);
      for (guint i = 0; i < rows->len; i++)
        {
          Row *row = g_ptr_array_index (rows, i);
          g_autofree char *where = g_strdup_printf ("%s/%s", defs[d]->table, row->id);

          if (g_hash_table_contains (visible, where) && !g_hash_table_contains (synced, where))
            g_error ("%s (isolation %s): the change feed misses %s", who->email,
                     td_isolation_to_string (mode), where);
        }
    }
}

/* Replaces the first {…} of @pattern with @id and the others with an id that exists nowhere. */
static char *
fill_pattern (const char *pattern,
              const char *id,
              guint      *out_placeholders)
{
  g_autoptr(GString) path = g_string_new (pattern);
  const char *fill = id != NULL ? id : "00000000-0000-4000-8000-000000000000";
  char *brace;

  *out_placeholders = 0;
  while ((brace = strchr (path->str, '{')) != NULL)
    {
      gsize start = brace - path->str;
      gsize end = strchr (brace, '}') - path->str + 1;

      g_string_erase (path, start, end - start);
      g_string_insert (path, start, fill);
      fill = "00000000-0000-4000-8000-000000000000";
      (*out_placeholders)++;
    }
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static gboolean
login_matches (const Principal *who,
               LoginRestriction login)
{
  if (login == EMPLOYEES_ONLY)
    return who->customer_id == NULL;
  if (login == CUSTOMERS_ONLY)
    return who->customer_id != NULL;
  return TRUE;
}

/* Actions, without ever performing one: the body is malformed and If-Match stale.
 *  - no parent: 403 without the permission or for the wrong login type, otherwise
 *    anything but 401/403/404;
 *  - with a parent: 404 for a parent outside the scope; for a visible parent and a route
 *    without a further id, 403 without the permission. (With a further id the child, which
 *    does not exist, answers 404 first.) */
static void
check_actions (const Principal *who,
               TdIsolation      mode,
               GHashTable      *visible)
{
  for (guint a = 0; a < G_N_ELEMENTS (action_routes); a++)
    {
      const ActionRoute *action = &action_routes[a];
      const TdResourceDef *parent = action->parent ? td_resource_find (action->parent) : NULL;
      gboolean permitted = action->permission == TD_N_PERMISSIONS ||
                           td_permission_allowed (who->role, action->permission);
      g_autoptr(GPtrArray) rows = NULL;
      gboolean seen_in = FALSE, seen_out = FALSE;

      if (action->parent == NULL)
        {
          guint placeholders;
          g_autofree char *path = fill_pattern (action->pattern, NULL, &placeholders);
          g_auto(Answer) answer = { 0 };
          gboolean allowed = permitted && login_matches (who, action->login);

          if (g_str_equal (action->pattern, "/api/v1/auth/logout"))
            continue;   /* would end the principal's session */
          answer = call (who, action->method, path, "\"0\"", "[");
          if (placeholders > 0)
            {
              /* The id exists nowhere: not found, for everyone. */
              if (answer.status != 404)
                g_error ("%s %s %s: %u, expected 404", who->email, action->method, path,
                         answer.status);
              continue;
            }
          if (!allowed && answer.status != 403)
            g_error ("%s %s %s: %u, expected 403", who->email, action->method, path, answer.status);
          if (allowed && (answer.status == 401 || answer.status == 403 || answer.status == 404 ||
                          answer.status >= 500))
            g_error ("%s %s %s: %u, expected it to be allowed", who->email, action->method, path,
                     answer.status);
          assert_no_leaked_canary (who, mode, visible, path, answer.body);
          continue;
        }

      g_assert_nonnull (parent);
      rows = load_rows (parent);
      for (guint i = 0; i < rows->len && !(seen_in && seen_out); i++)
        {
          Row *row = g_ptr_array_index (rows, i);
          g_autofree char *where = g_strdup_printf ("%s/%s", parent->table, row->id);
          gboolean in_scope = g_hash_table_contains (visible, where);
          gboolean allowed = login_matches (who, action->login) &&
                             (action->permission == TD_N_PERMISSIONS ||
                              oracle_reaches (who, parent, action->permission, row));

          if (action->own_company && who->customer_id != NULL &&
              g_str_equal (parent->table, "customers") && g_str_equal (row->id, who->customer_id))
            {
              in_scope = TRUE;
              allowed = td_permission_allowed (who->role, action->own_company_permission);
            }
          guint placeholders = 0;
          g_autofree char *path = fill_pattern (action->pattern, row->id, &placeholders);
          g_auto(Answer) answer = { 0 };

          if ((in_scope && seen_in) || (!in_scope && seen_out))
            continue;

          answer = call (who, action->method, path, "\"0\"", "[");
          if (!in_scope && answer.status != 404)
            g_error ("%s (isolation %s) %s %s: %u, expected 404", who->email,
                     td_isolation_to_string (mode), action->method, path, answer.status);
          if (in_scope && placeholders == 1 && !allowed && answer.status != 403)
            g_error ("%s (isolation %s) %s %s: %u, expected 403", who->email,
                     td_isolation_to_string (mode), action->method, path, answer.status);
          if (in_scope && placeholders == 1 && allowed &&
              (answer.status == 403 || answer.status == 404 || answer.status >= 500))
            g_error ("%s (isolation %s) %s %s: %u, expected it to be allowed", who->email,
                     td_isolation_to_string (mode), action->method, path, answer.status);
          assert_no_leaked_canary (who, mode, visible, path, answer.body);
          seen_in |= in_scope;
          seen_out |= !in_scope;
        }
    }
}

static void
test_matrix (void)
{
  const TdIsolation modes[] = { TD_ISOLATION_OFF, TD_ISOLATION_BASIC, TD_ISOLATION_STRICT };
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);

  g_assert_cmpuint (n_defs, >, 0);
  g_assert_cmpuint (principals->len, >=, 8);

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      set_isolation (modes[m]);
      for (guint p = 0; p < principals->len; p++)
        {
          const Principal *who = g_ptr_array_index (principals, p);
          g_autoptr(GHashTable) visible = visible_set (who, modes[m]);

          for (gsize d = 0; d < n_defs; d++)
            check_collection (who, defs[d], modes[m], visible);
          check_actions (who, modes[m], visible);
          check_change_feed (who, modes[m], visible);
        }
    }
  set_isolation (TD_ISOLATION_OFF);

  g_test_message ("%u authorization cases over %u principals, %" G_GSIZE_FORMAT
                  " collections, %u canaries, 3 isolation modes",
                  cases, principals->len, n_defs, g_hash_table_size (canaries));
  g_assert_cmpuint (cases, >=, 2000);
}

/* ------------------------------------------------------------------------------------------
 * Set-up: every seeded login becomes a principal */

static void
principal_free (Principal *who)
{
  g_free (who->email);
  g_free (who->token);
  g_free (who->user_id);
  g_free (who->customer_id);
  g_strfreev (who->departments);
  g_free (who);
}

static char *
log_in (const char *email)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}",
                                           email, TD_DEMO_PASSWORD);
  g_auto(Answer) answer = call (NULL, "POST", "/api/v1/auth/login", NULL, body);
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpuint (answer.status, ==, 200);
  object = td_json_parse_object (answer.body, strlen (answer.body), NULL);
  return g_strdup (td_json_get_string (object, "token"));
}

static void
load_principals (void)
{
  sqlite3_stmt *stmt = NULL;

  principals = g_ptr_array_new_with_free_func ((GDestroyNotify) principal_free);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT id, email, customer_id, role, departments "
                                       "FROM employees WHERE org_id = ? AND deleted = 0 "
                                       "AND status = 'active' AND password_hash IS NOT NULL "
                                       "ORDER BY email", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, org_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Principal *who = g_new0 (Principal, 1);
      const char *customer = (const char *) sqlite3_column_text (stmt, 2);

      who->user_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      who->email = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      who->customer_id = g_strdup (customer);
      who->role = td_role_from_string (customer ? TD_LOGIN_CUSTOMER : TD_LOGIN_EMPLOYEE,
                                       (const char *) sqlite3_column_text (stmt, 3));
      who->departments = parse_id_list ((const char *) sqlite3_column_text (stmt, 4));
      who->token = log_in (who->email);
      g_ptr_array_add (principals, who);
    }
  sqlite3_finalize (stmt);
}

/* ------------------------------------------------------------------------------------------
 * The event stream */

typedef struct
{
  const Principal         *who;
  SoupWebsocketConnection *ws;
  GPtrArray               *messages;  /* char * */
  gint64                   hello_seq;
} Listener;

static void
listener_free (Listener *listener)
{
  if (listener->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (listener->ws, listener);
      if (soup_websocket_connection_get_state (listener->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (listener->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (listener->ws);
    }
  g_ptr_array_unref (listener->messages);
  g_free (listener);
}

static void
listener_message_cb (SoupWebsocketConnection *ws,
                     gint                     type,
                     GBytes                  *message,
                     gpointer                 user_data)
{
  Listener *listener = user_data;

  g_ptr_array_add (listener->messages, g_strndup (g_bytes_get_data (message, NULL),
                                                  g_bytes_get_size (message)));
}

static void
ws_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SoupWebsocketConnection **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
pump (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static Listener *
listen_as (const Principal *who)
{
  g_autofree char *url = g_strconcat (td_test_server_get_url (server), "/api/v1/events", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *bearer = g_strconcat ("Bearer ", who->token, NULL);
  g_autoptr(JsonNode) hello = NULL;
  Listener *listener = g_new0 (Listener, 1);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  listener->who = who;
  listener->messages = g_ptr_array_new_with_free_func (g_free);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        ws_connected_cb, &listener->ws);
  while (listener->ws == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (listener->ws);
  g_signal_connect (listener->ws, "message", G_CALLBACK (listener_message_cb), listener);
  while (listener->messages->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (listener->messages->len, ==, 1);
  hello = json_from_string (listener->messages->pdata[0], NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (hello), "type"), ==, "hello");
  listener->hello_seq = json_object_get_int_member (json_node_get_object (hello), "seq");
  g_ptr_array_remove_index (listener->messages, 0);
  return listener;
}

/* How many changes the feed holds for @who after @since (all of them must be visible). */
static guint
feed_news (const Principal *who,
           gint64           since,
           GHashTable      *visible)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                           "&limit=5000", since);
  g_auto(Answer) answer = call (who, "GET", path, NULL, NULL);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (answer.status, ==, 200);
  assert_no_leaked_canary (who, TD_ISOLATION_OFF, visible, path, answer.body);
  node = json_from_string (answer.body, NULL);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (node), "changes"));
}

static void
test_events (void)
{
  g_autoptr(GPtrArray) listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  g_autoptr(GPtrArray) customers = NULL;
  const Principal *admin = NULL;
  guint edits = 0, told = 0;

  set_isolation (TD_ISOLATION_OFF);
  for (guint p = 0; p < principals->len; p++)
    {
      const Principal *who = g_ptr_array_index (principals, p);

      if (who->token == NULL)
        continue;
      if (g_strcmp0 (who->email, "admin@acme.test") == 0)
        admin = who;
      g_ptr_array_add (listeners, listen_as (who));
    }
  g_assert_nonnull (admin);

  /* A ticket of the first company that has one: the other companies must hear nothing. */
  customers = g_ptr_array_new_with_free_func (g_free);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT t.id FROM tickets t JOIN devices d"
                                             " ON d.id = t.device_id WHERE t.deleted = 0 AND"
                                             " d.customer_id IS c.id LIMIT 1) FROM"
                                             " (SELECT id FROM customers ORDER BY id) c",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    while (customers->len == 0 && sqlite3_step (stmt) == SQLITE_ROW)
      if (sqlite3_column_text (stmt, 0) != NULL)
        g_ptr_array_add (customers, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    sqlite3_finalize (stmt);
  }
  for (guint i = 0; i < customers->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/tickets/%s", (char *) customers->pdata[i]);
      g_autofree char *version = query_text ("SELECT version FROM tickets WHERE id = ?",
                                             customers->pdata[i]);
      g_autofree char *if_match = g_strdup_printf ("\"%s\"", version);
      g_auto(Answer) answer = call (admin, "PATCH", path, if_match,
                                    "{\"title\":\"Edited while everyone listens\"}");

      g_assert_cmpuint (answer.status, ==, 200);
      edits++;
    }
  g_assert_cmpuint (edits, ==, 1);
  pump (1500);

  for (guint l = 0; l < listeners->len; l++)
    {
      Listener *listener = g_ptr_array_index (listeners, l);
      const Principal *who = listener->who;
      g_autoptr(GHashTable) visible = visible_set (who, TD_ISOLATION_OFF);
      gboolean changed = FALSE;
      guint news = feed_news (who, listener->hello_seq, visible);

      for (guint m = 0; m < listener->messages->len; m++)
        {
          const char *text = listener->messages->pdata[m];
          g_autoptr(JsonNode) node = json_from_string (text, NULL);
          JsonObject *message = json_node_get_object (node);
          const char *type = json_object_get_string_member (message, "type");

          assert_no_leaked_canary (who, TD_ISOLATION_OFF, visible, "an event", text);
          if (g_str_equal (type, "change"))
            changed = TRUE;
          else if (g_str_equal (type, "notification"))
            g_assert_cmpstr (json_object_get_string_member (
                               json_object_get_object_member (message, "notification"),
                               "user_id"), ==, who->user_id);
          else
            g_error ("%s received an unexpected event: %s", who->email, text);
        }
      /* An event exactly when the feed has news for this user. */
      if (changed != (news > 0))
        g_error ("%s: change event %s, but the feed holds %u changes since %" G_GINT64_FORMAT,
                 who->email, changed ? "received" : "missing", news, listener->hello_seq);
      told += changed;
      cases++;
    }
  g_test_message ("%u edits, %u of %u listeners told of a change", edits, told, listeners->len);
  g_assert_cmpuint (told, >, 0);
  g_assert_cmpuint (told, <, listeners->len);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  gsize n_defs;
  const TdResourceDef * const *defs;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = td_test_server_start ("demo");
  session = soup_session_new ();
  path = g_build_filename (td_test_server_get_dir (server), "twindesk.db", NULL);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  org_id = query_text ("SELECT id FROM organizations LIMIT 1", NULL);
  g_assert_nonnull (org_id);

  routed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  td_api_foreach_route (remember_route_cb, NULL);
  load_principals ();
  canaries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);
  defs = td_resource_all (&n_defs);
  for (gsize d = 0; d < n_defs; d++)
    collect_canaries_in (defs[d]);

  g_test_add_func ("/authz/route-coverage", test_route_coverage);
  g_test_add_func ("/authz/anonymous", test_anonymous);
  g_test_add_func ("/authz/matrix", test_matrix);
  g_test_add_func ("/authz/events", test_events);

  ret = g_test_run ();

  g_clear_pointer (&canaries, g_hash_table_unref);
  g_clear_pointer (&routed, g_hash_table_unref);
  g_clear_pointer (&principals, g_ptr_array_unref);
  sqlite3_close (db);
  g_clear_object (&session);
  g_clear_pointer (&server, td_test_server_free);
  g_free (org_id);
  return ret;
}
