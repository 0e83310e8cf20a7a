/* td-list-model-private.h: what the list model shares with its anchors and its search
 *
 * td-list-model.c is the GListModel: the query, the windows of items and the change
 * tracking. td-list-anchors.c finds a long list's windows by keyset; td-list-search.c
 * turns the search words into the rows they match. Only these include this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-cache-private.h"
#include "td-list-anchors.h"
#include "td-list-model.h"
#include "td-list-search.h"

G_BEGIN_DECLS

#define WINDOW TD_LIST_MODEL_WINDOW

struct _TdListModel
{
  GObject              parent_instance;

  TdCache             *cache;
  char                *type;
  const TdCacheEntity *entity;
  gulong               changed_handler;

  GHashTable          *filters;      /* column → value */
  char                *sort;
  gboolean             descending;
  char                *match;        /* the search as FTS5 query (td_list_model_build_match) */
  GStrv                words;        /* the search words, or NULL */

  /* The query, rebuilt at every refresh */
  char                *from;         /* "FROM … t", for counts and the whole order */
  char                *walk_from;    /* the same, or with INDEXED BY the sort index */
  char                *cond;         /* " WHERE …" */
  char                *order;        /* "ORDER BY …" */
  char                *backwards;    /* the same, reversed */
  GPtrArray           *binds;        /* text values for the ?s of `cond`, in order */
  guint                match_bind;   /* which of them is the match set (1-based), or 0 */
  TdListMatchSet      *match_set;
  gint64               match_count;  /* rows the FTS index matches, or -1 */
  gboolean             match_none;   /* the search matches no row: the list is empty */
  gboolean             walk_reads_table;  /* walking the sort index reads table rows */

  guint                n_items;
  guint                n_null;       /* rows with a NULL sort key (long lists) */
  guint                diff_limit;
  GArray              *rids;         /* the order, while n_items <= diff_limit */
  TdListAnchors       *anchors;      /* otherwise */
  GThread             *anchor_thread;
  GHashTable          *windows;      /* window index → Window */
  guint64              use_clock;
  guint                window_loads;
  guint64              rows_skipped;
};

/* A statement of the list's query with its values bound; NULL when the cache is gone (or
 * the statement fails, which is logged). */
sqlite3_stmt *td_list_model_prepare (TdListModel *self,
                                     const char  *sql);

G_END_DECLS
