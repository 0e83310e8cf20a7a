/* td-api-assets.c: the collections and actions of the assets area
 *
 * Templates, devices (digital twins) and codes are TdResourceDefs run by the engine; what
 * is particular to them lives in the hooks below (modules and overrides validation,
 * serial-number uniqueness, customer / customer-department consistency, code tokens;
 * the department rule of DOMAIN.md §3 is the engine's, in check_references()) and in the code actions of td-api-assets-codes.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-assets"

#include "config.h"

#include "td-api-assets-private.h"
#include "td-json.h"
#include "td-random.h"
#include "td-time.h"
#include "td-user.h"

#define W  TD_FIELD_WRITABLE
#define CO TD_FIELD_CREATE_ONLY
#define RQ TD_FIELD_REQUIRED
#define NL TD_FIELD_NULLABLE
#define FI TD_FIELD_FILTER
#define SO TD_FIELD_SORT
#define SE TD_FIELD_SEARCH
#define ST TD_FIELD_STAFF_ONLY
#define HI TD_FIELD_HIDDEN

static gboolean
is_customer (TdApiCall *call)
{
  return td_user_get_login_type (call->identity->user) == TD_LOGIN_CUSTOMER;
}

static TdApiResponse *
forbidden_field (const char *field,
                 const char *message)
{
  return td_api_response_new_error (403, "forbidden_field", message, field);
}

/* A JSON member of changes through @validate, written back normalized. */
typedef TdApiResponse *(*JsonValidate) (TdApiCall   *call,
                                        JsonNode    *input,
                                        JsonObject **out);

static TdApiResponse *
validate_modules_full (TdApiCall   *call,
                       JsonNode    *input,
                       JsonObject **out)
{
  return td_assets_validate_modules (call, input, FALSE, "modules", out);
}

static TdApiResponse *
validate_attributes (TdApiCall   *call,
                     JsonNode    *input,
                     JsonObject **out)
{
  *out = NULL;
  if (input == NULL || !JSON_NODE_HOLDS_OBJECT (input))
    return td_resource_invalid ("attributes", "attributes must be an object");
  *out = json_object_ref (json_node_get_object (input));
  return NULL;
}

static TdApiResponse *
normalize_json (TdResourceWrite *write,
                const char      *member,
                JsonValidate     validate)
{
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonObject) normalized = NULL;
  TdApiResponse *error;
  JsonNode *like;

  if (!json_object_has_member (write->changes, member))
    return NULL;

  like = json_object_get_member (write->changes, member);
  input = td_assets_dup_json_member (write->changes, member);
  error = validate (write->call, input, &normalized);
  if (error != NULL)
    return error;

  td_assets_set_json_member (write->changes, member, like, normalized);
  return NULL;
}

/* Templates */

static TdApiResponse *
template_before_create (TdResourceWrite *write)
{
  TdApiResponse *error;

  if (!json_object_has_member (write->changes, "modules"))
    json_object_set_object_member (write->changes, "modules", td_assets_default_modules ());

  if ((error = normalize_json (write, "modules", validate_modules_full)) != NULL)
    return error;
  return NULL;
}

static TdApiResponse *
template_before_update (TdResourceWrite *write)
{
  TdApiResponse *error;

  if ((error = normalize_json (write, "modules", validate_modules_full)) != NULL)
    return error;
  return NULL;
}

/* A template that live devices mirror cannot go: they would mirror nothing. */
static TdApiResponse *
template_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (write->call->db,
                                            "SELECT count(*) FROM devices WHERE template_id = ? "
                                            "AND org_id = ? AND deleted = 0", &error);

  if (stmt == NULL)
    return td_api_internal_error ("Counting devices failed", error);
  td_db_stmt_bind_text (stmt, 1, write->id);
  td_db_stmt_bind_text (stmt, 2, write->call->identity->user->org_id);
  if (td_db_stmt_step (stmt, &error) != TD_DB_STEP_ROW)
    return td_api_internal_error ("Counting devices failed", error);
  if (td_db_stmt_get_int64 (stmt, 0) > 0)
    return td_resource_conflict ("Devices still use this template");
  return NULL;
}

