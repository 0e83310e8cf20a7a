/* td-api.c: the router and the dispatcher
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api"

#include "config.h"

#include "td-api.h"

#include <string.h>

#include "td-api-auth.h"
#include "td-api-health.h"
#include "td-api-private.h"
#include "td-api-routes.h"
#include "td-common-error.h"
#include "td-json.h"
#include "td-server-error.h"

/* The order of the tables is the order of matching; patterns never overlap across tables. */
static const TdApiRouteTable * const route_tables[] = {
  &td_api_auth_route_table,
  &td_api_organization_route_table,
  &td_api_assets_route_table,
  &td_api_cases_route_table,
  &td_api_insights_route_table,
  &td_api_mail_route_table,
  &td_api_lifecycle_route_table,
  &td_api_notify_route_table,
  &td_api_sync_route_table,
};

struct _TdApi
{
  TdDbPool *pool;
  char     *public_url;  /* without a trailing slash; NULL: from the Host header */
  TdMailer *mailer;      /* borrowed */
};

TdApi *
td_api_new (TdDbPool *pool)
{
  TdApi *api = g_new0 (TdApi, 1);

  api->pool = pool;
  return api;
}

void
td_api_free (TdApi *api)
{
  if (api == NULL)
    return;
  g_free (api->public_url);
  g_free (api);
}

