/* td-api-accounts.c: share login, sessions, login throttling, password change and personal
 * settings (issue 4, "Accounts")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api"

#include "config.h"

#include "td-api-accounts.h"

#include <string.h>

#include "td-notify.h"
#include "td-password.h"
#include "td-random.h"
#include "td-resource.h"
#include "td-server-error.h"
#include "td-store-accounts.h"
#include "td-store-error.h"
#include "td-store-sessions.h"
#include "td-store-users.h"
#include "td-time.h"
#include "td-user.h"
#include "td-validate.h"

#define TRANSFER_PAGE_PATH "/login/transfer"
#define TOKEN_MAX_LENGTH   512
/* A data: URL of TD_AVATAR_MAX_BYTES in base64 and its prefix. */
#define AVATAR_MAX_LENGTH  (TD_AVATAR_MAX_BYTES / 3 * 4 + 64)

JsonNode *
td_api_login_to_json (const TdAuthLogin *login)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *expires_at = td_time_format (login->expires_usec);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, login->token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires_at);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, td_user_to_json (login->user));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static TdApiResponse *
too_many_requests (gint64 retry_usec)
{
  TdApiResponse *response = td_api_response_new_error (429, "too_many_requests",
                                                       "Too many failed logins; try again later",
                                                       NULL);
  g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              MAX ((retry_usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1));

  td_api_response_set_header (response, "Retry-After", seconds);
  return response;
}

/* Login throttling (ARCHITECTURE.md §4): refused while the account (@email, known or not)
 * is backing off or the client's address has used up its failures. Checked before any
 * password is verified, so the answer is the same for unknown and known accounts. */
TdApiResponse *
td_api_login_throttled (TdApiCall  *call,
                        const char *email)
{
  g_autoptr(GError) error = NULL;
  gint64 now = td_time_now_usec ();
  gint64 retry_email = 0, retry_address = 0;

  if (!td_store_throttle_check (call->db, TD_THROTTLE_EMAIL, email, now, &retry_email, &error) ||
      (call->request->peer != NULL &&
       !td_store_throttle_check (call->db, TD_THROTTLE_ADDRESS, call->request->peer, now,
                                 &retry_address, &error)))
    return td_api_internal_error ("Reading the login throttle failed", error);

  if (retry_email > 0 || retry_address > 0)
    return too_many_requests (MAX (retry_email, retry_address));
  return NULL;
}

/* Counts a failed login for @email and the client's address, or forgets the account's
 * failures after a successful one. Losing this bookkeeping is logged, not fatal. */
void
td_api_login_record (TdApiCall  *call,
                     const char *email,
                     gboolean    success)
{
  g_autoptr(GError) error = NULL;
  gint64 now = td_time_now_usec ();

  if (success)
    {
      if (!td_store_throttle_reset (call->db, TD_THROTTLE_EMAIL, email, &error))
        g_warning ("Resetting the login throttle failed: %s", error->message);
      return;
    }

  if (!td_store_throttle_failure (call->db, TD_THROTTLE_EMAIL, email, now, &error) ||
      (call->request->peer != NULL &&
       !td_store_throttle_failure (call->db, TD_THROTTLE_ADDRESS, call->request->peer, now, &error)))
    g_warning ("Counting a failed login failed: %s", error->message);
}

/* Share login ------------------------------------------------------------------------- */

/* The URL the desktop shows as a QR code: under --public-url (by default the address the
 * server listens on), else the Host header the desktop used to reach it. The token goes in
 * the fragment, which browsers never send. */
static char *
transfer_url (TdApiCall  *call,
              const char *token)
{
  g_autofree char *path = g_strconcat (TRANSFER_PAGE_PATH "#", token, NULL);
  char *url = td_api_call_url (call, path);

  memset (path, 0, strlen (path));
  return url;
}

