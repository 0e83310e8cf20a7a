/* test-resource.c: the resource engine over test-only collections
 *
 * The definitions here are the test's own, over tables it creates after the real
 * migrations (so that `changes` and `idempotency_keys` are the real ones): the engine is
 * tested independently of the areas' definitions. Requests and identities are built by
 * hand and handed straight to the handlers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-api-request.h"
#include "td-auth.h"
#include "td-db.h"
#include "td-isolation.h"
#include "td-json.h"
#include "td-migrations.h"
#include "td-random.h"
#include "td-resource.h"
#include "td-server-test-util.h"
#include "td-store-users.h"
#include "td-time.h"

#define ORG       "00000000-0000-4000-8000-00000000000a"
#define OTHER_ORG "00000000-0000-4000-8000-00000000000b"
#define CUST_1    "00000000-0000-4000-8000-0000000000c1"
#define CUST_2    "00000000-0000-4000-8000-0000000000c2"
#define DEP_A     "00000000-0000-4000-8000-0000000000da"
#define DEP_B     "00000000-0000-4000-8000-0000000000db"
#define DEP_C     "00000000-0000-4000-8000-0000000000dc"

#define U_ADMIN    "00000000-0000-4000-8000-000000000101"
#define U_MEMBER   "00000000-0000-4000-8000-000000000102"
#define U_CREATOR  "00000000-0000-4000-8000-000000000103"
#define U_DEPTADM  "00000000-0000-4000-8000-000000000104"
#define U_CMEMBER  "00000000-0000-4000-8000-000000000105"
#define U_CADMIN   "00000000-0000-4000-8000-000000000106"
#define U_MEMBER_A "00000000-0000-4000-8000-000000000107"

static char *dir;
static char *db_path;
static TdDb *db;

/* Test collections ------------------------------------------------------------------ */

static const TdFieldDef tdep_fields[] = {
  { "name", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SORT },
};

static const TdResourceDef tdep_def = {
  .collection = "t-departments", .table = "t_departments", .type = "t_department",
  .perm_view = TD_PERM_EMPLOYEES_VIEW, .perm_create = TD_PERM_COMPANY_MANAGE,
  .perm_edit = TD_PERM_COMPANY_MANAGE, .perm_delete = TD_PERM_COMPANY_MANAGE,
  .isolate_by = TD_ISOLATE_NONE, .customer_scope = TD_CUSTOMER_ALL,
  .fields = tdep_fields, .n_fields = G_N_ELEMENTS (tdep_fields),
  .default_sort = "name",
};

static const TdFieldDef tcust_fields[] = {
  { "name", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED },
};

static const TdResourceDef tcust_def = {
  .collection = "t-customers", .table = "t_customers", .type = "t_customer",
  .perm_view = TD_PERM_EMPLOYEES_VIEW, .perm_create = TD_PERM_CUSTOMERS_MANAGE,
  .perm_edit = TD_PERM_CUSTOMERS_MANAGE, .perm_delete = TD_PERM_CUSTOMERS_MANAGE,
  .isolate_by = TD_ISOLATE_NONE, .customer_scope = TD_CUSTOMER_SELF,
  .fields = tcust_fields, .n_fields = G_N_ELEMENTS (tcust_fields),
};

static const TdFieldDef dev_fields[] = {
  { "name", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SORT | TD_FIELD_SEARCH },
  { "customer_id", TD_FIELD_REF, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_FILTER, 0, NULL, &tcust_def },
  { "departments", TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, NULL, &tdep_def },
};

static const TdResourceDef dev_def = {
  .collection = "t-devices", .table = "devices", .type = "t_device",
  .perm_view = TD_PERM_DEVICES_VIEW, .perm_create = TD_PERM_DEVICES_CREATE,
  .perm_edit = TD_PERM_DEVICES_EDIT, .perm_delete = TD_PERM_DEVICES_DELETE,
  .isolate_by = TD_ISOLATE_OWN, .customer_scope = TD_CUSTOMER_COLUMN,
  .fields = dev_fields, .n_fields = G_N_ELEMENTS (dev_fields),
  .default_sort = "name",
};

static const char * const kinds[] = { "alpha", "beta", NULL };

static gboolean
thing_is_responsible (TdApiCall  *call,
                      JsonObject *row)
{
  return g_strcmp0 (td_json_get_string (row, "responsible"), call->identity->user->id) == 0;
}

static TdApiResponse *
thing_before_create (TdResourceWrite *write)
{
  if (g_strcmp0 (td_json_get_string (write->changes, "name"), "reject") == 0)
    return td_resource_invalid ("name", "Rejected by the hook");
  /* Hooks may add members of their own columns. */
  json_object_set_string_member (write->changes, "hook_note", "set by hook");
  return NULL;
}

static TdApiResponse *
thing_after_write (TdResourceWrite *write)
{
  /* Fails after the insert and the change record: the transaction must take both back. */
  if (g_strcmp0 (td_json_get_string (write->changes, "name"), "boom") == 0)
    return td_api_response_new_error (500, "internal_error", "Internal server error", NULL);
  return NULL;
}

static const TdFieldDef thing_fields[] = {
  { "name", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED | TD_FIELD_SORT | TD_FIELD_SEARCH, 10 },
  { "count", TD_FIELD_INT, TD_FIELD_WRITABLE | TD_FIELD_SORT | TD_FIELD_FILTER, 0, NULL, NULL, 0, 100 },
  { "flag", TD_FIELD_BOOL, TD_FIELD_WRITABLE | TD_FIELD_FILTER },
  { "kind", TD_FIELD_ENUM, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 0, kinds },
  { "due", TD_FIELD_TIME, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_SORT | TD_FIELD_DATE_RANGE },
  { "data", TD_FIELD_JSON, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE, 100 },
  { "device_id", TD_FIELD_REF, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_FILTER, 0, NULL, &dev_def },
  { "labels", TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER, 3, NULL, &tdep_def },
  { "secret", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_HIDDEN | TD_FIELD_NULLABLE |
              TD_FIELD_FILTER | TD_FIELD_SEARCH },
  { "note", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_STAFF_ONLY | TD_FIELD_NULLABLE |
            TD_FIELD_FILTER | TD_FIELD_SEARCH | TD_FIELD_SORT },
  { "code", TD_FIELD_TEXT, TD_FIELD_CREATE_ONLY | TD_FIELD_NULLABLE },
  { "responsible", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE },
  { "created_by", TD_FIELD_TEXT, TD_FIELD_NULLABLE },
};

static const TdResourceDef thing_def = {
  .collection = "things", .table = "things", .type = "thing",
  .perm_view = TD_PERM_CASES_VIEW, .perm_create = TD_PERM_CASES_CREATE,
  .perm_edit = TD_PERM_CASES_EDIT, .perm_delete = TD_PERM_CASES_DELETE,
  .isolate_by = TD_ISOLATE_VIA_DEVICE, .customer_scope = TD_CUSTOMER_VIA_DEVICE,
  .fields = thing_fields, .n_fields = G_N_ELEMENTS (thing_fields),
  .default_sort = "-updated_at",
  .created_by_column = "created_by", .is_responsible = thing_is_responsible,
  .before_create = thing_before_create, .after_write = thing_after_write,
};

static const TdFieldDef person_fields[] = {
  { "name", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_REQUIRED },
  { "departments", TD_FIELD_ID_LIST, TD_FIELD_WRITABLE, 0, NULL, &tdep_def },
};

static const TdResourceDef person_def = {
  .collection = "people", .table = "people", .type = "person",
  .perm_view = TD_PERM_EMPLOYEES_VIEW, .perm_create = TD_PERM_EMPLOYEES_MANAGE,
  .perm_edit = TD_PERM_EMPLOYEES_MANAGE, .perm_delete = TD_PERM_EMPLOYEES_MANAGE,
  .isolate_by = TD_ISOLATE_OWN, .customer_scope = TD_CUSTOMER_NONE,
  .fields = person_fields, .n_fields = G_N_ELEMENTS (person_fields),
};

/* Scope-only definitions for the customer scope test. */
#define SCOPE_DEF(var, scope)                                                  \
  static const TdResourceDef var = {                                           \
    .collection = #var, .table = "scoped", .type = "scoped",                   \
    .perm_view = TD_PERM_CASES_VIEW, .isolate_by = TD_ISOLATE_NONE,            \
    .customer_scope = scope,                                                   \
  }
SCOPE_DEF (scope_none, TD_CUSTOMER_NONE);
SCOPE_DEF (scope_column, TD_CUSTOMER_COLUMN);
SCOPE_DEF (scope_self, TD_CUSTOMER_SELF);
SCOPE_DEF (scope_device, TD_CUSTOMER_VIA_DEVICE);
SCOPE_DEF (scope_all, TD_CUSTOMER_ALL);

/* Helpers -------------------------------------------------------------------------- */

static void
exec (TdDb       *on,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  if (!td_db_exec (on, sql, &error))
    g_error ("%s: %s", sql, error->message);
}

static TdAuthIdentity *
identity_new (const char  *user_id,
              TdRole       role,
              const char  *customer_id,
              const char  *org_id,
              const char **departments)
{
  TdAuthIdentity *identity = g_new0 (TdAuthIdentity, 1);
  TdUser *user = td_user_new ();

  user->id = g_strdup (user_id);
  user->role = role;
  user->org_id = g_strdup (org_id != NULL ? org_id : ORG);
  user->customer_id = g_strdup (customer_id);
  if (departments != NULL)
    {
      g_strfreev (user->departments);
      user->departments = g_strdupv ((char **) departments);
    }
  identity->session_id = g_strdup ("session");
  identity->user = user;
  return identity;
}

