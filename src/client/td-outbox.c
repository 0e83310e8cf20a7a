/* td-outbox.c: local edits waiting to be sent to the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-outbox"

#include "config.h"

#include "td-outbox.h"

#include <string.h>

#include "td-cache-private.h"
#include "td-merge.h"
#include "td-random.h"

/* A server message longer than this is not a sentence meant for a person. */
#define MAX_ERROR_MESSAGE 500

#define ENTRY_COLUMNS "id, type, object_id, op, base_version, base_object, changes," \
                      " idempotency_key, state, error_message, theirs, conflicts, attempts," \
                      " created_at"

static const char * const op_names[] = { "create", "update", "delete" };
static const char * const state_names[] = { "pending", "failed", "conflict" };

G_DEFINE_BOXED_TYPE (TdOutboxEntry, td_outbox_entry, td_outbox_entry_copy, td_outbox_entry_free)

TdOutboxEntry *
td_outbox_entry_copy (const TdOutboxEntry *entry)
{
  TdOutboxEntry *copy = g_new0 (TdOutboxEntry, 1);

  *copy = *entry;
  copy->type = g_strdup (entry->type);
  copy->object_id = g_strdup (entry->object_id);
  copy->base_object = entry->base_object ? json_object_ref (entry->base_object) : NULL;
  copy->changes = entry->changes ? json_object_ref (entry->changes) : NULL;
  copy->idempotency_key = g_strdup (entry->idempotency_key);
  copy->error_message = g_strdup (entry->error_message);
  copy->theirs = entry->theirs ? json_object_ref (entry->theirs) : NULL;
  copy->conflicts = entry->conflicts ? json_array_ref (entry->conflicts) : NULL;
  return copy;
}

void
td_outbox_entry_free (TdOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->type);
  g_free (entry->object_id);
  g_clear_pointer (&entry->base_object, json_object_unref);
  g_clear_pointer (&entry->changes, json_object_unref);
  g_free (entry->idempotency_key);
  g_free (entry->error_message);
  g_clear_pointer (&entry->theirs, json_object_unref);
  g_clear_pointer (&entry->conflicts, json_array_unref);
  g_free (entry);
}

const char *
td_outbox_op_to_string (TdOutboxOp op)
{
  g_return_val_if_fail (op <= TD_OUTBOX_OP_DELETE, NULL);
  return op_names[op];
}

static guint
name_index (const char * const *names,
            guint               n,
            const char         *name)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (names[i], name) == 0)
      return i;
  return 0;
}

static JsonObject *
object_from_text (const char *text)
{
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

static JsonArray *
array_from_text (const char *text)
{
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_array_ref (json_node_get_array (node));
}

static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = NULL;

  if (object == NULL)
    return NULL;
  node = json_node_init_object (json_node_alloc (), object);
  return json_to_string (node, FALSE);
}

static char *
array_to_text (JsonArray *array)
{
  g_autoptr(JsonNode) node = NULL;

  if (array == NULL)
    return NULL;
  node = json_node_init_array (json_node_alloc (), array);
  return json_to_string (node, FALSE);
}

static TdOutboxEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  TdOutboxEntry *entry = g_new0 (TdOutboxEntry, 1);

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->type = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  entry->object_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  entry->op = name_index (op_names, G_N_ELEMENTS (op_names),
                          (const char *) sqlite3_column_text (stmt, 3));
  entry->base_version = sqlite3_column_int64 (stmt, 4);
  entry->base_object = object_from_text ((const char *) sqlite3_column_text (stmt, 5));
  entry->changes = object_from_text ((const char *) sqlite3_column_text (stmt, 6));
  if (entry->changes == NULL)
    entry->changes = json_object_new ();
  entry->idempotency_key = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  entry->state = name_index (state_names, G_N_ELEMENTS (state_names),
                             (const char *) sqlite3_column_text (stmt, 8));
  entry->error_message = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  entry->theirs = object_from_text ((const char *) sqlite3_column_text (stmt, 10));
  entry->conflicts = array_from_text ((const char *) sqlite3_column_text (stmt, 11));
  entry->attempts = sqlite3_column_int (stmt, 12);
  entry->created_at = sqlite3_column_int64 (stmt, 13);
  return entry;
}

