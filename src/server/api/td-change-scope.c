/* td-change-scope.c: scope snapshots of change rows (see td-change-scope.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-changes"

#include "config.h"

#include "td-change-scope.h"

#include "td-json.h"
#include "td-resource-private.h"

typedef struct
{
  GHashTable *by_type;  /* type → GPtrArray of const TdResourceDef *, NULL-terminated */
} TypeIndex;

static gpointer
build_type_index (gpointer data)
{
  TypeIndex *index = g_new0 (TypeIndex, 1);
  gsize n;
  const TdResourceDef * const *defs = td_resource_all (&n);

  index->by_type = g_hash_table_new (g_str_hash, g_str_equal);
  for (gsize i = 0; i < n; i++)
    {
      GPtrArray *list = g_hash_table_lookup (index->by_type, defs[i]->type);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_ptr_array_add (list, NULL);
          g_hash_table_insert (index->by_type, (gpointer) defs[i]->type, list);
        }
      /* Keep the NULL terminator last. */
      list->pdata[list->len - 1] = (gpointer) defs[i];
      g_ptr_array_add (list, NULL);
    }
  return index;
}

const TdResourceDef * const *
td_change_scope_defs_for_type (const char *type)
{
  static GOnce once = G_ONCE_INIT;
  TypeIndex *index = g_once (&once, build_type_index, NULL);
  GPtrArray *list;

  if (type == NULL)
    return NULL;
  list = g_hash_table_lookup (index->by_type, type);
  return list != NULL ? (const TdResourceDef * const *) list->pdata : NULL;
}

/* What the snapshot must hold for every definition of the type: the union of their needs. */
typedef struct
{
  gboolean customer_column;
  gboolean customer_self;
  gboolean customer_device;
  gboolean departments_own;
  gboolean departments_device;
  const char *only_column;
  const char *owner_column;
} SnapshotNeeds;

static void
collect_needs (const TdResourceDef * const *defs,
               SnapshotNeeds               *needs)
{
  for (guint i = 0; defs[i] != NULL; i++)
    {
      const TdResourceDef *def = defs[i];

      needs->customer_column |= def->customer_scope == TD_CUSTOMER_COLUMN;
      needs->customer_self |= def->customer_scope == TD_CUSTOMER_SELF;
      needs->customer_device |= def->customer_scope == TD_CUSTOMER_VIA_DEVICE;
      needs->departments_own |= def->isolate_by == TD_ISOLATE_OWN;
      needs->departments_device |= def->isolate_by == TD_ISOLATE_VIA_DEVICE;
      if (def->customer_only_column != NULL)
        needs->only_column = def->customer_only_column;
      if (def->owner_column != NULL)
        needs->owner_column = def->owner_column;
    }
}

/* The organization is not a collection of the engine, but its isolation mode is part of
 * every employee's scope: its snapshot is {"i": mode}. */
static char *
organization_snapshot (TdDb        *db,
                       const char  *id,
                       GError     **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT isolation, deleted FROM organizations"
                                                " WHERE id = ?", error);
  g_autoptr(JsonObject) snapshot = NULL;

  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return NULL;

  snapshot = json_object_new ();
  json_object_set_int_member (snapshot, "x", td_db_stmt_get_int64 (stmt, 1));
  json_object_set_string_member (snapshot, "i", td_db_stmt_get_text (stmt, 0));
  return td_json_object_to_string (snapshot);
}

