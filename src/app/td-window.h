/* td-window.h: the main window: login, then the back office (top bar, side menu, module
 * pages, notification drawer)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "td-account.h"
#include "td-permissions.h"

G_BEGIN_DECLS

#define TD_TYPE_WINDOW (td_window_get_type ())

G_DECLARE_FINAL_TYPE (TdWindow, td_window, TD, WINDOW, AdwApplicationWindow)

TdWindow  *td_window_new             (GtkApplication *application,
                                      TdAccount      *account);
TdAccount *td_window_get_account     (TdWindow       *self);
void       td_window_restore_session (TdWindow       *self);
void       td_window_show_toast      (TdWindow       *self,
                                      const char     *message);
/* Shows @module's page (creating it on first use); FALSE when the user has no such module. */
gboolean   td_window_show_module     (TdWindow       *self,
                                      TdModule        module);
TdModule   td_window_get_module      (TdWindow       *self);
/* The page of @module if it was shown once, else NULL. */
GtkWidget *td_window_get_page        (TdWindow       *self,
                                      TdModule        module);
/* Opens the object a notification names ("ticket", "video_session", "task", "code"). */
gboolean   td_window_open_item       (TdWindow       *self,
                                      const char     *subject_type,
                                      const char     *subject_id);
/* Switches the language ("" = system) and rebuilds the window on the same page; returns
 * the new window (the old one is destroyed). */
TdWindow  *td_window_set_language    (TdWindow       *self,
                                      const char     *code);

G_END_DECLS
