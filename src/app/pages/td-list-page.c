/* td-list-page.c
 *
 * One class for every module list: a table of what each module shows (columns, detail
 * fields, statuses) configures it. Rows come from a TdListSource, so the page does not know
 * whether they were read from the server or from the sync engine's cache. Search and the
 * status and label filters are applied by the source (the server, or SQL in the cache); the
 * columns sort what is loaded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-list-page"

#include "config.h"

#include "td-list-page.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "td-cache.h"
#include "td-cache-item.h"
#include "td-json.h"
#include "td-labels.h"
#include "td-list-source.h"
#include "td-status.h"

typedef enum
{
  FIELD_TEXT,
  FIELD_TITLE,       /* the item's title: title, name, or first + last name */
  FIELD_NUMBER,
  FIELD_STATUS,
  FIELD_PRIORITY,
  FIELD_VISIBILITY,
  FIELD_DATE,
  FIELD_BOOL,
  FIELD_PRESENT,     /* "Yes" when the member has a value (a code's device: paired) */
  FIELD_ROLE,
  FIELD_REFS,        /* an id list, as the names of the objects in the offline copy */
  FIELD_LABELS,      /* the label ids, as the labels' titles (detail pane only) */
} FieldKind;

typedef struct
{
  const char *member;
  const char *label;
  FieldKind   kind;
  gboolean    expand;
  const char *ref_type;   /* FIELD_REFS: the synced type the ids name */
} Field;

#define MAX_FIELDS 8

typedef struct
{
  TdModule            module;
  const char         *collection;
  const char         *cache_type;
  const char * const *statuses;
  Field               columns[MAX_FIELDS];
  Field               details[MAX_FIELDS];
} ModuleList;

static const char * const ticket_statuses[] = {
  "draft", "open", "assigned", "in_progress", "done", "closed", "cancelled", NULL
};
static const char * const video_statuses[] = {
  "requested", "confirmed", "in_progress", "done", "closed", "cancelled", NULL
};
static const char * const task_statuses[] = { "open", "in_progress", "done", "cancelled", NULL };
static const char * const customer_statuses[] = { "active", "disabled", "independent", NULL };
static const char * const employee_statuses[] = { "active", "invited", "disabled", NULL };

#define UPDATED_COLUMN { "updated_at", N_("Updated"), FIELD_DATE, FALSE }
#define CREATED_FIELD  { "created_at", N_("Created"), FIELD_DATE, FALSE }
#define LABELS_FIELD   { "labels", N_("Labels"), FIELD_LABELS, FALSE }
#define RESPONSIBLE_FIELD { "responsible_ids", N_("Responsible"), FIELD_REFS, FALSE, "employee" }

static const ModuleList module_lists[] = {
  { TD_MODULE_TICKETS, "tickets", "ticket", ticket_statuses,
    { { "number", N_("Number"), FIELD_NUMBER, FALSE },
      { "title", N_("Title"), FIELD_TITLE, TRUE },
      { "status", N_("Status"), FIELD_STATUS, FALSE },
      { "priority", N_("Priority"), FIELD_PRIORITY, FALSE },
      UPDATED_COLUMN },
    { { "description", N_("Description"), FIELD_TEXT, FALSE },
      { "visibility", N_("Visibility"), FIELD_VISIBILITY, FALSE },
      LABELS_FIELD,
      RESPONSIBLE_FIELD,
      { "receiver_ids", N_("Notified"), FIELD_REFS, FALSE, "employee" },
      CREATED_FIELD,
      { "closed_at", N_("Closed"), FIELD_DATE, FALSE } } },
  { TD_MODULE_VIDEO_SESSIONS, "video-sessions", "video_session", video_statuses,
    { { "number", N_("Number"), FIELD_NUMBER, FALSE },
      { "requester_name", N_("Requester"), FIELD_TITLE, TRUE },
      { "status", N_("Status"), FIELD_STATUS, FALSE },
      { "scheduled_at", N_("Scheduled"), FIELD_DATE, FALSE },
      UPDATED_COLUMN },
    { { "reason", N_("Reason"), FIELD_TEXT, FALSE },
      { "duration_minutes", N_("Duration (Minutes)"), FIELD_NUMBER, FALSE },
      { "visibility", N_("Visibility"), FIELD_VISIBILITY, FALSE },
      { "recording_consent", N_("Recording Consent"), FIELD_BOOL, FALSE },
      LABELS_FIELD,
      RESPONSIBLE_FIELD,
      CREATED_FIELD } },
  { TD_MODULE_TASKS, "tasks", "task", task_statuses,
    { { "title", N_("Title"), FIELD_TITLE, TRUE },
      { "status", N_("Status"), FIELD_STATUS, FALSE },
      { "due_at", N_("Due"), FIELD_DATE, FALSE },
      UPDATED_COLUMN },
    { { "visibility", N_("Visibility"), FIELD_VISIBILITY, FALSE },
      { "overdue", N_("Overdue"), FIELD_BOOL, FALSE },
      LABELS_FIELD,
      RESPONSIBLE_FIELD,
      CREATED_FIELD } },
  { TD_MODULE_TEMPLATES, "templates", "template", NULL,
    { { "name", N_("Name"), FIELD_TITLE, TRUE },
      { "description", N_("Description"), FIELD_TEXT, TRUE },
      UPDATED_COLUMN },
    { { "rating_tickets", N_("Ticket Ratings"), FIELD_BOOL, FALSE },
      { "rating_video_sessions", N_("Video Session Ratings"), FIELD_BOOL, FALSE },
      CREATED_FIELD } },
  { TD_MODULE_DEVICES, "devices", "device", NULL,
    { { "name", N_("Name"), FIELD_TITLE, TRUE },
      { "serial_number", N_("Serial Number"), FIELD_TEXT, FALSE },
      { "location", N_("Location"), FIELD_TEXT, TRUE },
      UPDATED_COLUMN },
    { LABELS_FIELD,
      CREATED_FIELD } },
  { TD_MODULE_CUSTOMERS, "customers", "customer", customer_statuses,
    { { "customer_number", N_("Number"), FIELD_TEXT, FALSE },
      { "name", N_("Name"), FIELD_TITLE, TRUE },
      { "address", N_("Address"), FIELD_TEXT, TRUE },
      { "status", N_("Status"), FIELD_STATUS, FALSE },
      UPDATED_COLUMN },
    { { "customer_login", N_("Customer Login"), FIELD_BOOL, FALSE },
      LABELS_FIELD,
      CREATED_FIELD } },
  { TD_MODULE_MY_COMPANY, "employees", "employee", employee_statuses,
    { { "name", N_("Name"), FIELD_TITLE, TRUE },
      { "email", N_("Email"), FIELD_TEXT, TRUE },
      { "role", N_("Role"), FIELD_ROLE, FALSE },
      { "status", N_("Status"), FIELD_STATUS, FALSE } },
    { { "departments", N_("Departments"), FIELD_REFS, FALSE, "department" },
      CREATED_FIELD } },
  { TD_MODULE_CODES, "codes", "code", NULL,
    { { "token", N_("Code"), FIELD_TITLE, TRUE },
      { "device_id", N_("Paired"), FIELD_PRESENT, FALSE },
      { "enabled", N_("Enabled"), FIELD_BOOL, FALSE },
      UPDATED_COLUMN },
    { { "has_pin", N_("PIN"), FIELD_BOOL, FALSE },
      CREATED_FIELD } },
};

