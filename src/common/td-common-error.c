/* td-common-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "td-common-error.h"

G_DEFINE_QUARK (td-common-error-quark, td_common_error)
