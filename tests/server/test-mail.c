/* test-mail.c: email delivery and the invitation accept flow (issue 4, "Mail")
 *
 * The invitation tests run the real twindesk-server binary with --smtp pointing at a real
 * SMTP server on loopback (td-smtp-sink.c), or with a spool directory, and read its
 * database file directly to check what is stored and to age tokens. The message format,
 * the SMTP client and the mailer thread are also tested in process against the same sink.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "td-db-pool.h"
#include "td-mail.h"
#include "td-mailer.h"
#include "td-migrations.h"
#include "td-random.h"
#include "td-server-test-util.h"
#include "td-smtp.h"
#include "td-smtp-sink.h"
#include "td-test-server.h"

#define ADMIN_EMAIL    "admin@acme.test"
#define NEW_PASSWORD   "Lantern-Orchard-42"
#define WAIT_MS        10000

static SoupSession *session;

/* Helpers ---------------------------------------------------------------------------- */

static char *
database_path (TdTestServer *server)
{
  return g_build_filename (td_test_server_get_dir (server), "twindesk.db", NULL);
}

static sqlite3 *
open_database (TdTestServer *server)
{
  g_autofree char *path = database_path (server);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* The first column of the first row of @sql as text (NULL for SQL null or no row). */
static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  g_autofree char *text = query_text (db, sql);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : -1;
}

/* Waits until @sql (a count) gives @expected: the server writes after the relay answered. */
static void
wait_for_count (sqlite3    *db,
                const char *sql,
                gint64      expected)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (query_int (db, sql) != expected)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Still not %" G_GINT64_FORMAT ": %s", expected, sql);
      g_usleep (20 * 1000);
    }
}

static char *
login (TdTestServer *server,
       const char   *email,
       const char   *password)
{
  return td_test_login (session, td_test_server_get_url (server), email, password);
}

/* Invites @email as a member of the demo organization; returns the invitation id. */
static char *
invite (TdTestServer *server,
        const char   *admin_token,
        const char   *email)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"first_name\":\"Noa\","
                                           "\"last_name\":\"Newcomer\",\"role\":\"member\"}",
                                           email);
  g_autoptr(TdTestResponse) response =
    td_test_request (session, "POST", td_test_server_get_url (server), "/api/v1/invitations",
                     admin_token, body, -1);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 201);
  object = td_test_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "pending");
  g_assert_false (json_object_has_member (object, "token_hash"));
  g_assert_true (json_object_has_member (object, "expires_at"));
  return g_strdup (json_object_get_string_member (object, "id"));
}

/* The token of the <url>/invite#<token> link in @message, checking the link's base. */
static char *
link_token (const char *message,
            const char *base_url)
{
  g_autofree char *prefix = g_strconcat (base_url, "/invite#", NULL);
  const char *start = strstr (message, prefix);
  gsize length;

  g_assert_nonnull (start);
  start += strlen (prefix);
  length = strspn (start, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
  g_assert_cmpuint (length, ==, 43);  /* 256 bits, base64url */
  return g_strndup (start, length);
}

static TdTestResponse *
accept_invitation (TdTestServer *server,
                   const char   *token,
                   const char   *password)
{
  g_autofree char *body = g_strdup_printf ("{\"token\":\"%s\",\"password\":\"%s\","
                                           "\"first_name\":\"Noah\"}", token, password);

  return td_test_request (session, "POST", td_test_server_get_url (server),
                          "/api/v1/invitations/accept", NULL, body, -1);
}

static char *
body_text (TdTestResponse *response)
{
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  return g_strndup (data, size);
}

static void
assert_invalid_token (TdTestResponse *response,
                      const char     *expected_body)
{
  g_autofree char *text = body_text (response);

  td_test_assert_error (response, 401, "invalid_token", NULL);
  /* One answer for unknown, used and expired tokens. */
  if (expected_body != NULL)
    g_assert_cmpstr (text, ==, expected_body);
}

static char *
wrong_token_body (TdTestServer *server)
{
  g_autofree char *token = td_token_new ();
  g_autoptr(TdTestResponse) response = accept_invitation (server, token, NEW_PASSWORD);

  assert_invalid_token (response, NULL);
  return body_text (response);
}

static char *
free_port_url (void)
{
  g_autoptr(TdSmtpSink) sink = td_smtp_sink_new (0);

  return td_smtp_sink_dup_url (sink);
}

/* The value of header @name in @message (first line only). */
static char *
header (const char *message,
        const char *name)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s: ", name);
  g_autofree char *headers_part = NULL;
  const char *end = strstr (message, "\r\n\r\n");
  const char *found;

  g_assert_nonnull (end);
  headers_part = g_strconcat ("\r\n", message, NULL);
  headers_part[end - message + 2] = '\0';
  found = strstr (headers_part, needle);
  if (found == NULL)
    return NULL;
  found += strlen (needle);
  return g_strndup (found, strcspn (found, "\r\n"));
}

