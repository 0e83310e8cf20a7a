/* td-accessible.h: accessible names that GTK 4.8 gets wrong
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* From now on, every button with a mnemonic label is named by its label's text alone. */
void td_accessible_install_fixes (void);

G_END_DECLS
