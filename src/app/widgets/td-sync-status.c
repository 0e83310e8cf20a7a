/* td-sync-status.c: the state of the offline copy (see td-sync-status.h)
 *
 * One line at the foot of the side menu: "Up to date", "Syncing…" with a progress bar
 * during a full sync, "Offline — your changes are kept", or "Sign in again to sync", and
 * below it, when there are any, the changes still waiting to be sent and the conflicts to
 * resolve. The sync engine's last error is the tooltip. It only displays: the state comes
 * from TdSync and TdCacheCounts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-sync-status"

#include "config.h"

#include "td-sync-status.h"

#include <glib/gi18n-lib.h>

struct _TdSyncStatus
{
  GtkWidget       parent_instance;

  TdSync         *sync;
  TdCacheCounts  *counts;

  GtkWidget      *box;
  GtkImage       *icon;
  GtkLabel       *label;
  GtkProgressBar *progress;
  GtkLabel       *detail;
};

G_DEFINE_FINAL_TYPE (TdSyncStatus, td_sync_status, GTK_TYPE_WIDGET)

static void
update (TdSyncStatus *self)
{
  TdSyncState state = self->sync != NULL ? td_sync_get_state (self->sync) : TD_SYNC_STOPPED;
  guint pending = self->counts != NULL ? td_cache_counts_get_pending_changes (self->counts) : 0;
  guint conflicts = self->counts != NULL ? td_cache_counts_get_conflicts (self->counts) : 0;
  g_autoptr(GString) detail = g_string_new (NULL);
  const char *text, *icon;
  gboolean busy = FALSE;

  gtk_widget_set_visible (self->box, self->sync != NULL);
  if (self->sync == NULL)
    return;

  switch (state)
    {
    case TD_SYNC_INITIAL:
      text = _("Syncing…");
      icon = "emblem-synchronizing-symbolic";
      busy = TRUE;
      break;
    case TD_SYNC_OFFLINE:
      text = _("Offline — your changes are kept");
      icon = "network-offline-symbolic";
      break;
    case TD_SYNC_UNAUTHORIZED:
      text = _("Sign in again to sync");
      icon = "dialog-warning-symbolic";
      break;
    case TD_SYNC_PUSHING:
    case TD_SYNC_PULLING:
    case TD_SYNC_IDLE:
    case TD_SYNC_STOPPED:
    default:
      text = _("Up to date");
      icon = "emblem-ok-symbolic";
      break;
    }

  gtk_label_set_label (self->label, text);
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), busy);
  if (busy)
    {
      gint64 total = td_sync_get_progress_total (self->sync);

      if (total > 0)
        gtk_progress_bar_set_fraction (self->progress,
                                       CLAMP ((double) td_sync_get_progress_done (self->sync) / total,
                                              0.0, 1.0));
      else
        gtk_progress_bar_pulse (self->progress);
    }

  if (pending > 0)
    g_string_append_printf (detail, _("Changes waiting: %u"), pending);
  if (conflicts > 0)
    {
      if (detail->len > 0)
        g_string_append (detail, " · ");
      g_string_append_printf (detail, _("Conflicts: %u"), conflicts);
    }
  gtk_label_set_label (self->detail, detail->str);
  gtk_widget_set_visible (GTK_WIDGET (self->detail), detail->len > 0);
  gtk_widget_set_tooltip_text (self->box, td_sync_get_last_error (self->sync));
}

static void
unbind (TdSyncStatus *self)
{
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  if (self->counts != NULL)
    g_signal_handlers_disconnect_by_data (self->counts, self);
  g_clear_object (&self->sync);
  g_clear_object (&self->counts);
}

void
td_sync_status_set_account (TdSyncStatus *self,
                            TdAccount    *account)
{
  g_return_if_fail (TD_IS_SYNC_STATUS (self));

  unbind (self);
  if (account != NULL)
    {
      g_set_object (&self->sync, td_account_get_sync (account));
      g_set_object (&self->counts, td_account_get_counts (account));
    }
  if (self->sync != NULL)
    g_signal_connect_swapped (self->sync, "notify", G_CALLBACK (update), self);
  if (self->counts != NULL)
    g_signal_connect_swapped (self->counts, "notify", G_CALLBACK (update), self);
  update (self);
}

const char *
td_sync_status_get_text (TdSyncStatus *self)
{
  g_return_val_if_fail (TD_IS_SYNC_STATUS (self), NULL);

  return gtk_widget_get_visible (self->box) ? gtk_label_get_label (self->label) : NULL;
}

GtkWidget *
td_sync_status_new (void)
{
  return g_object_new (TD_TYPE_SYNC_STATUS, NULL);
}

static void
td_sync_status_dispose (GObject *object)
{
  TdSyncStatus *self = TD_SYNC_STATUS (object);

  unbind (self);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (td_sync_status_parent_class)->dispose (object);
}

static void
td_sync_status_class_init (TdSyncStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = td_sync_status_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "syncstatus");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
td_sync_status_init (TdSyncStatus *self)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 8);
  gtk_widget_set_margin_bottom (self->box, 10);

  self->icon = GTK_IMAGE (gtk_image_new ());
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_wrap (self->label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->icon), "dim-label");
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->icon));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->label));

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  self->detail = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->detail, 0);
  gtk_label_set_wrap (self->detail, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->detail), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->detail), "warning");

  gtk_box_append (GTK_BOX (self->box), line);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->progress));
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->detail));
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sync status"), -1);
  update (self);
}