/* Invitation email over SMTP ---------------------------------------------------------- */

static void
test_invitation_smtp (void)
{
  g_autoptr(TdSmtpSink) sink = td_smtp_sink_new (0);
  g_autofree char *smtp = td_smtp_sink_dup_url (sink);
  const char *args[] = { "--smtp", smtp, "--mail-from", "desk@acme.test", NULL };
  g_autoptr(TdTestServer) server = td_test_server_start_with_args ("demo", args);
  g_autofree char *admin = login (server, ADMIN_EMAIL, TD_DEMO_PASSWORD);
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_sql = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *wrong_body = NULL;
  g_autofree char *second_body = NULL;
  g_autofree char *session_token = NULL;
  g_autofree char *subject = NULL;
  g_autoptr(TdTestResponse) accepted = NULL;
  g_autoptr(TdTestResponse) again = NULL;
  g_autoptr(TdTestResponse) me = NULL;
  const TdSinkMessage *message;
  sqlite3 *db;

  id = invite (server, admin, "noa.newcomer@acme.test");

  g_assert_true (td_smtp_sink_wait (sink, 1, WAIT_MS));
  message = td_smtp_sink_get (sink, 0);
  g_assert_cmpstr (message->mail_from, ==, "desk@acme.test");
  g_assert_cmpstr (message->rcpt_to, ==, "noa.newcomer@acme.test");
  subject = header (message->message, "Subject");
  g_assert_cmpstr (subject, ==, "Invitation to Acme Service on Twindesk");
  token = link_token (message->message, td_test_server_get_url (server));

  /* Only the SHA-256 is stored; the delivered message's body (the link) is not kept. */
  db = open_database (server);
  token_hash = td_token_hash (token);
  token_sql = g_strdup_printf ("SELECT count(*) FROM invitations WHERE id = '%s' AND token_hash = '%s'"
                               " AND expires_at > strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now', '+6 days')",
                               id, token_hash);
  g_assert_cmpint (query_int (db, token_sql), ==, 1);
  wait_for_count (db, "SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL"
                      " AND body = '' AND attempts = 1", 1);

  /* The link's token activates the account and signs the new user in. */
  accepted = accept_invitation (server, token, NEW_PASSWORD);
  g_assert_cmpuint (accepted->status, ==, 200);
  session_token = g_strdup (json_object_get_string_member (td_test_response_object (accepted), "token"));
  me = td_test_request (session, "GET", td_test_server_get_url (server), "/api/v1/me",
                        session_token, NULL, 0);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (td_test_response_object (me), "email"), ==,
                   "noa.newcomer@acme.test");
  g_assert_cmpstr (json_object_get_string_member (td_test_response_object (me), "first_name"), ==,
                   "Noah");
  g_free (login (server, "noa.newcomer@acme.test", NEW_PASSWORD));

  g_assert_cmpint (query_int (db, "SELECT count(*) FROM invitations WHERE status = 'accepted'"
                                  " AND token_hash IS NULL AND accepted_at IS NOT NULL"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM employees WHERE email = 'noa.newcomer@acme.test'"
                                  " AND status = 'active' AND deleted = 0"), ==, 1);

  /* Single use: the same link again is the same 401 as a token that never existed. */
  wrong_body = wrong_token_body (server);
  again = accept_invitation (server, token, "Another-Password-99");
  assert_invalid_token (again, wrong_body);
  second_body = body_text (again);
  g_assert_cmpstr (second_body, ==, wrong_body);

  sqlite3_close (db);
}

