/* td-api-invitations.c: the invitation email, resending it and accepting an invitation
 *
 * The routes are the mail route table (td-api-routes.h); GET /invite, the page the link
 * opens, is in public/td-public-invite.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api"

#include "config.h"

#include "td-api-invitations.h"

#include <string.h>

#include "td-api-accounts.h"
#include "td-api-org-private.h"
#include "td-api-routes.h"
#include "td-mail.h"
#include "td-password.h"
#include "td-public-invite.h"
#include "td-random.h"
#include "td-json.h"
#include "td-store-sessions.h"
#include "td-store-users.h"
#include "td-time.h"
#include "td-validate.h"

#define INVITE_PAGE_PATH  "/invite"
#define TOKEN_MAX_LENGTH  512
/* Longer than the policy allows, so that too long a password is a policy answer (400
 * weak_password) rather than a shape error. */
#define PASSWORD_MAX_BYTES 4096

static void
wipe (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
}

static char *
invitation_body (TdApiCall  *call,
                 const char *first_name,
                 const char *link,
                 gint64      expires_usec)
{
  TdUser *inviter = call->identity->user;
  g_autofree char *inviter_name = td_user_dup_display_name (inviter);
  g_autoptr(GDateTime) expires = g_date_time_new_from_unix_utc (expires_usec / G_USEC_PER_SEC);
  g_autofree char *expiry = g_date_time_format (expires, "%Y-%m-%d %H:%M UTC");
  const char *org_name = inviter->org_name != NULL ? inviter->org_name : "";

  return g_strdup_printf ("Hello%s%s,\n"
                          "\n"
                          "%s has invited you to %s%s%s on Twindesk.\n"
                          "\n"
                          "To accept, open this link and choose your password:\n"
                          "\n"
                          "%s\n"
                          "\n"
                          "The link works once and until %s. If you did not expect this "
                          "invitation, you can ignore this email.\n",
                          first_name != NULL && *first_name != '\0' ? " " : "",
                          first_name != NULL ? first_name : "",
                          inviter_name,
                          inviter->customer_name != NULL ? inviter->customer_name : org_name,
                          inviter->customer_name != NULL ? " at " : "",
                          inviter->customer_name != NULL ? org_name : "",
                          link, expiry);
}

gboolean
td_invitation_issue (TdApiCall   *call,
                     const char  *org_id,
                     const char  *email,
                     const char  *first_name,
                     char       **out_token_hash,
                     char       **out_expires_at,
                     GError     **error)
{
  g_autofree char *token = td_token_new ();
  g_autofree char *path = g_strconcat (INVITE_PAGE_PATH "#", token, NULL);
  g_autofree char *link = td_api_call_url (call, path);
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  gint64 expires_usec = td_time_now_usec () + TD_INVITATION_LIFETIME_USEC;
  TdUser *inviter = call->identity->user;
  gboolean ok;

  subject = g_strdup_printf ("Invitation to %s on Twindesk",
                             inviter->org_name != NULL ? inviter->org_name : "your team");
  body = invitation_body (call, first_name, link, expires_usec);
  ok = td_mail_queue_sensitive (call->db, org_id, email, subject, body, error);

  if (ok)
    {
      *out_token_hash = td_token_hash (token);
      *out_expires_at = td_time_format (expires_usec);
    }
  wipe (token);
  wipe (path);
  wipe (link);
  wipe (body);
  return ok;
}

