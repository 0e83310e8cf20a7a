/* td-cache-item.h: one cached object as a list item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TD_TYPE_CACHE_ITEM (td_cache_item_get_type ())

G_DECLARE_FINAL_TYPE (TdCacheItem, td_cache_item, TD, CACHE_ITEM, GObject)

TdCacheItem *td_cache_item_new            (const char  *type,
                                           const char  *id,
                                           gint64       version,
                                           const char  *title,
                                           const char  *status,
                                           const char  *updated_at,
                                           const char  *json);
const char  *td_cache_item_get_object_type (TdCacheItem *self);
const char  *td_cache_item_get_id          (TdCacheItem *self);
gint64       td_cache_item_get_version     (TdCacheItem *self);
const char  *td_cache_item_get_title       (TdCacheItem *self);
const char  *td_cache_item_get_status      (TdCacheItem *self);
const char  *td_cache_item_get_updated_at  (TdCacheItem *self);
const char  *td_cache_item_get_json        (TdCacheItem *self);
/* The whole object, parsed on first use (lists show the columns above without parsing). */
JsonObject  *td_cache_item_get_object      (TdCacheItem *self);

G_END_DECLS
