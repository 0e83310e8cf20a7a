/* td-event-hub.c: the event stream (see td-event-hub.h)
 *
 * Threads: sockets live on the server context. A kick (from any thread) schedules one scan
 * on that context; the scan itself — for every ready client, authenticate its session and
 * read the change feed after the client's position — runs on a worker thread through
 * td_api_run_as(), and its results (messages to send, sockets to close) are applied back on
 * the server context. Scans never overlap: kicks during a scan ask for one more afterwards,
 * so a burst of writes costs two scans, not one per write.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-events"

#include "config.h"

#include "td-event-hub.h"

#include "td-api-private.h"
#include "td-changes.h"
#include "td-json.h"
#include "td-server-error.h"

/* Without any request the hub still looks every so often: sessions expire, and a list may
 * create objects (due tasks) in a GET. */
#define IDLE_SCAN_SECS 15
/* What a client may send: pings and nothing big. */
#define MAX_INCOMING_BYTES 4096

typedef struct
{
  TdEventHub              *hub;
  SoupWebsocketConnection *ws;
  char                    *authorization;  /* "Bearer …", kept to re-check the session */
  gint64                   last_seq;       /* the feed has been read up to here */
  gboolean                 ready;          /* authenticated and positioned */
  gboolean                 closed;
} TdEventClient;

struct _TdEventHub
{
  TdApi        *api;
  GMainContext *context;
  GPtrArray    *clients;         /* TdEventClient *, server context only */
  GMutex        lock;            /* guards the three fields below */
  gboolean      scheduled;       /* an idle source will start a scan */
  gboolean      wrote;           /* a write happened since the last scan started */
  gboolean      scanning;
  gboolean      again;           /* kicked during the scan */
  guint         idle_id;
};

static void
client_free (TdEventClient *client)
{
  if (client->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->ws, client);
      g_object_unref (client->ws);
    }
  if (client->authorization != NULL)
    memset (client->authorization, 0, strlen (client->authorization));
  g_free (client->authorization);
  g_free (client);
}

static void
send_json (TdEventClient *client,
           JsonObject    *message)
{
  g_autofree char *text = td_json_object_to_string (message);

  if (!client->closed &&
      soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (client->ws, text);
}

static void
close_client (TdEventClient *client,
              gushort        code,
              const char    *reason)
{
  if (client->closed)
    return;
  client->closed = TRUE;
  if (soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->ws, code, reason);
}

/* Scans -------------------------------------------------------------------------------- */

/* What a scan found for one client, applied on the server context. */
typedef struct
{
  TdEventClient *client;
  gboolean       first;      /* the client's first scan: position it, say hello */
  gboolean       session_ended;
  gint64         next_seq;
  gint64         change_seq; /* newest change the client may know of, 0: none */
  GPtrArray     *notifications;  /* JSON texts of notification objects */
} ClientNews;

static void
client_news_free (ClientNews *news)
{
  g_clear_pointer (&news->notifications, g_ptr_array_unref);
  g_free (news);
}

typedef struct
{
  TdEventHub *hub;
  GPtrArray  *news;         /* ClientNews *, one per client scanned */
  gboolean    changed;      /* any new change row since the last scan */
} Scan;

static gboolean
read_newest_seq (TdDb   *db,
                 gint64 *out_seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT coalesce(max(seq), 0) FROM changes",
                                            &error);

  if (stmt == NULL || td_db_stmt_step (stmt, &error) != TD_DB_STEP_ROW)
    {
      g_warning ("Reading the newest change failed: %s", error ? error->message : "no row");
      return FALSE;
    }
  *out_seq = td_db_stmt_get_int64 (stmt, 0);
  return TRUE;
}

/* As the client's user (td_api_run_as). */
static void
scan_client_cb (TdApiCall *call,
                gpointer   user_data)
{
  ClientNews *news = user_data;

  if (news->first)
    {
      /* Start from now: the client catches up through the feed after connecting. */
      if (!read_newest_seq (call->db, &news->next_seq))
        news->next_seq = news->client->last_seq;
      return;
    }

  news->next_seq = news->client->last_seq;
  for (guint round = 0; round < 100; round++)
    {
      TdApiResponse *error_response = NULL;
      g_autoptr(TdChangesPage) page = td_changes_page (call, news->next_seq,
                                                       TD_CHANGES_MAX_LIMIT, &error_response);

      if (page == NULL)
        {
          /* 410 (the user's scope changed): tell the client there is news; its feed read
           * gets the 410 and it resyncs. */
          if (error_response != NULL && error_response->status == 410 &&
              read_newest_seq (call->db, &news->next_seq))
            news->change_seq = MAX (news->change_seq, news->next_seq);
          td_api_response_free (error_response);
          return;
        }

      news->change_seq = MAX (news->change_seq, page->last_change_seq);
      for (guint i = 0; i < page->notifications->len; i++)
        {
          if (news->notifications == NULL)
            news->notifications = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (news->notifications, g_strdup (page->notifications->pdata[i]));
        }
      news->next_seq = page->next_since;
      if (!page->has_more)
        return;
    }
}
static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Scan *scan = task_data;

  for (guint i = 0; i < scan->news->len; i++)
    {
      ClientNews *news = scan->news->pdata[i];
      g_autoptr(GError) error = NULL;

      /* No write since the last scan: only new clients have work. */
      if (!news->first && !scan->changed)
        {
          news->next_seq = news->client->last_seq;
          continue;
        }

      if (!td_api_run_as (scan->hub->api, news->client->authorization, scan_client_cb, news,
                          &error))
        {
          if (g_error_matches (error, TD_SERVER_ERROR, TD_SERVER_ERROR_UNAUTHORIZED))
            news->session_ended = TRUE;
          else
            {
              g_warning ("Reading events failed: %s", error->message);
              news->next_seq = news->client->last_seq;
            }
        }
    }
}

