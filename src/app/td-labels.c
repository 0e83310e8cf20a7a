/* td-labels.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-labels"

#include "config.h"

#include "td-labels.h"

#include <glib/gi18n-lib.h>

/* Translated at the time of the call, not at start-up, so that a language switch at run
 * time shows the new words on the rebuilt window. */
const char *
td_labels_for_role (TdRole role)
{
  switch (role)
    {
    case TD_ROLE_ADMIN:
    case TD_ROLE_CUSTOMER_ADMIN:
      return C_("role", "Administrator");

    case TD_ROLE_DEPT_ADMIN:
      return C_("role", "Department Administrator");

    case TD_ROLE_CONTENT_CREATOR:
      return C_("role", "Content Creator");

    case TD_ROLE_MODERATOR:
    case TD_ROLE_CUSTOMER_MODERATOR:
      return C_("role", "Moderator");

    case TD_ROLE_MEMBER:
    case TD_ROLE_CUSTOMER_MEMBER:
      return C_("role", "Member");

    case TD_N_ROLES:
    default:
      return C_("role", "Unknown Role");
    }
}

const char *
td_labels_for_module (TdModule module)
{
  switch (module)
    {
    case TD_MODULE_DASHBOARD:
      return C_("module", "Dashboard");

    case TD_MODULE_TICKETS:
      return C_("module", "Tickets");

    case TD_MODULE_VIDEO_SESSIONS:
      return C_("module", "Video Sessions");

    case TD_MODULE_TASKS:
      return C_("module", "Tasks");

    case TD_MODULE_TEMPLATES:
      return C_("module", "Templates");

    case TD_MODULE_DEVICES:
      return C_("module", "Devices");

    case TD_MODULE_CUSTOMERS:
      return C_("module", "Customers");

    case TD_MODULE_MY_COMPANY:
      return C_("module", "My Company");

    case TD_MODULE_CODES:
      return C_("module", "Codes");

    case TD_N_MODULES:
    default:
      g_return_val_if_reached ("");
    }
}

/* Stock symbolic icons of the Adwaita theme in GNOME 43; the app ships none of its own yet. */
const char *
td_labels_module_icon (TdModule module)
{
  switch (module)
    {
    case TD_MODULE_DASHBOARD:
      return "view-grid-symbolic";

    case TD_MODULE_TICKETS:
      return "mail-unread-symbolic";

    case TD_MODULE_VIDEO_SESSIONS:
      return "camera-video-symbolic";

    case TD_MODULE_TASKS:
      return "view-list-bullet-symbolic";

    case TD_MODULE_TEMPLATES:
      return "folder-templates-symbolic";

    case TD_MODULE_DEVICES:
      return "computer-symbolic";

    case TD_MODULE_CUSTOMERS:
      return "system-users-symbolic";

    case TD_MODULE_MY_COMPANY:
      return "x-office-address-book-symbolic";

    case TD_MODULE_CODES:
      return "view-app-grid-symbolic";

    case TD_N_MODULES:
    default:
      g_return_val_if_reached ("application-x-executable-symbolic");
    }
}