/* Expired links, resending, weak passwords, deleting --------------------------------- */

static void
test_invitation_rules (void)
{
  g_autoptr(TdSmtpSink) sink = td_smtp_sink_new (0);
  g_autofree char *smtp = td_smtp_sink_dup_url (sink);
  const char *args[] = { "--smtp", smtp, NULL };
  g_autoptr(TdTestServer) server = td_test_server_start_with_args ("demo", args);
  const char *url = td_test_server_get_url (server);
  g_autofree char *admin = login (server, ADMIN_EMAIL, TD_DEMO_PASSWORD);
  g_autofree char *wrong_body = wrong_token_body (server);
  g_autofree char *expired_id = NULL;
  g_autofree char *expired_token = NULL;
  g_autofree char *expire_sql = NULL;
  g_autofree char *resend_id = NULL;
  g_autofree char *old_token = NULL;
  g_autofree char *new_token = NULL;
  g_autofree char *resend_path = NULL;
  g_autoptr(TdTestResponse) expired = NULL;
  g_autoptr(TdTestResponse) weak = NULL;
  g_autoptr(TdTestResponse) resent = NULL;
  g_autoptr(TdTestResponse) old_answer = NULL;
  g_autoptr(TdTestResponse) new_answer = NULL;
  g_autoptr(TdTestResponse) resend_accepted = NULL;
  g_autoptr(TdTestResponse) unauthenticated = NULL;
  sqlite3 *db = open_database (server);

  /* Expired: the link of a week-old invitation. */
  expired_id = invite (server, admin, "late.comer@acme.test");
  g_assert_true (td_smtp_sink_wait (sink, 1, WAIT_MS));
  expired_token = link_token (td_smtp_sink_get (sink, 0)->message, url);
  expire_sql = g_strdup_printf ("UPDATE invitations SET expires_at = '2020-01-01T00:00:00.000Z'"
                                " WHERE id = '%s'", expired_id);
  exec_sql (db, expire_sql);
  expired = accept_invitation (server, expired_token, NEW_PASSWORD);
  assert_invalid_token (expired, wrong_body);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM employees WHERE email = 'late.comer@acme.test'"
                                  " AND status = 'invited'"), ==, 1);

  /* Resend: a new link; the old one stops working. A weak password is refused without
   * using the link up. */
  resend_id = invite (server, admin, "twice.sent@acme.test");
  g_assert_true (td_smtp_sink_wait (sink, 2, WAIT_MS));
  old_token = link_token (td_smtp_sink_get (sink, 1)->message, url);
  resend_path = g_strdup_printf ("/api/v1/invitations/%s/resend", resend_id);
  unauthenticated = td_test_request (session, "POST", url, resend_path, NULL, NULL, 0);
  g_assert_cmpuint (unauthenticated->status, ==, 401);
  resent = td_test_request (session, "POST", url, resend_path, admin, NULL, 0);
  g_assert_cmpuint (resent->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (td_test_response_object (resent), "version"), ==, 2);
  g_assert_true (td_smtp_sink_wait (sink, 3, WAIT_MS));
  new_token = link_token (td_smtp_sink_get (sink, 2)->message, url);
  g_assert_cmpstr (new_token, !=, old_token);

  old_answer = accept_invitation (server, old_token, NEW_PASSWORD);
  assert_invalid_token (old_answer, wrong_body);
  weak = accept_invitation (server, new_token, "password");
  td_test_assert_error (weak, 400, "weak_password", "password");
  new_answer = accept_invitation (server, new_token, NEW_PASSWORD);
  g_assert_cmpuint (new_answer->status, ==, 200);

  /* Accepted invitations are not sent again. */
  resend_accepted = td_test_request (session, "POST", url, resend_path, admin, NULL, 0);
  td_test_assert_error (resend_accepted, 409, "conflict", NULL);

  sqlite3_close (db);
}

static guint
delete_with_version (const char *base_url,
                     const char *path,
                     const char *token,
                     gint64      version)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("DELETE", url);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autofree char *if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", if_match);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

