/* td-api-org-company.c: GET/PATCH /organization and GET/PATCH /company
 *
 * Two single objects rather than collections: the caller's organization (the operator's
 * settings: name, language, isolation, code configuration) and, for customer-login users,
 * their own company's profile. Both follow the collection rules by hand: If-Match with the
 * version (428 without, 412 with the current object on mismatch), one transaction with
 * version + 1 and a change record, permissions per member from td-permissions.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-organization"

#include "config.h"

#include <string.h>

#include "td-api-org-private.h"
#include "td-json.h"
#include "td-time.h"

#define READ_ONLY TD_N_PERMISSIONS

typedef enum
{
  KIND_TEXT,
  KIND_JSON,
  KIND_ENUM,
} ProfileKind;

typedef struct
{
  const char         *name;       /* member and column */
  ProfileKind         kind;
  gsize               max_length; /* characters (TEXT) or bytes (JSON) */
  gboolean            nullable;
  gboolean            not_empty;
  const char * const *choices;    /* ENUM */
  TdPermission        permission; /* READ_ONLY: never from a body */
} ProfileField;

typedef struct
{
  const char         *type;        /* change-feed type */
  const char         *select_sql;  /* version, created_at, updated_at, then the fields; id = ? */
  const char         *update_sql;  /* the writable fields, updated_at, then id = ?, version = ? */
  const ProfileField *fields;
  gsize               n_fields;
} Profile;

static const char * const isolation_modes[] = { "off", "basic", "strict", NULL };

static const ProfileField organization_fields[] = {
  { "name",               KIND_TEXT, 200,   FALSE, TRUE,  NULL, TD_PERM_COMPANY_MANAGE },
  { "default_language",   KIND_TEXT, 16,    FALSE, FALSE, NULL, TD_PERM_COMPANY_MANAGE },
  { "isolation",          KIND_ENUM, 0,     FALSE, FALSE, isolation_modes, TD_PERM_COMPANY_MANAGE },
  { "address",            KIND_TEXT, 500,   TRUE,  FALSE, NULL, TD_PERM_COMPANY_MANAGE },
  { "logo",               KIND_TEXT, 2048,  TRUE,  FALSE, NULL, TD_PERM_COMPANY_MANAGE },
  { "code_configuration", KIND_JSON, 16384, FALSE, FALSE, NULL, TD_PERM_CODES_CONFIGURE },
};

static const Profile organization_profile = {
  "organization",
  "SELECT version, created_at, updated_at, name, default_language, isolation, address, logo,"
  " code_configuration FROM organizations WHERE id = ? AND deleted = 0",
  "UPDATE organizations SET name = ?, default_language = ?, isolation = ?, address = ?, logo = ?,"
  " code_configuration = ?, version = version + 1, updated_at = ?"
  " WHERE id = ? AND version = ? AND deleted = 0",
  organization_fields, G_N_ELEMENTS (organization_fields),
};

static const ProfileField company_fields[] = {
  { "kind",            KIND_TEXT, 0,    FALSE, FALSE, NULL, READ_ONLY },
  { "customer_number", KIND_TEXT, 0,    FALSE, FALSE, NULL, READ_ONLY },
  { "name",            KIND_TEXT, 200,  FALSE, TRUE,  NULL, TD_PERM_COMPANY_PROFILE },
  { "address",         KIND_TEXT, 500,  TRUE,  FALSE, NULL, TD_PERM_COMPANY_PROFILE },
  { "contact",         KIND_JSON, 4096, TRUE,  FALSE, NULL, TD_PERM_COMPANY_PROFILE },
  { "logo",            KIND_TEXT, 2048, TRUE,  FALSE, NULL, TD_PERM_COMPANY_PROFILE },
};

static const Profile company_profile = {
  "customer",
  "SELECT version, created_at, updated_at, kind, customer_number, name, address, contact, logo"
  " FROM customers WHERE id = ? AND deleted = 0",
  "UPDATE customers SET name = ?, address = ?, contact = ?, logo = ?,"
  " version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND deleted = 0",
  company_fields, G_N_ELEMENTS (company_fields),
};

