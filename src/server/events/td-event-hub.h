/* td-event-hub.h: the event stream, WebSocket GET /api/v1/events
 *
 * Connected clients learn within milliseconds of a commit that the change feed has
 * something for them ({"type":"change","seq":N}) and receive their new notifications
 * ({"type":"notification","notification":{…}}). What a client is told comes from the
 * change feed read as that client's user (td_changes_page), so the stream never names
 * anything the feed would not. A socket whose session ends (logout, revoke, password
 * change, disabled account, expiry) is closed with code 4401.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "td-api.h"

G_BEGIN_DECLS

#define TD_EVENTS_PATH            "/api/v1/events"
#define TD_EVENTS_CLOSE_SESSION   4401  /* the session is not (or no longer) valid */
#define TD_EVENTS_KEEPALIVE_SECS  30

typedef struct _TdEventHub TdEventHub;

/* The hub serves @soup's event stream on @context (the server's main context). */
TdEventHub *td_event_hub_new   (TdApi        *api,
                                SoupServer   *soup,
                                GMainContext *context);
/* Something may have changed: look for news for every client. @wrote: the request was a
 * write (sessions may have ended, so every client is checked even without new changes).
 * Any thread. */
void        td_event_hub_kick  (TdEventHub   *hub,
                                gboolean      wrote);
guint       td_event_hub_count (TdEventHub   *hub);
/* Closes every socket (1001, going away) and waits for a running scan. */
void        td_event_hub_free  (TdEventHub   *hub);

G_END_DECLS
