/* td-api-attachments.c: files attached to ticket messages
 *
 * An upload is the raw file as the request body, its type in Content-Type (one of the
 * allowed types) and its name in ?file_name=. The bytes go to
 * <data directory>/attachments/<org id>/<attachment id> — never a name the client chose —
 * where the data directory is $TD_DATA_DIR or the database's directory; the database keeps
 * the metadata and the SHA-256. A new attachment belongs to no message and only its
 * uploader sees it; POST /tickets/{id}/messages {"attachment_ids"} makes it part of the
 * ticket's thread, and from then on whoever sees the ticket may download it.
 *
 * An attachment is at most 10 MiB. The upload route is flagged TD_ROUTE_UPLOAD, so the HTTP
 * layer (when the headers arrive) and td_api_dispatch() let its body grow to
 * TD_API_MAX_UPLOAD_BYTES instead of the API's 1 MiB; the handler checks the size again
 * itself, so the type's limit holds whatever the transport allows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api-cases"

#include "config.h"

#include "td-api-cases-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "td-json.h"
#include "td-random.h"
#include "td-time.h"

#define ATTACHMENT_MAX_BYTES   TD_API_MAX_UPLOAD_BYTES
#define FILE_NAME_MAX          255

G_STATIC_ASSERT (ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024);

/* Static strings: a response's content_type must outlive it. */
static const char * const allowed_types[] = {
  "image/png", "image/jpeg", "application/pdf", "text/plain", "video/mp4", NULL
};
static const char * const owner_types[] = { "ticket_message", "video_session", NULL };

static const TdFieldDef attachment_fields[] = {
  { "owner_type",   TD_FIELD_ENUM, 0, 0, owner_types, NULL, 0, 0 },
  { "owner_id",     TD_FIELD_TEXT, TD_FIELD_NULLABLE, 36, NULL, NULL, 0, 0 },
  { "file_name",    TD_FIELD_TEXT, 0, FILE_NAME_MAX, NULL, NULL, 0, 0 },
  { "content_type", TD_FIELD_ENUM, 0, 0, allowed_types, NULL, 0, 0 },
  { "size",         TD_FIELD_INT,  0, 0, NULL, NULL, 0, ATTACHMENT_MAX_BYTES },
  { "sha256",       TD_FIELD_TEXT, 0, 64, NULL, NULL, 0, 0 },
  { "path",         TD_FIELD_TEXT, TD_FIELD_HIDDEN, 1024, NULL, NULL, 0, 0 },
  { "created_by",   TD_FIELD_REF,  TD_FIELD_NULLABLE, 0, NULL, &td_resource_employees, 0, 0 },
};

/* Internal: reached only through the routes below, which apply the owner's scope. */
const TdResourceDef td_cases_attachments = {
  .collection = "attachments", .table = "attachments", .type = "attachment",
  .perm_view = TD_PERM_CASES_VIEW, .perm_create = TD_PERM_CASES_CREATE,
  .perm_edit = TD_PERM_CASES_EDIT, .perm_delete = TD_PERM_CASES_DELETE,
  .isolate_by = TD_ISOLATE_NONE, .customer_scope = TD_CUSTOMER_NONE,
  .fields = attachment_fields, .n_fields = G_N_ELEMENTS (attachment_fields),
  .default_sort = "created_at",
};

static const char *
static_type (const char *content_type)
{
  g_autofree char *bare = NULL;
  char *semicolon;

  if (content_type == NULL)
    return NULL;
  bare = g_ascii_strdown (content_type, -1);
  if ((semicolon = strchr (bare, ';')) != NULL)
    *semicolon = '\0';
  g_strstrip (bare);
  for (guint i = 0; allowed_types[i] != NULL; i++)
    if (g_str_equal (allowed_types[i], bare))
      return allowed_types[i];
  return NULL;
}

/* $TD_DATA_DIR, or the directory of the main database file. */
static char *
data_dir (TdDb    *db,
          GError **error)
{
  const char *env = g_getenv ("TD_DATA_DIR");
  g_autoptr(TdDbStmt) stmt = NULL;
  const char *file;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  stmt = td_db_prepare (db, "SELECT file FROM pragma_database_list WHERE name = 'main'", error);
  if (stmt == NULL || td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return NULL;
  file = td_db_stmt_get_text (stmt, 0);
  if (file == NULL || *file == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "An in-memory database has no data directory: set TD_DATA_DIR");
      return NULL;
    }
  return g_path_get_dirname (file);
}

