/* td-list-source.c
 *
 * The remote source reads GET /api/v1/<collection> in pages of PAGE_SIZE with the search
 * (`q`) and status filter applied by the server, up to MAX_REMOTE_ROWS rows, and appends
 * each page as it arrives so the first rows show at once. A new query cancels the reads of
 * the old one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-list-source"

#include "config.h"

#include "td-list-source.h"

#include "td-cache-item.h"
#include "td-json.h"
#include "td-list-model.h"

#define PAGE_SIZE        200
/* Past this the remote source stops reading; the cache has no such limit. */
#define MAX_REMOTE_ROWS  5000

struct _TdListSource
{
  GObject       parent_instance;

  TdAccount    *account;
  char         *collection;
  char         *cache_type;
  char         *search;
  char         *status;
  char         *label;

  GListModel   *model;
  GListModel   *labels;         /* the cache's labels, when the rows carry them */
  GListStore   *store;          /* the remote source's rows; NULL when the cache is used */
  GCancellable *cancellable;
  gboolean      loading;
  gboolean      truncated;
  char         *error;
};

G_DEFINE_FINAL_TYPE (TdListSource, td_list_source, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_ERROR,
  PROP_TRUNCATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fetch_page (TdListSource *self,
                        const char   *cursor);

static void set_loading (TdListSource *self,
                         gboolean      loading);

/* While the first (or a re-) sync fills the cache, the list says it is loading. */
static void
sync_state_cb (TdSync       *sync,
               GParamSpec   *pspec,
               TdListSource *self)
{
  set_loading (self, td_sync_get_state (sync) == TD_SYNC_INITIAL);
}

/* The sync engine's lists: a lazy model over the account's offline copy, when there is
 * one (otherwise the rows are read from the server, see fetch_page()). */
static GListModel *
open_cache_model (TdListSource *self)
{
  TdCache *cache = td_account_get_cache (self->account);
  TdSync *sync = td_account_get_sync (self->account);
  TdListModel *model;

  if (cache == NULL || self->cache_type == NULL || !td_cache_type_is_known (self->cache_type))
    return NULL;
  if (sync != NULL)
    {
      g_signal_connect_object (sync, "notify::state", G_CALLBACK (sync_state_cb), self, 0);
      self->loading = td_sync_get_state (sync) == TD_SYNC_INITIAL;
    }
  model = td_list_model_new (cache, self->cache_type);
  /* Removing a filter that is not set changes nothing; it fails only for a type without
   * the column, which is how the cache says whether these rows carry labels. */
  if (td_list_model_set_filter (model, "labels", NULL))
    self->labels = G_LIST_MODEL (td_list_model_new (cache, "label"));
  return G_LIST_MODEL (model);
}

static void
set_loading (TdListSource *self,
             gboolean      loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error (TdListSource *self,
           const char   *message)
{
  if (g_strcmp0 (self->error, message) == 0)
    return;

  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_truncated (TdListSource *self,
               gboolean      truncated)
{
  if (self->truncated == truncated)
    return;

  self->truncated = truncated;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRUNCATED]);
}

static const char *
first_string (JsonObject *object,
              const char *const *members)
{
  for (guint i = 0; members[i] != NULL; i++)
    {
      const char *value = td_json_get_string (object, members[i]);

      if (value != NULL && *value != '\0')
        return value;
    }

  return NULL;
}

char *
td_list_source_dup_title (JsonObject *object)
{
  static const char *const title_members[] = { "title", "name", "requester_name", "token", "email", NULL };

  /* Employees have no title; the cache uses first + last name, and so does this. */
  if (td_json_get_string (object, "first_name") != NULL)
    return g_strstrip (g_strdup_printf ("%s %s",
                                        td_json_get_string (object, "first_name"),
                                        td_json_get_string (object, "last_name") ?: ""));
  return g_strdup (first_string (object, title_members));
}

GObject *
td_list_source_item_from_json (const char *cache_type,
                               JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;
  g_autofree char *title = td_list_source_dup_title (object);

  json_node_set_object (node, object);
  json = td_json_to_string (node);

  return G_OBJECT (td_cache_item_new (cache_type,
                                      td_json_get_string (object, "id"),
                                      td_json_get_int (object, "version", 0),
                                      title,
                                      td_json_get_string (object, "status"),
                                      td_json_get_string (object, "updated_at"),
                                      json));
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  TdListSource *self = user_data;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;
  const char *cursor;

  page = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (page == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_error (self, error->message);
          set_loading (self, FALSE);
        }
      g_object_unref (self);
      return;
    }

  array = json_object_has_member (page, "items") ? json_object_get_array_member (page, "items") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          td_json_get_string (json_node_get_object (element), "id") != NULL)
        g_ptr_array_add (items, td_list_source_item_from_json (self->cache_type,
                                                               json_node_get_object (element)));
    }
  g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0,
                       items->pdata, items->len);

  cursor = td_json_get_string (page, "next_cursor");
  if (cursor != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->store)) < MAX_REMOTE_ROWS)
    fetch_page (self, cursor);
  else
    {
      set_truncated (self, cursor != NULL);
      set_loading (self, FALSE);
    }

  g_object_unref (self);
}

