/* td-store-accounts.h: share-login tokens and login-failure counters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"
#include "td-store-sessions.h"

G_BEGIN_DECLS

/* Login throttling (ARCHITECTURE.md §4). */
#define TD_THROTTLE_ACCOUNT_FREE_FAILURES 5                       /* then back-off */
#define TD_THROTTLE_ACCOUNT_MAX_USEC      ((gint64) 15 * 60 * G_USEC_PER_SEC)
#define TD_THROTTLE_ADDRESS_MAX_FAILURES  20                      /* per window */
#define TD_THROTTLE_ADDRESS_WINDOW_USEC   ((gint64) 10 * 60 * G_USEC_PER_SEC)

typedef enum
{
  TD_THROTTLE_EMAIL,
  TD_THROTTLE_ADDRESS,
} TdThrottleKind;

gboolean td_store_transfer_create   (TdDb               *db,
                                     const char         *org_id,
                                     const char         *user_id,
                                     const char         *session_id,
                                     const char         *token_hash,
                                     gint64              now_usec,
                                     gint64              expires_usec,
                                     GError            **error);
char    *td_store_transfer_redeem   (TdDb               *db,
                                     const char         *token_hash,
                                     TdSessionNew       *session,
                                     char              **out_user_id,
                                     GError            **error);

gboolean td_store_throttle_check    (TdDb               *db,
                                     TdThrottleKind      kind,
                                     const char         *subject,
                                     gint64              now_usec,
                                     gint64             *out_retry_usec,
                                     GError            **error);
gboolean td_store_throttle_failure  (TdDb               *db,
                                     TdThrottleKind      kind,
                                     const char         *subject,
                                     gint64              now_usec,
                                     GError            **error);
gboolean td_store_throttle_reset    (TdDb               *db,
                                     TdThrottleKind      kind,
                                     const char         *subject,
                                     GError            **error);

G_END_DECLS