typedef struct
{
  TdAuthIdentity *who;
  TdIsolation     isolation;
  const char     *if_match;
  const char     *idempotency_key;
  const char     *query;  /* "a=b&c=d", values not escaped */
} TdCallOptions;

static TdApiResponse *
run (TdDb                *on,
     TdApiHandler         handler,
     const TdResourceDef *def,
     const char          *method,
     const char          *id,
     const char          *body,
     const TdCallOptions *options)
{
  g_autofree char *path = id != NULL ? g_strdup_printf ("/api/v1/%s/%s", def->collection, id)
                                     : g_strdup_printf ("/api/v1/%s", def->collection);
  g_autoptr(TdApiRequest) request = td_api_request_new (method, path);
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  TdApiCall call = { 0 };

  if (body != NULL)
    td_api_request_set_body (request, body, strlen (body));
  request->if_match = g_strdup (options->if_match);
  request->idempotency_key = g_strdup (options->idempotency_key);
  if (options->query != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (options->query, "&", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          char *eq = strchr (pairs[i], '=');

          g_assert_nonnull (eq);
          g_hash_table_insert (request->query, g_strndup (pairs[i], eq - pairs[i]),
                               g_strdup (eq + 1));
        }
    }
  if (id != NULL)
    g_hash_table_insert (params, g_strdup ("id"), g_strdup (id));

  call.request = request;
  call.db = on;
  call.identity = options->who;
  call.params = params;
  call.route_data = def;
  call.isolation = options->isolation;
  return handler (&call);
}

static JsonObject *
body_of (TdApiResponse *response,
         JsonNode     **out_node)
{
  *out_node = td_api_response_parse_body (response);
  g_assert_nonnull (*out_node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*out_node));
  return json_node_get_object (*out_node);
}

static void
assert_error (TdApiResponse *response,
              guint          status,
              const char    *code,
              const char    *field)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *error;

  if (response->status != status)
    g_test_message ("unexpected response %u: %.*s", response->status,
                    response->body ? (int) g_bytes_get_size (response->body) : 0,
                    response->body ? (const char *) g_bytes_get_data (response->body, NULL) : "");
  g_assert_cmpuint (response->status, ==, status);
  error = json_object_get_object_member (body_of (response, &node), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  if (field != NULL)
    g_assert_cmpstr (td_json_get_string (error, "field"), ==, field);
}

static gint64
count_rows (const char *sql,
            const char *param)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  if (param != NULL)
    td_db_stmt_bind_text (stmt, 1, param);
  g_assert_cmpint (td_db_stmt_step (stmt, &error), ==, TD_DB_STEP_ROW);
  return td_db_stmt_get_int64 (stmt, 0);
}

static TdAuthIdentity *admin, *member, *creator, *deptadm, *cmember, *cadmin, *member_a;

/* Creates a thing as @who and returns its id. */
static char *
create_thing (TdAuthIdentity *who,
              const char     *body)
{
  TdCallOptions options = { .who = who };
  g_autoptr(TdApiResponse) response = run (db, td_resource_create, &thing_def, "POST", NULL,
                                           body, &options);
  g_autoptr(JsonNode) node = NULL;

  if (response->status != 201)
    g_test_message ("create failed: %.*s", (int) g_bytes_get_size (response->body),
                    (const char *) g_bytes_get_data (response->body, NULL));
  g_assert_cmpuint (response->status, ==, 201);
  return g_strdup (td_json_get_string (body_of (response, &node), "id"));
}

/* Setup ---------------------------------------------------------------------------- */

static void
insert_user (const char *id,
             const char *customer_id,
             const char *role)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "INSERT INTO employees (id, org_id, customer_id, "
                                                "email, role, status, created_at, updated_at) "
                                                "VALUES (?, ?, ?, ?, ?, 'active', 'x', 'x')",
                                            &error);
  g_autofree char *email = g_strdup_printf ("%s@example.com", id);

  g_assert_no_error (error);
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, ORG);
  td_db_stmt_bind_text (stmt, 3, customer_id);
  td_db_stmt_bind_text (stmt, 4, email);
  td_db_stmt_bind_text (stmt, 5, role);
  g_assert_true (td_db_stmt_run (stmt, &error));
}

static void
setup_database (void)
{
  g_autoptr(GError) error = NULL;
  const char *dep_a[] = { DEP_A, NULL };

  dir = td_test_make_tmp_dir ();
  db_path = g_build_filename (dir, "resource.db", NULL);
  db = td_db_open (db_path, &error);
  g_assert_no_error (error);
  g_assert_true (td_migrations_apply (db, &error));
  g_assert_no_error (error);

  exec (db, "INSERT INTO organizations (id, org_id, name, created_at, updated_at) VALUES "
            "('" ORG "', '" ORG "', 'Org', 'x', 'x'), "
            "('" OTHER_ORG "', '" OTHER_ORG "', 'Other', 'x', 'x');"
            "INSERT INTO customers (id, org_id, kind, name, customer_number, created_at, updated_at)"
            " VALUES ('" CUST_1 "', '" ORG "', 'corporate', 'C1', '1', 'x', 'x'),"
            "        ('" CUST_2 "', '" ORG "', 'corporate', 'C2', '2', 'x', 'x');");
  insert_user (U_ADMIN, NULL, "admin");
  insert_user (U_MEMBER, NULL, "member");
  insert_user (U_CREATOR, NULL, "content_creator");
  insert_user (U_DEPTADM, NULL, "department_admin");
  insert_user (U_MEMBER_A, NULL, "member");
  insert_user (U_CMEMBER, CUST_1, "member");
  insert_user (U_CADMIN, CUST_1, "admin");

  /* The engine reads devices for VIA_DEVICE scopes; the test brings its own, smaller
   * devices table so that it does not depend on the assets area's schema. */
  exec (db, "PRAGMA foreign_keys = OFF; DROP TABLE IF EXISTS devices; PRAGMA foreign_keys = ON;");
#define COMMON " id TEXT PRIMARY KEY, org_id TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1," \
               " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0"
  exec (db, "CREATE TABLE t_departments (" COMMON ", name TEXT NOT NULL);"
            "CREATE TABLE t_customers (" COMMON ", name TEXT NOT NULL);"
            "CREATE TABLE devices (" COMMON ", name TEXT NOT NULL, customer_id TEXT,"
            "  departments TEXT NOT NULL DEFAULT '[]');"
            "CREATE INDEX devices_sync ON devices (org_id, deleted, updated_at, id);"
            "CREATE TABLE things (" COMMON ", name TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0,"
            "  flag INTEGER NOT NULL DEFAULT 0, kind TEXT NOT NULL DEFAULT 'alpha', due TEXT,"
            "  data TEXT, device_id TEXT, labels TEXT NOT NULL DEFAULT '[]', secret TEXT, note TEXT,"
            "  code TEXT, responsible TEXT, created_by TEXT, hook_note TEXT);"
            "CREATE INDEX things_sync ON things (org_id, deleted, updated_at, id);"
            "CREATE TABLE people (" COMMON ", name TEXT NOT NULL, departments TEXT NOT NULL DEFAULT '[]');"
            "CREATE TABLE scoped (" COMMON ", customer_id TEXT, device_id TEXT);"
            "CREATE TABLE iso_own (" COMMON ", departments TEXT NOT NULL DEFAULT '[]');"
            "CREATE TABLE iso_dev (" COMMON ", device_id TEXT);");
  exec (db, "INSERT INTO t_departments (id, org_id, name, created_at, updated_at) VALUES"
            " ('" DEP_A "', '" ORG "', 'A', 'x', 'x'), ('" DEP_B "', '" ORG "', 'B', 'x', 'x'),"
            " ('" DEP_C "', '" ORG "', 'C', 'x', 'x');"
            "INSERT INTO t_customers (id, org_id, name, created_at, updated_at) VALUES"
            " ('" CUST_1 "', '" ORG "', 'C1', 'x', 'x'), ('" CUST_2 "', '" ORG "', 'C2', 'x', 'x');");

  admin = identity_new (U_ADMIN, TD_ROLE_ADMIN, NULL, NULL, NULL);
  member = identity_new (U_MEMBER, TD_ROLE_MEMBER, NULL, NULL, NULL);
  creator = identity_new (U_CREATOR, TD_ROLE_CONTENT_CREATOR, NULL, NULL, NULL);
  deptadm = identity_new (U_DEPTADM, TD_ROLE_DEPT_ADMIN, NULL, NULL, dep_a);
  member_a = identity_new (U_MEMBER_A, TD_ROLE_MEMBER, NULL, NULL, dep_a);
  cmember = identity_new (U_CMEMBER, TD_ROLE_CUSTOMER_MEMBER, CUST_1, NULL, NULL);
  cadmin = identity_new (U_CADMIN, TD_ROLE_CUSTOMER_ADMIN, CUST_1, NULL, NULL);
}

static void
insert_device (const char *id,
               const char *org_id,
               const char *customer_id,
               const char *departments)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "INSERT INTO devices (id, org_id, name, customer_id,"
                                                " departments, created_at, updated_at)"
                                                " VALUES (?, ?, 'dev', ?, ?, 'x', 'x')", &error);

  g_assert_no_error (error);
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  td_db_stmt_bind_text (stmt, 3, customer_id);
  td_db_stmt_bind_text (stmt, 4, departments);
  g_assert_true (td_db_stmt_run (stmt, &error));
}

/* Tests: the five operations ------------------------------------------------------- */