/* Devices */

static const char *
string_or_null (JsonObject *object,
                const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The value @member will have after the write: from changes if present, else current. */
static const char *
effective_string (TdResourceWrite *write,
                  const char      *member)
{
  if (json_object_has_member (write->changes, member))
    return string_or_null (write->changes, member);
  return string_or_null (write->current, member);
}

static TdApiResponse *
check_serial_number (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  const char *serial = string_or_null (write->changes, "serial_number");

  if (serial == NULL)
    return NULL;

  stmt = td_db_prepare (write->call->db,
                        "SELECT 1 FROM devices WHERE org_id = ? AND serial_number = ? "
                        "AND deleted = 0 AND id <> ?", &error);
  if (stmt == NULL)
    return td_api_internal_error ("Checking the serial number failed", error);
  td_db_stmt_bind_text (stmt, 1, write->call->identity->user->org_id);
  td_db_stmt_bind_text (stmt, 2, serial);
  td_db_stmt_bind_text (stmt, 3, write->id != NULL ? write->id : "");
  switch (td_db_stmt_step (stmt, &error))
    {
    case TD_DB_STEP_ROW:
      return td_api_response_new_error (409, "conflict", "Another device has this serial number",
                                        "serial_number");
    case TD_DB_STEP_DONE:
      return NULL;
    case TD_DB_STEP_ERROR:
    default:
      return td_api_internal_error ("Checking the serial number failed", error);
    }
}

/* The customer department must belong to the device's customer. Changing the customer
 * without naming a department clears the department rather than leaving a foreign one. */
static TdApiResponse *
check_customer_department (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  const char *customer_id;
  const char *department_id;

  if (json_object_has_member (write->changes, "customer_id") &&
      !json_object_has_member (write->changes, "customer_department_id") &&
      g_strcmp0 (string_or_null (write->changes, "customer_id"),
                 string_or_null (write->current, "customer_id")) != 0)
    json_object_set_null_member (write->changes, "customer_department_id");

  customer_id = effective_string (write, "customer_id");
  department_id = effective_string (write, "customer_department_id");
  if (department_id == NULL)
    return NULL;
  if (customer_id == NULL)
    return td_api_response_new_error (422, "invalid_reference",
                                      "A customer department needs a customer",
                                      "customer_department_id");

  stmt = td_db_prepare (write->call->db,
                        "SELECT 1 FROM customer_departments WHERE id = ? AND customer_id = ? "
                        "AND org_id = ? AND deleted = 0", &error);
  if (stmt == NULL)
    return td_api_internal_error ("Checking the customer department failed", error);
  td_db_stmt_bind_text (stmt, 1, department_id);
  td_db_stmt_bind_text (stmt, 2, customer_id);
  td_db_stmt_bind_text (stmt, 3, write->call->identity->user->org_id);
  switch (td_db_stmt_step (stmt, &error))
    {
    case TD_DB_STEP_ROW:
      return NULL;
    case TD_DB_STEP_DONE:
      return td_api_response_new_error (422, "invalid_reference",
                                        "The customer department does not belong to the customer",
                                        "customer_department_id");
    case TD_DB_STEP_ERROR:
    default:
      return td_api_internal_error ("Checking the customer department failed", error);
    }
}

static TdApiResponse *
device_check (TdResourceWrite *write)
{
  TdApiResponse *error;

  if ((error = normalize_json (write, "attributes", validate_attributes)) != NULL ||
      (error = normalize_json (write, "overrides", td_assets_validate_overrides)) != NULL ||
      (error = check_serial_number (write)) != NULL ||
      (error = check_customer_department (write)) != NULL)
    return error;
  return NULL;
}

static TdApiResponse *
device_before_create (TdResourceWrite *write)
{
  return device_check (write);
}

/* Customer admins and moderators may edit their company's devices, but not move them to
 * another company nor re-template them: a change of either is a 403 forbidden_field; a
 * member repeating the current value is dropped. */
static TdApiResponse *
device_before_update (TdResourceWrite *write)
{
  static const char * const customer_locked[] = { "customer_id", "template_id", NULL };

  if (is_customer (write->call))
    for (guint i = 0; customer_locked[i] != NULL; i++)
      {
        const char *member = customer_locked[i];

        if (!json_object_has_member (write->changes, member))
          continue;
        if (g_strcmp0 (string_or_null (write->changes, member),
                       string_or_null (write->current, member)) != 0)
          return forbidden_field (member, "Customer users cannot change this field");
        json_object_remove_member (write->changes, member);
      }

  return device_check (write);
}

/* Codes of a deleted device are unpaired in the same transaction (each with its own
 * version and change), so no code points at a tombstone. */
static TdApiResponse *
device_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) select = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *now = td_time_now ();
  const char *org_id = write->call->identity->user->org_id;
  TdDbStep step;

  select = td_db_prepare (write->call->db,
                          "SELECT id FROM codes WHERE device_id = ? AND org_id = ? AND deleted = 0",
                          &error);
  if (select == NULL)
    return td_api_internal_error ("Unpairing codes failed", error);
  td_db_stmt_bind_text (select, 1, write->id);
  td_db_stmt_bind_text (select, 2, org_id);
  while ((step = td_db_stmt_step (select, &error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (ids, td_db_stmt_dup_text (select, 0));
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Unpairing codes failed", error);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *code_id = g_ptr_array_index (ids, i);
      g_autoptr(TdDbStmt) update = td_db_prepare (write->call->db,
                                                  "UPDATE codes SET device_id = NULL, "
                                                  "version = version + 1, updated_at = ? "
                                                  "WHERE id = ? AND org_id = ?", &error);

      if (update == NULL)
        return td_api_internal_error ("Unpairing codes failed", error);
      td_db_stmt_bind_text (update, 1, now);
      td_db_stmt_bind_text (update, 2, code_id);
      td_db_stmt_bind_text (update, 3, org_id);
      if (!td_db_stmt_run (update, &error) ||
          td_changes_record (write->call->db, org_id, td_resource_codes.type, code_id, "upsert",
                             &error) == 0)
        return td_api_internal_error ("Unpairing codes failed", error);
    }
  return NULL;
}

/* Codes */

#define CODE_TOKEN_LENGTH 12

char *
td_assets_code_token_new (GError **error)
{
  /* 32 symbols, so a byte's low five bits pick one without bias; no 0/o, 1/l. */
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  guint8 bytes[CODE_TOKEN_LENGTH];
  char *token = g_malloc (CODE_TOKEN_LENGTH + 1);

  G_STATIC_ASSERT (sizeof alphabet - 1 == 32);

  if (!td_random_fill (bytes, sizeof bytes, error))
    {
      g_free (token);
      return NULL;
    }
  for (guint i = 0; i < CODE_TOKEN_LENGTH; i++)
    token[i] = alphabet[bytes[i] & 31];
  token[CODE_TOKEN_LENGTH] = '\0';
  return token;
}

/* The token is the server's, never the client's: a fresh one, checked against the global
 * unique index (60 bits make a clash improbable, not impossible). */
static TdApiResponse *
code_before_create (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autofree char *token = td_assets_code_token_new (&error);
      g_autoptr(TdDbStmt) stmt = NULL;
      TdDbStep step;

      if (token == NULL)
        return td_api_internal_error ("Generating a code token failed", error);
      stmt = td_db_prepare (write->call->db, "SELECT 1 FROM codes WHERE token = ?", &error);
      if (stmt == NULL)
        return td_api_internal_error ("Generating a code token failed", error);
      td_db_stmt_bind_text (stmt, 1, token);
      step = td_db_stmt_step (stmt, &error);
      if (step == TD_DB_STEP_ERROR)
        return td_api_internal_error ("Generating a code token failed", error);
      if (step == TD_DB_STEP_DONE)
        {
          json_object_set_string_member (write->changes, "token", token);
          return NULL;
        }
    }

  return td_api_internal_error ("Generating a unique code token failed", NULL);
}

