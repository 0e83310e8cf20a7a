/* td-http-server.h: the thin HTTP layer in front of td_api_dispatch()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api.h"

G_BEGIN_DECLS

#define TD_HTTP_GENERAL_THREADS 8
#define TD_HTTP_SLOW_THREADS_MAX 4

typedef struct _TdHttpServer TdHttpServer;

TdHttpServer *td_http_server_new      (TdApi         *api,
                                       GError       **error);
gboolean      td_http_server_listen   (TdHttpServer  *self,
                                       const char    *host_and_port,
                                       GError       **error);
char         *td_http_server_dup_url  (TdHttpServer  *self);
void          td_http_server_shutdown (TdHttpServer  *self);
void          td_http_server_free     (TdHttpServer  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdHttpServer, td_http_server_free)

G_END_DECLS