static GPtrArray *
query_entries (TdCache     *cache,
               const char  *sql,
               const char  *text1,
               const char  *text2,
               gint64       number,
               GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  sqlite3_stmt *stmt = td_cache_statement (cache, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (text1 != NULL)
    sqlite3_bind_text (stmt, 1, text1, -1, SQLITE_TRANSIENT);
  if (text2 != NULL)
    sqlite3_bind_text (stmt, 2, text2, -1, SQLITE_TRANSIENT);
  if (number != 0)
    sqlite3_bind_int64 (stmt, 1, number);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) td_outbox_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      td_cache_set_sqlite_error (error, td_cache_get_db (cache, NULL), "Cannot read the outbox");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static TdOutboxEntry *
take_first (GPtrArray *entries)
{
  if (entries == NULL || entries->len == 0)
    return NULL;
  return g_ptr_array_steal_index (entries, 0);
}

/* The newest entry of an object, or NULL (error unset) when it has none. */
static TdOutboxEntry *
last_entry_of (TdCache     *cache,
               const char  *type,
               const char  *object_id,
               GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;

  entries = query_entries (cache, "SELECT " ENTRY_COLUMNS " FROM outbox WHERE type = ?1"
                                  " AND object_id = ?2 ORDER BY id DESC LIMIT 1",
                           type, object_id, 0, error);
  return take_first (entries);
}

TdOutboxEntry *
td_outbox_get (TdCache     *cache,
               gint64       entry_id,
               GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  TdOutboxEntry *entry;

  g_return_val_if_fail (TD_IS_CACHE (cache), NULL);

  entries = query_entries (cache, "SELECT " ENTRY_COLUMNS " FROM outbox WHERE id = ?1",
                           NULL, NULL, entry_id, error);
  if (entries == NULL)
    return NULL;
  entry = take_first (entries);
  if (entry == NULL)
    g_set_error (error, TD_CACHE_ERROR, TD_CACHE_ERROR_NOT_FOUND,
                 "No outbox entry %" G_GINT64_FORMAT, entry_id);
  return entry;
}

GPtrArray *
td_outbox_list (TdCache  *cache,
                int       state,
                GError  **error)
{
  g_return_val_if_fail (TD_IS_CACHE (cache), NULL);

  if (state < 0)
    return query_entries (cache, "SELECT " ENTRY_COLUMNS " FROM outbox ORDER BY id",
                          NULL, NULL, 0, error);
  g_return_val_if_fail (state <= TD_OUTBOX_STATE_CONFLICT, NULL);
  return query_entries (cache, "SELECT " ENTRY_COLUMNS " FROM outbox WHERE state = ?1"
                               " ORDER BY id", state_names[state], NULL, 0, error);
}

guint
td_outbox_count (TdCache       *cache,
                 TdOutboxState  state)
{
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (TD_IS_CACHE (cache), 0);
  g_return_val_if_fail (state <= TD_OUTBOX_STATE_CONFLICT, 0);

  stmt = td_cache_statement (cache, "SELECT count(*) FROM outbox WHERE state = ?", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, state_names[state], -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

TdOutboxEntry *
td_outbox_next_pending (TdCache  *cache,
                        GError  **error)
{
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (TD_IS_CACHE (cache), NULL);

  /* Entries of one object go in order: a later one waits while an earlier one is failed
   * or in conflict. */
  entries = query_entries (cache,
                           "SELECT " ENTRY_COLUMNS " FROM outbox o WHERE state = 'pending'"
                           " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.type = o.type"
                           " AND p.object_id = o.object_id AND p.id < o.id)"
                           " ORDER BY id LIMIT 1", NULL, NULL, 0, error);
  return take_first (entries);
}

/* Writing entries */

static gboolean
step_done (TdCache      *cache,
           sqlite3_stmt *stmt,
           const char   *what,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      td_cache_set_sqlite_error (error, td_cache_get_db (cache, NULL), what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_entry (TdCache      *cache,
              const char   *type,
              const char   *object_id,
              TdOutboxOp    op,
              gint64        base_version,
              JsonObject   *base_object,
              JsonObject   *changes,
              GError      **error)
{
  g_autofree char *key = NULL;
  g_autofree char *base_text = object_to_text (base_object);
  g_autofree char *changes_text = object_to_text (changes);
  sqlite3_stmt *stmt;

  /* Made once, here, and stored: every retry (also after a restart) sends the same key, so
   * the server can recognise a create it already did. */
  key = td_token_new ();
  stmt = td_cache_statement (cache, "INSERT INTO outbox (type, object_id, op, base_version,"
                                    " base_object, changes, idempotency_key, created_at)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, object_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, op_names[op], -1, SQLITE_STATIC);
  if (base_version > 0)
    sqlite3_bind_int64 (stmt, 4, base_version);
  sqlite3_bind_text (stmt, 5, base_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, changes_text != NULL ? changes_text : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, g_get_real_time ());
  return step_done (cache, stmt, "Cannot add to the outbox", error);
}

/* Writes back everything but id, type, object_id, key and created_at. */
static gboolean
write_entry (TdCache        *cache,
             TdOutboxEntry  *entry,
             GError        **error)
{
  g_autofree char *base_text = object_to_text (entry->base_object);
  g_autofree char *changes_text = object_to_text (entry->changes);
  g_autofree char *theirs_text = object_to_text (entry->theirs);
  g_autofree char *conflicts_text = array_to_text (entry->conflicts);
  sqlite3_stmt *stmt;

  stmt = td_cache_statement (cache, "UPDATE outbox SET op = ?, base_version = ?,"
                                    " base_object = ?, changes = ?, state = ?,"
                                    " error_message = ?, theirs = ?, conflicts = ?,"
                                    " attempts = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, op_names[entry->op], -1, SQLITE_STATIC);
  if (entry->base_version > 0)
    sqlite3_bind_int64 (stmt, 2, entry->base_version);
  sqlite3_bind_text (stmt, 3, base_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, changes_text != NULL ? changes_text : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, state_names[entry->state], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, entry->error_message, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, theirs_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, conflicts_text, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, entry->attempts);
  sqlite3_bind_int64 (stmt, 10, entry->id);
  return step_done (cache, stmt, "Cannot update the outbox", error);
}

static gboolean
delete_entry (TdCache  *cache,
              gint64    entry_id,
              GError  **error)
{
  sqlite3_stmt *stmt = td_cache_statement (cache, "DELETE FROM outbox WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry_id);
  return step_done (cache, stmt, "Cannot remove from the outbox", error);
}

static void
merge_members (JsonObject *into,
               JsonObject *from)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init (&iter, from);
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (into, member, json_node_copy (value));
}

/* Not yet sent and not refused: a new edit of the object may fold into it. */
static gboolean
is_collapsible (TdOutboxEntry *entry)
{
  return entry != NULL && entry->attempts == 0 && entry->state == TD_OUTBOX_STATE_PENDING;
}

static gboolean
finish (TdCache  *cache,
        gboolean  ok,
        GError  **error)
{
  if (!ok)
    {
      td_cache_rollback (cache);
      return FALSE;
    }
  if (!td_cache_commit (cache, error))
    return FALSE;
  td_cache_flush_changed (cache, TRUE);
  return TRUE;
}

static gboolean
check_type (const char  *type,
            GError     **error)
{
  if (type == NULL || *type == '\0' || strlen (type) > 64)
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID, "Invalid type");
      return FALSE;
    }
  return TRUE;
}

char *
td_outbox_enqueue_create (TdCache     *cache,
                          const char  *type,
                          JsonObject  *object,
                          GError     **error)
{
  g_autoptr(JsonObject) local = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *id = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), NULL);
  g_return_val_if_fail (object != NULL, NULL);

  if (!check_type (type, error))
    return NULL;
  id = g_strdup (json_object_get_string_member_with_default (object, "id", NULL));
  if (id == NULL)
    id = td_uuid_new ();

  local = td_cache_copy_members (object);
  json_object_set_string_member (local, "id", id);
  /* The body sent to the server: the server assigns id, version and timestamps. */
  body = td_cache_copy_members (object);
  if (json_object_has_member (body, "id"))
    json_object_remove_member (body, "id");

  if (!td_cache_begin (cache, error))
    return NULL;
  ok = td_cache_store_object (cache, type, local, error) &&
       insert_entry (cache, type, id, TD_OUTBOX_OP_CREATE, 0, NULL, body, error);
  if (!finish (cache, ok, error))
    return NULL;
  return g_steal_pointer (&id);
}

/* Opens the transaction of an edit of an object the cache has, with the object and its newest
 * outbox entry (NULL if none). */
static gboolean
begin_edit (TdCache        *cache,
            const char     *type,
            const char     *id,
            JsonObject    **current,
            TdOutboxEntry **last,
            GError        **error)
{
  GError *local_error = NULL;

  if (!check_type (type, error) || !td_cache_begin (cache, error))
    return FALSE;
  *current = td_cache_get_object (cache, type, id, error);
  if (*current == NULL)
    return finish (cache, FALSE, error);
  *last = last_entry_of (cache, type, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return finish (cache, FALSE, error);
    }
  return TRUE;
}

/* A new entry. Queued behind one in flight, failed or in conflict, its base is what that
 * entry leaves on the server: unknown until it completes (td_outbox_complete() rebases). */
static gboolean
queue_entry (TdCache        *cache,
             const char     *type,
             const char     *id,
             TdOutboxOp      op,
             JsonObject     *current,
             TdOutboxEntry  *last,
             JsonObject     *changes,
             GError        **error)
{
  gint64 base_version = last != NULL ? 0
                        : json_object_get_int_member_with_default (current, "version", 0);

  return insert_entry (cache, type, id, op, base_version, last != NULL ? NULL : current,
                       changes, error);
}

gboolean
td_outbox_enqueue_update (TdCache     *cache,
                          const char  *type,
                          const char  *id,
                          JsonObject  *changes,
                          GError     **error)
{
  static const char * const managed[] = { "id", "version", "created_at", "updated_at", NULL };
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) clean = NULL;
  g_autoptr(TdOutboxEntry) last = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (id != NULL && changes != NULL, FALSE);

  if (!begin_edit (cache, type, id, &current, &last, error))
    return FALSE;

  /* The server manages these; an edit never carries them. */
  clean = td_cache_copy_members (changes);
  for (guint i = 0; managed[i] != NULL; i++)
    if (json_object_has_member (clean, managed[i]))
      json_object_remove_member (clean, managed[i]);

  updated = td_cache_copy_members (current);
  merge_members (updated, clean);
  ok = td_cache_store_object (cache, type, updated, error);

  if (ok && is_collapsible (last) && last->op != TD_OUTBOX_OP_DELETE)
    {
      /* create+update → create with the merged body; update+update → one update, first base */
      merge_members (last->changes, clean);
      ok = write_entry (cache, last, error);
    }
  else if (ok)
    ok = queue_entry (cache, type, id, TD_OUTBOX_OP_UPDATE, current, last, clean, error);
  return finish (cache, ok, error);
}

gboolean
td_outbox_enqueue_delete (TdCache     *cache,
                          const char  *type,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(TdOutboxEntry) last = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!begin_edit (cache, type, id, &current, &last, error))
    return FALSE;

  ok = td_cache_remove_object (cache, type, id, error);
  if (ok && is_collapsible (last) && last->op == TD_OUTBOX_OP_CREATE)
    {
      /* create+delete → nothing to tell the server */
      ok = delete_entry (cache, last->id, error);
    }
  else if (ok && is_collapsible (last) && last->op == TD_OUTBOX_OP_UPDATE)
    {
      /* update+delete → delete, from the update's base */
      last->op = TD_OUTBOX_OP_DELETE;
      g_clear_pointer (&last->changes, json_object_unref);
      last->changes = json_object_new ();
      ok = write_entry (cache, last, error);
    }
  else if (ok)
    ok = queue_entry (cache, type, id, TD_OUTBOX_OP_DELETE, current, last, NULL, error);
  return finish (cache, ok, error);
}

/* The sync engine's side */

gboolean
td_outbox_begin_attempt (TdCache  *cache,
                         gint64    entry_id,
                         GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);

  stmt = td_cache_statement (cache, "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry_id);
  return step_done (cache, stmt, "Cannot update the outbox", error);
}

static gboolean
rebase_followers (TdCache     *cache,
                  const char  *type,
                  const char  *object_id,
                  JsonObject  *server_object,
                  GError     **error)
{
  g_autofree char *text = object_to_text (server_object);
  sqlite3_stmt *stmt;

  stmt = td_cache_statement (cache, "UPDATE outbox SET base_version = ?, base_object = ?"
                                    " WHERE type = ? AND object_id = ? AND base_version IS NULL"
                                    " AND op != 'create'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, json_object_get_int_member_with_default (server_object,
                                                                         "version", 0));
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, object_id, -1, SQLITE_STATIC);
  return step_done (cache, stmt, "Cannot update the outbox", error);
}

