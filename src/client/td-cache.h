/* td-cache.h: the client's offline copy of what the server syncs to this user
 *
 * One SQLite database per server and user, under the XDG data directory; see
 * "Client cache and outbox" in HACKING.md for the layout and the rules. A TdCache, its
 * outbox and its models belong to one thread (the main thread): applying a page of 1000
 * changes takes a few tens of milliseconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TD_CACHE_ERROR (td_cache_error_quark ())

typedef enum
{
  TD_CACHE_ERROR_FAILED,        /* SQLite or file system failure */
  TD_CACHE_ERROR_CLOSED,        /* the cache was wiped */
  TD_CACHE_ERROR_WRONG_OWNER,   /* the file belongs to another server or user */
  TD_CACHE_ERROR_VERSION,       /* written by a newer client */
  TD_CACHE_ERROR_INVALID,       /* a change or argument that cannot be stored */
  TD_CACHE_ERROR_NOT_FOUND,     /* no such object or outbox entry */
} TdCacheError;

#define TD_TYPE_CACHE (td_cache_get_type ())

G_DECLARE_FINAL_TYPE (TdCache, td_cache, TD, CACHE, GObject)

GQuark      td_cache_error_quark     (void);

/* $XDG_DATA_HOME/twindesk/cache/<sha256 (server_url "\n" user_id)>.db */
char       *td_cache_build_path      (const char  *server_url,
                                      const char  *user_id);
TdCache    *td_cache_open            (const char  *server_url,
                                      const char  *user_id,
                                      GError     **error);
/* Opens (or creates) the cache at @path; it must belong to @server_url and @user_id. */
TdCache    *td_cache_open_path       (const char  *path,
                                      const char  *server_url,
                                      const char  *user_id,
                                      GError     **error);
const char *td_cache_get_path        (TdCache     *self);
const char *td_cache_get_server_url  (TdCache     *self);
const char *td_cache_get_user_id     (TdCache     *self);

/* Applies one page of the change feed ({"seq","type","id","op","object"} each) and stores
 * @next_since as the cursor, all in one transaction; then emits "changed::<type>" once per
 * type with the ids that changed. A change for an object with a local edit in the outbox
 * keeps the local edit on top. */
gboolean    td_cache_apply_changes   (TdCache     *self,
                                      JsonArray   *changes,
                                      gint64       next_since,
                                      GError     **error);

/* A page of GET /changes ({"changes":[…],"next_since","has_more","newest_seq"}) as text,
 * checked (strict JSON, UTF-8, nesting) and indexed in one pass without building a tree
 * (td-cache-page.c): td_cache_page_new() touches no database and may run on any thread;
 * the page is then applied on the cache's thread. Its objects' text goes into the cache
 * as it came. */
typedef struct _TdCachePage TdCachePage;

TdCachePage *td_cache_page_new            (GBytes       *body,
                                           GError      **error);
void         td_cache_page_free           (TdCachePage  *page);
gint64       td_cache_page_get_next_since (TdCachePage  *page);
gboolean     td_cache_page_get_has_more   (TdCachePage  *page);
/* 0 when the page does not say */
gint64       td_cache_page_get_newest_seq (TdCachePage  *page);
guint        td_cache_page_get_n_changes  (TdCachePage  *page);
/* Like td_cache_apply_changes() with the page's changes and next_since. */
gboolean     td_cache_apply_page          (TdCache      *self,
                                           TdCachePage  *page,
                                           GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdCachePage, td_cache_page_free)

gint64      td_cache_get_cursor      (TdCache     *self);
gboolean    td_cache_set_cursor      (TdCache     *self,
                                      gint64       cursor,
                                      GError     **error);
/* A full sync (first login, or after td_cache_reset_for_resync()) writes many rows: between
 * these two calls the sort indexes and the full-text / labels upkeep are off, and
 * td_cache_end_bulk() builds them once (and emits "changed" with NULL ids for every type).
 * Lists stay correct meanwhile, only slower, and search is empty. The pages applied
 * meanwhile commit without an fsync each (the file stays consistent; a power cut may lose
 * the last pages, cursor included, which the next sync fetches again); td_cache_end_bulk()
 * makes them durable. An interrupted bulk load is finished by the next td_cache_open(). */
gboolean    td_cache_begin_bulk      (TdCache     *self,
                                      GError     **error);
gboolean    td_cache_end_bulk        (TdCache     *self,
                                      GError     **error);
gboolean    td_cache_in_bulk         (TdCache     *self);
/* After 410 resync_required: forgets every synced object and the cursor, keeps the outbox. */
gboolean    td_cache_reset_for_resync (TdCache    *self,
                                       GError    **error);

/* The cached object (a new reference), or NULL with TD_CACHE_ERROR_NOT_FOUND. */
JsonObject *td_cache_get_object      (TdCache     *self,
                                      const char  *type,
                                      const char  *id,
                                      GError     **error);
guint       td_cache_count_objects   (TdCache     *self,
                                      const char  *type);

/* Logout: closes the database and deletes its files (with -wal and -shm). The object stays
 * valid but every later call fails with TD_CACHE_ERROR_CLOSED. */
gboolean    td_cache_wipe            (TdCache     *self,
                                      GError     **error);
gboolean    td_cache_is_open         (TdCache     *self);

/* Whether @type has its own table (with indexed columns); other types are kept in a generic
 * table and can still be listed by type. */
gboolean    td_cache_type_is_known   (const char  *type);

G_END_DECLS
