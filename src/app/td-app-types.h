/* td-app-types.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void td_app_ensure_types (void);

G_END_DECLS