/* POST /api/v1/auth/transfer-tokens → 201 {"token","url","expires_at"}. No body. */
TdApiResponse *
td_api_transfer_create (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdAuthTransfer) transfer = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expires_at = NULL;
  TdApiResponse *response;

  transfer = td_auth_transfer_create (call->db, call->identity, &error);
  if (transfer == NULL)
    return td_api_internal_error ("Creating a share-login token failed", error);

  url = transfer_url (call, transfer->token);
  expires_at = td_time_format (transfer->expires_usec);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, transfer->token);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires_at);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  /* The URL holds the token too: wipe it with the response's copy made. */
  response = td_api_response_new_json (201, root);
  memset (url, 0, strlen (url));
  g_message ("Share login: user %s, session %s issued a token", call->identity->user->id,
             call->identity->session_id);
  return response;
}

/* Where the issuing user learns that another device signed in with their share-login
 * token ("Signed in on …", DOMAIN.md §7): a system_alert notification, which the event
 * stream pushes to the desktop. The redeem has committed already (td-auth), so this is a
 * transaction of its own; failing it does not fail the sign-in. No actor: the user
 * themselves did sign in, and should hear of it. */
static void
notify_signed_in_on_another_device (TdApiCall         *call,
                                    const TdAuthLogin *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autofree char *body = NULL;
  const char *recipients[] = { login->user->id, NULL };
  TdNotifyEvent event = { 0 };

  g_message ("Share login: user %s signed in on another device (session %s)",
             login->user->id, login->session_id);

  body = g_strdup_printf ("A new session started from %s. Revoke it in your account settings"
                          " if this was not you.",
                          call->request->user_agent != NULL && *call->request->user_agent != '\0'
                          ? call->request->user_agent : "an unknown device");
  event.event_type = "system_alert";
  event.subject_type = "session";
  event.subject_id = login->session_id;
  event.title = "Signed in on another device";
  event.body = body;

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL ||
      !td_notify (call->db, login->user->org_id, &event, recipients, NULL, &error) ||
      !td_db_transaction_commit (transaction, &error))
    g_warning ("Notifying a share login failed: %s", error->message);
}

/* POST /api/v1/auth/transfer-tokens/redeem {"token"} (public) → 200 as login. */
TdApiResponse *
td_api_transfer_redeem (TdApiCall *call)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdAuthLogin) login = NULL;
  g_autoptr(JsonNode) result = NULL;
  TdApiResponse *response = NULL;
  const char *token;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_api_get_string_field (body, "token", TRUE, TOKEN_MAX_LENGTH, &token, &response))
    return response;
  if (*token == '\0')
    return td_api_response_new_error (400, "invalid_field", "The token is empty", "token");

  login = td_auth_transfer_redeem (call->db, token, call->request->user_agent, &error);
  if (login == NULL)
    {
      if (g_error_matches (error, TD_SERVER_ERROR, TD_SERVER_ERROR_UNAUTHORIZED))
        return td_api_response_new_error (401, "invalid_token",
                                          "The share-login link is invalid, expired or used",
                                          NULL);
      return td_api_internal_error ("Redeeming a share-login token failed", error);
    }

  notify_signed_in_on_another_device (call, login);
  result = td_api_login_to_json (login);
  return td_api_response_new_json (200, result);
}

/* Sessions ------------------------------------------------------------------------------ */

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value ? value : "");
}

