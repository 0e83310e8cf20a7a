/* test-http-limits.c: hostile bodies and load, over real HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "td-server-test-util.h"
#include "td-test-server.h"

static TdTestServer *server;
static SoupSession *session;

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

static GBytes *
filled_bytes (gsize length,
              char  c)
{
  char *data = g_malloc (length);

  memset (data, c, length);
  return g_bytes_new_take (data, length);
}

/* json-glib 1.6 would recurse once per '[' and overflow the stack. */
static void
test_hundred_kb_of_brackets (void)
{
  g_autoptr(GBytes) body = filled_bytes (100 * 1024, '[');
  g_autoptr(TdTestResponse) response =
    td_test_request (session, "POST", url (), "/api/v1/auth/login", NULL,
                     g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));

  td_test_assert_error (response, 400, "too_deep", NULL);
  assert_healthy ();
}

/* An announced 2 MB body is refused before it is read, and the connection closed. */
static void
test_two_megabytes (void)
{
  g_autoptr(GBytes) body = filled_bytes (2 * 1024 * 1024, ' ');
  g_autoptr(TdTestResponse) response =
    td_test_request (session, "POST", url (), "/api/v1/auth/login", NULL,
                     g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));

  td_test_assert_error (response, 413, "payload_too_large", NULL);
  assert_healthy ();
}

static void
test_two_megabytes_raw (void)
{
  g_autoptr(GBytes) body = filled_bytes (2 * 1024 * 1024, '{');
  g_autoptr(GString) answer = NULL;
  guint status;

  status = td_test_raw_request (url (), "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\n"
                                "Content-Type: application/json", body, FALSE, &answer);
  g_assert_cmpuint (status, ==, 413);
  g_assert_nonnull (strstr (answer->str, "\"payload_too_large\""));
  g_assert_nonnull (strstr (answer->str, "Connection: close"));
  assert_healthy ();
}

/* Without Content-Length the body is counted as it arrives. */
static void
test_two_megabytes_chunked (void)
{
  g_autoptr(GBytes) body = filled_bytes (2 * 1024 * 1024, ' ');
  g_autoptr(GString) answer = NULL;
  guint status;

  status = td_test_raw_request (url (), "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\n"
                                "Content-Type: application/json", body, TRUE, &answer);
  g_assert_cmpuint (status, ==, 413);
  g_assert_nonnull (strstr (answer->str, "\"payload_too_large\""));
  assert_healthy ();
}

/* Just under the limit is read and judged on its content. */
static void
test_just_under_the_limit (void)
{
  gsize length = 1024 * 1024;
  g_autoptr(GBytes) spaces = filled_bytes (length, ' ');
  g_autofree char *body = g_malloc (length);
  g_autoptr(TdTestResponse) response = NULL;

  memcpy (body, g_bytes_get_data (spaces, NULL), length);
  memcpy (body, "{}", 2);
  response = td_test_request (session, "POST", url (), "/api/v1/auth/login", NULL, body, (gssize) length);
  td_test_assert_error (response, 400, "invalid_field", "email");
}

static void
test_chunked_small_body (void)
{
  const char *text = "{\"email\":\"admin@acme.test\",\"password\":\"" TD_DEMO_PASSWORD "\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));
  g_autoptr(GString) answer = NULL;

  g_assert_cmpuint (td_test_raw_request (url (), "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\n"
                                         "Connection: close", body, TRUE, &answer), ==, 200);
  g_assert_nonnull (strstr (answer->str, "\"token\""));
}

typedef struct
{
  const char *base_url;
  const char *email;
  gint64      elapsed_usec;
  guint       status;
} LoginJob;

static gint pending_logins;

static gpointer
login_thread (gpointer data)
{
  LoginJob *job = data;
  g_autoptr(SoupSession) own_session = td_test_session_new ();
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", job->email,
                                           TD_DEMO_PASSWORD);
  g_autoptr(TdTestResponse) response =
    td_test_request (own_session, "POST", job->base_url, "/api/v1/auth/login", NULL, body, -1);

  job->status = response->status;
  job->elapsed_usec = response->elapsed_usec;
  g_atomic_int_dec_and_test (&pending_logins);
  return NULL;
}

