/* td-labels.h: what roles and modules are called on screen
 *
 * The common layer only knows wire names; the words a person reads, translated, live here
 * so that every page (home, side menu, employee lists) says the same thing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-permissions.h"

G_BEGIN_DECLS

const char *td_labels_for_role        (TdRole   role);
const char *td_labels_for_module      (TdModule module);
const char *td_labels_module_icon     (TdModule module);

G_END_DECLS
