/* td-server-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-server-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#include "td-migrations.h"
#include "td-seed-demo.h"
#include "td-test-server.h"

SoupSession *
td_test_session_new (void)
{
  return soup_session_new_with_options ("timeout", 30, "user-agent", "twindesk-tests", NULL);
}

/* Sends @body (NUL-terminated when @length is -1, none when NULL) and reads the whole
 * answer. Transport failures fail the test. */
TdTestResponse *
td_test_request (SoupSession *session,
                 const char  *method,
                 const char  *base_url,
                 const char  *path,
                 const char  *token,
                 const char  *body,
                 gssize       length)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  TdTestResponse *response;
  const char *content_type;
  gint64 started;

  g_assert_nonnull (msg);

  if (token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
    }

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length < 0 ? strlen (body) : (gsize) length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = g_new0 (TdTestResponse, 1);
  started = g_get_monotonic_time ();
  response->body = soup_session_send_and_read (session, msg, NULL, &error);
  response->elapsed_usec = g_get_monotonic_time () - started;
  g_assert_no_error (error);

  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  content_type = soup_message_headers_get_content_type (response->headers, NULL);
  if (g_strcmp0 (content_type, "application/json") == 0 && g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (response->body, &size);

      if (json_parser_load_from_data (parser, data, (gssize) size, NULL) &&
          json_parser_get_root (parser) != NULL)
        response->json = json_node_copy (json_parser_get_root (parser));
    }

  return response;
}

void
td_test_response_free (TdTestResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

JsonObject *
td_test_response_object (TdTestResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

/* Asserts the one error shape of the API: status, JSON content type with charset, and
 * {"error":{"code","message","field"?}}. @field NULL means: no field member. */
void
td_test_assert_error (TdTestResponse *response,
                      guint           status,
                      const char     *code,
                      const char     *field)
{
  JsonObject *error;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Type"), ==,
                   "application/json; charset=utf-8");

  error = json_object_get_object_member (td_test_response_object (response), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_true (json_object_has_member (error, "message"));
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member_with_default (error, "field", NULL), ==, field);
  else
    g_assert_false (json_object_has_member (error, "field"));
}

/* Logs in and returns the bearer token; anything but 200 fails the test. */
char *
td_test_login (SoupSession *session,
               const char  *base_url,
               const char  *email,
               const char  *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
  g_autoptr(TdTestResponse) response = td_test_request (session, "POST", base_url,
                                                        "/api/v1/auth/login", NULL, body, -1);

  g_assert_cmpuint (response->status, ==, 200);
  return g_strdup (json_object_get_string_member (td_test_response_object (response), "token"));
}

/* Writes a request byte for byte on a fresh connection, for bodies no well-behaved client
 * sends. @head is the request line and headers without the blank line; Content-Length or
 * chunked framing is added for @body. Writing may fail once the server has answered and
 * stopped reading; the answer is read anyway. Returns the status, 0 if none came. */
guint
td_test_raw_request (const char  *base_url,
                     const char  *head,
                     GBytes      *body,
                     gboolean     chunked,
                     GString    **out_response)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) request = g_string_new (head);
  g_autoptr(GString) answer = g_string_new (NULL);
  GOutputStream *out;
  GInputStream *in;
  gsize body_length = body != NULL ? g_bytes_get_size (body) : 0;
  const guint8 *data = body != NULL ? g_bytes_get_data (body, NULL) : NULL;
  gboolean write_ok = TRUE;
  char buffer[16384];
  gssize n;
  guint status = 0;

  g_socket_client_set_timeout (client, 30);
  connection = g_socket_client_connect_to_uri (client, base_url, 80, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  if (chunked)
    g_string_append (request, "\r\nTransfer-Encoding: chunked\r\n\r\n");
  else
    g_string_append_printf (request, "\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n", body_length);
  write_ok = g_output_stream_write_all (out, request->str, request->len, NULL, NULL, NULL);

  for (gsize offset = 0; write_ok && offset < body_length; offset += 65536)
    {
      gsize piece = MIN (65536, body_length - offset);

      if (chunked)
        {
          g_autofree char *size_line = g_strdup_printf ("%" G_GSIZE_MODIFIER "x\r\n", piece);

          write_ok = g_output_stream_write_all (out, size_line, strlen (size_line), NULL, NULL, NULL) &&
                     g_output_stream_write_all (out, data + offset, piece, NULL, NULL, NULL) &&
                     g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, NULL);
        }
      else
        write_ok = g_output_stream_write_all (out, data + offset, piece, NULL, NULL, NULL);
    }
  if (write_ok && chunked)
    g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, NULL);

  /* Read until the server closes, or until one complete response is in. */
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      const char *end_of_head;

      g_string_append_len (answer, buffer, n);
      end_of_head = strstr (answer->str, "\r\n\r\n");
      if (end_of_head != NULL)
        {
          const char *length_header = strstr (answer->str, "Content-Length: ");

          if (length_header != NULL && length_header < end_of_head &&
              answer->len >= (gsize) (end_of_head + 4 - answer->str) +
                             g_ascii_strtoull (length_header + 16, NULL, 10))
            break;
        }
    }

  if (g_str_has_prefix (answer->str, "HTTP/1.1 "))
    status = (guint) g_ascii_strtoull (answer->str + 9, NULL, 10);

  if (out_response != NULL)
    *out_response = g_steal_pointer (&answer);
  return status;
}