/* A drop-down that narrows the list to one value of a member, "All …" first. The status
 * and the label filter are each one of these; @values are the wire values of the rows after
 * the first, so the choice is kept by value when the rows change or the page is rebuilt. */
typedef struct
{
  GtkDropDown *dropdown;
  GStrv        values;
} FilterChoice;

struct _TdListPage
{
  GtkWidget          parent_instance;

  TdAccount         *account;
  const ModuleList  *list;
  TdListSource      *source;
  GtkSortListModel  *sorted;
  GtkSingleSelection *selection;
  char              *shown_id;
  char              *pending_id;    /* to show once the rows have arrived */

  FilterChoice       status_filter;
  FilterChoice       label_filter;
  /* Set while the page changes its own drop-downs; their notify::selected is not a query. */
  gboolean           filling;

  GtkSearchEntry    *search_entry;
  GtkDropDown       *status_dropdown;
  GtkStack          *content_stack;
  GtkColumnView     *column_view;
  AdwStatusPage     *empty_page;
  AdwStatusPage     *error_page;
  GtkLabel          *count_label;
  GtkRevealer       *detail_revealer;
  GtkLabel          *detail_title;
  GtkListBox        *detail_list;
};

G_DEFINE_FINAL_TYPE (TdListPage, td_list_page, GTK_TYPE_WIDGET)

static const ModuleList *
find_module_list (TdModule module)
{
  for (guint i = 0; i < G_N_ELEMENTS (module_lists); i++)
    if (module_lists[i].module == module)
      return &module_lists[i];

  return NULL;
}

gboolean
td_list_page_supports_module (TdModule module)
{
  return find_module_list (module) != NULL;
}

/* Words for wire values; looked up when shown, so a rebuilt page speaks the new language. */
const char *
td_list_page_status_label (const char *status)
{
  static const struct { const char *status; const char *label; } labels[] = {
    { "draft", NC_("status", "Draft") },
    { "open", NC_("status", "Open") },
    { "assigned", NC_("status", "Assigned") },
    { "in_progress", NC_("status", "In Progress") },
    { "done", NC_("status", "Done") },
    { "closed", NC_("status", "Closed") },
    { "cancelled", NC_("status", "Cancelled") },
    { "requested", NC_("status", "Requested") },
    { "confirmed", NC_("status", "Confirmed") },
    { "active", NC_("status", "Active") },
    { "invited", NC_("status", "Invited") },
    { "disabled", NC_("status", "Disabled") },
    { "independent", NC_("status", "Independent") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].status, status) == 0)
      return g_dpgettext2 (GETTEXT_PACKAGE, "status", labels[i].label);

  return status;
}