static gboolean
rename_object (TdCache     *cache,
               const char  *type,
               const char  *old_id,
               const char  *new_id,
               GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = td_cache_statement (cache, "UPDATE outbox SET object_id = ? WHERE type = ?"
                                    " AND object_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, new_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, old_id, -1, SQLITE_STATIC);
  return step_done (cache, stmt, "Cannot update the outbox", error) &&
         td_cache_remove_object (cache, type, old_id, error);
}

gboolean
td_outbox_complete (TdCache     *cache,
                    gint64       entry_id,
                    JsonObject  *server_object,
                    GError     **error)
{
  g_autoptr(TdOutboxEntry) entry = NULL;
  const char *server_id = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);

  if (!td_cache_begin (cache, error))
    return FALSE;
  entry = td_outbox_get (cache, entry_id, error);
  ok = entry != NULL && delete_entry (cache, entry_id, error);

  if (ok && server_object != NULL)
    {
      server_id = json_object_get_string_member_with_default (server_object, "id", NULL);
      if (server_id == NULL)
        {
          g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                               "The server's object has no id");
          ok = FALSE;
        }
      /* The server gave the created object another id than the local one. */
      else if (strcmp (server_id, entry->object_id) != 0)
        ok = rename_object (cache, entry->type, entry->object_id, server_id, error);
      ok = ok &&
           rebase_followers (cache, entry->type, server_id, server_object, error) &&
           td_cache_store_synced_object (cache, entry->type, server_object, error);
    }
  return finish (cache, ok, error);
}

