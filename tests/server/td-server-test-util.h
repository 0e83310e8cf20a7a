/* td-server-test-util.h: talking to a real twindesk-server in the server suite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "td-api.h"

G_BEGIN_DECLS

typedef struct
{
  guint               status;
  GBytes             *body;
  JsonNode           *json;      /* NULL when the body is not JSON */
  SoupMessageHeaders *headers;
  gint64              elapsed_usec;
} TdTestResponse;

SoupSession    *td_test_session_new          (void);
TdTestResponse *td_test_request              (SoupSession    *session,
                                              const char     *method,
                                              const char     *base_url,
                                              const char     *path,
                                              const char     *token,
                                              const char     *body,
                                              gssize          length);
void            td_test_response_free        (TdTestResponse *response);
JsonObject     *td_test_response_object      (TdTestResponse *response);
void            td_test_assert_error         (TdTestResponse *response,
                                              guint           status,
                                              const char     *code,
                                              const char     *field);
char           *td_test_login                (SoupSession    *session,
                                              const char     *base_url,
                                              const char     *email,
                                              const char     *password);
guint           td_test_raw_request          (const char     *base_url,
                                              const char     *head,
                                              GBytes         *body,
                                              gboolean        chunked,
                                              GString       **out_response);

char           *td_test_make_tmp_dir         (void);
void            td_test_remove_dir           (const char     *path);

typedef struct
{
  char     *dir;
  TdDbPool *pool;
  TdApi    *api;
} TdTestDemoApi;

TdTestDemoApi  *td_test_demo_api_new         (const char     *db_name);
void            td_test_demo_api_free        (TdTestDemoApi  *demo);

/* In process: requests through td_api_dispatch() (demo password for logins). */
TdApiResponse  *td_test_api_request          (TdApi          *api,
                                              const char     *method,
                                              const char     *path_and_query,
                                              const char     *token,
                                              const char     *body);
/* Fails the test unless the answer has @status; returns the JSON body (NULL without). */
JsonObject     *td_test_api_expect           (TdApi          *api,
                                              guint           status,
                                              const char     *method,
                                              const char     *path_and_query,
                                              const char     *token,
                                              const char     *body);
char           *td_test_api_login            (TdApi          *api,
                                              const char     *email);
/* Fails the test unless the answer is @status with error @code (and @field, if given). */
void            td_test_api_expect_error     (TdApi          *api,
                                              guint           status,
                                              const char     *code,
                                              const char     *field,
                                              const char     *method,
                                              const char     *path_and_query,
                                              const char     *token,
                                              const char     *body);

/* The database directly: every row as a GPtrArray of @n_columns nullable strings. */
GPtrArray      *td_test_sql_rows             (TdDbPool       *pool,
                                              const char     *sql,
                                              guint           n_columns,
                                              const char     *arg);
/* The first column of the first row, or NULL. */
char           *td_test_sql_text             (TdDbPool       *pool,
                                              const char     *sql,
                                              const char     *arg);
#define TD_TEST_CELL(row, i) ((const char *) g_ptr_array_index ((GPtrArray *) (row), (i)))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdTestResponse, td_test_response_free)

G_END_DECLS
