/* td-store-error.h: the GError domain of the storage layer, the same for every backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TD_STORE_ERROR (td_store_error_quark ())

typedef enum
{
  TD_STORE_ERROR_FAILED,
  TD_STORE_ERROR_BUSY,         /* the database stayed locked longer than the busy timeout */
  TD_STORE_ERROR_CONSTRAINT,   /* a unique, foreign-key or check constraint failed */
  TD_STORE_ERROR_NOT_FOUND,
  TD_STORE_ERROR_UNSUPPORTED,  /* a backend that is not built in */
  TD_STORE_ERROR_SCHEMA,       /* the database was migrated by a newer server */
} TdStoreError;

GQuark td_store_error_quark (void);

G_END_DECLS
