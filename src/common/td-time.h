/* td-time.h: RFC 3339 UTC timestamps, the only time format on the wire and in storage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char   *td_time_format      (gint64      unix_usec);
char   *td_time_now         (void);
gint64  td_time_now_usec    (void);
gboolean td_time_parse      (const char *text,
                             gint64     *out_unix_usec);

G_END_DECLS
