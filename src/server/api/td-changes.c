/* td-changes.c: recording changes for the change feed
 *
 * Every write of a synced row calls td_changes_record() in its own transaction. Besides
 * the row itself (seq, type, id, op) it keeps the object's scope snapshot before and after
 * the write (td-change-scope.h), and it propagates what a write changes beyond its own row:
 *
 *  - a device whose customer or departments change moves its tickets, video sessions, tasks,
 *    task events and codes in or out of users' scopes: each gets a change row of its own;
 *  - an employee whose role, company or departments change, and an organization whose
 *    isolation mode changes, change what their users see as a whole: the user's (or the
 *    organization's) scope_seq is set, and cursors older than it get 410 (full resync).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-changes"

#include "config.h"

#include "td-changes.h"

#include "td-change-scope.h"
#include "td-resource-private.h"
#include "td-time.h"

static char *
previous_scope (TdDb        *db,
                const char  *type,
                const char  *id,
                GError     **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT scope_after FROM changes"
                                                " WHERE type = ? AND object_id = ?"
                                                " ORDER BY seq DESC LIMIT 1", error);

  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, type);
  td_db_stmt_bind_text (stmt, 2, id);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW || td_db_stmt_is_null (stmt, 0))
    return NULL;
  return td_db_stmt_dup_text (stmt, 0);
}

static gboolean
set_scope_seq (TdDb        *db,
               const char  *table,
               const char  *id,
               gint64       seq,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET scope_seq = ? WHERE id = ?", table);
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_int64 (stmt, 1, seq);
  td_db_stmt_bind_text (stmt, 2, id);
  return td_db_stmt_run (stmt, error);
}

/* Records a change for every live row that takes its scope from device @device_id. */
static gboolean
cascade_device (TdDb        *db,
                const char  *org_id,
                const char  *device_id,
                GError     **error)
{
  gsize n;
  const TdResourceDef * const *defs = td_resource_all (&n);
  g_autoptr(GPtrArray) tables = g_ptr_array_new ();

  for (gsize i = 0; i < n; i++)
    {
      const TdResourceDef *def = defs[i];
      g_autofree char *sql = NULL;
      g_autoptr(TdDbStmt) stmt = NULL;
      g_autoptr(GPtrArray) ids = NULL;
      TdDbStep step;

      if ((def->isolate_by != TD_ISOLATE_VIA_DEVICE &&
           def->customer_scope != TD_CUSTOMER_VIA_DEVICE) ||
          g_ptr_array_find_with_equal_func (tables, def->table, g_str_equal, NULL))
        continue;
      g_ptr_array_add (tables, (gpointer) def->table);

      sql = g_strdup_printf ("SELECT id FROM %s WHERE device_id = ? AND org_id = ?"
                             " AND deleted = 0", def->table);
      stmt = td_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;
      td_db_stmt_bind_text (stmt, 1, device_id);
      td_db_stmt_bind_text (stmt, 2, org_id);
      ids = g_ptr_array_new_with_free_func (g_free);
      while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
        g_ptr_array_add (ids, td_db_stmt_dup_text (stmt, 0));
      if (step == TD_DB_STEP_ERROR)
        return FALSE;
      g_clear_pointer (&stmt, td_db_stmt_free);

      for (guint k = 0; k < ids->len; k++)
        if (td_changes_record (db, org_id, def->type, ids->pdata[k], "upsert", error) == 0)
          return FALSE;
    }
  return TRUE;
}

