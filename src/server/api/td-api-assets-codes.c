/* td-api-assets-codes.c: the actions on a code
 *
 * Pair / unpair, share links, PIN, logging out code users and clearing code
 * notifications. Each loads the code with td_resource_load() (404 outside the caller's
 * scope), checks its permission with td_resource_allows() (403) and writes through
 * td_resource_write() (version, updated_at, change feed) in one transaction. An If-Match
 * header is honoured when present (412 on a stale version) and optional otherwise: the
 * actions change one member whose new value does not depend on the client's copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-assets"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "td-api-assets-private.h"
#include "td-json.h"
#include "td-notify.h"
#include "td-password.h"
#include "td-random.h"
#include "td-time.h"

#define SHARE_LINK_SHORT_USEC ((gint64) 30 * 60 * G_USEC_PER_SEC)
#define PIN_MIN_DIGITS        4
#define PIN_MAX_DIGITS        8

/* The version an If-Match header asks for: 0 without one, -1 when it is malformed. */
static gint64
if_match_version (TdApiCall *call)
{
  const char *header = call->request->if_match;
  g_autofree char *text = NULL;
  char *end = NULL;
  gint64 version;

  if (header == NULL)
    return 0;

  text = g_strstrip (g_strdup (header));
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
  if (!g_ascii_isdigit (text[0]))
    return -1;
  version = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || version <= 0)
    return -1;
  return version;
}

static TdApiResponse *
invalid_if_match (void)
{
  return td_api_response_new_error (400, "invalid_header", "If-Match must be a version like \"3\"",
                                    "If-Match");
}

static const char *
code_id (TdApiCall *call)
{
  return g_hash_table_lookup (call->params, "id");
}

/* Loads the code of the route for an action that needs @permission. */
static JsonObject *
load_code (TdApiCall      *call,
           TdPermission    permission,
           TdApiResponse **out_error)
{
  JsonObject *code = td_resource_load (call, &td_resource_codes, code_id (call), out_error);

  if (code == NULL)
    return NULL;
  if (!td_resource_allows (call, &td_resource_codes, permission, code))
    {
      json_object_unref (code);
      *out_error = td_resource_forbidden ();
      return NULL;
    }
  return code;
}

/* Issue 4 (notifications): a PIN change is a code event for the code's managers and the
 * company of its device (never the PIN itself). */
static gboolean
notify_pin_changed (TdApiCall   *call,
                    JsonObject  *code,
                    GError     **error)
{
  const char *org_id = call->identity->user->org_id;
  g_autoptr(JsonNode) departments = json_node_copy (json_object_get_member (code, "departments"));
  g_autofree char *departments_text = departments != NULL ? json_to_string (departments, FALSE) : NULL;
  g_auto(GStrv) managers = NULL;
  g_autofree char *customer_id = NULL;
  g_autofree char *template_id = NULL;
  TdNotifyEvent event = { 0 };

  managers = td_notify_code_managers (call->db, org_id, departments_text, error);
  if (managers == NULL)
    return FALSE;
  if (td_json_get_string (code, "device_id") != NULL)
    {
      g_autoptr(TdDbStmt) stmt = td_db_prepare (call->db, "SELECT customer_id FROM devices"
                                                          " WHERE id = ? AND org_id = ?", error);

      if (stmt == NULL)
        return FALSE;
      td_db_stmt_bind_text (stmt, 1, td_json_get_string (code, "device_id"));
      td_db_stmt_bind_text (stmt, 2, org_id);
      if (td_db_stmt_step (stmt, error) == TD_DB_STEP_ROW)
        customer_id = td_db_stmt_dup_text (stmt, 0);
      else if (error != NULL && *error != NULL)
        return FALSE;
    }

  event.event_type = "code_event";
  event.subject_type = "code";
  event.subject_id = td_json_get_string (code, "id");
  event.title = td_json_get_bool (code, "has_pin", FALSE) ? "PIN of a code changed"
                                                          : "PIN of a code removed";
  event.body = td_json_get_string (code, "token");
  event.actor_id = call->identity->user->id;
  event.customer_id = customer_id;
  return td_notify (call->db, org_id, &event, (const char * const *) managers, NULL, error);
}

/* Writes @changes to the route's code in a transaction of its own, re-checking scope and
 * permission inside it, and answers 200 with the code. */
