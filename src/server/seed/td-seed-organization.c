/* td-seed-organization.c: the demo data of the organization area
 *
 * Departments North and South (isolation stays off), employees in every role of each
 * department plus one in none, the customers Globex and Initech (corporate, customer login),
 * Umbrella (corporate, without) and two private customers, with their departments, teams,
 * meta teams, team mappings and eight labels.
 *
 * Idempotent as a whole: the department North is the marker; when it exists this area has
 * run and adds nothing.
 *
 * Canary strings for the authorization matrix (tests/authz): each appears in exactly one
 * object, and must never show up in a response to a caller outside that object's scope.
 *   departments.address           "canary-dept-north", "canary-dept-south"
 *   customers.contact.notes       "canary-customer-<customer number>", e.g. canary-customer-C-10002
 *   customer_departments.contact.notes
 *                                 "canary-cdept-<customer number>-<n>" (n = 1 head office, 2 …)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-seed"

#include "config.h"

#include <stdarg.h>

#include "td-seed-demo.h"

#include "td-api-org-private.h"
#include "td-password.h"
#include "td-random.h"
#include "td-store-customers.h"
#include "td-store-users.h"
#include "td-time.h"

/* Marks a SQL null among the values of seed_insert(). */
static const char seed_null[] = "";
#define SEED_NULL seed_null

/* Inserts a row of @table (a static name) from column / value pairs ending with NULL, with
 * the common columns and a change record; returns the new id. */
static char *
seed_insert (TdDb        *db,
             const char  *org_id,
             const char  *table,
             const char  *type,
             GError     **error,
             ...)
{
  g_autoptr(GString) sql = g_string_new ("INSERT INTO ");
  g_autoptr(GString) marks = g_string_new ("?, ?, 1, ?, ?, 0");
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *now = td_time_now ();
  const char *column;
  va_list args;
  guint index = 1;

  g_string_append_printf (sql, "%s (id, org_id, version, created_at, updated_at, deleted", table);
  va_start (args, error);
  while ((column = va_arg (args, const char *)) != NULL)
    {
      g_string_append_printf (sql, ", %s", column);
      g_string_append (marks, ", ?");
      g_ptr_array_add (values, (gpointer) va_arg (args, const char *));
    }
  va_end (args);
  g_string_append_printf (sql, ") VALUES (%s)", marks->str);

  stmt = td_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, index++, id);
  td_db_stmt_bind_text (stmt, index++, org_id);
  td_db_stmt_bind_text (stmt, index++, now);
  td_db_stmt_bind_text (stmt, index++, now);
  for (guint i = 0; i < values->len; i++)
    {
      const char *value = values->pdata[i];

      if (value == SEED_NULL)
        td_db_stmt_bind_null (stmt, index++);
      else
        td_db_stmt_bind_text (stmt, index++, value);
    }

  if (!td_db_stmt_run (stmt, error) ||
      td_changes_record (db, org_id, type, id, "upsert", error) <= 0)
    return NULL;
  return g_steal_pointer (&id);
}

static char *
json_list (const char *first,
           ...)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    json_array_add_string_element (array, id);
  va_end (args);

  json_node_set_array (node, array);
  return json_to_string (node, FALSE);
}

static gboolean
exec_bound (TdDb        *db,
            const char  *sql,
            GError     **error,
            guint        n,
            ...)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);
  va_list args;

  if (stmt == NULL)
    return FALSE;
  va_start (args, n);
  for (guint i = 1; i <= n; i++)
    td_db_stmt_bind_text (stmt, i, va_arg (args, const char *));
  va_end (args);
  return td_db_stmt_run (stmt, error);
}

static gboolean
find_id (TdDb         *db,
         const char   *sql,
         const char   *org_id,
         const char   *key,
         char        **out_id,
         GError      **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);
  TdDbStep step;

  *out_id = NULL;
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, org_id);
  td_db_stmt_bind_text (stmt, 2, key);
  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ERROR)
    return FALSE;
  if (step == TD_DB_STEP_ROW)
    *out_id = td_db_stmt_dup_text (stmt, 0);
  return TRUE;
}

typedef struct
{
  const char *email;
  const char *first_name;
  const char *last_name;
  TdRole      role;
  int         department;  /* 0: none, 1: North, 2: South */
  const char *language;
} SeedEmployee;

/* With deptadmin@acme.test (North) and member@acme.test (South), every employee role is in
 * each department, and one employee is in none (besides the foundation's global logins). */
