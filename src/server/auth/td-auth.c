/* td-auth.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-auth"

#include "config.h"

#include "td-auth.h"

#include <string.h>

#include "td-password.h"
#include "td-random.h"
#include "td-server-error.h"
#include "td-store-accounts.h"
#include "td-store-error.h"
#include "td-store-sessions.h"
#include "td-store-users.h"
#include "td-time.h"
#include "td-validate.h"

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;

  memset (secret, 0, strlen (secret));
  g_free (secret);
}

void
td_auth_login_free (TdAuthLogin *login)
{
  if (login == NULL)
    return;

  free_secret (login->token);
  g_free (login->session_id);
  td_user_free (login->user);
  g_free (login);
}

void
td_auth_identity_free (TdAuthIdentity *identity)
{
  if (identity == NULL)
    return;

  g_free (identity->session_id);
  td_user_free (identity->user);
  g_free (identity);
}

static void
set_invalid_credentials (GError **error)
{
  g_set_error_literal (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_CREDENTIALS,
                       "Wrong email or password");
}

/* Checks @password for every account registered under @email and opens a session for the
 * first active one it matches. Every candidate costs one argon2id verification, and an
 * unknown address costs one against a dummy hash, so neither the answer nor its timing
 * tells an unknown address from a wrong password or an invited account. Only when the
 * password is right for a disabled account (the user, or a customer user's company) and for
 * no active one does it fail with TD_SERVER_ERROR_ACCOUNT_DISABLED: that tells the person
 * why, and tells nothing to someone who does not know the password. */
TdAuthLogin *
td_auth_login (TdDb        *db,
               const char  *email,
               const char  *password,
               const char  *user_agent,
               GError     **error)
{
  g_autofree char *normalized = td_normalize_email (email);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(TdAuthLogin) login = NULL;
  TdUserRecord *matched = NULL;
  gboolean disabled_matched = FALSE;
  g_autofree char *token_hash = NULL;
  g_autofree char *device_label = NULL;
  TdSessionNew session = { 0 };

  candidates = td_store_users_find_for_login (db, normalized, error);
  if (candidates == NULL)
    return NULL;

  if (candidates->len == 0)
    td_password_verify_dummy (password);

  for (guint i = 0; i < candidates->len; i++)
    {
      TdUserRecord *record = g_ptr_array_index (candidates, i);
      gboolean ok;

      if (record->password_hash == NULL)
        {
          td_password_verify_dummy (password);
          continue;
        }

      ok = td_password_verify (record->password_hash, password);
      if (ok && record->status == TD_USER_STATUS_ACTIVE && matched == NULL)
        matched = record;
      else if (ok && record->status == TD_USER_STATUS_DISABLED)
        disabled_matched = TRUE;
    }

  if (matched == NULL && disabled_matched)
    {
      g_set_error_literal (error, TD_SERVER_ERROR, TD_SERVER_ERROR_ACCOUNT_DISABLED,
                           "This account is disabled");
      return NULL;
    }
  if (matched == NULL)
    {
      set_invalid_credentials (error);
      return NULL;
    }

  login = g_new0 (TdAuthLogin, 1);
  login->token = td_token_new ();
  token_hash = td_token_hash (login->token);

  session.org_id = matched->user->org_id;
  session.user_id = matched->user->id;
  session.token_hash = token_hash;
  session.issued_by = "password";
  session.user_agent = user_agent;
  device_label = td_auth_device_label (user_agent);
  session.device_label = device_label;
  session.now_usec = td_time_now_usec ();
  session.expires_usec = session.now_usec + TD_SESSION_LIFETIME_USEC;

  login->session_id = td_store_sessions_create (db, &session, error);
  if (login->session_id == NULL)
    return NULL;

  login->expires_usec = session.expires_usec;
  login->user = td_user_copy (matched->user);
  return g_steal_pointer (&login);
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '~' ||
         c == '+' || c == '/' || c == '=';
}