static const char *
value_label (const char *value)
{
  static const struct { const char *value; const char *label; } labels[] = {
    { "low", NC_("priority", "Low") },
    { "normal", NC_("priority", "Normal") },
    { "high", NC_("priority", "High") },
    { "internal", NC_("visibility", "Internal") },
    { "public", NC_("visibility", "Public") },
    { "external", NC_("visibility", "External") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].value, value) == 0)
      return g_dpgettext2 (GETTEXT_PACKAGE, i < 3 ? "priority" : "visibility", labels[i].label);

  return value;
}

static char *
format_date (const char *text)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (text == NULL)
    return NULL;

  utc = g_date_time_new_from_iso8601 (text, NULL);
  if (utc == NULL)
    return g_strdup (text);

  local = g_date_time_to_local (utc);
  /* Numeric, so it reads the same in every language without a month-name catalog. */
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* The text of @field for @item, or NULL for no value. */
static char *
format_field (TdCacheItem *item,
              const Field *field)
{
  JsonObject *object = td_cache_item_get_object (item);
  JsonNode *node;

  if (field->kind == FIELD_TITLE)
    return g_strdup (td_cache_item_get_title (item));

  if (object == NULL || !json_object_has_member (object, field->member))
    return NULL;

  node = json_object_get_member (object, field->member);

  switch (field->kind)
    {
    case FIELD_PRESENT:
      return g_strdup (JSON_NODE_HOLDS_NULL (node) ? _("No") : _("Yes"));

    case FIELD_REFS:
      /* Names need the offline copy (format_refs()); out of it, how many there are. */
      if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
        return g_strdup_printf ("%u", json_array_get_length (json_node_get_array (node)));
      return NULL;

    case FIELD_LABELS:
      return NULL;

    default:
      break;
    }

  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (field->kind)
    {
    case FIELD_NUMBER:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

    case FIELD_BOOL:
      return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));

    case FIELD_DATE:
      return format_date (json_node_get_string (node));

    case FIELD_STATUS:
      return g_strdup (td_list_page_status_label (json_node_get_string (node)));

    case FIELD_PRIORITY:
    case FIELD_VISIBILITY:
      return g_strdup (value_label (json_node_get_string (node)));

    case FIELD_ROLE:
      {
        const char *name = json_node_get_string (node);
        const char *customer_id = td_json_get_string (object, "customer_id");
        TdLoginType type = customer_id != NULL ? TD_LOGIN_CUSTOMER : TD_LOGIN_EMPLOYEE;
        TdRole role = td_role_from_string (type, name);

        return g_strdup (role < TD_N_ROLES ? td_labels_for_role (role) : name);
      }

    case FIELD_TEXT:
    case FIELD_TITLE:
    case FIELD_PRESENT:
    case FIELD_REFS:
    case FIELD_LABELS:
    default:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          return g_strdup (json_node_get_string (node));
        }
      return NULL;
    }
}

/* Columns ------------------------------------------------------------------------------ */

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  const Field *field = user_data;
  TdCacheItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autofree char *text = format_field (item, field);

  /* One line in a cell; the detail pane shows the whole text. */
  if (text != NULL)
    g_strdelimit (text, "\r\n\t", ' ');
  gtk_label_set_text (label, text != NULL ? text : "—");
  if (field->kind == FIELD_STATUS)
    {
      gtk_widget_set_css_classes (GTK_WIDGET (label), NULL);
      if (text != NULL)
        {
          JsonObject *object = td_cache_item_get_object (item);
          g_autofree char *css = g_strconcat ("status-", td_json_get_string (object, field->member), NULL);

          gtk_widget_add_css_class (GTK_WIDGET (label), "status");
          gtk_widget_add_css_class (GTK_WIDGET (label), css);
        }
    }
}

/* GTK 4.8 cannot tell which column a GtkColumnViewSorter sorts by. To hand a cached list's
 * sort to SQL, the page asks the sorter to compare two items while the column sorters only
 * note who was asked first and answer "smaller": the column view's answer then says the
 * direction (it reverses a descending column's). Main thread only. */
static gboolean probing;
static const Field *probed_field;

static int
compare_items_cb (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const Field *field = user_data;
  TdCacheItem *item_a = TD_CACHE_ITEM ((gpointer) a);
  TdCacheItem *item_b = TD_CACHE_ITEM ((gpointer) b);
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;

  if (probing)
    {
      if (probed_field == NULL)
        probed_field = field;
      return GTK_ORDERING_SMALLER;
    }

  if (field->kind == FIELD_NUMBER)
    {
      gint64 number_a = td_json_get_int (td_cache_item_get_object (item_a), field->member, G_MININT64);
      gint64 number_b = td_json_get_int (td_cache_item_get_object (item_b), field->member, G_MININT64);

      return number_a < number_b ? GTK_ORDERING_SMALLER :
             number_a > number_b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
    }

  if (field->kind == FIELD_DATE)
    return gtk_ordering_from_cmpfunc (g_strcmp0 (td_json_get_string (td_cache_item_get_object (item_a), field->member),
                                                 td_json_get_string (td_cache_item_get_object (item_b), field->member)));

  text_a = format_field (item_a, field);
  text_b = format_field (item_b, field);
  if (text_a == NULL || text_b == NULL)
    return gtk_ordering_from_cmpfunc ((text_a != NULL) - (text_b != NULL));

  return gtk_ordering_from_cmpfunc (g_utf8_collate (text_a, text_b));
}

