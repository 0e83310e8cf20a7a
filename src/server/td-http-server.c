/* td-http-server.c
 *
 * SoupServer runs every handler on one main context, so a handler that blocks stalls all
 * connections. Here the handler only copies the request into a TdApiRequest, pauses the
 * message and queues the work; a worker thread runs td_api_dispatch(), and the response
 * is applied and the message unpaused back on the server's context. libsoup objects are
 * only ever touched on that context.
 *
 * Two pools: argon2id (login) is CPU-bound and takes ~50 ms, so it gets a small pool of
 * its own, bounded by the number of cores; everything else has the general pool and
 * keeps answering while logins are being hashed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-http"

#include "config.h"

#include "td-http-server.h"

#include <libsoup/soup.h>
#include <string.h>

#include "td-http-reject.h"
#include "td-event-hub.h"
#include "td-server-error.h"

/* Beyond this many waiting requests per pool the server sheds load instead of queueing
 * work no client will wait for. */
#define MAX_QUEUED 1024
/* How long a stopping server lets accepted requests finish before it closes connections. */
#define SHUTDOWN_GRACE_USEC (10 * G_USEC_PER_SEC)

struct _TdHttpServer
{
  TdApi        *api;
  SoupServer   *soup;
  GMainContext *context;        /* where SoupServer runs and responses are applied */
  GThreadPool  *general_pool;
  GThreadPool  *slow_pool;
  guint         active;         /* jobs queued or running; server context only */
  gboolean      shutting_down;  /* new requests get 503 */
  gboolean      disconnected;   /* connections are closed: no message may be touched */
  TdEventHub   *events;         /* the WebSocket event stream */
};

/* A request on its way through a worker thread. */
typedef struct
{
  TdHttpServer      *server;
  SoupServerMessage *msg;       /* only touched on server->context */
  TdApiRequest      *request;
  TdApiResponse     *response;  /* set by the worker */
  gint64             started;
  gboolean           gone;      /* the client went away while the message was paused */
} TdHttpJob;

/* The body limit of a request's route (decided when its headers arrive) and the body bytes
 * seen so far, for bodies without Content-Length. */
typedef struct
{
  TdHttpServer *server;
  gsize         limit;
  goffset       received;
} TdHttpBodyCount;

static void
job_free (TdHttpJob *job)
{
  if (job->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (job->msg, job);
      g_object_unref (job->msg);
    }
  td_api_request_free (job->request);
  td_api_response_free (job->response);
  g_free (job);
}

static void
log_request (const char *method,
             const char *path,
             guint       status,
             gint64      started)
{
  double ms = (g_get_monotonic_time () - started) / 1000.0;

  /* Path only: query strings and headers may carry things that do not belong in logs. */
  if (status >= 500)
    g_warning ("%s %s → %u (%.1f ms)", method, path, status, ms);
  else
    g_debug ("%s %s → %u (%.1f ms)", method, path, status, ms);
}

static void
apply_response (SoupServerMessage   *msg,
                const TdApiResponse *response)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, response->status, NULL);
  for (guint i = 0; i + 1 < response->headers->len; i += 2)
    soup_message_headers_replace (headers, g_ptr_array_index (response->headers, i),
                                  g_ptr_array_index (response->headers, i + 1));

  if (response->body != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (response->body, &length);

      soup_server_message_set_response (msg, response->content_type, SOUP_MEMORY_COPY, data, length);
    }
}

static void
respond_now (SoupServerMessage *msg,
             TdApiResponse     *response)
{
  apply_response (msg, response);
  td_api_response_free (response);
}

/* On the server context, after the worker is done. */
static gboolean
complete_job_cb (gpointer user_data)
{
  TdHttpJob *job = user_data;

  if (!job->gone && !job->server->disconnected)
    {
      apply_response (job->msg, job->response);
      soup_server_message_unpause (job->msg);
    }

  job->server->active--;
  /* A write has committed (or failed, which costs one needless look): tell the sockets. */
  if (!g_str_equal (job->request->method, "GET") && job->server->events != NULL)
    td_event_hub_kick (job->server->events, TRUE);
  log_request (job->request->method, job->request->path, job->response->status, job->started);
  job_free (job);
  return G_SOURCE_REMOVE;
}

