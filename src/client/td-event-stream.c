/* td-event-stream.c: the client of GET /api/v1/events (see td-event-stream.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-event-stream"

#include "config.h"

#include "td-event-stream.h"

#include <libsoup/soup.h>
#include <string.h>

#include "td-json.h"

#define EVENTS_PATH         "/api/v1/events"
#define KEEPALIVE_SECS      30
#define BACKOFF_FIRST_MS    500
#define BACKOFF_MAX_MS      30000
#define MAX_MESSAGE_BYTES   (4 * 1024 * 1024)

struct _TdEventStream
{
  GObject                  parent_instance;

  TdApiClient             *client;
  SoupSession             *session;
  SoupWebsocketConnection *ws;
  GCancellable            *cancellable;  /* of the connect in progress */
  guint                    retry_id;
  guint                    backoff_ms;
  gboolean                 running;
  gboolean                 connected;
};

G_DEFINE_FINAL_TYPE (TdEventStream, td_event_stream, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGE,
  SIGNAL_NOTIFICATION,
  SIGNAL_CONNECTED,
  SIGNAL_SESSION_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_now (TdEventStream *self);

static void
set_connected (TdEventStream *self,
               gboolean       connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
drop_socket (TdEventStream *self)
{
  if (self->ws == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->ws, self);
  if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->ws);
}

static gboolean
retry_cb (gpointer user_data)
{
  TdEventStream *self = user_data;

  self->retry_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

/* Exponential back-off with ±25 % jitter, so that clients cut off together do not all
 * come back in the same instant. */
static void
schedule_retry (TdEventStream *self)
{
  guint delay;

  if (!self->running || self->retry_id != 0)
    return;
  self->backoff_ms = self->backoff_ms == 0 ? BACKOFF_FIRST_MS
                                           : MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
  delay = self->backoff_ms * 3 / 4 + g_random_int_range (0, (gint32) self->backoff_ms / 2 + 1);
  self->retry_id = g_timeout_add (delay, retry_cb, self);
}

static void
message_cb (SoupWebsocketConnection *ws,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  TdEventStream *self = user_data;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  const char *kind;

  if (type != SOUP_WEBSOCKET_DATA_TEXT || data == NULL)
    return;
  node = td_json_parse (data, length, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_debug ("Ignoring a malformed event");
      return;
    }
  object = json_node_get_object (node);
  kind = td_json_get_string (object, "type");

  if (g_strcmp0 (kind, "change") == 0)
    g_signal_emit (self, signals[SIGNAL_CHANGE], 0, td_json_get_int (object, "seq", 0));
  else if (g_strcmp0 (kind, "notification") == 0 &&
           json_object_has_member (object, "notification") &&
           JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "notification")))
    g_signal_emit (self, signals[SIGNAL_NOTIFICATION], 0,
                   json_object_get_object_member (object, "notification"));
  else if (g_strcmp0 (kind, "hello") == 0)
    {
      /* Authenticated and positioned: from here on nothing is missed. */
      self->backoff_ms = 0;
      set_connected (self, TRUE);
      g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
    }
}

static void
closed_cb (SoupWebsocketConnection *ws,
           gpointer                 user_data)
{
  TdEventStream *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (ws);

  g_clear_object (&self->ws);
  set_connected (self, FALSE);
  if (code == TD_EVENT_STREAM_CLOSE_SESSION)
    {
      self->running = FALSE;
      g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0);
      return;
    }
  schedule_retry (self);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TdEventStream) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (ws == NULL)
    {
      g_debug ("Event stream: %s", error->message);
      schedule_retry (self);
      return;
    }
  if (!self->running)
    {
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (ws);
      return;
    }

  self->ws = ws;
  soup_websocket_connection_set_keepalive_interval (ws, KEEPALIVE_SECS);
  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_MESSAGE_BYTES);
  g_signal_connect (ws, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (ws, "closed", G_CALLBACK (closed_cb), self);
}

static void
connect_now (TdEventStream *self)
{
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  const char *token = td_api_client_get_token (self->client);

  if (!self->running || self->ws != NULL || self->cancellable != NULL)
    return;
  if (token == NULL)
    {
      schedule_retry (self);
      return;
    }

  url = g_strconcat (td_api_client_get_base_url (self->client), EVENTS_PATH, NULL);
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    {
      g_warning ("Cannot connect the event stream to %s", url);
      return;
    }
  bearer = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  memset (bearer, 0, strlen (bearer));

  self->cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, connect_cb, g_object_ref (self));
}

void
td_event_stream_start (TdEventStream *self)
{
  g_return_if_fail (TD_IS_EVENT_STREAM (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->backoff_ms = 0;
  connect_now (self);
}

void
td_event_stream_stop (TdEventStream *self)
{
  g_return_if_fail (TD_IS_EVENT_STREAM (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  drop_socket (self);
  set_connected (self, FALSE);
}

gboolean
td_event_stream_get_connected (TdEventStream *self)
{
  g_return_val_if_fail (TD_IS_EVENT_STREAM (self), FALSE);

  return self->connected;
}

TdEventStream *
td_event_stream_new (TdApiClient *client)
{
  TdEventStream *self;

  g_return_val_if_fail (TD_IS_API_CLIENT (client), NULL);

  self = g_object_new (TD_TYPE_EVENT_STREAM, NULL);
  self->client = g_object_ref (client);
  return self;
}

static void
td_event_stream_dispose (GObject *object)
{
  TdEventStream *self = TD_EVENT_STREAM (object);

  td_event_stream_stop (self);
  g_clear_object (&self->client);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (td_event_stream_parent_class)->dispose (object);
}

static void
td_event_stream_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TdEventStream *self = TD_EVENT_STREAM (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_event_stream_class_init (TdEventStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_event_stream_dispose;
  object_class->get_property = td_event_stream_get_property;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The change feed has news up to @seq. */
  signals[SIGNAL_CHANGE] =
    g_signal_new ("change", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* A new or updated notification of the user (the server's JSON object). */
  signals[SIGNAL_NOTIFICATION] =
    g_signal_new ("notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
  /* (Re)connected: catch up through the change feed now. */
  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  /* The server closed the stream because the session ended; the stream has stopped. */
  signals[SIGNAL_SESSION_ENDED] =
    g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
td_event_stream_init (TdEventStream *self)
{
  self->session = soup_session_new_with_options ("user-agent", "Twindesk/" PACKAGE_VERSION,
                                                 NULL);
}