char *
td_change_scope_snapshot (TdDb        *db,
                          const char  *type,
                          const char  *id,
                          GError     **error)
{
  const TdResourceDef * const *defs;
  SnapshotNeeds needs = { 0 };
  g_autoptr(GString) sql = g_string_new ("SELECT t.deleted");
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autoptr(JsonObject) snapshot = NULL;
  gboolean employee;
  guint column = 1;

  g_return_val_if_fail (db != NULL && type != NULL && id != NULL, NULL);

  if (g_str_equal (type, "organization"))
    return organization_snapshot (db, id, error);

  defs = td_change_scope_defs_for_type (type);
  if (defs == NULL)
    return NULL;
  collect_needs (defs, &needs);
  employee = g_str_equal (defs[0]->table, "employees");

  /* Column order below must match the reads that follow. */
  if (needs.customer_column)
    g_string_append (sql, ", t.customer_id");
  if (needs.customer_device || needs.departments_device)
    g_string_append (sql, ", d.customer_id, d.departments");
  if (needs.departments_own)
    g_string_append (sql, ", t.departments");
  if (needs.only_column != NULL)
    g_string_append_printf (sql, ", t.\"%s\"", needs.only_column);
  if (needs.owner_column != NULL)
    g_string_append_printf (sql, ", t.\"%s\"", needs.owner_column);
  if (employee)
    g_string_append (sql, ", t.role");
  g_string_append_printf (sql, " FROM %s t", defs[0]->table);
  if (needs.customer_device || needs.departments_device)
    g_string_append (sql, " LEFT JOIN devices d ON d.id = t.device_id");
  g_string_append (sql, " WHERE t.id = ?");

  stmt = td_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return NULL;

  snapshot = json_object_new ();
  json_object_set_int_member (snapshot, "x", td_db_stmt_get_int64 (stmt, 0));

#define SET_TEXT(member, col) \
  G_STMT_START { \
    if (td_db_stmt_is_null (stmt, (col))) \
      json_object_set_null_member (snapshot, (member)); \
    else \
      json_object_set_string_member (snapshot, (member), td_db_stmt_get_text (stmt, (col))); \
  } G_STMT_END
#define SET_JSON(member, col) \
  G_STMT_START { \
    JsonNode *node_ = td_db_stmt_is_null (stmt, (col)) ? NULL \
                      : json_from_string (td_db_stmt_get_text (stmt, (col)), NULL); \
    json_object_set_member (snapshot, (member), node_ != NULL ? node_ \
                            : json_node_init_array (json_node_alloc (), json_array_new ())); \
  } G_STMT_END

  if (needs.customer_column)
    {
      SET_TEXT ("c", column);
      column++;
    }
  if (needs.customer_device || needs.departments_device)
    {
      /* A collection reads the customer either from its own column or via its device. */
      if (needs.customer_device)
        SET_TEXT ("c", column);
      if (needs.departments_device)
        SET_JSON ("d", column + 1);
      column += 2;
    }
  if (needs.departments_own)
    {
      SET_JSON ("d", column);
      column++;
    }
  if (needs.only_column != NULL)
    {
      SET_TEXT ("o", column);
      column++;
    }
  if (needs.owner_column != NULL)
    {
      SET_TEXT ("u", column);
      column++;
    }
  if (employee)
    {
      SET_TEXT ("r", column);
      column++;
    }
  if (needs.customer_self)
    json_object_set_string_member (snapshot, "s", id);

#undef SET_TEXT
#undef SET_JSON

  return td_json_object_to_string (snapshot);
}

static char **
snapshot_departments (JsonObject *snapshot)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (snapshot, "d");

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }
  return g_strv_builder_end (builder);
}

gboolean
td_change_scope_visible (TdApiCall           *call,
                         const TdResourceDef *def,
                         JsonObject          *snapshot)
{
  TdUser *user;

  g_return_val_if_fail (call != NULL && call->identity != NULL && def != NULL, FALSE);

  if (snapshot == NULL || td_json_get_int (snapshot, "x", 1) != 0)
    return FALSE;

  user = call->identity->user;
  if (td_permission_reach (user->role, def->perm_view) == TD_REACH_NONE)
    return FALSE;
  if (def->owner_column != NULL && g_strcmp0 (td_json_get_string (snapshot, "u"), user->id) != 0)
    return FALSE;

  if (td_resource_is_customer (call))
    {
      switch (def->customer_scope)
        {
        case TD_CUSTOMER_COLUMN:
        case TD_CUSTOMER_VIA_DEVICE:
          if (g_strcmp0 (td_json_get_string (snapshot, "c"), user->customer_id) != 0)
            return FALSE;
          break;
        case TD_CUSTOMER_SELF:
          if (g_strcmp0 (td_json_get_string (snapshot, "s"), user->customer_id) != 0)
            return FALSE;
          break;
        case TD_CUSTOMER_ALL:
          break;
        case TD_CUSTOMER_NONE:
        default:
          return FALSE;
        }
      if (def->customer_only_column != NULL &&
          g_strcmp0 (td_json_get_string (snapshot, "o"), def->customer_only_value) != 0)
        return FALSE;
      return TRUE;
    }

  if (def->isolate_by == TD_ISOLATE_NONE)
    return TRUE;
  {
    g_auto(GStrv) departments = snapshot_departments (snapshot);

    return td_isolation_visible (call->isolation, (const char * const *) user->departments,
                                 (const char * const *) departments);
  }
}