/* Share links die with their code. */
static TdApiResponse *
code_before_delete (TdResourceWrite *write)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (write->call->db,
                                            "UPDATE code_share_links SET deleted = 1, "
                                            "version = version + 1, updated_at = ? "
                                            "WHERE code_id = ? AND org_id = ? AND deleted = 0",
                                            &error);
  g_autofree char *now = td_time_now ();

  if (stmt == NULL)
    return td_api_internal_error ("Revoking share links failed", error);
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, write->id);
  td_db_stmt_bind_text (stmt, 3, write->call->identity->user->org_id);
  if (!td_db_stmt_run (stmt, &error))
    return td_api_internal_error ("Revoking share links failed", error);
  return NULL;
}

/* The definitions */

static const TdFieldDef template_fields[] = {
  { "name",                  TD_FIELD_TEXT,    W | RQ | FI | SO | SE, 200, NULL, NULL, 0, 0 },
  { "description",           TD_FIELD_TEXT,    W | SE,                4000, NULL, NULL, 0, 0 },
  { "departments",           TD_FIELD_ID_LIST, W | FI,                0, NULL, &td_resource_departments, 0, 0 },
  { "modules",               TD_FIELD_JSON,    W,                     256 * 1024, NULL, NULL, 0, 0 },
  { "rating_tickets",        TD_FIELD_BOOL,    W | FI,                0, NULL, NULL, 0, 0 },
  { "rating_video_sessions", TD_FIELD_BOOL,    W | FI,                0, NULL, NULL, 0, 0 },
};