static void
add_columns (TdListPage *self)
{
  GtkColumnViewColumn *updated = NULL;

  for (guint i = 0; i < MAX_FIELDS && self->list->columns[i].member != NULL; i++)
    {
      const Field *field = &self->list->columns[i];
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      GtkSorter *sorter;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), (gpointer) field);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), (gpointer) field);

      column = gtk_column_view_column_new (_(field->label), factory);
      gtk_column_view_column_set_expand (column, field->expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      sorter = GTK_SORTER (gtk_custom_sorter_new (compare_items_cb, (gpointer) field, NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
      gtk_column_view_append_column (self->column_view, column);

      if (g_strcmp0 (field->member, "updated_at") == 0)
        updated = column;
    }

  /* What the server sends first, newest first; the header shows it. */
  if (updated != NULL)
    gtk_column_view_sort_by_column (self->column_view, updated, GTK_SORT_DESCENDING);
}

/* A header was clicked: a cached list is sorted by SQL, not in memory. */
static void
view_sorter_changed_cb (GtkSorter       *sorter,
                        GtkSorterChange  change,
                        gpointer         user_data)
{
  TdListPage *self = user_data;
  g_autoptr(TdCacheItem) a = td_cache_item_new ("probe", "a", 0, NULL, NULL, NULL, "{}");
  g_autoptr(TdCacheItem) b = td_cache_item_new ("probe", "b", 0, NULL, NULL, NULL, "{}");
  GtkOrdering order;

  probing = TRUE;
  probed_field = NULL;
  order = gtk_sorter_compare (sorter, a, b);
  probing = FALSE;

  if (probed_field != NULL && order != GTK_ORDERING_EQUAL)
    td_list_source_set_sort (self->source, probed_field->member, order == GTK_ORDERING_LARGER);
}

/* Filters ------------------------------------------------------------------------------- */

static const char *
filter_choice_get (const FilterChoice *filter)
{
  guint selected;

  if (filter->dropdown == NULL || filter->values == NULL)
    return NULL;

  selected = gtk_drop_down_get_selected (filter->dropdown);
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > g_strv_length (filter->values))
    return NULL;

  return filter->values[selected - 1];
}

/* Chooses @value, or "All" when it is NULL or not offered. */
static void
filter_choice_select (FilterChoice *filter,
                      const char   *value)
{
  guint position = 0;

  for (guint i = 0; value != NULL && filter->values != NULL && filter->values[i] != NULL; i++)
    if (g_str_equal (filter->values[i], value))
      position = i + 1;

  gtk_drop_down_set_selected (filter->dropdown, position);
}

/* Offers @names for @values after @all_name, keeping the chosen value when it is still
 * offered. */
static void
filter_choice_fill (TdListPage         *self,
                    FilterChoice       *filter,
                    const char         *all_name,
                    const char * const *values,
                    const char * const *names)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  g_autofree char *chosen = g_strdup (filter_choice_get (filter));
  gboolean was_filling = self->filling;

  gtk_string_list_append (strings, all_name);
  for (guint i = 0; names[i] != NULL; i++)
    gtk_string_list_append (strings, names[i]);

  self->filling = TRUE;
  g_strfreev (filter->values);
  filter->values = g_strdupv ((char **) values);
  gtk_drop_down_set_model (filter->dropdown, G_LIST_MODEL (strings));
  filter_choice_select (filter, chosen);
  self->filling = was_filling;
}

static void
filter_choice_clear (FilterChoice *filter)
{
  g_clear_pointer (&filter->values, g_strfreev);
  filter->dropdown = NULL;
}

static gboolean
has_query (TdListPage *self)
{
  return *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0' ||
         filter_choice_get (&self->status_filter) != NULL ||
         filter_choice_get (&self->label_filter) != NULL;
}

static gboolean show_item_now (TdListPage *self,
                               const char *id);

static void
sync_state (TdListPage *self)
{
  guint n_items = g_list_model_get_n_items (td_list_source_get_model (self->source));
  const char *error = td_list_source_get_error (self->source);
  g_autofree char *count = NULL;

  if (n_items > 0)
    gtk_stack_set_visible_child_name (self->content_stack, "list");
  else if (td_list_source_get_loading (self->source))
    gtk_stack_set_visible_child_name (self->content_stack, "loading");
  else if (error != NULL)
    {
      adw_status_page_set_description (self->error_page, error);
      gtk_stack_set_visible_child_name (self->content_stack, "error");
    }
  else
    {
      if (has_query (self))
        {
          adw_status_page_set_title (self->empty_page, _("No Results"));
          adw_status_page_set_description (self->empty_page, _("Try other words or another filter."));
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("Nothing Here Yet"));
          adw_status_page_set_description (self->empty_page,
                                           _("When there is something to show, it appears here."));
        }
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
    }

  if (td_list_source_get_truncated (self->source))
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The first %u item; search to find more",
                                       "The first %u items; search to find more", n_items),
                             n_items);
  else if (td_list_source_get_loading (self->source) && n_items > 0)
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item so far…", "%u items so far…", n_items), n_items);
  else
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", n_items), n_items);
  gtk_label_set_text (self->count_label, count);

  if (self->pending_id != NULL &&
      (show_item_now (self, self->pending_id) || !td_list_source_get_loading (self->source)))
    g_clear_pointer (&self->pending_id, g_free);
}

