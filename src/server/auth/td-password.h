/* td-password.h: password hashing with argon2id (ARCHITECTURE.md §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* OWASP's first recommended argon2id configuration: 19 MiB, two passes, one lane.
 * About 50 ms per hash on a current core, which is why hashing runs on its own threads. */
#define TD_PASSWORD_M_COST_KIB  19456
#define TD_PASSWORD_T_COST      2
#define TD_PASSWORD_PARALLELISM 1
#define TD_PASSWORD_SALT_BYTES  16
#define TD_PASSWORD_HASH_BYTES  32

char     *td_password_hash         (const char  *password,
                                    GError     **error);
gboolean  td_password_verify       (const char  *encoded,
                                    const char  *password);
void      td_password_verify_dummy (const char  *password);

G_END_DECLS