const TdResourceDef td_resource_templates = {
  .collection = "templates",
  .table = "templates",
  .type = "template",
  .perm_view = TD_PERM_TEMPLATES_VIEW,
  .perm_create = TD_PERM_TEMPLATES_EDIT,
  .perm_edit = TD_PERM_TEMPLATES_EDIT,
  .perm_delete = TD_PERM_TEMPLATES_EDIT,
  .isolate_by = TD_ISOLATE_OWN,
  .customer_scope = TD_CUSTOMER_NONE,
  .fields = template_fields,
  .n_fields = G_N_ELEMENTS (template_fields),
  .default_sort = "name",
  .before_create = template_before_create,
  .before_update = template_before_update,
  .before_delete = template_before_delete,
};

static const TdFieldDef device_fields[] = {
  { "name",                   TD_FIELD_TEXT,    W | RQ | SO | SE,      200, NULL, NULL, 0, 0 },
  { "serial_number",          TD_FIELD_TEXT,    W | RQ | FI | SO | SE, 100, NULL, NULL, 0, 0 },
  { "template_id",            TD_FIELD_REF,     W | RQ | FI,           0, NULL, &td_resource_templates, 0, 0 },
  { "customer_id",            TD_FIELD_REF,     W | NL | FI,           0, NULL, &td_resource_customers, 0, 0 },
  { "customer_department_id", TD_FIELD_REF,     W | NL | FI,           0, NULL, &td_resource_customer_departments, 0, 0 },
  { "location",               TD_FIELD_TEXT,    W | SO | SE,           500, NULL, NULL, 0, 0 },
  { "departments",            TD_FIELD_ID_LIST, W | FI | ST,           0, NULL, &td_resource_departments, 0, 0 },
  { "labels",                 TD_FIELD_ID_LIST, W | FI,                0, NULL, &td_resource_labels, 0, 0 },
  { "attributes",             TD_FIELD_JSON,    W,                     0, NULL, NULL, 0, 0 },
  { "overrides",              TD_FIELD_JSON,    W,                     256 * 1024, NULL, NULL, 0, 0 },
};

