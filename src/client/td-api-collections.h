/* td-api-collections.h: list, get, create, update and delete on every collection
 *
 * The server's collections (docs/api.md, "Collections") all answer the same five routes the
 * same way, so the client has one call per operation, typed by the collection. Three
 * collections also live under a customer (/api/v1/customers/{customer_id}/…): pass that
 * customer as @parent_id, NULL everywhere else:
 *
 *  - TD_API_CUSTOMER_DEPARTMENTS, TD_API_TEAM_MAPPINGS: the list across customers without a
 *    parent (GET /customer-departments, GET /team-mappings); every other operation needs it;
 *  - TD_API_INVITATIONS: employee invitations without a parent, customer-login invitations
 *    with one (no update there).
 *
 * Asking for an operation a collection does not have (creating employees, deleting
 * notifications) is a programming error. How each call finishes and how versions work:
 * td-api-resources.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-resources.h"

G_BEGIN_DECLS

typedef enum
{
  TD_API_DEPARTMENTS,
  TD_API_EMPLOYEES,             /* no create: users come from invitations */
  TD_API_INVITATIONS,
  TD_API_CUSTOMERS,
  TD_API_CUSTOMER_DEPARTMENTS,
  TD_API_TEAM_MAPPINGS,
  TD_API_TEAMS,
  TD_API_META_TEAMS,
  TD_API_LABELS,
  TD_API_TEMPLATES,
  TD_API_DEVICES,
  TD_API_CODES,
  TD_API_TICKETS,
  TD_API_VIDEO_SESSIONS,
  TD_API_TASK_EVENTS,
  TD_API_TASKS,
  TD_API_NOTIFICATIONS,         /* list and get only */
  TD_API_FEEDBACK,              /* list only; td_api_send_feedback_async() creates */
} TdApiCollection;

#define TD_API_N_COLLECTIONS (TD_API_FEEDBACK + 1)

/* One page of a list. Every member may be left out (0 / NULL); a NULL query is the first
 * page in the collection's default order. */
typedef struct
{
  const char         *q;        /* substring over the collection's text fields */
  const char         *status;   /* any of these statuses, comma-separated ("open,assigned") */
  const char         *sort;     /* a sortable field, "-" in front for descending */
  const char         *cursor;   /* the next_cursor of the previous page (same sort) */
  guint               limit;    /* 1–500; 0: the server's default (50) */
  const char * const *filters;  /* more filters, NULL-terminated name, value pairs:
                                 * { "priority", "high", "updated_at_from", time, NULL } */
} TdApiListQuery;

/* The collection's URL segment ("video-sessions"). */
const char *td_api_collection_get_name (TdApiCollection  collection);
/* The collection of a change-feed type ("video_session"); FALSE for other types. */
gboolean    td_api_collection_for_type (const char      *type,
                                        TdApiCollection *out_collection);

/* GET /api/v1/<collection>?… → td_api_list_finish(). */
void td_api_list_async       (TdApiClient           *client,
                              TdApiCollection        collection,
                              const char            *parent_id,
                              const TdApiListQuery  *query,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data);

/* GET /api/v1/<collection>/{id} → td_api_client_object_finish(). Outside the caller's
 * scope: TD_API_ERROR_NOT_FOUND. */
void td_api_get_async        (TdApiClient           *client,
                              TdApiCollection        collection,
                              const char            *parent_id,
                              const char            *id,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data);

/* POST /api/v1/<collection> with @fields (the writable members; an "id" of the caller's
 * own is allowed) → the object as stored, td_api_client_object_finish(). @idempotency_key
 * (nullable, see td_api_new_idempotency_key()) makes a repeat of the same create answer
 * the first time's object instead of creating another. */
void td_api_create_async     (TdApiClient           *client,
                              TdApiCollection        collection,
                              const char            *parent_id,
                              JsonObject            *fields,
                              const char            *idempotency_key,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data);

/* PATCH /api/v1/<collection>/{id} with the members of @changes, If-Match @version →
 * the object as stored, td_api_client_object_finish(). */
void td_api_update_async     (TdApiClient           *client,
                              TdApiCollection        collection,
                              const char            *parent_id,
                              const char            *id,
                              gint64                 version,
                              JsonObject            *changes,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data);

/* DELETE /api/v1/<collection>/{id}, If-Match @version → td_api_empty_finish(). */
void td_api_delete_async     (TdApiClient           *client,
                              TdApiCollection        collection,
                              const char            *parent_id,
                              const char            *id,
                              gint64                 version,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data);

/* A status change: PATCH {"status": @status} with If-Match @version →
 * td_api_client_object_finish(). Tickets, video sessions and tasks follow their status
 * machines (src/common/td-status.c; a change that is no edge: TD_API_ERROR_CONFLICT);
 * employees and customers take "active" and "disabled" (disabling ends their sessions). */
void td_api_set_status_async (TdApiClient           *client,
                              TdApiCollection        collection,
                              const char            *id,
                              gint64                 version,
                              const char            *status,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data);

G_END_DECLS