static void start_scan (TdEventHub *hub);

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TdEventHub *hub = user_data;
  Scan *scan = g_task_get_task_data (G_TASK (result));
  gboolean again;

  for (guint i = 0; i < scan->news->len; i++)
    {
      ClientNews *news = scan->news->pdata[i];
      TdEventClient *client = news->client;

      if (client->closed)
        continue;
      if (news->session_ended)
        {
          close_client (client, TD_EVENTS_CLOSE_SESSION, "The session has ended");
          continue;
        }

      client->last_seq = MAX (client->last_seq, news->next_seq);
      if (news->first)
        {
          g_autoptr(JsonObject) hello = json_object_new ();

          client->ready = TRUE;
          json_object_set_string_member (hello, "type", "hello");
          json_object_set_int_member (hello, "seq", client->last_seq);
          send_json (client, hello);
          continue;
        }
      if (news->change_seq > 0)
        {
          g_autoptr(JsonObject) message = json_object_new ();

          json_object_set_string_member (message, "type", "change");
          json_object_set_int_member (message, "seq", news->change_seq);
          send_json (client, message);
        }
      for (guint n = 0; news->notifications != NULL && n < news->notifications->len; n++)
        {
          g_autofree char *message = g_strconcat ("{\"type\":\"notification\",\"notification\":",
                                                  (const char *) news->notifications->pdata[n],
                                                  "}", NULL);

          if (!client->closed &&
              soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_send_text (client->ws, message);
        }
    }

  g_mutex_lock (&hub->lock);
  hub->scanning = FALSE;
  again = hub->again;
  hub->again = FALSE;
  g_mutex_unlock (&hub->lock);

  if (again)
    start_scan (hub);
}

static void
scan_free (gpointer data)
{
  Scan *scan = data;

  g_ptr_array_unref (scan->news);
  g_free (scan);
}

/* On the server context. */
static void
start_scan (TdEventHub *hub)
{
  g_autoptr(GTask) task = NULL;
  Scan *scan;
  gboolean wrote;

  g_mutex_lock (&hub->lock);
  if (hub->scanning)
    {
      hub->again = TRUE;
      g_mutex_unlock (&hub->lock);
      return;
    }
  hub->scanning = TRUE;
  wrote = hub->wrote;
  hub->wrote = FALSE;
  g_mutex_unlock (&hub->lock);

  /* Drop closed clients; the scan holds the rest (the hub outlives every scan). */
  for (guint i = hub->clients->len; i > 0; i--)
    {
      TdEventClient *client = hub->clients->pdata[i - 1];

      if (client->closed)
        g_ptr_array_remove_index_fast (hub->clients, i - 1);
    }

  scan = g_new0 (Scan, 1);
  scan->hub = hub;
  scan->changed = wrote;
  scan->news = g_ptr_array_new_with_free_func ((GDestroyNotify) client_news_free);
  for (guint i = 0; i < hub->clients->len; i++)
    {
      ClientNews *news = g_new0 (ClientNews, 1);

      news->client = hub->clients->pdata[i];
      news->first = !news->client->ready;
      g_ptr_array_add (scan->news, news);
    }

  task = g_task_new (NULL, NULL, scan_done_cb, hub);
  g_task_set_task_data (task, scan, scan_free);
  /* Clients must stay alive until scan_done_cb: they are freed only by the hub. */
  g_task_run_in_thread (task, scan_thread);
}

static gboolean
scheduled_scan_cb (gpointer user_data)
{
  TdEventHub *hub = user_data;

  g_mutex_lock (&hub->lock);
  hub->scheduled = FALSE;
  g_mutex_unlock (&hub->lock);
  start_scan (hub);
  return G_SOURCE_REMOVE;
}

void
td_event_hub_kick (TdEventHub *hub,
                   gboolean    wrote)
{
  gboolean schedule;

  g_return_if_fail (hub != NULL);

  g_mutex_lock (&hub->lock);
  hub->wrote |= wrote;
  schedule = !hub->scheduled;
  hub->scheduled = TRUE;
  g_mutex_unlock (&hub->lock);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, scheduled_scan_cb, hub, NULL);
      g_source_attach (source, hub->context);
      g_source_unref (source);
    }
}

