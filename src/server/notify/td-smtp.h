/* td-smtp.h: a minimal SMTP client (RFC 5321) for the mail relay of --smtp
 *
 * Plain SMTP on one connection per message: greeting, EHLO (HELO if the relay does not
 * know EHLO), MAIL FROM, RCPT TO, DATA with the message dot-stuffed, QUIT. Every reply
 * code is checked; every read and write times out. No TLS and no authentication: the relay
 * is a local MTA or one on a trusted network (see docs/api.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Sends @message (RFC 5322, CRLF line ends, as td_mail_format() makes it) from @from to
 * @to through the relay at @host:@port. Fails with a G_IO_ERROR for network trouble and
 * timeouts, and with TD_SMTP_ERROR when the relay refuses (the message names its reply). */
#define TD_SMTP_ERROR (td_smtp_error_quark ())

typedef enum
{
  TD_SMTP_ERROR_PROTOCOL,   /* a reply that is not SMTP */
  TD_SMTP_ERROR_TEMPORARY,  /* a 4xx reply */
  TD_SMTP_ERROR_PERMANENT,  /* a 5xx reply */
} TdSmtpError;

GQuark   td_smtp_error_quark  (void);

gboolean td_smtp_send         (const char    *host,
                               guint16        port,
                               const char    *helo_name,
                               const char    *from,
                               const char    *to,
                               const char    *message,
                               guint          timeout_seconds,
                               GCancellable  *cancellable,
                               GError       **error);

/* @message with every line that starts with "." given one more (RFC 5321 §4.5.2) and the
 * terminating "<CRLF>.<CRLF>" appended. */
char    *td_smtp_dot_stuff    (const char    *message);

G_END_DECLS
