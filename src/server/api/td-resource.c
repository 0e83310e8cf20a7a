/* td-resource.c: the engine behind every collection (see td-resource.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-resource"

#include "config.h"

#include "td-resource.h"
