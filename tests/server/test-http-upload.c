/* test-http-upload.c: per-route body limits over real HTTP
 *
 * The attachment upload route takes a body of up to 10 MiB (TD_ROUTE_UPLOAD); every other
 * route keeps the 1 MiB limit. Both are enforced when the headers arrive (Content-Length)
 * or as a chunked body comes in, before the request reaches a handler.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-server-test-util.h"
#include "td-test-server.h"

#define MIB (1024 * 1024)

static TdTestServer *server;
static SoupSession *session;
static char *token;

static const char *
url (void)
{
  return td_test_server_get_url (server);
}

static void
assert_healthy (void)
{
  g_autoptr(TdTestResponse) health = td_test_request (session, "GET", url (), "/api/v1/health",
                                                      NULL, NULL, 0);

  g_assert_cmpuint (health->status, ==, 200);
}

/* @length bytes that look like a PNG file: the signature, then deterministic noise. */
static GBytes *
png_bytes (gsize length)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) length);
  guint8 *data = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  memcpy (data, signature, MIN (length, sizeof signature));
  return g_bytes_new_take (data, length);
}

static GBytes *
filled_bytes (gsize length,
              char  c)
{
  char *data = g_malloc (length);

  memset (data, c, length);
  return g_bytes_new_take (data, length);
}

static char *
sha256_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* Like td_test_request(), with any content type and a binary body. */
static TdTestResponse *
send_bytes (const char *method,
            const char *path,
            const char *content_type,
            GBytes     *body)
{
  g_autofree char *full_url = g_strconcat (url (), path, NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new (method, full_url);
  g_autoptr(GError) error = NULL;
  TdTestResponse *response = g_new0 (TdTestResponse, 1);
  const char *type;
  gint64 started;

  g_assert_nonnull (msg);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  started = g_get_monotonic_time ();
  response->body = soup_session_send_and_read (session, msg, NULL, &error);
  response->elapsed_usec = g_get_monotonic_time () - started;
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  type = soup_message_headers_get_content_type (response->headers, NULL);
  if (g_strcmp0 (type, "application/json") == 0 && g_bytes_get_size (response->body) > 0)
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

/* Uploads @body as a PNG and checks the answer; returns the attachment's id. */
static char *
upload_png (GBytes     *body,
            const char *file_name)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/attachments?file_name=%s", file_name);
  g_autoptr(TdTestResponse) response = send_bytes ("POST", path, "image/png", body);
  g_autofree char *sha256 = sha256_of (body);
  JsonObject *attachment;

  g_assert_cmpuint (response->status, ==, 201);
  attachment = td_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (attachment, "content_type"), ==, "image/png");
  g_assert_cmpstr (json_object_get_string_member (attachment, "file_name"), ==, file_name);
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==,
                   (gint64) g_bytes_get_size (body));
  g_assert_cmpstr (json_object_get_string_member (attachment, "sha256"), ==, sha256);
  return g_strdup (json_object_get_string_member (attachment, "id"));
}

static void
assert_content (const char *id,
                GBytes     *expected)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/attachments/%s/content", id);
  g_autoptr(TdTestResponse) content = send_bytes ("GET", path, NULL, NULL);
  g_autofree char *want = sha256_of (expected);
  g_autofree char *have = NULL;

  g_assert_cmpuint (content->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (content->headers, NULL), ==, "image/png");
  g_assert_cmpuint (g_bytes_get_size (content->body), ==, g_bytes_get_size (expected));
  have = sha256_of (content->body);
  g_assert_cmpstr (have, ==, want);
}

/* The raw request head of an upload, for td_test_raw_request(). */
static char *
upload_head (const char *file_name)
{
  return g_strdup_printf ("POST /api/v1/attachments?file_name=%s HTTP/1.1\r\nHost: test\r\n"
                          "Authorization: Bearer %s\r\nContent-Type: image/png\r\n"
                          "Connection: close", file_name, token);
}

/* 5 MiB is over the API's 1 MiB but within the upload route's 10 MiB. */
static void
test_five_mib_png (void)
{
  g_autoptr(GBytes) body = png_bytes (5 * MIB);
  g_autofree char *id = upload_png (body, "five.png");

  assert_content (id, body);
}

/* The limit itself is allowed, one byte more is not. */
static void
test_exactly_ten_mib (void)
{
  g_autoptr(GBytes) body = png_bytes (TD_API_MAX_UPLOAD_BYTES);
  g_autofree char *id = upload_png (body, "ten.png");

  assert_content (id, body);
}

static void
test_ten_mib_and_one_byte (void)
{
  g_autoptr(GBytes) body = png_bytes (TD_API_MAX_UPLOAD_BYTES + 1);
  g_autoptr(TdTestResponse) response = send_bytes ("POST", "/api/v1/attachments?file_name=big.png",
                                                   "image/png", body);

  td_test_assert_error (response, 413, "payload_too_large", NULL);
  assert_healthy ();
}

