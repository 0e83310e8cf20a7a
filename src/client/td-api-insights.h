/* td-api-insights.h: dashboard statistics and feedback
 *
 * The feedback list (administrators) is TD_API_FEEDBACK in td-api-collections.h; how calls
 * finish: td-api-resources.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-resources.h"

G_BEGIN_DECLS

/* GET /api/v1/stats/dashboard over [@from_usec, @to_usec) (unix microseconds; 0: the
 * server's default, the 30 days up to now) → the widgets of the dashboard, over what the
 * caller may see; td_api_client_object_finish(). */
void td_api_get_dashboard_stats_async (TdApiClient          *client,
                                       gint64                from_usec,
                                       gint64                to_usec,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);

/* POST /api/v1/feedback {"text","app_version"} (@app_version nullable). Not idempotent: a
 * repeat stores a second entry. → the stored feedback, td_api_client_object_finish(). */
void td_api_send_feedback_async       (TdApiClient          *client,
                                       const char           *text,
                                       const char           *app_version,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);

G_END_DECLS
