/* td-list-search.h: a list model's full-text search (td-list-search.c)
 *
 * Only the list model includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "td-list-model.h"

G_BEGIN_DECLS

/* The rids a search matches, shared between the model and its anchor worker. */
typedef struct _TdListMatchSet TdListMatchSet;

TdListMatchSet *td_list_match_set_ref   (TdListMatchSet *set);
void            td_list_match_set_unref (TdListMatchSet *set);

/* The words of @text that can be searched: non-empty and valid UTF-8. NULL for none. */
GStrv           td_list_search_split_words (const char *text);

/* Makes td_list_match (set, rid) known to @db; FALSE if it cannot be. */
gboolean        td_list_search_register_function (sqlite3 *db);
/* Binds @binds to the ?s of @stmt in order, as text but for the @match_bind'th (1-based;
 * 0 for none), which is @match_set for td_list_match(). */
void            td_list_search_bind_all (sqlite3_stmt   *stmt,
                                         GPtrArray      *binds,
                                         guint           match_bind,
                                         TdListMatchSet *match_set);

/* For the model's search words: appends their condition to @cond and its value (the
 * match set, or the matching rids as JSON) to the model's binds, and sets match_count;
 * sets match_none instead when no row can match. */
void            td_list_model_build_search (TdListModel *self,
                                            GString     *cond);

G_END_DECLS
