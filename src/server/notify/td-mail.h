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

G_END_DECLS
