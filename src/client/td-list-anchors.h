/* td-list-anchors.h: how a long list model finds its windows (td-list-anchors.c)
 *
 * Only the list model includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-list-model.h"

G_BEGIN_DECLS

/* The anchors of one long list, one per window, and the worker that reads them. */
typedef struct _TdListAnchors TdListAnchors;

/* Room for the anchors of a list of @n_rows rows, none known yet; no worker runs. */
TdListAnchors *td_list_anchors_new        (guint        n_rows);
/* Stops the model's worker, if one runs, and frees its anchors. */
void           td_list_model_stop_anchors (TdListModel *self);
/* The rids of the window of the model's long list that starts at @first, into @rids
 * (room for TD_LIST_MODEL_WINDOW + 1); returns how many of them the window has. */
guint          td_list_model_read_window  (TdListModel *self,
                                           guint        first,
                                           gint64      *rids);

G_END_DECLS
