/* test-status.c: the status machines of DOMAIN.md §5
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-status.h"

static void
test_ticket (void)
{
  g_auto(GStrv) allowed = NULL;

  g_assert_cmpstr (td_status_initial (TD_CASE_TICKET, TRUE), ==, "draft");
  g_assert_true (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_SYSTEM, "draft", "open"));
  g_assert_true (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_SYSTEM, "open", "assigned"));
  g_assert_true (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_SYSTEM, "done", "closed"));
  g_assert_false (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_SYSTEM, "draft", "done"));
  /* Cancel from any non-final state, never from closed. */
  g_assert_true (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_REQUESTER, "in_progress", "cancelled"));
  g_assert_false (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_REQUESTER, "closed", "cancelled"));
  /* Users with edit rights may set any status by hand. */
  g_assert_true (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_STAFF, "closed", "open"));
  g_assert_false (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_STAFF, "open", "open"));
  g_assert_false (td_status_can_transition (TD_CASE_TICKET, TD_ACTOR_STAFF, "open", "bogus"));

  allowed = td_status_allowed_targets (TD_CASE_TICKET, TD_ACTOR_SYSTEM, "open");
  g_assert_cmpuint (g_strv_length (allowed), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) allowed, "assigned"));
  g_assert_true (g_strv_contains ((const char * const *) allowed, "cancelled"));
}

static void
test_video_session (void)
{
  g_assert_cmpstr (td_status_initial (TD_CASE_VIDEO_SESSION, TRUE), ==, "confirmed");
  g_assert_cmpstr (td_status_initial (TD_CASE_VIDEO_SESSION, FALSE), ==, "requested");
  g_assert_true (td_status_can_transition (TD_CASE_VIDEO_SESSION, TD_ACTOR_REQUESTER, "confirmed", "cancelled"));
  g_assert_false (td_status_can_transition (TD_CASE_VIDEO_SESSION, TD_ACTOR_REQUESTER, "in_progress", "cancelled"));
  g_assert_true (td_status_can_transition (TD_CASE_VIDEO_SESSION, TD_ACTOR_STAFF, "in_progress", "cancelled"));
  g_assert_true (td_status_can_transition (TD_CASE_VIDEO_SESSION, TD_ACTOR_STAFF, "closed", "confirmed"));
  g_assert_false (td_status_can_transition (TD_CASE_VIDEO_SESSION, TD_ACTOR_REQUESTER, "requested", "confirmed"));
}

static void
test_task (void)
{
  g_assert_true (td_status_can_transition (TD_CASE_TASK, TD_ACTOR_STAFF, "open", "in_progress"));
  g_assert_true (td_status_can_transition (TD_CASE_TASK, TD_ACTOR_STAFF, "in_progress", "done"));
  g_assert_false (td_status_can_transition (TD_CASE_TASK, TD_ACTOR_STAFF, "done", "in_progress"));
  g_assert_true (td_status_is_final (TD_CASE_TASK, "done"));
  g_assert_false (td_status_is_final (TD_CASE_TICKET, "done"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/status/ticket", test_ticket);
  g_test_add_func ("/common/status/video-session", test_video_session);
  g_test_add_func ("/common/status/task", test_task);

  return g_test_run ();
}
