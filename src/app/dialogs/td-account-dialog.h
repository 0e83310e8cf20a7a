/* td-account-dialog.h: the personal account settings (name, avatar, password, language,
 * notification preferences, sessions)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "td-account.h"

G_BEGIN_DECLS

void        td_account_dialog_present       (GtkWindow  *parent,
                                             TdAccount  *account);

/* Like td_account_dialog_present(), and returns the window (owned by GTK), for tests. */
GtkWindow  *td_account_dialog_new           (GtkWindow  *parent,
                                             TdAccount  *account);

/* The image of an avatar `data:image/png;base64,…` / `data:image/jpeg;base64,…` URL as the
 * server stores it; NULL for NULL or anything that does not decode. */
GdkTexture *td_account_dialog_decode_avatar (const char *data_url);

G_END_DECLS
