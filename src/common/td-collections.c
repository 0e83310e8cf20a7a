/* td-collections.c: synced types and their collections (see td-collections.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-collections.h"

static const struct
{
  const char *type;
  const char *collection;
} table[] = {
  { "ticket",              "tickets" },
  { "video_session",       "video-sessions" },
  { "task",                "tasks" },
  { "task_event",          "task-events" },
  { "template",            "templates" },
  { "device",              "devices" },
  { "code",                "codes" },
  { "customer",            "customers" },
  { "customer_department", "customer-departments" },
  { "team_mapping",        "team-mappings" },
  { "employee",            "employees" },
  { "department",          "departments" },
  { "team",                "teams" },
  { "meta_team",           "meta-teams" },
  { "invitation",          "invitations" },
  { "label",               "labels" },
  { "notification",        "notifications" },
  { "feedback",            "feedback" },
};

static const char * const types[] = {
  "ticket", "video_session", "task", "task_event", "template", "device", "code", "customer",
  "customer_department", "team_mapping", "employee", "department", "team", "meta_team",
  "invitation", "label", "notification", "feedback", NULL,
};

G_STATIC_ASSERT (G_N_ELEMENTS (types) == G_N_ELEMENTS (table) + 1);

const char *
td_collection_for_type (const char *type)
{
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (table[i].type, type))
      return table[i].collection;
  return NULL;
}

const char *
td_type_for_collection (const char *collection)
{
  for (guint i = 0; collection != NULL && i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (table[i].collection, collection))
      return table[i].type;
  return NULL;
}

const char * const *
td_synced_types (void)
{
  return types;
}
