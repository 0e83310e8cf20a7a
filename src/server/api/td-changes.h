/* td-changes.h: the change feed (GET /api/v1/changes) and its retention
 *
 * td_changes_record() (declared in td-resource.h, where every writer finds it) numbers the
 * writes; this file answers the feed and prunes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-resource.h"

G_BEGIN_DECLS

#define TD_CHANGES_DEFAULT_LIMIT 1000
#define TD_CHANGES_MAX_LIMIT     5000

typedef struct
{
  GString   *json;             /* the response body {"changes", "next_since", "has_more"} */
  guint      n_changes;
  gint64     next_since;
  gboolean   has_more;
  gint64     last_change_seq;  /* of the last change in the page; 0 when empty */
  gint64     newest_seq;       /* the newest change of the server (progress of a sync) */
  GPtrArray *notifications;    /* JSON texts of the notification upserts, for the events */
} TdChangesPage;

/* One page of the feed for the caller: the changes after @since they may know of (an
 * object that left their scope comes as a delete), at most @limit of them. NULL with
 * *@out_error set (410 when @since is older than what the feed can answer for this
 * caller). */
TdChangesPage *td_changes_page      (TdApiCall      *call,
                                     gint64          since,
                                     guint           limit,
                                     TdApiResponse **out_error);
void           td_changes_page_free (TdChangesPage  *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdChangesPage, td_changes_page_free)

/* Prunes rows older than @cutoff (RFC 3339) that an initial sync does not need, and moves
 * the oldest answerable cursor (returned in @out_min_since) past them. */
gboolean       td_changes_prune     (TdDb           *db,
                                     const char     *cutoff,
                                     gint64         *out_min_since,
                                     guint64        *out_pruned,
                                     GError        **error);

G_END_DECLS
