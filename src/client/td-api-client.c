/* td-api-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-client"

#include "config.h"

#include "td-api-client.h"
#include "td-api-client-private.h"
#include "td-api-resources-private.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>
#include <string.h>

#include "td-json.h"

#define DEFAULT_TIMEOUT_SECONDS 30
/* Initial sync fetches several pages at once; libsoup's default of 2 would queue them. */
#define MAX_CONNS_PER_HOST      8
/* A server message longer than this is not a sentence meant for a person. */
#define MAX_SERVER_MESSAGE      500

struct _TdApiClient
{
  GObject      parent_instance;

  char        *base_url;
  char        *token;
  guint        timeout;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (TdApiClient, td_api_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  SoupMessage     *message;
  TdApiResponseHandler  handle;
  /* An error status that still counts as success for this call (0 for none). */
  guint            accepted_status;
  /* The member the server blamed in its error body (`field`), for finishes that ask. */
  char            *error_field;
  /* Idempotent requests (GET) are sent again after a refused or reset connection or a
   * 502/503/504: how many times so far. */
  guint            retries;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->message);
  g_free (request->error_field);
  g_free (request);
}

/* The body holds a password or token: overwrite it when libsoup lets go of it. */
static GBytes *
secret_bytes_new_take (char *data)
{
  return g_bytes_new_with_free_func (data, strlen (data), (GDestroyNotify) secret_password_free,
                                     data);
}

static GError *
transport_error_new (TdApiClient  *self,
                     const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (TD_API_ERROR, TD_API_ERROR_TIMEOUT,
                        _("%s did not answer in time"), self->base_url);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT,
                        _("%s refused the connection. Is the Twindesk server running there?"),
                        self->base_url);

  if (error->domain == G_RESOLVER_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    return g_error_new (TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT,
                        _("The server name in %s could not be found"), self->base_url);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    return g_error_new (TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT,
                        _("%s cannot be reached from this network"), self->base_url);

  if (error->domain == G_TLS_ERROR)
    return g_error_new (TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT,
                        _("The secure connection to %s failed: %s"), self->base_url,
                        error->message);

  /* libsoup could not read what came back as HTTP at all. */
  if (error->domain == SOUP_SESSION_ERROR)
    return g_error_new (TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE,
                        _("%s did not answer like a Twindesk server: %s"), self->base_url,
                        error->message);

  /* Connection reset or closed early, proxy failures, …: the server could not be talked to. */
  return g_error_new (TD_API_ERROR, TD_API_ERROR_CANNOT_CONNECT,
                      _("Cannot connect to %s: %s"), self->base_url, error->message);
}

const char *
td_api_client_status_fallback_message (TdApiError code)
{
  switch (code)
    {
    case TD_API_ERROR_BAD_REQUEST:
      return _("The server did not accept the request");
    case TD_API_ERROR_UNAUTHORIZED:
      return _("The session has ended; please log in again");
    case TD_API_ERROR_FORBIDDEN:
      return _("You are not allowed to do this");
    case TD_API_ERROR_NOT_FOUND:
      return _("It does not exist, or you cannot see it");
    case TD_API_ERROR_CONFLICT:
      return _("This conflicts with data that already exists");
    case TD_API_ERROR_PRECONDITION_FAILED:
      return _("It was changed by someone else in the meantime");
    case TD_API_ERROR_TOO_LARGE:
      return _("This is too large for the server");
    case TD_API_ERROR_INVALID:
      return _("The server did not accept the data");
    case TD_API_ERROR_PRECONDITION_REQUIRED:
      return _("The server needs to know which version is being changed");
    case TD_API_ERROR_TOO_MANY_REQUESTS:
      return _("Too many attempts; please wait a moment and try again");
    case TD_API_ERROR_SERVER:
      return _("The server ran into a problem; please try again later");
    case TD_API_ERROR_CANNOT_CONNECT:
    case TD_API_ERROR_TIMEOUT:
    case TD_API_ERROR_INVALID_URL:
    case TD_API_ERROR_INVALID_RESPONSE:
    default:
      return _("The server sent an answer Twindesk does not understand");
    }
}