static void
fetch_page (TdListSource *self,
            const char   *cursor)
{
  TdApiClient *client = td_account_get_client (self->account);
  g_autoptr(GString) path = g_string_new ("/api/v1/");

  g_string_append_printf (path, "%s?limit=%d", self->collection, PAGE_SIZE);
  if (self->search != NULL && *self->search != '\0')
    {
      g_string_append (path, "&q=");
      g_string_append_uri_escaped (path, self->search, NULL, TRUE);
    }
  if (self->status != NULL && *self->status != '\0')
    {
      g_string_append (path, "&status=");
      g_string_append_uri_escaped (path, self->status, NULL, TRUE);
    }
  if (cursor != NULL)
    {
      g_string_append (path, "&cursor=");
      g_string_append_uri_escaped (path, cursor, NULL, TRUE);
    }

  td_api_client_call_async (client, "GET", path->str, NULL, self->cancellable, page_cb,
                        g_object_ref (self));
}

void
td_list_source_reload (TdListSource *self)
{
  g_return_if_fail (TD_IS_LIST_SOURCE (self));

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_list_store_remove_all (self->store);
  set_error (self, NULL);
  set_truncated (self, FALSE);

  if (self->account == NULL || td_account_get_client (self->account) == NULL ||
      td_account_get_state (self->account) != TD_ACCOUNT_SIGNED_IN)
    {
      set_loading (self, FALSE);
      return;
    }

  set_loading (self, TRUE);
  fetch_page (self, NULL);
}

void
td_list_source_set_query (TdListSource *self,
                          const char   *search,
                          const char   *status,
                          const char   *label)
{
  g_return_if_fail (TD_IS_LIST_SOURCE (self));

  if (search != NULL && *search == '\0')
    search = NULL;
  if (status != NULL && *status == '\0')
    status = NULL;
  /* Without the cache there are no labels to choose from (and not every list route
   * filters by label), so the server is never asked for one. */
  if (self->labels == NULL || (label != NULL && *label == '\0'))
    label = NULL;

  if (g_strcmp0 (search, self->search) == 0 && g_strcmp0 (status, self->status) == 0 &&
      g_strcmp0 (label, self->label) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (search);
  g_free (self->status);
  self->status = g_strdup (status);
  g_free (self->label);
  self->label = g_strdup (label);

  if (TD_IS_LIST_MODEL (self->model))
    {
      td_list_model_set_search (TD_LIST_MODEL (self->model), search);
      td_list_model_set_filter (TD_LIST_MODEL (self->model), "status", status);
      td_list_model_set_filter (TD_LIST_MODEL (self->model), "labels", label);
      return;
    }

  td_list_source_reload (self);
}

gboolean
td_list_source_is_cached (TdListSource *self)
{
  g_return_val_if_fail (TD_IS_LIST_SOURCE (self), FALSE);

  return TD_IS_LIST_MODEL (self->model);
}

gboolean
td_list_source_set_sort (TdListSource *self,
                         const char   *member,
                         gboolean      descending)
{
  g_return_val_if_fail (TD_IS_LIST_SOURCE (self), FALSE);

  if (!TD_IS_LIST_MODEL (self->model) || member == NULL)
    return FALSE;
  if (td_list_model_set_sort (TD_LIST_MODEL (self->model), member, descending))
    return TRUE;
  /* Names, e-mail addresses and the like are the cache's title column. */
  return td_list_model_set_sort (TD_LIST_MODEL (self->model), "title", descending);
}

GListModel *
td_list_source_get_model (TdListSource *self)
{
  g_return_val_if_fail (TD_IS_LIST_SOURCE (self), NULL);

  return self->model;
}

GListModel *
td_list_source_get_labels (TdListSource *self)
{
  g_return_val_if_fail (TD_IS_LIST_SOURCE (self), NULL);

  return self->labels;
}

gboolean
td_list_source_get_loading (TdListSource *self)
{
  g_return_val_if_fail (TD_IS_LIST_SOURCE (self), FALSE);

  return self->loading;
}

const char *
td_list_source_get_error (TdListSource *self)
{
  g_return_val_if_fail (TD_IS_LIST_SOURCE (self), NULL);

  return self->error;
}

gboolean
td_list_source_get_truncated (TdListSource *self)
{
  g_return_val_if_fail (TD_IS_LIST_SOURCE (self), FALSE);

  return self->truncated;
}

static void
td_list_source_dispose (GObject *object)
{
  TdListSource *self = TD_LIST_SOURCE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->model);
  g_clear_object (&self->labels);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (td_list_source_parent_class)->dispose (object);
}

static void
td_list_source_finalize (GObject *object)
{
  TdListSource *self = TD_LIST_SOURCE (object);

  g_free (self->collection);
  g_free (self->cache_type);
  g_free (self->search);
  g_free (self->status);
  g_free (self->label);
  g_free (self->error);

  G_OBJECT_CLASS (td_list_source_parent_class)->finalize (object);
}

static void
td_list_source_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TdListSource *self = TD_LIST_SOURCE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_TRUNCATED:
      g_value_set_boolean (value, self->truncated);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_list_source_class_init (TdListSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_list_source_dispose;
  object_class->finalize = td_list_source_finalize;
  object_class->get_property = td_list_source_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRUNCATED] =
    g_param_spec_boolean ("truncated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
td_list_source_init (TdListSource *self)
{
}

TdListSource *
td_list_source_new (TdAccount  *account,
                    const char *collection,
                    const char *cache_type)
{
  TdListSource *self;

  g_return_val_if_fail (TD_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (collection != NULL && cache_type != NULL, NULL);

  self = g_object_new (TD_TYPE_LIST_SOURCE, NULL);
  self->account = g_object_ref (account);
  self->collection = g_strdup (collection);
  self->cache_type = g_strdup (cache_type);

  self->model = open_cache_model (self);
  if (self->model == NULL)
    {
      /* self->model owns the store; self->store is the typed view of it. */
      self->store = g_list_store_new (TD_TYPE_CACHE_ITEM);
      self->model = G_LIST_MODEL (self->store);
    }

  return self;
}