/* DOMAIN.md §4: deleting an invitation removes the user and ends their sessions. */
static void
test_invitation_delete (void)
{
  g_autoptr(TdSmtpSink) sink = td_smtp_sink_new (0);
  g_autofree char *smtp = td_smtp_sink_dup_url (sink);
  const char *args[] = { "--smtp", smtp, NULL };
  g_autoptr(TdTestServer) server = td_test_server_start_with_args ("demo", args);
  const char *url = td_test_server_get_url (server);
  g_autofree char *admin = login (server, ADMIN_EMAIL, TD_DEMO_PASSWORD);
  g_autofree char *id = invite (server, admin, "short.stay@acme.test");
  g_autofree char *token = NULL;
  g_autofree char *user_token = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/invitations/%s", id);
  g_autoptr(TdTestResponse) accepted = NULL;
  g_autoptr(TdTestResponse) current = NULL;
  g_autoptr(TdTestResponse) me = NULL;
  g_autoptr(TdTestResponse) relogin = NULL;
  g_autofree char *relogin_body = NULL;

  g_assert_true (td_smtp_sink_wait (sink, 1, WAIT_MS));
  token = link_token (td_smtp_sink_get (sink, 0)->message, url);
  accepted = accept_invitation (server, token, NEW_PASSWORD);
  g_assert_cmpuint (accepted->status, ==, 200);
  user_token = g_strdup (json_object_get_string_member (td_test_response_object (accepted), "token"));

  current = td_test_request (session, "GET", url, path, admin, NULL, 0);
  g_assert_cmpuint (current->status, ==, 200);
  g_assert_cmpuint (delete_with_version (url, path, admin,
                                         json_object_get_int_member (td_test_response_object (current),
                                                                     "version")), ==, 204);

  me = td_test_request (session, "GET", url, "/api/v1/me", user_token, NULL, 0);
  g_assert_cmpuint (me->status, ==, 401);
  relogin_body = g_strdup_printf ("{\"email\":\"short.stay@acme.test\",\"password\":\"%s\"}",
                                  NEW_PASSWORD);
  relogin = td_test_request (session, "POST", url, "/api/v1/auth/login", NULL, relogin_body, -1);
  g_assert_cmpuint (relogin->status, ==, 401);
}

/* Retries ------------------------------------------------------------------------------ */

static void
test_relay_down (void)
{
  g_autofree char *smtp = free_port_url ();
  const char *args[] = { "--smtp", smtp, NULL };
  g_autoptr(TdTestServer) server = td_test_server_start_with_args ("demo", args);
  g_autofree char *admin = login (server, ADMIN_EMAIL, TD_DEMO_PASSWORD);
  g_autofree char *id = invite (server, admin, "patient.person@acme.test");
  g_autoptr(TdSmtpSink) sink = NULL;
  guint64 port;
  sqlite3 *db = open_database (server);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  /* The relay is not there: the message stays, counted and scheduled for later. */
  while (query_int (db, "SELECT attempts FROM mail_outbox") < 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL"
                                  " AND last_error IS NOT NULL AND body <> ''"
                                  " AND next_attempt_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+20 seconds')"),
                   ==, 1);

  /* The relay comes up; once the back-off is over (shortened here) it gets the message,
   * exactly once. */
  g_assert_true (g_ascii_string_to_unsigned (strrchr (smtp, ':') + 1, 10, 1, 65535, &port, NULL));
  sink = td_smtp_sink_new ((guint16) port);
  exec_sql (db, "UPDATE mail_outbox SET next_attempt_at = '2020-01-01T00:00:00.000Z'");
  g_assert_true (td_smtp_sink_wait (sink, 1, WAIT_MS));
  g_assert_nonnull (strstr (td_smtp_sink_get (sink, 0)->message, "/invite#"));
  g_usleep (2500 * 1000);  /* more than two poll intervals */
  g_assert_cmpuint (td_smtp_sink_count (sink), ==, 1);
  wait_for_count (db, "SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL"
                      " AND attempts >= 2 AND last_error IS NULL", 1);
  sqlite3_close (db);
}

/* The spool directory ------------------------------------------------------------------ */