void
td_api_set_public_url (TdApi      *api,
                       const char *public_url)
{
  g_autofree char *url = g_strdup (public_url);

  while (url != NULL && g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  g_free (api->public_url);
  api->public_url = url != NULL && *url != '\0' ? g_steal_pointer (&url) : NULL;
}

void
td_api_set_mailer (TdApi    *api,
                   TdMailer *mailer)
{
  api->mailer = mailer;
}

/* A Host header fit to put into a URL: a host name or address with an optional port. */
static gboolean
is_url_host (const char *host)
{
  gsize length;

  if (host == NULL)
    return FALSE;
  length = strlen (host);
  if (length == 0 || length > 255)
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-:[]", *p) == NULL)
      return FALSE;
  return TRUE;
}

char *
td_api_call_url (TdApiCall  *call,
                 const char *path)
{
  if (call->api != NULL && call->api->public_url != NULL)
    return g_strconcat (call->api->public_url, path, NULL);
  if (is_url_host (call->request->host))
    return g_strconcat ("http://", call->request->host, path, NULL);
  return g_strdup (path);
}

/* The end of the path segment that starts at @segment: the next '/' or the final NUL. */
static const char *
segment_end (const char *segment)
{
  while (*segment != '\0' && *segment != '/')
    segment++;
  return segment;
}

/* Matches @path against @pattern segment by segment; {name} segments match any non-empty
 * segment and are collected into @params (may be NULL). Allocates nothing unless it fills
 * @params: it runs for every route on every request, once on the server's main context. */
static gboolean
match_path (const char *pattern,
            const char *path,
            GHashTable *params)
{
  const char *want = pattern;
  const char *have = path;

  for (;;)
    {
      const char *want_end = segment_end (want);
      const char *have_end = segment_end (have);
      gsize want_length = (gsize) (want_end - want);
      gsize have_length = (gsize) (have_end - have);

      if (want_length > 2 && want[0] == '{' && want[want_length - 1] == '}')
        {
          if (have_length == 0)
            return FALSE;
          if (params != NULL)
            g_hash_table_insert (params, g_strndup (want + 1, want_length - 2),
                                 g_strndup (have, have_length));
        }
      else if (want_length != have_length || memcmp (want, have, want_length) != 0)
        return FALSE;

      /* Both must run out of segments together. */
      if (*want_end == '\0' || *have_end == '\0')
        return *want_end == *have_end;

      want = want_end + 1;
      have = have_end + 1;
    }
}

/* The route for @method and @path, or NULL with *@out_allow listing the methods the path
 * does support (NULL when the path is unknown altogether). */
static const TdApiRoute *
find_route (const char  *method,
            const char  *path,
            GHashTable  *params,
            char       **out_allow)
{
  g_autoptr(GString) allow = NULL;

  *out_allow = NULL;
  if (path == NULL || method == NULL)
    return NULL;

  for (guint t = 0; t < G_N_ELEMENTS (route_tables); t++)
    for (gsize i = 0; i < route_tables[t]->n_routes; i++)
      {
        const TdApiRoute *route = &route_tables[t]->routes[i];

        if (!match_path (route->pattern, path, NULL))
          continue;

        if (g_str_equal (route->method, method))
          {
            if (params != NULL)
              match_path (route->pattern, path, params);
            return route;
          }

        if (allow == NULL)
          allow = g_string_new (route->method);
        else
          g_string_append_printf (allow, ", %s", route->method);
      }

  if (allow != NULL)
    *out_allow = g_string_free (g_steal_pointer (&allow), FALSE);
  return NULL;
}

TdApiCost
td_api_classify (TdApi              *api,
                 const TdApiRequest *request)
{
  g_autofree char *allow = NULL;
  const TdApiRoute *route = find_route (request->method, request->path, NULL, &allow);

  return route != NULL && (route->flags & TD_ROUTE_SLOW) ? TD_API_COST_SLOW : TD_API_COST_NORMAL;
}

static gsize
route_body_limit (const TdApiRoute *route)
{
  return route != NULL && (route->flags & TD_ROUTE_UPLOAD) ? TD_API_MAX_UPLOAD_BYTES
                                                           : TD_API_MAX_BODY_BYTES;
}

/* The largest request body the route for @method and @path takes: TD_API_MAX_UPLOAD_BYTES
 * for upload routes, TD_API_MAX_BODY_BYTES for every other route and for requests that
 * match no route. Cheap and thread-safe: the HTTP layer asks when the headers arrive,
 * before it reads a byte of the body. */
gsize
td_api_body_limit (TdApi      *api,
                   const char *method,
                   const char *path)
{
  g_autofree char *allow = NULL;

  return route_body_limit (find_route (method, path, NULL, &allow));
}

/* The 413 for a body over @limit bytes. */
TdApiResponse *
td_api_too_large_error (gsize limit)
{
  g_autofree char *message = NULL;

  if (limit % (1024 * 1024) == 0)
    message = g_strdup_printf ("The request body is larger than %" G_GSIZE_FORMAT " MiB",
                               limit / (1024 * 1024));
  else
    message = g_strdup_printf ("The request body is larger than %" G_GSIZE_FORMAT " bytes", limit);
  return td_api_response_new_error (413, "payload_too_large", message, NULL);
}

void
td_api_foreach_route (TdApiRouteFunc func,
                      gpointer       user_data)
{
  for (guint t = 0; t < G_N_ELEMENTS (route_tables); t++)
    for (gsize i = 0; i < route_tables[t]->n_routes; i++)
      func (&route_tables[t]->routes[i], user_data);
}

/* Logs the details for the administrator and tells the client nothing about them. */
TdApiResponse *
td_api_internal_error (const char   *what,
                       const GError *error)
{
  g_warning ("%s: %s", what, error != NULL ? error->message : "unknown error");
  return td_api_response_new_error (500, "internal_error", "Internal server error", NULL);
}

/* The request body as a JSON object, or NULL with *@out_error set to the 400 to send. */
JsonObject *
td_api_call_parse_object (TdApiCall      *call,
                          TdApiResponse **out_error)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *data;
  gsize length;

  data = g_bytes_get_data (call->request->body, &length);
  object = td_json_parse_object (data, length, &error);
  if (object != NULL)
    return object;

  if (g_error_matches (error, TD_COMMON_ERROR, TD_COMMON_ERROR_TOO_DEEP))
    *out_error = td_api_response_new_error (400, "too_deep", error->message, NULL);
  else
    *out_error = td_api_response_new_error (400, "invalid_json", error->message, NULL);

  return NULL;
}

/* Reads a string member of a request body; a wrong type, a missing required member or
 * too long a value gives a 400 invalid_field naming @member. */
gboolean
td_api_get_string_field (JsonObject     *object,
                         const char     *member,
                         gboolean        required,
                         gsize           max_length,
                         const char    **out_value,
                         TdApiResponse **out_error)
{
  g_autoptr(GError) error = NULL;

  if (td_json_get_string_checked (object, member, required, max_length, out_value, &error))
    return TRUE;

  *out_error = td_api_response_new_error (400, "invalid_field", error->message, member);
  return FALSE;
}

static TdApiResponse *
unauthorized (const char *message)
{
  TdApiResponse *response = td_api_response_new_error (401, "unauthorized", message, NULL);

  td_api_response_set_header (response, "WWW-Authenticate", "Bearer realm=\"twindesk\"");
  return response;
}

