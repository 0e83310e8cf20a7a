/* test-robustness.c: bad input on every write route of the real server
 *
 * One demo server; every POST, PATCH and PUT route that td_api_foreach_route() registers is
 * sent a series of bodies no client should send — malformed JSON, JSON that is not an
 * object, every known field with the wrong type, unknown fields only, very long strings,
 * deep nesting, invalid UTF-8, NUL bytes, a body over the size limit — as an administrator
 * and as a customer-login user. Placeholders are filled with real ids read from the
 * database file, and PATCH sends the current version in If-Match, so that the bodies reach
 * validation. Every answer must be 4xx with the {"error":{"code","message"}} shape (or 2xx
 * where the body happens to be acceptable), never 5xx and never a dropped connection, and
 * the server must keep answering /api/v1/health. Every answer is valid UTF-8 and JSON.
 * List routes get malformed query parameters, which are 400, and afterwards every list
 * still reads back (nothing a bad body wrote broke the stored data).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "td-api-routes.h"
#include "td-resource.h"
#include "td-test-server.h"

#define RANDOM_ID      "3f1c2b4a-8d7e-4f60-9a1b-2c3d4e5f6a7b"
#define LONG_STRING    200000
#define HEALTH_EVERY   50

typedef struct
{
  const char *email;
  char       *token;
  char       *customer_id;
} Principal;

typedef struct
{
  char *method;
  char *pattern;
  TdApiHandler handler;
  TdRouteFlags flags;
  gconstpointer data;
} Route;

static TdTestServer *server;
static SoupSession *session;
static sqlite3 *db;
static GPtrArray *routes;       /* Route* */
static Principal principals[] = {
  { "admin@acme.test", NULL, NULL },
  { "member@globex.test", NULL, NULL },
};
static guint n_requests;
static guint n_accepted;        /* 2xx answers to a bad body */
static guint n_rejected;        /* 4xx answers */

/* ------------------------------------------------------------------------------------------
 * HTTP */

typedef struct
{
  guint  status;
  char  *body;
  gsize  length;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void check_health (void);

static Answer
send_request (const char *token,
              const char *method,
              const char *path,
              const char *if_match,
              const char *body,
              gsize       length)
{
  g_autofree char *url = g_strconcat (td_test_server_get_url (server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  Answer answer = { 0 };

  if (msg == NULL)
    g_error ("Not a valid request: %s %s", method, url);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", if_match);
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, length);

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  if (error != NULL)
    g_error ("%s %s (%" G_GSIZE_FORMAT " bytes): %s", method, path, length, error->message);
  answer.status = soup_message_get_status (msg);
  answer.length = g_bytes_get_size (bytes);
  answer.body = g_strndup (answer.length > 0 ? g_bytes_get_data (bytes, NULL) : "", answer.length);

  n_requests++;
  if (n_requests % HEALTH_EVERY == 0)
    check_health ();
  return answer;
}

static void
check_health (void)
{
  g_autofree char *url = g_strconcat (td_test_server_get_url (server), "/api/v1/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  if (error != NULL)
    g_error ("/api/v1/health after %u requests: %s", n_requests, error->message);
  if (soup_message_get_status (msg) != 200)
    g_error ("/api/v1/health after %u requests: %u", n_requests, soup_message_get_status (msg));
}

/* 4xx with {"error":{"code":"…","message":"…"}}; 2xx is accepted; anything else fails. */
static void
judge (const char   *what,
       const Answer *answer)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *error;

  /* Whatever the input, the answer is valid UTF-8 and, if it has a body, JSON. */
  if (!g_utf8_validate_len (answer->body, answer->length, NULL))
    g_error ("%s: %u with a body that is not UTF-8: %.*s", what, answer->status,
             (int) MIN (answer->length, 300), answer->body);
  if (answer->length > 0 &&
      !json_parser_load_from_data (parser, answer->body, (gssize) answer->length, NULL))
    g_error ("%s: %u with a body that is not JSON: %.*s", what, answer->status,
             (int) MIN (answer->length, 300), answer->body);

  if (answer->status >= 200 && answer->status < 300)
    {
      n_accepted++;
      return;
    }
  if (answer->status < 400 || answer->status >= 500)
    g_error ("%s: %u %.*s", what, answer->status, (int) MIN (answer->length, 300), answer->body);

  n_rejected++;
  if ((root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    g_error ("%s: %u without a JSON object: %.*s", what, answer->status,
             (int) MIN (answer->length, 300), answer->body);
  error = json_object_get_object_member (json_node_get_object (root), "error");
  if (error == NULL ||
      json_object_get_string_member_with_default (error, "code", NULL) == NULL ||
      json_object_get_string_member_with_default (error, "message", NULL) == NULL)
    g_error ("%s: %u without the error shape: %.*s", what, answer->status,
             (int) MIN (answer->length, 300), answer->body);
}

static char *
log_in (const char *email)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}",
                                           email, TD_DEMO_PASSWORD);
  g_auto(Answer) answer = send_request (NULL, "POST", "/api/v1/auth/login", NULL, body,
                                        strlen (body));
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (answer.status != 200)
    g_error ("log in as %s: %u %s", email, answer.status, answer.body);
  g_assert_true (json_parser_load_from_data (parser, answer.body, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "token"));
}

/* ------------------------------------------------------------------------------------------
 * The database, read directly */

static char *
query_text (const char *sql,
            const char *param)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
table_has_column (const char *table,
                  const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pragma_table_info('%s') "
                                          "WHERE name = ?", table);
  g_autofree char *count = query_text (sql, column);

  return count != NULL && g_strcmp0 (count, "0") != 0;
}

