/* td-validate.h: validation rules shared by the server (which enforces them) and the app
 * (which explains them before a round trip)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TD_EMAIL_MAX_LENGTH     254
#define TD_PASSWORD_MIN_LENGTH  8
#define TD_PASSWORD_MAX_LENGTH  128
#define TD_NAME_MAX_LENGTH      200

gboolean td_validate_email           (const char *email);
gboolean td_validate_password_length (const char *password);
char    *td_normalize_email          (const char *email);
gboolean td_validate_server_url      (const char *url,
                                      char      **out_normalized);

G_END_DECLS
