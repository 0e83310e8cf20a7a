/* td-time.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-time.h"

/* Formats with millisecond precision and a literal Z, e.g. 2026-11-23T10:35:12.345Z. */
char *
td_time_format (gint64 unix_usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_usec / G_USEC_PER_SEC);
  g_autofree char *seconds = NULL;

  if (dt == NULL)
    return NULL;

  seconds = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", seconds, (int) ((unix_usec % G_USEC_PER_SEC) / 1000));
}

gint64
td_time_now_usec (void)
{
  return g_get_real_time ();
}

char *
td_time_now (void)
{
  return td_time_format (td_time_now_usec ());
}

gboolean
td_time_parse (const char *text,
               gint64     *out_unix_usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;

  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;

  *out_unix_usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}