static void
test_crud_happy_path (void)
{
  TdCallOptions options = { .who = admin };
  g_autoptr(TdApiResponse) created = NULL;
  g_autoptr(TdApiResponse) got = NULL;
  g_autoptr(TdApiResponse) patched = NULL;
  g_autoptr(TdApiResponse) deleted = NULL;
  g_autoptr(TdApiResponse) gone = NULL;
  g_autoptr(TdApiResponse) listed = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autoptr(JsonNode) node3 = NULL;
  g_autofree char *location = NULL;
  JsonObject *object;
  const char *id;

  created = run (db, td_resource_create, &thing_def, "POST", NULL,
                 "{\"name\":\"first\",\"count\":5,\"flag\":true,\"kind\":\"beta\","
                 "\"due\":\"2026-01-02T03:04:05+02:00\",\"data\":{\"a\":[1,2]},"
                 "\"labels\":[\"" DEP_A "\",\"" DEP_A "\"],\"secret\":\"s\",\"note\":\"n\","
                 "\"code\":\"c1\",\"version\":99,\"org_id\":\"" OTHER_ORG "\","
                 "\"created_by\":\"someone\",\"unknown\":1}", &options);
  g_assert_cmpuint (created->status, ==, 201);
  object = body_of (created, &node);
  id = td_json_get_string (object, "id");
  g_assert_true (td_uuid_is_valid (id));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 1);
  g_assert_cmpstr (td_api_response_get_header (created, "ETag"), ==, "\"1\"");
  location = g_strdup_printf ("/api/v1/things/%s", id);
  g_assert_cmpstr (td_api_response_get_header (created, "Location"), ==, location);
  g_assert_cmpstr (td_json_get_string (object, "due"), ==, "2026-01-02T01:04:05.000Z");
  g_assert_true (json_object_get_boolean_member (object, "flag"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "data")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "labels")), ==, 1);
  g_assert_false (json_object_has_member (object, "secret"));
  g_assert_false (json_object_has_member (object, "org_id"));
  g_assert_false (json_object_has_member (object, "unknown"));
  g_assert_cmpstr (td_json_get_string (object, "note"), ==, "n");
  g_assert_cmpstr (td_json_get_string (object, "code"), ==, "c1");
  g_assert_cmpstr (td_json_get_string (object, "created_by"), ==, U_ADMIN);
  g_assert_nonnull (td_json_get_string (object, "created_at"));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things WHERE id = ? AND org_id = '" ORG
                               "' AND hook_note = 'set by hook' AND secret = 's'", id), ==, 1);

  got = run (db, td_resource_get, &thing_def, "GET", id, NULL, &options);
  g_assert_cmpuint (got->status, ==, 200);
  g_assert_cmpstr (td_api_response_get_header (got, "ETag"), ==, "\"1\"");

  options.if_match = "\"1\"";
  patched = run (db, td_resource_update, &thing_def, "PATCH", id,
                 "{\"name\":\"second\",\"code\":\"ignored\",\"count\":7}", &options);
  g_assert_cmpuint (patched->status, ==, 200);
  object = body_of (patched, &node2);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 2);
  g_assert_cmpstr (td_json_get_string (object, "name"), ==, "second");
  g_assert_cmpstr (td_json_get_string (object, "code"), ==, "c1");
  g_assert_cmpint (json_object_get_int_member (object, "count"), ==, 7);
  g_assert_cmpstr (td_api_response_get_header (patched, "ETag"), ==, "\"2\"");

  options.if_match = "2";
  deleted = run (db, td_resource_delete, &thing_def, "DELETE", id, NULL, &options);
  g_assert_cmpuint (deleted->status, ==, 204);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things WHERE id = ? AND deleted = 1"
                               " AND version = 3", id), ==, 1);

  options.if_match = NULL;
  gone = run (db, td_resource_get, &thing_def, "GET", id, NULL, &options);
  assert_error (gone, 404, "not_found", NULL);

  options.query = "q=second";
  listed = run (db, td_resource_list, &thing_def, "GET", NULL, NULL, &options);
  g_assert_cmpuint (listed->status, ==, 200);
  object = body_of (listed, &node3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 0);
  g_assert_true (json_object_get_null_member (object, "next_cursor"));

  g_assert_cmpint (count_rows ("SELECT count(*) FROM changes WHERE object_id = ?", id), ==, 3);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM changes WHERE object_id = ? AND op = 'delete'",
                               id), ==, 1);
}

static void
test_client_id (void)
{
  TdCallOptions options = { .who = admin };
  g_autofree char *id = td_uuid_new ();
  g_autofree char *body = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"client\"}", id);
  g_autoptr(TdApiResponse) first = run (db, td_resource_create, &thing_def, "POST", NULL, body, &options);
  g_autoptr(TdApiResponse) again = run (db, td_resource_create, &thing_def, "POST", NULL, body, &options);
  g_autoptr(TdApiResponse) bad = run (db, td_resource_create, &thing_def, "POST", NULL,
                                      "{\"id\":\"not-a-uuid\",\"name\":\"x\"}", &options);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpstr (td_json_get_string (body_of (first, &node), "id"), ==, id);
  assert_error (again, 409, "conflict", NULL);
  assert_error (bad, 400, "invalid_field", "id");
}

static void
test_validation (void)
{
  TdCallOptions options = { .who = admin };
  static const struct { const char *body; guint status; const char *code; const char *field; } cases[] = {
    { "{}", 400, "invalid_field", "name" },
    { "{\"name\":null}", 400, "invalid_field", "name" },
    { "{\"name\":5}", 400, "invalid_field", "name" },
    { "{\"name\":\"01234567890\"}", 400, "invalid_field", "name" },
    { "{\"name\":\"x\",\"count\":101}", 400, "invalid_field", "count" },
    { "{\"name\":\"x\",\"count\":-1}", 400, "invalid_field", "count" },
    { "{\"name\":\"x\",\"count\":1.5}", 400, "invalid_field", "count" },
    { "{\"name\":\"x\",\"count\":\"1\"}", 400, "invalid_field", "count" },
    { "{\"name\":\"x\",\"count\":null}", 400, "invalid_field", "count" },
    { "{\"name\":\"x\",\"flag\":1}", 400, "invalid_field", "flag" },
    { "{\"name\":\"x\",\"kind\":\"gamma\"}", 400, "invalid_field", "kind" },
    { "{\"name\":\"x\",\"due\":\"yesterday\"}", 400, "invalid_field", "due" },
    { "{\"name\":\"x\",\"data\":\"text\"}", 400, "invalid_field", "data" },
    { "{\"name\":\"x\",\"data\":{\"long\":\"" "0123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789012345678901234567890123456789\"}}",
      400, "invalid_field", "data" },
    { "{\"name\":\"x\",\"device_id\":\"nope\"}", 400, "invalid_field", "device_id" },
    { "{\"name\":\"x\",\"labels\":[\"nope\"]}", 400, "invalid_field", "labels" },
    { "{\"name\":\"x\",\"labels\":\"" DEP_A "\"}", 400, "invalid_field", "labels" },
    { "{\"name\":\"x\",\"labels\":[\"" DEP_A "\",\"" DEP_B "\",\"" DEP_C "\",\"00000000-0000-4000-8000-0000000000dd\"]}",
      400, "invalid_field", "labels" },
    { "{\"name\":\"x\",\"labels\":[\"00000000-0000-4000-8000-0000000000dd\"]}",
      422, "invalid_reference", "labels" },
    { "{\"name\":\"x\",\"device_id\":\"00000000-0000-4000-8000-0000000000ee\"}",
      422, "invalid_reference", "device_id" },
    { "{\"name\":\"reject\"}", 400, "invalid_field", "name" },
    { "[1]", 400, "invalid_json", NULL },
    { "{\"name\":", 400, "invalid_json", NULL },
  };
  gint64 before = count_rows ("SELECT count(*) FROM things", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TdApiResponse) response = run (db, td_resource_create, &thing_def, "POST", NULL,
                                               cases[i].body, &options);

      g_test_message ("case %u: %s", i, cases[i].body);
      assert_error (response, cases[i].status, cases[i].code, cases[i].field);
    }
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things", NULL), ==, before);
}

static void
test_list_parameters (void)
{
  static const struct { const char *query; const char *field; } cases[] = {
    { "limit=0", "limit" },
    { "limit=501", "limit" },
    { "limit=ten", "limit" },
    { "sort=secret", "sort" },
    { "sort=data", "sort" },
    { "sort=-nope", "sort" },
    { "cursor=%%%", "cursor" },
    { "cursor=eyJzIjoibmFtZSJ9", "cursor" },
    { "nope=1", "nope" },
    { "secret=x", "secret" },
    { "count=x", "count" },
    { "flag=yes", "flag" },
    { "kind=gamma", "kind" },
    { "device_id=nope", "device_id" },
    { "labels=nope", "labels" },
    { "updated_at_from=never", "updated_at_from" },
    { "due_to=soon", "due_to" },
    { "name_from=2026-01-01T00:00:00Z", "name_from" },
  };
  TdCallOptions options = { .who = admin };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TdApiResponse) response = NULL;

      options.query = cases[i].query;
      response = run (db, td_resource_list, &thing_def, "GET", NULL, NULL, &options);
      g_test_message ("case %s", cases[i].query);
      assert_error (response, 400, "invalid_parameter", cases[i].field);
    }
}

static guint
list_count (TdAuthIdentity      *who,
            const TdResourceDef *def,
            const char          *query)
{
  TdCallOptions options = { .who = who, .query = query };
  g_autoptr(TdApiResponse) response = run (db, td_resource_list, def, "GET", NULL, NULL, &options);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  return json_array_get_length (json_object_get_array_member (body_of (response, &node), "items"));
}

