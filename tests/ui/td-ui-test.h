/* td-ui-test.h: waiting for the app in the UI tests
 *
 * gtk_widget_activate() on a button emits "clicked" from a timeout and every request is
 * asynchronous: tests iterate the main context until what they wait for holds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TD_UI_WAIT_TIMEOUT_SECONDS 30

typedef gboolean (*TdUiCondition) (gpointer data);

/* Iterates the main context until @condition holds; fails the test after
 * TD_UI_WAIT_TIMEOUT_SECONDS, naming @what. */
void     td_ui_wait_until     (TdUiCondition  condition,
                               gpointer       data,
                               const char    *what);

/* An async call's result, for waiting with td_ui_wait_until (td_ui_async_is_done, &wait). */
typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} TdUiAsyncWait;

void     td_ui_async_done_cb  (GObject       *source,
                               GAsyncResult  *result,
                               gpointer       user_data);
gboolean td_ui_async_is_done  (gpointer       data);
/* Waits for the call (as td_ui_wait_until) and returns its result, owned by @wait. */
GAsyncResult *td_ui_wait_for  (TdUiAsyncWait *wait,
                               const char    *what);

G_END_DECLS