static void
query_changed_cb (TdListPage *self)
{
  if (self->filling || self->source == NULL)
    return;

  td_list_source_set_query (self->source,
                            gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                            filter_choice_get (&self->status_filter),
                            filter_choice_get (&self->label_filter));
  sync_state (self);
}

/* Details ------------------------------------------------------------------------------- */

static const char *label_title (JsonObject *label);

/* The objects of the offline copy that the ids in @member of @object name, in their order.
 * @n_missing counts the ids it has no object for (not synced yet, out of this person's
 * reach, or no offline copy at all). */
static GPtrArray *
cached_refs (TdListPage *self,
             JsonObject *object,
             const char *member,
             const char *type,
             guint      *n_missing)
{
  TdCache *cache = td_account_get_cache (self->account);
  g_auto(GStrv) ids = td_json_get_strv (object, member);
  GPtrArray *refs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  *n_missing = 0;
  for (guint i = 0; ids[i] != NULL; i++)
    {
      JsonObject *ref = NULL;

      if (cache != NULL && td_cache_is_open (cache))
        ref = td_cache_get_object (cache, type, ids[i], NULL);
      if (ref != NULL)
        g_ptr_array_add (refs, ref);
      else
        (*n_missing)++;
    }
  return refs;
}

/* "Anna Berg, Tom Meier": the names of the objects @field's ids name. Ids without a cached
 * object are counted rather than shown as ids; with no name at all, the count alone. */
static char *
format_refs (TdListPage  *self,
             TdCacheItem *item,
             const Field *field)
{
  JsonObject *object = td_cache_item_get_object (item);
  g_autoptr(GPtrArray) refs = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  guint n_missing;

  if (object == NULL)
    return NULL;

  refs = cached_refs (self, object, field->member, field->ref_type, &n_missing);
  for (guint i = 0; i < refs->len; i++)
    {
      char *name = td_list_source_dup_title (g_ptr_array_index (refs, i));

      if (name != NULL && *name != '\0')
        g_ptr_array_add (names, name);
      else
        {
          g_free (name);
          n_missing++;
        }
    }
  if (names->len == 0)
    return format_field (item, field);

  g_ptr_array_add (names, NULL);
  /* Translators: what separates the names in a list, as in "Anna Berg, Tom Meier". */
  joined = g_strjoinv (C_("list separator", ", "), (char **) names->pdata);
  if (n_missing == 0)
    return g_steal_pointer (&joined);

  /* Translators: "Anna Berg, Tom Meier and 2 others": names, then how many more there are */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u other", "%s and %u others", n_missing),
                          joined, n_missing);
}

/* Label colors are data (any #rrggbb), so their style classes are made when a color is
 * first shown: one provider for the display, loaded again with each new color (an
 * organization has a handful). The pill's text keeps the theme's color and the label's
 * color only tints the background, so it reads in light and dark mode alike. */
static GtkCssProvider *label_color_provider;
static GString *label_color_css;

static char *
label_color_class (GtkWidget  *widget,
                   const char *color)
{
  g_autofree char *selector = NULL;
  char hex[7];

  /* The server checks the format, but nothing from it goes into CSS unchecked. */
  if (color == NULL || strlen (color) != 7 || color[0] != '#')
    return NULL;
  for (guint i = 0; i < 6; i++)
    {
      if (!g_ascii_isxdigit (color[i + 1]))
        return NULL;
      hex[i] = g_ascii_tolower (color[i + 1]);
    }
  hex[6] = '\0';

  selector = g_strdup_printf (".label-pill.label-color-%s {", hex);
  if (label_color_css == NULL)
    label_color_css = g_string_new (NULL);
  if (strstr (label_color_css->str, selector) == NULL)
    {
      g_string_append_printf (label_color_css,
                              "%s background-color: alpha(#%s, 0.22); "
                              "border-color: mix(#%s, @window_fg_color, 0.3); }\n",
                              selector, hex, hex);
      if (label_color_provider == NULL)
        {
          label_color_provider = gtk_css_provider_new ();
          gtk_style_context_add_provider_for_display (gtk_widget_get_display (widget),
                                                      GTK_STYLE_PROVIDER (label_color_provider),
                                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
        }
      gtk_css_provider_load_from_data (label_color_provider, label_color_css->str, -1);
    }

  return g_strconcat ("label-color-", hex, NULL);
}

/* The labels @object carries, as pills in their colors, or NULL when none of them is in
 * the offline copy (an id alone says nothing to the reader). */
static GtkWidget *
label_pills (TdListPage *self,
             JsonObject *object)
{
  g_autoptr(GPtrArray) labels = NULL;
  GtkWidget *pills = NULL;
  guint n_missing;

  if (object == NULL)
    return NULL;

  labels = cached_refs (self, object, "labels", "label", &n_missing);
  for (guint i = 0; i < labels->len; i++)
    {
      JsonObject *label = g_ptr_array_index (labels, i);
      const char *title = label_title (label);
      g_autofree char *color_class = NULL;
      GtkWidget *pill;

      if (title == NULL)
        continue;
      if (pills == NULL)
        {
          pills = gtk_flow_box_new ();
          gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (pills), GTK_SELECTION_NONE);
          gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (pills), 4);
          gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (pills), 4);
          gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (pills), 20);
          gtk_widget_add_css_class (pills, "label-pills");
        }
      pill = gtk_label_new (title);
      gtk_label_set_ellipsize (GTK_LABEL (pill), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (pill), 28);
      gtk_widget_set_tooltip_text (pill, title);
      gtk_widget_add_css_class (pill, "label-pill");
      color_class = label_color_class (pill, td_json_get_string (label, "color"));
      if (color_class != NULL)
        gtk_widget_add_css_class (pill, color_class);
      gtk_flow_box_append (GTK_FLOW_BOX (pills), pill);
      /* Nothing to do with a pill, so the keyboard does not stop at each. */
      gtk_widget_set_focusable (gtk_widget_get_parent (pill), FALSE);
    }
  return pills;
}

