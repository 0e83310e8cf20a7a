/* td-cache-counts.c: the numbers the shell shows as badges, kept current from the cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-cache"

#include "config.h"

#include "td-cache-counts.h"

#include "td-cache-private.h"
#include "td-outbox.h"

struct _TdCacheCounts
{
  GObject  parent_instance;

  TdCache *cache;
  guint    unread_notifications;
  guint    pending_changes;
  guint    failed_changes;
  guint    conflicts;
};

G_DEFINE_FINAL_TYPE (TdCacheCounts, td_cache_counts, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UNREAD_NOTIFICATIONS,
  PROP_PENDING_CHANGES,
  PROP_FAILED_CHANGES,
  PROP_CONFLICTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_count (TdCacheCounts *self,
           guint         *field,
           guint          value,
           guint          prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static guint
count_unread (TdCacheCounts *self)
{
  sqlite3_stmt *stmt;
  guint count = 0;

  stmt = td_cache_statement (self->cache,
                             "SELECT count(*) FROM notifications WHERE unread = 1", NULL);
  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

static void
update_outbox (TdCacheCounts *self)
{
  gboolean open = td_cache_is_open (self->cache);

  g_object_freeze_notify (G_OBJECT (self));
  set_count (self, &self->pending_changes,
             open ? td_outbox_count (self->cache, TD_OUTBOX_STATE_PENDING) : 0,
             PROP_PENDING_CHANGES);
  set_count (self, &self->failed_changes,
             open ? td_outbox_count (self->cache, TD_OUTBOX_STATE_FAILED) : 0,
             PROP_FAILED_CHANGES);
  set_count (self, &self->conflicts,
             open ? td_outbox_count (self->cache, TD_OUTBOX_STATE_CONFLICT) : 0,
             PROP_CONFLICTS);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
update_unread (TdCacheCounts *self)
{
  set_count (self, &self->unread_notifications,
             td_cache_is_open (self->cache) ? count_unread (self) : 0,
             PROP_UNREAD_NOTIFICATIONS);
}

static void
outbox_changed_cb (TdCacheCounts *self)
{
  update_outbox (self);
  /* A wipe empties everything at once. */
  if (!td_cache_is_open (self->cache))
    update_unread (self);
}

static void
notifications_changed_cb (TdCacheCounts *self)
{
  update_unread (self);
}

static void
td_cache_counts_dispose (GObject *object)
{
  TdCacheCounts *self = TD_CACHE_COUNTS (object);

  g_clear_object (&self->cache);

  G_OBJECT_CLASS (td_cache_counts_parent_class)->dispose (object);
}

static void
td_cache_counts_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TdCacheCounts *self = TD_CACHE_COUNTS (object);

  switch (prop_id)
    {
    case PROP_UNREAD_NOTIFICATIONS:
      g_value_set_uint (value, self->unread_notifications);
      break;
    case PROP_PENDING_CHANGES:
      g_value_set_uint (value, self->pending_changes);
      break;
    case PROP_FAILED_CHANGES:
      g_value_set_uint (value, self->failed_changes);
      break;
    case PROP_CONFLICTS:
      g_value_set_uint (value, self->conflicts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_cache_counts_class_init (TdCacheCountsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_cache_counts_dispose;
  object_class->get_property = td_cache_counts_get_property;

  properties[PROP_UNREAD_NOTIFICATIONS] =
    g_param_spec_uint ("unread-notifications", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING_CHANGES] =
    g_param_spec_uint ("pending-changes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILED_CHANGES] =
    g_param_spec_uint ("failed-changes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFLICTS] =
    g_param_spec_uint ("conflicts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_cache_counts_init (TdCacheCounts *self)
{
}

TdCacheCounts *
td_cache_counts_new (TdCache *cache)
{
  TdCacheCounts *self;

  g_return_val_if_fail (TD_IS_CACHE (cache), NULL);

  self = g_object_new (TD_TYPE_CACHE_COUNTS, NULL);
  self->cache = g_object_ref (cache);
  g_signal_connect_object (cache, "outbox-changed", G_CALLBACK (outbox_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (cache, "changed::notification",
                           G_CALLBACK (notifications_changed_cb), self, G_CONNECT_SWAPPED);
  self->pending_changes = td_outbox_count (cache, TD_OUTBOX_STATE_PENDING);
  self->failed_changes = td_outbox_count (cache, TD_OUTBOX_STATE_FAILED);
  self->conflicts = td_outbox_count (cache, TD_OUTBOX_STATE_CONFLICT);
  self->unread_notifications = count_unread (self);
  return self;
}

guint
td_cache_counts_get_unread_notifications (TdCacheCounts *self)
{
  g_return_val_if_fail (TD_IS_CACHE_COUNTS (self), 0);
  return self->unread_notifications;
}

guint
td_cache_counts_get_pending_changes (TdCacheCounts *self)
{
  g_return_val_if_fail (TD_IS_CACHE_COUNTS (self), 0);
  return self->pending_changes;
}

guint
td_cache_counts_get_failed_changes (TdCacheCounts *self)
{
  g_return_val_if_fail (TD_IS_CACHE_COUNTS (self), 0);
  return self->failed_changes;
}

guint
td_cache_counts_get_conflicts (TdCacheCounts *self)
{
  g_return_val_if_fail (TD_IS_CACHE_COUNTS (self), 0);
  return self->conflicts;
}
