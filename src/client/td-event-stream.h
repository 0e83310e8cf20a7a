/* td-event-stream.h: the server's event stream (WebSocket GET /api/v1/events)
 *
 * Connects with the session's bearer token and reports what the server pushes:
 * "change" (the change feed has news up to a seq: read it) and "notification" (a new or
 * updated notification of the user, as the server's JSON object). Reconnects by itself
 * with exponential back-off and jitter (0.5 s doubling up to 30 s) after any failure, and
 * emits "connected" each time it is (re)connected — the moment to catch up through the
 * change feed. A socket closed by the server because the session ended (4401) emits
 * "session-ended" and does not reconnect.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "td-api-client.h"

G_BEGIN_DECLS

#define TD_EVENT_STREAM_CLOSE_SESSION 4401

#define TD_TYPE_EVENT_STREAM (td_event_stream_get_type ())

G_DECLARE_FINAL_TYPE (TdEventStream, td_event_stream, TD, EVENT_STREAM, GObject)

/* Uses @client's base URL and token (read at every connect). */
TdEventStream *td_event_stream_new           (TdApiClient   *client);
void           td_event_stream_start         (TdEventStream *self);
void           td_event_stream_stop          (TdEventStream *self);
gboolean       td_event_stream_get_connected (TdEventStream *self);

G_END_DECLS
