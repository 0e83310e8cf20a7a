/* td-mailer.h: delivers the messages of the mail outbox (see td-mail.h)
 *
 * One thread per server process takes the due rows of mail_outbox, oldest first, and
 * delivers each: to the SMTP relay of --smtp, or, without one, as an RFC 5322 file
 * (<created>-<id>.eml, written under a temporary name and renamed) in the spool directory.
 * A delivered row gets sent_at; a failed one keeps attempts + 1, last_error and a
 * next_attempt_at with exponential back-off (30 s, doubling, at most an hour). Rows are
 * never deleted.
 *
 * When it looks: every TD_MAILER_POLL_INTERVAL_USEC (due retries, and messages queued by
 * another process), and at once after td_mailer_kick(). The API dispatcher kicks after
 * every successful write request, because td_mail_queue() runs inside a transaction the
 * mailer cannot see until it commits; kicking earlier would find nothing.
 *
 * Delivery is at least once: a message the relay accepted is marked sent right away, but
 * if the process dies in between it is sent again after the restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db-pool.h"

G_BEGIN_DECLS

#define TD_MAILER_POLL_INTERVAL_USEC  ((gint64) 1 * G_USEC_PER_SEC)
#define TD_MAILER_RETRY_BASE_USEC     ((gint64) 30 * G_USEC_PER_SEC)
#define TD_MAILER_RETRY_MAX_USEC      ((gint64) 60 * 60 * G_USEC_PER_SEC)
#define TD_MAILER_SMTP_TIMEOUT_SEC    30
#define TD_MAILER_DEFAULT_FROM        "twindesk@localhost"

typedef struct _TdMailer TdMailer;

/* @smtp_url: "smtp://host[:port]" (port 25 by default) or NULL for the spool directory
 * @spool_dir (created, mode 0700, when needed). Fails with TD_SERVER_ERROR_INVALID_ARGUMENT
 * for a bad URL or address, or when the spool directory cannot be created. */
TdMailer *td_mailer_new             (TdDbPool    *pool,
                                     const char  *smtp_url,
                                     const char  *spool_dir,
                                     const char  *from_address,
                                     GError     **error);
/* Wakes the delivery thread now. Cheap and thread-safe; kicks while it works coalesce. */
void      td_mailer_kick            (TdMailer    *mailer);
/* Stops the thread (a delivery in progress is cancelled and retried after a restart). */
void      td_mailer_free            (TdMailer    *mailer);

/* The delay before attempt @attempts + 1 after @attempts failed ones. */
gint64    td_mailer_retry_delay     (guint        attempts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdMailer, td_mailer_free)

G_END_DECLS
