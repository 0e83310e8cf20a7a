/* td-resource.c: the engine behind every collection (see td-resource.h)
 *
 * The item routes: get, create (with Idempotency-Key), patch and delete (with If-Match).
 * Lists are in td-resource-list.c, body validation and reference checks in
 * td-resource-validate.c, the scope predicate and permission reach in td-scope.c, rows,
 * writes and the change feed in td-resource-store.c. docs/design/resource-engine.md
 * describes the rules.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-resource"

#include "config.h"

#include "td-resource-private.h"

#include <string.h>

#include "td-json.h"
#include "td-random.h"
#include "td-store-error.h"
#include "td-time.h"

#define IDEMPOTENCY_KEY_MAX       255
#define IDEMPOTENCY_LIFETIME_USEC ((gint64) 24 * 60 * 60 * G_USEC_PER_SEC)

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* If-Match: "<version>" (or the bare number). FALSE when absent; a value that is no
 * version at all matches nothing (-1), which is a 412 like any other stale version. */
static gboolean
parse_if_match (TdApiCall *call,
                gint64    *out_version)
{
  const char *value = call->request->if_match;
  g_autofree char *text = NULL;
  guint64 version;
  gsize length;

  if (value == NULL)
    return FALSE;

  text = g_strstrip (g_strdup (value));
  length = strlen (text);
  if (length >= 2 && text[0] == '"' && text[length - 1] == '"')
    {
      text[length - 1] = '\0';
      memmove (text, text + 1, length - 1);
    }

  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &version, NULL))
    *out_version = (gint64) version;
  else
    *out_version = -1;
  return TRUE;
}

static TdApiResponse *
precondition_required (void)
{
  return td_api_response_new_error (428, "precondition_required",
                                    "Send If-Match with the version you changed", NULL);
}

static TdApiResponse *
begin (TdApiCall        *call,
       TdDbTransaction **out_transaction)
{
  g_autoptr(GError) error = NULL;

  *out_transaction = td_db_transaction_begin (call->db, &error);
  if (*out_transaction != NULL)
    return NULL;
  if (g_error_matches (error, TD_STORE_ERROR, TD_STORE_ERROR_BUSY))
    {
      g_warning ("Starting a write failed: %s", error->message);
      return td_api_response_new_error (503, "unavailable", "The database is busy", NULL);
    }
  return td_api_internal_error ("Starting a write failed", error);
}

/* Commits and frees @transaction; on failure the response becomes a 500. */
static TdApiResponse *
commit (TdDbTransaction *transaction,
        TdApiResponse   *response)
{
  g_autoptr(TdDbTransaction) owned = transaction;
  g_autoptr(GError) error = NULL;

  if (td_db_transaction_commit (transaction, &error))
    return response;

  td_api_response_free (response);
  return td_api_internal_error ("Committing a write failed", error);
}

TdApiResponse *
td_resource_get (TdApiCall *call)
{
  const TdResourceDef *def = call->route_data;
  g_autoptr(JsonObject) row = NULL;
  TdApiResponse *error = NULL;

  row = td_resource_load (call, def, g_hash_table_lookup (call->params, "id"), &error);
  if (row == NULL)
    return error;

  if (!td_resource_allows (call, def, def->perm_view, row))
    return td_resource_forbidden ();

  return td_resource_response_object (call, def, 200, row);
}

/* Idempotency-Key (create only): the first request under a key runs and stores its
 * response in the same transaction as the object; a retry with the same body gets that
 * response again without writing, another body under the same key is a client bug. */
typedef struct
{
  char *key_hash;
  char *request_hash;
} TdIdempotency;