/* The token of an "Authorization: Bearer <token>" header (RFC 6750 §2.1: the scheme is
 * case-insensitive, the token is b64token), or NULL when the header is not one. */
char *
td_auth_parse_bearer (const char *authorization)
{
  const char *token;
  gsize length;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;

  token = authorization + 7;
  while (*token == ' ')
    token++;

  length = strlen (token);
  while (length > 0 && token[length - 1] == ' ')
    length--;

  if (length == 0 || length > TD_BEARER_MAX_LENGTH)
    return NULL;

  for (gsize i = 0; i < length; i++)
    if (!is_token_char (token[i]))
      return NULL;

  return g_strndup (token, length);
}

static void
set_unauthorized (GError     **error,
                  const char  *message)
{
  g_set_error_literal (error, TD_SERVER_ERROR, TD_SERVER_ERROR_UNAUTHORIZED, message);
}

/* Who sent @authorization. Fails with TD_SERVER_ERROR_UNAUTHORIZED for a missing,
 * malformed, unknown, expired or revoked token and for a user who may no longer log in;
 * with a TD_STORE_ERROR when the database fails. The token is looked up by its hash only,
 * so no secret is ever compared byte by byte. */
TdAuthIdentity *
td_auth_authenticate (TdDb        *db,
                      const char  *authorization,
                      GError     **error)
{
  g_autofree char *token = td_auth_parse_bearer (authorization);
  g_autofree char *token_hash = NULL;
  g_autoptr(TdSessionRecord) session = NULL;
  g_autoptr(TdUserRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  TdAuthIdentity *identity;
  gint64 now = td_time_now_usec ();

  if (token == NULL)
    {
      set_unauthorized (error, authorization == NULL ? "Authentication required"
                                                     : "Malformed Authorization header");
      return NULL;
    }

  token_hash = td_token_hash (token);
  free_secret (g_steal_pointer (&token));

  session = td_store_sessions_find_valid (db, token_hash, now, &local_error);
  if (session == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_unauthorized (error, "The session is unknown, expired or revoked");
      return NULL;
    }

  record = td_store_users_get (db, session->user_id, &local_error);
  if (record == NULL && !g_error_matches (local_error, TD_STORE_ERROR, TD_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (record == NULL || record->status != TD_USER_STATUS_ACTIVE)
    {
      set_unauthorized (error, "The account of this session may not log in");
      return NULL;
    }

  if (now - session->last_seen_usec >= TD_SESSION_TOUCH_INTERVAL_USEC)
    {
      /* Losing this write is harmless: the next request tries again. */
      if (!td_store_sessions_touch (db, session->id, now, TD_SESSION_TOUCH_INTERVAL_USEC,
                                    &local_error))
        g_warning ("Recording session activity failed: %s", local_error->message);
    }

  identity = g_new0 (TdAuthIdentity, 1);
  identity->session_id = g_steal_pointer (&session->id);
  identity->user = g_steal_pointer (&record->user);
  return identity;
}

gboolean
td_auth_logout (TdDb                  *db,
                const TdAuthIdentity  *identity,
                GError               **error)
{
  return td_store_sessions_revoke (db, identity->session_id, td_time_now_usec (), error);
}

void
td_auth_transfer_free (TdAuthTransfer *transfer)
{
  if (transfer == NULL)
    return;

  free_secret (transfer->token);
  g_free (transfer);
}

/* TD_TRANSFER_TOKEN_LIFETIME_USEC, or less for tests (see td-auth.h). */
gint64
td_auth_transfer_lifetime (void)
{
  const char *value = g_getenv ("TD_TEST_TRANSFER_TOKEN_TTL");
  guint64 seconds;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, 120, &seconds, NULL))
    return (gint64) seconds * G_USEC_PER_SEC;
  return TD_TRANSFER_TOKEN_LIFETIME_USEC;
}

static const char *
find_first (const char         *user_agent,
            const char * const *needles,
            const char * const *names)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (user_agent, needles[i]) != NULL)
      return names[i];
  return NULL;
}

