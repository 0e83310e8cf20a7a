/* td-api-resources-private.h: how the typed calls of td-api-*.c are built and sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-resources.h"

G_BEGIN_DECLS

#define TD_API_PATH_PREFIX "/api/v1"

/* One request of a typed call. Everything but @method and @path may be left out. */
typedef struct
{
  const char *method;
  const char *path;             /* relative to the base URL, escaped (td_api_path_new()) */
  JsonObject *body;             /* sent as JSON; NULL: no body */
  gint64      if_match;         /* > 0: If-Match: "<if_match>" */
  const char *idempotency_key;  /* Idempotency-Key; NULL: none */
  GBytes     *raw_body;         /* instead of @body: these bytes as they are... */
  const char *content_type;     /* ...with this Content-Type */
} TdApiRequestSpec;

/* Sends @spec through td_api_client_call_async(); finish as that call does (with
 * td_api_client_object_finish(), td_api_list_finish() or td_api_empty_finish()). */
void   td_api_resources_send     (TdApiClient            *client,
                                  const TdApiRequestSpec *spec,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data);

/* "/api/v1/<segment>/<segment>…" from NULL-terminated segments, each percent-encoded
 * whole (ids cannot add segments, dots included: no "." or ".." can walk elsewhere). */
char  *td_api_path_new           (const char             *first_segment,
                                  ...) G_GNUC_NULL_TERMINATED;
/* Appends "?name=value" or "&name=value" with @value percent-encoded. */
void   td_api_path_add_query     (GString                *path,
                                  const char             *name,
                                  const char             *value);

/* A JSON array of the strings of @strv (NULL: an empty one). */
JsonArray *td_api_json_array_from_strv (const char * const *strv);

/* A JSON body that is wiped when libsoup lets go of it (PINs, passwords, tokens). */
GBytes *td_api_secret_json_bytes (JsonObject             *object);

/* The routes the collection calls send, for the coverage table (td-api-client-routes.c):
 * @func gets the method, the pattern as the server spells it and the call's name. */
typedef void (*TdApiCollectionRouteFunc) (const char *method,
                                          const char *pattern,
                                          const char *function,
                                          gpointer    user_data);
void   td_api_collections_foreach_route (TdApiCollectionRouteFunc func,
                                         gpointer                 user_data);

G_END_DECLS
