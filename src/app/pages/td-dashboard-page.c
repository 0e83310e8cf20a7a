/* td-dashboard-page.c
 *
 * The widgets of DOMAIN.md §7 ("Dashboard widgets"): one card per statistic of
 * GET /api/v1/stats/dashboard, over the last 30 days (the server's default range). The
 * server computes everything within what the user may see, so a customer login sees the
 * same cards over its own company.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-dashboard-page"

#include "config.h"

#include "td-dashboard-page.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "td-json.h"
#include "td-labels.h"
#include "td-list-page.h"

#define MAX_DAYS 366

struct _TdDashboardPage
{
  GtkWidget      parent_instance;

  TdAccount     *account;
  GCancellable  *cancellable;
  gboolean       has_stats;

  GtkLabel      *name_label;
  GtkLabel      *role_label;
  GtkLabel      *server_label;
  GtkLabel      *range_label;
  GtkStack      *stack;
  AdwStatusPage *error_page;
  GtkFlowBox    *cards;
};

G_DEFINE_FINAL_TYPE (TdDashboardPage, td_dashboard_page, GTK_TYPE_WIDGET)

/* Cards --------------------------------------------------------------------------------- */

static GtkBox *
card_new (TdDashboardPage *self,
          const char      *title)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (title);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "stat-card");
  gtk_widget_set_size_request (card, 240, -1);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (card), heading);
  gtk_flow_box_append (self->cards, card);
  return GTK_BOX (card);
}

static void
card_add_figure (GtkBox     *card,
                 const char *value,
                 const char *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *number = gtk_label_new (value);
  GtkWidget *label = gtk_label_new (caption);

  gtk_widget_add_css_class (number, "title-1");
  gtk_widget_add_css_class (number, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  /* Centred, not on the baseline: GTK 4.8 mis-measures baseline rows with wrapping labels. */
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (card, box);
}

/* One line of a breakdown: the name, a bar for its share of @max and the count. */
static void
card_add_bar (GtkBox     *card,
              const char *name,
              gint64      count,
              gint64      max)
{
  GtkWidget *grid = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (name);
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, MAX (max, 1));
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, count);
  GtkWidget *value = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 12);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), count);
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  /* The offsets of the default level bar colour it as a warning when low. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_add_css_class (value, "numeric");
  gtk_label_set_width_chars (GTK_LABEL (value), 4);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_box_append (GTK_BOX (grid), label);
  gtk_box_append (GTK_BOX (grid), bar);
  gtk_box_append (GTK_BOX (grid), value);
  gtk_box_append (card, grid);
}

static void
card_add_note (GtkBox     *card,
               const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (card, label);
}

static void
add_status_card (TdDashboardPage    *self,
                 const char         *title,
                 JsonObject         *by_status,
                 const char * const *order)
{
  GtkBox *card = card_new (self, title);
  gint64 max = 0;
  gint64 total = 0;
  g_autofree char *total_text = NULL;

  for (guint i = 0; order[i] != NULL; i++)
    {
      gint64 count = td_json_get_int (by_status, order[i], 0);

      max = MAX (max, count);
      total += count;
    }

  total_text = g_strdup_printf ("%" G_GINT64_FORMAT, total);
  card_add_figure (card, total_text, _("created in this period"));
  for (guint i = 0; order[i] != NULL; i++)
    card_add_bar (card, td_list_page_status_label (order[i]), td_json_get_int (by_status, order[i], 0), max);
}

static char *
format_duration (JsonObject *object,
                 const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  double seconds;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("—");

  seconds = json_node_get_double (node);
  if (seconds < 3600)
    return g_strdup_printf (_("%.0f min"), seconds / 60);
  if (seconds < 48 * 3600)
    return g_strdup_printf (_("%.1f h"), seconds / 3600);
  return g_strdup_printf (_("%.1f days"), seconds / 86400);
}

/* Opened vs closed per day, as pairs of bars. */
typedef struct
{
  guint  n_days;
  gint64 opened[MAX_DAYS];
  gint64 closed[MAX_DAYS];
} DayCounts;

static void
draw_days_cb (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  DayCounts *days = user_data;
  gint64 max = 1;
  double slot;
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (area)) == GTK_TEXT_DIR_RTL;

  if (days->n_days == 0)
    return;

  for (guint i = 0; i < days->n_days; i++)
    max = MAX (max, MAX (days->opened[i], days->closed[i]));

  slot = (double) width / days->n_days;
  for (guint i = 0; i < days->n_days; i++)
    {
      double x = rtl ? width - (i + 1) * slot : i * slot;
      double bar = MAX (1.0, slot / 2 - 1);
      double opened = (double) days->opened[i] / max * (height - 2);
      double closed = (double) days->closed[i] / max * (height - 2);

      /* The accent blue and the success green of the Adwaita palette. */
      cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
      cairo_rectangle (cr, x, height - opened, bar, opened);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.15, 0.64, 0.41);
      cairo_rectangle (cr, x + bar, height - closed, bar, closed);
      cairo_fill (cr);
    }
}