gboolean
td_outbox_fail (TdCache     *cache,
                gint64       entry_id,
                const char  *message,
                GError     **error)
{
  g_autoptr(TdOutboxEntry) entry = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);

  if (!td_cache_begin (cache, error))
    return FALSE;
  entry = td_outbox_get (cache, entry_id, error);
  ok = entry != NULL;
  if (ok)
    {
      entry->state = TD_OUTBOX_STATE_FAILED;
      g_free (entry->error_message);
      entry->error_message = NULL;
      if (message != NULL && g_utf8_validate (message, -1, NULL))
        /* g_utf8_substring() reads past the end when asked for more than there is. */
        entry->error_message = g_utf8_substring (message, 0,
                                                 MIN (g_utf8_strlen (message, -1),
                                                      MAX_ERROR_MESSAGE));
      ok = write_entry (cache, entry, error);
    }
  return finish (cache, ok, error);
}

/* base with the entry's changes: what I want the object to be */
static JsonObject *
entry_mine (TdOutboxEntry *entry)
{
  JsonObject *mine = entry->base_object != NULL ? td_cache_copy_members (entry->base_object)
                                                : json_object_new ();

  merge_members (mine, entry->changes);
  return mine;
}

static void
rebase_entry (TdOutboxEntry *entry,
              JsonObject    *theirs,
              JsonObject    *changes)
{
  g_clear_pointer (&entry->base_object, json_object_unref);
  entry->base_object = json_object_ref (theirs);
  entry->base_version = json_object_get_int_member_with_default (theirs, "version", 0);
  if (changes != NULL)
    {
      g_clear_pointer (&entry->changes, json_object_unref);
      entry->changes = json_object_ref (changes);
    }
  g_clear_pointer (&entry->theirs, json_object_unref);
  g_clear_pointer (&entry->conflicts, json_array_unref);
  g_clear_pointer (&entry->error_message, g_free);
  entry->state = TD_OUTBOX_STATE_PENDING;
}

