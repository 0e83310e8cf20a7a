/* td-list-page.h: the list of one module (tickets, devices, …) with search, status and
 * label filters, sortable columns and a detail pane
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "td-account.h"
#include "td-permissions.h"

G_BEGIN_DECLS

#define TD_TYPE_LIST_PAGE (td_list_page_get_type ())

G_DECLARE_FINAL_TYPE (TdListPage, td_list_page, TD, LIST_PAGE, GtkWidget)

/* What a status of a case, customer or employee is called on screen ("in_progress"). */
const char *td_list_page_status_label    (const char *status);
/* Every module but the dashboard has a list. */
gboolean    td_list_page_supports_module (TdModule    module);
GtkWidget  *td_list_page_new             (TdAccount  *account,
                                          TdModule    module);
TdModule    td_list_page_get_module      (TdListPage *self);
void        td_list_page_focus_search    (TdListPage *self);
/* Reads the rows again (after a language switch the page is new and loads by itself). */
void        td_list_page_reload          (TdListPage *self);
guint       td_list_page_get_n_items     (TdListPage *self);
gboolean    td_list_page_get_loading     (TdListPage *self);
/* Shows the object in the detail pane; FALSE when it is not in the list (yet). */
gboolean    td_list_page_show_item       (TdListPage *self,
                                          const char *id);
/* The id shown in the detail pane, or NULL. */
const char *td_list_page_get_shown_id    (TdListPage *self);
/* What the page shows (search words, status, label, the item in the detail pane) as an
 * a{sv}, so that the page replacing it shows the same: a language switch rebuilds the
 * window. A floating reference. */
GVariant   *td_list_page_save_state      (TdListPage *self);
void        td_list_page_restore_state   (TdListPage *self,
                                          GVariant   *state);

G_END_DECLS
