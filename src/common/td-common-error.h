/* td-common-error.h: the GError domain of the common layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TD_COMMON_ERROR (td_common_error_quark ())

typedef enum
{
  TD_COMMON_ERROR_INVALID_JSON,   /* not JSON, not UTF-8, empty, or the wrong root type */
  TD_COMMON_ERROR_TOO_DEEP,       /* nested deeper than the allowed depth */
  TD_COMMON_ERROR_INVALID_VALUE,  /* a member is missing, of the wrong type or out of range */
  TD_COMMON_ERROR_RANDOM,         /* the kernel could not provide random bytes */
} TdCommonError;

GQuark td_common_error_quark (void);

G_END_DECLS