const TdResourceDef td_resource_devices = {
  .collection = "devices",
  .table = "devices",
  .type = "device",
  .perm_view = TD_PERM_DEVICES_VIEW,
  .perm_create = TD_PERM_DEVICES_CREATE,
  .perm_edit = TD_PERM_DEVICES_EDIT,
  .perm_delete = TD_PERM_DEVICES_DELETE,
  .isolate_by = TD_ISOLATE_OWN,
  .customer_scope = TD_CUSTOMER_COLUMN,
  .fields = device_fields,
  .n_fields = G_N_ELEMENTS (device_fields),
  .default_sort = "name",
  .before_create = device_before_create,
  .before_update = device_before_update,
  .before_delete = device_before_delete,
};

static const TdFieldDef code_fields[] = {
  { "token",           TD_FIELD_TEXT,    FI | SO | SE,     64, NULL, NULL, 0, 0 },
  { "enabled",         TD_FIELD_BOOL,    W | FI,           0, NULL, NULL, 0, 0 },
  { "pin_hash",        TD_FIELD_TEXT,    HI | NL,          512, NULL, NULL, 0, 0 },
  { "has_pin",         TD_FIELD_BOOL,    FI,               0, NULL, NULL, 0, 0 },
  { "device_id",       TD_FIELD_REF,     CO | NL | FI,     0, NULL, &td_resource_devices, 0, 0 },
  { "departments",     TD_FIELD_ID_LIST, W | FI | ST,      0, NULL, &td_resource_departments, 0, 0 },
  { "labels",          TD_FIELD_ID_LIST, W | FI,           0, NULL, &td_resource_labels, 0, 0 },
  { "code_user_epoch", TD_FIELD_INT,     ST,               0, NULL, NULL, 0, G_MAXINT64 },
};

const TdResourceDef td_resource_codes = {
  .collection = "codes",
  .table = "codes",
  .type = "code",
  .perm_view = TD_PERM_CODES_VIEW,
  .perm_create = TD_PERM_CODES_MANAGE,
  .perm_edit = TD_PERM_CODES_MANAGE,
  .perm_delete = TD_PERM_CODES_MANAGE,
  .isolate_by = TD_ISOLATE_OWN,
  .customer_scope = TD_CUSTOMER_VIA_DEVICE,
  .fields = code_fields,
  .n_fields = G_N_ELEMENTS (code_fields),
  .default_sort = "-updated_at",
  .before_create = code_before_create,
  .before_delete = code_before_delete,
};

#define CODE_ACTION(method, action, handler, flags) \
  { method, TD_API_BASE_PATH "/codes/{id}/" action, handler, flags, &td_resource_codes }

static const TdApiRoute assets_routes[] = {
  TD_RESOURCE_ROUTES (&td_resource_templates, "templates"),
  TD_RESOURCE_ROUTES (&td_resource_devices, "devices"),
  TD_RESOURCE_ROUTES (&td_resource_codes, "codes"),
  CODE_ACTION ("POST",   "pair",              td_api_codes_pair,                0),
  CODE_ACTION ("POST",   "unpair",            td_api_codes_unpair,              0),
  CODE_ACTION ("POST",   "share-links",       td_api_codes_share_link,          0),
  CODE_ACTION ("PUT",    "pin",               td_api_codes_set_pin,             TD_ROUTE_SLOW),
  CODE_ACTION ("POST",   "logout-code-users", td_api_codes_logout_users,        0),
  CODE_ACTION ("DELETE", "notifications",     td_api_codes_clear_notifications, 0),
};

const TdApiRouteTable td_api_assets_route_table = { assets_routes, G_N_ELEMENTS (assets_routes) };