/* GET /api/v1/me/sessions → {"items":[…]}: the caller's live sessions, never token hashes. */
TdApiResponse *
td_api_sessions_list (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  items = td_store_sessions_list (call->db, call->identity->user->id, td_time_now_usec (), &error);
  if (items == NULL)
    return td_api_internal_error ("Listing the sessions failed", error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      TdSessionInfo *info = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", info->id);
      add_string (builder, "device_label", info->device_label);
      add_string (builder, "user_agent", info->user_agent);
      add_string (builder, "created_at", info->created_at);
      add_string (builder, "last_seen_at", info->last_seen_at);
      add_string (builder, "issued_by", info->issued_by);
      json_builder_set_member_name (builder, "current");
      json_builder_add_boolean_value (builder, g_strcmp0 (info->id, call->identity->session_id) == 0);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return td_api_response_new_json (200, root);
}

/* DELETE /api/v1/me/sessions/{id}: one of the caller's own sessions, else 404. */
TdApiResponse *
td_api_sessions_revoke (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  const char *id = g_hash_table_lookup (call->params, "id");
  gboolean found = FALSE;

  if (id == NULL || !td_uuid_is_valid (id))
    return td_api_response_new_error (404, "not_found", "No such session", NULL);

  if (!td_store_sessions_revoke_own (call->db, call->identity->user->id, id, td_time_now_usec (),
                                     &found, &error))
    return td_api_internal_error ("Revoking a session failed", error);
  if (!found)
    return td_api_response_new_error (404, "not_found", "No such session", NULL);

  g_message ("Session revoked: user %s, session %s", call->identity->user->id, id);
  return td_api_response_new (204);
}

/* POST /api/v1/me/sessions/revoke-others → 204. */
TdApiResponse *
td_api_sessions_revoke_others (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;

  if (!td_store_sessions_revoke_others (call->db, call->identity->user->id,
                                        call->identity->session_id, td_time_now_usec (), &error))
    return td_api_internal_error ("Revoking the other sessions failed", error);

  g_message ("Other sessions revoked: user %s", call->identity->user->id);
  return td_api_response_new (204);
}

/* Password change ---------------------------------------------------------------------- */

/* The policy of ARCHITECTURE.md §4, or NULL when @password meets it. */
TdApiResponse *
td_api_check_password_policy (const char *password,
                              const char *field)
{
  if (!td_validate_password_length (password))
    return td_api_response_new_error (400, "weak_password",
                                      "The password must have 8 to 128 characters", field);
  if (td_password_is_common (password))
    return td_api_response_new_error (400, "weak_password",
                                      "This password is too common; choose another one", field);
  return NULL;
}

/* POST /api/v1/me/password {"current_password","new_password"} → 204; every other session
 * of the user and their share-login tokens end. */
TdApiResponse *
td_api_password_change (TdApiCall *call)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdUserRecord) record = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *now = NULL;
  TdApiResponse *response = NULL;
  const char *current;
  const char *new_password;
  TdUser *user = call->identity->user;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_api_get_string_field (body, "current_password", TRUE, TD_PASSWORD_MAX_LENGTH, &current,
                                &response) ||
      !td_api_get_string_field (body, "new_password", TRUE, 4096, &new_password, &response))
    return response;

  /* Guessing the current password through a stolen session is throttled like logins. */
  response = td_api_login_throttled (call, user->email);
  if (response != NULL)
    return response;

  record = td_store_users_get (call->db, user->id, &error);
  if (record == NULL)
    return td_api_internal_error ("Reading the user failed", error);
  if (record->password_hash == NULL || !td_password_verify (record->password_hash, current))
    {
      td_api_login_record (call, user->email, FALSE);
      return td_api_response_new_error (400, "wrong_password", "The current password is wrong",
                                        "current_password");
    }

  response = td_api_check_password_policy (new_password, "new_password");
  if (response != NULL)
    return response;

  hash = td_password_hash (new_password, &error);
  if (hash == NULL)
    return td_api_internal_error ("Hashing the password failed", error);

  now = td_time_now ();
  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Changing the password failed", error);
  stmt = td_db_prepare (call->db, "UPDATE employees SET password_hash = ?, updated_at = ? "
                                  "WHERE id = ? AND deleted = 0", &error);
  if (stmt == NULL)
    return td_api_internal_error ("Changing the password failed", error);
  td_db_stmt_bind_text (stmt, 1, hash);
  td_db_stmt_bind_text (stmt, 2, now);
  td_db_stmt_bind_text (stmt, 3, user->id);
  if (!td_db_stmt_run (stmt, &error) ||
      !td_store_sessions_revoke_others_in_transaction (call->db, user->id,
                                                       call->identity->session_id,
                                                       td_time_now_usec (), &error) ||
      !td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Changing the password failed", error);

  td_api_login_record (call, user->email, TRUE);
  g_message ("Password changed: user %s; other sessions ended", user->id);
  return td_api_response_new (204);
}

/* Personal settings -------------------------------------------------------------------- */

static TdApiResponse *
invalid (const char *field,
         const char *message)
{
  return td_api_response_new_error (400, "invalid_field", message, field);
}