/* A live row of @def, preferably one of @customer_id's company. */
static char *
pick_id (const TdResourceDef *def,
         const char          *column,
         const char          *where_column,
         const char          *where_value,
         const char          *customer_id)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  int n = 0;

  g_string_append_printf (sql, "SELECT \"%s\" FROM \"%s\" WHERE \"%s\" IS NOT NULL", column,
                          def->table, column);
  if (table_has_column (def->table, "deleted"))
    g_string_append (sql, " AND deleted = 0");
  if (where_column != NULL)
    g_string_append_printf (sql, " AND \"%s\" = ?%d", where_column, ++n);
  if (customer_id != NULL && g_str_equal (def->table, "customers"))
    g_string_append_printf (sql, " ORDER BY (id = ?%d) DESC", ++n);
  else if (customer_id != NULL && table_has_column (def->table, "customer_id"))
    g_string_append_printf (sql, " ORDER BY (customer_id IS ?%d) DESC", ++n);
  g_string_append (sql, " LIMIT 1");

  if (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  n = 0;
  if (where_column != NULL)
    sqlite3_bind_text (stmt, ++n, where_value, -1, SQLITE_TRANSIENT);
  if (customer_id != NULL && (g_str_equal (def->table, "customers") ||
                              table_has_column (def->table, "customer_id")))
    sqlite3_bind_text (stmt, ++n, customer_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* ------------------------------------------------------------------------------------------
 * Routes */

static void
route_free (Route *route)
{
  g_free (route->method);
  g_free (route->pattern);
  g_free (route);
}

static void
collect_route_cb (const TdApiRoute *api_route,
                  gpointer          user_data)
{
  Route *route = g_new0 (Route, 1);

  route->method = g_strdup (api_route->method);
  route->pattern = g_strdup (api_route->pattern);
  route->handler = api_route->handler;
  route->flags = api_route->flags;
  route->data = api_route->data;
  g_ptr_array_add (routes, route);
}

static const TdResourceDef *
find_def (const char *collection)
{
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);

  for (gsize i = 0; i < n_defs; i++)
    if (g_str_equal (defs[i]->collection, collection))
      return defs[i];
  return td_resource_find (collection);
}

static gboolean
is_def (gconstpointer data)
{
  gsize n_defs;
  const TdResourceDef * const *defs = td_resource_all (&n_defs);

  for (gsize i = 0; i < n_defs; i++)
    if (defs[i] == data)
      return TRUE;
  return FALSE;
}

/* "customers" → "customer" (the column prefix of a reference to it). */
static char *
singular (const char *collection)
{
  g_autofree char *name = g_strdup (collection);
  gsize length = strlen (name);

  if (length > 1 && name[length - 1] == 's')
    name[length - 1] = '\0';
  return g_strdelimit (g_steal_pointer (&name), "-", '_');
}

/* The collection of @segment nested under @parent: "customer-departments" before
 * "departments". */
static const TdResourceDef *
find_child_def (const TdResourceDef *parent,
                const char          *segment)
{
  const TdResourceDef *def = NULL;

  if (parent != NULL)
    {
      g_autofree char *prefix = singular (parent->collection);
      g_autofree char *name = NULL;

      g_strdelimit (prefix, "_", '-');
      name = g_strconcat (prefix, "-", segment, NULL);
      def = find_def (name);
    }
  return def != NULL ? def : find_def (segment);
}

typedef struct
{
  char                *path;
  const TdResourceDef *fields_def;   /* whose fields the bodies use, or NULL */
} Target;

static void
target_clear (Target *target)
{
  g_clear_pointer (&target->path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

/* Fills the placeholders of @route with real ids where the database has some. */
static Target
resolve (const Route     *route,
         const Principal *who)
{
  /* Public pages outside the API ("/invite", "/login/transfer") have no ids to fill in. */
  const char *rest = g_str_has_prefix (route->pattern, TD_API_BASE_PATH "/")
                     ? route->pattern + strlen (TD_API_BASE_PATH "/") : NULL;
  g_auto(GStrv) segments = g_strsplit (rest != NULL ? rest : "", "/", -1);
  g_autoptr(GString) path = g_string_new (TD_API_BASE_PATH);
  const TdResourceDef *parent = NULL;
  const TdResourceDef *last = NULL;
  char *parent_id = NULL;
  Target target = { 0 };

  if (rest == NULL)
    {
      target.path = g_strdup (route->pattern);
      return target;
    }

  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *segment = segments[i];
      g_autofree char *value = NULL;

      g_string_append_c (path, '/');
      if (segment[0] != '{')
        {
          last = parent == NULL && i == 0 ? find_def (segment) : find_child_def (parent, segment);
          g_string_append (path, segment);
          continue;
        }

      if (g_str_equal (segment, "{index}"))
        value = g_strdup ("0");
      else if (last != NULL && parent == NULL)
        value = pick_id (last, "id", NULL, NULL, who->customer_id);
      else if (last != NULL && parent != NULL)
        {
          /* A child of the parent already chosen: prefer one that belongs to it. */
          g_autofree char *name = g_strndup (segment + 1, strlen (segment) - 2);
          g_autofree char *parent_name = singular (parent->collection);
          g_autofree char *parent_column = g_strconcat (parent_name, "_id", NULL);
          const char *column = !g_str_equal (name, "id") && table_has_column (last->table, name)
                               ? name : "id";

          if (table_has_column (last->table, parent_column))
            value = pick_id (last, column, parent_column, parent_id, NULL);
        }
      if (value == NULL)
        value = g_strdup (RANDOM_ID);

      g_string_append (path, value);
      if (parent == NULL)
        {
          parent = last;
          parent_id = g_strdup (value);
        }
    }
  g_free (parent_id);

  target.path = g_string_free (g_steal_pointer (&path), FALSE);
  target.fields_def = is_def (route->data) ? route->data : last != NULL ? last : parent;
  return target;
}

/* The current version of the object @path names (or its parent's, for actions under it),
 * for If-Match. */
static char *
current_version (const Principal *who,
                 const char      *path)
{
  g_autofree char *item = g_strdup (path);

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_auto(Answer) answer = send_request (who->token, "GET", item, NULL, NULL, 0);
      g_autoptr(JsonParser) parser = json_parser_new ();
      char *slash;

      if (answer.status == 200 &&
          json_parser_load_from_data (parser, answer.body, (gssize) answer.length, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *object = json_node_get_object (json_parser_get_root (parser));

          if (json_object_has_member (object, "version"))
            return g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                                    json_object_get_int_member (object, "version"));
        }

      /* Up one object: /tasks/{id}/steps/0 → /tasks/{id}. */
      for (guint up = 0; up < 2; up++)
        if ((slash = strrchr (item, '/')) != NULL && slash != item)
          *slash = '\0';
    }
  return g_strdup ("\"1\"");
}

/* ------------------------------------------------------------------------------------------
 * Bad bodies */

typedef struct
{
  char  *name;
  char  *data;
  gsize  length;
} Body;

static void
body_free (Body *body)
{
  g_free (body->name);
  g_free (body->data);
  g_free (body);
}

static void
add_body (GPtrArray  *bodies,
          const char *name,
          const char *data,
          gssize      length)
{
  Body *body = g_new0 (Body, 1);

  body->name = g_strdup (name);
  body->length = length < 0 ? strlen (data) : (gsize) length;
  body->data = g_memdup2 (data, body->length + 1);
  g_ptr_array_add (bodies, body);
}

static void
add_body_take (GPtrArray  *bodies,
               const char *name,
               GString    *data)
{
  gsize length = data->len;
  char *bytes = g_string_free (data, FALSE);

  add_body (bodies, name, bytes, (gssize) length);
  g_free (bytes);
}

/* Members action routes commonly read, typed as strings; added to the fields of the route's
 * collection so that the actions see wrong types too. */
static const char * const generic_strings[] = {
  "name", "title", "text", "body", "email", "password", "pin", "status", "comment",
  "employee_id", "team_id", "token", "language", "kind", "message",
};

static gboolean
field_is_string (const TdFieldDef *field)
{
  return field->type == TD_FIELD_TEXT || field->type == TD_FIELD_ENUM ||
         field->type == TD_FIELD_REF || field->type == TD_FIELD_TIME;
}

/* The names of the string members of bodies for @def. */
static GPtrArray *
string_members (const TdResourceDef *def)
{
  GPtrArray *names = g_ptr_array_new ();

  if (def != NULL)
    for (gsize i = 0; i < def->n_fields; i++)
      if (field_is_string (&def->fields[i]))
        g_ptr_array_add (names, (gpointer) def->fields[i].name);
  for (guint i = 0; i < G_N_ELEMENTS (generic_strings); i++)
    {
      gboolean known = FALSE;

      for (guint j = 0; j < names->len; j++)
        known |= g_str_equal (g_ptr_array_index (names, j), generic_strings[i]);
      if (!known)
        g_ptr_array_add (names, (gpointer) generic_strings[i]);
    }
  return names;
}

/* Every field of @def with a value of the wrong type. @variant picks one of two sets. */
static GString *
wrong_types (const TdResourceDef *def,
             guint                variant)
{
  GString *json = g_string_new ("{");
  g_autoptr(GPtrArray) strings = string_members (NULL);

  if (def != NULL)
    for (gsize i = 0; i < def->n_fields; i++)
      {
        const TdFieldDef *field = &def->fields[i];
        const char *value;

        switch (field->type)
          {
          case TD_FIELD_INT:
            value = variant == 0 ? "\"abc\"" : "1e300";
            break;
          case TD_FIELD_BOOL:
            value = variant == 0 ? "\"yes\"" : "0";
            break;
          case TD_FIELD_JSON:
            value = variant == 0 ? "42" : "\"not json\"";
            break;
          case TD_FIELD_ID_LIST:
            value = variant == 0 ? "{\"a\":1}" : "[1,[2],null,\"not-an-id\"]";
            break;
          case TD_FIELD_TIME:
            value = variant == 0 ? "12345" : "\"2026-13-45T99:99:99Z\"";
            break;
          case TD_FIELD_REF:
            value = variant == 0 ? "12345" : "\"not-an-id\"";
            break;
          case TD_FIELD_ENUM:
            value = variant == 0 ? "12345" : "\"no-such-choice\"";
            break;
          case TD_FIELD_TEXT:
          default:
            value = variant == 0 ? "12345" : "[\"a\"]";
            break;
          }
        g_string_append_printf (json, "\"%s\":%s,", field->name, value);
      }
  for (guint i = 0; i < strings->len; i++)
    if (def == NULL || !strstr (json->str, g_ptr_array_index (strings, i)))
      g_string_append_printf (json, "\"%s\":%s,", (char *) g_ptr_array_index (strings, i),
                              variant == 0 ? "12345" : "true");
  g_string_truncate (json, json->len - 1);
  g_string_append_c (json, '}');
  return json;
}

/* Every string member set to @value (a JSON fragment of raw bytes). */
static GString *
all_strings (const TdResourceDef *def,
             const char          *value,
             gsize                length)
{
  g_autoptr(GPtrArray) names = string_members (def);
  GString *json = g_string_new ("{");

  for (guint i = 0; i < names->len; i++)
    {
      g_string_append_printf (json, "%s\"%s\":", i > 0 ? "," : "",
                              (char *) g_ptr_array_index (names, i));
      g_string_append_len (json, value, (gssize) length);
    }
  g_string_append_c (json, '}');
  return json;
}

static GPtrArray *
bad_bodies (const TdResourceDef *def)
{
  GPtrArray *bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) body_free);
  g_autoptr(GPtrArray) names = string_members (def);
  GString *json;

  add_body (bodies, "malformed JSON", "{\"name\": \"x\",", -1);
  add_body (bodies, "malformed JSON (garbage)", "}{not json at all", -1);
  add_body (bodies, "null", "null", -1);
  add_body (bodies, "array", "[]", -1);
  add_body (bodies, "string", "\"str\"", -1);
  add_body (bodies, "number", "42", -1);
  add_body (bodies, "empty body", "", 0);
  add_body_take (bodies, "wrong types", wrong_types (def, 0));
  add_body_take (bodies, "wrong types (2)", wrong_types (def, 1));
  add_body (bodies, "unknown fields only", "{\"zz_unknown\":1,\"zz_other\":{\"a\":[1,2]}}", -1);

  /* A 200 000-character string, one field at a time (all at once would be over the size
   * limit). */
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *label = g_strdup_printf ("long string in %s", name);

      json = g_string_new (NULL);
      g_string_append_printf (json, "{\"%s\":\"", name);
      for (guint c = 0; c < LONG_STRING; c++)
        g_string_append_c (json, 'a' + c % 26);
      g_string_append (json, "\"}");
      add_body_take (bodies, label, json);
    }

  json = g_string_sized_new (100 * 1024);
  for (guint i = 0; i < 100 * 1024; i++)
    g_string_append_c (json, '[');
  add_body_take (bodies, "100 KB of [", json);

  json = g_string_new (NULL);
  for (guint i = 0; i < 33; i++)
    g_string_append (json, "{\"a\":");
  g_string_append (json, "1");
  for (guint i = 0; i < 33; i++)
    g_string_append_c (json, '}');
  add_body_take (bodies, "33-deep objects", json);

  json = g_string_new ("{\"name\":");
  for (guint i = 0; i < 33; i++)
    g_string_append_c (json, '[');
  for (guint i = 0; i < 33; i++)
    g_string_append_c (json, ']');
  g_string_append_c (json, '}');
  add_body_take (bodies, "33-deep arrays", json);

  add_body_take (bodies, "invalid UTF-8", all_strings (def, "\"a\xff\xfe\xc3(\xed\xa0\x80z\"", 11));
  add_body (bodies, "invalid UTF-8 outside strings", "{\"a\":1,\xff\xfe:2}", -1);
  add_body_take (bodies, "raw NUL in strings", all_strings (def, "\"a\0b\"", 5));
  add_body_take (bodies, "escaped NUL in strings", all_strings (def, "\"a\\u0000b\"", 10));
  add_body (bodies, "NUL after the object", "{}\0{}", 5);
  add_body_take (bodies, "lone surrogates", all_strings (def, "\"\\ud800\\udfff\\udc00\"", 20));
  add_body_take (bodies, "lone high surrogate", all_strings (def, "\"a\\ud800b\"", 10));
  add_body_take (bodies, "lone low surrogate", all_strings (def, "\"\\udc00\"", 8));

  json = g_string_sized_new (2 * 1024 * 1024 + 16);
  g_string_append (json, "{\"name\":\"");
  while (json->len < 2 * 1024 * 1024)
    g_string_append (json, "xxxxxxxxxxxxxxxx");
  g_string_append (json, "\"}");
  add_body_take (bodies, "2 MB", json);

  return bodies;
}

