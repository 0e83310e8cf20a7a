/* td-list-source.h: where a list page gets its rows
 *
 * One small interface in front of two data sources: the sync engine's cache (TdListModel,
 * lazy, filtered and sorted in SQL) and, until that cache is filled, the server's list route
 * read page by page into a GListStore. Either way the rows are TdCacheItem.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "td-account.h"

G_BEGIN_DECLS

#define TD_TYPE_LIST_SOURCE (td_list_source_get_type ())

G_DECLARE_FINAL_TYPE (TdListSource, td_list_source, TD, LIST_SOURCE, GObject)

/* @collection is the route name ("video-sessions"), @cache_type the synced type
 * ("video_session"). Properties: "loading" (boolean), "error" (string or NULL),
 * "truncated" (boolean: the server has more rows than were read). */
TdListSource *td_list_source_new           (TdAccount    *account,
                                            const char   *collection,
                                            const char   *cache_type);
/* A GListModel of TdCacheItem; the same object for the life of the source. */
GListModel   *td_list_source_get_model     (TdListSource *self);
/* Search words, a status and a label id ("" or NULL for all); the rows are read again.
 * The label only narrows rows from the offline copy (see td_list_source_get_labels()). */
void          td_list_source_set_query     (TdListSource *self,
                                            const char   *search,
                                            const char   *status,
                                            const char   *label);
void          td_list_source_reload        (TdListSource *self);
/* Whether the rows come from the offline copy (then sorting happens in SQL: see
 * td_list_source_set_sort(); FALSE: the model is sorted where it is shown). */
gboolean      td_list_source_is_cached     (TdListSource *self);
/* Sorts a cached list by @member; FALSE when it cannot (not cached, unknown column). */
gboolean      td_list_source_set_sort      (TdListSource *self,
                                            const char   *member,
                                            gboolean      descending);
/* The offline copy's labels (TdCacheItem of type "label", kept current by the sync
 * engine) when the rows come from it and carry labels; NULL otherwise. */
GListModel   *td_list_source_get_labels    (TdListSource *self);
gboolean      td_list_source_get_loading   (TdListSource *self);
const char   *td_list_source_get_error     (TdListSource *self);
gboolean      td_list_source_get_truncated (TdListSource *self);

/* What a list calls one object of the API: its title, name, or first + last name. */
char         *td_list_source_dup_title      (JsonObject  *object);
/* The TdCacheItem for one object of the API (title, status and updated_at picked out). */
GObject      *td_list_source_item_from_json (const char  *cache_type,
                                             JsonObject  *object);

G_END_DECLS
