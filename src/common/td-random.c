/* td-random.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-random"

#include "config.h"

#include "td-random.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "td-common-error.h"

gboolean
td_random_fill (guint8  *buffer,
                gsize    length,
                GError **error)
{
  gsize filled = 0;

  while (filled < length)
    {
      ssize_t n = getrandom (buffer + filled, length - filled, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_RANDOM,
                       "getrandom() failed: %s", g_strerror (saved_errno));
          return FALSE;
        }
      filled += (gsize) n;
    }

  return TRUE;
}

/* A failing CSPRNG leaves no safe way to continue: issuing a predictable token is worse
 * than stopping, so the callers below abort. */
static void
fill_or_abort (guint8 *buffer,
               gsize   length)
{
  g_autoptr(GError) error = NULL;

  if (!td_random_fill (buffer, length, &error))
    g_error ("%s", error->message);
}

/* 256 random bits as unpadded base64url (43 characters), safe in URLs and headers. */
char *
td_token_new (void)
{
  guint8 bytes[TD_TOKEN_BYTES];
  g_autofree char *encoded = NULL;
  GString *token;

  fill_or_abort (bytes, sizeof bytes);
  encoded = g_base64_encode (bytes, sizeof bytes);
  memset (bytes, 0, sizeof bytes);

  token = g_string_new (NULL);
  for (const char *p = encoded; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (token, '-');
      else if (*p == '/')
        g_string_append_c (token, '_');
      else if (*p != '=')
        g_string_append_c (token, *p);
    }

  return g_string_free (token, FALSE);
}

/* The form in which tokens are stored: lowercase hex SHA-256. */
char *
td_token_hash (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* A random (version 4) UUID in its lowercase canonical form. */
char *
td_uuid_new (void)
{
  guint8 b[16];

  fill_or_abort (b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

gboolean
td_uuid_is_valid (const char *text)
{
  return text != NULL && g_uuid_string_is_valid (text);
}

/* Compares two strings in time that depends only on their lengths, for secrets. */
gboolean
td_secure_str_equal (const char *a,
                     const char *b)
{
  gsize la, lb;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;

  la = strlen (a);
  lb = strlen (b);
  diff = la != lb;
  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint8) (a[i] ^ b[i]);

  return diff == 0;
}