/* ------------------------------------------------------------------------------------------
 * Tests */

static gboolean
is_write (const Route *route)
{
  return g_str_equal (route->method, "POST") || g_str_equal (route->method, "PATCH") ||
         g_str_equal (route->method, "PUT");
}

static void
test_bad_bodies (void)
{
  guint n_routes = 0;
  gint64 started = g_get_monotonic_time ();

  for (guint r = 0; r < routes->len; r++)
    {
      const Route *route = g_ptr_array_index (routes, r);
      gboolean logout = g_str_equal (route->pattern, TD_API_BASE_PATH "/auth/logout");

      if (!is_write (route))
        continue;
      n_routes++;

      for (guint p = 0; p < G_N_ELEMENTS (principals); p++)
        {
          Principal *who = &principals[p];
          g_auto(Target) target = resolve (route, who);
          g_autoptr(GPtrArray) bodies = bad_bodies (target.fields_def);
          g_autoptr(GString) statuses = g_string_new (NULL);

          for (guint b = 0; b < bodies->len; b++)
            {
              const Body *body = g_ptr_array_index (bodies, b);
              g_autofree char *if_match = NULL;
              g_autofree char *what = NULL;
              g_auto(Answer) answer = { 0 };

              if (g_str_equal (route->method, "PATCH"))
                if_match = current_version (who, target.path);
              what = g_strdup_printf ("%s: %s %s with %s", who->email, route->method,
                                      target.path, body->name);
              answer = send_request (who->token, route->method, target.path, if_match,
                                     body->data, body->length);
              judge (what, &answer);
              g_string_append_printf (statuses, " %u", answer.status);

              /* Over the 1 MiB limit of JSON routes. (Routes with a flag of their own,
               * e.g. file uploads, may have a larger limit: judged only.) */
              if (g_str_equal (body->name, "2 MB") && answer.status != 413 &&
                  (route->flags & ~(TD_ROUTE_PUBLIC | TD_ROUTE_SLOW)) == 0)
                g_error ("%s: %u, expected 413", what, answer.status);

              /* A logout that went through ended the session: sign in again. */
              if (logout && answer.status < 300)
                {
                  g_free (who->token);
                  who->token = log_in (who->email);
                }
            }
          if (g_test_verbose ())
            g_test_message ("%s %s %s (fields of %s):%s", who->email, route->method, target.path,
                            target.fields_def ? target.fields_def->collection : "none",
                            statuses->str);
        }
    }

  check_health ();
  g_test_message ("%u write routes x %" G_GSIZE_FORMAT " principals: %u bad bodies sent "
                  "(%u rejected with 4xx, %u accepted with 2xx, no 5xx), %u requests with the "
                  "If-Match look-ups, %.1f s",
                  n_routes, G_N_ELEMENTS (principals), n_rejected + n_accepted, n_rejected,
                  n_accepted, n_requests, (g_get_monotonic_time () - started) / 1e6);
  g_assert_cmpuint (n_routes, >=, 20);
}

