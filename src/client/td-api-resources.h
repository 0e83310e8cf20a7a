/* td-api-resources.h: what the typed calls of every API area share
 *
 * The typed calls of the v1 routes live by area: td-api-collections.h (list, get, create,
 * update and delete of every collection, and status changes), td-api-org.h, td-api-assets.h,
 * td-api-cases.h, td-api-insights.h and td-api-service.h (the action routes). They are sent
 * through td_api_client_call_async(), so they share its error mapping (TD_API_ERROR) and its
 * retries (GETs only), and every one takes a GCancellable.
 *
 * Each call says how it finishes:
 *  - an object (an item, an action's answer): td_api_client_object_finish(), or
 *    td_api_client_object_finish_with_field() for the member a 400 blames;
 *  - a list: td_api_list_finish();
 *  - an empty answer (204): td_api_empty_finish().
 *
 * Versions: writes that the server guards with If-Match take the version the caller last
 * saw; a stale one fails with TD_API_ERROR_PRECONDITION_FAILED (the object changed on the
 * server: read it again), none where the server requires one with
 * TD_API_ERROR_PRECONDITION_REQUIRED.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-client.h"

G_BEGIN_DECLS

/* A page of a list ({"items": […], "next_cursor": …}): its items (unref with
 * json_array_unref()) and in @next_cursor (nullable) the cursor of the next page, NULL on the
 * last one. */
JsonArray *td_api_list_finish          (TdApiClient   *client,
                                        GAsyncResult  *result,
                                        char         **next_cursor,
                                        GError       **error);

/* A call whose answer has no body (204). */
gboolean   td_api_empty_finish         (TdApiClient   *client,
                                        GAsyncResult  *result,
                                        GError       **error);

/* A new Idempotency-Key (256 bits from getrandom()) for a create. Keep it with the request
 * when it may be sent again (after a restart too): the server answers a repeat with the
 * first answer instead of creating the object twice. */
char      *td_api_new_idempotency_key  (void);

G_END_DECLS
