/* td-client-error.h: the GError domains of the client layer
 *
 * HTTP statuses and transport failures become TD_API_ERROR codes so that the app can say
 * what happened ("wrong password", "cannot reach the server") without looking at HTTP.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TD_API_ERROR (td_api_error_quark ())

typedef enum
{
  TD_API_ERROR_CANNOT_CONNECT,        /* refused, unreachable, DNS failure, TLS failure */
  TD_API_ERROR_TIMEOUT,               /* no answer in time */
  TD_API_ERROR_INVALID_URL,           /* the server URL is not an http(s) URL */
  TD_API_ERROR_BAD_REQUEST,           /* 400 */
  TD_API_ERROR_UNAUTHORIZED,          /* 401: wrong credentials or the session ended */
  TD_API_ERROR_FORBIDDEN,             /* 403 */
  TD_API_ERROR_NOT_FOUND,             /* 404 */
  TD_API_ERROR_CONFLICT,              /* 409 */
  TD_API_ERROR_PRECONDITION_FAILED,   /* 412: the object changed on the server */
  TD_API_ERROR_TOO_LARGE,             /* 413 */
  TD_API_ERROR_INVALID,               /* 422 */
  TD_API_ERROR_PRECONDITION_REQUIRED, /* 428 */
  TD_API_ERROR_TOO_MANY_REQUESTS,     /* 429 */
  TD_API_ERROR_SERVER,                /* 5xx */
  TD_API_ERROR_INVALID_RESPONSE,      /* not the JSON the API promises */
  TD_API_ERROR_GONE,                  /* 410: a change-feed cursor older than retention */
} TdApiError;

#define TD_CREDENTIALS_ERROR (td_credentials_error_quark ())

typedef enum
{
  TD_CREDENTIALS_ERROR_UNAVAILABLE,   /* no Secret Service, or the keyring is locked */
  TD_CREDENTIALS_ERROR_FAILED,
} TdCredentialsError;

GQuark     td_api_error_quark         (void);
GQuark     td_credentials_error_quark (void);

/* The TD_API_ERROR code for an HTTP status that is not a success. */
TdApiError td_api_error_from_status   (guint status);

G_END_DECLS