static gboolean
is_list (const Route *route)
{
  return g_str_equal (route->method, "GET") && route->handler == td_resource_list;
}

static void
test_bad_queries (void)
{
  g_autoptr(GString) long_q = g_string_new ("q=");
  const char *queries[] = {
    "limit=-1", "limit=abc", "limit=0", "limit=99999999999999999999", "cursor=garbage",
    "cursor=%00%ff", "sort=unknown", "sort=-", "sort=-unknown,id", "updated_at_from=notadate",
    "updated_at_to=2026-02-30T25:00:00Z", "zz_unknown=1", NULL, /* long q */
  };
  guint n_lists = 0, before = n_requests;

  for (guint i = 0; i < 5000 / 4; i++)
    g_string_append (long_q, "a%25_%5C");   /* a % _ \ : the LIKE specials */
  queries[G_N_ELEMENTS (queries) - 1] = long_q->str;

  for (guint r = 0; r < routes->len; r++)
    {
      const Route *route = g_ptr_array_index (routes, r);

      /* HTML pages (share login, invitation) take no list parameters and answer HTML. */
      if (!g_str_equal (route->method, "GET") || g_str_has_suffix (route->pattern, "}") ||
          !g_str_has_prefix (route->pattern, TD_API_BASE_PATH "/"))
        continue;
      if (is_list (route))
        n_lists++;

      for (guint p = 0; p < G_N_ELEMENTS (principals); p++)
        {
          const Principal *who = &principals[p];
          g_auto(Target) target = resolve (route, who);

          for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
            {
              g_autofree char *path = g_strdup_printf ("%s?%s", target.path, queries[q]);
              g_autofree char *what = g_strdup_printf ("%s: GET %.200s", who->email, path);
              g_auto(Answer) answer = send_request (who->token, "GET", path, NULL, NULL, 0);

              judge (what, &answer);
              /* A collection list judges its parameters: 400 for whoever may list it. */
              if (is_list (route) && answer.status != 400 && answer.status != 403 &&
                  answer.status != 404)
                g_error ("%s: %u, expected 400", what, answer.status);
              if (is_list (route) && p == 0 && answer.status != 400)
                g_error ("%s: %u, expected 400", what, answer.status);
            }
        }
    }

  check_health ();
  g_test_message ("%u list routes, %u requests with malformed query parameters",
                  n_lists, n_requests - before);
  g_assert_cmpuint (n_lists, >=, 10);
}

