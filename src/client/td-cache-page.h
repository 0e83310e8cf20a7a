/* td-cache-page.h: what the change-feed page reader hands the cache that stores its changes
 *
 * The public TdCachePage calls are in td-cache.h (the sync engine reads pages on a worker
 * thread and applies them with td_cache_apply_page()); this is the reader's side of that
 * apply: pieces of a page's text, so that the cache writes its rows from the text as it
 * came, never from a JSON tree. Only td-cache.c and td-cache-page.c include it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-cache.h"

G_BEGIN_DECLS

typedef enum
{
  TD_CACHE_VALUE_NONE,     /* absent */
  TD_CACHE_VALUE_NULL,
  TD_CACHE_VALUE_TRUE,
  TD_CACHE_VALUE_FALSE,
  TD_CACHE_VALUE_INT,
  TD_CACHE_VALUE_DOUBLE,
  TD_CACHE_VALUE_STRING,
  TD_CACHE_VALUE_OBJECT,
  TD_CACHE_VALUE_ARRAY,
} TdCacheValueKind;

/* A value in the text: a string without its quotes, anything else as written. */
typedef struct
{
  const char       *text;
  gsize             length;
  TdCacheValueKind  kind;
  gboolean          escaped;    /* a string with backslash escapes to decode */
} TdCacheSpan;

typedef struct
{
  TdCacheSpan name;
  TdCacheSpan value;
} TdCacheMember;

/* One element of a page's changes; its spans are TD_CACHE_VALUE_NONE where it has no such
 * member (or is not an object at all), which the cache refuses when it applies it. */
typedef struct
{
  TdCacheSpan type;
  TdCacheSpan id;
  TdCacheSpan op;
  TdCacheSpan object;
  guint       first_member;     /* the object's members in TdCachePage.members */
  guint       n_members;
} TdCacheChange;

/* An array of changes made here from json-glib values (td_cache_apply_changes()), checked
 * and indexed like a page; NULL when it is not JSON (NaN, infinity, invalid UTF-8). */
TdCachePage         *td_cache_page_new_from_changes (GBytes              *changes);
const TdCacheChange *td_cache_page_get_change       (TdCachePage         *page,
                                                     guint                index);
/* The top-level members of @change's object (td_cache_page_get_change()'s n_members). */
const TdCacheMember *td_cache_page_get_members      (TdCachePage         *page,
                                                     const TdCacheChange *change);

/* The top-level members of an object written here as JSON (td_cache_store_object()), by
 * the same pass as a page's objects; NULL when @json is not one JSON object. The spans
 * point into @json. */
GArray              *td_cache_members_scan          (const char          *json,
                                                     gsize                length);
/* A member of an object: the last of that name, as json-glib keeps it. */
const TdCacheMember *td_cache_members_find          (const TdCacheMember *members,
                                                     guint                n_members,
                                                     const char          *name);

/* A string's text, escapes decoded (the reader checked them). */
char                *td_cache_span_decode           (const TdCacheSpan   *span);
gint64               td_cache_span_int              (const TdCacheSpan   *span);
double               td_cache_span_double           (const TdCacheSpan   *span);
/* What json_node_get_boolean() makes of a value. */
gboolean             td_cache_span_truthy           (const TdCacheSpan   *span);

G_END_DECLS
