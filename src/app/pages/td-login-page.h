/* td-login-page.h: signing in to a Twindesk server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "td-account.h"

G_BEGIN_DECLS

#define TD_TYPE_LOGIN_PAGE (td_login_page_get_type ())

G_DECLARE_FINAL_TYPE (TdLoginPage, td_login_page, TD, LOGIN_PAGE, AdwBin)

GtkWidget *td_login_page_new             (void);
TdAccount *td_login_page_get_account     (TdLoginPage *self);
void       td_login_page_set_account     (TdLoginPage *self,
                                          TdAccount   *account);
gboolean   td_login_page_get_busy        (TdLoginPage *self);
void       td_login_page_restore_session (TdLoginPage *self);

G_END_DECLS
