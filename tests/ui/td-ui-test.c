/* td-ui-test.c: waiting for the app in the UI tests (see td-ui-test.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-ui-test.h"

static gboolean
timed_out_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
td_ui_wait_until (TdUiCondition  condition,
                  gpointer       data,
                  const char    *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TD_UI_WAIT_TIMEOUT_SECONDS, timed_out_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %d s waiting until %s", TD_UI_WAIT_TIMEOUT_SECONDS, what);
  g_source_remove (id);
}

void
td_ui_async_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TdUiAsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

gboolean
td_ui_async_is_done (gpointer data)
{
  return ((TdUiAsyncWait *) data)->done;
}

GAsyncResult *
td_ui_wait_for (TdUiAsyncWait *wait,
                const char    *what)
{
  td_ui_wait_until (td_ui_async_is_done, wait, what);
  return wait->result;
}