/* POST /api/v1/invitations/{id}/resend: a new token and email; the old link stops working. */
TdApiResponse *
td_api_invitations_resend (TdApiCall *call)
{
  const TdResourceDef *def = &td_resource_invitations;
  const char *id = g_hash_table_lookup (call->params, "id");
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonNode) presented = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *expires_at = NULL;
  g_autofree char *now = td_time_now ();
  const char *org_id = call->identity->user->org_id;
  TdApiResponse *response = NULL;

  row = td_resource_load (call, def, id, &response);
  if (row == NULL)
    return response;
  if (!td_resource_allows (call, def, def->perm_edit, row))
    return td_api_response_new_error (403, "forbidden", "You may not manage invitations", NULL);
  response = td_org_invitation_check_reach (call, row);
  if (response != NULL)
    return response;
  if (g_strcmp0 (td_json_get_string (row, "status"), "pending") != 0)
    return td_resource_conflict ("Only pending invitations can be sent again");

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Sending the invitation again failed", error);

  if (!td_invitation_issue (call, org_id, td_json_get_string (row, "email"),
                            td_json_get_string (row, "first_name"), &token_hash, &expires_at,
                            &error))
    return td_api_internal_error ("Sending the invitation again failed", error);

  stmt = td_db_prepare (call->db, "UPDATE invitations SET token_hash = ?, expires_at = ?,"
                                  " version = version + 1, updated_at = ?"
                                  " WHERE id = ? AND org_id = ? AND status = 'pending'"
                                  " AND deleted = 0", &error);
  if (stmt == NULL)
    return td_api_internal_error ("Sending the invitation again failed", error);
  td_db_stmt_bind_text (stmt, 1, token_hash);
  td_db_stmt_bind_text (stmt, 2, expires_at);
  td_db_stmt_bind_text (stmt, 3, now);
  td_db_stmt_bind_text (stmt, 4, id);
  td_db_stmt_bind_text (stmt, 5, org_id);
  if (!td_db_stmt_run (stmt, &error))
    return td_api_internal_error ("Sending the invitation again failed", error);
  if (td_db_changes (call->db) != 1)
    return td_resource_conflict ("Only pending invitations can be sent again");

  if (td_changes_record (call->db, org_id, def->type, id, "upsert", &error) == 0 ||
      !td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Sending the invitation again failed", error);

  g_message ("Invitation %s sent again by user %s", id, call->identity->user->id);
  updated = td_resource_load (call, def, id, &response);
  if (updated == NULL)
    return response;
  presented = td_resource_present (call, def, updated);
  return td_api_response_new_json (200, presented);
}

/* Accepting --------------------------------------------------------------------------- */

static TdApiResponse *
invalid_token (void)
{
  return td_api_response_new_error (401, "invalid_token",
                                    "The invitation link is invalid, expired or already used",
                                    NULL);
}

/* An optional name member: NULL when absent, null or blank (the invited name stays). */
static gboolean
optional_name (JsonObject     *body,
               const char     *member,
               char          **out_name,
               TdApiResponse **out_error)
{
  const char *value = NULL;

  *out_name = NULL;
  if (!json_object_has_member (body, member) ||
      JSON_NODE_HOLDS_NULL (json_object_get_member (body, member)))
    return TRUE;
  if (!td_api_get_string_field (body, member, TRUE, TD_NAME_MAX_LENGTH, &value, out_error))
    return FALSE;
  *out_name = g_strstrip (g_strdup (value));
  if (**out_name == '\0')
    g_clear_pointer (out_name, g_free);
  return TRUE;
}

static gboolean
run (TdDbStmt  *stmt,
     GError   **error)
{
  return stmt != NULL && td_db_stmt_run (stmt, error);
}

/* POST /api/v1/invitations/accept {"token","password","first_name"?,"last_name"?} (public)
 * → 200 as login. The token is taken in the same transaction that activates the user, so
 * it works exactly once; an unknown, expired or used token and a user who is gone are one
 * answer, 401 invalid_token. */
