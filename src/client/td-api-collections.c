/* td-api-collections.c: the collection calls, from one table of collections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-collections"

#include "config.h"

#include "td-api-collections.h"

#include "td-api-resources-private.h"
#include "td-collections.h"

#define LIMIT_MAX 500

typedef enum
{
  OP_LIST   = 1 << 0,
  OP_GET    = 1 << 1,
  OP_CREATE = 1 << 2,
  OP_UPDATE = 1 << 3,
  OP_DELETE = 1 << 4,
  OP_ALL    = OP_LIST | OP_GET | OP_CREATE | OP_UPDATE | OP_DELETE,
} Operation;

/* What the server's route tables register for each collection (td_resource routes and the
 * nested ones of td-api-organization.c); the coverage test compares the two. */
typedef struct
{
  const char *name;        /* /api/v1/<name>, and the collection of td-collections.c */
  Operation   ops;
  const char *nested;      /* /api/v1/customers/{customer_id}/<nested>; NULL: none */
  Operation   nested_ops;
  gboolean    has_status;  /* a status the caller sets (td_api_set_status_async()) */
} CollectionInfo;

static const CollectionInfo collections[TD_API_N_COLLECTIONS] = {
  [TD_API_DEPARTMENTS]          = { "departments",          OP_ALL },
  [TD_API_EMPLOYEES]            = { "employees",            OP_ALL & ~OP_CREATE, NULL, 0, TRUE },
  [TD_API_INVITATIONS]          = { "invitations",          OP_ALL,
                                    "invitations",          OP_ALL & ~OP_UPDATE },
  [TD_API_CUSTOMERS]            = { "customers",            OP_ALL, NULL, 0, TRUE },
  [TD_API_CUSTOMER_DEPARTMENTS] = { "customer-departments", OP_LIST,
                                    "departments",          OP_ALL },
  [TD_API_TEAM_MAPPINGS]        = { "team-mappings",        OP_LIST,
                                    "team-mappings",        OP_ALL },
  [TD_API_TEAMS]                = { "teams",                OP_ALL },
  [TD_API_META_TEAMS]           = { "meta-teams",           OP_ALL },
  [TD_API_LABELS]               = { "labels",               OP_ALL },
  [TD_API_TEMPLATES]            = { "templates",            OP_ALL },
  [TD_API_DEVICES]              = { "devices",              OP_ALL },
  [TD_API_CODES]                = { "codes",                OP_ALL },
  [TD_API_TICKETS]              = { "tickets",              OP_ALL, NULL, 0, TRUE },
  [TD_API_VIDEO_SESSIONS]       = { "video-sessions",       OP_ALL, NULL, 0, TRUE },
  [TD_API_TASK_EVENTS]          = { "task-events",          OP_ALL },
  [TD_API_TASKS]                = { "tasks",                OP_ALL, NULL, 0, TRUE },
  [TD_API_NOTIFICATIONS]        = { "notifications",        OP_LIST | OP_GET },
  [TD_API_FEEDBACK]             = { "feedback",             OP_LIST },
};

#define OPERATION(op, method, item, function) { op, method, item, #function, G_CALLBACK (function) }

static const struct
{
  Operation   op;
  const char *method;
  gboolean    item;      /* on /{id} */
  const char *function;
  GCallback   call;      /* so that @function names a function that exists */
} operations[] = {
  OPERATION (OP_LIST,   "GET",    FALSE, td_api_list_async),
  OPERATION (OP_CREATE, "POST",   FALSE, td_api_create_async),
  OPERATION (OP_GET,    "GET",    TRUE,  td_api_get_async),
  OPERATION (OP_UPDATE, "PATCH",  TRUE,  td_api_update_async),
  OPERATION (OP_DELETE, "DELETE", TRUE,  td_api_delete_async),
};

/* Whether @collection (under @parent_id when given) has @op; a programming error if not. */
static gboolean
check_operation (TdApiCollection  collection,
                 const char      *parent_id,
                 Operation        op)
{
  const CollectionInfo *info;

  g_return_val_if_fail ((guint) collection < TD_API_N_COLLECTIONS, FALSE);

  info = &collections[collection];
  if (parent_id != NULL ? (info->nested_ops & op) != 0 : (info->ops & op) != 0)
    return TRUE;

  g_critical ("The collection %s has no such operation %s", info->name,
              parent_id != NULL ? "under a customer" : "without a customer");
  return FALSE;
}

/* /api/v1/<collection>[/{id}], or nested under the customer @parent_id. */
static char *
collection_path (TdApiCollection  collection,
                 const char      *parent_id,
                 const char      *id)
{
  const CollectionInfo *info = &collections[collection];

  if (parent_id != NULL)
    return td_api_path_new ("customers", parent_id, info->nested, id, NULL);
  return td_api_path_new (info->name, id, NULL);
}

static gboolean
filters_are_pairs (const char * const *filters)
{
  return filters == NULL || g_strv_length ((char **) filters) % 2 == 0;
}

const char *
td_api_collection_get_name (TdApiCollection collection)
{
  g_return_val_if_fail ((guint) collection < TD_API_N_COLLECTIONS, NULL);

  return collections[collection].name;
}

gboolean
td_api_collection_for_type (const char      *type,
                            TdApiCollection *out_collection)
{
  /* One mapping of types to collections: the one the outbox and the server tests use. */
  const char *name = td_collection_for_type (type);

  for (guint i = 0; name != NULL && i < TD_API_N_COLLECTIONS; i++)
    if (g_str_equal (collections[i].name, name))
      {
        if (out_collection != NULL)
          *out_collection = (TdApiCollection) i;
        return TRUE;
      }
  return FALSE;
}

