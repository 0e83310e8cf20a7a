/* td-smtp-sink.h: a local SMTP server for the mail tests
 *
 * Listens on 127.0.0.1 (a given port or a free one), speaks enough SMTP for a client that
 * sends mail (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it
 * accepted, both as received on the wire (dot-stuffed) and as meant (unstuffed). Runs on
 * its own thread with blocking sockets, so tests can wait for it while they do anything.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *mail_from;  /* the address inside MAIL FROM:<…> */
  char *rcpt_to;    /* the last RCPT TO:<…> */
  char *wire;       /* the DATA lines as received, CRLF, without the final "." line */
  char *message;    /* the same with the dot-stuffing undone */
} TdSinkMessage;

typedef struct _TdSmtpSink TdSmtpSink;

/* @port 0: any free port. Fails the test when it cannot listen. */
TdSmtpSink          *td_smtp_sink_new       (guint16     port);
guint16              td_smtp_sink_get_port  (TdSmtpSink *sink);
char                *td_smtp_sink_dup_url   (TdSmtpSink *sink);
guint                td_smtp_sink_count     (TdSmtpSink *sink);
/* Waits until at least @count messages arrived or @timeout_ms passed; whether they did. */
gboolean             td_smtp_sink_wait      (TdSmtpSink *sink,
                                             guint       count,
                                             guint       timeout_ms);
/* Message @index (0 is the first); valid until the sink is freed. */
const TdSinkMessage *td_smtp_sink_get       (TdSmtpSink *sink,
                                             guint       index);
void                 td_smtp_sink_free      (TdSmtpSink *sink);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdSmtpSink, td_smtp_sink_free)

G_END_DECLS
