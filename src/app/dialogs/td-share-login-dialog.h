/* td-share-login-dialog.h: shows a QR code that signs a phone in as the current user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "td-account.h"

G_BEGIN_DECLS

void        td_share_login_dialog_present   (GtkWindow *parent,
                                             TdAccount *account);

/* Like td_share_login_dialog_present(), and returns the window (owned by GTK), for tests. */
GtkWindow  *td_share_login_dialog_new       (GtkWindow *parent,
                                             TdAccount *account);
/* The QR code the dialog shows now at @module_size pixels a module (with its quiet zone),
 * or NULL while it has none: what a phone would scan, without a screen capture. */
GdkTexture *td_share_login_dialog_render_qr (GtkWindow *dialog,
                                             guint      module_size);

G_END_DECLS
