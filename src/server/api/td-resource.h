/* td-resource.h: table-driven collections of the REST API
 *
 * Most of the API is the same five operations over many collections: list (filters, full
 * text, sort, cursor pagination), get, create (Idempotency-Key), patch and delete
 * (If-Match). A collection is described once as a TdResourceDef — its table, its fields,
 * the permissions of td-permissions.c that guard it and how its rows are scoped — and the
 * engine in td-resource.c implements the operations for all of them, so that the security
 * rules of ARCHITECTURE.md §4 live in one place:
 *
 *  - every query carries the caller's scope predicate (td_scope_append_sql), the same one for
 *    lists, items and the change feed; an id outside the scope is 404, never 403;
 *  - bodies are parsed with the depth check, unknown members are ignored, members that are
 *    not writable (id, org_id, version, timestamps, and anything not flagged WRITABLE) are
 *    never taken from a body; strings are length-checked; references must point at objects
 *    the caller can see;
 *  - every write bumps version, sets updated_at and records a change (td_changes_record) in
 *    the same transaction; deletes leave a tombstone (deleted = 1).
 *
 * Behaviour that is specific to a collection (numbering, status machines, offers,
 * notifications) lives in the hooks of its definition, in the file of its area.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "td-api-private.h"
#include "td-permissions.h"

G_BEGIN_DECLS

typedef struct _TdResourceDef TdResourceDef;

typedef enum
{
  TD_FIELD_TEXT,      /* string; max_length characters (0: 200) */
  TD_FIELD_INT,       /* integer in [min, max] */
  TD_FIELD_BOOL,
  TD_FIELD_ENUM,      /* one of choices */
  TD_FIELD_REF,       /* the id of an object of ref, which the caller must be able to see */
  TD_FIELD_TIME,      /* RFC 3339 timestamp, stored normalized to UTC */
  TD_FIELD_JSON,      /* a JSON object or array, stored as text (max_length bytes, 0: 64 KiB) */
  TD_FIELD_ID_LIST,   /* a JSON array of ids of ref (departments, labels, employees) */
} TdFieldType;

typedef enum
{
  TD_FIELD_WRITABLE    = 1 << 0,  /* taken from create and patch bodies */
  TD_FIELD_CREATE_ONLY = 1 << 1,  /* taken from create bodies only */
  TD_FIELD_REQUIRED    = 1 << 2,  /* must be present (not null) on create */
  TD_FIELD_NULLABLE    = 1 << 3,  /* null is a valid value */
  TD_FIELD_FILTER      = 1 << 4,  /* ?name=value filters lists (ID_LIST: contains value) */
  TD_FIELD_SORT        = 1 << 5,  /* ?sort=name / -name */
  TD_FIELD_SEARCH      = 1 << 6,  /* matched by ?q= */
  TD_FIELD_STAFF_ONLY  = 1 << 7,  /* left out of responses to customer-login users */
  TD_FIELD_HIDDEN      = 1 << 8,  /* never in a response (PIN hashes) */
  TD_FIELD_DATE_RANGE  = 1 << 9,  /* TIME fields: ?name_from= / ?name_to= filters */
} TdFieldFlags;

typedef struct
{
  const char           *name;        /* JSON member and column name */
  TdFieldType           type;
  TdFieldFlags          flags;
  guint                 max_length;
  const char * const   *choices;     /* ENUM: NULL-terminated */
  const TdResourceDef  *ref;         /* REF, ID_LIST: the collection the ids belong to */
  gint64                min;         /* INT */
  gint64                max;
} TdFieldDef;

/* Whose departments decide visibility under department isolation (DOMAIN.md §3). */
typedef enum
{
  TD_ISOLATE_NONE,        /* not isolated (departments, teams, labels) */
  TD_ISOLATE_OWN,         /* the row's own `departments` column */
  TD_ISOLATE_VIA_DEVICE,  /* the `departments` of the device in the row's `device_id` */
} TdIsolateBy;

/* Which rows a customer-login user may see: only those of their own company. */
typedef enum
{
  TD_CUSTOMER_NONE,        /* customer-login users see no row of this collection */
  TD_CUSTOMER_COLUMN,      /* the row's `customer_id` column */
  TD_CUSTOMER_SELF,        /* the customers table itself: id = the user's company */
  TD_CUSTOMER_VIA_DEVICE,  /* the `customer_id` of the device in the row's `device_id` */
  TD_CUSTOMER_ALL,         /* shared reference data every user of the tenant may read */
} TdCustomerScope;

/* The caller's view of one write, handed to the hooks. */
typedef struct
{
  TdApiCall            *call;
  const TdResourceDef  *def;
  const char           *id;       /* the object's id (also on create) */
  JsonObject           *current;  /* the stored object as the engine reads it; NULL on create */
  JsonObject           *changes;  /* validated members to write; hooks may add or remove */
} TdResourceWrite;

/* Returns NULL to go on, or the error response that rejects the write (the transaction is
 * rolled back). Runs inside the write transaction, on call->db. */
typedef TdApiResponse *(*TdResourceHook) (TdResourceWrite *write);

/* For TD_REACH_RESPONSIBLE: whether the caller is responsible for @row. */
typedef gboolean (*TdResourceOwnerCheck) (TdApiCall  *call,
                                          JsonObject *row);

struct _TdResourceDef
{
  const char            *collection;    /* URL segment, e.g. "video-sessions" */
  const char            *table;         /* SQL table */
  const char            *type;          /* change-feed type, e.g. "video_session" */

  TdPermission           perm_view;
  TdPermission           perm_create;
  TdPermission           perm_edit;
  TdPermission           perm_delete;

  TdIsolateBy            isolate_by;
  TdCustomerScope        customer_scope;

