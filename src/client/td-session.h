/* td-session.h: what a successful login or share-login redeem returns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "td-user.h"

G_BEGIN_DECLS

#define TD_TYPE_SESSION (td_session_get_type ())

typedef struct
{
  char   *token;        /* the bearer token; only ever stored in libsecret */
  gint64  expires_at;   /* unix microseconds */
  TdUser *user;
} TdSession;

GType      td_session_get_type  (void) G_GNUC_CONST;
TdSession *td_session_copy      (const TdSession  *session);
void       td_session_free      (TdSession        *session);
TdSession *td_session_from_json (JsonObject       *object,
                                 GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdSession, td_session_free)

G_END_DECLS
