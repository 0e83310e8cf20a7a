/* td-application.h: the Twindesk desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "td-account.h"
#include "td-credentials.h"

G_BEGIN_DECLS

/* The settings schema keeps the base id, so that a .Devel build shares the settings. */
#define TD_SETTINGS_SCHEMA_ID "io.github.twindesk.Twindesk"
#define TD_APP_ICON_NAME      "io.github.twindesk.Twindesk"

#define TD_TYPE_APPLICATION (td_application_get_type ())

G_DECLARE_FINAL_TYPE (TdApplication, td_application, TD, APPLICATION, AdwApplication)

/* @credentials: NULL to use the user's keyring; tests pass their own to share it between
 * two application runs in one process. */
TdApplication *td_application_new         (TdCredentials *credentials);
TdAccount     *td_application_get_account (TdApplication *self);

G_END_DECLS