static void
add_days_card (TdDashboardPage *self,
               JsonObject      *stats)
{
  GtkBox *card = card_new (self, _("Tickets Opened and Closed"));
  JsonArray *array = NULL;
  DayCounts *days = g_new0 (DayCounts, 1);
  gint64 opened = 0;
  gint64 closed = 0;
  g_autofree char *opened_text = NULL;
  g_autofree char *closed_text = NULL;
  GtkWidget *area;

  if (json_object_has_member (stats, "tickets_opened_closed_per_day") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (stats, "tickets_opened_closed_per_day")))
    array = json_object_get_array_member (stats, "tickets_opened_closed_per_day");

  for (guint i = 0; array != NULL && i < json_array_get_length (array) && i < MAX_DAYS; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *day = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      days->opened[i] = MAX (0, td_json_get_int (day, "opened", 0));
      days->closed[i] = MAX (0, td_json_get_int (day, "closed", 0));
      opened += days->opened[i];
      closed += days->closed[i];
      days->n_days = i + 1;
    }

  opened_text = g_strdup_printf ("%" G_GINT64_FORMAT, opened);
  closed_text = g_strdup_printf ("%" G_GINT64_FORMAT, closed);
  card_add_figure (card, opened_text, _("opened"));
  card_add_figure (card, closed_text, _("closed"));

  area = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 72);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_days_cb, days, g_free);
  gtk_widget_set_vexpand (area, TRUE);
  gtk_widget_set_valign (area, GTK_ALIGN_END);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tickets opened (blue) and closed (green) per day"),
                                  -1);
  gtk_widget_set_tooltip_text (area, _("Tickets opened (blue) and closed (green) per day"));
  gtk_box_append (card, area);
}

static void
add_ranking_card (TdDashboardPage *self,
                  const char      *title,
                  JsonObject      *stats,
                  const char      *member,
                  const char      *count_member,
                  const char      *empty_text)
{
  GtkBox *card = card_new (self, title);
  JsonArray *array = NULL;
  gint64 max = 0;
  guint shown = 0;

  if (json_object_has_member (stats, member) &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (stats, member)))
    array = json_object_get_array_member (stats, member);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        max = MAX (max, td_json_get_int (json_node_get_object (node), count_member, 0));
    }

  for (guint i = 0; array != NULL && i < json_array_get_length (array) && shown < 6; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = td_json_get_string (entry, "name");

      if (entry == NULL)
        continue;
      card_add_bar (card, name != NULL ? name : _("Unnamed"),
                    td_json_get_int (entry, count_member, 0), max);
      shown++;
    }

  if (shown == 0)
    card_add_note (card, empty_text);
}

static void
show_stats (TdDashboardPage *self,
            JsonObject      *stats)
{
  static const char * const ticket_order[] = {
    "draft", "open", "assigned", "in_progress", "done", "closed", "cancelled", NULL
  };
  static const char * const video_order[] = {
    "requested", "confirmed", "in_progress", "done", "closed", "cancelled", NULL
  };
  GtkWidget *child;
  GtkBox *card;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  JsonNode *rating;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards))) != NULL)
    gtk_flow_box_remove (self->cards, child);

  add_status_card (self, _("Tickets by Status"), td_json_get_object (stats, "tickets_by_status"),
                   ticket_order);
  add_days_card (self, stats);

  card = card_new (self, _("Response Times"));
  text = format_duration (stats, "avg_first_response_seconds");
  card_add_figure (card, text, _("to the first response"));
  g_free (text);
  text = format_duration (stats, "avg_resolution_seconds");
  card_add_figure (card, text, _("to resolution"));
  g_clear_pointer (&text, g_free);

  add_status_card (self, _("Video Sessions by Status"),
                   td_json_get_object (stats, "video_sessions_by_status"), video_order);
  card = GTK_BOX (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_last_child (GTK_WIDGET (self->cards)))));
  rating = json_object_get_member (stats, "avg_video_duration_minutes");
  if (rating != NULL && JSON_NODE_HOLDS_VALUE (rating))
    text = g_strdup_printf (_("Average duration: %.0f min"), json_node_get_double (rating));
  else
    text = g_strdup (_("Average duration: —"));
  card_add_note (card, text);
  g_clear_pointer (&text, g_free);

  card = card_new (self, _("Rating"));
  rating = json_object_get_member (stats, "avg_rating");
  if (rating != NULL && JSON_NODE_HOLDS_VALUE (rating))
    text = g_strdup_printf (_("%.1f of 5"), json_node_get_double (rating));
  else
    text = g_strdup ("—");
  text2 = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "from %u rating", "from %u ratings",
                                     (gulong) td_json_get_int (stats, "rating_count", 0)),
                           (guint) td_json_get_int (stats, "rating_count", 0));
  card_add_figure (card, text, text2);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&text2, g_free);

  card = card_new (self, _("Tasks"));
  text = g_strdup_printf ("%" G_GINT64_FORMAT, td_json_get_int (stats, "tasks_due", 0));
  card_add_figure (card, text, _("due soon"));
  g_free (text);
  text = g_strdup_printf ("%" G_GINT64_FORMAT, td_json_get_int (stats, "tasks_overdue", 0));
  card_add_figure (card, text, _("overdue"));
  g_clear_pointer (&text, g_free);

  add_ranking_card (self, _("Devices per Template"), stats, "devices_per_template", "count",
                    _("No devices yet."));

  card = card_new (self, _("Codes"));
  text = g_strdup_printf ("%" G_GINT64_FORMAT, td_json_get_int (stats, "codes_paired", 0));
  card_add_figure (card, text, _("paired with a device"));
  g_free (text);
  text = g_strdup_printf ("%" G_GINT64_FORMAT, td_json_get_int (stats, "codes_unpaired", 0));
  card_add_figure (card, text, _("not paired"));
  g_clear_pointer (&text, g_free);

  add_ranking_card (self, _("Devices with the Most Tickets"), stats, "top_devices", "ticket_count",
                    _("No tickets in this period."));

  self->has_stats = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "cards");
}