/* An error status becomes its TD_API_ERROR code. The server explains itself in
 * {"error":{"code","message","field"}}; that message is meant for people, so it becomes the
 * GError message. Anything else in the body (a proxy's HTML page) is ignored. */
static GError *
status_error_new (guint    status,
                  GBytes  *body,
                  char   **error_field)
{
  TdApiError code = td_api_error_from_status (status);
  g_autoptr(JsonObject) object = NULL;
  JsonObject *server_error = NULL;
  const char *message = NULL;
  const char *server_code = NULL;
  gsize length = 0;
  const char *data = body ? g_bytes_get_data (body, &length) : NULL;

  if (length > 0)
    object = td_json_parse_object (data, length, NULL);
  server_error = td_json_get_object (object, "error");
  message = td_json_get_string (server_error, "message");
  server_code = td_json_get_string (server_error, "code");
  if (error_field != NULL)
    *error_field = g_strdup (td_json_get_string (server_error, "field"));

  g_debug ("HTTP %u, server error code “%s”", status, server_code ? server_code : "");

  if (message != NULL && *message != '\0' &&
      g_utf8_strlen (message, -1) <= MAX_SERVER_MESSAGE)
    return g_error_new_literal (TD_API_ERROR, code, message);

  if (code == TD_API_ERROR_INVALID_RESPONSE)
    return g_error_new (TD_API_ERROR, code,
                        _("The server answered with the unexpected HTTP status %u"), status);

  return g_error_new_literal (TD_API_ERROR, code, td_api_client_status_fallback_message (code));
}

typedef gpointer (*Decoder) (JsonObject  *object,
                             GError     **error);

/* Every body goes through the depth-checked parser and then @decode; whatever does not
 * parse, is not an object, or lacks what @decode needs is INVALID_RESPONSE. */
static gpointer
decode_body (GBytes   *body,
             Decoder   decode,
             GError  **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) local_error = NULL;
  gpointer decoded = NULL;
  gsize length = 0;
  const char *data = body ? g_bytes_get_data (body, &length) : NULL;

  object = td_json_parse_object (data, length, &local_error);
  if (object != NULL)
    decoded = decode (object, &local_error);

  if (decoded == NULL)
    {
      g_debug ("Unusable response body: %s", local_error ? local_error->message : "?");
      g_set_error_literal (error, TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE,
                           td_api_client_status_fallback_message (TD_API_ERROR_INVALID_RESPONSE));
    }

  return decoded;
}

static void send_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

static gboolean
resend_cb (gpointer user_data)
{
  GTask *task = user_data;
  TdApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessage *again;
  SoupMessageHeaders *headers;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  /* A message is sent once: the retry is a copy (GET: no body). */
  again = soup_message_new_from_uri (soup_message_get_method (request->message),
                                     soup_message_get_uri (request->message));
  headers = soup_message_get_request_headers (again);
  soup_message_headers_iter_init (&iter, soup_message_get_request_headers (request->message));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (headers, name, value);
  g_object_unref (request->message);
  request->message = again;

  soup_session_send_and_read_async (self->session, request->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), send_cb, task);
  return G_SOURCE_REMOVE;
}

/* Whether to send @request again after @error (transport) or @status: only a GET, only
 * when nothing was answered or the server said it is briefly unavailable, at most
 * TD_API_CLIENT_MAX_RETRIES times; a timeout has made the person wait long enough. */
static gboolean
should_retry (Request      *request,
              const GError *error,
              guint         status)
{
  if (request->retries >= TD_API_CLIENT_MAX_RETRIES ||
      g_strcmp0 (soup_message_get_method (request->message), "GET") != 0)
    return FALSE;
  if (error != NULL)
    return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  return status == 502 || status == 503 || status == 504;
}