static const SeedEmployee seed_employees[] = {
  { "nora.north@acme.test",    "Nora",   "North",     TD_ROLE_DEPT_ADMIN,      1, "en" },
  { "nils.olsen@acme.test",    "Nils",   "Olsen",     TD_ROLE_ADMIN,           1, "en" },
  { "nina.berg@acme.test",     "Nina",   "Berg",      TD_ROLE_CONTENT_CREATOR, 1, "de" },
  { "noah.fischer@acme.test",  "Noah",   "Fischer",   TD_ROLE_MODERATOR,       1, "de" },
  { "nele.hansen@acme.test",   "Nele",   "Hansen",    TD_ROLE_MEMBER,          1, "de" },
  { "selma.kaya@acme.test",    "Selma",  "Kaya",      TD_ROLE_DEPT_ADMIN,      2, "en" },
  { "stefan.wolf@acme.test",   "Stefan", "Wolf",      TD_ROLE_ADMIN,           2, "de" },
  { "sara.conti@acme.test",    "Sara",   "Conti",     TD_ROLE_CONTENT_CREATOR, 2, "it" },
  { "sven.lund@acme.test",     "Sven",   "Lund",      TD_ROLE_MODERATOR,       2, "en" },
  { "sam.south@acme.test",     "Sam",    "South",     TD_ROLE_MEMBER,          2, "en" },
  { "paul.weiss@acme.test",    "Paul",   "Weiss",     TD_ROLE_MEMBER,          0, "de" },
};

static gboolean
insert_user (TdDb          *db,
             const char    *org_id,
             const char    *customer_id,
             const char    *email,
             const char    *first_name,
             const char    *last_name,
             TdRole         role,
             const char    *language,
             const char    *password_hash,
             char         **out_id,
             GError       **error)
{
  TdUserNew user = { 0 };
  gboolean exists = FALSE;

  *out_id = NULL;
  if (!td_store_users_exists (db, org_id, email, &exists, error))
    return FALSE;
  if (exists)
    return TRUE;

  user.org_id = org_id;
  user.customer_id = customer_id;
  user.email = email;
  user.first_name = first_name;
  user.last_name = last_name;
  user.language = language;
  user.role = role;
  user.status = TD_USER_STATUS_ACTIVE;
  user.password_hash = password_hash;

  *out_id = td_store_users_insert (db, &user, error);
  return *out_id != NULL;
}

static gboolean
set_user_departments (TdDb        *db,
                      const char  *org_id,
                      const char  *email,
                      const char  *departments,
                      GError     **error)
{
  return exec_bound (db, "UPDATE employees SET departments = ? WHERE org_id = ? AND email = ?"
                         " AND deleted = 0", error, 3, departments, org_id, email);
}

/* The users (the foundation's and ours) and the organization enter the change feed once,
 * so that a client's first sync finds them like everything written later. */
static gboolean
record_employees (TdDb        *db,
                  const char  *org_id,
                  GError     **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT id FROM employees"
                                                " WHERE org_id = ? AND deleted = 0", error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  TdDbStep step;

  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, org_id);
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (ids, td_db_stmt_dup_text (stmt, 0));
  if (step == TD_DB_STEP_ERROR)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    if (td_changes_record (db, org_id, td_resource_employees.type, ids->pdata[i], "upsert",
                           error) <= 0)
      return FALSE;

  return td_changes_record (db, org_id, "organization", org_id, "upsert", error) > 0;
}

typedef struct
{
  const char *number;
  const char *kind;
  const char *name;
  const char *address;
  const char *contact_name;
  const char *email;
  const char *phone;
  gboolean    customer_login;
  int         department;  /* 0: none, 1: North, 2: South */
  const char *extra_department;  /* a second customer department, or NULL */
} SeedCustomer;

static const SeedCustomer seed_customers[] = {
  { "C-10001", "corporate", "Globex", "Industriestraße 12, 70565 Stuttgart",
    "Hank Scorpio", "service@globex.test", "+49 711 555 0101", TRUE, 1, "Globex Logistics" },
  { "C-10002", "corporate", "Initech", "4120 Freidrich Lane, Austin, TX 78744",
    "Bill Lumbergh", "facilities@initech.test", "+1 512 555 0142", TRUE, 2, "Initech Labs" },
  { "C-10003", "corporate", "Umbrella", "Raccoon Park 1, 1010 Wien",
    "Albert Wesker", "maintenance@umbrella.test", "+43 1 555 0199", FALSE, 0, NULL },
  { "C-10004", "private", "Hannah Becker", "Lindenweg 4, 79098 Freiburg",
    "Hannah Becker", "hannah.becker@example.test", "+49 761 555 0177", FALSE, 1, NULL },
  { "C-10005", "private", "Lukas Meyer", "Am Hafen 9, 20457 Hamburg",
    "Lukas Meyer", "lukas.meyer@example.test", "+49 40 555 0123", FALSE, 0, NULL },
};

