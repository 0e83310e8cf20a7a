/* td-api-request.h: generic JSON calls to the server for the shell's pages and dialogs
 *
 * TdApiClient only has typed calls for signing in. Lists, the dashboard and feedback need a
 * plain "send this, give me the JSON object" call; this is it, over the client's one
 * SoupSession with its base URL, token and timeout. Meant to move into TdApiClient as a
 * public generic call (the client has one privately, start_call()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "td-api-client.h"

G_BEGIN_DECLS

/* @path is relative to the base URL ("/api/v1/tickets?limit=100"); @body may be NULL.
 * The result is the JSON object of a 2xx answer; error statuses become TD_API_ERROR. */
void        td_api_request_async  (TdApiClient          *client,
                                   const char           *method,
                                   const char           *path,
                                   JsonObject           *body,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
JsonObject *td_api_request_finish (GAsyncResult         *result,
                                   GError              **error);

G_END_DECLS
