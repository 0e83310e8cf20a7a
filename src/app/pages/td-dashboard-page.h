/* td-dashboard-page.h: the statistics of GET /api/v1/stats/dashboard as cards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "td-account.h"

G_BEGIN_DECLS

#define TD_TYPE_DASHBOARD_PAGE (td_dashboard_page_get_type ())

G_DECLARE_FINAL_TYPE (TdDashboardPage, td_dashboard_page, TD, DASHBOARD_PAGE, GtkWidget)

GtkWidget *td_dashboard_page_new         (TdAccount       *account);
void       td_dashboard_page_reload      (TdDashboardPage *self);
/* TRUE once the statistics are shown; for tests. */
gboolean   td_dashboard_page_has_stats   (TdDashboardPage *self);

G_END_DECLS
