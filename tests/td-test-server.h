/* td-test-server.h: a real twindesk-server for client and UI tests
 *
 * Starts the built binary on a free loopback port with a fresh SQLite database in a
 * temporary directory, seeded with the demo data, and stops it again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TD_DEMO_PASSWORD "twindesk-demo"

typedef struct _TdTestServer TdTestServer;

TdTestServer *td_test_server_start     (const char   *seed);
/* Like td_test_server_start(), with the server's standard error written to @stderr_path. */
TdTestServer *td_test_server_start_with_log (const char *seed,
                                             const char *stderr_path);
/* Like td_test_server_start(), with more command-line options (NULL-terminated), e.g.
 * { "--smtp", url, NULL }; they are passed again on restart. */
TdTestServer *td_test_server_start_with_args (const char         *seed,
                                              const char * const *extra_args);
const char   *td_test_server_get_url   (TdTestServer *server);
const char   *td_test_server_get_dir   (TdTestServer *server);
GPid          td_test_server_get_pid   (TdTestServer *server);
/* A failed assertion aborts the test without running its teardown: kill @server then, so
 * that it does not outlive the test (one server per test program). */
void          td_test_server_kill_on_abort (TdTestServer *server);
void          td_test_server_stop      (TdTestServer *server);
void          td_test_server_restart   (TdTestServer *server);
void          td_test_server_free      (TdTestServer *server);

/* Removes a directory and everything below it (test scratch space). */
void          td_test_remove_tree      (const char   *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdTestServer, td_test_server_free)

G_END_DECLS