static JsonObject *
describe (JsonObject *row)
{
  static const char * const members[] = {
    "id", "owner_type", "owner_id", "file_name", "content_type", "size", "sha256", "created_by",
    "version", "created_at", "updated_at",
  };
  JsonObject *object = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (row, members[i]);

      json_object_set_member (object, members[i],
                              node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL));
    }
  return object;
}

/* POST /attachments?file_name=NAME with the file as the body. */
TdApiResponse *
td_api_attachments_upload (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *base = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *inserted = NULL;
  const char *file_name = g_hash_table_lookup (call->request->query, "file_name");
  const char *type = static_type (call->request->content_type);
  const guint8 *data;
  gsize length = 0;

  if (!td_resource_allows (call, &td_resource_tickets, TD_PERM_CASES_CREATE, NULL))
    return td_resource_forbidden ();
  if (type == NULL)
    return td_api_response_new_error (415, "unsupported_media_type",
                                      "Allowed types: image/png, image/jpeg, application/pdf, "
                                      "text/plain, video/mp4", "Content-Type");
  if (file_name == NULL || *file_name == '\0' || !g_utf8_validate (file_name, -1, NULL) ||
      g_utf8_strlen (file_name, -1) > FILE_NAME_MAX || strchr (file_name, '/') != NULL ||
      strchr (file_name, '\\') != NULL)
    return td_api_response_new_error (400, "invalid_parameter",
                                      "file_name must be 1 to 255 characters without slashes",
                                      "file_name");

  data = g_bytes_get_data (call->request->body, &length);
  if (length == 0)
    return td_api_response_new_error (400, "invalid_field", "The file is empty", "body");
  if (length > ATTACHMENT_MAX_BYTES)
    return td_api_response_new_error (413, "payload_too_large", "Attachments are at most 10 MiB",
                                      NULL);

  base = data_dir (call->db, &error);
  if (base == NULL)
    return td_api_internal_error ("Finding the data directory failed", error);
  directory = g_build_filename (base, "attachments", td_cases_org_id (call), NULL);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", directory,
                   g_strerror (errno));
      return td_api_internal_error ("Creating the attachment directory failed", error);
    }
  path = g_build_filename (directory, id, NULL);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);

  transaction = td_db_transaction_begin (call->db, &error);
  if (transaction == NULL)
    return td_cases_commit_error (error);

  values = json_object_new ();
  json_object_set_string_member (values, "id", id);
  json_object_set_string_member (values, "owner_type", "ticket_message");
  json_object_set_null_member (values, "owner_id");
  json_object_set_string_member (values, "file_name", file_name);
  json_object_set_string_member (values, "content_type", type);
  json_object_set_int_member (values, "size", (gint64) length);
  json_object_set_string_member (values, "sha256", sha256);
  json_object_set_string_member (values, "path", path);
  json_object_set_string_member (values, "created_by", td_cases_user_id (call));
  inserted = td_resource_insert (call->db, &td_cases_attachments, td_cases_org_id (call), values,
                                 &error);
  if (inserted == NULL)
    return td_cases_commit_error (error);

  /* The file first, the row's commit second: a crash in between leaves an orphan file,
   * never a row without its bytes. */
  if (!g_file_set_contents_full (path, (const char *) data, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    return td_api_internal_error ("Writing an attachment failed", error);
  if (!td_db_transaction_commit (transaction, &error))
    {
      g_unlink (path);
      return td_cases_commit_error (error);
    }

  json_object_remove_member (values, "path");
  {
    g_autofree char *now = td_time_now ();

    json_object_set_int_member (values, "version", 1);
    json_object_set_string_member (values, "created_at", now);
    json_object_set_string_member (values, "updated_at", now);
  }
  node = json_node_init_object (json_node_alloc (), describe (values));
  return td_api_response_new_json (201, node);
}

/* The attachment @id if the caller may see it: their own unattached upload, or one whose
 * message belongs to a ticket in their scope. */
static JsonObject *
load_attachment (TdApiCall      *call,
                 const char     *id,
                 TdApiResponse **out_error)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonObject) row = NULL;
  TdDbStep step;

  stmt = td_db_prepare (call->db, "SELECT a.id, a.owner_type, a.owner_id, a.file_name,"
                                  " a.content_type, a.size, a.sha256, a.created_by, a.version,"
                                  " a.created_at, a.updated_at, a.path, m.ticket_id"
                                  " FROM attachments a LEFT JOIN ticket_messages m"
                                  " ON a.owner_type = 'ticket_message' AND m.id = a.owner_id"
                                  " AND m.deleted = 0"
                                  " WHERE a.id = ? AND a.org_id = ? AND a.deleted = 0", &error);
  if (stmt == NULL)
    {
      *out_error = td_api_internal_error ("Reading an attachment failed", error);
      return NULL;
    }
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, td_cases_org_id (call));
  step = td_db_stmt_step (stmt, &error);
  if (step == TD_DB_STEP_ERROR)
    {
      *out_error = td_api_internal_error ("Reading an attachment failed", error);
      return NULL;
    }
  if (step != TD_DB_STEP_ROW)
    {
      *out_error = td_resource_not_found ();
      return NULL;
    }

  row = json_object_new ();
  json_object_set_string_member (row, "id", td_db_stmt_get_text (stmt, 0));
  json_object_set_string_member (row, "owner_type", td_db_stmt_get_text (stmt, 1));
  if (td_db_stmt_is_null (stmt, 2))
    json_object_set_null_member (row, "owner_id");
  else
    json_object_set_string_member (row, "owner_id", td_db_stmt_get_text (stmt, 2));
  json_object_set_string_member (row, "file_name", td_db_stmt_get_text (stmt, 3));
  json_object_set_string_member (row, "content_type", td_db_stmt_get_text (stmt, 4));
  json_object_set_int_member (row, "size", td_db_stmt_get_int64 (stmt, 5));
  json_object_set_string_member (row, "sha256", td_db_stmt_get_text (stmt, 6));
  if (td_db_stmt_is_null (stmt, 7))
    json_object_set_null_member (row, "created_by");
  else
    json_object_set_string_member (row, "created_by", td_db_stmt_get_text (stmt, 7));
  json_object_set_int_member (row, "version", td_db_stmt_get_int64 (stmt, 8));
  json_object_set_string_member (row, "created_at", td_db_stmt_get_text (stmt, 9));
  json_object_set_string_member (row, "updated_at", td_db_stmt_get_text (stmt, 10));
  json_object_set_string_member (row, "path", td_db_stmt_get_text (stmt, 11));

  if (td_db_stmt_is_null (stmt, 2))
    {
      if (g_strcmp0 (td_json_get_string (row, "created_by"), td_cases_user_id (call)) != 0)
        {
          *out_error = td_resource_not_found ();
          return NULL;
        }
    }
  else
    {
      g_autoptr(JsonObject) ticket = NULL;

      if (td_db_stmt_is_null (stmt, 12))
        {
          *out_error = td_resource_not_found ();
          return NULL;
        }
      ticket = td_resource_load (call, &td_resource_tickets, td_db_stmt_get_text (stmt, 12),
                                 out_error);
      if (ticket == NULL)
        return NULL;
    }

  return g_steal_pointer (&row);
}

