/* td-feedback-dialog.h: "Send Feedback" from the top-bar menu (POST /api/v1/feedback)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "td-account.h"

G_BEGIN_DECLS

#define TD_FEEDBACK_MAX_CHARS 5000

/* Asks for the text and sends it with the app version; @done (may be NULL) is called with
 * the outcome as a sentence for a toast. Returns the dialog. */
GtkWidget *td_feedback_dialog_present (GtkWindow  *parent,
                                       TdAccount  *account,
                                       void      (*done) (GtkWindow  *parent,
                                                          const char *message));

G_END_DECLS