/* A data: URL of a PNG or JPEG of at most TD_AVATAR_MAX_BYTES, checked by its bytes. */
static gboolean
validate_avatar (const char *url)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };
  g_autofree guchar *data = NULL;
  const char *payload;
  gboolean is_png;
  gsize length, size;

  if (g_str_has_prefix (url, "data:image/png;base64,"))
    is_png = TRUE;
  else if (g_str_has_prefix (url, "data:image/jpeg;base64,"))
    is_png = FALSE;
  else
    return FALSE;

  payload = strchr (url, ',') + 1;
  length = strlen (payload);
  if (length == 0 || length % 4 != 0 || length > AVATAR_MAX_LENGTH)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (payload[i]) && payload[i] != '+' && payload[i] != '/' &&
        !(payload[i] == '=' && i + 2 >= length))
      return FALSE;

  data = g_base64_decode (payload, &size);
  if (size == 0 || size > TD_AVATAR_MAX_BYTES)
    return FALSE;
  if (is_png)
    return size >= sizeof png && memcmp (data, png, sizeof png) == 0;
  return size >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0;
}

/* Merges the notification matrix of @value (event type → {"in_app":true,"desktop","email"})
 * into @stored (JSON text); the result, or NULL with *@out_error. */
static char *
merge_preferences (const char     *stored,
                   JsonNode       *value,
                   TdApiResponse **out_error)
{
  g_autoptr(JsonNode) merged = NULL;
  JsonObject *target;
  JsonObject *source;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    {
      *out_error = invalid ("notification_preferences", "Must be an object");
      return NULL;
    }

  if (stored != NULL)
    merged = json_from_string (stored, NULL);
  if (merged == NULL || !JSON_NODE_HOLDS_OBJECT (merged))
    {
      g_clear_pointer (&merged, json_node_unref);
      merged = json_node_init_object (json_node_alloc (), json_object_new ());
    }
  target = json_node_get_object (merged);
  source = json_node_get_object (value);

  members = json_object_get_members (source);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *type = l->data;
      JsonNode *entry = json_object_get_member (source, type);
      JsonObject *channels;
      JsonObject *normalized;
      g_autoptr(GList) names = NULL;
      gboolean in_app = TRUE, desktop = TRUE, email = FALSE;

      if (!td_notification_event_type_is_valid (type))
        {
          *out_error = invalid ("notification_preferences", "Unknown notification event type");
          return NULL;
        }
      if (!JSON_NODE_HOLDS_OBJECT (entry))
        {
          *out_error = invalid ("notification_preferences", "Each event type takes an object");
          return NULL;
        }

      channels = json_node_get_object (entry);
      names = json_object_get_members (channels);
      for (GList *n = names; n != NULL; n = n->next)
        {
          const char *channel = n->data;
          JsonNode *flag = json_object_get_member (channels, channel);

          if (!JSON_NODE_HOLDS_VALUE (flag) || json_node_get_value_type (flag) != G_TYPE_BOOLEAN)
            {
              *out_error = invalid ("notification_preferences", "Channels take true or false");
              return NULL;
            }
          if (g_str_equal (channel, "in_app"))
            {
              /* company_activity is the customer-login subscription to everything about
               * the own company (DOMAIN.md §6): its in_app switch turns it off. */
              in_app = json_node_get_boolean (flag) || !g_str_equal (type, "company_activity");
              if (!json_node_get_boolean (flag) && !g_str_equal (type, "company_activity"))
                {
                  *out_error = invalid ("notification_preferences",
                                        "In-app notifications cannot be turned off");
                  return NULL;
                }
            }
          else if (g_str_equal (channel, "desktop"))
            desktop = json_node_get_boolean (flag);
          else if (g_str_equal (channel, "email"))
            email = json_node_get_boolean (flag);
          else
            {
              *out_error = invalid ("notification_preferences",
                                    "Channels are in_app, desktop and email");
              return NULL;
            }
        }

      normalized = json_object_new ();
      json_object_set_boolean_member (normalized, "in_app", in_app);
      json_object_set_boolean_member (normalized, "desktop", desktop);
      json_object_set_boolean_member (normalized, "email", email);
      json_object_set_object_member (target, type, normalized);
    }

  return json_to_string (merged, FALSE);
}

typedef struct
{
  GString   *sql;
  GPtrArray *params;  /* char *, NULL for SQL NULL */
} Update;