/* GET /attachments/{id}: the metadata. */
TdApiResponse *
td_api_attachments_get (TdApiCall *call)
{
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonNode) node = NULL;
  TdApiResponse *response = NULL;

  row = load_attachment (call, td_cases_route_param (call, "id"), &response);
  if (row == NULL)
    return response;
  node = json_node_init_object (json_node_alloc (), describe (row));
  return td_api_response_new_json (200, node);
}

/* GET /attachments/{id}/content: the bytes, with their type. */
TdApiResponse *
td_api_attachments_content (TdApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *disposition = NULL;
  g_autofree char *escaped = NULL;
  TdApiResponse *response = NULL;
  gsize length = 0;

  row = load_attachment (call, td_cases_route_param (call, "id"), &response);
  if (row == NULL)
    return response;

  if (!g_file_get_contents (td_json_get_string (row, "path"), &contents, &length, &error))
    return td_api_internal_error ("Reading an attachment's file failed", error);

  response = td_api_response_new (200);
  response->body = g_bytes_new_take (g_steal_pointer (&contents), length);
  response->content_type = static_type (td_json_get_string (row, "content_type"));
  if (response->content_type == NULL)
    response->content_type = "application/octet-stream";
  /* Always a download, never rendered in the API's origin. */
  escaped = g_uri_escape_string (td_json_get_string (row, "file_name"), NULL, FALSE);
  disposition = g_strdup_printf ("attachment; filename*=UTF-8''%s", escaped);
  td_api_response_set_header (response, "Content-Disposition", disposition);
  td_api_response_set_header (response, "X-Content-Type-Options", "nosniff");
  return response;
}