/* 200 ms doubling, ±25 % jitter so that clients cut off together do not return together. */
static void
schedule_retry (GTask   *task,
                Request *request)
{
  guint delay = TD_API_CLIENT_RETRY_FIRST_MS << request->retries;

  request->retries++;
  delay = delay * 3 / 4 + g_random_int_range (0, (gint32) delay / 2 + 1);
  g_timeout_add (delay, resend_cb, task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (should_retry (request, error, 0))
        {
          schedule_retry (g_steal_pointer (&task), request);
          return;
        }
      g_task_return_error (task, transport_error_new (self, error));
      return;
    }

  status = soup_message_get_status (request->message);
  if (should_retry (request, NULL, status))
    {
      schedule_retry (g_steal_pointer (&task), request);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) && status != request->accepted_status)
    {
      g_task_return_error (task, status_error_new (status, body, &request->error_field));
      return;
    }

  request->handle (self, task, body);
}

/* Sends @method @path (relative to the base URL) and hands a 2xx answer to @handle;
 * transport failures and error statuses end @task with a TD_API_ERROR. Takes @task. */
void
td_api_client_send_request (TdApiClient              *self,
                            GTask                    *task,
                            const char               *method,
                            const char               *path,
                            GBytes                   *json_body,
                            const TdApiRequestExtras *extras,
                            gboolean                  authorize,
                            guint                     accepted_status,
                            TdApiResponseHandler      handle)
{
  g_autofree char *uri_string = g_strconcat (self->base_url ? self->base_url : "", path, NULL);
  g_autoptr(GUri) uri = NULL;
  SoupMessageHeaders *headers;
  Request *request;

  uri = g_uri_parse (uri_string, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_task_return_new_error (task, TD_API_ERROR, TD_API_ERROR_INVALID_URL,
                               _("“%s” is not the address of a server"),
                               self->base_url ? self->base_url : "");
      g_object_unref (task);
      return;
    }

  request = g_new0 (Request, 1);
  request->message = soup_message_new_from_uri (method, uri);
  request->handle = handle;
  request->accepted_status = accepted_status;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (authorize && self->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
      secret_password_wipe (authorization);
    }
  if (json_body != NULL)
    soup_message_set_request_body_from_bytes (request->message, "application/json", json_body);
  if (extras != NULL)
    {
      if (extras->if_match > 0)
        {
          g_autofree char *version = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                                                      extras->if_match);

          soup_message_headers_replace (headers, "If-Match", version);
        }
      if (extras->idempotency_key != NULL)
        soup_message_headers_replace (headers, "Idempotency-Key", extras->idempotency_key);
      if (extras->raw_body != NULL)
        soup_message_set_request_body_from_bytes (request->message,
                                                  extras->content_type != NULL
                                                    ? extras->content_type
                                                    : "application/octet-stream",
                                                  extras->raw_body);
    }

  soup_session_send_and_read_async (self->session, request->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), send_cb, task);
}

static void
td_api_client_constructed (GObject *object)
{
  TdApiClient *self = TD_API_CLIENT (object);

  G_OBJECT_CLASS (td_api_client_parent_class)->constructed (object);

  self->session = soup_session_new_with_options ("user-agent", "Twindesk/" PACKAGE_VERSION,
                                                 "timeout", self->timeout,
                                                 "max-conns-per-host", MAX_CONNS_PER_HOST,
                                                 NULL);
}