static char *
contact_json (const char *name,
              const char *email,
              const char *phone,
              const char *notes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, phone);
  json_builder_set_member_name (builder, "notes");
  json_builder_add_string_value (builder, notes);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Creates or completes the customer; returns its id. */
static char *
seed_customer (TdDb                *db,
               const char          *org_id,
               const SeedCustomer  *seed,
               const char * const   department_ids[3],
               GError             **error)
{
  g_autofree char *notes = g_strdup_printf ("canary-customer-%s", seed->number);
  g_autofree char *contact = contact_json (seed->contact_name, seed->email, seed->phone, notes);
  g_autofree char *departments = seed->department != 0
                                   ? json_list (department_ids[seed->department], NULL)
                                   : g_strdup ("[]");
  const char *login = seed->customer_login ? "1" : "0";
  g_autofree char *id = NULL;

  if (!td_store_customers_find_by_number (db, org_id, seed->number, &id, error))
    return NULL;

  if (id == NULL)
    return seed_insert (db, org_id, "customers", td_resource_customers.type, error,
                        "kind", seed->kind, "name", seed->name, "customer_number", seed->number,
                        "address", seed->address, "contact", contact, "logo", SEED_NULL,
                        "departments", departments, "customer_login", login, NULL);

  /* Globex comes from the foundation's seed with its name and number only. */
  if (!exec_bound (db, "UPDATE customers SET address = ?, contact = ?, departments = ?,"
                       " customer_login = ? WHERE id = ?",
                   error, 5, seed->address, contact, departments, login, id) ||
      td_changes_record (db, org_id, td_resource_customers.type, id, "upsert", error) <= 0)
    return NULL;
  return g_steal_pointer (&id);
}

/* The customer's departments, which its customer departments and team mappings copy. */
static char *
customer_departments (TdDb        *db,
                      const char  *customer_id,
                      GError     **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT departments FROM customers WHERE id = ?",
                                            error);

  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, customer_id);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return NULL;
  return td_db_stmt_dup_text (stmt, 0);
}

static gboolean
seed_customer_departments (TdDb                *db,
                           const char          *org_id,
                           const SeedCustomer  *seed,
                           const char          *customer_id,
                           char               **out_head_office,
                           char               **out_extra,
                           GError             **error)
{
  g_autofree char *notes = g_strdup_printf ("canary-cdept-%s-1", seed->number);
  g_autofree char *contact = contact_json (seed->contact_name, seed->email, seed->phone, notes);
  g_autofree char *departments = customer_departments (db, customer_id, error);

  if (departments == NULL)
    return FALSE;

  *out_head_office = NULL;
  *out_extra = NULL;
  if (g_strcmp0 (seed->kind, "corporate") != 0)
    return TRUE;

  *out_head_office = seed_insert (db, org_id, "customer_departments",
                                  td_resource_customer_departments.type, error,
                                  "customer_id", customer_id, "name", "Head office",
                                  "contact", contact, "head_office", "1",
                                  "departments", departments, NULL);
  if (*out_head_office == NULL)
    return FALSE;

  if (seed->extra_department != NULL)
    {
      g_autofree char *extra_notes = g_strdup_printf ("canary-cdept-%s-2", seed->number);
      g_autofree char *extra_contact = contact_json (seed->contact_name, seed->email, seed->phone,
                                                     extra_notes);

      *out_extra = seed_insert (db, org_id, "customer_departments",
                                td_resource_customer_departments.type, error,
                                "customer_id", customer_id, "name", seed->extra_department,
                                "contact", extra_contact, "head_office", "0",
                                "departments", departments, NULL);
      if (*out_extra == NULL)
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  const char *en;
  const char *de;
  const char *description;
  const char *color;
  const char *availability;
  const char *visibility;
} SeedLabel;

static const SeedLabel seed_labels[] = {
  { "Urgent", "Dringend", "Needs attention today", "#e01b24", "global", "public" },
  { "Warranty", "Garantie", "Covered by the manufacturer's warranty", "#2ec27e", "normal", "public" },
  { "Maintenance", "Wartung", "Scheduled maintenance work", "#3584e4", "normal", "public" },
  { "Spare part needed", "Ersatzteil benötigt", "Waiting for a spare part from the warehouse",
    "#f6d32d", "normal", "internal" },
  { "Escalated", "Eskaliert", "Escalated to second-level support", "#c01c28", "global", "internal" },
  { "Customer waiting", "Kunde wartet", "The customer waits for our answer", "#ff7800", "normal",
    "public" },
  { "Firmware update", "Firmware-Update", "Needs the latest firmware", "#9141ac", "normal",
    "internal" },
  { "Safety", "Sicherheit", "Safety-relevant issue: follow the safety checklist", "#e66100",
    "global", "public" },
};

static gboolean
seed_labels_all (TdDb        *db,
                 const char  *org_id,
                 GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (seed_labels); i++)
    {
      const SeedLabel *label = &seed_labels[i];
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *titles = NULL;
      g_autofree char *id = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "en");
      json_builder_add_string_value (builder, label->en);
      json_builder_set_member_name (builder, "de");
      json_builder_add_string_value (builder, label->de);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      titles = json_to_string (root, FALSE);

      id = seed_insert (db, org_id, "labels", td_resource_labels.type, error,
                        "titles", titles, "description", label->description,
                        "color", label->color, "availability", label->availability,
                        "visibility", label->visibility, NULL);
      if (id == NULL)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint        customer;     /* index into seed_customers */
  gboolean     head_office;  /* the head office rather than the whole customer */
  gboolean     support;      /* the meta team Support rather than Field Service */
  char * const *team;
} SeedMapping;

