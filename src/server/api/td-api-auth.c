/* td-api-auth.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api"

#include "config.h"

#include "td-api-auth.h"

#include "td-api-accounts.h"
#include "td-api-health.h"
#include "td-api-routes.h"
#include "td-public-transfer.h"
#include "td-server-error.h"
#include "td-time.h"
#include "td-user.h"
#include "td-validate.h"

/* POST /api/v1/auth/login {"email","password"} → {"token","expires_at","user"}.
 * Shape errors are 400 (they reveal nothing about accounts); everything about the account
 * itself is the one 401 invalid_credentials, except a disabled account with the right
 * password: 403 account_disabled (td_auth_login). */
TdApiResponse *
td_api_auth_login (TdApiCall *call)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(TdAuthLogin) login = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *normalized = NULL;
  TdApiResponse *response = NULL;
  const char *email;
  const char *password;

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;

  if (!td_api_get_string_field (body, "email", TRUE, TD_EMAIL_MAX_LENGTH, &email, &response) ||
      !td_api_get_string_field (body, "password", TRUE, TD_PASSWORD_MAX_LENGTH, &password, &response))
    return response;

  normalized = td_normalize_email (email);
  if (!td_validate_email (normalized))
    return td_api_response_new_error (400, "invalid_field", "Not a valid email address", "email");
  if (*password == '\0')
    return td_api_response_new_error (400, "invalid_field", "The password is empty", "password");

  response = td_api_login_throttled (call, normalized);
  if (response != NULL)
    return response;

  login = td_auth_login (call->db, normalized, password, call->request->user_agent, &error);
  if (login == NULL)
    {
      if (g_error_matches (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_CREDENTIALS))
        {
          td_api_login_record (call, normalized, FALSE);
          return td_api_response_new_error (401, "invalid_credentials", "Wrong email or password", NULL);
        }
      if (g_error_matches (error, TD_SERVER_ERROR, TD_SERVER_ERROR_ACCOUNT_DISABLED))
        {
          /* Not a success: the throttle counts it like any refused login. */
          td_api_login_record (call, normalized, FALSE);
          return td_api_response_new_error (403, "account_disabled",
                                            "This account is disabled; ask your administrator",
                                            NULL);
        }
      return td_api_internal_error ("Logging in failed", error);
    }
  td_api_login_record (call, normalized, TRUE);

  g_message ("Login: user %s, session %s", login->user->id, login->session_id);
  result = td_api_login_to_json (login);
  return td_api_response_new_json (200, result);
}

/* POST /api/v1/auth/logout: revokes the session of the bearer token used. */
TdApiResponse *
td_api_auth_logout (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;

  if (!td_auth_logout (call->db, call->identity, &error))
    return td_api_internal_error ("Logging out failed", error);

  g_message ("Logout: user %s, session %s", call->identity->user->id, call->identity->session_id);
  return td_api_response_new (204);
}

/* GET /api/v1/me: the caller, with modules and permissions from the one table. */
TdApiResponse *
td_api_me (TdApiCall *call)
{
  g_autoptr(JsonNode) user = td_user_to_json (call->identity->user);

  return td_api_response_new_json (200, user);
}

static const TdApiRoute auth_routes[] = {
  { "GET",  TD_API_BASE_PATH "/health",      td_api_health,      TD_ROUTE_PUBLIC, NULL },
  { "POST", TD_API_BASE_PATH "/auth/login",  td_api_auth_login,  TD_ROUTE_PUBLIC | TD_ROUTE_SLOW, NULL },
  { "POST", TD_API_BASE_PATH "/auth/logout", td_api_auth_logout, 0, NULL },
  { "GET",  TD_API_BASE_PATH "/me",          td_api_me,          0, NULL },

  /* Accounts (td-api-accounts.c): share login, sessions, password, personal settings. */
  { "POST",   TD_API_BASE_PATH "/auth/transfer-tokens",        td_api_transfer_create,        0, NULL },
  { "POST",   TD_API_BASE_PATH "/auth/transfer-tokens/redeem", td_api_transfer_redeem,        TD_ROUTE_PUBLIC, NULL },
  { "GET",    "/login/transfer",                               td_public_transfer_page,       TD_ROUTE_PUBLIC, NULL },
  { "PATCH",  TD_API_BASE_PATH "/me",                          td_api_me_update,              0, NULL },
  { "POST",   TD_API_BASE_PATH "/me/password",                 td_api_password_change,        TD_ROUTE_SLOW, NULL },
  { "GET",    TD_API_BASE_PATH "/me/sessions",                 td_api_sessions_list,          0, NULL },
  { "POST",   TD_API_BASE_PATH "/me/sessions/revoke-others",   td_api_sessions_revoke_others, 0, NULL },
  { "DELETE", TD_API_BASE_PATH "/me/sessions/{id}",            td_api_sessions_revoke,        0, NULL },
};

const TdApiRouteTable td_api_auth_route_table = { auth_routes, G_N_ELEMENTS (auth_routes) };
