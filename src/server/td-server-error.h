/* td-server-error.h: the GError domain of the server outside of storage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TD_SERVER_ERROR (td_server_error_quark ())

typedef enum
{
  TD_SERVER_ERROR_FAILED,
  TD_SERVER_ERROR_INVALID_ARGUMENT,     /* a bad command-line value */
  TD_SERVER_ERROR_LISTEN,               /* the socket could not be bound */
  TD_SERVER_ERROR_PASSWORD,             /* libargon2 refused to hash */
  TD_SERVER_ERROR_INVALID_CREDENTIALS,  /* wrong password, unknown user, or one who may not log in */
  TD_SERVER_ERROR_UNAUTHORIZED,         /* no usable bearer token */
  TD_SERVER_ERROR_ACCOUNT_DISABLED,     /* right password, but the user or company is disabled */
} TdServerError;

GQuark td_server_error_quark (void);

G_END_DECLS