/* A short name for the device of a session ("Firefox on Android", "Twindesk on Linux") for
 * the session list; the full user agent is listed too. */
char *
td_auth_device_label (const char *user_agent)
{
  static const char * const browsers[] = { "twindesk", "Edg/", "OPR/", "Firefox/", "Chrome/",
                                            "Safari/", "curl/", "libsoup", NULL };
  static const char * const browser_names[] = { "Twindesk", "Edge", "Opera", "Firefox", "Chrome",
                                                "Safari", "curl", "libsoup", NULL };
  static const char * const systems[] = { "Android", "iPhone", "iPad", "Windows", "Mac OS X",
                                          "Macintosh", "CrOS", "Linux", NULL };
  static const char * const system_names[] = { "Android", "iPhone", "iPad", "Windows", "macOS",
                                                "macOS", "ChromeOS", "Linux", NULL };
  const char *browser, *system;

  if (user_agent == NULL || *user_agent == '\0' || !g_utf8_validate (user_agent, -1, NULL))
    return g_strdup ("Unknown device");

  browser = find_first (user_agent, browsers, browser_names);
  system = find_first (user_agent, systems, system_names);

  if (browser != NULL && system != NULL)
    return g_strdup_printf ("%s on %s", browser, system);
  if (browser != NULL || system != NULL)
    return g_strdup (browser != NULL ? browser : system);
  return g_utf8_substring (user_agent, 0, MIN (g_utf8_strlen (user_agent, -1), 40));
}

/* A new share-login token for the caller's session: 256 bits, only its hash stored. */
TdAuthTransfer *
td_auth_transfer_create (TdDb                  *db,
                         const TdAuthIdentity  *identity,
                         GError               **error)
{
  g_autoptr(TdAuthTransfer) transfer = g_new0 (TdAuthTransfer, 1);
  g_autofree char *token_hash = NULL;
  gint64 now = td_time_now_usec ();

  transfer->token = td_token_new ();
  transfer->expires_usec = now + td_auth_transfer_lifetime ();
  token_hash = td_token_hash (transfer->token);

  if (!td_store_transfer_create (db, identity->user->org_id, identity->user->id,
                                 identity->session_id, token_hash, now, transfer->expires_usec,
                                 error))
    return NULL;

  return g_steal_pointer (&transfer);
}

/* Redeems a share-login token for a new session ("transfer"). Fails with
 * TD_SERVER_ERROR_UNAUTHORIZED for every reason the token is not good (one answer). */
TdAuthLogin *
td_auth_transfer_redeem (TdDb        *db,
                         const char  *token,
                         const char  *user_agent,
                         GError     **error)
{
  g_autoptr(TdAuthLogin) login = NULL;
  g_autoptr(TdUserRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *token_hash = td_token_hash (token);
  g_autofree char *new_hash = NULL;
  g_autofree char *device_label = td_auth_device_label (user_agent);
  g_autofree char *user_id = NULL;
  TdSessionNew session = { 0 };

  login = g_new0 (TdAuthLogin, 1);
  login->token = td_token_new ();
  new_hash = td_token_hash (login->token);

  session.token_hash = new_hash;
  session.user_agent = user_agent;
  session.device_label = device_label;
  session.now_usec = td_time_now_usec ();
  session.expires_usec = session.now_usec + TD_SESSION_LIFETIME_USEC;

  login->session_id = td_store_transfer_redeem (db, token_hash, &session, &user_id, &local_error);
  if (login->session_id == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_unauthorized (error, "The share-login token is unknown, expired or used");
      return NULL;
    }

  record = td_store_users_get (db, user_id, error);
  if (record == NULL)
    return NULL;

  login->expires_usec = session.expires_usec;
  login->user = g_steal_pointer (&record->user);
  return g_steal_pointer (&login);
}