/* The object @id as the API shows it, or NULL (with @error unset when it does not exist). */
static JsonObject *
profile_read (TdDb           *db,
              const Profile  *profile,
              const char     *id,
              GError        **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, profile->select_sql, error);
  g_autoptr(JsonObject) object = json_object_new ();
  TdDbStep step;

  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  step = td_db_stmt_step (stmt, error);
  if (step != TD_DB_STEP_ROW)
    return NULL;

  json_object_set_string_member (object, "id", id);
  json_object_set_int_member (object, "version", td_db_stmt_get_int64 (stmt, 0));
  json_object_set_string_member (object, "created_at", td_db_stmt_get_text (stmt, 1));
  json_object_set_string_member (object, "updated_at", td_db_stmt_get_text (stmt, 2));

  for (gsize i = 0; i < profile->n_fields; i++)
    {
      const ProfileField *field = &profile->fields[i];
      guint column = 3 + i;

      if (td_db_stmt_is_null (stmt, column))
        json_object_set_null_member (object, field->name);
      else if (field->kind == KIND_JSON)
        {
          const char *text = td_db_stmt_get_text (stmt, column);
          JsonNode *node = td_json_parse (text, strlen (text), NULL);

          if (node != NULL)
            json_object_set_member (object, field->name, node);
          else
            json_object_set_null_member (object, field->name);
        }
      else
        json_object_set_string_member (object, field->name, td_db_stmt_get_text (stmt, column));
    }

  return g_steal_pointer (&object);
}

static TdApiResponse *
respond_object (guint       status,
                JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                                           json_object_get_int_member (object, "version"));
  TdApiResponse *response;

  json_node_set_object (node, object);
  response = td_api_response_new_json (status, node);
  td_api_response_set_header (response, "ETag", etag);
  return response;
}

static TdApiResponse *
profile_get (TdApiCall     *call,
             const Profile *profile,
             const char    *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = profile_read (call->db, profile, id, &error);

  if (object == NULL && error != NULL)
    return td_org_db_error ("Reading the profile failed", error);
  if (object == NULL)
    return td_resource_not_found ();
  return respond_object (200, object);
}

/* Validates the members of @body that @profile knows into @changes; unknown members are
 * ignored. Permissions are checked per member: a caller who may set the isolation mode may
 * not therefore change the code configuration. */
static TdApiResponse *
profile_validate (TdApiCall     *call,
                  const Profile *profile,
                  JsonObject    *body,
                  JsonObject    *changes)
{
  TdRole role = call->identity->user->role;

  for (gsize i = 0; i < profile->n_fields; i++)
    {
      const ProfileField *field = &profile->fields[i];
      JsonNode *node = json_object_get_member (body, field->name);

      if (node == NULL || field->permission == READ_ONLY)
        continue;

      if (!td_permission_allowed (role, field->permission))
        return td_api_response_new_error (403, "forbidden",
                                          "You may not change this setting", field->name);

      if (JSON_NODE_HOLDS_NULL (node))
        {
          if (!field->nullable)
            return td_resource_invalid (field->name, "This member cannot be null");
          json_object_set_null_member (changes, field->name);
          continue;
        }

      if (field->kind == KIND_JSON)
        {
          g_autofree char *text = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            return td_resource_invalid (field->name, "An object is expected");
          text = td_json_to_string (node);
          if (strlen (text) > field->max_length)
            return td_resource_invalid (field->name, "The object is too large");
          json_object_set_member (changes, field->name, json_node_copy (node));
          continue;
        }

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return td_resource_invalid (field->name, "A string is expected");

      if (field->kind == KIND_ENUM)
        {
          if (!g_strv_contains (field->choices, json_node_get_string (node)))
            return td_resource_invalid (field->name, "Not one of the allowed values");
        }
      else
        {
          g_autofree char *trimmed = g_strstrip (g_strdup (json_node_get_string (node)));

          if (g_utf8_strlen (trimmed, -1) > (glong) field->max_length)
            return td_resource_invalid (field->name, "The text is too long");
          if (field->not_empty && *trimmed == '\0')
            return td_resource_invalid (field->name, "This member cannot be empty");
        }
      json_object_set_member (changes, field->name, json_node_copy (node));
    }

  return NULL;
}

static TdApiResponse *
precondition_failed (JsonObject *current)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonNode *current_node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (current_node, current);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, "version_mismatch");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "The object has changed since it was read");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "current");
  json_builder_add_value (builder, current_node);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  return td_api_response_new_json (412, node);
}

