/* td-isolation.h: department isolation (DOMAIN.md §3)
 *
 * The reference form of the rule. The server's SQL scope predicate implements the same
 * rule for lists, items and the change feed, and the authorization tests compare the two.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TD_ISOLATION_OFF,
  TD_ISOLATION_BASIC,
  TD_ISOLATION_STRICT,
} TdIsolation;

const char *td_isolation_to_string   (TdIsolation  mode);
gboolean    td_isolation_from_string (const char  *name,
                                      TdIsolation *out_mode);
gboolean    td_isolation_visible     (TdIsolation          mode,
                                      const char * const  *user_departments,
                                      const char * const  *entity_departments);

G_END_DECLS