/* Stores the entry (or drops it when nothing is left to send) and the cache row: theirs
 * with what is still in the outbox on top. */
static gboolean
save_and_show (TdCache        *cache,
               TdOutboxEntry  *entry,
               JsonObject     *theirs,
               gboolean        drop,
               GError        **error)
{
  if (drop ? !delete_entry (cache, entry->id, error) : !write_entry (cache, entry, error))
    return FALSE;
  if (!json_object_has_member (theirs, "id"))
    json_object_set_string_member (theirs, "id", entry->object_id);
  return td_cache_store_synced_object (cache, entry->type, theirs, error);
}

gboolean
td_outbox_precondition_failed (TdCache       *cache,
                               gint64         entry_id,
                               JsonObject    *theirs,
                               TdOutboxState *state,
                               GError       **error)
{
  g_autoptr(TdOutboxEntry) entry = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (theirs != NULL, FALSE);

  if (!td_cache_begin (cache, error))
    return FALSE;
  entry = td_outbox_get (cache, entry_id, error);
  ok = entry != NULL;
  if (ok && entry->op == TD_OUTBOX_OP_CREATE)
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                           "A create has no version to conflict with");
      ok = FALSE;
    }
  else if (ok && entry->op == TD_OUTBOX_OP_DELETE)
    {
      /* They changed what I deleted: the user decides (keep mine deletes it anyway). */
      entry->state = TD_OUTBOX_STATE_CONFLICT;
      g_clear_pointer (&entry->theirs, json_object_unref);
      entry->theirs = json_object_ref (theirs);
      g_clear_pointer (&entry->conflicts, json_array_unref);
      entry->conflicts = json_array_new ();
      ok = save_and_show (cache, entry, theirs, FALSE, error);
    }
  else if (ok)
    {
      g_autoptr(JsonObject) mine = entry_mine (entry);
      g_autoptr(JsonObject) merged = NULL;
      g_autoptr(JsonArray) conflicts = NULL;

      merged = td_merge_three_way (entry->base_object, mine, theirs, &conflicts);
      if (json_array_get_length (conflicts) == 0)
        {
          g_autoptr(JsonObject) diff = td_merge_diff (theirs, merged);

          rebase_entry (entry, theirs, diff);
          ok = save_and_show (cache, entry, theirs, json_object_get_size (diff) == 0, error);
        }
      else
        {
          /* Never dropped: my changes stay as they are (and stay visible) until resolved. */
          entry->state = TD_OUTBOX_STATE_CONFLICT;
          g_clear_pointer (&entry->theirs, json_object_unref);
          entry->theirs = json_object_ref (theirs);
          g_clear_pointer (&entry->conflicts, json_array_unref);
          entry->conflicts = g_steal_pointer (&conflicts);
          ok = save_and_show (cache, entry, theirs, FALSE, error);
        }
    }
  if (ok && state != NULL)
    *state = entry->state;
  return finish (cache, ok, error);
}