static void
update_set (Update     *update,
            const char *column,
            char       *value)
{
  g_string_append_printf (update->sql, "%s = ?, ", column);
  g_ptr_array_add (update->params, value);
}

static gboolean
read_text (JsonObject     *body,
           const char     *member,
           gsize           max_length,
           Update         *update,
           TdApiResponse **out_error)
{
  const char *value = NULL;

  if (!json_object_has_member (body, member))
    return TRUE;
  if (!td_api_get_string_field (body, member, TRUE, max_length, &value, out_error))
    return FALSE;
  update_set (update, member, g_strstrip (g_strdup (value)));
  return TRUE;
}

/* PATCH /api/v1/me: the caller's own name, language, avatar, push toggle and notification
 * matrix (members absent from the body stay as they are) → 200 with the user object. */
TdApiResponse *
td_api_me_update (TdApiCall *call)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdUserRecord) record = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(GString) sql = g_string_new ("UPDATE employees SET ");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *now = NULL;
  TdApiResponse *response = NULL;
  TdUser *user = call->identity->user;
  Update update = { sql, params };
  gboolean changed = FALSE;
  guint index = 1;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;

  if (!read_text (body, "first_name", TD_NAME_MAX_LENGTH, &update, &response) ||
      !read_text (body, "last_name", TD_NAME_MAX_LENGTH, &update, &response))
    return response;

  if (json_object_has_member (body, "language"))
    {
      const char *language = NULL;

      if (!td_api_get_string_field (body, "language", TRUE, 8, &language, &response))
        return response;
      if (!td_validate_language (language))
        return invalid ("language", "Not a supported language");
      update_set (&update, "language", g_strdup (language));
    }

  if (json_object_has_member (body, "avatar"))
    {
      JsonNode *node = json_object_get_member (body, "avatar");

      if (JSON_NODE_HOLDS_NULL (node))
        update_set (&update, "avatar", NULL);
      else if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
               !validate_avatar (json_node_get_string (node)))
        return invalid ("avatar", "Must be null or a data: URL of a PNG or JPEG of at most 256 KiB");
      else
        update_set (&update, "avatar", g_strdup (json_node_get_string (node)));
    }

  if (json_object_has_member (body, "push_enabled"))
    {
      JsonNode *node = json_object_get_member (body, "push_enabled");

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return invalid ("push_enabled", "Must be true or false");
      /* Our own constant, not request text: no parameter needed. */
      g_string_append (sql, json_node_get_boolean (node) ? "push_enabled = 1, " : "push_enabled = 0, ");
      changed = TRUE;
    }

  if (json_object_has_member (body, "notification_preferences"))
    {
      char *merged = merge_preferences (user->notification_preferences,
                                        json_object_get_member (body, "notification_preferences"),
                                        &response);

      if (merged == NULL)
        return response;
      update_set (&update, "notification_preferences", merged);
    }

  if (params->len > 0 || changed)
    {
      now = td_time_now ();
      g_string_append (sql, "version = version + 1, updated_at = ? WHERE id = ? AND deleted = 0");

      transaction = td_db_transaction_begin (call->db, &error);
      if (transaction == NULL)
        return td_api_internal_error ("Saving the settings failed", error);
      stmt = td_db_prepare (call->db, sql->str, &error);
      if (stmt == NULL)
        return td_api_internal_error ("Saving the settings failed", error);
      for (guint i = 0; i < params->len; i++, index++)
        {
          const char *value = g_ptr_array_index (params, i);

          if (value == NULL)
            td_db_stmt_bind_null (stmt, index);
          else
            td_db_stmt_bind_text (stmt, index, value);
        }
      td_db_stmt_bind_text (stmt, index++, now);
      td_db_stmt_bind_text (stmt, index++, user->id);

      if (!td_db_stmt_run (stmt, &error) ||
          td_changes_record (call->db, user->org_id, "employee", user->id, "upsert", &error) == 0 ||
          !td_db_transaction_commit (transaction, &error))
        return td_api_internal_error ("Saving the settings failed", error);
    }

  record = td_store_users_get (call->db, user->id, &error);
  if (record == NULL)
    return td_api_internal_error ("Reading the user failed", error);

  result = td_user_to_json (record->user);
  return td_api_response_new_json (200, result);
}