static void
stats_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  TdDashboardPage *self = user_data;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(GError) error = NULL;

  stats = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (stats == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      g_object_unref (self);
      return;
    }

  show_stats (self, stats);
  g_object_unref (self);
}

static void
show_user (TdDashboardPage *self)
{
  const TdUser *user = td_account_get_user (self->account);
  g_autofree char *name = NULL;
  g_autofree char *role = NULL;
  g_autofree char *server = td_account_dup_server_url (self->account);

  if (user == NULL)
    return;

  name = td_user_dup_display_name (user);
  gtk_label_set_text (self->name_label, name);

  if (td_user_get_login_type (user) == TD_LOGIN_CUSTOMER)
    /* Translators: "Customer login · Globex · Administrator" */
    role = g_strdup_printf (_("Customer login · %s · %s"),
                            user->customer_name ? user->customer_name : "",
                            td_labels_for_role (user->role));
  else
    role = g_strdup_printf ("%s · %s", user->org_name ? user->org_name : "",
                            td_labels_for_role (user->role));
  gtk_label_set_text (self->role_label, role);
  gtk_label_set_text (self->server_label, server);
  gtk_label_set_text (self->range_label, _("Last 30 days"));
}

void
td_dashboard_page_reload (TdDashboardPage *self)
{
  g_return_if_fail (TD_IS_DASHBOARD_PAGE (self));

  show_user (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (td_account_get_state (self->account) != TD_ACCOUNT_SIGNED_IN)
    return;

  if (!self->has_stats)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  td_api_client_call_async (td_account_get_client (self->account), "GET", "/api/v1/stats/dashboard",
                        NULL, self->cancellable, stats_cb, g_object_ref (self));
}

gboolean
td_dashboard_page_has_stats (TdDashboardPage *self)
{
  g_return_val_if_fail (TD_IS_DASHBOARD_PAGE (self), FALSE);

  return self->has_stats;
}

static void
td_dashboard_page_dispose (GObject *object)
{
  GtkWidget *child;
  TdDashboardPage *self = TD_DASHBOARD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TD_TYPE_DASHBOARD_PAGE);
  /* The template's top child has no id, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (td_dashboard_page_parent_class)->dispose (object);
}

static void
td_dashboard_page_class_init (TdDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_dashboard_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ui/td-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TdDashboardPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, TdDashboardPage, role_label);
  gtk_widget_class_bind_template_child (widget_class, TdDashboardPage, server_label);
  gtk_widget_class_bind_template_child (widget_class, TdDashboardPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, TdDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TdDashboardPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TdDashboardPage, cards);
  gtk_widget_class_bind_template_callback (widget_class, td_dashboard_page_reload);
}

static void
td_dashboard_page_init (TdDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
td_dashboard_page_new (TdAccount *account)
{
  TdDashboardPage *self;

  g_return_val_if_fail (TD_IS_ACCOUNT (account), NULL);

  self = g_object_new (TD_TYPE_DASHBOARD_PAGE, NULL);
  self->account = g_object_ref (account);
  td_dashboard_page_reload (self);
  return GTK_WIDGET (self);
}
