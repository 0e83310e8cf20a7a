/* td-cache-private.h: what the outbox and the list models share with the cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "td-cache.h"

G_BEGIN_DECLS

/* How a synced type is stored: a table with the common columns (rid, id, version,
 * created_at, updated_at, title, status, body, json), the extra indexed columns, an
 * external-content FTS5 table <table>_fts over title and body and, when it has labels, a
 * <table>_labels index. The generic table has a `type` column in addition. */
typedef struct
{
  const char         *type;      /* NULL for the generic table */
  const char         *table;
  const char * const *text_columns;  /* extra TEXT columns, filled from the member of that name */
  const char * const *int_columns;   /* extra INTEGER columns */
  const char * const *search;        /* members joined into `body` for full text */
  const char * const *sorts;         /* columns a list may sort on (each indexed) */
  gboolean            labels;        /* a `labels` id list, indexed for filters */
} TdCacheEntity;

const TdCacheEntity *td_cache_entity_lookup   (const char *type);
gboolean             td_cache_entity_has_column (const TdCacheEntity *entity,
                                                 const char          *column);
gboolean             td_cache_entity_can_sort (const TdCacheEntity *entity,
                                               const char          *column);

/* The schema: creates every table on a new database. */
gboolean             td_cache_schema_create   (sqlite3    *db,
                                               GError    **error);
/* Sort indexes and the FTS / labels triggers: dropped for a bulk load, then rebuilt. */
gboolean             td_cache_schema_create_derived (sqlite3    *db,
                                                     GError    **error);
gboolean             td_cache_schema_drop_derived   (sqlite3    *db,
                                                     GError    **error);
gboolean             td_cache_schema_rebuild_search (sqlite3    *db,
                                                     GError    **error);
#define TD_CACHE_SCHEMA_VERSION 1
void                 td_cache_schema_foreach_entity (void     (*func) (const TdCacheEntity *entity,
                                                                       gpointer             user_data),
                                                     gpointer   user_data);

sqlite3   *td_cache_get_db            (TdCache     *self,
                                       GError     **error);
gboolean   td_cache_exec              (TdCache     *self,
                                       const char  *sql,
                                       GError     **error);
gboolean   td_cache_begin             (TdCache     *self,
                                       GError     **error);
gboolean   td_cache_commit            (TdCache     *self,
                                       GError     **error);
void       td_cache_rollback          (TdCache     *self);
/* A prepared statement owned by the cache, reset and with bindings cleared. */
sqlite3_stmt *td_cache_statement      (TdCache     *self,
                                       const char  *sql,
                                       GError     **error);
void       td_cache_set_sqlite_error  (GError     **error,
                                       sqlite3     *db,
                                       const char  *what);

/* Writes / deletes the local row of an object, inside the caller's transaction, and
 * remembers the id for the "changed" emission at td_cache_flush_changed(). */
gboolean   td_cache_store_object      (TdCache     *self,
                                       const char  *type,
                                       JsonObject  *object,
                                       GError     **error);
/* A new object with the same members (values shared). */
JsonObject *td_cache_copy_members     (JsonObject  *object);
/* The same for an object from the server: the outbox's local edits of it stay on top, and
 * an object deleted locally stays deleted. */
gboolean   td_cache_store_synced_object (TdCache     *self,
                                         const char  *type,
                                         JsonObject  *object,
                                         GError     **error);
gboolean   td_cache_remove_object     (TdCache     *self,
                                       const char  *type,
                                       const char  *id,
                                       GError     **error);
void       td_cache_note_changed      (TdCache     *self,
                                       const char  *type,
                                       const char  *id);
/* After commit: emits "changed" for what was noted, and "outbox-changed" if asked. */
void       td_cache_flush_changed     (TdCache     *self,
                                       gboolean     outbox_changed);
void       td_cache_forget_changed    (TdCache     *self);

G_END_DECLS
