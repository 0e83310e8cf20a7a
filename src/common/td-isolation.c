/* td-isolation.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-isolation.h"

static const char * const names[] = { "off", "basic", "strict" };

const char *
td_isolation_to_string (TdIsolation mode)
{
  g_return_val_if_fail (mode <= TD_ISOLATION_STRICT, NULL);

  return names[mode];
}

gboolean
td_isolation_from_string (const char  *name,
                          TdIsolation *out_mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i]) == 0)
      {
        *out_mode = (TdIsolation) i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
is_empty (const char * const *departments)
{
  return departments == NULL || departments[0] == NULL;
}

/* Whether an employee in @user_departments sees an entity in @entity_departments:
 *   isolation off          -> visible
 *   user in no department  -> visible (global managers see everything)
 *   shared department      -> visible
 *   entity in none         -> visible in Basic, hidden in Strict
 *   otherwise              -> hidden
 * Customer-login users are not subject to isolation; their scope is their company. */
gboolean
td_isolation_visible (TdIsolation         mode,
                      const char * const *user_departments,
                      const char * const *entity_departments)
{
  if (mode == TD_ISOLATION_OFF || is_empty (user_departments))
    return TRUE;

  if (is_empty (entity_departments))
    return mode == TD_ISOLATION_BASIC;

  for (guint i = 0; entity_departments[i] != NULL; i++)
    if (g_strv_contains (user_departments, entity_departments[i]))
      return TRUE;

  return FALSE;
}
