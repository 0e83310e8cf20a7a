/* td-store-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-store-error.h"

G_DEFINE_QUARK (td-store-error-quark, td_store_error)
