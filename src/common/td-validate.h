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

/* Password policy (ARCHITECTURE.md §4): 8–128 characters (td_validate_password_length())
 * and not one of the shipped common passwords (td-common-passwords.c), compared
 * case-insensitively. */
gboolean td_password_is_common       (const char *password);

/* Personal settings (PATCH /api/v1/me). */
#define TD_AVATAR_MAX_BYTES          (256 * 1024)  /* decoded PNG or JPEG */
gboolean td_validate_language        (const char *language);
gboolean td_notification_event_type_is_valid (const char *event_type);
const char * const *td_notification_event_types (void);

extern const char * const td_common_passwords[];
extern const gsize        td_common_passwords_length;

G_END_DECLS
