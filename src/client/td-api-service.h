/* td-api-service.h: the server's health and its change feed
 *
 * How calls finish: td-api-resources.h. The sync engine (td-sync.c) reads the change feed
 * itself, pages ahead and on a worker thread; this call is for one page on demand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-resources.h"

G_BEGIN_DECLS

/* GET /api/v1/health (public) → {"status","version","database"},
 * td_api_client_object_finish(). A server whose database fails answers 503: after the
 * retries, TD_API_ERROR_SERVER. */
void td_api_get_health_async  (TdApiClient          *client,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);

/* GET /api/v1/changes?since=@since&limit=@limit (1–5000; 0: the server's 1000) →
 * {"changes","next_since","has_more","newest_seq"}, td_api_client_object_finish(). A cursor
 * the server can no longer answer: TD_API_ERROR_GONE (sync again from 0). */
void td_api_get_changes_async (TdApiClient          *client,
                               gint64                since,
                               guint                 limit,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);

G_END_DECLS