static void
test_filters (void)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL;

  exec (db, "UPDATE things SET deleted = 1");
  a = create_thing (admin, "{\"name\":\"fa\",\"count\":1,\"kind\":\"alpha\",\"flag\":true,"
                           "\"labels\":[\"" DEP_A "\"],\"due\":\"2026-03-01T00:00:00Z\"}");
  b = create_thing (admin, "{\"name\":\"fb\",\"count\":2,\"kind\":\"beta\","
                           "\"labels\":[\"" DEP_A "\",\"" DEP_B "\"],\"due\":\"2026-04-01T00:00:00Z\"}");
  c = create_thing (admin, "{\"name\":\"fc\",\"count\":3,\"kind\":\"beta\"}");

  g_assert_cmpuint (list_count (admin, &thing_def, NULL), ==, 3);
  g_assert_cmpuint (list_count (admin, &thing_def, "count=2"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "count=1,3"), ==, 2);
  g_assert_cmpuint (list_count (admin, &thing_def, "kind=beta"), ==, 2);
  g_assert_cmpuint (list_count (admin, &thing_def, "flag=true"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "flag=false&kind=beta"), ==, 2);
  g_assert_cmpuint (list_count (admin, &thing_def, "labels=" DEP_A), ==, 2);
  g_assert_cmpuint (list_count (admin, &thing_def, "labels=" DEP_B), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "labels=" DEP_B "," DEP_C), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "device_id=null"), ==, 3);
  g_assert_cmpuint (list_count (admin, &thing_def, "due_from=2026-03-15T00:00:00Z"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "due_to=2026-03-15T00:00:00Z"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "due_from=2026-03-01T00:00:00Z&due_to=2026-04-01T00:00:00Z"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "updated_at_from=2000-01-01T00:00:00Z"), ==, 3);
  g_assert_cmpuint (list_count (admin, &thing_def, "updated_at_to=2000-01-01T00:00:00Z"), ==, 0);
  g_assert_cmpuint (list_count (admin, &thing_def, "created_at_from=2000-01-01T00:00:00+01:00"), ==, 3);
}

static void
test_search_escaping (void)
{
  const char *names[] = { "50%", "5000", "a_b", "axb", "Back\\s", "MiXed" };
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  exec (db, "UPDATE things SET deleted = 1");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();
      g_autofree char *body = NULL;

      json_object_set_string_member (object, "name", names[i]);
      json_node_take_object (node, object);
      body = td_json_to_string (node);
      g_ptr_array_add (ids, create_thing (admin, body));
    }

  g_assert_cmpuint (list_count (admin, &thing_def, "q=%"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "q=_"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "q=50"), ==, 2);
  g_assert_cmpuint (list_count (admin, &thing_def, "q=\\"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "q=mixed"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "q=X"), ==, 2);
  g_assert_cmpuint (list_count (admin, &thing_def, "q='"), ==, 0);
}

/* Walks every page of @query and checks that each live row comes exactly once and in order. */
static void
walk_pages (const char *sort,
            guint       limit,
            guint       expected)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonNode) previous = NULL;
  g_autofree char *cursor = NULL;
  const char *column = sort[0] == '-' ? sort + 1 : sort;
  gboolean descending = sort[0] == '-';
  guint pages = 0;

  do
    {
      g_autofree char *query = cursor != NULL
        ? g_strdup_printf ("sort=%s&limit=%u&cursor=%s", sort, limit, cursor)
        : g_strdup_printf ("sort=%s&limit=%u", sort, limit);
      TdCallOptions options = { .who = admin, .query = query };
      g_autoptr(TdApiResponse) response = run (db, td_resource_list, &thing_def, "GET", NULL,
                                               NULL, &options);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *body;
      JsonArray *items;

      g_assert_cmpuint (response->status, ==, 200);
      body = body_of (response, &node);
      items = json_object_get_array_member (body, "items");
      g_assert_cmpuint (json_array_get_length (items), <=, limit);

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          JsonNode *value = json_object_get_member (item, column);

          g_assert_true (g_hash_table_add (seen, g_strdup (td_json_get_string (item, "id"))));
          if (previous != NULL)
            {
              /* Sort order: NULL first ascending, then values; ties by id. */
              JsonObject *prev = json_node_get_object (previous);
              JsonNode *pv = json_object_get_member (prev, column);
              int cmp;

              if (JSON_NODE_HOLDS_NULL (pv) || JSON_NODE_HOLDS_NULL (value))
                cmp = JSON_NODE_HOLDS_NULL (pv) - JSON_NODE_HOLDS_NULL (value);
              else if (json_node_get_value_type (pv) == G_TYPE_INT64)
                cmp = (json_node_get_int (pv) < json_node_get_int (value)) -
                      (json_node_get_int (pv) > json_node_get_int (value));
              else
                cmp = -g_strcmp0 (json_node_get_string (pv), json_node_get_string (value));
              /* cmp > 0: previous before value in ascending order */
              if (cmp == 0)
                cmp = -g_strcmp0 (td_json_get_string (prev, "id"), td_json_get_string (item, "id"));
              if (descending)
                cmp = -cmp;
              g_assert_cmpint (cmp, >, 0);
            }
          g_clear_pointer (&previous, json_node_unref);
          previous = json_node_init_object (json_node_alloc (), item);
        }

      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (body, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (body, "next_cursor"));
      pages++;
    }
  while (cursor != NULL);

  g_assert_cmpuint (g_hash_table_size (seen), ==, expected);
  g_test_message ("%s: %u rows in %u pages", sort, expected, pages);
}

static void
test_pagination (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  const guint n = 237;

  exec (db, "UPDATE things SET deleted = 1");
  transaction = td_db_transaction_begin (db, &error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "INSERT INTO things (id, org_id, name, count,"
                                                    " due, created_at, updated_at)"
                                                    " VALUES (?, '" ORG "', ?, ?, ?, ?, ?)", &error);
      g_autofree char *id = td_uuid_new ();
      g_autofree char *name = g_strdup_printf ("n%u", i % 11);
      g_autofree char *due = g_strdup_printf ("2026-01-%02uT00:00:00.000Z", 1 + i % 5);
      g_autofree char *at = g_strdup_printf ("2026-02-01T00:00:%02u.000Z", i % 13);

      td_db_stmt_bind_text (stmt, 1, id);
      td_db_stmt_bind_text (stmt, 2, name);
      td_db_stmt_bind_int64 (stmt, 3, i % 7);
      if (i % 4 == 0)
        td_db_stmt_bind_null (stmt, 4);
      else
        td_db_stmt_bind_text (stmt, 4, due);
      td_db_stmt_bind_text (stmt, 5, at);
      td_db_stmt_bind_text (stmt, 6, at);
      g_assert_true (td_db_stmt_run (stmt, &error));
    }
  g_assert_true (td_db_transaction_commit (transaction, &error));

  walk_pages ("count", 10, n);
  walk_pages ("-count", 10, n);
  walk_pages ("updated_at", 7, n);
  walk_pages ("-updated_at", 50, n);
  walk_pages ("name", 13, n);
  walk_pages ("-name", 1, n);
  walk_pages ("due", 9, n);
  walk_pages ("-due", 9, n);
  walk_pages ("-created_at", 500, n);
}

/* Tests: preconditions and idempotency ------------------------------------------------ */

static void
test_if_match (void)
{
  g_autofree char *id = create_thing (admin, "{\"name\":\"ifm\"}");
  TdCallOptions options = { .who = admin };
  g_autoptr(TdApiResponse) missing = NULL;
  g_autoptr(TdApiResponse) missing_delete = NULL;
  g_autoptr(TdApiResponse) stale = NULL;
  g_autoptr(TdApiResponse) garbage = NULL;
  g_autoptr(TdApiResponse) stale_delete = NULL;
  g_autoptr(TdApiResponse) ok = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *current;

  missing = run (db, td_resource_update, &thing_def, "PATCH", id, "{\"name\":\"x\"}", &options);
  assert_error (missing, 428, "precondition_required", NULL);
  missing_delete = run (db, td_resource_delete, &thing_def, "DELETE", id, NULL, &options);
  assert_error (missing_delete, 428, "precondition_required", NULL);

  options.if_match = "\"7\"";
  stale = run (db, td_resource_update, &thing_def, "PATCH", id, "{\"name\":\"x\"}", &options);
  assert_error (stale, 412, "version_mismatch", NULL);
  current = json_object_get_object_member (body_of (stale, &node), "current");
  g_assert_nonnull (current);
  g_assert_cmpstr (td_json_get_string (current, "id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (current, "version"), ==, 1);
  g_assert_cmpstr (td_json_get_string (current, "name"), ==, "ifm");

  options.if_match = "W/\"x\"";
  garbage = run (db, td_resource_update, &thing_def, "PATCH", id, "{\"name\":\"x\"}", &options);
  assert_error (garbage, 412, "version_mismatch", NULL);
  stale_delete = run (db, td_resource_delete, &thing_def, "DELETE", id, NULL, &options);
  assert_error (stale_delete, 412, "version_mismatch", NULL);

  options.if_match = "1";
  ok = run (db, td_resource_update, &thing_def, "PATCH", id, "{}", &options);
  g_assert_cmpuint (ok->status, ==, 200);
}

static void
test_idempotency (void)
{
  TdCallOptions options = { .who = admin, .idempotency_key = "key-1" };
  TdCallOptions other_user = { .who = creator, .idempotency_key = "key-1" };
  g_autoptr(TdApiResponse) first = NULL;
  g_autoptr(TdApiResponse) replay = NULL;
  g_autoptr(TdApiResponse) mismatch = NULL;
  g_autoptr(TdApiResponse) other = NULL;
  g_autoptr(TdApiResponse) too_long = NULL;
  g_autoptr(JsonNode) n1 = NULL;
  g_autoptr(JsonNode) n2 = NULL;
  g_autofree char *long_key = g_strnfill (256, 'k');
  gint64 things, changes;

  first = run (db, td_resource_create, &thing_def, "POST", NULL, "{\"name\":\"idem\"}", &options);
  g_assert_cmpuint (first->status, ==, 201);
  things = count_rows ("SELECT count(*) FROM things", NULL);
  changes = count_rows ("SELECT count(*) FROM changes", NULL);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM idempotency_keys WHERE user_id = ?", U_ADMIN), ==, 1);

  replay = run (db, td_resource_create, &thing_def, "POST", NULL, "{\"name\":\"idem\"}", &options);
  g_assert_cmpuint (replay->status, ==, 201);
  g_assert_cmpstr (td_json_get_string (body_of (replay, &n2), "id"), ==,
                   td_json_get_string (body_of (first, &n1), "id"));
  g_assert_cmpstr (td_api_response_get_header (replay, "ETag"), ==, "\"1\"");
  g_assert_cmpstr (td_api_response_get_header (replay, "Location"), ==,
                   td_api_response_get_header (first, "Location"));
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things", NULL), ==, things);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM changes", NULL), ==, changes);

  mismatch = run (db, td_resource_create, &thing_def, "POST", NULL, "{\"name\":\"idem2\"}", &options);
  assert_error (mismatch, 422, "idempotency_mismatch", NULL);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things", NULL), ==, things);

  /* Keys are per user. */
  other = run (db, td_resource_create, &thing_def, "POST", NULL, "{\"name\":\"idem\"}", &other_user);
  g_assert_cmpuint (other->status, ==, 201);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things", NULL), ==, things + 1);

  options.idempotency_key = long_key;
  too_long = run (db, td_resource_create, &thing_def, "POST", NULL, "{\"name\":\"idem\"}", &options);
  assert_error (too_long, 400, "invalid_parameter", "Idempotency-Key");
}