/* After all that, every list still reads back as valid JSON: nothing the bad bodies wrote
 * (a string json-glib let through, say) broke the stored data. */
static void
test_lists_readable (void)
{
  guint n_lists = 0;

  for (guint r = 0; r < routes->len; r++)
    {
      const Route *route = g_ptr_array_index (routes, r);

      if (!is_list (route))
        continue;
      for (guint p = 0; p < G_N_ELEMENTS (principals); p++)
        {
          const Principal *who = &principals[p];
          g_auto(Target) target = resolve (route, who);
          g_autofree char *path = g_strdup_printf ("%s?limit=500", target.path);
          g_autofree char *what = g_strdup_printf ("%s: GET %s", who->email, path);
          g_auto(Answer) answer = send_request (who->token, "GET", path, NULL, NULL, 0);

          judge (what, &answer);
          if (p == 0 && answer.status != 200)
            g_error ("%s: %u, expected 200", what, answer.status);
        }
      n_lists++;
    }
  g_assert_cmpuint (n_lists, >=, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  gint64 started;
  int ret;

  g_test_init (&argc, &argv, NULL);

  started = g_get_monotonic_time ();
  server = td_test_server_start ("demo");
  session = soup_session_new_with_options ("timeout", 30, NULL);
  path = g_build_filename (td_test_server_get_dir (server), "twindesk.db", NULL);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);

  routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  td_api_foreach_route (collect_route_cb, NULL);
  for (guint p = 0; p < G_N_ELEMENTS (principals); p++)
    {
      principals[p].token = log_in (principals[p].email);
      principals[p].customer_id = query_text ("SELECT customer_id FROM employees WHERE email = ?",
                                              principals[p].email);
    }

  g_test_add_func ("/fuzz/bad-bodies", test_bad_bodies);
  g_test_add_func ("/fuzz/bad-queries", test_bad_queries);
  g_test_add_func ("/fuzz/lists-readable", test_lists_readable);

  ret = g_test_run ();

  g_test_message ("%u requests in all, %.1f s", n_requests,
                  (g_get_monotonic_time () - started) / 1e6);
  for (guint p = 0; p < G_N_ELEMENTS (principals); p++)
    {
      g_free (principals[p].token);
      g_free (principals[p].customer_id);
    }
  g_clear_pointer (&routes, g_ptr_array_unref);
  sqlite3_close (db);
  g_clear_object (&session);
  g_clear_pointer (&server, td_test_server_free);
  return ret;
}
