/* td-notification-drawer.h: the end-side panel with the account, its actions and the
 * notification list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "td-account.h"

G_BEGIN_DECLS

#define TD_TYPE_NOTIFICATION_DRAWER (td_notification_drawer_get_type ())

G_DECLARE_FINAL_TYPE (TdNotificationDrawer, td_notification_drawer, TD, NOTIFICATION_DRAWER, GtkWidget)

/* Properties: "unread-count" (guint, notifies on change): the server's unread count.
 * Signals: "open-item" (const char *subject_type, const char *subject_id): an entry was
 *          opened (and marked read); "account-settings-requested"; "share-login-requested".
 * While it exists, the drawer adds the action "app.open-item" (ss: subject type, subject
 * id) to the default application, which its desktop notifications activate: it presents
 * the drawer's window and emits "open-item". Log out is the "app.logout" action. */
GtkWidget *td_notification_drawer_new (TdAccount *account);

G_END_DECLS