static void
td_idempotency_clear (TdIdempotency *idempotency)
{
  g_clear_pointer (&idempotency->key_hash, g_free);
  g_clear_pointer (&idempotency->request_hash, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TdIdempotency, td_idempotency_clear)

static TdApiResponse *
idempotency_replay (TdApiCall     *call,
                    TdIdempotency *idempotency,
                    gboolean      *out_replayed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) purge = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *cutoff = td_time_format (td_time_now_usec () - IDEMPOTENCY_LIFETIME_USEC);
  const char *user_id = call->identity->user->id;
  TdApiResponse *response;
  TdDbStep step;

  *out_replayed = FALSE;

  /* Keys expire after a day; the user's own old keys go on the way. */
  purge = td_db_prepare (call->db, "DELETE FROM idempotency_keys WHERE user_id = ? AND created_at < ?",
                         &error);
  if (purge == NULL)
    return td_api_internal_error ("Purging idempotency keys failed", error);
  td_db_stmt_bind_text (purge, 1, user_id);
  td_db_stmt_bind_text (purge, 2, cutoff);
  if (!td_db_stmt_run (purge, &error))
    return td_api_internal_error ("Purging idempotency keys failed", error);

  stmt = td_db_prepare (call->db, "SELECT method, path, request_hash, status, response_body "
                                  "FROM idempotency_keys WHERE user_id = ? AND key_hash = ?",
                        &error);
  if (stmt == NULL)
    return td_api_internal_error ("Reading an idempotency key failed", error);
  td_db_stmt_bind_text (stmt, 1, user_id);
  td_db_stmt_bind_text (stmt, 2, idempotency->key_hash);

  step = td_db_stmt_step (stmt, &error);
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Reading an idempotency key failed", error);
  if (step == TD_DB_STEP_DONE)
    return NULL;

  *out_replayed = TRUE;
  if (g_strcmp0 (td_db_stmt_get_text (stmt, 0), call->request->method) != 0 ||
      g_strcmp0 (td_db_stmt_get_text (stmt, 1), call->request->path) != 0 ||
      g_strcmp0 (td_db_stmt_get_text (stmt, 2), idempotency->request_hash) != 0)
    return td_api_response_new_error (422, "idempotency_mismatch",
                                      "This Idempotency-Key was used for another request", NULL);

  body = json_from_string (td_db_stmt_get_text (stmt, 4), &error);
  if (body == NULL)
    return td_api_internal_error ("Reading a stored response failed", error);

  response = td_api_response_new_json ((guint) td_db_stmt_get_int64 (stmt, 3), body);
  if (JSON_NODE_HOLDS_OBJECT (body))
    {
      JsonObject *object = json_node_get_object (body);
      g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                                               td_json_get_int (object, "version", 0));
      const char *id = td_json_get_string (object, "id");

      td_api_response_set_header (response, "ETag", etag);
      if (id != NULL)
        {
          const TdResourceDef *def = call->route_data;
          g_autofree char *location = g_strdup_printf (TD_API_BASE_PATH "/%s/%s",
                                                       def->collection, id);

          td_api_response_set_header (response, "Location", location);
        }
    }
  td_api_response_set_header (response, "Idempotent-Replayed", "true");
  return response;
}

static gboolean
idempotency_store (TdApiCall      *call,
                   TdIdempotency  *idempotency,
                   TdApiResponse  *response,
                   GError        **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();
  g_autofree char *body = NULL;

  if (response->body != NULL)
    body = g_strndup (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));

  stmt = td_db_prepare (call->db, "INSERT INTO idempotency_keys (user_id, key_hash, method, path, "
                                  "request_hash, status, response_body, created_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, call->identity->user->id);
  td_db_stmt_bind_text (stmt, 2, idempotency->key_hash);
  td_db_stmt_bind_text (stmt, 3, call->request->method);
  td_db_stmt_bind_text (stmt, 4, call->request->path);
  td_db_stmt_bind_text (stmt, 5, idempotency->request_hash);
  td_db_stmt_bind_int64 (stmt, 6, response->status);
  td_db_stmt_bind_text (stmt, 7, body != NULL ? body : "null");
  td_db_stmt_bind_text (stmt, 8, now);
  return td_db_stmt_run (stmt, error);
}

/* Whether some row of @def has @id, whatever its tenant or tombstone: ids are global. */
static TdApiResponse *
check_id_free (TdApiCall           *call,
               const TdResourceDef *def,
               const char          *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", def->table);
  TdDbStep step;

  stmt = td_db_prepare (call->db, sql, &error);
  if (stmt == NULL)
    return td_api_internal_error ("Checking an id failed", error);
  td_db_stmt_bind_text (stmt, 1, id);
  step = td_db_stmt_step (stmt, &error);
  if (step == TD_DB_STEP_ERROR)
    return td_api_internal_error ("Checking an id failed", error);
  if (step == TD_DB_STEP_ROW)
    return td_resource_conflict ("An object with this id exists already");
  return NULL;
}