/* Logins hash with argon2id on their own pool; the rest of the API keeps answering. */
static int
compare_usec (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
test_parallel_logins_keep_health_fast (void)
{
  const char *emails[] = {
    "admin@acme.test", "deptadmin@acme.test", "creator@acme.test", "moderator@acme.test",
    "member@acme.test", "admin@globex.test", "moderator@globex.test", "member@globex.test",
  };
  LoginJob jobs[G_N_ELEMENTS (emails)];
  GThread *threads[G_N_ELEMENTS (emails)];
  gint64 worst_health = 0, total_health = 0, worst_login = 0, total_login = 0, p99_health;
  guint health_during_logins = 0;
  g_autoptr(GArray) health_usec = g_array_new (FALSE, FALSE, sizeof (gint64));

  assert_healthy ();  /* a warm connection, as a monitoring client would have */

  g_atomic_int_set (&pending_logins, G_N_ELEMENTS (emails));
  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      jobs[i] = (LoginJob) { .base_url = url (), .email = emails[i] };
      threads[i] = g_thread_new ("login", login_thread, &jobs[i]);
    }

  while (g_atomic_int_get (&pending_logins) > 0)
    {
      g_autoptr(TdTestResponse) health = td_test_request (session, "GET", url (), "/api/v1/health",
                                                          NULL, NULL, 0);

      g_assert_cmpuint (health->status, ==, 200);
      if (g_atomic_int_get (&pending_logins) > 0)
        {
          health_during_logins++;
          total_health += health->elapsed_usec;
          worst_health = MAX (worst_health, health->elapsed_usec);
          g_array_append_val (health_usec, health->elapsed_usec);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (emails); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (jobs[i].status, ==, 200);
      worst_login = MAX (worst_login, jobs[i].elapsed_usec);
      total_login += jobs[i].elapsed_usec;
    }

  g_test_message ("8 parallel logins: mean %.1f ms, slowest %.1f ms; %u health checks meanwhile: "
                  "mean %.2f ms, slowest %.2f ms",
                  total_login / 8 / 1000.0, worst_login / 1000.0, health_during_logins,
                  health_during_logins ? total_health / health_during_logins / 1000.0 : 0.0,
                  worst_health / 1000.0);

  g_assert_cmpuint (health_during_logins, >=, 3);
  /* A health check queued behind the password hashing would wait about a whole login. One
   * check in hundreds can still be held up by the scheduler on two busy cores (227 ms once
   * under ASan, where a login takes 1-2 s), so: nearly all checks fast, none near a login. */
  g_array_sort (health_usec, compare_usec);
  p99_health = g_array_index (health_usec, gint64, (health_usec->len - 1) * 99 / 100);
  g_assert_cmpint (p99_health, <, 200 * 1000);
  g_assert_cmpint (worst_health, <, MAX (200 * 1000, worst_login / 2));
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  server = td_test_server_start ("demo");
  session = td_test_session_new ();

  g_test_add_func ("/server/limits/hundred-kb-of-brackets", test_hundred_kb_of_brackets);
  g_test_add_func ("/server/limits/two-megabytes", test_two_megabytes);
  g_test_add_func ("/server/limits/two-megabytes-raw", test_two_megabytes_raw);
  g_test_add_func ("/server/limits/two-megabytes-chunked", test_two_megabytes_chunked);
  g_test_add_func ("/server/limits/just-under-the-limit", test_just_under_the_limit);
  g_test_add_func ("/server/limits/chunked-small-body", test_chunked_small_body);
  g_test_add_func ("/server/limits/parallel-logins-keep-health-fast", test_parallel_logins_keep_health_fast);

  result = g_test_run ();

  g_object_unref (session);
  td_test_server_free (server);
  return result;
}