/* The field's name small above its value. */
static void
add_detail_widget (TdListPage  *self,
                   const Field *field,
                   GtkWidget   *value)
{
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *name;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  name = gtk_label_new (_(field->label));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "caption");
  gtk_widget_add_css_class (name, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), value);
  gtk_widget_add_css_class (box, "detail-field");

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_append (self->detail_list, row);
}

static void
add_detail_row (TdListPage  *self,
                TdCacheItem *item,
                const Field *field)
{
  g_autofree char *text = NULL;
  GtkWidget *value;

  if (field->kind == FIELD_LABELS)
    {
      value = label_pills (self, td_cache_item_get_object (item));
      if (value != NULL)
        add_detail_widget (self, field, value);
      return;
    }

  text = field->kind == FIELD_REFS ? format_refs (self, item, field) : format_field (item, field);
  if (text == NULL || *text == '\0')
    return;

  /* The value wraps and can be copied. An AdwActionRow's wrapping subtitle mis-measures its
   * height on libadwaita 1.2. */
  value = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  /* Keeps the pane narrow; long texts wrap instead of widening it. */
  gtk_label_set_max_width_chars (GTK_LABEL (value), 30);
  add_detail_widget (self, field, value);
}

static void
show_detail (TdListPage  *self,
             TdCacheItem *item)
{
  GtkWidget *child;
  JsonObject *object = td_cache_item_get_object (item);
  gint64 number = td_json_get_int (object, "number", -1);
  g_autofree char *title = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->detail_list))) != NULL)
    gtk_list_box_remove (self->detail_list, child);

  if (number >= 0)
    title = g_strdup_printf ("#%" G_GINT64_FORMAT " %s", number, td_cache_item_get_title (item) ?: "");
  else
    title = g_strdup (td_cache_item_get_title (item));
  gtk_label_set_text (self->detail_title, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->detail_title), title);

  for (guint i = 0; i < MAX_FIELDS && self->list->columns[i].member != NULL; i++)
    if (self->list->columns[i].kind != FIELD_TITLE)
      add_detail_row (self, item, &self->list->columns[i]);
  for (guint i = 0; i < MAX_FIELDS && self->list->details[i].member != NULL; i++)
    add_detail_row (self, item, &self->list->details[i]);

  g_free (self->shown_id);
  self->shown_id = g_strdup (td_cache_item_get_id (item));
  gtk_revealer_set_reveal_child (self->detail_revealer, TRUE);
}

static void
row_activated_cb (TdListPage *self,
                  guint       position)
{
  g_autoptr(TdCacheItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (item != NULL)
    show_detail (self, item);
}

static void
close_detail_cb (TdListPage *self)
{
  g_clear_pointer (&self->shown_id, g_free);
  gtk_revealer_set_reveal_child (self->detail_revealer, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  TdListPage *self = TD_LIST_PAGE (widget);

  if (!gtk_revealer_get_reveal_child (self->detail_revealer))
    return FALSE;

  close_detail_cb (self);
  return TRUE;
}

static gboolean
show_item_now (TdListPage *self,
               const char *id)
{
  GListModel *model;
  guint n_items;

  model = G_LIST_MODEL (self->sorted);
  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(TdCacheItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (td_cache_item_get_id (item), id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          show_detail (self, item);
          return TRUE;
        }
    }

  return FALSE;
}

/* A page that is still reading its rows shows the item when it arrives. */
gboolean
td_list_page_show_item (TdListPage *self,
                        const char *id)
{
  g_return_val_if_fail (TD_IS_LIST_PAGE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  g_clear_pointer (&self->pending_id, g_free);
  if (show_item_now (self, id))
    return TRUE;

  if (td_list_source_get_loading (self->source))
    self->pending_id = g_strdup (id);
  return FALSE;
}

const char *
td_list_page_get_shown_id (TdListPage *self)
{
  g_return_val_if_fail (TD_IS_LIST_PAGE (self), NULL);

  return self->shown_id;
}

/* Public -------------------------------------------------------------------------------- */

GVariant *
td_list_page_save_state (TdListPage *self)
{
  g_auto(GVariantDict) state = G_VARIANT_DICT_INIT (NULL);
  const char *search;

  g_return_val_if_fail (TD_IS_LIST_PAGE (self), NULL);

  search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (*search != '\0')
    g_variant_dict_insert (&state, "search", "s", search);
  if (filter_choice_get (&self->status_filter) != NULL)
    g_variant_dict_insert (&state, "status", "s", filter_choice_get (&self->status_filter));
  if (filter_choice_get (&self->label_filter) != NULL)
    g_variant_dict_insert (&state, "label", "s", filter_choice_get (&self->label_filter));
  if (self->shown_id != NULL)
    g_variant_dict_insert (&state, "shown-id", "s", self->shown_id);

  return g_variant_dict_end (&state);
}

void
td_list_page_restore_state (TdListPage *self,
                            GVariant   *state)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (state);
  const char *search = "";
  const char *status = NULL;
  const char *label = NULL;
  const char *shown_id = NULL;

  g_return_if_fail (TD_IS_LIST_PAGE (self));
  g_return_if_fail (g_variant_is_of_type (state, G_VARIANT_TYPE_VARDICT));

  g_variant_dict_lookup (&dict, "search", "&s", &search);
  g_variant_dict_lookup (&dict, "status", "&s", &status);
  g_variant_dict_lookup (&dict, "label", "&s", &label);
  g_variant_dict_lookup (&dict, "shown-id", "&s", &shown_id);

  /* One query for all of it, not one per widget. */
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), search);
  filter_choice_select (&self->status_filter, status);
  if (self->label_filter.dropdown != NULL)
    filter_choice_select (&self->label_filter, label);
  self->filling = FALSE;
  query_changed_cb (self);

  if (shown_id != NULL)
    td_list_page_show_item (self, shown_id);
}