char *
td_test_make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("twindesk-server-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes @path and everything below it. */
void
td_test_remove_dir (const char *path)
{
  td_test_remove_tree (path);
}

/* An API in process over a fresh database in a temporary directory, migrated and seeded
 * with the demo data: what the in-process tests of every area start from. */
TdTestDemoApi *
td_test_demo_api_new (const char *db_name)
{
  TdTestDemoApi *demo = g_new0 (TdTestDemoApi, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  TdDb *db;

  demo->dir = td_test_make_tmp_dir ();
  path = g_build_filename (demo->dir, db_name, NULL);
  demo->pool = td_db_pool_new (path);
  db = td_db_pool_acquire (demo->pool, &error);
  g_assert_no_error (error);
  g_assert_true (td_migrations_apply (db, &error));
  g_assert_true (td_seed_demo (db, NULL, &error));
  g_assert_no_error (error);
  td_db_pool_release (demo->pool, db);
  demo->api = td_api_new (demo->pool);
  return demo;
}

void
td_test_demo_api_free (TdTestDemoApi *demo)
{
  if (demo == NULL)
    return;

  td_api_free (demo->api);
  td_db_pool_free (demo->pool);
  td_test_remove_dir (demo->dir);
  g_free (demo->dir);
  g_free (demo);
}

/* In-process requests through td_api_dispatch() */

TdApiResponse *
td_test_api_request (TdApi      *api,
                     const char *method,
                     const char *path_and_query,
                     const char *token,
                     const char *body)
{
  g_auto(GStrv) parts = g_strsplit (path_and_query, "?", 2);
  g_autoptr(TdApiRequest) req = td_api_request_new (method, parts[0]);

  if (parts[1] != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (parts[1], "&", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

          g_hash_table_insert (req->query, g_uri_unescape_string (kv[0], NULL),
                               g_uri_unescape_string (kv[1] != NULL ? kv[1] : "", NULL));
        }
    }
  if (token != NULL)
    req->authorization = g_strdup_printf ("Bearer %s", token);
  if (body != NULL)
    td_api_request_set_body (req, body, strlen (body));
  req->user_agent = g_strdup ("twindesk-tests");

  return td_api_dispatch (api, req);
}

JsonObject *
td_test_api_expect (TdApi      *api,
                    guint       status,
                    const char *method,
                    const char *path_and_query,
                    const char *token,
                    const char *body)
{
  g_autoptr(TdApiResponse) response = td_test_api_request (api, method, path_and_query, token,
                                                           body);
  g_autoptr(JsonNode) node = NULL;

  if (response->status != status)
    g_error ("%s %s: expected %u, got %u: %.*s", method, path_and_query, status,
             response->status,
             response->body ? (int) g_bytes_get_size (response->body) : 0,
             response->body ? (const char *) g_bytes_get_data (response->body, NULL) : "");
  if (response->body == NULL)
    return NULL;
  node = td_api_response_parse_body (response);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

char *
td_test_api_login (TdApi      *api,
                   const char *email)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email,
                                           TD_SEED_DEMO_PASSWORD);
  g_autoptr(JsonObject) object = td_test_api_expect (api, 200, "POST", "/api/v1/auth/login",
                                                     NULL, body);

  return g_strdup (json_object_get_string_member (object, "token"));
}

void
td_test_api_expect_error (TdApi      *api,
                          guint       status,
                          const char *code,
                          const char *field,
                          const char *method,
                          const char *path_and_query,
                          const char *token,
                          const char *body)
{
  g_autoptr(JsonObject) object = td_test_api_expect (api, status, method, path_and_query, token,
                                                     body);
  JsonObject *error = json_object_get_object_member (object, "error");

  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member_with_default (error, "field", NULL), ==, field);
}

/* The database directly: rows as arrays of nullable strings */

GPtrArray *
td_test_sql_rows (TdDbPool   *pool,
                  const char *sql,
                  guint       n_columns,
                  const char *arg)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  TdDb *db = td_db_pool_acquire (pool, &error);

  g_assert_no_error (error);
  {
    g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, &error);
    TdDbStep step;

    g_assert_no_error (error);
    if (arg != NULL)
      td_db_stmt_bind_text (stmt, 1, arg);
    while ((step = td_db_stmt_step (stmt, &error)) == TD_DB_STEP_ROW)
      {
        GPtrArray *row = g_ptr_array_new_with_free_func (g_free);

        for (guint i = 0; i < n_columns; i++)
          g_ptr_array_add (row, td_db_stmt_dup_text (stmt, i));
        g_ptr_array_add (rows, row);
      }
    g_assert_no_error (error);
    g_assert_cmpint (step, ==, TD_DB_STEP_DONE);
  }
  td_db_pool_release (pool, db);
  return rows;
}

char *
td_test_sql_text (TdDbPool   *pool,
                  const char *sql,
                  const char *arg)
{
  g_autoptr(GPtrArray) rows = td_test_sql_rows (pool, sql, 1, arg);

  return rows->len > 0 ? g_strdup (TD_TEST_CELL (rows->pdata[0], 0)) : NULL;
}
