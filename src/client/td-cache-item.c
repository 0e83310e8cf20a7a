/* td-cache-item.c: one cached object as a list item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-cache"

#include "config.h"

#include "td-cache-item.h"

struct _TdCacheItem
{
  GObject     parent_instance;

  char       *type;
  char       *id;
  gint64      version;
  char       *title;
  char       *status;
  char       *updated_at;
  char       *json;
  JsonObject *object;   /* parsed lazily */
};

G_DEFINE_FINAL_TYPE (TdCacheItem, td_cache_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OBJECT_TYPE,
  PROP_ID,
  PROP_VERSION,
  PROP_TITLE,
  PROP_STATUS,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
td_cache_item_finalize (GObject *object)
{
  TdCacheItem *self = TD_CACHE_ITEM (object);

  g_free (self->type);
  g_free (self->id);
  g_free (self->title);
  g_free (self->status);
  g_free (self->updated_at);
  g_free (self->json);
  g_clear_pointer (&self->object, json_object_unref);

  G_OBJECT_CLASS (td_cache_item_parent_class)->finalize (object);
}

static void
td_cache_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TdCacheItem *self = TD_CACHE_ITEM (object);

  switch (prop_id)
    {
    case PROP_OBJECT_TYPE:
      g_value_set_string (value, self->type);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_UPDATED_AT:
      g_value_set_string (value, self->updated_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_cache_item_class_init (TdCacheItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = td_cache_item_finalize;
  object_class->get_property = td_cache_item_get_property;

  /* Read-only: an item is a snapshot; a changed row becomes a new item (items-changed). */
  properties[PROP_OBJECT_TYPE] =
    g_param_spec_string ("object-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPDATED_AT] =
    g_param_spec_string ("updated-at", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_cache_item_init (TdCacheItem *self)
{
}

TdCacheItem *
td_cache_item_new (const char *type,
                   const char *id,
                   gint64      version,
                   const char *title,
                   const char *status,
                   const char *updated_at,
                   const char *json)
{
  TdCacheItem *self = g_object_new (TD_TYPE_CACHE_ITEM, NULL);

  self->type = g_strdup (type);
  self->id = g_strdup (id);
  self->version = version;
  self->title = g_strdup (title);
  self->status = g_strdup (status);
  self->updated_at = g_strdup (updated_at);
  self->json = g_strdup (json);
  return self;
}

const char *
td_cache_item_get_object_type (TdCacheItem *self)
{
  g_return_val_if_fail (TD_IS_CACHE_ITEM (self), NULL);
  return self->type;
}

const char *
td_cache_item_get_id (TdCacheItem *self)
{
  g_return_val_if_fail (TD_IS_CACHE_ITEM (self), NULL);
  return self->id;
}

gint64
td_cache_item_get_version (TdCacheItem *self)
{
  g_return_val_if_fail (TD_IS_CACHE_ITEM (self), 0);
  return self->version;
}

const char *
td_cache_item_get_title (TdCacheItem *self)
{
  g_return_val_if_fail (TD_IS_CACHE_ITEM (self), NULL);
  return self->title;
}

const char *
td_cache_item_get_status (TdCacheItem *self)
{
  g_return_val_if_fail (TD_IS_CACHE_ITEM (self), NULL);
  return self->status;
}

const char *
td_cache_item_get_updated_at (TdCacheItem *self)
{
  g_return_val_if_fail (TD_IS_CACHE_ITEM (self), NULL);
  return self->updated_at;
}

const char *
td_cache_item_get_json (TdCacheItem *self)
{
  g_return_val_if_fail (TD_IS_CACHE_ITEM (self), NULL);
  return self->json;
}

JsonObject *
td_cache_item_get_object (TdCacheItem *self)
{
  g_return_val_if_fail (TD_IS_CACHE_ITEM (self), NULL);

  if (self->object == NULL && self->json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (self->json, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        self->object = json_object_ref (json_node_get_object (node));
    }
  if (self->object == NULL)
    self->object = json_object_new ();
  return self->object;
}
