/* td-status.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-status"

#include "config.h"

#include "td-status.h"

static const char * const ticket_statuses[] = {
  "draft", "open", "assigned", "in_progress", "done", "closed", "cancelled", NULL
};
static const char * const video_statuses[] = {
  "requested", "confirmed", "in_progress", "done", "closed", "cancelled", NULL
};
static const char * const task_statuses[] = {
  "open", "in_progress", "done", "cancelled", NULL
};

typedef struct
{
  const char *from;
  const char *to;
} Edge;

/* The natural flow of each machine. Staff may in addition set any ticket status by hand
 * (DOMAIN.md §5) and cancel from any non-final state. */
static const Edge ticket_flow[] = {
  { "draft", "open" }, { "open", "assigned" }, { "assigned", "in_progress" },
  { "in_progress", "done" }, { "done", "closed" },
};
static const Edge video_flow[] = {
  { "requested", "confirmed" }, { "confirmed", "in_progress" }, { "in_progress", "done" },
  { "done", "closed" }, { "closed", "confirmed" },   /* reopen */
};
static const Edge task_flow[] = {
  { "open", "in_progress" }, { "in_progress", "done" }, { "open", "done" },
  { "open", "cancelled" }, { "in_progress", "cancelled" },
  { "done", "open" }, { "cancelled", "open" },      /* reopen by staff */
};

const char * const *
td_status_all (TdCaseKind kind)
{
  switch (kind)
    {
    case TD_CASE_TICKET:
      return ticket_statuses;
    case TD_CASE_VIDEO_SESSION:
      return video_statuses;
    case TD_CASE_TASK:
    default:
      return task_statuses;
    }
}

gboolean
td_status_is_valid (TdCaseKind  kind,
                    const char *status)
{
  return status != NULL && g_strv_contains (td_status_all (kind), status);
}

gboolean
td_status_is_final (TdCaseKind  kind,
                    const char *status)
{
  if (g_strcmp0 (status, "cancelled") == 0)
    return TRUE;
  if (kind == TD_CASE_TASK)
    return g_strcmp0 (status, "done") == 0;
  return g_strcmp0 (status, "closed") == 0;
}

/* Back-office tickets start as drafts; employee-created video sessions start confirmed,
 * requested ones (from a code page or a customer) start requested. */
const char *
td_status_initial (TdCaseKind kind,
                   gboolean   created_by_staff)
{
  switch (kind)
    {
    case TD_CASE_TICKET:
      return created_by_staff ? "draft" : "open";
    case TD_CASE_VIDEO_SESSION:
      return created_by_staff ? "confirmed" : "requested";
    case TD_CASE_TASK:
    default:
      return "open";
    }
}

static gboolean
in_flow (const Edge *edges,
         gsize       n_edges,
         const char *from,
         const char *to)
{
  for (gsize i = 0; i < n_edges; i++)
    if (g_str_equal (edges[i].from, from) && g_str_equal (edges[i].to, to))
      return TRUE;
  return FALSE;
}

gboolean
td_status_can_transition (TdCaseKind    kind,
                          TdStatusActor actor,
                          const char   *from,
                          const char   *to)
{
  if (!td_status_is_valid (kind, from) || !td_status_is_valid (kind, to) || g_str_equal (from, to))
    return FALSE;

  switch (kind)
    {
    case TD_CASE_TICKET:
      if (actor == TD_ACTOR_STAFF)
        return TRUE;
      if (g_str_equal (to, "cancelled"))
        return !td_status_is_final (kind, from);
      return in_flow (ticket_flow, G_N_ELEMENTS (ticket_flow), from, to);

    case TD_CASE_VIDEO_SESSION:
      if (g_str_equal (to, "cancelled"))
        {
          if (actor == TD_ACTOR_REQUESTER)
            return g_str_equal (from, "requested") || g_str_equal (from, "confirmed");
          return !td_status_is_final (kind, from);
        }
      if (actor == TD_ACTOR_REQUESTER)
        return FALSE;
      return in_flow (video_flow, G_N_ELEMENTS (video_flow), from, to);

    case TD_CASE_TASK:
    default:
      if (actor == TD_ACTOR_REQUESTER)
        return FALSE;
      return in_flow (task_flow, G_N_ELEMENTS (task_flow), from, to);
    }
}

/* For the 409 message that names the allowed transitions. */
char **
td_status_allowed_targets (TdCaseKind    kind,
                           TdStatusActor actor,
                           const char   *from)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char * const *all = td_status_all (kind);

  for (guint i = 0; all[i] != NULL; i++)
    if (td_status_can_transition (kind, actor, from, all[i]))
      g_strv_builder_add (builder, all[i]);

  return g_strv_builder_end (builder);
}
