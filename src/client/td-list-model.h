/* td-list-model.h: a lazy GListModel over one cached type
 *
 * Filters, sort and full-text search run in SQL; items (TdCacheItem) are loaded in windows
 * of TD_LIST_MODEL_WINDOW rows kept in a small LRU. A list longer than the diff limit finds
 * a window from its anchor (the sort key and rid of the window's first row), which a worker
 * thread reads for the whole list at the first jump. See HACKING.md, "Client cache and
 * outbox", for how items-changed is computed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "td-cache.h"
#include "td-cache-item.h"

G_BEGIN_DECLS

#define TD_LIST_MODEL_WINDOW      200
/* Up to this many rows a list keeps its order (row ids) in memory and reports each sync
 * change as the one exact range it touched; a longer list reports a change as a reset. */
#define TD_LIST_MODEL_DIFF_LIMIT  50000

#define TD_TYPE_LIST_MODEL (td_list_model_get_type ())

G_DECLARE_FINAL_TYPE (TdListModel, td_list_model, TD, LIST_MODEL, GObject)

/* Sorted by updated_at, newest first, until told otherwise. */
TdListModel *td_list_model_new        (TdCache     *cache,
                                       const char  *type);
const char  *td_list_model_get_object_type (TdListModel *self);
/* Equality filter on an indexed column (status, priority, device_id, customer_id, …) or,
 * for "labels", rows carrying that label id. %NULL @value removes the filter. Returns
 * FALSE for a column the type does not have. */
gboolean     td_list_model_set_filter (TdListModel *self,
                                       const char  *column,
                                       const char  *value);
gboolean     td_list_model_set_sort   (TdListModel *self,
                                       const char  *column,
                                       gboolean     descending);
/* Words the rows must contain (prefixes match) in title or body; %NULL or "" for all. */
void         td_list_model_set_search (TdListModel *self,
                                       const char  *text);

/* Lowers TD_LIST_MODEL_DIFF_LIMIT for this model, so tests reach the long-list path with
 * few rows; takes effect at the next refresh. */
void         td_list_model_set_diff_limit   (TdListModel *self,
                                             guint        limit);
/* How many windows were read from the database; for tests and the benchmark. */
guint        td_list_model_get_window_loads (TdListModel *self);
/* How many rows window loads stepped over with OFFSET (none once a long list's anchors
 * are known); for tests and the benchmark. */
guint64      td_list_model_get_rows_skipped (TdListModel *self);
/* Reads a long list's anchors now (the model starts that at the first jump) and waits
 * until the worker stopped; TRUE when it read every window's. FALSE at once for a short
 * list or where no worker may run (bulk load). For tests and the benchmark: the model
 * itself waits only on a far jump in a list whose sort index lacks its filter. */
gboolean     td_list_model_wait_for_anchors (TdListModel *self);

/* Turns user text into an FTS5 query: every word a quoted prefix. NULL for no words. */
char        *td_list_model_build_match (const char *text);

G_END_DECLS
