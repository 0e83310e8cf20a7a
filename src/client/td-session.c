/* td-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-session"

#include "config.h"

#include "td-session.h"

#include <libsecret/secret.h>

#include "td-common-error.h"
#include "td-json.h"
#include "td-time.h"

/* Generous for a 256-bit token in any encoding; anything longer is not our server talking. */
#define TD_SESSION_TOKEN_MAX_LENGTH 512

G_DEFINE_BOXED_TYPE (TdSession, td_session, td_session_copy, td_session_free)

TdSession *
td_session_copy (const TdSession *session)
{
  TdSession *copy;

  g_return_val_if_fail (session != NULL, NULL);

  copy = g_new0 (TdSession, 1);
  copy->token = g_strdup (session->token);
  copy->expires_at = session->expires_at;
  copy->user = session->user ? td_user_copy (session->user) : NULL;
  return copy;
}

void
td_session_free (TdSession *session)
{
  if (session == NULL)
    return;

  /* Overwrites the token before the memory goes back to the allocator. */
  secret_password_free (session->token);
  g_clear_pointer (&session->user, td_user_free);
  g_free (session);
}

/* Reads the body of a login or share-login redeem answer:
 * {"token": "…", "expires_at": "RFC 3339", "user": {…}}. */
TdSession *
td_session_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(TdSession) session = NULL;
  g_autoptr(TdUser) user = NULL;
  const char *token = NULL;
  const char *expires_at = NULL;
  gint64 expires_usec = 0;

  if (object == NULL)
    {
      g_set_error_literal (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE,
                           "The session is not an object");
      return NULL;
    }

  if (!td_json_get_string_checked (object, "token", TRUE, TD_SESSION_TOKEN_MAX_LENGTH,
                                   &token, error) ||
      !td_json_get_string_checked (object, "expires_at", TRUE, 64, &expires_at, error))
    return NULL;

  if (*token == '\0')
    {
      g_set_error_literal (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE,
                           "The session token is empty");
      return NULL;
    }

  if (!td_time_parse (expires_at, &expires_usec))
    {
      g_set_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE,
                   "“%s” is not an RFC 3339 time", expires_at);
      return NULL;
    }

  user = td_user_from_json (td_json_get_object (object, "user"), error);
  if (user == NULL)
    return NULL;

  session = g_new0 (TdSession, 1);
  session->token = g_strdup (token);
  session->expires_at = expires_usec;
  session->user = g_steal_pointer (&user);
  return g_steal_pointer (&session);
}