gint64
td_changes_record (TdDb        *db,
                   const char  *org_id,
                   const char  *type,
                   const char  *id,
                   const char  *op,
                   GError     **error)
{
  g_autoptr(TdDbStmt) insert = NULL;
  g_autoptr(TdDbStmt) last = NULL;
  g_autofree char *now = td_time_now ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GError *local_error = NULL;
  gint64 seq;

  g_return_val_if_fail (g_strcmp0 (op, "upsert") == 0 || g_strcmp0 (op, "delete") == 0, 0);

  after = td_change_scope_snapshot (db, type, id, &local_error);
  if (local_error == NULL && after != NULL)
    before = previous_scope (db, type, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }

  insert = td_db_prepare (db, "INSERT INTO changes (org_id, type, object_id, op, changed_at,"
                              " scope_before, scope_after) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    return 0;
  td_db_stmt_bind_text (insert, 1, org_id);
  td_db_stmt_bind_text (insert, 2, type);
  td_db_stmt_bind_text (insert, 3, id);
  td_db_stmt_bind_text (insert, 4, op);
  td_db_stmt_bind_text (insert, 5, now);
  if (before != NULL)
    td_db_stmt_bind_text (insert, 6, before);
  else
    td_db_stmt_bind_null (insert, 6);
  if (after != NULL)
    td_db_stmt_bind_text (insert, 7, after);
  else
    td_db_stmt_bind_null (insert, 7);
  if (!td_db_stmt_run (insert, error))
    return 0;

  last = td_db_prepare (db, "SELECT last_insert_rowid()", error);
  if (last == NULL || td_db_stmt_step (last, error) != TD_DB_STEP_ROW)
    return 0;
  seq = td_db_stmt_get_int64 (last, 0);

  /* A creation changes nobody's existing view; only a changed scope propagates. */
  if (before == NULL || after == NULL || g_str_equal (before, after))
    return seq;

  if (g_str_equal (type, "device") && !cascade_device (db, org_id, id, error))
    return 0;
  if (g_str_equal (type, "employee") && !set_scope_seq (db, "employees", id, seq, error))
    return 0;
  if (g_str_equal (type, "organization") &&
      !set_scope_seq (db, "organizations", id, seq, error))
    return 0;
  return seq;
}

gboolean
td_changes_prune (TdDb        *db,
                  const char  *cutoff,
                  gint64      *out_min_since,
                  guint64     *out_pruned,
                  GError     **error)
{
  g_autoptr(TdDbStmt) watermark = NULL;
  g_autoptr(TdDbStmt) prune = NULL;
  g_autoptr(TdDbStmt) state = NULL;
  g_autoptr(TdDbStmt) read = NULL;
  gint64 w;

  /* Everything up to the last change older than the cutoff may go, except what an initial
   * sync (since=0) still needs: the newest row of every live object. Deletes and rows with
   * a newer row of the same object go. Cursors older than the watermark then get 410. */
  watermark = td_db_prepare (db, "SELECT coalesce(max(seq), 0) FROM changes WHERE changed_at < ?",
                             error);
  if (watermark == NULL)
    return FALSE;
  td_db_stmt_bind_text (watermark, 1, cutoff);
  if (td_db_stmt_step (watermark, error) != TD_DB_STEP_ROW)
    return FALSE;
  w = td_db_stmt_get_int64 (watermark, 0);

  if (out_pruned != NULL)
    *out_pruned = 0;
  if (w > 0)
    {
      prune = td_db_prepare (db, "DELETE FROM changes WHERE seq <= ?1 AND (op = 'delete' OR"
                                 " EXISTS (SELECT 1 FROM changes n WHERE n.type = changes.type"
                                 " AND n.object_id = changes.object_id AND n.seq > changes.seq))",
                             error);
      if (prune == NULL)
        return FALSE;
      td_db_stmt_bind_int64 (prune, 1, w);
      if (!td_db_stmt_run (prune, error))
        return FALSE;
      if (out_pruned != NULL)
        *out_pruned = td_db_changes (db);

      state = td_db_prepare (db, "UPDATE change_feed_state SET min_since = max(min_since, ?)",
                             error);
      if (state == NULL)
        return FALSE;
      td_db_stmt_bind_int64 (state, 1, w);
      if (!td_db_stmt_run (state, error))
        return FALSE;
    }

  read = td_db_prepare (db, "SELECT min_since FROM change_feed_state", error);
  if (read == NULL || td_db_stmt_step (read, error) != TD_DB_STEP_ROW)
    return FALSE;
  if (out_min_since != NULL)
    *out_min_since = td_db_stmt_get_int64 (read, 0);
  return TRUE;
}