static TdApiResponse *
write_code (TdApiCall    *call,
            TdPermission  permission,
            JsonObject   *changes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(JsonNode) presented = NULL;
  TdApiResponse *response = NULL;
  gint64 expected;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Starting a transaction failed", error);

  /* Scope (404) and permission (403) come before anything about the request itself. */
  code = load_code (call, permission, &response);
  if (code == NULL)
    return response;

  expected = if_match_version (call);
  if (expected < 0)
    return invalid_if_match ();

  written = td_resource_write (call, &td_resource_codes, code_id (call), changes, expected, &response);
  if (written == NULL)
    return response;
  if (json_object_has_member (changes, "has_pin") && !notify_pin_changed (call, written, &error))
    return td_api_internal_error ("Notifying a PIN change failed", error);

  if (!td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Committing failed", error);

  presented = td_resource_present (call, &td_resource_codes, written);
  return td_api_response_new_json (200, presented);
}

/* POST /codes/{id}/pair {"device_id"}: the device must be one the caller can see. */
TdApiResponse *
td_api_codes_pair (TdApiCall *call)
{
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  TdApiResponse *response = NULL;
  const char *device_id;

  code = load_code (call, TD_PERM_CODES_MANAGE, &response);
  if (code == NULL)
    return response;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_api_get_string_field (body, "device_id", TRUE, 64, &device_id, &response))
    return response;
  if (!td_uuid_is_valid (device_id))
    return td_resource_invalid ("device_id", "device_id must be a UUID");

  device = td_resource_load (call, &td_resource_devices, device_id, &response);
  if (device == NULL)
    {
      if (response != NULL && response->status != 404)
        return response;
      g_clear_pointer (&response, td_api_response_free);
      return td_api_response_new_error (422, "invalid_reference", "No such device", "device_id");
    }

  json_object_set_string_member (changes, "device_id", device_id);
  return write_code (call, TD_PERM_CODES_MANAGE, changes);
}

/* POST /codes/{id}/unpair: idempotent; an unpaired code stays as it is (200). */
TdApiResponse *
td_api_codes_unpair (TdApiCall *call)
{
  g_autoptr(JsonObject) changes = json_object_new ();

  json_object_set_null_member (changes, "device_id");
  return write_code (call, TD_PERM_CODES_MANAGE, changes);
}

/* POST /codes/{id}/share-links {"duration":"30m"|"permanent"} → 201 {"token","url",
 * "expires_at"}. The token (256 bits) exists only in this response; the table keeps its
 * SHA-256. The url is path-absolute: the API has no notion of its public address, and the
 * client prefixes the server URL it talks to. */
TdApiResponse *
td_api_codes_share_link (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *link_id = NULL;
  g_autofree char *now = NULL;
  g_autofree char *expires_at = NULL;
  g_autofree char *url = NULL;
  g_autofree char *escaped = NULL;
  TdApiResponse *response = NULL;
  const char *duration;
  gint64 now_usec;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Starting a transaction failed", error);

  code = load_code (call, TD_PERM_CODES_MANAGE, &response);
  if (code == NULL)
    return response;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_api_get_string_field (body, "duration", TRUE, 16, &duration, &response))
    return response;
  if (!g_str_equal (duration, "30m") && !g_str_equal (duration, "permanent"))
    return td_resource_invalid ("duration", "duration must be \"30m\" or \"permanent\"");

  now_usec = td_time_now_usec ();
  now = td_time_format (now_usec);
  if (g_str_equal (duration, "30m"))
    expires_at = td_time_format (now_usec + SHARE_LINK_SHORT_USEC);

  token = td_token_new ();
  token_hash = td_token_hash (token);
  link_id = td_uuid_new ();

  stmt = td_db_prepare (call->db,
                        "INSERT INTO code_share_links (id, org_id, code_id, token_hash, expires_at, "
                        "created_by, version, created_at, updated_at, deleted) "
                        "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, 0)", &error);
  if (stmt == NULL)
    return td_api_internal_error ("Creating a share link failed", error);
  td_db_stmt_bind_text (stmt, 1, link_id);
  td_db_stmt_bind_text (stmt, 2, call->identity->user->org_id);
  td_db_stmt_bind_text (stmt, 3, code_id (call));
  td_db_stmt_bind_text (stmt, 4, token_hash);
  if (expires_at != NULL)
    td_db_stmt_bind_text (stmt, 5, expires_at);
  else
    td_db_stmt_bind_null (stmt, 5);
  td_db_stmt_bind_text (stmt, 6, call->identity->user->id);
  td_db_stmt_bind_text (stmt, 7, now);
  td_db_stmt_bind_text (stmt, 8, now);
  if (!td_db_stmt_run (stmt, &error) || !td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Creating a share link failed", error);

  escaped = g_uri_escape_string (json_object_get_string_member_with_default (code, "token", ""),
                                 NULL, FALSE);
  url = g_strdup_printf ("/c/%s?share=%s", escaped, token);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "expires_at");
  if (expires_at != NULL)
    json_builder_add_string_value (builder, expires_at);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  result = json_builder_get_root (builder);

  g_message ("Share link %s created for code %s by user %s", link_id, code_id (call),
             call->identity->user->id);
  return td_api_response_new_json (201, result);
}