/* On a worker thread. */
static void
run_job (gpointer data,
         gpointer user_data)
{
  TdHttpJob *job = data;
  GSource *source;

  job->response = td_api_dispatch (job->server->api, job->request);

  /* An idle source on the server context, not g_main_context_invoke(): that would run the
   * callback right here, on the worker, whenever the context happens to be free. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, complete_job_cb, job, NULL);
  g_source_attach (source, job->server->context);
  g_source_unref (source);
}

static void
message_gone_cb (SoupServerMessage *msg,
                 gpointer           user_data)
{
  TdHttpJob *job = user_data;

  job->gone = TRUE;
}

static char *
dup_header (SoupMessageHeaders *headers,
            const char         *name)
{
  return g_strdup (soup_message_headers_get_one (headers, name));
}

static TdApiRequest *
request_from_message (SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  TdApiRequest *request = td_api_request_new (soup_server_message_get_method (msg), path);
  GHashTableIter iter;
  gpointer key, value;

  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (request->query, g_strdup (key), g_strdup (value));
    }

  request->authorization = dup_header (headers, "Authorization");
  request->if_match = dup_header (headers, "If-Match");
  request->idempotency_key = dup_header (headers, "Idempotency-Key");
  request->content_type = dup_header (headers, "Content-Type");
  request->user_agent = dup_header (headers, "User-Agent");
  request->peer = g_strdup (soup_server_message_get_remote_host (msg));
  request->host = dup_header (headers, "Host");
  if (request->host == NULL || *request->host == '\0')
    {
      GSocketAddress *local = soup_server_message_get_local_address (msg);

      g_clear_pointer (&request->host, g_free);
      if (G_IS_INET_SOCKET_ADDRESS (local))
        {
          GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (local);
          g_autofree char *address = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

          request->host = g_strdup_printf (strchr (address, ':') != NULL ? "[%s]:%u" : "%s:%u",
                                           address, g_inet_socket_address_get_port (inet));
        }
    }
  td_api_request_take_body (request,
                            soup_message_body_flatten (soup_server_message_get_request_body (msg)));
  return request;
}

static void
handle_request_cb (SoupServer        *soup,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  TdHttpServer *self = user_data;
  TdHttpJob *job;
  GThreadPool *pool;

  job = g_new0 (TdHttpJob, 1);
  job->server = self;
  job->started = g_get_monotonic_time ();
  job->request = request_from_message (msg, path, query);

  pool = td_api_classify (self->api, job->request) == TD_API_COST_SLOW ? self->slow_pool
                                                                        : self->general_pool;
  if (self->shutting_down || g_thread_pool_unprocessed (pool) >= MAX_QUEUED)
    {
      TdApiResponse *response = td_api_response_new_error (503, "unavailable",
                                                           self->shutting_down
                                                             ? "The server is stopping; try again"
                                                             : "The server is busy; try again",
                                                           NULL);

      td_api_response_set_header (response, "Retry-After", "1");
      if (self->shutting_down)
        td_api_response_set_header (response, "Connection", "close");
      log_request (job->request->method, job->request->path, 503, job->started);
      respond_now (msg, response);
      job_free (job);
      return;
    }

  job->msg = g_object_ref (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (message_gone_cb), job);
  g_signal_connect (msg, "finished", G_CALLBACK (message_gone_cb), job);
  soup_server_message_pause (msg);
  self->active++;
  g_thread_pool_push (pool, job, NULL);
}

static void
reject_too_large (SoupServerMessage *msg,
                  gsize              limit)
{
  g_autoptr(TdApiResponse) response = td_api_too_large_error (limit);
  GUri *uri = soup_server_message_get_uri (msg);

  g_debug ("%s %s → 413 (body over the limit of %" G_GSIZE_FORMAT " bytes)",
           soup_server_message_get_method (msg), uri != NULL ? g_uri_get_path (uri) : "?", limit);
  td_http_reject_and_close (msg, response);
}

/* Bodies without Content-Length (chunked) are counted as they arrive. */
static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  TdHttpBodyCount *count = user_data;

  count->received += (goffset) g_bytes_get_size (chunk);
  if (count->received > (goffset) count->limit)
    {
      g_signal_handlers_disconnect_by_func (msg, got_chunk_cb, user_data);
      reject_too_large (msg, count->limit);
    }
}

/* Decides the body limit from the route (a raw upload takes more than a JSON body) and
 * refuses an announced oversized body before a byte of it is read. SoupServer's own
 * got-headers handler runs first, so the path is already decoded as handlers will see it. */
static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  TdHttpBodyCount *count = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);

  count->limit = td_api_body_limit (count->server->api, soup_server_message_get_method (msg),
                                    uri != NULL ? g_uri_get_path (uri) : NULL);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) count->limit)
    {
      g_signal_handlers_disconnect_by_func (msg, got_chunk_cb, count);
      reject_too_large (msg, count->limit);
    }
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  TdHttpBodyCount *count = g_new0 (TdHttpBodyCount, 1);

  /* The smallest limit until the route is known. */
  count->server = user_data;
  count->limit = TD_API_MAX_BODY_BYTES;
  g_object_set_data_full (G_OBJECT (msg), "td-body-count", count, g_free);
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), count);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), count);
}

static guint
slow_pool_size (void)
{
  /* argon2id is CPU-bound: more threads than cores only make every login slower. */
  return CLAMP (g_get_num_processors (), 2, TD_HTTP_SLOW_THREADS_MAX);
}