  const TdFieldDef      *fields;
  gsize                  n_fields;
  const char            *default_sort;  /* e.g. "-updated_at" */

  /* TD_REACH_CREATED compares this column with the caller's id ("created_by"); NULL when
   * the collection has no creator. */
  const char            *created_by_column;
  TdResourceOwnerCheck   is_responsible;

  /* For customer-login users only, rows must also hold @customer_only_value in the column
   * @customer_only_column (labels: visibility = "public"). Part of the scope predicate, so
   * lists, items and the change feed agree. NULL: no further restriction. */
  const char            *customer_only_column;
  const char            *customer_only_value;

  /* Rows that belong to one user (notifications): every caller, employee or customer
   * login, sees only the rows whose @owner_column holds their own id. Part of the scope
   * predicate. NULL: rows are not per user. */
  const char            *owner_column;

  /* Adds derived members to the response form of @object (tasks: overdue). Runs for every
   * response that carries the object: items, lists, 412 bodies. */
  void                 (*present)      (TdApiCall  *call,
                                        JsonObject *object);
  /* Work a list needs done first (tasks: create the tasks of due task events). Runs after
   * the permission check, outside any transaction; it must not fail the list. */
  void                 (*before_list)  (TdApiCall  *call);

  TdResourceHook         before_create;  /* defaults, numbering, initial status */
  TdResourceHook         before_update;  /* status machine, cross-field rules */
  TdResourceHook         before_delete;
  TdResourceHook         after_write;    /* offers, notifications, dependent rows */
};

/* Route handlers: the route's data is the TdResourceDef. */
TdApiResponse *td_resource_list   (TdApiCall *call);
TdApiResponse *td_resource_get    (TdApiCall *call);
TdApiResponse *td_resource_create (TdApiCall *call);
TdApiResponse *td_resource_update (TdApiCall *call);
TdApiResponse *td_resource_delete (TdApiCall *call);

/* Declares the five routes of a collection in a route table. */
#define TD_RESOURCE_ROUTES(def_ptr, path)                                                     \
  { "GET",    TD_API_BASE_PATH "/" path,          td_resource_list,   0, (def_ptr) },         \
  { "POST",   TD_API_BASE_PATH "/" path,          td_resource_create, 0, (def_ptr) },         \
  { "GET",    TD_API_BASE_PATH "/" path "/{id}",  td_resource_get,    0, (def_ptr) },         \
  { "PATCH",  TD_API_BASE_PATH "/" path "/{id}",  td_resource_update, 0, (def_ptr) },         \
  { "DELETE", TD_API_BASE_PATH "/" path "/{id}",  td_resource_delete, 0, (def_ptr) }

/* For action handlers (status transitions, pair / unpair, messages, ...). */

/* The object @id of @def if the caller may see it; otherwise NULL with *@out_error set to
 * the 404 (or 500) to send. The returned object is what a GET returns plus hidden fields. */
JsonObject    *td_resource_load        (TdApiCall            *call,
                                        const TdResourceDef  *def,
                                        const char           *id,
                                        TdApiResponse       **out_error);

/* Whether the caller holds @permission on @row, applying its reach (all, responsible,
 * created, department). @row may be NULL for collection-level checks (create). */
gboolean       td_resource_allows      (TdApiCall            *call,
                                        const TdResourceDef  *def,
                                        TdPermission          permission,
                                        JsonObject           *row);

/* Writes @changes to the object @id inside an open transaction: bumps version, sets
 * updated_at, runs before_update / after_write and records the change. @expected_version
 * <= 0 skips the version check (internal transitions). Returns the new object or NULL with
 * *@out_error (409, 412, 422, 500). */
JsonObject    *td_resource_write       (TdApiCall            *call,
                                        const TdResourceDef  *def,
                                        const char           *id,
                                        JsonObject           *changes,
                                        gint64                expected_version,
                                        TdApiResponse       **out_error);

/* Inserts a new object of @def from already validated @values (used by hooks that create
 * dependent rows, e.g. offers or notifications, and by the seed). The engine adds id (if
 * absent), org_id, version, timestamps, runs no hooks, and records the change. */
char          *td_resource_insert      (TdDb                 *db,
                                        const TdResourceDef  *def,
                                        const char           *org_id,
                                        JsonObject           *values,
                                        GError              **error);

/* The response form of @row for the caller (hidden and, for customers, staff-only fields
 * removed). */
JsonNode      *td_resource_present     (TdApiCall            *call,
                                        const TdResourceDef  *def,
                                        JsonObject           *row);

/* Appends " AND (...)" restricting @alias (a row of @def) to what the caller may see, with
 * its parameters added to @params (char *, owned). Shared by lists, items and the change
 * feed. */
void           td_scope_append_sql     (TdApiCall            *call,
                                        const TdResourceDef  *def,
                                        const char           *alias,
                                        GString              *sql,
                                        GPtrArray            *params);

/* Records that object @id of @type changed (op "upsert" or "delete") in the current
 * transaction and returns its change_seq, or 0 with @error. */
gint64         td_changes_record       (TdDb                 *db,
                                        const char           *org_id,
                                        const char           *type,
                                        const char           *id,
                                        const char           *op,
                                        GError              **error);

/* Responses every action handler needs. */
TdApiResponse *td_resource_not_found   (void);
TdApiResponse *td_resource_forbidden   (void);
TdApiResponse *td_resource_conflict    (const char           *message);
TdApiResponse *td_resource_invalid     (const char           *field,
                                        const char           *message);

/* Every collection the engine knows, for the change feed and the authorization tests. */
const TdResourceDef * const *td_resource_all       (gsize      *out_n);
const TdResourceDef         *td_resource_find      (const char *collection);

G_END_DECLS