static gboolean
pin_is_valid (const char *pin)
{
  gsize length = strlen (pin);

  if (length < PIN_MIN_DIGITS || length > PIN_MAX_DIGITS)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

/* PUT /codes/{id}/pin {"pin": "1234" | null}. argon2id runs (on the slow pool) after the
 * scope and permission checks and outside the write transaction, which then re-checks
 * both. */
TdApiResponse *
td_api_codes_set_pin (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autofree char *pin_hash = NULL;
  TdApiResponse *response = NULL;
  JsonNode *node;

  code = load_code (call, TD_PERM_CODES_CHANGE_PIN, &response);
  if (code == NULL)
    return response;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;

  node = json_object_get_member (body, "pin");
  if (node == NULL)
    return td_api_response_new_error (400, "invalid_field", "“pin” is required", "pin");

  if (!JSON_NODE_HOLDS_NULL (node))
    {
      const char *pin;

      if (!td_api_get_string_field (body, "pin", TRUE, 64, &pin, &response))
        return response;
      if (!pin_is_valid (pin))
        return td_resource_invalid ("pin", "The PIN must be 4 to 8 digits");

      pin_hash = td_password_hash (pin, &error);
      if (pin_hash == NULL)
        return td_api_internal_error ("Hashing the PIN failed", error);
      json_object_set_string_member (changes, "pin_hash", pin_hash);
      json_object_set_boolean_member (changes, "has_pin", TRUE);
    }
  else
    {
      json_object_set_null_member (changes, "pin_hash");
      json_object_set_boolean_member (changes, "has_pin", FALSE);
    }

  return write_code (call, TD_PERM_CODES_CHANGE_PIN, changes);
}

/* POST /codes/{id}/logout-code-users: bumps code_user_epoch; code-user sessions started
 * under an older epoch are no longer accepted (the public code page checks it). The bump
 * reads the epoch inside the write transaction, so concurrent calls each count. */
TdApiResponse *
td_api_codes_logout_users (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) written = NULL;
  g_autoptr(JsonNode) presented = NULL;
  TdApiResponse *response = NULL;
  gint64 expected;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Starting a transaction failed", error);

  code = load_code (call, TD_PERM_CODES_MANAGE, &response);
  if (code == NULL)
    return response;

  expected = if_match_version (call);
  if (expected < 0)
    return invalid_if_match ();

  json_object_set_int_member (changes, "code_user_epoch",
                              json_object_get_int_member_with_default (code, "code_user_epoch", 0) + 1);
  written = td_resource_write (call, &td_resource_codes, code_id (call), changes, expected, &response);
  if (written == NULL)
    return response;
  if (!td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Committing failed", error);

  presented = td_resource_present (call, &td_resource_codes, written);
  return td_api_response_new_json (200, presented);
}

/* Whether the notifications table exists yet (it belongs to a later migration). */
static gboolean
have_notifications (TdDb     *db,
                    gboolean *out_exists,
                    GError  **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT 1 FROM sqlite_master "
                                                "WHERE type = 'table' AND name = 'notifications'",
                                            error);
  TdDbStep step;

  if (stmt == NULL)
    return FALSE;
  step = td_db_stmt_step (stmt, error);
  *out_exists = step == TD_DB_STEP_ROW;
  return step != TD_DB_STEP_ERROR;
}

/* DELETE /codes/{id}/notifications: tombstones the code's notifications (204). Without a
 * notifications table there is nothing to delete, which is also a 204. */
TdApiResponse *
td_api_codes_clear_notifications (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();
  TdApiResponse *response = NULL;
  gboolean exists = FALSE;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Starting a transaction failed", error);

  code = load_code (call, TD_PERM_CODES_MANAGE, &response);
  if (code == NULL)
    return response;

  if (!have_notifications (call->db, &exists, &error))
    return td_api_internal_error ("Looking for notifications failed", error);

  if (exists)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      TdDbStep step;

      /* Tombstones, each with its change, so that the drawers of their recipients drop
       * them (td-notify.h). */
      stmt = td_db_prepare (call->db,
                            "SELECT id FROM notifications WHERE org_id = ? AND subject_type = 'code'"
                            " AND subject_id = ? AND deleted = 0", &error);
      if (stmt == NULL)
        return td_api_internal_error ("Deleting notifications failed", error);
      td_db_stmt_bind_text (stmt, 1, call->identity->user->org_id);
      td_db_stmt_bind_text (stmt, 2, code_id (call));
      while ((step = td_db_stmt_step (stmt, &error)) == TD_DB_STEP_ROW)
        g_ptr_array_add (ids, td_db_stmt_dup_text (stmt, 0));
      if (step == TD_DB_STEP_ERROR)
        return td_api_internal_error ("Deleting notifications failed", error);

      for (guint i = 0; i < ids->len; i++)
        {
          g_autoptr(TdDbStmt) tombstone = NULL;

          tombstone = td_db_prepare (call->db, "UPDATE notifications SET deleted = 1,"
                                               " version = version + 1, updated_at = ?"
                                               " WHERE id = ? AND org_id = ?", &error);
          if (tombstone == NULL)
            return td_api_internal_error ("Deleting notifications failed", error);
          td_db_stmt_bind_text (tombstone, 1, now);
          td_db_stmt_bind_text (tombstone, 2, g_ptr_array_index (ids, i));
          td_db_stmt_bind_text (tombstone, 3, call->identity->user->org_id);
          if (!td_db_stmt_run (tombstone, &error) ||
              td_changes_record (call->db, call->identity->user->org_id, "notification",
                                 g_ptr_array_index (ids, i), "delete", &error) == 0)
            return td_api_internal_error ("Deleting notifications failed", error);
        }
    }

  if (!td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Committing failed", error);
  return td_api_response_new (204);
}