/* The department isolation mode of @org_id (DOMAIN.md §3), read once per request so that
 * every scope predicate of the request applies the same mode. */
static gboolean
load_isolation (TdDb         *db,
                const char   *org_id,
                TdIsolation  *out_mode,
                GError      **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT isolation FROM organizations WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, org_id);

  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ERROR)
    return FALSE;

  /* An unknown value isolates as strictly as possible rather than not at all. */
  if (step == TD_DB_STEP_DONE ||
      !td_isolation_from_string (td_db_stmt_get_text (stmt, 0), out_mode))
    *out_mode = TD_ISOLATION_STRICT;
  return TRUE;
}

static TdApiResponse *
run_route (TdApi              *api,
           const TdApiRoute   *route,
           const TdApiRequest *request,
           GHashTable         *params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdAuthIdentity) identity = NULL;
  TdApiResponse *response;
  TdApiCall call = { 0 };
  TdDb *db;

  db = td_db_pool_acquire (api->pool, &error);
  if (db == NULL)
    {
      g_warning ("No database connection: %s", error->message);
      return td_api_response_new_error (503, "unavailable", "The database is unavailable", NULL);
    }

  if (!(route->flags & TD_ROUTE_PUBLIC))
    {
      identity = td_auth_authenticate (db, request->authorization, &error);
      if (identity == NULL)
        {
          if (g_error_matches (error, TD_SERVER_ERROR, TD_SERVER_ERROR_UNAUTHORIZED))
            response = unauthorized (error->message);
          else
            response = td_api_internal_error ("Authenticating failed", error);
          td_db_pool_release (api->pool, db);
          return response;
        }

      if (!load_isolation (db, identity->user->org_id, &call.isolation, &error))
        {
          response = td_api_internal_error ("Reading the isolation mode failed", error);
          td_db_pool_release (api->pool, db);
          return response;
        }
    }

  call.api = api;
  call.request = request;
  call.db = db;
  call.identity = identity;
  call.params = params;
  call.route_data = route->data;
  response = route->handler (&call);

  td_db_pool_release (api->pool, db);
  return response;
}

/* Answers @request. Never returns NULL, and every error has the JSON error shape. */
TdApiResponse *
td_api_dispatch (TdApi              *api,
                 const TdApiRequest *request)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *allow = NULL;
  const TdApiRoute *route;
  TdApiResponse *response;

  g_return_val_if_fail (api != NULL && request != NULL, NULL);

  route = find_route (request->method, request->path, params, &allow);
  if (route == NULL && allow != NULL)
    {
      response = td_api_response_new_error (405, "method_not_allowed",
                                            "This method is not allowed here", NULL);
      td_api_response_set_header (response, "Allow", allow);
    }
  else if (route == NULL)
    response = td_api_response_new_error (404, "not_found", "No such resource", NULL);
  else if (g_bytes_get_size (request->body) > route_body_limit (route))
    response = td_api_too_large_error (route_body_limit (route));
  else
    response = run_route (api, route, request, params);

  /* A write may have queued mail (td_mail_queue) in the transaction it has now committed. */
  if (api->mailer != NULL && response->status < 400 && !g_str_equal (request->method, "GET"))
    td_mailer_kick (api->mailer);

  /* Responses carry personal data and tokens: no cache may keep them. */
  td_api_response_set_header (response, "Cache-Control", "no-store");
  return response;
}

gboolean
td_api_run_as (TdApi          *api,
               const char     *authorization,
               TdApiCallFunc   func,
               gpointer        user_data,
               GError        **error)
{
  g_autoptr(TdAuthIdentity) identity = NULL;
  TdApiCall call = { 0 };
  gboolean ok = FALSE;
  TdDb *db;

  g_return_val_if_fail (api != NULL && func != NULL, FALSE);

  db = td_db_pool_acquire (api->pool, error);
  if (db == NULL)
    return FALSE;

  identity = td_auth_authenticate (db, authorization, error);
  if (identity != NULL && load_isolation (db, identity->user->org_id, &call.isolation, error))
    {
      call.api = api;
      call.db = db;
      call.identity = identity;
      func (&call, user_data);
      ok = TRUE;
    }

  td_db_pool_release (api->pool, db);
  return ok;
}
