/* td-client-test.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-client-test.h"

#include <glib/gstdio.h>

void
td_test_result_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until @done says so; a test that waits longer than
 * @timeout_seconds is stuck, and failing beats hanging until meson kills it. */
static void
iterate_until (gboolean (*done) (gpointer data),
               gpointer   data,
               guint      timeout_seconds)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (timeout_seconds, set_flag_cb, &timed_out);

  while (!done (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Nothing happened within %u seconds", timeout_seconds);
  g_source_remove (timeout_id);
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
slot_is_filled (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

void
td_test_wait_until (gboolean *flag,
                    guint     timeout_seconds)
{
  iterate_until (flag_is_set, flag, timeout_seconds);
}

GAsyncResult *
td_test_wait_result (GAsyncResult **slot)
{
  iterate_until (slot_is_filled, slot, 60);
  return *slot;
}

gboolean
td_test_credentials_store (TdCredentials  *credentials,
                           const char     *server_url,
                           const char     *email,
                           const char     *token,
                           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_credentials_store_async (credentials, server_url, email, token, NULL,
                              td_test_result_cb, &result);
  return td_credentials_store_finish (credentials, td_test_wait_result (&result), error);
}

char *
td_test_credentials_lookup (TdCredentials  *credentials,
                            const char     *server_url,
                            const char     *email,
                            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_credentials_lookup_async (credentials, server_url, email, NULL, td_test_result_cb, &result);
  return td_credentials_lookup_finish (credentials, td_test_wait_result (&result), error);
}

gboolean
td_test_credentials_clear (TdCredentials  *credentials,
                           const char     *server_url,
                           const char     *email,
                           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  td_credentials_clear_async (credentials, server_url, email, NULL, td_test_result_cb, &result);
  return td_credentials_clear_finish (credentials, td_test_wait_result (&result), error);
}