/* Refused when the headers arrive; the server goes on serving, uploads included. */
static void
test_eleven_mib (void)
{
  g_autoptr(GBytes) body = png_bytes (11 * MIB);
  g_autoptr(GBytes) small = png_bytes (64 * 1024);
  g_autoptr(TdTestResponse) response = send_bytes ("POST", "/api/v1/attachments?file_name=eleven.png",
                                                   "image/png", body);
  g_autofree char *id = NULL;

  td_test_assert_error (response, 413, "payload_too_large", NULL);
  g_assert_nonnull (strstr (json_object_get_string_member (
                              json_object_get_object_member (td_test_response_object (response), "error"),
                              "message"), "10 MiB"));
  assert_healthy ();

  id = upload_png (small, "after.png");
  assert_content (id, small);
}

static void
test_eleven_mib_raw (void)
{
  g_autoptr(GBytes) body = png_bytes (11 * MIB);
  g_autofree char *head = upload_head ("eleven.png");
  g_autoptr(GString) answer = NULL;

  g_assert_cmpuint (td_test_raw_request (url (), head, body, FALSE, &answer), ==, 413);
  g_assert_nonnull (strstr (answer->str, "\"payload_too_large\""));
  g_assert_nonnull (strstr (answer->str, "Connection: close"));
  assert_healthy ();
}

/* Other routes keep 1 MiB, whatever the upload route allows. */
static void
test_two_mib_json_elsewhere (void)
{
  g_autoptr(GBytes) body = filled_bytes (2 * MIB, ' ');
  g_autoptr(TdTestResponse) tickets = send_bytes ("POST", "/api/v1/tickets", "application/json", body);
  g_autoptr(TdTestResponse) patch = send_bytes ("PATCH", "/api/v1/tickets/00000000-0000-0000-0000-000000000000",
                                                "application/json", body);
  /* The method is part of the route: PUT on the upload path is no upload. */
  g_autoptr(TdTestResponse) put = send_bytes ("PUT", "/api/v1/attachments?file_name=a.png",
                                              "image/png", body);

  td_test_assert_error (tickets, 413, "payload_too_large", NULL);
  g_assert_nonnull (strstr (json_object_get_string_member (
                              json_object_get_object_member (td_test_response_object (tickets), "error"),
                              "message"), "1 MiB"));
  td_test_assert_error (patch, 413, "payload_too_large", NULL);
  td_test_assert_error (put, 413, "payload_too_large", NULL);
  assert_healthy ();
}

static void
test_chunked_within_limit (void)
{
  g_autoptr(GBytes) body = png_bytes (3 * MIB);
  g_autofree char *head = upload_head ("chunked.png");
  g_autofree char *sha256 = sha256_of (body);
  g_autoptr(GString) answer = NULL;

  g_assert_cmpuint (td_test_raw_request (url (), head, body, TRUE, &answer), ==, 201);
  g_assert_nonnull (strstr (answer->str, sha256));
}

/* Without Content-Length the upload is counted as it arrives and cut off past 10 MiB. */
static void
test_chunked_over_limit (void)
{
  g_autoptr(GBytes) body = png_bytes (11 * MIB);
  g_autofree char *head = upload_head ("chunked-big.png");
  g_autoptr(GString) answer = NULL;

  g_assert_cmpuint (td_test_raw_request (url (), head, body, TRUE, &answer), ==, 413);
  g_assert_nonnull (strstr (answer->str, "\"payload_too_large\""));
  assert_healthy ();
}

/* A type outside the allowed list is refused even when the size is fine. */
static void
test_type_still_checked (void)
{
  g_autoptr(GBytes) body = png_bytes (2 * MIB);
  g_autoptr(TdTestResponse) response = send_bytes ("POST", "/api/v1/attachments?file_name=a.exe",
                                                   "application/x-msdownload", body);

  td_test_assert_error (response, 415, "unsupported_media_type", "Content-Type");
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  server = td_test_server_start ("demo");
  session = td_test_session_new ();
  token = td_test_login (session, url (), "admin@acme.test", TD_DEMO_PASSWORD);

  g_test_add_func ("/server/upload/five-mib-png", test_five_mib_png);
  g_test_add_func ("/server/upload/exactly-ten-mib", test_exactly_ten_mib);
  g_test_add_func ("/server/upload/ten-mib-and-one-byte", test_ten_mib_and_one_byte);
  g_test_add_func ("/server/upload/eleven-mib", test_eleven_mib);
  g_test_add_func ("/server/upload/eleven-mib-raw", test_eleven_mib_raw);
  g_test_add_func ("/server/upload/two-mib-json-elsewhere", test_two_mib_json_elsewhere);
  g_test_add_func ("/server/upload/chunked-within-limit", test_chunked_within_limit);
  g_test_add_func ("/server/upload/chunked-over-limit", test_chunked_over_limit);
  g_test_add_func ("/server/upload/type-still-checked", test_type_still_checked);

  result = g_test_run ();

  g_free (token);
  g_object_unref (session);
  td_test_server_free (server);
  return result;
}