/* Tests: changes and transactions ------------------------------------------------------ */

static gint64
max_seq (void)
{
  return count_rows ("SELECT coalesce(max(seq), 0) FROM changes", NULL);
}

static void
test_changes (void)
{
  g_autoptr(GError) error = NULL;
  TdCallOptions options = { .who = admin };
  g_autoptr(TdApiResponse) boom = NULL;
  g_autoptr(TdApiResponse) rejected = NULL;
  g_autoptr(TdApiResponse) boom_patch = NULL;
  g_autofree char *id = NULL;
  gint64 seq0, seq1, seq2, things, changes;
  g_autoptr(TdDbTransaction) transaction = NULL;

  seq0 = max_seq ();
  id = create_thing (admin, "{\"name\":\"seq\"}");
  seq1 = count_rows ("SELECT max(seq) FROM changes WHERE object_id = ?", id);
  g_assert_cmpint (seq1, >, seq0);

  options.if_match = "1";
  {
    g_autoptr(TdApiResponse) patched = run (db, td_resource_update, &thing_def, "PATCH", id,
                                            "{\"count\":3}", &options);
    g_assert_cmpuint (patched->status, ==, 200);
  }
  seq2 = count_rows ("SELECT max(seq) FROM changes WHERE object_id = ?", id);
  g_assert_cmpint (seq2, >, seq1);

  /* td_changes_record hands out strictly increasing numbers. */
  transaction = td_db_transaction_begin (db, &error);
  {
    gint64 a = td_changes_record (db, ORG, "thing", id, "upsert", &error);
    gint64 b = td_changes_record (db, ORG, "thing", id, "upsert", &error);

    g_assert_no_error (error);
    g_assert_cmpint (a, >, seq2);
    g_assert_cmpint (b, ==, a + 1);
  }
  /* Dropped without commit: rolled back. */
  g_clear_pointer (&transaction, td_db_transaction_free);
  g_assert_cmpint (max_seq (), ==, seq2);

  /* A failing hook leaves neither the row nor its change. */
  things = count_rows ("SELECT count(*) FROM things", NULL);
  changes = count_rows ("SELECT count(*) FROM changes", NULL);
  options.if_match = NULL;
  boom = run (db, td_resource_create, &thing_def, "POST", NULL, "{\"name\":\"boom\"}", &options);
  g_assert_cmpuint (boom->status, ==, 500);
  rejected = run (db, td_resource_create, &thing_def, "POST", NULL, "{\"name\":\"reject\"}", &options);
  g_assert_cmpuint (rejected->status, ==, 400);
  options.if_match = "2";
  boom_patch = run (db, td_resource_update, &thing_def, "PATCH", id, "{\"name\":\"boom\"}", &options);
  g_assert_cmpuint (boom_patch->status, ==, 500);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things", NULL), ==, things);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM changes", NULL), ==, changes);
  g_assert_cmpint (count_rows ("SELECT version FROM things WHERE id = ?", id), ==, 2);
}

typedef struct
{
  const char *id;
  guint       status;
} TdPatchRace;

static gpointer
patch_thread (gpointer data)
{
  TdPatchRace *race = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDb) own = td_db_open (db_path, &error);
  TdCallOptions options = { .who = admin, .if_match = "\"1\"" };
  g_autoptr(TdApiResponse) response = NULL;

  g_assert_no_error (error);
  response = run (own, td_resource_update, &thing_def, "PATCH", race->id, "{\"count\":9}", &options);
  race->status = response->status;
  return NULL;
}

static void
test_concurrent_patch (void)
{
  for (guint round = 0; round < 5; round++)
    {
      g_autofree char *id = create_thing (admin, "{\"name\":\"race\"}");
      TdPatchRace a = { id, 0 }, b = { id, 0 };
      GThread *ta = g_thread_new ("patch-a", patch_thread, &a);
      GThread *tb = g_thread_new ("patch-b", patch_thread, &b);

      g_thread_join (ta);
      g_thread_join (tb);
      g_assert_true ((a.status == 200 && b.status == 412) || (a.status == 412 && b.status == 200));
      g_assert_cmpint (count_rows ("SELECT version FROM things WHERE id = ?", id), ==, 2);
    }
}

/* Tests: scope, permissions ------------------------------------------------------------ */

static GPtrArray *
scoped_ids (TdAuthIdentity      *who,
            TdIsolation          isolation,
            const TdResourceDef *def,
            const char          *table)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TdDbStmt) stmt = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  TdApiCall call = { 0 };
  TdDbStep step;

  call.db = db;
  call.identity = who;
  call.isolation = isolation;
  g_string_printf (sql, "SELECT t.id FROM %s t WHERE t.deleted = 0", table);
  td_scope_append_sql (&call, def, "t", sql, params);
  g_string_append (sql, " ORDER BY t.id");

  stmt = td_db_prepare (db, sql->str, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < params->len; i++)
    td_db_stmt_bind_text (stmt, i + 1, params->pdata[i]);
  while ((step = td_db_stmt_step (stmt, &error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (ids, td_db_stmt_dup_text (stmt, 0));
  g_assert_cmpint (step, ==, TD_DB_STEP_DONE);
  return ids;
}

static gboolean
ids_contain (GPtrArray  *ids,
             const char *id)
{
  return g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL);
}

static void
test_customer_scope (void)
{
  static const char *rows[][4] = {
    /* id, org, customer_id, device_id */
    { "00000000-0000-4000-8000-00000000s001", ORG, CUST_1, "00000000-0000-4000-8000-0000000de001" },
    { "00000000-0000-4000-8000-00000000s002", ORG, CUST_2, "00000000-0000-4000-8000-0000000de002" },
    { CUST_1, ORG, NULL, NULL },
    { "00000000-0000-4000-8000-00000000s004", ORG, NULL, "00000000-0000-4000-8000-0000000de002" },
    { "00000000-0000-4000-8000-00000000s005", OTHER_ORG, CUST_1, "00000000-0000-4000-8000-0000000de001" },
  };
  struct { const TdResourceDef *def; guint visible_mask; } expectations[] = {
    { &scope_none, 0 },
    { &scope_column, 1 << 0 },
    { &scope_self, 1 << 2 },
    { &scope_device, 1 << 0 },
    { &scope_all, (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) },
  };

  insert_device ("00000000-0000-4000-8000-0000000de001", ORG, CUST_1, "[]");
  insert_device ("00000000-0000-4000-8000-0000000de002", ORG, CUST_2, "[]");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "INSERT INTO scoped (id, org_id, customer_id,"
                                                    " device_id, created_at, updated_at)"
                                                    " VALUES (?, ?, ?, ?, 'x', 'x')", &error);
      for (guint j = 0; j < 4; j++)
        td_db_stmt_bind_text (stmt, j + 1, rows[i][j]);
      g_assert_true (td_db_stmt_run (stmt, &error));
    }

  for (guint e = 0; e < G_N_ELEMENTS (expectations); e++)
    {
      g_autoptr(GPtrArray) customer_ids = scoped_ids (cmember, TD_ISOLATION_STRICT,
                                                      expectations[e].def, "scoped");
      g_autoptr(GPtrArray) employee_ids = scoped_ids (member, TD_ISOLATION_OFF,
                                                      expectations[e].def, "scoped");

      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        {
          g_assert_true (ids_contain (customer_ids, rows[i][0]) ==
                         ((expectations[e].visible_mask & (1u << i)) != 0));
          /* Employees see the whole tenant, never another one. */
          g_assert_true (ids_contain (employee_ids, rows[i][0]) == (i != 4));
        }
    }
}

/* The subset @mask of {A, B, C} as a NULL-terminated vector and as JSON. */
static const char *all_departments[] = { DEP_A, DEP_B, DEP_C };