void
td_api_list_async (TdApiClient          *client,
                   TdApiCollection       collection,
                   const char           *parent_id,
                   const TdApiListQuery *query,
                   GCancellable         *cancellable,
                   GAsyncReadyCallback   callback,
                   gpointer              user_data)
{
  g_autofree char *base = NULL;
  g_autoptr(GString) path = NULL;

  g_return_if_fail (check_operation (collection, parent_id, OP_LIST));
  g_return_if_fail (query == NULL || filters_are_pairs (query->filters));

  base = collection_path (collection, parent_id, NULL);
  path = g_string_new (base);
  if (query != NULL)
    {
      if (query->q != NULL)
        td_api_path_add_query (path, "q", query->q);
      if (query->status != NULL)
        td_api_path_add_query (path, "status", query->status);
      if (query->sort != NULL)
        td_api_path_add_query (path, "sort", query->sort);
      if (query->cursor != NULL)
        td_api_path_add_query (path, "cursor", query->cursor);
      if (query->limit > 0)
        {
          char limit[16];

          g_snprintf (limit, sizeof limit, "%u", MIN (query->limit, LIMIT_MAX));
          td_api_path_add_query (path, "limit", limit);
        }
      for (guint i = 0; query->filters != NULL && query->filters[i] != NULL; i += 2)
        td_api_path_add_query (path, query->filters[i], query->filters[i + 1]);
    }

  td_api_resources_send (client, &(TdApiRequestSpec) { .method = "GET", .path = path->str },
                         cancellable, callback, user_data);
}

/* Sends @spec (all but its path) to the collection, or to the item @id of it. */
static void
send_to_collection (TdApiClient         *client,
                    TdApiCollection      collection,
                    const char          *parent_id,
                    const char          *id,
                    TdApiRequestSpec    *spec,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autofree char *path = collection_path (collection, parent_id, id);

  spec->path = path;
  td_api_resources_send (client, spec, cancellable, callback, user_data);
}

void
td_api_get_async (TdApiClient         *client,
                  TdApiCollection      collection,
                  const char          *parent_id,
                  const char          *id,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_return_if_fail (check_operation (collection, parent_id, OP_GET));
  g_return_if_fail (id != NULL);

  send_to_collection (client, collection, parent_id, id,
                      &(TdApiRequestSpec) { .method = "GET" },
                      cancellable, callback, user_data);
}

void
td_api_create_async (TdApiClient         *client,
                     TdApiCollection      collection,
                     const char          *parent_id,
                     JsonObject          *fields,
                     const char          *idempotency_key,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (check_operation (collection, parent_id, OP_CREATE));
  g_return_if_fail (fields != NULL);

  send_to_collection (client, collection, parent_id, NULL,
                      &(TdApiRequestSpec) {
                        .method = "POST",
                        .body = fields,
                        .idempotency_key = idempotency_key,
                      },
                      cancellable, callback, user_data);
}

void
td_api_update_async (TdApiClient         *client,
                     TdApiCollection      collection,
                     const char          *parent_id,
                     const char          *id,
                     gint64               version,
                     JsonObject          *changes,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (check_operation (collection, parent_id, OP_UPDATE));
  g_return_if_fail (id != NULL);
  g_return_if_fail (changes != NULL);

  send_to_collection (client, collection, parent_id, id,
                      &(TdApiRequestSpec) {
                        .method = "PATCH",
                        .body = changes,
                        .if_match = version,
                      },
                      cancellable, callback, user_data);
}

void
td_api_delete_async (TdApiClient         *client,
                     TdApiCollection      collection,
                     const char          *parent_id,
                     const char          *id,
                     gint64               version,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (check_operation (collection, parent_id, OP_DELETE));
  g_return_if_fail (id != NULL);

  send_to_collection (client, collection, parent_id, id,
                      &(TdApiRequestSpec) { .method = "DELETE", .if_match = version },
                      cancellable, callback, user_data);
}

void
td_api_set_status_async (TdApiClient         *client,
                         TdApiCollection      collection,
                         const char          *id,
                         gint64               version,
                         const char          *status,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(JsonObject) changes = json_object_new ();

  g_return_if_fail ((guint) collection < TD_API_N_COLLECTIONS);
  g_return_if_fail (collections[collection].has_status);
  g_return_if_fail (status != NULL);

  json_object_set_string_member (changes, "status", status);
  td_api_update_async (client, collection, NULL, id, version, changes, cancellable, callback,
                       user_data);
}

void
td_api_collections_foreach_route (TdApiCollectionRouteFunc func,
                                  gpointer                 user_data)
{
  for (guint c = 0; c < TD_API_N_COLLECTIONS; c++)
    for (guint o = 0; o < G_N_ELEMENTS (operations); o++)
      {
        const CollectionInfo *info = &collections[c];
        const char *item = operations[o].item ? "/{id}" : "";

        if (info->ops & operations[o].op)
          {
            g_autofree char *pattern = g_strconcat (TD_API_PATH_PREFIX "/", info->name, item,
                                                    NULL);

            func (operations[o].method, pattern, operations[o].function, user_data);
          }
        if (info->nested_ops & operations[o].op)
          {
            g_autofree char *pattern = g_strconcat (TD_API_PATH_PREFIX "/customers/{customer_id}/",
                                                    info->nested, item, NULL);

            func (operations[o].method, pattern, operations[o].function, user_data);
          }
      }
}