TdApiResponse *
td_api_invitations_accept (TdApiCall *call)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) find = NULL;
  g_autoptr(TdDbStmt) accept = NULL;
  g_autoptr(TdDbStmt) activate = NULL;
  g_autoptr(TdAuthLogin) login = NULL;
  g_autoptr(TdUserRecord) record = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *password_hash = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *session_hash = NULL;
  g_autofree char *device_label = NULL;
  g_autofree char *invitation_id = NULL;
  g_autofree char *org_id = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *now = NULL;
  TdApiResponse *response = NULL;
  TdSessionNew session = { 0 };
  const char *token;
  const char *password;
  TdDbStep step;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;
  if (!td_api_get_string_field (body, "token", TRUE, TOKEN_MAX_LENGTH, &token, &response) ||
      !td_api_get_string_field (body, "password", TRUE, PASSWORD_MAX_BYTES, &password, &response) ||
      !optional_name (body, "first_name", &first_name, &response) ||
      !optional_name (body, "last_name", &last_name, &response))
    return response;
  if (*token == '\0')
    return td_api_response_new_error (400, "invalid_field", "The token is empty", "token");

  /* The policy first: a weak password must not use up the link. */
  response = td_api_check_password_policy (password, "password");
  if (response != NULL)
    return response;

  /* argon2id outside the transaction: no write lock is held while it runs. */
  password_hash = td_password_hash (password, &error);
  if (password_hash == NULL)
    return td_api_internal_error ("Hashing the password failed", error);

  token_hash = td_token_hash (token);
  session.now_usec = td_time_now_usec ();
  now = td_time_format (session.now_usec);

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_api_internal_error ("Accepting the invitation failed", error);

  find = td_db_prepare (call->db, "SELECT id, org_id, user_id FROM invitations"
                                  " WHERE token_hash = ? AND status = 'pending' AND deleted = 0"
                                  " AND expires_at > ?", &error);
  if (find == NULL)
    return td_api_internal_error ("Accepting the invitation failed", error);
  td_db_stmt_bind_text (find, 1, token_hash);
  td_db_stmt_bind_text (find, 2, now);
  step = td_db_stmt_step (find, &error);
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Accepting the invitation failed", error);
  if (step == TD_DB_STEP_DONE)
    return invalid_token ();
  invitation_id = td_db_stmt_dup_text (find, 0);
  org_id = td_db_stmt_dup_text (find, 1);
  user_id = td_db_stmt_dup_text (find, 2);
  g_clear_pointer (&find, td_db_stmt_free);

  /* The token is voided with the status: only its hash was stored, and now not even that. */
  accept = td_db_prepare (call->db, "UPDATE invitations SET status = 'accepted', token_hash = NULL,"
                                    " accepted_at = ?, version = version + 1, updated_at = ?"
                                    " WHERE id = ? AND status = 'pending'", &error);
  if (accept != NULL)
    {
      td_db_stmt_bind_text (accept, 1, now);
      td_db_stmt_bind_text (accept, 2, now);
      td_db_stmt_bind_text (accept, 3, invitation_id);
    }
  if (!run (accept, &error))
    return td_api_internal_error ("Accepting the invitation failed", error);
  if (td_db_changes (call->db) != 1)
    return invalid_token ();

  activate = td_db_prepare (call->db, "UPDATE employees SET password_hash = ?, status = 'active',"
                                      " first_name = coalesce (?, first_name),"
                                      " last_name = coalesce (?, last_name),"
                                      " version = version + 1, updated_at = ?"
                                      " WHERE id = ? AND org_id = ? AND deleted = 0"
                                      " AND status = 'invited'", &error);
  if (activate != NULL)
    {
      td_db_stmt_bind_text (activate, 1, password_hash);
      if (first_name != NULL)
        td_db_stmt_bind_text (activate, 2, first_name);
      else
        td_db_stmt_bind_null (activate, 2);
      if (last_name != NULL)
        td_db_stmt_bind_text (activate, 3, last_name);
      else
        td_db_stmt_bind_null (activate, 3);
      td_db_stmt_bind_text (activate, 4, now);
      td_db_stmt_bind_text (activate, 5, user_id);
      td_db_stmt_bind_text (activate, 6, org_id);
    }
  if (!run (activate, &error))
    return td_api_internal_error ("Accepting the invitation failed", error);
  if (td_db_changes (call->db) != 1)
    return invalid_token ();  /* the user is gone or no longer invited: rolled back */

  if (td_changes_record (call->db, org_id, td_resource_invitations.type, invitation_id, "upsert",
                         &error) == 0 ||
      td_changes_record (call->db, org_id, td_resource_employees.type, user_id, "upsert",
                         &error) == 0)
    return td_api_internal_error ("Accepting the invitation failed", error);

  /* Signed in at once, like a login. */
  login = g_new0 (TdAuthLogin, 1);
  login->token = td_token_new ();
  session_hash = td_token_hash (login->token);
  device_label = td_auth_device_label (call->request->user_agent);
  session.org_id = org_id;
  session.user_id = user_id;
  session.token_hash = session_hash;
  session.issued_by = "password";
  session.user_agent = call->request->user_agent;
  session.device_label = device_label;
  session.expires_usec = session.now_usec + TD_SESSION_LIFETIME_USEC;
  login->session_id = td_store_sessions_insert (call->db, &session, &error);
  if (login->session_id == NULL ||
      !td_db_transaction_commit (transaction, &error))
    return td_api_internal_error ("Accepting the invitation failed", error);

  record = td_store_users_get (call->db, user_id, &error);
  if (record == NULL)
    return td_api_internal_error ("Reading the user failed", error);
  login->user = g_steal_pointer (&record->user);
  login->expires_usec = session.expires_usec;

  g_message ("Invitation %s accepted: user %s, session %s", invitation_id, user_id,
             login->session_id);
  result = td_api_login_to_json (login);
  return td_api_response_new_json (200, result);
}

static const TdApiRoute mail_routes[] = {
  { "POST", TD_API_BASE_PATH "/invitations/accept",      td_api_invitations_accept, TD_ROUTE_PUBLIC | TD_ROUTE_SLOW, NULL },
  { "POST", TD_API_BASE_PATH "/invitations/{id}/resend", td_api_invitations_resend, 0, NULL },
  { "GET",  "/invite",                                   td_public_invite_page,     TD_ROUTE_PUBLIC, NULL },
};

const TdApiRouteTable td_api_mail_route_table = { mail_routes, G_N_ELEMENTS (mail_routes) };