void
td_list_page_focus_search (TdListPage *self)
{
  g_return_if_fail (TD_IS_LIST_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
td_list_page_reload (TdListPage *self)
{
  g_return_if_fail (TD_IS_LIST_PAGE (self));

  td_list_source_reload (self->source);
  sync_state (self);
}

guint
td_list_page_get_n_items (TdListPage *self)
{
  g_return_val_if_fail (TD_IS_LIST_PAGE (self), 0);

  return g_list_model_get_n_items (td_list_source_get_model (self->source));
}

gboolean
td_list_page_get_loading (TdListPage *self)
{
  g_return_val_if_fail (TD_IS_LIST_PAGE (self), FALSE);

  return td_list_source_get_loading (self->source);
}

TdModule
td_list_page_get_module (TdListPage *self)
{
  g_return_val_if_fail (TD_IS_LIST_PAGE (self), TD_N_MODULES);

  return self->list->module;
}

static void
setup_statuses (TdListPage *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  self->status_filter.dropdown = self->status_dropdown;
  if (self->list->statuses == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->status_dropdown), FALSE);
      return;
    }

  for (guint i = 0; self->list->statuses[i] != NULL; i++)
    g_ptr_array_add (names, (gpointer) td_list_page_status_label (self->list->statuses[i]));
  g_ptr_array_add (names, NULL);
  filter_choice_fill (self, &self->status_filter, _("All Statuses"), self->list->statuses,
                      (const char * const *) names->pdata);
}

/* A label's title in the language the person reads: labels carry their titles per
 * language ({"en": "Urgent", "de": "Dringend"}), English when theirs is missing, else any. */
static const char *
label_title (JsonObject *label)
{
  JsonObject *titles = td_json_get_object (label, "titles");
  const char * const *languages = g_get_language_names ();
  g_autoptr(GList) members = NULL;

  for (guint i = 0; languages[i] != NULL; i++)
    {
      const char *title = td_json_get_string (titles, languages[i]);

      if (title != NULL && *title != '\0')
        return title;
    }
  if (td_json_get_string (titles, "en") != NULL)
    return td_json_get_string (titles, "en");

  members = titles != NULL ? json_object_get_members (titles) : NULL;
  for (GList *l = members; l != NULL; l = l->next)
    if (td_json_get_string (titles, l->data) != NULL)
      return td_json_get_string (titles, l->data);
  return NULL;
}

/* From this many labels on, the label filter's popup has a search entry. */
#define LABEL_SEARCH_MIN 12

typedef struct
{
  char *key;      /* collation key of the title */
  const char *id;
  const char *title;
} LabelEntry;

static int
compare_label_entries (gconstpointer a,
                       gconstpointer b)
{
  const LabelEntry *entry_a = a;
  const LabelEntry *entry_b = b;

  return strcmp (entry_a->key, entry_b->key);
}

static void
clear_label_entry (gpointer data)
{
  g_free (((LabelEntry *) data)->key);
}

/* The labels of the offline copy, by title; called again whenever the sync engine changes
 * them. A chosen label that was deleted leaves the filter at "All Labels". */
