/* td-client-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-client-error"

#include "config.h"

#include "td-client-error.h"

G_DEFINE_QUARK (td-api-error-quark, td_api_error)
G_DEFINE_QUARK (td-credentials-error-quark, td_credentials_error)

TdApiError
td_api_error_from_status (guint status)
{
  switch (status)
    {
    case 400:
      return TD_API_ERROR_BAD_REQUEST;
    case 401:
      return TD_API_ERROR_UNAUTHORIZED;
    case 403:
      return TD_API_ERROR_FORBIDDEN;
    case 404:
      return TD_API_ERROR_NOT_FOUND;
    case 409:
      return TD_API_ERROR_CONFLICT;
    case 410:
      return TD_API_ERROR_GONE;
    case 412:
      return TD_API_ERROR_PRECONDITION_FAILED;
    case 413:
      return TD_API_ERROR_TOO_LARGE;
    case 422:
      return TD_API_ERROR_INVALID;
    case 428:
      return TD_API_ERROR_PRECONDITION_REQUIRED;
    case 429:
      return TD_API_ERROR_TOO_MANY_REQUESTS;
    default:
      break;
    }

  if (status >= 500 && status <= 599)
    return TD_API_ERROR_SERVER;

  /* Any other client error still means "the server refused this request"; statuses outside
   * 4xx/5xx (1xx, a redirect libsoup did not follow, a made-up number) are not something
   * the API ever answers. */
  if (status >= 400 && status <= 499)
    return TD_API_ERROR_BAD_REQUEST;

  return TD_API_ERROR_INVALID_RESPONSE;
}
