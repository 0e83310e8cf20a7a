/* td-status.h: the status machines of tickets, video sessions and tasks (DOMAIN.md §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TD_CASE_TICKET,
  TD_CASE_VIDEO_SESSION,
  TD_CASE_TASK,
} TdCaseKind;

/* Who asks for a transition decides which edges exist: the requester of a video session
 * may only cancel while it is requested or confirmed, staff may cancel any time, and users
 * with edit rights may set any ticket status by hand. */
typedef enum
{
  TD_ACTOR_STAFF,       /* an employee (or customer user) with edit rights on the case */
  TD_ACTOR_REQUESTER,   /* the code user or customer user who asked for the case */
  TD_ACTOR_SYSTEM,      /* automatic transitions: offers accepted, ratings */
} TdStatusActor;

gboolean     td_status_is_valid        (TdCaseKind     kind,
                                        const char    *status);
gboolean     td_status_is_final        (TdCaseKind     kind,
                                        const char    *status);
const char  *td_status_initial         (TdCaseKind     kind,
                                        gboolean       created_by_staff);
gboolean     td_status_can_transition  (TdCaseKind     kind,
                                        TdStatusActor  actor,
                                        const char    *from,
                                        const char    *to);
char       **td_status_allowed_targets (TdCaseKind     kind,
                                        TdStatusActor  actor,
                                        const char    *from);
const char * const *td_status_all      (TdCaseKind     kind);

G_END_DECLS
