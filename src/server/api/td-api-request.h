/* td-api-request.h: an API request as plain data, independent of the transport
 *
 * The HTTP layer fills one of these from a SoupServerMessage; tests and fuzzers build
 * them directly. Handlers see nothing else of the request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char       *method;           /* "GET", "POST", … */
  char       *path;             /* decoded path, e.g. "/api/v1/me" */
  GHashTable *query;            /* decoded query parameters, char * → char *, never NULL */
  char       *authorization;    /* the selected headers; NULL when absent */
  char       *if_match;
  char       *idempotency_key;
  char       *content_type;
  char       *user_agent;
  GBytes     *body;             /* never NULL; empty when there is none */
  char       *peer;             /* the client's address, NULL if unknown */
  char       *host;             /* the Host header, else the address the server listens on
                                 * ("HOST:PORT"); untrusted; NULL if unknown */
} TdApiRequest;

TdApiRequest *td_api_request_new       (const char   *method,
                                        const char   *path);
void          td_api_request_set_body  (TdApiRequest *request,
                                        const char   *data,
                                        gsize         length);
void          td_api_request_take_body (TdApiRequest *request,
                                        GBytes       *body);
void          td_api_request_free      (TdApiRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdApiRequest, td_api_request_free)

G_END_DECLS
