/* td-validate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-validate.h"

#include <stdlib.h>
#include <string.h>

/* Deliberately simple: one '@', a non-empty local part, a domain with a dot, no spaces or
 * control characters. The activation email is the real proof that an address works. */
gboolean
td_validate_email (const char *email)
{
  const char *at;
  const char *dot;
  gsize length;

  if (email == NULL || !g_utf8_validate (email, -1, NULL))
    return FALSE;

  length = strlen (email);
  if (length < 3 || length > TD_EMAIL_MAX_LENGTH)
    return FALSE;

  for (const char *p = email; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f)
      return FALSE;

  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '@') != NULL)
    return FALSE;

  dot = strrchr (at + 1, '.');
  return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

gboolean
td_validate_password_length (const char *password)
{
  glong length;

  if (password == NULL || !g_utf8_validate (password, -1, NULL))
    return FALSE;

  length = g_utf8_strlen (password, -1);
  return length >= TD_PASSWORD_MIN_LENGTH && length <= TD_PASSWORD_MAX_LENGTH;
}

/* Email addresses are compared case-insensitively and without surrounding spaces. */
char *
td_normalize_email (const char *email)
{
  g_autofree char *trimmed = NULL;

  if (email == NULL)
    return NULL;

  trimmed = g_strstrip (g_strdup (email));
  return g_utf8_strdown (trimmed, -1);
}

/* Accepts what a person types into the login page ("localhost:8080", "https://td.example/")
 * and returns the canonical base URL without a trailing slash. Only http and https, with a
 * host, and without query, fragment or user info. */
gboolean
td_validate_server_url (const char  *url,
                        char       **out_normalized)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *path;
  g_autofree char *clean_path = NULL;

  if (out_normalized != NULL)
    *out_normalized = NULL;
  if (url == NULL)
    return FALSE;

  trimmed = g_strstrip (g_strdup (url));
  if (*trimmed == '\0' || strchr (trimmed, ' ') != NULL)
    return FALSE;

  if (strstr (trimmed, "://") == NULL)
    with_scheme = g_strconcat ("http://", trimmed, NULL);
  else
    with_scheme = g_strdup (trimmed);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    return FALSE;
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    return FALSE;

  path = g_uri_get_path (uri);
  clean_path = g_strdup (path ? path : "");
  while (*clean_path != '\0' && clean_path[strlen (clean_path) - 1] == '/')
    clean_path[strlen (clean_path) - 1] = '\0';

  if (out_normalized != NULL)
    {
      g_autoptr(GUri) normalized = g_uri_build (G_URI_FLAGS_NONE, scheme, NULL,
                                                g_uri_get_host (uri), g_uri_get_port (uri),
                                                clean_path, NULL, NULL);
      *out_normalized = g_uri_to_string (normalized);
    }

  return TRUE;
}

static int
compare_password (const void *key,
                  const void *element)
{
  return strcmp (key, *(const char * const *) element);
}

/* TRUE when @password, ignoring case, is on the shipped list of common passwords. */
gboolean
td_password_is_common (const char *password)
{
  g_autofree char *lower = NULL;

  if (password == NULL || !g_utf8_validate (password, -1, NULL))
    return FALSE;

  lower = g_utf8_strdown (password, -1);
  return bsearch (lower, td_common_passwords, td_common_passwords_length,
                  sizeof (td_common_passwords[0]), compare_password) != NULL;
}

/* The languages of the app (DOMAIN.md §7); "" is the system default. */
gboolean
td_validate_language (const char *language)
{
  static const char * const languages[] = { "", "en", "de", "fr", "es", "it", "nl", "pl", "ar" };

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_strcmp0 (language, languages[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The notification event types of DOMAIN.md §6, the rows of the notification matrix. */
static const char * const event_types[] = {
  "case_request",      /* new ticket or video-session request for the responsible group */
  "offer_received",
  "assignment",
  "status_change",
  "message",           /* new message or public update on a case */
  "task_due",          /* task due or overdue */
  "code_event",        /* new scan of a dynamic code, PIN change */
  "system_alert",
  "company_activity",  /* customer login: everything about the own company (default on) */
  NULL,
};

const char * const *
td_notification_event_types (void)
{
  return event_types;
}

gboolean
td_notification_event_type_is_valid (const char *event_type)
{
  return event_type != NULL && g_strv_contains (event_types, event_type);
}
