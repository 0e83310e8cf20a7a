/* td-api.h: the transport-independent API (ARCHITECTURE.md §2)
 *
 * td_api_dispatch() takes a plain request and returns a plain response; it blocks (database,
 * argon2id), so the HTTP layer calls it from worker threads. td_api_classify() tells the
 * caller which pool a request belongs in before any work is done, and td_api_body_limit()
 * how large a body it may read for a request whose headers have just arrived.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-request.h"
#include "td-api-response.h"
#include "td-db-pool.h"
#include "td-mailer.h"

G_BEGIN_DECLS

#define TD_API_BASE_PATH        "/api/v1"
/* Request body limits: every route takes up to TD_API_MAX_BODY_BYTES, routes flagged
 * TD_ROUTE_UPLOAD (raw file uploads) up to TD_API_MAX_UPLOAD_BYTES. */
#define TD_API_MAX_BODY_BYTES   (1024 * 1024)
#define TD_API_MAX_UPLOAD_BYTES (10 * 1024 * 1024)

typedef enum
{
  TD_API_COST_NORMAL,  /* database work: the general pool */
  TD_API_COST_SLOW,    /* password hashing: its own small pool, so it cannot starve others */
} TdApiCost;

typedef struct _TdApi TdApi;

TdApi         *td_api_new             (TdDbPool           *pool);
void           td_api_free            (TdApi              *api);
TdApiCost      td_api_classify        (TdApi              *api,
                                       const TdApiRequest *request);
gsize          td_api_body_limit      (TdApi              *api,
                                       const char         *method,
                                       const char         *path);
TdApiResponse *td_api_dispatch        (TdApi              *api,
                                       const TdApiRequest *request);
TdApiResponse *td_api_too_large_error (gsize               limit);

/* Mail (issue 4): the base URL of links in emails and the share-login URL (NULL: the Host
 * header of the request, see td_api_call_url()), and the mailer the dispatcher wakes after
 * every successful write (NULL: none; messages stay queued). Set before serving. */
void           td_api_set_public_url  (TdApi              *api,
                                       const char         *public_url);
void           td_api_set_mailer      (TdApi              *api,
                                       TdMailer           *mailer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdApi, td_api_free)

G_END_DECLS
