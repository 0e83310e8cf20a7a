/* td-smtp-sink.c: a local SMTP server for the mail tests (see td-smtp-sink.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-smtp-sink.h"

#include <string.h>

struct _TdSmtpSink
{
  GSocketListener *listener;
  guint16          port;
  GCancellable    *cancellable;
  GThread         *thread;
  GMutex           mutex;
  GCond            cond;
  GPtrArray       *messages;  /* TdSinkMessage */
};

static void
sink_message_free (TdSinkMessage *message)
{
  g_free (message->mail_from);
  g_free (message->rcpt_to);
  g_free (message->wire);
  g_free (message->message);
  g_free (message);
}

static gboolean
reply (GOutputStream *out,
       const char    *text,
       GCancellable  *cancellable)
{
  return g_output_stream_write_all (out, text, strlen (text), NULL, cancellable, NULL);
}

/* The address between < and > of "MAIL FROM:<…>" or "RCPT TO:<…>". */
static char *
angle_address (const char *line)
{
  const char *open = strchr (line, '<');
  const char *close = open != NULL ? strchr (open, '>') : NULL;

  return close != NULL ? g_strndup (open + 1, close - open - 1) : NULL;
}

static void
serve (TdSmtpSink        *self,
       GSocketConnection *connection)
{
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autofree char *mail_from = NULL;
  g_autofree char *rcpt_to = NULL;

  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  if (!reply (out, "220 td-smtp-sink ESMTP ready\r\n", self->cancellable))
    return;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, self->cancellable, NULL);
      g_autofree char *verb = NULL;

      if (line == NULL)
        return;
      verb = g_ascii_strup (line, MIN (strlen (line), 4));

      if (g_str_equal (verb, "EHLO"))
        reply (out, "250-td-smtp-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n", self->cancellable);
      else if (g_str_equal (verb, "HELO"))
        reply (out, "250 td-smtp-sink\r\n", self->cancellable);
      else if (g_str_equal (verb, "MAIL"))
        {
          g_free (mail_from);
          mail_from = angle_address (line);
          reply (out, mail_from != NULL ? "250 OK\r\n" : "501 Syntax\r\n", self->cancellable);
        }
      else if (g_str_equal (verb, "RCPT"))
        {
          g_free (rcpt_to);
          rcpt_to = angle_address (line);
          reply (out, rcpt_to != NULL ? "250 OK\r\n" : "501 Syntax\r\n", self->cancellable);
        }
      else if (g_str_equal (verb, "DATA"))
        {
          g_autoptr(GString) wire = g_string_new (NULL);
          g_autoptr(GString) message = g_string_new (NULL);
          TdSinkMessage *stored;

          if (mail_from == NULL || rcpt_to == NULL)
            {
              reply (out, "503 Need MAIL and RCPT first\r\n", self->cancellable);
              continue;
            }
          reply (out, "354 End data with <CR><LF>.<CR><LF>\r\n", self->cancellable);
          for (;;)
            {
              g_autofree char *data = g_data_input_stream_read_line (in, NULL, self->cancellable,
                                                                     NULL);

              if (data == NULL)
                return;
              if (g_str_equal (data, "."))
                break;
              g_string_append_printf (wire, "%s\r\n", data);
              g_string_append_printf (message, "%s\r\n", data[0] == '.' ? data + 1 : data);
            }

          stored = g_new0 (TdSinkMessage, 1);
          stored->mail_from = g_steal_pointer (&mail_from);
          stored->rcpt_to = g_steal_pointer (&rcpt_to);
          stored->wire = g_string_free (g_steal_pointer (&wire), FALSE);
          stored->message = g_string_free (g_steal_pointer (&message), FALSE);
          g_mutex_lock (&self->mutex);
          g_ptr_array_add (self->messages, stored);
          g_cond_broadcast (&self->cond);
          g_mutex_unlock (&self->mutex);
          reply (out, "250 OK queued\r\n", self->cancellable);
        }
      else if (g_str_equal (verb, "RSET"))
        {
          g_clear_pointer (&mail_from, g_free);
          g_clear_pointer (&rcpt_to, g_free);
          reply (out, "250 OK\r\n", self->cancellable);
        }
      else if (g_str_equal (verb, "NOOP"))
        reply (out, "250 OK\r\n", self->cancellable);
      else if (g_str_equal (verb, "QUIT"))
        {
          reply (out, "221 Bye\r\n", self->cancellable);
          return;
        }
      else
        reply (out, "500 Unknown command\r\n", self->cancellable);
    }
}

static gpointer
run_cb (gpointer user_data)
{
  TdSmtpSink *self = user_data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = NULL;

      connection = g_socket_listener_accept (self->listener, NULL, self->cancellable, NULL);
      if (connection == NULL)
        {
          if (g_cancellable_is_cancelled (self->cancellable))
            return NULL;
          continue;
        }
      serve (self, connection);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
}

TdSmtpSink *
td_smtp_sink_new (guint16 port)
{
  TdSmtpSink *self = g_new0 (TdSmtpSink, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sink_message_free);
  self->cancellable = g_cancellable_new ();
  self->listener = g_socket_listener_new ();
  g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->thread = g_thread_new ("td-smtp-sink", run_cb, self);
  return self;
}

guint16
td_smtp_sink_get_port (TdSmtpSink *self)
{
  return self->port;
}

char *
td_smtp_sink_dup_url (TdSmtpSink *self)
{
  return g_strdup_printf ("smtp://127.0.0.1:%u", self->port);
}

guint
td_smtp_sink_count (TdSmtpSink *self)
{
  guint count;

  g_mutex_lock (&self->mutex);
  count = self->messages->len;
  g_mutex_unlock (&self->mutex);
  return count;
}

gboolean
td_smtp_sink_wait (TdSmtpSink *self,
                   guint       count,
                   guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean arrived;

  g_mutex_lock (&self->mutex);
  while (self->messages->len < count)
    if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
      break;
  arrived = self->messages->len >= count;
  g_mutex_unlock (&self->mutex);
  return arrived;
}

const TdSinkMessage *
td_smtp_sink_get (TdSmtpSink *self,
                  guint       index)
{
  const TdSinkMessage *message = NULL;

  g_mutex_lock (&self->mutex);
  if (index < self->messages->len)
    message = g_ptr_array_index (self->messages, index);
  g_mutex_unlock (&self->mutex);
  return message;
}

void
td_smtp_sink_free (TdSmtpSink *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->thread);
  g_socket_listener_close (self->listener);
  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->messages);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}
