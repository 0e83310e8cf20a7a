/* td-api-response.h: an API response as plain data, independent of the transport
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TD_API_CONTENT_TYPE_JSON "application/json; charset=utf-8"

typedef struct
{
  guint       status;
  GBytes     *body;          /* NULL: no body (204) */
  const char *content_type;  /* static; set whenever there is a body */
  GPtrArray  *headers;       /* extra headers: name, value, name, value, … (owned) */
} TdApiResponse;

TdApiResponse *td_api_response_new        (guint          status);
TdApiResponse *td_api_response_new_json   (guint          status,
                                           JsonNode      *node);
TdApiResponse *td_api_response_new_error  (guint          status,
                                           const char    *code,
                                           const char    *message,
                                           const char    *field);
void           td_api_response_set_header (TdApiResponse *response,
                                           const char    *name,
                                           const char    *value);
const char    *td_api_response_get_header (TdApiResponse *response,
                                           const char    *name);
JsonNode      *td_api_response_parse_body (TdApiResponse *response);
void           td_api_response_free       (TdApiResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdApiResponse, td_api_response_free)

G_END_DECLS
