/* td-credentials.h: the session token in the user's keyring (libsecret)
 *
 * Only the token is stored, never the password, keyed by server URL and user email. When
 * no Secret Service is available (or the keyring stays locked) the token lives in memory
 * for this run and the caller gets TD_CREDENTIALS_ERROR_UNAVAILABLE with the reason, so it
 * can tell the user why the login will not be remembered. There is no plaintext fallback.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "td-client-error.h"

G_BEGIN_DECLS

#define TD_TYPE_CREDENTIALS (td_credentials_get_type ())

G_DECLARE_FINAL_TYPE (TdCredentials, td_credentials, TD, CREDENTIALS, GObject)

TdCredentials *td_credentials_new           (void);

/* TRUE when stored in the keyring; FALSE with TD_CREDENTIALS_ERROR_UNAVAILABLE when it was
 * kept in memory only. */
void           td_credentials_store_async   (TdCredentials        *self,
                                             const char           *server_url,
                                             const char           *email,
                                             const char           *token,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       td_credentials_store_finish  (TdCredentials        *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* The stored token, or NULL without error when there is none. */
void           td_credentials_lookup_async  (TdCredentials        *self,
                                             const char           *server_url,
                                             const char           *email,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
char          *td_credentials_lookup_finish (TdCredentials        *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Removes the token from the keyring and from memory. */
void           td_credentials_clear_async   (TdCredentials        *self,
                                             const char           *server_url,
                                             const char           *email,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       td_credentials_clear_finish  (TdCredentials        *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
