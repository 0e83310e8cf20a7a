/* td-mail.h: outgoing email (invitations, notifications by email)
 *
 * A message is queued in the `mail_outbox` table inside the caller's transaction, so that
 * it exists exactly when the write that causes it commits. The mailer (td-mailer.h) delivers
 * queued messages from its own thread: to the SMTP relay of --smtp, or, without one, as
 * files in the spool directory. Failures are retried with back-off; nothing is dropped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

/* Queues a plain-text message to @to (one address) in the open transaction of @db.
 * @subject and @body are UTF-8; the body uses "\n" line ends. */
gboolean td_mail_queue (TdDb        *db,
                        const char  *org_id,
                        const char  *to,
                        const char  *subject,
                        const char  *body,
                        GError     **error);

/* Like td_mail_queue() for a message whose body holds a secret (an invitation's one-time
 * link): the mailer blanks the stored body once the message is delivered, so the database
 * keeps the secret only as long as it must. */
gboolean td_mail_queue_sensitive (TdDb        *db,
                                  const char  *org_id,
                                  const char  *to,
                                  const char  *subject,
                                  const char  *body,
                                  GError     **error);

/* The RFC 5322 form of a message, as both the SMTP client and the spool directory send
 * it: Date (of @date_usec), From, To, Subject (RFC 2047 when not ASCII), Message-ID
 * (<@message_id_local@domain of @from>), MIME-Version, Content-Type text/plain;
 * charset=utf-8, Content-Transfer-Encoding 8bit, then @body with CRLF line ends (lines
 * longer than RFC 5322 allows are broken). Header values lose any CR and LF. */
char    *td_mail_format (const char  *from,
                         const char  *to,
                         const char  *subject,
                         const char  *body,
                         gint64       date_usec,
                         const char  *message_id_local);

G_END_DECLS