gboolean
td_outbox_resolve (TdCache             *cache,
                   gint64               entry_id,
                   TdOutboxResolution   resolution,
                   GError             **error)
{
  g_autoptr(TdOutboxEntry) entry = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);

  if (!td_cache_begin (cache, error))
    return FALSE;
  entry = td_outbox_get (cache, entry_id, error);
  ok = entry != NULL;
  if (ok && (entry->state != TD_OUTBOX_STATE_CONFLICT || entry->theirs == NULL))
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                           "The outbox entry is not in conflict");
      ok = FALSE;
    }
  if (!ok)
    return finish (cache, FALSE, error);

  theirs = json_object_ref (entry->theirs);
  if (entry->op == TD_OUTBOX_OP_DELETE)
    {
      gboolean drop = resolution == TD_OUTBOX_KEEP_THEIRS;

      rebase_entry (entry, theirs, NULL);
      ok = save_and_show (cache, entry, theirs, drop, error);
    }
  else
    {
      g_autoptr(JsonObject) mine = entry_mine (entry);
      g_autoptr(JsonObject) merged = NULL;
      g_autoptr(JsonObject) diff = NULL;
      g_autoptr(JsonArray) conflicts = NULL;

      merged = td_merge_three_way (entry->base_object, mine, theirs, &conflicts);
      if (resolution == TD_OUTBOX_KEEP_MINE)
        for (guint i = 0; i < json_array_get_length (conflicts); i++)
          {
            JsonObject *conflict = json_array_get_object_element (conflicts, i);
            const char *field = json_object_get_string_member (conflict, "field");
            JsonNode *value = json_object_get_member (mine, field);

            if (value != NULL)
              json_object_set_member (merged, field, json_node_copy (value));
            else if (json_object_has_member (merged, field))
              json_object_remove_member (merged, field);
          }
      diff = td_merge_diff (theirs, merged);
      rebase_entry (entry, theirs, diff);
      ok = save_and_show (cache, entry, theirs, json_object_get_size (diff) == 0, error);
    }
  return finish (cache, ok, error);
}

