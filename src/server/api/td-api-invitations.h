/* td-api-invitations.h: the invitation email and the accept flow (issue 4, "Mail")
 *
 * Creating an invitation (td-api-org-people.c) and resending one give it a new one-time
 * token: 256 bits from td-random, only its SHA-256 stored, valid TD_INVITATION_LIFETIME_USEC,
 * and queue an email with <public URL>/invite#<token>. POST /api/v1/invitations/accept
 * takes the token once, sets the password, activates the user and signs them in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-private.h"

G_BEGIN_DECLS

#define TD_INVITATION_LIFETIME_USEC ((gint64) 7 * 24 * 60 * 60 * G_USEC_PER_SEC)

/* In the caller's open transaction: makes a new token for the invitation to @email and
 * queues the email with its link. Returns the token's hash and expiry (RFC 3339) to store
 * in the invitation row, never the token. */
gboolean       td_invitation_issue          (TdApiCall   *call,
                                             const char  *org_id,
                                             const char  *email,
                                             const char  *first_name,
                                             char       **out_token_hash,
                                             char       **out_expires_at,
                                             GError     **error);

TdApiResponse *td_api_invitations_accept    (TdApiCall   *call);
TdApiResponse *td_api_invitations_resend    (TdApiCall   *call);

G_END_DECLS
