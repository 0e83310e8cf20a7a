/* td-api-private.h: what handlers get, and helpers they share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api.h"
#include "td-auth.h"
#include "td-db.h"
#include "td-isolation.h"

G_BEGIN_DECLS

typedef struct _TdApiRoute TdApiRoute;

typedef struct
{
  TdApi              *api;
  const TdApiRequest *request;
  TdDb               *db;        /* borrowed from the pool for this call */
  TdAuthIdentity     *identity;  /* the caller; NULL on public routes */
  GHashTable         *params;    /* path parameters ({id} segments), never NULL */
  gconstpointer       route_data; /* the matched route's data */
  TdIsolation         isolation; /* department isolation of the caller's organization */
} TdApiCall;

typedef TdApiResponse *(*TdApiHandler) (TdApiCall *call);

TdApiResponse *td_api_internal_error    (const char     *what,
                                         const GError   *error);
JsonObject    *td_api_call_parse_object (TdApiCall      *call,
                                         TdApiResponse **out_error);
gboolean       td_api_get_string_field  (JsonObject     *object,
                                         const char     *member,
                                         gboolean        required,
                                         gsize           max_length,
                                         const char    **out_value,
                                         TdApiResponse **out_error);
/* @path (with query or fragment) as an absolute URL of this server: under --public-url,
 * else under the request's Host header when it looks like a host, else @path alone. */
char          *td_api_call_url          (TdApiCall      *call,
                                         const char     *path);

/* Runs @func with the call of an authenticated request (database connection, identity,
 * isolation mode) for the bearer @authorization, as a route handler would get it; for work
 * outside a request (the event stream). FALSE with TD_SERVER_ERROR_UNAUTHORIZED when the
 * session is not (or no longer) valid. Blocking: call it on a worker thread. */
typedef void (*TdApiCallFunc) (TdApiCall *call,
                               gpointer   user_data);
gboolean       td_api_run_as            (TdApi          *api,
                                         const char     *authorization,
                                         TdApiCallFunc   func,
                                         gpointer        user_data,
                                         GError        **error);

G_END_DECLS