gboolean
td_outbox_retry (TdCache  *cache,
                 gint64    entry_id,
                 GError  **error)
{
  g_autoptr(TdOutboxEntry) entry = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);

  if (!td_cache_begin (cache, error))
    return FALSE;
  entry = td_outbox_get (cache, entry_id, error);
  ok = entry != NULL;
  if (ok && entry->state == TD_OUTBOX_STATE_FAILED)
    {
      entry->state = TD_OUTBOX_STATE_PENDING;
      g_clear_pointer (&entry->error_message, g_free);
      ok = write_entry (cache, entry, error);
    }
  return finish (cache, ok, error);
}

gboolean
td_outbox_discard (TdCache  *cache,
                   gint64    entry_id,
                   GError  **error)
{
  g_autoptr(TdOutboxEntry) entry = NULL;
  gboolean ok;

  g_return_val_if_fail (TD_IS_CACHE (cache), FALSE);

  if (!td_cache_begin (cache, error))
    return FALSE;
  entry = td_outbox_get (cache, entry_id, error);
  ok = entry != NULL && delete_entry (cache, entry_id, error);
  if (ok)
    {
      /* Back to what the server had, with any other queued edit on top. */
      JsonObject *server = entry->theirs != NULL ? entry->theirs : entry->base_object;

      if (entry->op == TD_OUTBOX_OP_CREATE || server == NULL)
        ok = td_cache_remove_object (cache, entry->type, entry->object_id, error);
      else
        ok = rebase_followers (cache, entry->type, entry->object_id, server, error) &&
             td_cache_store_synced_object (cache, entry->type, server, error);
    }
  return finish (cache, ok, error);
}
