/* td-sync.h: the sync engine between the server and the local cache
 *
 * One run = push, then pull (ARCHITECTURE.md §3):
 *
 *  - push: the outbox in FIFO order, each entry with its own Idempotency-Key (creates) or
 *    If-Match (updates, deletes). 2xx completes it; 412 hands the server's object to the
 *    three-way merge (a clean merge is sent again, overlapping edits become a conflict
 *    the UI resolves); 401 stops syncing and keeps the outbox for the next login; any other
 *    4xx parks the entry as failed with the server's message; no answer or 5xx ends the
 *    run and retries later with back-off and jitter, with the same key.
 *  - pull: change-feed pages after the cache's cursor, each applied in one transaction.
 *    From cursor 0 (first login, or a 410 that voids the cursor) the pages are one bulk
 *    load, with progress (done / total in change numbers).
 *
 * Runs never overlap; a kick during a run asks for another. With an event stream, every
 * "change" and every (re)connect kicks a run: the stream is the trigger, the feed the
 * record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-client.h"
#include "td-cache.h"
#include "td-event-stream.h"

G_BEGIN_DECLS

typedef enum
{
  TD_SYNC_IDLE,          /* up to date as of the last run */
  TD_SYNC_PUSHING,
  TD_SYNC_PULLING,
  TD_SYNC_INITIAL,       /* a full (initial or re-) sync: see progress */
  TD_SYNC_OFFLINE,       /* the server did not answer; retrying */
  TD_SYNC_UNAUTHORIZED,  /* 401: stopped until the next login */
  TD_SYNC_STOPPED,
} TdSyncState;

#define TD_TYPE_SYNC_STATE (td_sync_state_get_type ())
GType td_sync_state_get_type (void) G_GNUC_CONST;

#define TD_TYPE_SYNC (td_sync_get_type ())

G_DECLARE_FINAL_TYPE (TdSync, td_sync, TD, SYNC, GObject)

TdSync      *td_sync_new               (TdApiClient   *client,
                                        TdCache       *cache);
/* Runs on every change the stream announces and after every (re)connect. */
void         td_sync_set_event_stream  (TdSync        *self,
                                        TdEventStream *events);
void         td_sync_start             (TdSync        *self);
void         td_sync_stop              (TdSync        *self);
/* Something to push or pull: run soon. */
void         td_sync_kick              (TdSync        *self);

TdSyncState  td_sync_get_state         (TdSync        *self);
/* During a full sync: change numbers done and in all (total 0: unknown). */
gint64       td_sync_get_progress_done  (TdSync       *self);
gint64       td_sync_get_progress_total (TdSync       *self);
/* The last failure in words (NULL if the last run went through). */
const char  *td_sync_get_last_error    (TdSync        *self);

G_END_DECLS
