/* td-app-types.c: every type the .ui files of the app name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-app-types"

#include "config.h"

#include "td-app-types.h"

#include "td-account.h"
#include "td-application.h"
#include "td-dashboard-page.h"
#include "td-list-page.h"
#include "td-login-page.h"
#include "td-notification-drawer.h"
#include "td-resources.h"
#include "td-side-menu.h"
#include "td-sync-status.h"
#include "td-window.h"

/* GtkBuilder finds a class only once its type is registered; tests that load every .ui
 * file call this first. Asking for the resource also keeps its object file, whose
 * constructor registers it, from being dropped when linking the static library. */
void
td_app_ensure_types (void)
{
  if (td_resources_get_resource () == NULL)
    g_critical ("The resources of the app are missing");

  g_type_ensure (TD_TYPE_ACCOUNT);
  g_type_ensure (TD_TYPE_APPLICATION);
  g_type_ensure (TD_TYPE_DASHBOARD_PAGE);
  g_type_ensure (TD_TYPE_LIST_PAGE);
  g_type_ensure (TD_TYPE_SIDE_MENU);
  g_type_ensure (TD_TYPE_SYNC_STATUS);
  g_type_ensure (TD_TYPE_LOGIN_PAGE);
  g_type_ensure (TD_TYPE_NOTIFICATION_DRAWER);
  g_type_ensure (TD_TYPE_WINDOW);
}