static TdApiResponse *
collection_forbidden (const char *verb,
                      const TdResourceDef *def)
{
  g_autofree char *message = g_strdup_printf ("You may not %s %s", verb, def->collection);

  return td_api_response_new_error (403, "forbidden", message, NULL);
}

TdApiResponse *
td_resource_create (TdApiCall *call)
{
  const TdResourceDef *def = call->route_data;
  TdUser *user = call->identity->user;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_auto(TdIdempotency) idempotency = { NULL, NULL };
  g_autofree char *id = NULL;
  g_autofree char *inserted = NULL;
  g_autofree char *location = NULL;
  TdApiResponse *response = NULL;
  TdResourceWrite write = { 0 };
  JsonNode *id_node;
  const char *key = call->request->idempotency_key;

  if (!td_resource_allows (call, def, def->perm_create, NULL))
    return collection_forbidden ("create", def);

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;

  /* DOMAIN.md §4: ids may be generated by the client (offline creation). */
  id_node = json_object_get_member (body, "id");
  if (id_node != NULL && !JSON_NODE_HOLDS_NULL (id_node))
    {
      if (!is_string (id_node) || !td_uuid_is_valid (json_node_get_string (id_node)))
        return td_resource_invalid ("id", "id must be a UUID");
      id = g_ascii_strdown (json_node_get_string (id_node), -1);
    }
  else
    id = td_uuid_new ();

  if (key != NULL)
    {
      gsize length = 0;
      const char *data = g_bytes_get_data (call->request->body, &length);

      if (key[0] == '\0' || strlen (key) > IDEMPOTENCY_KEY_MAX)
        return td_api_response_new_error (400, "invalid_parameter",
                                          "Idempotency-Key must be 1 to 255 characters",
                                          "Idempotency-Key");
      idempotency.key_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
      idempotency.request_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                              (const guchar *) (data ? data : ""),
                                                              length);
    }

  changes = td_resource_take_changes (call, def, body, TRUE, &response);
  if (changes == NULL)
    return response;

  /* Who created the object and whose company it belongs to are facts, not input. */
  if (def->created_by_column != NULL)
    json_object_set_string_member (changes, def->created_by_column, user->id);
  if (td_resource_is_customer (call) && def->customer_scope == TD_CUSTOMER_COLUMN)
    json_object_set_string_member (changes, "customer_id", user->customer_id);

  if ((response = begin (call, &transaction)) != NULL)
    return response;

  if (key != NULL)
    {
      gboolean replayed;

      response = idempotency_replay (call, &idempotency, &replayed);
      if (response != NULL || replayed)
        return response;
    }

  if ((response = td_resource_check_references (call, def, changes, NULL)) != NULL ||
      (response = check_id_free (call, def, id)) != NULL)
    return response;

  if (td_permission_reach (user->role, def->perm_create) == TD_REACH_DEPARTMENT &&
      !td_resource_allows (call, def, def->perm_create, changes))
    return collection_forbidden ("create outside your departments:", def);

  write.call = call;
  write.def = def;
  write.id = id;
  write.current = NULL;
  write.changes = changes;
  if (def->before_create != NULL && (response = def->before_create (&write)) != NULL)
    return response;

  json_object_set_string_member (changes, "id", id);
  inserted = td_resource_insert (call->db, def, user->org_id, changes, &error);
  if (inserted == NULL)
    {
      if (g_error_matches (error, TD_STORE_ERROR, TD_STORE_ERROR_CONSTRAINT))
        return td_resource_conflict ("The object conflicts with another object");
      return td_api_internal_error ("Creating an object failed", error);
    }

  if (def->after_write != NULL && (response = def->after_write (&write)) != NULL)
    return response;

  /* An object the caller could not see afterwards is one they may not create. */
  row = td_resource_read (call->db, call, def, user->org_id, id, &error);
  if (row == NULL && error != NULL)
    return td_api_internal_error ("Reading a created object failed", error);
  if (row == NULL)
    return td_api_response_new_error (403, "forbidden",
                                      "You may not create an object outside your scope", NULL);

  response = td_resource_response_object (call, def, 201, row);
  location = g_strdup_printf (TD_API_BASE_PATH "/%s/%s", def->collection, id);
  td_api_response_set_header (response, "Location", location);

  if (key != NULL && !idempotency_store (call, &idempotency, response, &error))
    {
      td_api_response_free (response);
      return td_api_internal_error ("Storing an idempotency key failed", error);
    }

  return commit (g_steal_pointer (&transaction), response);
}

