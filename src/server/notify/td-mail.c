/* td-mail.c: queuing outgoing email and the one message format both delivery paths send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-mail"

#include "config.h"

#include "td-mail.h"

#include <string.h>

#include "td-random.h"
#include "td-store-error.h"
#include "td-time.h"
#include "td-validate.h"

/* RFC 5322 §2.1.1: a line is at most 998 octets without its CRLF. */
#define LINE_MAX_OCTETS   998
/* Bytes of UTF-8 per RFC 2047 encoded word: 45 bytes are 60 base64 characters, and
 * "=?UTF-8?B?" + 60 + "?=" is 72, within the 75 an encoded word may have. */
#define WORD_MAX_OCTETS   45
#define SUBJECT_MAX_BYTES 998
#define BODY_MAX_BYTES    (1024 * 1024)

static gboolean
queue (TdDb        *db,
       const char  *org_id,
       const char  *to,
       const char  *subject,
       const char  *body,
       gboolean     sensitive,
       GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (db != NULL && to != NULL && subject != NULL && body != NULL, FALSE);

  /* The recipient ends up in an SMTP command and a header: nothing but one address. */
  if (!td_validate_email (to) || strpbrk (to, "\r\n<>,; ") != NULL)
    {
      g_set_error (error, TD_STORE_ERROR, TD_STORE_ERROR_FAILED,
                   "Not a recipient address a message can be sent to");
      return FALSE;
    }
  if (!g_utf8_validate (subject, -1, NULL) || !g_utf8_validate (body, -1, NULL) ||
      strlen (subject) > SUBJECT_MAX_BYTES || strlen (body) > BODY_MAX_BYTES)
    {
      g_set_error (error, TD_STORE_ERROR, TD_STORE_ERROR_FAILED,
                   "A message needs a UTF-8 subject and body of reasonable size");
      return FALSE;
    }

  id = td_uuid_new ();
  now = td_time_now ();
  stmt = td_db_prepare (db, "INSERT INTO mail_outbox (id, org_id, recipient, subject, body,"
                            " created_at, attempts, next_attempt_at, sensitive)"
                            " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, id);
  if (org_id != NULL)
    td_db_stmt_bind_text (stmt, 2, org_id);
  else
    td_db_stmt_bind_null (stmt, 2);
  td_db_stmt_bind_text (stmt, 3, to);
  td_db_stmt_bind_text (stmt, 4, subject);
  td_db_stmt_bind_text (stmt, 5, body);
  td_db_stmt_bind_text (stmt, 6, now);
  td_db_stmt_bind_text (stmt, 7, now);
  td_db_stmt_bind_int64 (stmt, 8, sensitive ? 1 : 0);
  if (!td_db_stmt_run (stmt, error))
    return FALSE;

  g_debug ("Mail %s queued", id);
  return TRUE;
}

gboolean
td_mail_queue (TdDb        *db,
               const char  *org_id,
               const char  *to,
               const char  *subject,
               const char  *body,
               GError     **error)
{
  return queue (db, org_id, to, subject, body, FALSE, error);
}

gboolean
td_mail_queue_sensitive (TdDb        *db,
                         const char  *org_id,
                         const char  *to,
                         const char  *subject,
                         const char  *body,
                         GError     **error)
{
  return queue (db, org_id, to, subject, body, TRUE, error);
}

/* A header value on one line: CR and LF (header injection) and other controls become
 * spaces. */
static char *
header_value (const char *value)
{
  char *copy = g_strdup (value != NULL ? value : "");

  for (char *p = copy; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return copy;
}

static gboolean
is_plain_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

/* RFC 2047 "B" encoded words for a non-ASCII subject, split between characters (a word
 * must hold whole characters) and folded onto continuation lines. */
static void
append_subject (GString    *out,
                const char *subject)
{
  const char *p = subject;
  gboolean first = TRUE;

  if (is_plain_ascii (subject))
    {
      g_string_append (out, subject);
      return;
    }

  while (*p != '\0')
    {
      const char *end = p;
      g_autofree char *encoded = NULL;

      while (*end != '\0')
        {
          const char *next = g_utf8_next_char (end);

          if (next - p > WORD_MAX_OCTETS)
            break;
          end = next;
        }

      encoded = g_base64_encode ((const guchar *) p, (gsize) (end - p));
      g_string_append_printf (out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", encoded);
      first = FALSE;
      p = end;
    }
}

/* @line (without its end) as one or more lines of at most LINE_MAX_OCTETS, broken between
 * characters. */
static void
append_body_line (GString    *out,
                  const char *line,
                  gsize       length)
{
  const char *end = line + length;

  while ((gsize) (end - line) > LINE_MAX_OCTETS)
    {
      const char *cut = line + LINE_MAX_OCTETS;

      while (cut > line && ((guchar) *cut & 0xc0) == 0x80)
        cut--;
      g_string_append_len (out, line, cut - line);
      g_string_append (out, "\r\n");
      line = cut;
    }
  g_string_append_len (out, line, end - line);
  g_string_append (out, "\r\n");
}

/* The RFC 5322 date in English whatever the locale ("Mon, 23 Nov 2026 13:04:19 +0000"). */
static char *
format_date (gint64 date_usec)
{
  static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (date_usec / G_USEC_PER_SEC);

  if (dt == NULL)
    dt = g_date_time_new_now_utc ();
  return g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d +0000",
                          days[g_date_time_get_day_of_week (dt) - 1],
                          g_date_time_get_day_of_month (dt),
                          months[g_date_time_get_month (dt) - 1],
                          g_date_time_get_year (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt));
}

char *
td_mail_format (const char *from,
                const char *to,
                const char *subject,
                const char *body,
                gint64      date_usec,
                const char *message_id_local)
{
  GString *out = g_string_new (NULL);
  g_autofree char *date = format_date (date_usec);
  g_autofree char *from_value = header_value (from);
  g_autofree char *to_value = header_value (to);
  g_autofree char *subject_value = header_value (subject);
  const char *domain = strrchr (from_value, '@');
  const char *line = body != NULL ? body : "";

  g_string_append_printf (out, "Date: %s\r\n", date);
  g_string_append_printf (out, "From: %s\r\n", from_value);
  g_string_append_printf (out, "To: %s\r\n", to_value);
  g_string_append (out, "Subject: ");
  append_subject (out, subject_value);
  g_string_append (out, "\r\n");
  g_string_append_printf (out, "Message-ID: <%s@%s>\r\n", message_id_local,
                          domain != NULL && domain[1] != '\0' ? domain + 1 : "twindesk");
  g_string_append (out, "MIME-Version: 1.0\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: 8bit\r\n"
                        "\r\n");

  /* "\n", "\r\n" and a lone "\r" all end a line; every line ends in CRLF. */
  while (*line != '\0')
    {
      gsize length = strcspn (line, "\r\n");

      append_body_line (out, line, length);
      line += length;
      if (line[0] == '\r' && line[1] == '\n')
        line += 2;
      else if (*line != '\0')
        line++;
    }

  return g_string_free (out, FALSE);
}