static void
test_spool (void)
{
  g_autofree char *dir = td_test_make_tmp_dir ();
  g_autofree char *spool = g_build_filename (dir, "outgoing", NULL);
  const char *args[] = { "--spool", spool, "--mail-from", "desk@acme.test",
                         "--public-url", "https://desk.acme.test/", NULL };
  g_autoptr(TdTestServer) server = td_test_server_start_with_args ("demo", args);
  g_autofree char *admin = login (server, ADMIN_EMAIL, TD_DEMO_PASSWORD);
  g_autofree char *id = invite (server, admin, "file.reader@acme.test");
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *value = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  const char *headers[] = { "Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                            "Content-Type", "Content-Transfer-Encoding" };
  g_autoptr(TdTestResponse) accepted = NULL;
  guint files = 0;

  while (path == NULL)
    {
      g_autoptr(GDir) listing = g_dir_open (spool, 0, NULL);
      const char *name;

      files = 0;
      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        {
          files++;
          if (g_str_has_suffix (name, ".eml"))
            path = g_build_filename (spool, name, NULL);
        }
      if (path == NULL)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (50 * 1000);
        }
    }
  g_assert_cmpuint (files, ==, 1);  /* no temporary file left behind */
  g_assert_true (g_file_get_contents (path, &message, NULL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *found = header (message, headers[i]);

      g_test_message ("%s: %s", headers[i], found);
      g_assert_nonnull (found);
    }
  value = header (message, "From");
  g_assert_cmpstr (value, ==, "desk@acme.test");
  g_clear_pointer (&value, g_free);
  value = header (message, "To");
  g_assert_cmpstr (value, ==, "file.reader@acme.test");
  g_clear_pointer (&value, g_free);
  value = header (message, "Content-Type");
  g_assert_cmpstr (value, ==, "text/plain; charset=utf-8");
  g_clear_pointer (&value, g_free);
  value = header (message, "Message-ID");
  g_assert_true (g_str_has_prefix (value, "<") && g_str_has_suffix (value, "@acme.test>"));
  g_clear_pointer (&value, g_free);
  value = header (message, "Date");
  g_assert_true (g_regex_match_simple ("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d (Jan|Feb|Mar|Apr|May|Jun|"
                                       "Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000$",
                                       value, 0, 0));
  /* Every line ends in CRLF. */
  g_assert_false (g_regex_match_simple ("[^\\r]\\n", message, 0, 0));

  /* The link uses --public-url; its token works on this server. */
  token = link_token (message, "https://desk.acme.test");
  accepted = accept_invitation (server, token, NEW_PASSWORD);
  g_assert_cmpuint (accepted->status, ==, 200);

  td_test_server_free (g_steal_pointer (&server));
  td_test_remove_dir (dir);
}

/* The landing page ---------------------------------------------------------------------- */

static void
test_invite_page (void)
{
  g_autoptr(TdTestServer) server = td_test_server_start_with_args (NULL, NULL);
  g_autoptr(TdTestResponse) page =
    td_test_request (session, "GET", td_test_server_get_url (server), "/invite", NULL, NULL, 0);
  g_autofree char *html = body_text (page);
  const char *csp;

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (page->headers, "Content-Type"), ==,
                   "text/html; charset=utf-8");
  csp = soup_message_headers_get_one (page->headers, "Content-Security-Policy");
  g_assert_nonnull (strstr (csp, "default-src 'none'"));
  g_assert_nonnull (strstr (csp, "script-src 'sha256-"));
  g_assert_null (strstr (csp, "unsafe-inline"));
  g_assert_nonnull (strstr (html, "location.hash"));
  g_assert_nonnull (strstr (html, "/api/v1/invitations/accept"));
  g_assert_nonnull (strstr (html, "name=\"viewport\""));
}

/* In process: format, SMTP client, mailer ---------------------------------------------- */