static gboolean
bind_member (TdDbStmt   *stmt,
             guint       index,
             JsonObject *object,
             const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    td_db_stmt_bind_null (stmt, index);
  else if (JSON_NODE_HOLDS_VALUE (node))
    td_db_stmt_bind_text (stmt, index, json_node_get_string (node));
  else
    {
      g_autofree char *text = td_json_to_string (node);

      td_db_stmt_bind_text (stmt, index, text);
    }
  return TRUE;
}

static TdApiResponse *
profile_patch (TdApiCall     *call,
               const Profile *profile,
               const char    *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = NULL;
  TdApiResponse *response = NULL;
  gint64 expected;
  guint index = 1;

  if (call->request->if_match == NULL)
    return td_api_response_new_error (428, "precondition_required",
                                      "Send If-Match with the version you edited", NULL);
  expected = td_org_parse_if_match (call->request->if_match);

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  response = profile_validate (call, profile, body, changes);
  if (response != NULL)
    return response;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_org_db_error ("Starting the transaction failed", error);

  current = profile_read (call->db, profile, id, &error);
  if (current == NULL && error != NULL)
    return td_org_db_error ("Reading the profile failed", error);
  if (current == NULL)
    return td_resource_not_found ();
  if (expected != json_object_get_int_member (current, "version"))
    return precondition_failed (current);

  if (json_object_get_size (changes) == 0)
    return respond_object (200, current);

  stmt = td_db_prepare (call->db, profile->update_sql, &error);
  if (stmt == NULL)
    return td_org_db_error ("Updating the profile failed", error);
  for (gsize i = 0; i < profile->n_fields; i++)
    {
      const char *name = profile->fields[i].name;

      if (profile->fields[i].permission == READ_ONLY)
        continue;
      bind_member (stmt, index++, json_object_has_member (changes, name) ? changes : current, name);
    }
  now = td_time_now ();
  td_db_stmt_bind_text (stmt, index++, now);
  td_db_stmt_bind_text (stmt, index++, id);
  td_db_stmt_bind_int64 (stmt, index++, expected);

  if (!td_db_stmt_run (stmt, &error))
    return td_org_db_error ("Updating the profile failed", error);
  if (td_changes_record (call->db, td_org_org_id (call), profile->type, id, "upsert", &error) <= 0)
    return td_org_db_error ("Recording the change failed", error);

  updated = profile_read (call->db, profile, id, &error);
  if (updated == NULL)
    return td_org_db_error ("Reading the profile failed", error);
  if (!td_db_transaction_commit (transaction, &error))
    return td_org_db_error ("Committing the profile failed", error);

  g_message ("Profile %s %s updated by user %s", profile->type, id, call->identity->user->id);
  return respond_object (200, updated);
}

/* GET /organization: every employee reads their organization's settings. Customer-login
 * users have /company instead. */
TdApiResponse *
td_org_organization_get (TdApiCall *call)
{
  if (td_org_is_customer_login (call))
    return td_resource_forbidden ();
  return profile_get (call, &organization_profile, td_org_org_id (call));
}

TdApiResponse *
td_org_organization_patch (TdApiCall *call)
{
  if (td_org_is_customer_login (call))
    return td_resource_forbidden ();
  if (!td_permission_allowed (call->identity->user->role, TD_PERM_COMPANY_MANAGE) &&
      !td_permission_allowed (call->identity->user->role, TD_PERM_CODES_CONFIGURE))
    return td_resource_forbidden ();
  return profile_patch (call, &organization_profile, td_org_org_id (call));
}

/* GET /company: a customer-login user's own company. */
TdApiResponse *
td_org_company_get (TdApiCall *call)
{
  if (!td_org_is_customer_login (call))
    return td_resource_forbidden ();
  return profile_get (call, &company_profile, call->identity->user->customer_id);
}

TdApiResponse *
td_org_company_patch (TdApiCall *call)
{
  if (!td_org_is_customer_login (call) ||
      !td_permission_allowed (call->identity->user->role, TD_PERM_COMPANY_PROFILE))
    return td_resource_forbidden ();
  return profile_patch (call, &company_profile, call->identity->user->customer_id);
}
