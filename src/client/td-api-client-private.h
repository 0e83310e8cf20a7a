/* td-api-client-private.h: what the typed resource calls (td-api-*.c) share with
 * td-api-client.c
 *
 * Only the client library includes this. The resource calls go through
 * td_api_client_call_async() wherever the answer is a JSON object; these are the few pieces
 * of the one request path they need beyond it: raw answers (attachment content), answers that
 * end like a login (accepting an invitation) and the client's own wording of an answer it
 * cannot use. There is no second HTTP path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-client.h"

G_BEGIN_DECLS

/* Turns a successful (2xx) answer into the task's result. */
typedef void (*TdApiResponseHandler) (TdApiClient *self,
                                      GTask       *task,
                                      GBytes      *body);

/* Sends @method @path (relative to the base URL) with the headers and raw body of @extras
 * (may be NULL) and hands a 2xx answer to @handle; transport failures and error statuses
 * end @task with a TD_API_ERROR. GETs are retried as td-api-client.h describes. Takes
 * @task. */
void        td_api_client_send_request (TdApiClient              *self,
                                        GTask                    *task,
                                        const char               *method,
                                        const char               *path,
                                        GBytes                   *json_body,
                                        const TdApiRequestExtras *extras,
                                        gboolean                  authorize,
                                        guint                     accepted_status,
                                        TdApiResponseHandler      handle);

/* A login answer: returns a TdSession and adopts its token (unless cancelled). Tag the task
 * with td_api_client_login_async so that td_api_client_login_finish() finishes it. */
void        td_api_client_login_handle (TdApiClient              *self,
                                        GTask                    *task,
                                        GBytes                   *body);

/* The client's own (translated) message for @code, when the server gave none. */
const char *td_api_client_status_fallback_message (TdApiError code);

G_END_DECLS
