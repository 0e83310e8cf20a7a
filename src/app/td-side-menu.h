/* td-side-menu.h: the modules of the back office, filtered by login type and role
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "td-permissions.h"

G_BEGIN_DECLS

#define TD_TYPE_SIDE_MENU (td_side_menu_get_type ())

G_DECLARE_FINAL_TYPE (TdSideMenu, td_side_menu, TD, SIDE_MENU, GtkWidget)

/* Signal "module-selected" (guint module): a person picked a module. */
GtkWidget *td_side_menu_new              (void);
/* Shows the modules @role may use (td_module_visible()); TD_ROLE_INVALID shows none. */
void       td_side_menu_set_role         (TdSideMenu *self,
                                          TdRole      role);
guint      td_side_menu_get_n_modules    (TdSideMenu *self);
/* The module in row @index, or TD_N_MODULES past the end. */
TdModule   td_side_menu_get_module_at    (TdSideMenu *self,
                                          guint       index);
gboolean   td_side_menu_has_module       (TdSideMenu *self,
                                          TdModule    module);
/* Selects the row without emitting "module-selected". */
void       td_side_menu_select_module    (TdSideMenu *self,
                                          TdModule    module);
/* The visible labels, top to bottom; for tests. */
char     **td_side_menu_dup_labels       (TdSideMenu *self);

G_END_DECLS
