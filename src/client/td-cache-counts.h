/* td-cache-counts.h: the numbers the shell shows as badges, kept current from the cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-cache.h"

G_BEGIN_DECLS

#define TD_TYPE_CACHE_COUNTS (td_cache_counts_get_type ())

G_DECLARE_FINAL_TYPE (TdCacheCounts, td_cache_counts, TD, CACHE_COUNTS, GObject)

/* Properties (read-only, notify only when the number changes): "unread-notifications",
 * "pending-changes", "failed-changes", "conflicts". */
TdCacheCounts *td_cache_counts_new                      (TdCache       *cache);
guint          td_cache_counts_get_unread_notifications (TdCacheCounts *self);
guint          td_cache_counts_get_pending_changes      (TdCacheCounts *self);
guint          td_cache_counts_get_failed_changes       (TdCacheCounts *self);
guint          td_cache_counts_get_conflicts            (TdCacheCounts *self);

G_END_DECLS