static char **
subset_strv (guint mask)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < 3; i++)
    if (mask & (1u << i))
      g_strv_builder_add (builder, all_departments[i]);
  return g_strv_builder_end (builder);
}

static char *
subset_json (guint mask)
{
  g_autoptr(GString) json = g_string_new ("[");

  for (guint i = 0; i < 3; i++)
    if (mask & (1u << i))
      g_string_append_printf (json, "%s\"%s\"", json->len > 1 ? "," : "", all_departments[i]);
  g_string_append_c (json, ']');
  return g_string_free (g_steal_pointer (&json), FALSE);
}

static void
test_isolation_reference (void)
{
  static const TdResourceDef own_def = {
    .collection = "iso-own", .table = "iso_own", .isolate_by = TD_ISOLATE_OWN,
    .customer_scope = TD_CUSTOMER_ALL,
  };
  static const TdResourceDef dev_iso_def = {
    .collection = "iso-dev", .table = "iso_dev", .isolate_by = TD_ISOLATE_VIA_DEVICE,
    .customer_scope = TD_CUSTOMER_ALL,
  };
  guint checked = 0;

  /* Rows of every department set, their own or their device's; plus rows without a
   * device and with a device that does not exist. */
  for (guint mask = 0; mask < 8; mask++)
    {
      g_autofree char *json = subset_json (mask);
      g_autofree char *own_id = g_strdup_printf ("00000000-0000-4000-8000-0000000i0%03u", mask);
      g_autofree char *dev_id = g_strdup_printf ("00000000-0000-4000-8000-0000000d0%03u", mask);
      g_autofree char *row_id = g_strdup_printf ("00000000-0000-4000-8000-0000000r0%03u", mask);
      g_autoptr(GError) error = NULL;
      g_autoptr(TdDbStmt) own = td_db_prepare (db, "INSERT INTO iso_own (id, org_id, departments,"
                                                   " created_at, updated_at) VALUES (?, '" ORG "', ?, 'x', 'x')",
                                               &error);
      g_autoptr(TdDbStmt) row = td_db_prepare (db, "INSERT INTO iso_dev (id, org_id, device_id,"
                                                   " created_at, updated_at) VALUES (?, '" ORG "', ?, 'x', 'x')",
                                               &error);

      td_db_stmt_bind_text (own, 1, own_id);
      td_db_stmt_bind_text (own, 2, json);
      g_assert_true (td_db_stmt_run (own, &error));
      insert_device (dev_id, ORG, NULL, json);
      td_db_stmt_bind_text (row, 1, row_id);
      td_db_stmt_bind_text (row, 2, dev_id);
      g_assert_true (td_db_stmt_run (row, &error));
    }
  exec (db, "INSERT INTO iso_dev (id, org_id, device_id, created_at, updated_at) VALUES"
            " ('00000000-0000-4000-8000-0000000r0100', '" ORG "', NULL, 'x', 'x'),"
            " ('00000000-0000-4000-8000-0000000r0101', '" ORG "',"
            "  '00000000-0000-4000-8000-00000000dead', 'x', 'x')");

  for (TdIsolation mode = TD_ISOLATION_OFF; mode <= TD_ISOLATION_STRICT; mode++)
    for (guint user_mask = 0; user_mask < 8; user_mask++)
      {
        g_auto(GStrv) user_departments = subset_strv (user_mask);
        g_autoptr(TdAuthIdentity) who = identity_new (U_MEMBER, TD_ROLE_MEMBER, NULL, NULL,
                                                      (const char **) user_departments);
        g_autoptr(GPtrArray) own_ids = scoped_ids (who, mode, &own_def, "iso_own");
        g_autoptr(GPtrArray) dev_ids = scoped_ids (who, mode, &dev_iso_def, "iso_dev");
        const char * const none[] = { NULL };

        for (guint mask = 0; mask < 8; mask++)
          {
            g_auto(GStrv) entity = subset_strv (mask);
            g_autofree char *own_id = g_strdup_printf ("00000000-0000-4000-8000-0000000i0%03u", mask);
            g_autofree char *row_id = g_strdup_printf ("00000000-0000-4000-8000-0000000r0%03u", mask);
            gboolean expected = td_isolation_visible (mode, (const char * const *) user_departments,
                                                      (const char * const *) entity);

            g_assert_true (ids_contain (own_ids, own_id) == expected);
            g_assert_true (ids_contain (dev_ids, row_id) == expected);
            checked += 2;
          }

        for (guint extra = 100; extra <= 101; extra++)
          {
            g_autofree char *row_id = g_strdup_printf ("00000000-0000-4000-8000-0000000r0%03u", extra);
            gboolean expected = td_isolation_visible (mode, (const char * const *) user_departments,
                                                      none);

            g_assert_true (ids_contain (dev_ids, row_id) == expected);
            checked++;
          }

        /* Customer-login users are not subject to isolation. */
        {
          g_autoptr(TdAuthIdentity) customer = identity_new (U_CMEMBER, TD_ROLE_CUSTOMER_MEMBER,
                                                             CUST_1, NULL,
                                                             (const char **) user_departments);
          g_autoptr(GPtrArray) customer_ids = scoped_ids (customer, mode, &own_def, "iso_own");

          g_assert_cmpuint (customer_ids->len, ==, 8);
        }
      }

  g_test_message ("isolation: %u combinations agree with td_isolation_visible()", checked);
}

