/* td-server-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-server-error.h"

G_DEFINE_QUARK (td-server-error-quark, td_server_error)
