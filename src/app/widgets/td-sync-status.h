/* td-sync-status.h: the state of the offline copy, at the foot of the side menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "td-account.h"

G_BEGIN_DECLS

#define TD_TYPE_SYNC_STATUS (td_sync_status_get_type ())

G_DECLARE_FINAL_TYPE (TdSyncStatus, td_sync_status, TD, SYNC_STATUS, GtkWidget)

GtkWidget  *td_sync_status_new         (void);
/* Follows @account's sync engine and counts; NULL shows nothing. */
void        td_sync_status_set_account (TdSyncStatus *self,
                                        TdAccount    *account);
/* What the widget says now (for tests). */
const char *td_sync_status_get_text    (TdSyncStatus *self);

G_END_DECLS