static void
test_scope_on_items (void)
{
  /* Devices of customer 1 (department A) and customer 2 (department B); things on them. */
  const char *dev1 = "00000000-0000-4000-8000-0000000d1001";
  const char *dev2 = "00000000-0000-4000-8000-0000000d1002";
  g_autofree char *body1 = g_strdup_printf ("{\"name\":\"on1\",\"device_id\":\"%s\",\"note\":\"staff\"}", dev1);
  g_autofree char *body2 = g_strdup_printf ("{\"name\":\"on2\",\"device_id\":\"%s\"}", dev2);
  g_autofree char *t1 = NULL, *t2 = NULL;
  TdCallOptions customer = { .who = cmember };
  TdCallOptions strict_a = { .who = member_a, .isolation = TD_ISOLATION_STRICT };
  g_autoptr(TdApiResponse) get1 = NULL;
  g_autoptr(TdApiResponse) get2 = NULL;
  g_autoptr(TdApiResponse) patch2 = NULL;
  g_autoptr(TdApiResponse) delete2 = NULL;
  g_autoptr(TdApiResponse) iso_get2 = NULL;
  g_autoptr(TdApiResponse) create_ref2 = NULL;
  g_autoptr(TdApiResponse) create_ref1 = NULL;
  g_autoptr(TdApiResponse) cdev = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autofree char *ref2 = NULL;

  insert_device (dev1, ORG, CUST_1, "[\"" DEP_A "\"]");
  insert_device (dev2, ORG, CUST_2, "[\"" DEP_B "\"]");
  t1 = create_thing (admin, body1);
  t2 = create_thing (admin, body2);

  /* Customer: own company's device only; 404 (not 403) for the other; staff-only hidden. */
  get1 = run (db, td_resource_get, &thing_def, "GET", t1, NULL, &customer);
  g_assert_cmpuint (get1->status, ==, 200);
  g_assert_false (json_object_has_member (body_of (get1, &node), "note"));
  get2 = run (db, td_resource_get, &thing_def, "GET", t2, NULL, &customer);
  assert_error (get2, 404, "not_found", NULL);
  customer.if_match = "1";
  patch2 = run (db, td_resource_update, &thing_def, "PATCH", t2, "{\"name\":\"x\"}", &customer);
  assert_error (patch2, 404, "not_found", NULL);
  delete2 = run (db, td_resource_delete, &thing_def, "DELETE", t2, NULL, &customer);
  assert_error (delete2, 404, "not_found", NULL);
  customer.if_match = NULL;

  /* References must be visible: a customer cannot attach another company's device. */
  ref2 = g_strdup_printf ("{\"name\":\"mine\",\"device_id\":\"%s\"}", dev2);
  create_ref2 = run (db, td_resource_create, &thing_def, "POST", NULL, ref2, &customer);
  assert_error (create_ref2, 422, "invalid_reference", "device_id");
  create_ref1 = run (db, td_resource_create, &thing_def, "POST", NULL, body1, &customer);
  g_assert_cmpuint (create_ref1->status, ==, 201);
  /* note is staff-only: not taken from a customer's body. */
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things WHERE id = ? AND note IS NULL",
                               td_json_get_string (body_of (create_ref1, &node2), "id")), ==, 1);

  /* Customer devices (COLUMN scope): customer_id is forced to the caller's company. */
  {
    TdCallOptions cadmin_options = { .who = cadmin };

    cdev = run (db, td_resource_create, &dev_def, "POST", NULL,
                "{\"name\":\"cdev\",\"customer_id\":null}", &cadmin_options);
    /* Customer admins may not create devices (matrix: edit only). */
    assert_error (cdev, 403, "forbidden", NULL);
  }

  /* Staff-only values cannot be probed by customers through filters, search or sort;
   * hidden ones by nobody. */
  g_assert_cmpuint (list_count (admin, &thing_def, "note=staff"), ==, 1);
  g_assert_cmpuint (list_count (admin, &thing_def, "q=staff"), ==, 1);
  g_assert_cmpuint (list_count (cmember, &thing_def, "q=staff"), ==, 0);
  {
    static const char *probes[][2] = {
      { "note=staff", "note" }, { "sort=note", "sort" }, { "secret=s", "secret" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
      {
        TdCallOptions probe = { .who = i < 2 ? cmember : admin, .query = probes[i][0] };
        g_autoptr(TdApiResponse) response = run (db, td_resource_list, &thing_def, "GET", NULL,
                                                 NULL, &probe);

        assert_error (response, 400, "invalid_parameter", probes[i][1]);
      }
  }

  /* Strict isolation: the member of A sees the thing on the A device, not the B one. */
  iso_get2 = run (db, td_resource_get, &thing_def, "GET", t2, NULL, &strict_a);
  assert_error (iso_get2, 404, "not_found", NULL);
  {
    g_autoptr(TdApiResponse) iso_get1 = run (db, td_resource_get, &thing_def, "GET", t1, NULL, &strict_a);
    g_assert_cmpuint (iso_get1->status, ==, 200);
  }
}

static void
test_reach (void)
{
  TdCallOptions as_member = { .who = member, .if_match = "1" };
  TdCallOptions as_creator = { .who = creator, .if_match = "1" };
  TdCallOptions as_cmember = { .who = cmember, .if_match = "1" };
  TdCallOptions as_cadmin = { .who = cadmin };
  g_autofree char *dev = g_strdup ("00000000-0000-4000-8000-0000000d2001");
  g_autofree char *theirs = NULL, *mine = NULL, *own_created = NULL;
  g_autofree char *body = NULL;

  insert_device (dev, ORG, CUST_1, "[]");
  body = g_strdup_printf ("{\"name\":\"r1\",\"device_id\":\"%s\",\"responsible\":\"%s\"}", dev, U_MEMBER);
  mine = create_thing (admin, body);
  g_free (body);
  body = g_strdup_printf ("{\"name\":\"r2\",\"device_id\":\"%s\"}", dev);
  theirs = create_thing (admin, body);

  /* RESPONSIBLE (members edit the cases they are responsible for). */
  {
    g_autoptr(TdApiResponse) ok = run (db, td_resource_update, &thing_def, "PATCH", mine, "{\"count\":1}", &as_member);
    g_autoptr(TdApiResponse) no = run (db, td_resource_update, &thing_def, "PATCH", theirs, "{\"count\":1}", &as_member);
    g_autoptr(TdApiResponse) del = run (db, td_resource_delete, &thing_def, "DELETE", mine, NULL, &as_member);
    g_autoptr(TdApiResponse) cr = run (db, td_resource_update, &thing_def, "PATCH", theirs, "{\"count\":1}", &as_creator);

    g_assert_cmpuint (ok->status, ==, 200);
    assert_error (no, 403, "forbidden", NULL);
    assert_error (del, 403, "forbidden", NULL);
    assert_error (cr, 403, "forbidden", NULL);
  }

  /* CREATED (customer members edit what they created). */
  {
    g_autoptr(TdApiResponse) created = run (db, td_resource_create, &thing_def, "POST", NULL, body, &as_cadmin);
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(TdApiResponse) no = NULL;
    g_autoptr(TdApiResponse) ok = NULL;
    TdCallOptions as_cmember_create = { .who = cmember };
    g_autoptr(TdApiResponse) own = run (db, td_resource_create, &thing_def, "POST", NULL, body, &as_cmember_create);
    g_autoptr(JsonNode) node2 = NULL;

    g_assert_cmpuint (created->status, ==, 201);
    no = run (db, td_resource_update, &thing_def, "PATCH",
              td_json_get_string (body_of (created, &node), "id"), "{\"count\":2}", &as_cmember);
    assert_error (no, 403, "forbidden", NULL);
    g_assert_cmpuint (own->status, ==, 201);
    own_created = g_strdup (td_json_get_string (body_of (own, &node2), "id"));
    ok = run (db, td_resource_update, &thing_def, "PATCH", own_created, "{\"count\":2}", &as_cmember);
    g_assert_cmpuint (ok->status, ==, 200);
  }

  /* DEPARTMENT (department admins manage the people of their departments). */
  {
    TdCallOptions as_deptadm = { .who = deptadm, .isolation = TD_ISOLATION_BASIC };
    g_autoptr(TdApiResponse) in_a = run (db, td_resource_create, &person_def, "POST", NULL,
                                         "{\"name\":\"pa\",\"departments\":[\"" DEP_A "\"]}", &as_deptadm);
    g_autoptr(TdApiResponse) in_b = run (db, td_resource_create, &person_def, "POST", NULL,
                                         "{\"name\":\"pb\",\"departments\":[\"" DEP_B "\"]}", &as_deptadm);
    g_autoptr(TdApiResponse) in_none = run (db, td_resource_create, &person_def, "POST", NULL,
                                            "{\"name\":\"pn\"}", &as_deptadm);
    TdCallOptions as_admin = { .who = admin };
    g_autoptr(TdApiResponse) b_by_admin = run (db, td_resource_create, &person_def, "POST", NULL,
                                               "{\"name\":\"pb\",\"departments\":[\"" DEP_B "\"]}", &as_admin);
    g_autoptr(TdApiResponse) none_by_admin = run (db, td_resource_create, &person_def, "POST", NULL,
                                                  "{\"name\":\"pn\"}", &as_admin);
    g_autoptr(JsonNode) n1 = NULL, n2 = NULL, n3 = NULL;
    g_autoptr(TdApiResponse) edit_a = NULL;
    g_autoptr(TdApiResponse) edit_b = NULL;
    g_autoptr(TdApiResponse) edit_none = NULL;

    g_assert_cmpuint (in_a->status, ==, 201);
    assert_error (in_b, 422, "invalid_reference", "departments");
    assert_error (in_none, 403, "forbidden", NULL);
    g_assert_cmpuint (b_by_admin->status, ==, 201);
    g_assert_cmpuint (none_by_admin->status, ==, 201);

    as_deptadm.if_match = "1";
    edit_a = run (db, td_resource_update, &person_def, "PATCH",
                  td_json_get_string (body_of (in_a, &n1), "id"), "{\"name\":\"pa2\"}", &as_deptadm);
    g_assert_cmpuint (edit_a->status, ==, 200);
    /* Not visible under isolation: 404, never 403. */
    edit_b = run (db, td_resource_update, &person_def, "PATCH",
                  td_json_get_string (body_of (b_by_admin, &n2), "id"), "{\"name\":\"x\"}", &as_deptadm);
    assert_error (edit_b, 404, "not_found", NULL);
    /* Visible (Basic: department-less) but not theirs: 403. */
    edit_none = run (db, td_resource_update, &person_def, "PATCH",
                     td_json_get_string (body_of (none_by_admin, &n3), "id"), "{\"name\":\"x\"}", &as_deptadm);
    assert_error (edit_none, 403, "forbidden", NULL);
  }
}

static void
test_collection_forbidden (void)
{
  TdCallOptions customer = { .who = cmember };
  TdCallOptions as_member = { .who = member };
  g_autoptr(TdApiResponse) list = run (db, td_resource_list, &person_def, "GET", NULL, NULL, &customer);
  g_autoptr(TdApiResponse) create = run (db, td_resource_create, &dev_def, "POST", NULL,
                                         "{\"name\":\"x\"}", &as_member);
  static const TdResourceDef templates_like = {
    .collection = "t-templates", .table = "t_departments", .perm_view = TD_PERM_TEMPLATES_VIEW,
    .customer_scope = TD_CUSTOMER_NONE,
  };
  g_autoptr(TdApiResponse) denied = run (db, td_resource_list, &templates_like, "GET", NULL, NULL, &customer);
  g_autoptr(TdApiResponse) denied_get = run (db, td_resource_get, &templates_like, "GET", DEP_A, NULL, &customer);
  g_autoptr(JsonNode) node = NULL;

  /* Employees: view allowed, customers see no row (TD_CUSTOMER_NONE) — an empty list. */
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_of (list, &node), "items")), ==, 0);
  assert_error (create, 403, "forbidden", NULL);
  assert_error (denied, 403, "forbidden", NULL);
  /* An item outside the scope is 404 before any permission answer. */
  assert_error (denied_get, 404, "not_found", NULL);
}

/* A customer-login user creates in a COLUMN-scoped collection whose customers collection is
 * closed to them: the engine sets customer_id to their company, whatever the body says. */
static void
test_customer_column_create (void)
{
  static const TdResourceDef closed_customers = {
    .collection = "closed-customers", .table = "t_customers", .type = "t_customer",
    .perm_view = TD_PERM_CUSTOMERS_VIEW, .customer_scope = TD_CUSTOMER_NONE,
  };
  static const TdFieldDef note_fields[] = {
    { "customer_id", TD_FIELD_REF, TD_FIELD_WRITABLE | TD_FIELD_NULLABLE | TD_FIELD_FILTER,
      0, NULL, &closed_customers },
  };
  static const TdResourceDef notes = {
    .collection = "c-notes", .table = "scoped", .type = "c_note",
    .perm_view = TD_PERM_CASES_VIEW, .perm_create = TD_PERM_CASES_CREATE,
    .perm_edit = TD_PERM_CASES_EDIT, .perm_delete = TD_PERM_CASES_DELETE,
    .customer_scope = TD_CUSTOMER_COLUMN, .fields = note_fields,
    .n_fields = G_N_ELEMENTS (note_fields),
  };
  TdCallOptions customer = { .who = cmember };
  TdCallOptions as_admin = { .who = admin };
  g_autoptr(TdApiResponse) mine = run (db, td_resource_create, &notes, "POST", NULL,
                                       "{\"customer_id\":\"" CUST_2 "\"}", &customer);
  g_autoptr(TdApiResponse) staff = run (db, td_resource_create, &notes, "POST", NULL,
                                        "{\"customer_id\":\"" CUST_2 "\"}", &as_admin);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (mine->status, ==, 201);
  g_assert_cmpstr (td_json_get_string (body_of (mine, &node), "customer_id"), ==, CUST_1);
  /* TD_CUSTOMER_NONE only restricts customer-login users. */
  g_assert_cmpuint (staff->status, ==, 201);
}