static void
test_format (void)
{
  g_autofree char *long_line = g_strnfill (2500, 'x');
  g_autofree char *body = g_strconcat ("first\nsecond\r\n", long_line, "\n", NULL);
  g_autofree char *message = td_mail_format ("desk@acme.test", "to@example.test",
                                             "Grüße aus Köln — Ihre Einladung\r\nBcc: evil@example.test",
                                             body, 0, "abc");
  g_autofree char *subject = header (message, "Subject");
  g_autofree char *ascii = td_mail_format ("desk@acme.test", "to@example.test", "Plain subject",
                                           "x", 0, "abc");
  g_autofree char *ascii_subject = header (ascii, "Subject");
  g_autoptr(GString) decoded = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  const char *p;

  g_assert_cmpstr (ascii_subject, ==, "Plain subject");
  g_assert_null (strstr (message, "\r\nBcc:"));

  /* RFC 2047: every encoded word within 75 characters; decoded, the subject is back. */
  g_assert_true (g_str_has_prefix (subject, "=?UTF-8?B?"));
  p = strstr (message, "Subject: ") + strlen ("Subject: ");
  while ((p = strstr (p, "=?UTF-8?B?")) != NULL)
    {
      const char *end = strstr (p, "?=");
      g_autofree char *encoded = g_strndup (p + 10, end - p - 10);
      g_autofree guchar *raw = NULL;
      gsize length;

      g_assert_cmpint (end + 2 - p, <=, 75);
      raw = g_base64_decode (encoded, &length);
      g_assert_true (g_utf8_validate ((const char *) raw, (gssize) length, NULL));
      g_string_append_len (decoded, (const char *) raw, (gssize) length);
      p = end + 2;
    }
  g_assert_cmpstr (decoded->str, ==, "Grüße aus Köln — Ihre Einladung  Bcc: evil@example.test");

  /* CRLF everywhere, no line over 998 octets. */
  g_assert_nonnull (strstr (message, "\r\n\r\nfirst\r\nsecond\r\nxxx"));
  lines = g_strsplit (message, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), <=, 998);
      g_assert_null (strchr (lines[i], '\n'));
    }
  g_assert_true (g_str_has_suffix (message, "x\r\n"));
}