gboolean
td_seed_demo_organization (TdDb        *db,
                           const char  *org_id,
                           GError     **error)
{
  g_autofree char *north = NULL;
  g_autofree char *south = NULL;
  g_autofree char *password_hash = NULL;
  g_autofree char *north_list = NULL;
  g_autofree char *south_list = NULL;
  g_autoptr(GPtrArray) customer_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) head_offices = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *initech_admin = NULL;
  g_autofree char *initech_member = NULL;
  g_autofree char *fs_north = NULL;
  g_autofree char *fs_south = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *installation = NULL;
  g_autofree char *field_service = NULL;
  g_autofree char *support = NULL;
  g_autofree char *list = NULL;
  g_autofree char *north_members = NULL;
  g_autofree char *south_members = NULL;
  g_autoptr(GPtrArray) north_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) south_ids = g_ptr_array_new_with_free_func (g_free);
  const char *department_ids[3];
  const SeedMapping seed_mappings[] = {
    { 0, FALSE, FALSE, &fs_south },
    { 1, FALSE, FALSE, &fs_north },
    { 1, TRUE,  TRUE,  &remote },
  };

  if (!find_id (db, "SELECT id FROM departments WHERE org_id = ? AND name = ? AND deleted = 0",
                org_id, "North", &north, error))
    return FALSE;
  if (north != NULL)
    return TRUE;

  north = seed_insert (db, org_id, "departments", td_resource_departments.type, error,
                       "name", "North", "address", "Hafenstraße 3, 20359 Hamburg (canary-dept-north)",
                       "contact", "{\"name\":\"Nora North\",\"phone\":\"+49 40 555 0100\"}", NULL);
  if (north == NULL)
    return FALSE;
  south = seed_insert (db, org_id, "departments", td_resource_departments.type, error,
                       "name", "South", "address", "Marienplatz 8, 80331 München (canary-dept-south)",
                       "contact", "{\"name\":\"Selma Kaya\",\"phone\":\"+49 89 555 0200\"}", NULL);
  if (south == NULL)
    return FALSE;
  department_ids[0] = NULL;
  department_ids[1] = north;
  department_ids[2] = south;
  north_list = json_list (north, NULL);
  south_list = json_list (south, NULL);

  /* The foundation's logins: the department administrator works in North, the member in
   * South, everybody else is global. */
  if (!set_user_departments (db, org_id, "deptadmin@acme.test", north_list, error) ||
      !set_user_departments (db, org_id, "member@acme.test", south_list, error))
    return FALSE;

  /* One hash for all: they share the published demo password anyway, and argon2id per user
   * would make every test server start slower. */
  password_hash = td_password_hash (TD_SEED_DEMO_PASSWORD, error);
  if (password_hash == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (seed_employees); i++)
    {
      const SeedEmployee *seed = &seed_employees[i];
      g_autofree char *id = NULL;

      if (!insert_user (db, org_id, NULL, seed->email, seed->first_name, seed->last_name,
                        seed->role, seed->language, password_hash, &id, error))
        return FALSE;
      if (id == NULL)
        continue;
      if (seed->department != 0 &&
          !set_user_departments (db, org_id, seed->email,
                                 seed->department == 1 ? north_list : south_list, error))
        return FALSE;
      if (seed->department == 1)
        g_ptr_array_add (north_ids, g_steal_pointer (&id));
      else if (seed->department == 2)
        g_ptr_array_add (south_ids, g_steal_pointer (&id));
    }

  for (guint i = 0; i < G_N_ELEMENTS (seed_customers); i++)
    {
      g_autofree char *extra = NULL;
      char *customer_id = seed_customer (db, org_id, &seed_customers[i], department_ids, error);
      char *head_office = NULL;

      if (customer_id == NULL)
        return FALSE;
      g_ptr_array_add (customer_ids, customer_id);
      if (!seed_customer_departments (db, org_id, &seed_customers[i], customer_id,
                                      &head_office, &extra, error))
        return FALSE;
      g_ptr_array_add (head_offices, head_office);
    }

  /* Initech's own users (Globex's come from the foundation). */
  if (!insert_user (db, org_id, customer_ids->pdata[1], "admin@initech.test", "Peter", "Gibbons",
                    TD_ROLE_CUSTOMER_ADMIN, "en", password_hash, &initech_admin, error) ||
      !insert_user (db, org_id, customer_ids->pdata[1], "member@initech.test", "Milton", "Waddams",
                    TD_ROLE_CUSTOMER_MEMBER, "en", password_hash, &initech_member, error) ||
      !record_employees (db, org_id, error))
    return FALSE;

  /* Teams: the field service per region, remote support and installation. */
  g_ptr_array_add (north_ids, NULL);
  g_ptr_array_add (south_ids, NULL);
  {
    g_autoptr(JsonArray) north_array = json_array_new ();
    g_autoptr(JsonArray) south_array = json_array_new ();
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

    for (guint i = 0; north_ids->pdata[i] != NULL; i++)
      json_array_add_string_element (north_array, north_ids->pdata[i]);
    for (guint i = 0; south_ids->pdata[i] != NULL; i++)
      json_array_add_string_element (south_array, south_ids->pdata[i]);
    json_node_set_array (node, north_array);
    north_members = json_to_string (node, FALSE);
    json_node_set_array (node, south_array);
    south_members = json_to_string (node, FALSE);
  }

  fs_north = seed_insert (db, org_id, "teams", td_resource_teams.type, error,
                          "name", "Field Service North", "logo", SEED_NULL,
                          "member_ids", north_members, NULL);
  fs_south = seed_insert (db, org_id, "teams", td_resource_teams.type, error,
                          "name", "Field Service South", "logo", SEED_NULL,
                          "member_ids", south_members, NULL);
  remote = seed_insert (db, org_id, "teams", td_resource_teams.type, error,
                        "name", "Remote Support", "logo", SEED_NULL, "member_ids", "[]", NULL);
  installation = seed_insert (db, org_id, "teams", td_resource_teams.type, error,
                              "name", "Installation", "logo", SEED_NULL, "member_ids", "[]", NULL);
  if (fs_north == NULL || fs_south == NULL || remote == NULL || installation == NULL)
    return FALSE;

  list = json_list (fs_north, fs_south, NULL);
  field_service = seed_insert (db, org_id, "meta_teams", td_resource_meta_teams.type, error,
                               "name", "Field Service", "team_ids", list,
                               "default_team_id", fs_north, NULL);
  g_clear_pointer (&list, g_free);
  list = json_list (remote, installation, NULL);
  support = seed_insert (db, org_id, "meta_teams", td_resource_meta_teams.type, error,
                         "name", "Support", "team_ids", list, "default_team_id", remote, NULL);
  if (field_service == NULL || support == NULL)
    return FALSE;

  /* Globex is served from the South, Initech's head office by remote support. */
  for (guint i = 0; i < G_N_ELEMENTS (seed_mappings); i++)
    {
      const SeedMapping *seed = &seed_mappings[i];
      const char *customer = customer_ids->pdata[seed->customer];
      const char *department = seed->head_office ? head_offices->pdata[seed->customer] : SEED_NULL;
      g_autofree char *departments = customer_departments (db, customer, error);
      g_autofree char *id = NULL;

      if (departments == NULL)
        return FALSE;
      id = seed_insert (db, org_id, "customer_team_mappings", td_resource_team_mappings.type, error,
                        "customer_id", customer, "customer_department_id", department,
                        "meta_team_id", seed->support ? support : field_service,
                        "team_id", *seed->team, "departments", departments, NULL);
      if (id == NULL)
        return FALSE;
    }

  return seed_labels_all (db, org_id, error);
}
