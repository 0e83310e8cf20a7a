/* td-random.h: secrets and identifiers from the kernel's CSPRNG
 *
 * GLib's g_random_* and g_uuid_string_random() are not cryptographic; everything that must
 * not be guessed (session, share-login and invitation tokens, salts, idempotency keys) and
 * every id comes from getrandom() through these functions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TD_TOKEN_BYTES 32  /* 256 bits */

gboolean  td_random_fill     (guint8      *buffer,
                              gsize        length,
                              GError     **error);
char     *td_token_new       (void);
char     *td_token_hash      (const char  *token);
char     *td_uuid_new        (void);
gboolean  td_uuid_is_valid   (const char  *text);
gboolean  td_secure_str_equal (const char *a,
                               const char *b);

G_END_DECLS
