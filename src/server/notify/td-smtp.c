/* td-smtp.c: a minimal SMTP client (see td-smtp.h)
 *
 * Runs on the mailer's thread with blocking GIO calls: the socket client's timeout bounds
 * the connect and every read and write, and the mailer's GCancellable ends a delivery in
 * progress when the server shuts down.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-mail"

#include "config.h"

#include "td-smtp.h"

#include <string.h>

/* RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; be lenient, not unbounded. */
#define REPLY_LINE_MAX 4096
/* A multi-line reply (EHLO lists extensions) of more lines than this is not a relay. */
#define REPLY_LINES_MAX 100

G_DEFINE_QUARK (td-smtp-error-quark, td_smtp_error)

typedef struct
{
  GSocketConnection *connection;
  GDataInputStream  *in;
  GOutputStream     *out;
  GCancellable      *cancellable;
} Session;

static void
session_clear (Session *session)
{
  g_clear_object (&session->in);
  g_clear_object (&session->connection);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Session, session_clear)

/* Reads one reply (all its lines) and returns its code, or 0 with @error. The text of the
 * last line goes to *@out_text for error messages. */
static guint
read_reply (Session  *session,
            char    **out_text,
            GError  **error)
{
  for (guint n = 0; n < REPLY_LINES_MAX; n++)
    {
      g_autofree char *line = NULL;
      gsize length = 0;
      guint code;

      line = g_data_input_stream_read_line (session->in, &length, session->cancellable, error);
      if (line == NULL)
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                 "The relay closed the connection");
          return 0;
        }
      if (length > REPLY_LINE_MAX || length < 3 ||
          !g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]) ||
          (length > 3 && line[3] != ' ' && line[3] != '-'))
        {
          g_set_error_literal (error, TD_SMTP_ERROR, TD_SMTP_ERROR_PROTOCOL,
                               "The relay's reply is not SMTP");
          return 0;
        }

      code = (guint) ((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
      if (length == 3 || line[3] == ' ')
        {
          if (out_text != NULL)
            *out_text = g_utf8_make_valid (line, (gssize) length);
          return code;
        }
    }

  g_set_error_literal (error, TD_SMTP_ERROR, TD_SMTP_ERROR_PROTOCOL,
                       "The relay's reply has too many lines");
  return 0;
}

/* Reads a reply and checks its code is @expected (or @also, when not 0). */
static gboolean
expect (Session     *session,
        const char  *step,
        guint        expected,
        guint        also,
        GError     **error)
{
  g_autofree char *text = NULL;
  guint code = read_reply (session, &text, error);

  if (code == 0)
    {
      g_prefix_error (error, "%s: ", step);
      return FALSE;
    }
  if (code == expected || (also != 0 && code == also))
    return TRUE;

  g_set_error (error, TD_SMTP_ERROR,
               code >= 400 && code < 500 ? TD_SMTP_ERROR_TEMPORARY
               : code >= 500 && code < 600 ? TD_SMTP_ERROR_PERMANENT
               : TD_SMTP_ERROR_PROTOCOL,
               "%s: the relay answered “%s”", step, text);
  return FALSE;
}

static gboolean
send_text (Session     *session,
           const char  *text,
           GError     **error)
{
  return g_output_stream_write_all (session->out, text, strlen (text), NULL,
                                    session->cancellable, error);
}

static gboolean
command (Session     *session,
         const char  *step,
         const char  *line,
         guint        expected,
         guint        also,
         GError     **error)
{
  g_autofree char *text = g_strconcat (line, "\r\n", NULL);

  if (!send_text (session, text, error))
    {
      g_prefix_error (error, "%s: ", step);
      return FALSE;
    }
  return expect (session, step, expected, also, error);
}

/* Whether @text can go into a command line as it is. */
static gboolean
is_command_safe (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
      return FALSE;
  return TRUE;
}

char *
td_smtp_dot_stuff (const char *message)
{
  GString *out = g_string_sized_new (strlen (message) + 16);
  gboolean line_start = TRUE;

  for (const char *p = message; *p != '\0'; p++)
    {
      if (line_start && *p == '.')
        g_string_append_c (out, '.');
      g_string_append_c (out, *p);
      line_start = *p == '\n';
    }

  if (out->len > 0 && !g_str_has_suffix (out->str, "\r\n"))
    g_string_append (out, "\r\n");
  g_string_append (out, ".\r\n");
  return g_string_free (out, FALSE);
}

gboolean
td_smtp_send (const char    *host,
              guint16        port,
              const char    *helo_name,
              const char    *from,
              const char    *to,
              const char    *message,
              guint          timeout_seconds,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;
  g_auto(Session) session = { NULL, NULL, NULL, cancellable };
  g_autoptr(GError) quit_error = NULL;
  g_autofree char *ehlo = NULL;
  g_autofree char *helo = NULL;
  g_autofree char *mail_from = NULL;
  g_autofree char *rcpt_to = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) ehlo_error = NULL;

  g_return_val_if_fail (host != NULL && message != NULL, FALSE);

  if (!is_command_safe (helo_name) || !is_command_safe (from) || !is_command_safe (to))
    {
      g_set_error_literal (error, TD_SMTP_ERROR, TD_SMTP_ERROR_PERMANENT,
                           "An address cannot be sent in an SMTP command");
      return FALSE;
    }

  g_socket_client_set_timeout (client, timeout_seconds);
  address = g_network_address_new (host, port);
  session.connection = g_socket_client_connect (client, address, cancellable, error);
  if (session.connection == NULL)
    {
      g_prefix_error (error, "Connecting to %s:%u: ", host, port);
      return FALSE;
    }
  session.in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (session.connection)));
  g_data_input_stream_set_newline_type (session.in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  session.out = g_io_stream_get_output_stream (G_IO_STREAM (session.connection));

  ehlo = g_strconcat ("EHLO ", helo_name, NULL);
  helo = g_strconcat ("HELO ", helo_name, NULL);
  mail_from = g_strconcat ("MAIL FROM:<", from, ">", NULL);
  rcpt_to = g_strconcat ("RCPT TO:<", to, ">", NULL);
  data = td_smtp_dot_stuff (message);

  if (!expect (&session, "Greeting", 220, 0, error))
    return FALSE;

  /* An old relay that does not know EHLO says 5xx; HELO then. */
  if (!command (&session, "EHLO", ehlo, 250, 0, &ehlo_error))
    {
      if (!g_error_matches (ehlo_error, TD_SMTP_ERROR, TD_SMTP_ERROR_PERMANENT))
        {
          g_propagate_error (error, g_steal_pointer (&ehlo_error));
          return FALSE;
        }
      if (!command (&session, "HELO", helo, 250, 0, error))
        return FALSE;
    }

  if (!command (&session, "MAIL FROM", mail_from, 250, 0, error) ||
      !command (&session, "RCPT TO", rcpt_to, 250, 251, error) ||
      !command (&session, "DATA", "DATA", 354, 0, error))
    return FALSE;

  if (!send_text (&session, data, error))
    {
      g_prefix_error (error, "Message: ");
      return FALSE;
    }
  if (!expect (&session, "End of data", 250, 0, error))
    return FALSE;

  /* The relay has the message now: a failing QUIT changes nothing. */
  if (!command (&session, "QUIT", "QUIT", 221, 0, &quit_error))
    g_debug ("SMTP QUIT: %s", quit_error->message);
  g_io_stream_close (G_IO_STREAM (session.connection), NULL, NULL);

  return TRUE;
}
