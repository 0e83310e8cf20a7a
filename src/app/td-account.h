/* td-account.h: the signed-in account of the desktop app (a service, not a widget)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "td-api-client.h"
#include "td-credentials.h"
#include "td-cache.h"
#include "td-cache-counts.h"
#include "td-event-stream.h"
#include "td-sync.h"
#include "td-user.h"

G_BEGIN_DECLS

typedef enum
{
  TD_ACCOUNT_SIGNED_OUT,
  TD_ACCOUNT_RESTORING,   /* checking a remembered session with the server */
  TD_ACCOUNT_SIGNED_IN,
} TdAccountState;

#define TD_TYPE_ACCOUNT_STATE (td_account_state_get_type ())
GType td_account_state_get_type (void) G_GNUC_CONST;

#define TD_TYPE_ACCOUNT (td_account_get_type ())

G_DECLARE_FINAL_TYPE (TdAccount, td_account, TD, ACCOUNT, GObject)

TdAccount      *td_account_new                 (GSettings            *settings,
                                                TdCredentials        *credentials);
GSettings      *td_account_get_settings        (TdAccount            *self);
TdCredentials  *td_account_get_credentials     (TdAccount            *self);
TdAccountState  td_account_get_state           (TdAccount            *self);
TdApiClient    *td_account_get_client          (TdAccount            *self);
TdEventStream  *td_account_get_events          (TdAccount            *self);
TdCache        *td_account_get_cache           (TdAccount            *self);
TdSync         *td_account_get_sync            (TdAccount            *self);
TdCacheCounts  *td_account_get_counts          (TdAccount            *self);
void            td_account_update_user         (TdAccount            *self,
                                                const TdUser         *user);
const TdUser   *td_account_get_user            (TdAccount            *self);
char           *td_account_dup_server_url      (TdAccount            *self);
char           *td_account_dup_last_user       (TdAccount            *self);
void            td_account_set_server_override (TdAccount            *self,
                                                const char           *server_url);
gboolean        td_account_can_restore         (TdAccount            *self);

/* Signs in with a password. @server_url must be normalized with td_validate_server_url(). */
void            td_account_sign_in_async       (TdAccount            *self,
                                                const char           *server_url,
                                                const char           *email,
                                                const char           *password,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        td_account_sign_in_finish      (TdAccount            *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* Resumes the remembered session (token from the keyring, checked with GET /me).
 * TRUE when signed in; FALSE without error when nothing was remembered; FALSE with the
 * error otherwise (TD_API_ERROR_UNAUTHORIZED means the session ended and was forgotten). */
void            td_account_restore_async       (TdAccount            *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        td_account_restore_finish      (TdAccount            *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* Forgets the session at once; revoking it on the server is best effort. */
void            td_account_sign_out_async      (TdAccount            *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        td_account_sign_out_finish     (TdAccount            *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
