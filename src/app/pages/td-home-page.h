/* td-home-page.h: what a signed-in person sees first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "td-account.h"

G_BEGIN_DECLS

#define TD_TYPE_HOME_PAGE (td_home_page_get_type ())

G_DECLARE_FINAL_TYPE (TdHomePage, td_home_page, TD, HOME_PAGE, AdwBin)

GtkWidget *td_home_page_new         (void);
TdAccount *td_home_page_get_account (TdHomePage *self);
void       td_home_page_set_account (TdHomePage *self,
                                     TdAccount  *account);

G_END_DECLS