static gboolean
idle_scan_cb (gpointer user_data)
{
  TdEventHub *hub = user_data;

  /* Sessions may have expired and GETs may have written: a full look. */
  if (hub->clients->len > 0)
    td_event_hub_kick (hub, TRUE);
  return G_SOURCE_CONTINUE;
}

/* Sockets ------------------------------------------------------------------------------ */

static void
message_cb (SoupWebsocketConnection *ws,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  TdEventClient *client = user_data;
  g_autoptr(JsonNode) node = NULL;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  /* The only message a client sends is an application-level ping. */
  if (type == SOUP_WEBSOCKET_DATA_TEXT && length > 0 && length < 256)
    {
      g_autofree char *text = g_strndup (data, length);

      node = td_json_parse (text, strlen (text), NULL);
    }
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      g_strcmp0 (td_json_get_string (json_node_get_object (node), "type"), "ping") == 0)
    {
      g_autoptr(JsonObject) pong = json_object_new ();

      json_object_set_string_member (pong, "type", "pong");
      send_json (client, pong);
      return;
    }
  close_client (client, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "Unexpected message");
}

static void
closed_cb (SoupWebsocketConnection *ws,
           gpointer                 user_data)
{
  TdEventClient *client = user_data;

  client->closed = TRUE;
}

static void
websocket_cb (SoupServer              *soup,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  TdEventHub *hub = user_data;
  TdEventClient *client = g_new0 (TdEventClient, 1);
  const char *authorization;

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  client->hub = hub;
  client->ws = g_object_ref (ws);
  client->authorization = g_strdup (authorization != NULL ? authorization : "");
  soup_websocket_connection_set_keepalive_interval (ws, TD_EVENTS_KEEPALIVE_SECS);
  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_INCOMING_BYTES);
  g_signal_connect (ws, "message", G_CALLBACK (message_cb), client);
  g_signal_connect (ws, "closed", G_CALLBACK (closed_cb), client);
  g_ptr_array_add (hub->clients, client);

  /* The first scan authenticates it (closing it with 4401 if the token is not valid). */
  td_event_hub_kick (hub, FALSE);
}

static void
refuse (SoupServerMessage *msg,
        guint              status,
        const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

/* Runs before libsoup looks at the handshake: a status set here refuses it. Requests
 * without a bearer token are refused outright; a token is checked by the first scan, off
 * the main loop (a socket with an invalid one is closed with 4401 before any event). */
static void
events_handler_cb (SoupServer        *soup,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (g_strcmp0 (path, TD_EVENTS_PATH) != 0)
    refuse (msg, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"No such route\"}}");
  else if (!soup_message_headers_header_contains (headers, "Upgrade", "websocket"))
    refuse (msg, 400, "{\"error\":{\"code\":\"websocket_required\","
                      "\"message\":\"This route takes a WebSocket handshake\"}}");
  else if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") ||
           strlen (authorization) > 600)
    refuse (msg, 401, "{\"error\":{\"code\":\"unauthorized\","
                      "\"message\":\"A bearer token is required\"}}");
}

TdEventHub *
td_event_hub_new (TdApi        *api,
                  SoupServer   *soup,
                  GMainContext *context)
{
  TdEventHub *hub = g_new0 (TdEventHub, 1);
  GSource *idle;

  hub->api = api;
  hub->context = g_main_context_ref (context);
  hub->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  g_mutex_init (&hub->lock);

  soup_server_add_handler (soup, TD_EVENTS_PATH, events_handler_cb, hub, NULL);
  soup_server_add_websocket_handler (soup, TD_EVENTS_PATH, NULL, NULL, websocket_cb, hub, NULL);

  idle = g_timeout_source_new_seconds (IDLE_SCAN_SECS);
  g_source_set_callback (idle, idle_scan_cb, hub, NULL);
  hub->idle_id = g_source_attach (idle, context);
  g_source_unref (idle);
  return hub;
}

guint
td_event_hub_count (TdEventHub *hub)
{
  guint n = 0;

  for (guint i = 0; i < hub->clients->len; i++)
    n += !((TdEventClient *) hub->clients->pdata[i])->closed;
  return n;
}

void
td_event_hub_free (TdEventHub *hub)
{
  if (hub == NULL)
    return;

  if (hub->idle_id != 0)
    {
      GSource *idle = g_main_context_find_source_by_id (hub->context, hub->idle_id);

      if (idle != NULL)
        g_source_destroy (idle);
    }

  for (guint i = 0; i < hub->clients->len; i++)
    close_client (hub->clients->pdata[i], SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                  "The server is stopping");

  /* A running scan still refers to the clients: let it finish and apply. */
  for (;;)
    {
      gboolean busy;

      g_mutex_lock (&hub->lock);
      busy = hub->scanning || hub->scheduled;
      g_mutex_unlock (&hub->lock);
      if (!busy)
        break;
      g_main_context_iteration (hub->context, TRUE);
    }

  g_ptr_array_unref (hub->clients);
  g_mutex_clear (&hub->lock);
  g_main_context_unref (hub->context);
  g_free (hub);
}