static void
td_api_client_dispose (GObject *object)
{
  TdApiClient *self = TD_API_CLIENT (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (td_api_client_parent_class)->dispose (object);
}

static void
td_api_client_finalize (GObject *object)
{
  TdApiClient *self = TD_API_CLIENT (object);

  g_free (self->base_url);
  secret_password_free (self->token);

  G_OBJECT_CLASS (td_api_client_parent_class)->finalize (object);
}

static void
td_api_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TdApiClient *self = TD_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_api_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TdApiClient *self = TD_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;
    case PROP_TOKEN:
      td_api_client_set_token (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      td_api_client_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_api_client_class_init (TdApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = td_api_client_constructed;
  object_class->dispose = td_api_client_dispose;
  object_class->finalize = td_api_client_finalize;
  object_class->get_property = td_api_client_get_property;
  object_class->set_property = td_api_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Seconds until a request without an answer fails with TD_API_ERROR_TIMEOUT; 0 waits
   * forever. */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_api_client_init (TdApiClient *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
}

TdApiClient *
td_api_client_new (const char *base_url)
{
  return g_object_new (TD_TYPE_API_CLIENT,
                       "base-url", base_url,
                       NULL);
}

const char *
td_api_client_get_base_url (TdApiClient *self)
{
  g_return_val_if_fail (TD_IS_API_CLIENT (self), NULL);

  return self->base_url;
}

const char *
td_api_client_get_token (TdApiClient *self)
{
  g_return_val_if_fail (TD_IS_API_CLIENT (self), NULL);

  return self->token;
}

void
td_api_client_set_token (TdApiClient *self,
                         const char  *token)
{
  g_return_if_fail (TD_IS_API_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;

  secret_password_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

void
td_api_client_set_timeout (TdApiClient *self,
                           guint        seconds)
{
  g_return_if_fail (TD_IS_API_CLIENT (self));

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  /* Before construction finishes there is no session yet; constructed() applies it. */
  if (self->session != NULL)
    soup_session_set_timeout (self->session, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
td_api_client_login_handle (TdApiClient *self,
              GTask       *task,
              GBytes      *body)
{
  g_autoptr(TdSession) session = NULL;
  GError *error = NULL;

  session = decode_body (body, (Decoder) td_session_from_json, &error);
  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A login the caller has given up on must not replace the token behind its back. */
  if (g_task_return_error_if_cancelled (task))
    return;

  td_api_client_set_token (self, session->token);
  g_task_return_pointer (task, g_steal_pointer (&session), (GDestroyNotify) td_session_free);
}

void
td_api_client_login_async (TdApiClient         *self,
                           const char          *email,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  GTask *task;

  g_return_if_fail (TD_IS_API_CLIENT (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_api_client_login_async);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = secret_bytes_new_take (td_json_to_string (root));

  /* No bearer token: a login starts a new session and must not be tied to the old one. */
  td_api_client_send_request (self, task, "POST", "/api/v1/auth/login", body, NULL, FALSE, 0,
                              td_api_client_login_handle);
}

TdSession *
td_api_client_login_finish (TdApiClient   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (TD_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == td_api_client_login_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
logout_handle (TdApiClient *self,
               GTask       *task,
               GBytes      *body)
{
  g_task_return_boolean (task, TRUE);
}

void
td_api_client_logout_async (TdApiClient         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TD_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_api_client_logout_async);

  if (self->token == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* The request carries the token, then the client forgets it at once: a person who logs
   * out is logged out here even when the server cannot be told. A 401 means the server had
   * already ended the session, which is what logging out wants. */
  td_api_client_send_request (self, task, "POST", "/api/v1/auth/logout", NULL, NULL, TRUE,
                              SOUP_STATUS_UNAUTHORIZED, logout_handle);
  td_api_client_set_token (self, NULL);
}

gboolean
td_api_client_logout_finish (TdApiClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TD_IS_API_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == td_api_client_logout_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
get_me_handle (TdApiClient *self,
               GTask       *task,
               GBytes      *body)
{
  GError *error = NULL;
  TdUser *user = decode_body (body, (Decoder) td_user_from_json, &error);

  if (user == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, user, (GDestroyNotify) td_user_free);
}

void
td_api_client_get_me_async (TdApiClient         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TD_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_api_client_get_me_async);

  td_api_client_send_request (self, task, "GET", "/api/v1/me", NULL, NULL, TRUE, 0, get_me_handle);
}

TdUser *
td_api_client_get_me_finish (TdApiClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TD_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == td_api_client_get_me_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Personal account and notification drawer -------------------------------------------- */

/* Source tags of the calls that finish with td_api_client_object_finish() and
 * td_api_client_action_finish(). */
static char object_call_tag[] = "object";
static char action_call_tag[] = "action";

static gpointer
decode_object (JsonObject  *object,
               GError     **error)
{
  return json_object_ref (object);
}

static void
object_handle (TdApiClient *self,
               GTask       *task,
               GBytes      *body)
{
  GError *error = NULL;
  JsonObject *object = decode_body (body, decode_object, &error);

  if (object == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, object, (GDestroyNotify) json_object_unref);
}

/* Any JSON object, or for an empty 2xx answer (204) an empty one. */
static void
any_object_handle (TdApiClient *self,
                   GTask       *task,
                   GBytes      *body)
{
  if (body == NULL || g_bytes_get_size (body) == 0)
    g_task_return_pointer (task, json_object_new (), (GDestroyNotify) json_object_unref);
  else
    object_handle (self, task, body);
}

static void
action_handle (TdApiClient *self,
               GTask       *task,
               GBytes      *body)
{
  g_task_return_boolean (task, TRUE);
}

/* Starts an authorized call whose answer is an object (@handle object_handle) or nothing
 * (action_handle); @body is serialized from @json when given. */
static void
start_call (TdApiClient              *self,
            const char               *method,
            const char               *path,
            JsonNode                 *json,
            const TdApiRequestExtras *extras,
            TdApiResponseHandler      handle,
            GCancellable             *cancellable,
            GAsyncReadyCallback       callback,
            gpointer                  user_data)
{
  g_autoptr(GBytes) body = NULL;
  GTask *task;

  g_return_if_fail (TD_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handle == action_handle ? action_call_tag : object_call_tag);

  if (json != NULL)
    {
      char *text = td_json_to_string (json);

      body = g_bytes_new_take (text, strlen (text));
    }

  td_api_client_send_request (self, task, method, path, body, extras, TRUE, 0, handle);
}

static char *
steal_error_field (GAsyncResult *result)
{
  Request *request = g_task_get_task_data (G_TASK (result));

  return request != NULL ? g_steal_pointer (&request->error_field) : NULL;
}

JsonObject *
td_api_client_object_finish_with_field (TdApiClient   *self,
                                        GAsyncResult  *result,
                                        char         **error_field,
                                        GError       **error)
{
  JsonObject *object;

  g_return_val_if_fail (TD_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == object_call_tag, NULL);

  object = g_task_propagate_pointer (G_TASK (result), error);
  if (error_field != NULL)
    *error_field = object == NULL ? steal_error_field (result) : NULL;
  return object;
}

JsonObject *
td_api_client_object_finish (TdApiClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return td_api_client_object_finish_with_field (self, result, NULL, error);
}

gboolean
td_api_client_action_finish_with_field (TdApiClient   *self,
                                        GAsyncResult  *result,
                                        char         **error_field,
                                        GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (TD_IS_API_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == action_call_tag, FALSE);

  ok = g_task_propagate_boolean (G_TASK (result), error);
  if (error_field != NULL)
    *error_field = ok ? NULL : steal_error_field (result);
  return ok;
}

gboolean
td_api_client_action_finish (TdApiClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return td_api_client_action_finish_with_field (self, result, NULL, error);
}

/* {"name": "value", …} from NULL-terminated name/value pairs, as a body that is wiped when
 * libsoup lets go of it (the values are tokens and passwords). */
static GBytes *secret_json_body (const char *first_name,
                                 ...) G_GNUC_NULL_TERMINATED;

static GBytes *
secret_json_body (const char *first_name,
                  ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return secret_bytes_new_take (td_json_to_string (root));
}


void
td_api_client_list_notifications_async (TdApiClient         *self,
                                        guint                limit,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/notifications?limit=%u",
                                           CLAMP (limit, 1, 500));

  start_call (self, "GET", path, NULL, NULL, object_handle, cancellable, callback, user_data);
}

void
td_api_client_get_unread_count_async (TdApiClient         *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  start_call (self, "GET", "/api/v1/notifications/unread-count", NULL, NULL, object_handle,
              cancellable, callback, user_data);
}

void
td_api_client_mark_notification_read_async (TdApiClient         *self,
                                            const char          *id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (id != NULL);

  path = td_api_path_new ("notifications", id, "read", NULL);
  start_call (self, "POST", path, NULL, NULL, object_handle, cancellable, callback, user_data);
}

void
td_api_client_mark_all_notifications_read_async (TdApiClient         *self,
                                                 const char          *until,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (until != NULL)
    {
      json_builder_set_member_name (builder, "until");
      json_builder_add_string_value (builder, until);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  start_call (self, "POST", "/api/v1/notifications/read-all", root, NULL, object_handle,
              cancellable, callback, user_data);
}

void
td_api_client_create_transfer_token_async (TdApiClient         *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  start_call (self, "POST", "/api/v1/auth/transfer-tokens", NULL, NULL, object_handle,
              cancellable, callback, user_data);
}

void
td_api_client_redeem_transfer_token_async (TdApiClient         *self,
                                           const char          *token,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  GTask *task;

  g_return_if_fail (TD_IS_API_CLIENT (self));
  g_return_if_fail (token != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  /* It ends like a login, so it finishes like one. */
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_api_client_login_async);

  body = secret_json_body ("token", token, NULL);

  td_api_client_send_request (self, task, "POST", "/api/v1/auth/transfer-tokens/redeem", body,
                              NULL, FALSE, 0, td_api_client_login_handle);
}

void
td_api_client_list_sessions_async (TdApiClient         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  start_call (self, "GET", "/api/v1/me/sessions", NULL, NULL, object_handle, cancellable,
              callback, user_data);
}

void
td_api_client_revoke_session_async (TdApiClient         *self,
                                    const char          *id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (id != NULL);

  path = td_api_path_new ("me", "sessions", id, NULL);
  start_call (self, "DELETE", path, NULL, NULL, action_handle, cancellable, callback, user_data);
}

void
td_api_client_revoke_other_sessions_async (TdApiClient         *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  start_call (self, "POST", "/api/v1/me/sessions/revoke-others", NULL, NULL, action_handle,
              cancellable, callback, user_data);
}

void
td_api_client_change_password_async (TdApiClient         *self,
                                     const char          *current_password,
                                     const char          *new_password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GBytes) body = NULL;
  GTask *task;

  g_return_if_fail (TD_IS_API_CLIENT (self));
  g_return_if_fail (current_password != NULL);
  g_return_if_fail (new_password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, action_call_tag);

  body = secret_json_body ("current_password", current_password,
                           "new_password", new_password, NULL);

  td_api_client_send_request (self, task, "POST", "/api/v1/me/password", body, NULL, TRUE, 0,
                              action_handle);
}

void
td_api_client_update_me_async (TdApiClient         *self,
                               JsonObject          *changes,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

  g_return_if_fail (changes != NULL);

  json_node_set_object (root, changes);
  start_call (self, "PATCH", "/api/v1/me", root, NULL, object_handle, cancellable, callback,
              user_data);
}

/* The one SoupSession of the client, for the sync engine's own requests (headers such as
 * If-Match and Idempotency-Key, and bodies of 412 answers, that the typed calls hide). */
SoupSession *
td_api_client_get_soup_session (TdApiClient *self)
{
  g_return_val_if_fail (TD_IS_API_CLIENT (self), NULL);

  return self->session;
}

void
td_api_client_call_async (TdApiClient         *self,
                          const char          *method,
                          const char          *path,
                          JsonObject          *body,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(JsonNode) json = NULL;

  g_return_if_fail (method != NULL && path != NULL);

  if (body != NULL)
    json = json_node_init_object (json_node_alloc (), body);
  start_call (self, method, path, json, NULL, any_object_handle, cancellable, callback,
              user_data);
}

void
td_api_client_call_full_async (TdApiClient              *self,
                               const char               *method,
                               const char               *path,
                               JsonObject               *body,
                               const TdApiRequestExtras *extras,
                               GCancellable             *cancellable,
                               GAsyncReadyCallback       callback,
                               gpointer                  user_data)
{
  g_autoptr(JsonNode) json = NULL;

  g_return_if_fail (method != NULL && path != NULL);
  g_return_if_fail (body == NULL || extras == NULL || extras->raw_body == NULL);

  if (body != NULL)
    json = json_node_init_object (json_node_alloc (), body);
  start_call (self, method, path, json, extras, any_object_handle, cancellable, callback,
              user_data);
}