static void
test_smtp_dot_stuffing (void)
{
  g_autoptr(TdSmtpSink) sink = td_smtp_sink_new (0);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = td_mail_format ("desk@acme.test", "to@example.test", "Dots",
                                             ".hidden line\n.\nmiddle\n..two\nlast", 0, "dots");

  g_assert_true (td_smtp_send ("127.0.0.1", td_smtp_sink_get_port (sink), "test.local",
                               "desk@acme.test", "to@example.test", message, 5, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (td_smtp_sink_count (sink), ==, 1);

  /* On the wire every line that starts with "." has one more; unstuffed it is the message
   * exactly (a lone "." line did not end the data early). */
  g_assert_nonnull (strstr (td_smtp_sink_get (sink, 0)->wire,
                            "\r\n..hidden line\r\n..\r\nmiddle\r\n...two\r\nlast\r\n"));
  g_assert_cmpstr (td_smtp_sink_get (sink, 0)->message, ==, message);
}

static void
test_smtp_refused (void)
{
  g_autofree char *url = free_port_url ();
  guint64 port;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_ascii_string_to_unsigned (strrchr (url, ':') + 1, 10, 1, 65535, &port, NULL));
  g_assert_false (td_smtp_send ("127.0.0.1", (guint16) port, "test.local", "a@b.test", "c@d.test",
                                "Subject: x\r\n\r\nx\r\n", 5, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);

  g_assert_cmpint (td_mailer_retry_delay (1), ==, (gint64) 30 * G_USEC_PER_SEC);
  g_assert_cmpint (td_mailer_retry_delay (2), ==, (gint64) 60 * G_USEC_PER_SEC);
  g_assert_cmpint (td_mailer_retry_delay (8), ==, (gint64) 3600 * G_USEC_PER_SEC);
  g_assert_cmpint (td_mailer_retry_delay (1000), ==, (gint64) 3600 * G_USEC_PER_SEC);
}

/* The mailer thread in process: queued in a transaction, delivered only after the commit,
 * to the sink and to the spool directory, and stopped cleanly (ASan checks the leaks). */
static void
test_mailer (void)
{
  g_autofree char *dir = td_test_make_tmp_dir ();
  g_autofree char *db_path = g_build_filename (dir, "mail.db", NULL);
  g_autofree char *spool = g_build_filename (dir, "spool", NULL);
  g_autoptr(TdSmtpSink) sink = td_smtp_sink_new (0);
  g_autofree char *smtp = td_smtp_sink_dup_url (sink);
  g_autoptr(TdDbPool) pool = td_db_pool_new (db_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TdMailer) relay = NULL;
  g_autoptr(TdMailer) spooler = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autofree char *file = NULL;
  g_autofree char *subject = NULL;
  TdDb *db = td_db_pool_acquire (pool, &error);

  g_assert_no_error (error);
  g_assert_true (td_migrations_apply (db, &error));

  relay = td_mailer_new (pool, smtp, NULL, NULL, &error);
  g_assert_no_error (error);
  transaction = td_db_transaction_begin (db, &error);
  g_assert_true (td_mail_queue (db, NULL, "first@example.test", "Grüße", "Hallo\n.\nWelt", &error));
  g_assert_false (td_mail_queue (db, NULL, "a@b.test>\r\nRCPT TO:<x@y.test", "x", "x", &error));
  g_clear_error (&error);
  td_mailer_kick (relay);
  g_usleep (300 * 1000);
  g_assert_cmpuint (td_smtp_sink_count (sink), ==, 0);  /* not before the commit */
  g_assert_true (td_db_transaction_commit (transaction, &error));
  td_mailer_kick (relay);
  g_assert_true (td_smtp_sink_wait (sink, 1, WAIT_MS));
  g_assert_cmpstr (td_smtp_sink_get (sink, 0)->rcpt_to, ==, "first@example.test");
  g_assert_cmpstr (td_smtp_sink_get (sink, 0)->mail_from, ==, TD_MAILER_DEFAULT_FROM);
  g_assert_nonnull (strstr (td_smtp_sink_get (sink, 0)->message, "\r\n\r\nHallo\r\n.\r\nWelt\r\n"));
  subject = header (td_smtp_sink_get (sink, 0)->message, "Subject");
  g_assert_cmpstr (subject, ==, "=?UTF-8?B?R3LDvMOfZQ==?=");
  g_clear_pointer (&relay, td_mailer_free);

  /* Bad configurations are refused up front. */
  g_assert_null (td_mailer_new (pool, "http://127.0.0.1:25", NULL, NULL, &error));
  g_clear_error (&error);
  g_assert_null (td_mailer_new (pool, NULL, spool, "not an address", &error));
  g_clear_error (&error);

  /* Without a relay: one .eml per message in the spool directory. */
  g_assert_true (td_mail_queue (db, NULL, "second@example.test", "Spooled", "Body", &error));
  spooler = td_mailer_new (pool, NULL, spool, "desk@acme.test", &error);
  g_assert_no_error (error);
  for (gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000; file == NULL;)
    {
      const char *name;

      listing = g_dir_open (spool, 0, NULL);
      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        if (g_str_has_suffix (name, ".eml"))
          file = g_build_filename (spool, name, NULL);
      g_clear_pointer (&listing, g_dir_close);
      if (file == NULL)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (50 * 1000);
        }
    }
  g_clear_pointer (&spooler, td_mailer_free);
  g_assert_cmpuint (td_smtp_sink_count (sink), ==, 1);

  td_db_pool_release (pool, db);
  g_clear_pointer (&pool, td_db_pool_free);
  td_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  session = td_test_session_new ();

  g_test_add_func ("/server/mail/format", test_format);
  g_test_add_func ("/server/mail/smtp-dot-stuffing", test_smtp_dot_stuffing);
  g_test_add_func ("/server/mail/smtp-refused", test_smtp_refused);
  g_test_add_func ("/server/mail/mailer", test_mailer);
  g_test_add_func ("/server/mail/invitation-smtp", test_invitation_smtp);
  g_test_add_func ("/server/mail/invitation-rules", test_invitation_rules);
  g_test_add_func ("/server/mail/invitation-delete", test_invitation_delete);
  g_test_add_func ("/server/mail/relay-down", test_relay_down);
  g_test_add_func ("/server/mail/spool", test_spool);
  g_test_add_func ("/server/mail/invite-page", test_invite_page);

  status = g_test_run ();
  g_object_unref (session);
  return status;
}
