/* td-http-reject.c
 *
 * SoupServer reads every request body to the end before it answers, and setting a status
 * in got-headers does not change that (checked on libsoup 3.2.3: a 2 MB body is read in
 * full, the handler is skipped, then the status goes out; only a client that sent
 * "Expect: 100-continue" is spared the upload). To refuse an oversized body without
 * reading it, the connection is stolen from SoupServer, the error response is written
 * directly, and the connection is closed.
 *
 * Closing a socket that still has unread input makes the kernel send a reset, and the
 * client may then lose the response it has not read yet. So after writing, the sending
 * side is shut down and the input is read and thrown away, bounded in bytes and time,
 * before the close (the "lingering close" of Apache and nginx). Nothing is kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-http"

#include "config.h"

#include "td-http-reject.h"

#define LINGER_MAX_BYTES   (16 * 1024 * 1024)
#define LINGER_MAX_SECONDS 5
#define LINGER_CHUNK       (64 * 1024)

typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;       /* NULL when the stream does not expose it */
  GCancellable *cancellable;
  GSource      *timeout;      /* on the thread-default context, like the I/O */
  GBytes       *response;
  gsize         drained;
} TdHttpReject;

static void
clear_timeout (TdHttpReject *reject)
{
  if (reject->timeout != NULL)
    {
      g_source_destroy (reject->timeout);
      g_clear_pointer (&reject->timeout, g_source_unref);
    }
}

static void
reject_free (TdHttpReject *reject)
{
  clear_timeout (reject);
  g_clear_object (&reject->cancellable);
  g_clear_object (&reject->socket);
  g_clear_pointer (&reject->response, g_bytes_unref);
  g_clear_object (&reject->stream);
  g_free (reject);
}

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TdHttpReject *reject = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  reject_free (reject);
}

static void
finish (TdHttpReject *reject)
{
  clear_timeout (reject);
  g_io_stream_close_async (reject->stream, G_PRIORITY_DEFAULT, NULL, closed_cb, reject);
}

static void drain (TdHttpReject *reject);

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TdHttpReject *reject = user_data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      finish (reject);
      return;
    }

  reject->drained += g_bytes_get_size (bytes);
  if (reject->drained >= LINGER_MAX_BYTES)
    finish (reject);
  else
    drain (reject);
}

static void
drain (TdHttpReject *reject)
{
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (reject->stream), LINGER_CHUNK,
                                   G_PRIORITY_LOW, reject->cancellable, drained_cb, reject);
}

static gboolean
linger_timeout_cb (gpointer user_data)
{
  TdHttpReject *reject = user_data;

  g_clear_pointer (&reject->timeout, g_source_unref);
  g_cancellable_cancel (reject->cancellable);
  return G_SOURCE_REMOVE;
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TdHttpReject *reject = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL) ||
      reject->socket == NULL ||
      !g_socket_shutdown (reject->socket, FALSE, TRUE, NULL))
    {
      finish (reject);
      return;
    }

  reject->timeout = g_timeout_source_new_seconds (LINGER_MAX_SECONDS);
  g_source_set_callback (reject->timeout, linger_timeout_cb, reject, NULL);
  g_source_attach (reject->timeout, g_main_context_get_thread_default ());
  drain (reject);
}

static GBytes *
serialize (const TdApiResponse *response)
{
  GString *text = g_string_new (NULL);
  gsize body_length = response->body != NULL ? g_bytes_get_size (response->body) : 0;

  g_string_append_printf (text, "HTTP/1.1 %u %s\r\n", response->status,
                          soup_status_get_phrase (response->status));
  if (response->body != NULL)
    g_string_append_printf (text, "Content-Type: %s\r\n", response->content_type);
  g_string_append_printf (text, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_length);
  for (guint i = 0; i + 1 < response->headers->len; i += 2)
    g_string_append_printf (text, "%s: %s\r\n", (const char *) g_ptr_array_index (response->headers, i),
                            (const char *) g_ptr_array_index (response->headers, i + 1));
  g_string_append (text, "Connection: close\r\n\r\n");
  if (response->body != NULL)
    g_string_append_len (text, g_bytes_get_data (response->body, NULL), (gssize) body_length);

  return g_string_free_to_bytes (text);
}

/* Answers @msg with @response and closes its connection without reading the rest of the
 * request. Call it from a got-headers or got-chunk handler; @msg must not be used after. */
void
td_http_reject_and_close (SoupServerMessage   *msg,
                          const TdApiResponse *response)
{
  TdHttpReject *reject;
  GIOStream *stream;
  GSocket *socket;

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;

  reject = g_new0 (TdHttpReject, 1);
  reject->stream = stream;
  reject->cancellable = g_cancellable_new ();
  reject->response = serialize (response);

  /* libsoup attaches the GSocket to the stolen stream; a plain GSocketConnection has it too. */
  if (G_IS_SOCKET_CONNECTION (stream))
    socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  else
    socket = g_object_get_data (G_OBJECT (stream), "GSocket");
  if (socket != NULL)
    reject->socket = g_object_ref (socket);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (reject->response, NULL),
                                   g_bytes_get_size (reject->response),
                                   G_PRIORITY_DEFAULT, NULL, written_cb, reject);
}