static void
fill_labels (TdListPage *self)
{
  GListModel *labels = td_list_source_get_labels (self->source);
  guint n_labels = g_list_model_get_n_items (labels);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (LabelEntry));
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();

  g_array_set_clear_func (entries, clear_label_entry);
  for (guint i = 0; i < n_labels; i++)
    {
      TdCacheItem *item = g_list_model_get_item (labels, i);
      const char *title = label_title (td_cache_item_get_object (item));
      LabelEntry entry;

      g_ptr_array_add (items, item);
      if (title == NULL)
        continue;
      entry.key = g_utf8_collate_key (title, -1);
      entry.id = td_cache_item_get_id (item);
      entry.title = title;
      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_label_entries);

  for (guint i = 0; i < entries->len; i++)
    {
      g_ptr_array_add (ids, (gpointer) g_array_index (entries, LabelEntry, i).id);
      g_ptr_array_add (titles, (gpointer) g_array_index (entries, LabelEntry, i).title);
    }
  g_ptr_array_add (ids, NULL);
  g_ptr_array_add (titles, NULL);

  filter_choice_fill (self, &self->label_filter, _("All Labels"),
                      (const char * const *) ids->pdata, (const char * const *) titles->pdata);
  /* Nothing to choose before the first sync brought the labels, or in an organization
   * without any. A short list is quicker with the arrow keys alone; a long one gets a
   * search entry. */
  gtk_widget_set_visible (GTK_WIDGET (self->label_filter.dropdown), entries->len > 0);
  gtk_drop_down_set_enable_search (self->label_filter.dropdown, entries->len >= LABEL_SEARCH_MIN);
  query_changed_cb (self);
}

/* Only for lists whose rows carry labels, and only from the offline copy, which has the
 * labels to choose from. Built here rather than in the template for that reason. */
static void
setup_labels (TdListPage *self)
{
  GListModel *labels = td_list_source_get_labels (self->source);
  GtkWidget *dropdown;

  if (labels == NULL)
    return;

  dropdown = gtk_drop_down_new (NULL, NULL);
  gtk_widget_set_tooltip_text (dropdown, _("Filter by Label"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Filter by Label"),
                                  -1);
  /* What the popup's search matches, when there is one (fill_labels()). */
  gtk_drop_down_set_expression (GTK_DROP_DOWN (dropdown),
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->status_dropdown))),
                              dropdown, GTK_WIDGET (self->status_dropdown));
  self->label_filter.dropdown = GTK_DROP_DOWN (dropdown);

  g_signal_connect_object (dropdown, "notify::selected", G_CALLBACK (query_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (labels, "items-changed", G_CALLBACK (fill_labels), self,
                           G_CONNECT_SWAPPED);
  fill_labels (self);
}

static void
td_list_page_dispose (GObject *object)
{
  GtkWidget *child;
  TdListPage *self = TD_LIST_PAGE (object);

  /* Drop-downs losing their models on the way out are no query. */
  self->filling = TRUE;
  if (self->source != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->source, self);
      if (td_list_source_get_labels (self->source) != NULL)
        g_signal_handlers_disconnect_by_data (td_list_source_get_labels (self->source), self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), TD_TYPE_LIST_PAGE);
  /* The template's top child has no id, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->source);
  g_clear_object (&self->account);
  g_clear_pointer (&self->shown_id, g_free);
  g_clear_pointer (&self->pending_id, g_free);
  filter_choice_clear (&self->status_filter);
  filter_choice_clear (&self->label_filter);

  G_OBJECT_CLASS (td_list_page_parent_class)->dispose (object);
}

static void
td_list_page_class_init (TdListPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_list_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ui/td-list-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TdListPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, detail_revealer);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, TdListPage, detail_list);
  gtk_widget_class_bind_template_callback (widget_class, query_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_detail_cb);
  gtk_widget_class_bind_template_callback (widget_class, td_list_page_reload);

  /* Escape closes the detail pane, back to the list. */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

static void
td_list_page_init (TdListPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
td_list_page_new (TdAccount *account,
                  TdModule   module)
{
  TdListPage *self;
  const ModuleList *list = find_module_list (module);

  g_return_val_if_fail (TD_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (list != NULL, NULL);

  self = g_object_new (TD_TYPE_LIST_PAGE, NULL);
  self->account = g_object_ref (account);
  self->list = list;
  self->source = td_list_source_new (account, list->collection, list->cache_type);

  setup_statuses (self);
  setup_labels (self);
  add_columns (self);

  /* A cached list may hold a million rows: sorting it in memory would load them all. */
  if (td_list_source_is_cached (self->source))
    {
      GtkSorter *view_sorter = gtk_column_view_get_sorter (self->column_view);

      self->sorted = gtk_sort_list_model_new (g_object_ref (td_list_source_get_model (self->source)),
                                              NULL);
      g_signal_connect_object (view_sorter, "changed", G_CALLBACK (view_sorter_changed_cb), self, 0);
      view_sorter_changed_cb (view_sorter, GTK_SORTER_CHANGE_DIFFERENT, self);
    }
  else
    self->sorted = gtk_sort_list_model_new (g_object_ref (td_list_source_get_model (self->source)),
                                            g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->source, "notify::loading", G_CALLBACK (sync_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->source, "notify::error", G_CALLBACK (sync_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->source, "notify::truncated", G_CALLBACK (sync_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (td_list_source_get_model (self->source), "items-changed",
                           G_CALLBACK (sync_state), self, G_CONNECT_SWAPPED);

  td_list_source_reload (self->source);
  sync_state (self);
  return GTK_WIDGET (self);
}