TdHttpServer *
td_http_server_new (TdApi   *api,
                    GError **error)
{
  g_autoptr(TdHttpServer) self = g_new0 (TdHttpServer, 1);

  self->api = api;
  self->context = g_main_context_ref_thread_default ();
  self->soup = soup_server_new ("server-header", "twindesk-server/" PACKAGE_VERSION, NULL);

  self->general_pool = g_thread_pool_new (run_job, self, TD_HTTP_GENERAL_THREADS, FALSE, error);
  if (self->general_pool == NULL)
    return NULL;
  self->slow_pool = g_thread_pool_new (run_job, self, (gint) slow_pool_size (), FALSE, error);
  if (self->slow_pool == NULL)
    return NULL;

  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  soup_server_add_handler (self->soup, NULL, handle_request_cb, self, NULL);
  self->events = td_event_hub_new (api, self->soup, self->context);

  return g_steal_pointer (&self);
}

static GInetAddress *
resolve_host (const char  *host,
              GError     **error)
{
  g_autoptr(GResolver) resolver = NULL;
  GList *addresses;
  GInetAddress *first;

  if (g_hostname_is_ip_address (host))
    return g_inet_address_new_from_string (host);

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  resolver = g_resolver_get_default ();
  addresses = g_resolver_lookup_by_name (resolver, host, NULL, error);
  if (addresses == NULL)
    return NULL;

  first = g_object_ref (addresses->data);
  g_resolver_free_addresses (addresses);
  return first;
}

/* Binds to "HOST:PORT" ("[::1]:8080" for IPv6); port 0 picks a free port. */
gboolean
td_http_server_listen (TdHttpServer  *self,
                       const char    *host_and_port,
                       GError       **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *host;

  connectable = g_network_address_parse (host_and_port, 0, &local_error);
  if (connectable == NULL || strchr (host_and_port, ':') == NULL)
    {
      g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                   "“%s” is not HOST:PORT%s%s", host_and_port,
                   local_error ? ": " : "", local_error ? local_error->message : "");
      return FALSE;
    }

  host = g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable));
  address = resolve_host (host, error);
  if (address == NULL)
    return FALSE;

  socket_address = g_inet_socket_address_new (address,
                                              g_network_address_get_port (G_NETWORK_ADDRESS (connectable)));
  if (!soup_server_listen (self->soup, socket_address, 0, &local_error))
    {
      g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_LISTEN,
                   "Cannot listen on %s: %s", host_and_port, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The base URL clients use, e.g. "http://127.0.0.1:8080"; NULL before listening. */
char *
td_http_server_dup_url (TdHttpServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  char *url = NULL;

  if (uris != NULL)
    {
      GUri *uri = uris->data;
      const char *host = g_uri_get_host (uri);

      url = g_strdup_printf (strchr (host, ':') != NULL ? "http://[%s]:%d" : "http://%s:%d",
                             host, g_uri_get_port (uri));
    }

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

static gboolean
wake_up_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Graceful stop: requests already accepted are answered (new ones get 503) for up to
 * SHUTDOWN_GRACE_USEC, then connections close, workers finish, and their completions run
 * without touching connections. A rolling restart behind nginx loses no answered request. */
void
td_http_server_shutdown (TdHttpServer *self)
{
  gint64 deadline = g_get_monotonic_time () + SHUTDOWN_GRACE_USEC;
  GSource *wake_up;

  if (self->disconnected)
    return;

  self->shutting_down = TRUE;

  /* Iterating with may_block needs something to wake it when the deadline passes. */
  wake_up = g_timeout_source_new (50);
  g_source_set_callback (wake_up, wake_up_cb, NULL, NULL);
  g_source_attach (wake_up, self->context);
  while (self->active > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (wake_up);
  g_source_unref (wake_up);

  /* Let the last unpaused answers go out. */
  for (int i = 0; i < 100 && g_main_context_pending (self->context); i++)
    g_main_context_iteration (self->context, FALSE);

  if (self->active > 0)
    g_warning ("Stopping with %u requests unanswered", self->active);

  g_clear_pointer (&self->events, td_event_hub_free);
  self->disconnected = TRUE;
  soup_server_disconnect (self->soup);

  /* Not immediate, and waiting: queued requests still run, so none is silently lost. */
  if (self->slow_pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->slow_pool), FALSE, TRUE);
  if (self->general_pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->general_pool), FALSE, TRUE);

  while (g_main_context_pending (self->context))
    g_main_context_iteration (self->context, FALSE);
}

void
td_http_server_free (TdHttpServer *self)
{
  if (self == NULL)
    return;

  if (self->soup != NULL)
    td_http_server_shutdown (self);

  g_clear_object (&self->soup);
  g_main_context_unref (self->context);
  g_free (self);
}
