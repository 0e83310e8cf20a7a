/* td-client-test.h: helpers shared by the client tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "td-credentials.h"

G_BEGIN_DECLS

/* Pass as the callback with a GAsyncResult ** as user data, then td_test_wait_result(). */
void          td_test_result_cb        (GObject        *source,
                                        GAsyncResult   *result,
                                        gpointer        user_data);
GAsyncResult *td_test_wait_result      (GAsyncResult  **slot);
void          td_test_wait_until       (gboolean       *flag,
                                        guint           timeout_seconds);

/* The credential calls, run to completion on the default main context. */
gboolean      td_test_credentials_store  (TdCredentials  *credentials,
                                          const char     *server_url,
                                          const char     *email,
                                          const char     *token,
                                          GError        **error);
char         *td_test_credentials_lookup (TdCredentials  *credentials,
                                          const char     *server_url,
                                          const char     *email,
                                          GError        **error);
gboolean      td_test_credentials_clear  (TdCredentials  *credentials,
                                          const char     *server_url,
                                          const char     *email,
                                          GError        **error);


G_END_DECLS