TdApiResponse *
td_resource_update (TdApiCall *call)
{
  const TdResourceDef *def = call->route_data;
  const char *id = g_hash_table_lookup (call->params, "id");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) visible = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  TdApiResponse *response = NULL;
  gint64 expected;

  if (!parse_if_match (call, &expected))
    return precondition_required ();

  body = td_api_call_parse_object (call, &response);
  if (body == NULL)
    return response;

  changes = td_resource_take_changes (call, def, body, FALSE, &response);
  if (changes == NULL)
    return response;

  if ((response = begin (call, &transaction)) != NULL)
    return response;

  current = td_resource_load (call, def, id, &response);
  if (current == NULL)
    return response;
  if (!td_resource_allows (call, def, def->perm_edit, current))
    return td_resource_forbidden ();
  if (td_json_get_int (current, "version", 0) != expected)
    return td_resource_version_mismatch (call, def, current);

  if ((response = td_resource_check_references (call, def, changes, current)) != NULL)
    return response;

  updated = td_resource_write (call, def, id, changes, expected, &response);
  if (updated == NULL)
    return response;

  visible = td_resource_read (call->db, call, def, call->identity->user->org_id, id, &error);
  if (visible == NULL && error != NULL)
    return td_api_internal_error ("Reading a written object failed", error);
  if (visible == NULL || !td_resource_allows (call, def, def->perm_edit, visible))
    return td_api_response_new_error (403, "forbidden",
                                      "You may not move the object out of your scope", NULL);

  return commit (g_steal_pointer (&transaction),
                 td_resource_response_object (call, def, 200, visible));
}

TdApiResponse *
td_resource_delete (TdApiCall *call)
{
  const TdResourceDef *def = call->route_data;
  const char *id = g_hash_table_lookup (call->params, "id");
  const char *org_id = call->identity->user->org_id;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *now = td_time_now ();
  TdApiResponse *response = NULL;
  TdResourceWrite write = { 0 };
  gint64 expected;

  if (!parse_if_match (call, &expected))
    return precondition_required ();

  if ((response = begin (call, &transaction)) != NULL)
    return response;

  current = td_resource_load (call, def, id, &response);
  if (current == NULL)
    return response;
  if (!td_resource_allows (call, def, def->perm_delete, current))
    return td_resource_forbidden ();
  if (td_json_get_int (current, "version", 0) != expected)
    return td_resource_version_mismatch (call, def, current);

  write.call = call;
  write.def = def;
  write.id = id;
  write.current = current;
  write.changes = changes;
  if (def->before_delete != NULL && (response = def->before_delete (&write)) != NULL)
    return response;

  sql = g_strdup_printf ("UPDATE %s SET deleted = 1, version = version + 1, updated_at = ? "
                         "WHERE id = ? AND org_id = ? AND deleted = 0 AND version = ?",
                         def->table);
  stmt = td_db_prepare (call->db, sql, &error);
  if (stmt == NULL)
    return td_api_internal_error ("Deleting an object failed", error);
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, id);
  td_db_stmt_bind_text (stmt, 3, org_id);
  td_db_stmt_bind_int64 (stmt, 4, expected);
  if (!td_db_stmt_run (stmt, &error))
    return td_api_internal_error ("Deleting an object failed", error);
  if (td_db_changes (call->db) != 1)
    return td_resource_version_mismatch (call, def, current);

  if (td_changes_record (call->db, org_id, def->type, id, "delete", &error) == 0)
    return td_api_internal_error ("Recording a change failed", error);

  /* after_write sees the deletion as the change {"deleted": true}. */
  json_object_set_boolean_member (changes, "deleted", TRUE);
  if (def->after_write != NULL && (response = def->after_write (&write)) != NULL)
    return response;

  return commit (g_steal_pointer (&transaction), td_api_response_new (204));
}
