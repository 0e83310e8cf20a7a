/* td-auth.h: logging in, bearer-token authentication and logging out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"
#include "td-user.h"

G_BEGIN_DECLS

/* A session lives 30 days from login, whatever its activity; the client logs in again
 * after that. Documented in docs/api.md. */
#define TD_SESSION_LIFETIME_USEC       ((gint64) 30 * 24 * 60 * 60 * G_USEC_PER_SEC)
/* How stale last_seen_at may get before an authenticated request writes it. */
#define TD_SESSION_TOUCH_INTERVAL_USEC ((gint64) 60 * G_USEC_PER_SEC)
/* Bearer tokens we issue are 43 characters; anything far outside that is not looked up. */
#define TD_BEARER_MAX_LENGTH           512

typedef struct
{
  char   *token;         /* the secret: only for the login response, never logged or stored */
  gint64  expires_usec;
  char   *session_id;
  TdUser *user;
} TdAuthLogin;

typedef struct
{
  char   *session_id;
  TdUser *user;
} TdAuthIdentity;

void            td_auth_login_free    (TdAuthLogin           *login);
void            td_auth_identity_free (TdAuthIdentity        *identity);

TdAuthLogin    *td_auth_login         (TdDb                  *db,
                                       const char            *email,
                                       const char            *password,
                                       const char            *user_agent,
                                       GError               **error);
char           *td_auth_parse_bearer  (const char            *authorization);
TdAuthIdentity *td_auth_authenticate  (TdDb                  *db,
                                       const char            *authorization,
                                       GError               **error);
gboolean        td_auth_logout        (TdDb                  *db,
                                       const TdAuthIdentity  *identity,
                                       GError               **error);

/* Share login (ARCHITECTURE.md §4): a token lives 2 minutes. For tests only, the environment
 * variable TD_TEST_TRANSFER_TOKEN_TTL (seconds, 1–120) shortens it; it can never lengthen it. */
#define TD_TRANSFER_TOKEN_LIFETIME_USEC ((gint64) 120 * G_USEC_PER_SEC)

typedef struct
{
  char   *token;         /* the secret: only for the creating response, never logged */
  gint64  expires_usec;
} TdAuthTransfer;

void            td_auth_transfer_free     (TdAuthTransfer        *transfer);
gint64          td_auth_transfer_lifetime (void);
char           *td_auth_device_label      (const char            *user_agent);
TdAuthTransfer *td_auth_transfer_create   (TdDb                  *db,
                                           const TdAuthIdentity  *identity,
                                           GError               **error);
TdAuthLogin    *td_auth_transfer_redeem   (TdDb                  *db,
                                           const char            *token,
                                           const char            *user_agent,
                                           GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdAuthTransfer, td_auth_transfer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdAuthLogin, td_auth_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdAuthIdentity, td_auth_identity_free)

G_END_DECLS
