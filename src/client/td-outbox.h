/* td-outbox.h: local edits waiting to be sent to the server
 *
 * Every local edit writes the cache row and its outbox entry in one transaction. The
 * Idempotency-Key is made at enqueue (from getrandom()) and kept for every retry, also after
 * a restart. An entry no attempt was made for yet absorbs the next edit of the same object
 * (create+update → create, update+update → update with the first base, create+delete →
 * nothing, update+delete → delete); once the sync engine started sending it, it is frozen
 * and later edits queue behind it. See "Client cache and outbox" in HACKING.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "td-cache.h"

G_BEGIN_DECLS

typedef enum
{
  TD_OUTBOX_OP_CREATE,
  TD_OUTBOX_OP_UPDATE,
  TD_OUTBOX_OP_DELETE,
} TdOutboxOp;

typedef enum
{
  TD_OUTBOX_STATE_PENDING,    /* to be sent */
  TD_OUTBOX_STATE_FAILED,     /* refused by the server (4xx other than 412); see error_message */
  TD_OUTBOX_STATE_CONFLICT,   /* the server changed the same fields; see conflicts */
} TdOutboxState;

typedef enum
{
  TD_OUTBOX_KEEP_MINE,        /* send my values for the conflicting fields */
  TD_OUTBOX_KEEP_THEIRS,      /* drop my changes of the conflicting fields */
} TdOutboxResolution;

#define TD_TYPE_OUTBOX_ENTRY (td_outbox_entry_get_type ())

typedef struct
{
  gint64         id;               /* FIFO order */
  char          *type;
  char          *object_id;
  TdOutboxOp     op;
  gint64         base_version;     /* 0: none (create, or queued behind an unsent entry) */
  JsonObject    *base_object;      /* the object the edit started from (nullable) */
  JsonObject    *changes;          /* create: the whole body; update: changed members */
  char          *idempotency_key;
  TdOutboxState  state;
  char          *error_message;    /* nullable: the server's message for a failed entry */
  JsonObject    *theirs;           /* nullable: the server's object behind a conflict */
  JsonArray     *conflicts;        /* nullable: see td_merge_three_way() */
  guint          attempts;
  gint64         created_at;       /* unix microseconds */
} TdOutboxEntry;

GType          td_outbox_entry_get_type (void) G_GNUC_CONST;
TdOutboxEntry *td_outbox_entry_copy     (const TdOutboxEntry *entry);
void           td_outbox_entry_free     (TdOutboxEntry       *entry);
const char    *td_outbox_op_to_string   (TdOutboxOp           op);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdOutboxEntry, td_outbox_entry_free)

/* @object is the full body; an id is made (UUID from getrandom()) unless it has one.
 * Returns the object's id. */
char          *td_outbox_enqueue_create (TdCache     *cache,
                                         const char  *type,
                                         JsonObject  *object,
                                         GError     **error);
/* @changes holds the changed members; the object must be in the cache. */
gboolean       td_outbox_enqueue_update (TdCache     *cache,
                                         const char  *type,
                                         const char  *id,
                                         JsonObject  *changes,
                                         GError     **error);
gboolean       td_outbox_enqueue_delete (TdCache     *cache,
                                         const char  *type,
                                         const char  *id,
                                         GError     **error);

/* Entries in FIFO order; @state < 0 for all. An array of TdOutboxEntry. */
GPtrArray     *td_outbox_list           (TdCache     *cache,
                                         int          state,
                                         GError     **error);
TdOutboxEntry *td_outbox_get            (TdCache     *cache,
                                         gint64       entry_id,
                                         GError     **error);
guint          td_outbox_count          (TdCache     *cache,
                                         TdOutboxState state);
/* The oldest pending entry that no earlier entry of the same object blocks, or NULL. */
TdOutboxEntry *td_outbox_next_pending   (TdCache     *cache,
                                         GError     **error);

/* The sync engine: about to send (freezes the entry, counts the attempt). */
gboolean       td_outbox_begin_attempt  (TdCache     *cache,
                                         gint64       entry_id,
                                         GError     **error);
/* The server accepted it: the entry goes, @server_object (nullable for a delete) is stored
 * and becomes the base of the entries queued behind it. */
gboolean       td_outbox_complete       (TdCache     *cache,
                                         gint64       entry_id,
                                         JsonObject  *server_object,
                                         GError     **error);
/* Any other 4xx: kept, with the server's message, until the user retries or discards. */
gboolean       td_outbox_fail           (TdCache     *cache,
                                         gint64       entry_id,
                                         const char  *message,
                                         GError     **error);
/* 412 with the server's current object: three-way merge. A clean merge rebases the entry on
 * @theirs and leaves it pending; overlapping changes make it a conflict. Either way the
 * cache shows @theirs with my changes on top. Returns the new state through @state. */
gboolean       td_outbox_precondition_failed (TdCache       *cache,
                                              gint64         entry_id,
                                              JsonObject    *theirs,
                                              TdOutboxState *state,
                                              GError       **error);
gboolean       td_outbox_resolve        (TdCache            *cache,
                                         gint64              entry_id,
                                         TdOutboxResolution  resolution,
                                         GError            **error);
/* A failed entry back to pending. */
gboolean       td_outbox_retry          (TdCache     *cache,
                                         gint64       entry_id,
                                         GError     **error);
/* Drops a local change and puts the base object back into the cache. */
gboolean       td_outbox_discard        (TdCache     *cache,
                                         gint64       entry_id,
                                         GError     **error);

G_END_DECLS