/* td_resource_insert: for hooks and seeds; no hooks, one change, optional dates. */
static void
test_insert (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = json_object_new ();
  g_autoptr(JsonObject) dated = json_object_new ();
  g_autofree char *id = NULL;
  g_autofree char *dated_id = NULL;
  g_autoptr(TdDbTransaction) transaction = td_db_transaction_begin (db, &error);
  gint64 changes = count_rows ("SELECT count(*) FROM changes", NULL);

  json_object_set_string_member (values, "name", "reject");  /* no hooks: not rejected */
  json_object_set_array_member (values, "labels", json_array_new ());
  json_object_set_int_member (values, "version", 42);
  json_object_set_string_member (values, "org_id", OTHER_ORG);
  id = td_resource_insert (db, &thing_def, ORG, values, &error);
  g_assert_no_error (error);
  g_assert_true (td_uuid_is_valid (id));

  json_object_set_string_member (dated, "name", "dated");
  json_object_set_string_member (dated, "created_at", "2020-01-01T00:00:00.000Z");
  dated_id = td_resource_insert (db, &thing_def, ORG, dated, &error);
  g_assert_no_error (error);
  g_assert_true (td_db_transaction_commit (transaction, &error));

  g_assert_cmpint (count_rows ("SELECT count(*) FROM things WHERE id = ? AND org_id = '" ORG
                               "' AND version = 1 AND hook_note IS NULL", id), ==, 1);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM things WHERE id = ? AND created_at ="
                               " '2020-01-01T00:00:00.000Z' AND updated_at = created_at", dated_id), ==, 1);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM changes", NULL), ==, changes + 2);
}

/* Authentication loads the user's departments (migration 2's employees.departments). */
static void
test_user_departments (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdUserRecord) record = NULL;
  g_autoptr(TdUserRecord) damaged = NULL;

  exec (db, "UPDATE employees SET departments = '[\"" DEP_A "\",\"" DEP_B "\"]'"
            " WHERE id = '" U_MEMBER_A "';"
            "UPDATE employees SET departments = '{\"not\":\"a list\"}' WHERE id = '" U_CREATOR "';");
  record = td_store_users_get (db, U_MEMBER_A, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (record->user->departments), ==, 2);
  g_assert_cmpstr (record->user->departments[0], ==, DEP_A);
  g_assert_cmpstr (record->user->departments[1], ==, DEP_B);

  damaged = td_store_users_get (db, U_CREATOR, &error);
  g_assert_no_error (error);
  g_assert_nonnull (damaged->user->departments);
  g_assert_cmpuint (g_strv_length (damaged->user->departments), ==, 0);
}

static void
test_registry (void)
{
  gsize n = 0;
  const TdResourceDef * const *all = td_resource_all (&n);

  g_assert_nonnull (all);
  g_assert_null (all[n]);
  for (gsize i = 0; i < n; i++)
    g_assert_true (td_resource_find (all[i]->collection) == all[i]);
  g_assert_null (td_resource_find ("no-such-collection"));
}

/* Latency ----------------------------------------------------------------------------- */

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static void
test_list_latency (void)
{
  static const TdFieldDef bulk_fields[] = {
    { "name", TD_FIELD_TEXT, TD_FIELD_WRITABLE | TD_FIELD_SORT | TD_FIELD_SEARCH },
    { "departments", TD_FIELD_ID_LIST, TD_FIELD_WRITABLE | TD_FIELD_FILTER },
  };
  static const TdResourceDef bulk_def = {
    .collection = "bulk", .table = "bulk", .type = "bulk",
    .perm_view = TD_PERM_DEVICES_VIEW, .isolate_by = TD_ISOLATE_OWN,
    .customer_scope = TD_CUSTOMER_ALL, .fields = bulk_fields,
    .n_fields = G_N_ELEMENTS (bulk_fields), .default_sort = "-updated_at",
  };
  const guint n_rows = 100000, n_requests = 200;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *cursor = NULL;
  gint64 samples[3][200];
  const char *labels[] = { "admin, off", "member of A, strict", "admin, ?q=1" };
  const char *dep_a[] = { DEP_A, NULL };
  g_autoptr(TdAuthIdentity) iso = identity_new (U_MEMBER_A, TD_ROLE_MEMBER, NULL, NULL, dep_a);

  exec (db, "CREATE TABLE bulk (" COMMON ", name TEXT NOT NULL, departments TEXT NOT NULL DEFAULT '[]');"
            "CREATE INDEX bulk_sync ON bulk (org_id, deleted, updated_at, id);");
  transaction = td_db_transaction_begin (db, &error);
  stmt = td_db_prepare (db, "INSERT INTO bulk (id, org_id, created_at, updated_at, name, departments)"
                            " VALUES (?, ?, ?, ?, ?, ?)", &error);
  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *id = td_uuid_new ();
      g_autofree char *at = td_time_format ((gint64) 1700000000 * G_USEC_PER_SEC + (gint64) i * 1000);
      g_autofree char *name = g_strdup_printf ("device %u", i);

      td_db_stmt_bind_text (stmt, 1, id);
      td_db_stmt_bind_text (stmt, 2, i % 10 == 0 ? OTHER_ORG : ORG);
      td_db_stmt_bind_text (stmt, 3, at);
      td_db_stmt_bind_text (stmt, 4, at);
      td_db_stmt_bind_text (stmt, 5, name);
      td_db_stmt_bind_text (stmt, 6, i % 3 == 0 ? "[\"" DEP_A "\"]" : i % 3 == 1 ? "[\"" DEP_B "\"]" : "[]");
      g_assert_true (td_db_stmt_run (stmt, &error));
      /* TdDb has no reset: a statement per row. */
      g_clear_pointer (&stmt, td_db_stmt_free);
      stmt = td_db_prepare (db, "INSERT INTO bulk (id, org_id, created_at, updated_at, name, departments)"
                                " VALUES (?, ?, ?, ?, ?, ?)", &error);
    }
  g_assert_true (td_db_transaction_commit (transaction, &error));
  exec (db, "ANALYZE");

  for (guint kind = 0; kind < 3; kind++)
    {
      g_clear_pointer (&cursor, g_free);
      for (guint r = 0; r < n_requests; r++)
        {
          g_autofree char *query = NULL;
          TdCallOptions options = { .who = kind == 1 ? iso : admin,
                                    .isolation = kind == 1 ? TD_ISOLATION_STRICT : TD_ISOLATION_OFF };
          g_autoptr(TdApiResponse) response = NULL;
          g_autoptr(JsonNode) node = NULL;
          JsonObject *body;
          gint64 start;

          if (kind == 2)
            query = cursor ? g_strdup_printf ("limit=100&q=1&cursor=%s", cursor)
                           : g_strdup ("limit=100&q=1");
          else
            query = cursor ? g_strdup_printf ("limit=100&cursor=%s", cursor) : g_strdup ("limit=100");
          options.query = query;

          start = g_get_monotonic_time ();
          response = run (db, td_resource_list, &bulk_def, "GET", NULL, NULL, &options);
          samples[kind][r] = g_get_monotonic_time () - start;

          g_assert_cmpuint (response->status, ==, 200);
          body = body_of (response, &node);
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "items")), ==, 100);
          g_clear_pointer (&cursor, g_free);
          cursor = g_strdup (json_object_get_string_member (body, "next_cursor"));
        }

      qsort (samples[kind], n_requests, sizeof (gint64), compare_int64);
      g_test_message ("list latency, 100-row pages over %u rows (%s), %u consecutive pages:"
                      " p50 %.2f ms, p99 %.2f ms", n_rows, labels[kind], n_requests,
                      samples[kind][n_requests / 2] / 1000.0,
                      samples[kind][n_requests * 99 / 100] / 1000.0);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  setup_database ();

  g_test_add_func ("/resource/crud", test_crud_happy_path);
  g_test_add_func ("/resource/client-id", test_client_id);
  g_test_add_func ("/resource/validation", test_validation);
  g_test_add_func ("/resource/list-parameters", test_list_parameters);
  g_test_add_func ("/resource/filters", test_filters);
  g_test_add_func ("/resource/search-escaping", test_search_escaping);
  g_test_add_func ("/resource/pagination", test_pagination);
  g_test_add_func ("/resource/if-match", test_if_match);
  g_test_add_func ("/resource/idempotency", test_idempotency);
  g_test_add_func ("/resource/changes", test_changes);
  g_test_add_func ("/resource/concurrent-patch", test_concurrent_patch);
  g_test_add_func ("/resource/customer-scope", test_customer_scope);
  g_test_add_func ("/resource/isolation-reference", test_isolation_reference);
  g_test_add_func ("/resource/scope-on-items", test_scope_on_items);
  g_test_add_func ("/resource/reach", test_reach);
  g_test_add_func ("/resource/collection-forbidden", test_collection_forbidden);
  g_test_add_func ("/resource/customer-column-create", test_customer_column_create);
  g_test_add_func ("/resource/insert", test_insert);
  g_test_add_func ("/resource/user-departments", test_user_departments);
  g_test_add_func ("/resource/registry", test_registry);
  g_test_add_func ("/resource/list-latency", test_list_latency);

  status = g_test_run ();

  td_auth_identity_free (admin);
  td_auth_identity_free (member);
  td_auth_identity_free (creator);
  td_auth_identity_free (deptadm);
  td_auth_identity_free (member_a);
  td_auth_identity_free (cmember);
  td_auth_identity_free (cadmin);
  td_db_close (db);
  td_test_remove_dir (dir);
  g_free (db_path);
  g_free (dir);
  return status;
}
