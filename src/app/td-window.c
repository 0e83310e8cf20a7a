/* td-window.c: the main window
 *
 * Shows the login page, a quiet "signing in" page while a remembered session is checked,
 * or the back office of DOMAIN.md §7: a top bar (burger, page title, main menu, bell,
 * avatar), the side menu with the modules the user's role may use, one page per module
 * (created when first shown) and the notification drawer at the end side.
 *
 * A language switch builds a new window, because every builder string is translated when
 * the template is instantiated; the new window opens on the same page and item and takes
 * the old one's size (see td-language.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-window"

#include "config.h"

#include "td-window.h"

#include <glib/gi18n-lib.h>

#include "td-about.h"
#include "td-dashboard-page.h"
#include "td-feedback-dialog.h"
#include "td-json.h"
#include "td-labels.h"
#include "td-language.h"
#include "td-list-page.h"
#include "td-login-page.h"
#include "td-side-menu.h"
#include "td-sync-status.h"
#include "td-account-dialog.h"
#include "td-notification-drawer.h"
#include "td-share-login-dialog.h"

/* A remembered session usually resumes within a few milliseconds; a spinner that flashes
 * for that long only looks like a glitch, so it appears after this delay. */
#define LOADING_REVEAL_DELAY_MS 300
#define DEFAULT_HELP_URL        "https://github.com/twindesk/twindesk"
/* A help URL the server announces is shown to a browser; keep it a sane length. */
#define MAX_HELP_URL            2048

struct _TdWindow
{
  AdwApplicationWindow  parent_instance;

  TdAccount            *account;
  guint                 reveal_loading_id;
  gboolean              shell_ready;
  TdModule              module;
  char                 *help_url;
  char                 *shell_user_id;   /* whom the side menu and pages were built for */
  GCancellable         *cancellable;
  GtkWidget            *drawer;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkRevealer          *loading_revealer;
  GtkLabel             *loading_detail_label;
  TdLoginPage          *login_page;
  GtkWidget            *home_page;
  AdwWindowTitle       *window_title;
  GtkToggleButton      *burger_button;
  GtkButton            *avatar_button;
  AdwAvatar            *avatar;
  GtkToggleButton      *bell_button;
  GtkLabel             *badge_label;
  GtkMenuButton        *menu_button;
  AdwFlap              *drawer_flap;
  GtkBox               *drawer_slot;
  AdwFlap              *side_flap;
  TdSideMenu           *side_menu;
  TdSyncStatus         *sync_status;
  GtkStack             *page_stack;
};

G_DEFINE_FINAL_TYPE (TdWindow, td_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Pages --------------------------------------------------------------------------------- */

GtkWidget *
td_window_get_page (TdWindow *self,
                    TdModule  module)
{
  g_return_val_if_fail (TD_IS_WINDOW (self), NULL);
  g_return_val_if_fail (module < TD_N_MODULES, NULL);

  return gtk_stack_get_child_by_name (self->page_stack, td_module_to_string (module));
}

static GtkWidget *
ensure_page (TdWindow *self,
             TdModule  module)
{
  GtkWidget *page = td_window_get_page (self, module);

  if (page != NULL)
    return page;

  if (module == TD_MODULE_DASHBOARD)
    page = td_dashboard_page_new (self->account);
  else
    page = td_list_page_new (self->account, module);

  gtk_stack_add_titled (self->page_stack, page, td_module_to_string (module),
                        td_labels_for_module (module));
  return page;
}

static void
clear_pages (TdWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->page_stack))) != NULL)
    gtk_stack_remove (self->page_stack, child);
}

gboolean
td_window_show_module (TdWindow *self,
                       TdModule  module)
{
  g_return_val_if_fail (TD_IS_WINDOW (self), FALSE);

  if (module >= TD_N_MODULES || !td_side_menu_has_module (self->side_menu, module))
    return FALSE;

  gtk_stack_set_visible_child (self->page_stack, ensure_page (self, module));
  td_side_menu_select_module (self->side_menu, module);
  adw_window_title_set_title (self->window_title, td_labels_for_module (module));
  self->module = module;

  g_settings_set_string (td_account_get_settings (self->account), "last-page",
                         td_module_to_string (module));

  /* On a narrow window the menu covers the page; picking a page closes it. */
  if (adw_flap_get_folded (self->side_flap))
    adw_flap_set_reveal_flap (self->side_flap, FALSE);

  return TRUE;
}

TdModule
td_window_get_module (TdWindow *self)
{
  g_return_val_if_fail (TD_IS_WINDOW (self), TD_N_MODULES);

  return self->module;
}

static TdModule
module_from_string (const char *name)
{
  for (TdModule module = 0; module < TD_N_MODULES; module++)
    if (g_strcmp0 (td_module_to_string (module), name) == 0)
      return module;

  return TD_N_MODULES;
}

gboolean
td_window_open_item (TdWindow   *self,
                     const char *subject_type,
                     const char *subject_id)
{
  static const struct { const char *type; TdModule module; } types[] = {
    { "ticket", TD_MODULE_TICKETS },
    { "video_session", TD_MODULE_VIDEO_SESSIONS },
    { "task", TD_MODULE_TASKS },
    { "code", TD_MODULE_CODES },
    { "device", TD_MODULE_DEVICES },
    { "customer", TD_MODULE_CUSTOMERS },
  };

  g_return_val_if_fail (TD_IS_WINDOW (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (types[i].type, subject_type) == 0)
      {
        if (!td_window_show_module (self, types[i].module))
          return FALSE;
        if (subject_id != NULL)
          td_list_page_show_item (TD_LIST_PAGE (td_window_get_page (self, types[i].module)),
                                  subject_id);
        return TRUE;
      }

  return FALSE;
}

static void
side_menu_selected_cb (TdWindow *self,
                       guint     module)
{
  td_window_show_module (self, module);
}

/* The top bar ---------------------------------------------------------------------------- */

static void
sync_badge (TdWindow *self,
            guint     unread)
{
  g_autofree char *count = NULL;
  g_autofree char *label = NULL;

  if (unread > 0)
    {
      count = unread > 99 ? g_strdup ("99+") : g_strdup_printf ("%u", unread);
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Notifications, %u unread", "Notifications, %u unread",
                                         unread), unread);
    }
  else
    label = g_strdup (_("Notifications"));

  gtk_label_set_text (self->badge_label, count != NULL ? count : "");
  gtk_widget_set_visible (GTK_WIDGET (self->badge_label), unread > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->bell_button), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bell_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
sync_avatar (TdWindow *self)
{
  const TdUser *user = td_account_get_user (self->account);
  g_autofree char *name = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (user == NULL)
    return;

  name = td_user_dup_display_name (user);
  adw_avatar_set_text (self->avatar, name);

  /* "data:image/png;base64,…" from PATCH /me; anything else shows the initials. */
  if (user->avatar != NULL && g_str_has_prefix (user->avatar, "data:image/"))
    {
      const char *comma = strchr (user->avatar, ',');

      if (comma != NULL && g_strstr_len (user->avatar, comma - user->avatar, ";base64") != NULL)
        {
          gsize length = 0;
          g_autofree guchar *data = g_base64_decode (comma + 1, &length);
          g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), length);

          texture = gdk_texture_new_from_bytes (bytes, NULL);
        }
    }
  adw_avatar_set_custom_image (self->avatar, GDK_PAINTABLE (texture));

  adw_window_title_set_subtitle (self->window_title,
                                 td_user_get_login_type (user) == TD_LOGIN_CUSTOMER
                                 ? user->customer_name : user->org_name);
}

static void
open_account_settings (TdWindow *self)
{
  td_account_dialog_present (GTK_WINDOW (self), self->account);
}

static void
avatar_pressed_cb (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   TdWindow        *self)
{
  /* DOMAIN.md §7: a double click on the profile picture opens the settings. */
  if (n_press == 2)
    open_account_settings (self);
}

static void
help_url_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TdWindow) self = user_data;
  g_autoptr(JsonObject) health = td_api_client_object_finish (TD_API_CLIENT (source), result, NULL);
  const char *url = td_json_get_string (health, "help_url");

  /* Only a web address goes to the browser. */
  if (url != NULL && strlen (url) <= MAX_HELP_URL &&
      (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")) &&
      g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL))
    {
      g_free (self->help_url);
      self->help_url = g_strdup (url);
    }
}

/* Actions ------------------------------------------------------------------------------- */

static void
toggle_side_menu_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  TdWindow *self = TD_WINDOW (user_data);

  if (self->shell_ready)
    adw_flap_set_reveal_flap (self->side_flap, !adw_flap_get_reveal_flap (self->side_flap));
}

static void
show_module_index_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  TdWindow *self = TD_WINDOW (user_data);
  guint index = g_variant_get_uint32 (parameter);

  /* From the keyboard, so the keyboard goes on in the page. */
  if (self->shell_ready && index >= 1 &&
      td_window_show_module (self, td_side_menu_get_module_at (self->side_menu, index - 1)))
    gtk_widget_child_focus (gtk_stack_get_visible_child (self->page_stack), GTK_DIR_TAB_FORWARD);
}

static void
search_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TdWindow *self = TD_WINDOW (user_data);
  GtkWidget *page = gtk_stack_get_visible_child (self->page_stack);

  if (self->shell_ready && TD_IS_LIST_PAGE (page))
    td_list_page_focus_search (TD_LIST_PAGE (page));
}

static void
reload_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TdWindow *self = TD_WINDOW (user_data);
  GtkWidget *page = gtk_stack_get_visible_child (self->page_stack);

  if (TD_IS_LIST_PAGE (page))
    td_list_page_reload (TD_LIST_PAGE (page));
  else if (TD_IS_DASHBOARD_PAGE (page))
    td_dashboard_page_reload (TD_DASHBOARD_PAGE (page));
}

static void
set_language_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TdWindow *self = TD_WINDOW (user_data);

  td_window_set_language (self, g_variant_get_string (parameter, NULL));
}

static void
knowledge_center_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  TdWindow *self = TD_WINDOW (user_data);

  gtk_show_uri (GTK_WINDOW (self), self->help_url ? self->help_url : DEFAULT_HELP_URL,
                GDK_CURRENT_TIME);
}

static void
release_notes_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  td_release_notes_present (GTK_WINDOW (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  td_about_present (GTK_WINDOW (user_data));
}

static void
legal_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  td_legal_present (GTK_WINDOW (user_data));
}

static void
feedback_done (GtkWindow  *parent,
               const char *message)
{
  if (TD_IS_WINDOW (parent))
    td_window_show_toast (TD_WINDOW (parent), message);
}

static void
feedback_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TdWindow *self = TD_WINDOW (user_data);

  td_feedback_dialog_present (GTK_WINDOW (self), self->account, feedback_done);
}

static void
account_settings_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  open_account_settings (TD_WINDOW (user_data));
}

static void
toggle_drawer_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TdWindow *self = TD_WINDOW (user_data);

  if (self->shell_ready && self->drawer != NULL)
    adw_flap_set_reveal_flap (self->drawer_flap, !adw_flap_get_reveal_flap (self->drawer_flap));
}

static const GActionEntry win_actions[] = {
  { "toggle-side-menu", toggle_side_menu_activated },
  { "toggle-drawer", toggle_drawer_activated },
  { "show-module-index", show_module_index_activated, "u" },
  { "search", search_activated },
  { "reload", reload_activated },
  { "set-language", set_language_activated, "s", "''" },
  { "knowledge-center", knowledge_center_activated },
  { "release-notes", release_notes_activated },
  { "about", about_activated },
  { "legal", legal_activated },
  { "feedback", feedback_activated },
  { "account-settings", account_settings_activated },
};

/* Shortcuts of the back office; the shortcuts window (ui/help-overlay.ui) lists them. */
static void
add_shortcuts (TdWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  static const struct { const char *trigger; const char *action; } shortcuts[] = {
    { "F9", "win.toggle-side-menu" },
    { "<Control>f", "win.search" },
    { "<Control>r", "win.reload" },
    { "F5", "win.reload" },
    { "<Control>n", "win.toggle-drawer" },
  };

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (shortcuts[i].trigger),
                                                            gtk_named_action_new (shortcuts[i].action)));

  /* Ctrl+1 … Ctrl+9: the n-th module of the side menu. */
  for (guint i = 1; i <= 9; i++)
    {
      g_autofree char *trigger = g_strdup_printf ("<Control>%u", i);
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                                gtk_named_action_new ("win.show-module-index"));

      gtk_shortcut_set_arguments (shortcut, g_variant_new_uint32 (i));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }

  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
build_menu (TdWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) languages = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) help = g_menu_new ();
  g_autofree char *about = g_strdup_printf (_("_About Twindesk %s"), PACKAGE_VERSION);
  const TdLanguage *list;
  guint n_languages;

  list = td_language_list (&n_languages);
  for (guint i = 0; i < n_languages; i++)
    {
      g_autoptr(GMenuItem) item = NULL;

      /* Each language by its own name, so anyone finds theirs whatever is shown now. */
      item = g_menu_item_new (list[i].name != NULL ? list[i].name : _("System Default"), NULL);
      g_menu_item_set_action_and_target (item, "win.set-language", "s", list[i].code);
      g_menu_append_item (languages, item);
    }

  g_menu_append_submenu (section, _("_Language"), G_MENU_MODEL (languages));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  g_menu_append (help, _("_Knowledge Center"), "win.knowledge-center");
  g_menu_append (help, _("_Release Notes"), "win.release-notes");
  g_menu_append (help, _("Send _Feedback"), "win.feedback");
  g_menu_append (help, _("_Keyboard Shortcuts"), "win.show-help-overlay");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (help));

  g_clear_object (&section);
  section = g_menu_new ();
  g_menu_append (section, _("_Legal Information"), "win.legal");
  g_menu_append (section, about, "win.about");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

/* The shell ----------------------------------------------------------------------------- */

static void
drawer_unread_cb (TdWindow *self)
{
  guint unread = 0;

  g_object_get (self->drawer, "unread-count", &unread, NULL);
  sync_badge (self, unread);
}

static void
drawer_open_item_cb (TdWindow   *self,
                     const char *subject_type,
                     const char *subject_id)
{
  if (td_window_open_item (self, subject_type, subject_id))
    adw_flap_set_reveal_flap (self->drawer_flap, FALSE);
}

static void
drawer_share_login_cb (TdWindow *self)
{
  td_share_login_dialog_present (GTK_WINDOW (self), self->account);
}

static void
setup_drawer (TdWindow *self)
{
  self->drawer = td_notification_drawer_new (self->account);
  /* Fills the slot; the slot itself does not expand (td-window.ui). */
  gtk_widget_set_hexpand (self->drawer, TRUE);
  gtk_box_append (self->drawer_slot, self->drawer);
  g_signal_connect_object (self->drawer, "notify::unread-count",
                           G_CALLBACK (drawer_unread_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->drawer, "open-item",
                           G_CALLBACK (drawer_open_item_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->drawer, "account-settings-requested",
                           G_CALLBACK (open_account_settings), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->drawer, "share-login-requested",
                           G_CALLBACK (drawer_share_login_cb), self, G_CONNECT_SWAPPED);
  drawer_unread_cb (self);
}

static void
teardown_shell (TdWindow *self)
{
  if (!self->shell_ready)
    return;

  self->shell_ready = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  adw_flap_set_reveal_flap (self->drawer_flap, FALSE);
  if (self->drawer != NULL)
    {
      gtk_box_remove (self->drawer_slot, self->drawer);
      self->drawer = NULL;
    }
  clear_pages (self);
  td_side_menu_set_role (self->side_menu, TD_ROLE_INVALID);
  td_sync_status_set_account (self->sync_status, NULL);
  self->module = TD_N_MODULES;
  g_clear_pointer (&self->shell_user_id, g_free);
}

static void
setup_shell (TdWindow *self)
{
  const TdUser *user = td_account_get_user (self->account);
  GSettings *settings = td_account_get_settings (self->account);
  g_autofree char *last_page = NULL;
  TdModule module;

  if (self->shell_ready || user == NULL)
    return;

  self->shell_ready = TRUE;
  self->shell_user_id = g_strdup (user->id);
  self->cancellable = g_cancellable_new ();
  td_side_menu_set_role (self->side_menu, user->role);
  td_sync_status_set_account (self->sync_status, self->account);
  sync_avatar (self);
  setup_drawer (self);

  td_api_client_call_async (td_account_get_client (self->account), "GET", "/api/v1/health", NULL,
                        self->cancellable, help_url_cb, g_object_ref (self));

  last_page = g_settings_get_string (settings, "last-page");
  module = module_from_string (last_page);
  if (!td_window_show_module (self, module))
    td_window_show_module (self, td_side_menu_get_module_at (self->side_menu, 0));
}

static gboolean
reveal_loading_cb (gpointer user_data)
{
  TdWindow *self = TD_WINDOW (user_data);

  self->reveal_loading_id = 0;
  gtk_revealer_set_reveal_child (self->loading_revealer, TRUE);
  return G_SOURCE_REMOVE;
}

static void
sync_page (TdWindow *self)
{
  TdAccountState state = TD_ACCOUNT_SIGNED_OUT;

  if (self->account != NULL)
    state = td_account_get_state (self->account);

  g_clear_handle_id (&self->reveal_loading_id, g_source_remove);

  switch (state)
    {
    case TD_ACCOUNT_RESTORING:
      {
        g_autofree char *email = td_account_dup_last_user (self->account);

        teardown_shell (self);
        gtk_label_set_label (self->loading_detail_label, email);
        gtk_revealer_set_reveal_child (self->loading_revealer, FALSE);
        self->reveal_loading_id = g_timeout_add (LOADING_REVEAL_DELAY_MS, reveal_loading_cb, self);
        gtk_stack_set_visible_child_name (self->stack, "loading");
      }
      break;

    case TD_ACCOUNT_SIGNED_IN:
      setup_shell (self);
      gtk_stack_set_visible_child_name (self->stack, "home");
      break;

    case TD_ACCOUNT_SIGNED_OUT:
    default:
      teardown_shell (self);
      gtk_stack_set_visible_child_name (self->stack, "login");
      break;
    }
}

/* Another user signed in without a sign-out in between (a remembered session replaced by a
 * new sign-in): their modules and data are not the previous user's. */
static void
user_changed_cb (TdWindow *self)
{
  const TdUser *user = td_account_get_user (self->account);

  if (self->shell_ready && user != NULL && g_strcmp0 (user->id, self->shell_user_id) != 0)
    {
      teardown_shell (self);
      setup_shell (self);
    }
  sync_avatar (self);
}

static void
account_notice_cb (TdWindow   *self,
                   const char *message)
{
  td_window_show_toast (self, message);
}

/* Window state -------------------------------------------------------------------------- */

static void
load_window_state (TdWindow *self)
{
  GSettings *settings = td_account_get_settings (self->account);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (TdWindow *self)
{
  GSettings *settings = td_account_get_settings (self->account);
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width = 0;
  int height = 0;

  g_settings_set_boolean (settings, "window-maximized", maximized);

  /* The size a maximized window had before is what it should return to. */
  if (maximized)
    return;

  /* The schema has a range; a value outside it would be refused with a warning. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", CLAMP (width, 360, 16384));
      g_settings_set_int (settings, "window-height", CLAMP (height, 294, 16384));
    }
}

static gboolean
td_window_close_request (GtkWindow *window)
{
  TdWindow *self = TD_WINDOW (window);

  if (self->account != NULL)
    save_window_state (self);

  return GTK_WINDOW_CLASS (td_window_parent_class)->close_request (window);
}

/* Language ------------------------------------------------------------------------------ */

TdWindow *
td_window_set_language (TdWindow   *self,
                        const char *code)
{
  GtkApplication *application;
  TdWindow *window;
  TdModule module;
  g_autoptr(GVariant) page_state = NULL;
  GtkWidget *page;
  int width = 0;
  int height = 0;

  g_return_val_if_fail (TD_IS_WINDOW (self), NULL);

  if (!td_language_is_known (code))
    return self;

  g_settings_set_string (td_account_get_settings (self->account), "language", code);
  td_language_apply (code);

  /* What the new window must show again. */
  module = self->module;
  page = module < TD_N_MODULES ? td_window_get_page (self, module) : NULL;
  if (TD_IS_LIST_PAGE (page))
    page_state = g_variant_ref_sink (td_list_page_save_state (TD_LIST_PAGE (page)));
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  application = gtk_window_get_application (GTK_WINDOW (self));
  window = g_object_new (TD_TYPE_WINDOW,
                         "application", application,
                         "account", self->account,
                         NULL);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  if (gtk_window_is_maximized (GTK_WINDOW (self)))
    gtk_window_maximize (GTK_WINDOW (window));
  adw_flap_set_reveal_flap (window->side_flap, adw_flap_get_reveal_flap (self->side_flap));

  if (module < TD_N_MODULES && window->shell_ready)
    {
      td_window_show_module (window, module);
      page = td_window_get_page (window, module);
      if (page_state != NULL && TD_IS_LIST_PAGE (page))
        td_list_page_restore_state (TD_LIST_PAGE (page), page_state);
    }

  gtk_window_present (GTK_WINDOW (window));
  /* Not close(): the size was handed on, and close-request would save the old one. */
  gtk_window_destroy (GTK_WINDOW (self));
  return window;
}

/* GObject ------------------------------------------------------------------------------- */

static void
td_window_constructed (GObject *object)
{
  TdWindow *self = TD_WINDOW (object);

  G_OBJECT_CLASS (td_window_parent_class)->constructed (object);

  gtk_widget_set_direction (GTK_WIDGET (self), gtk_widget_get_default_direction ());

  if (self->account != NULL)
    {
      load_window_state (self);
      td_login_page_set_account (self->login_page, self->account);
      g_signal_connect_object (self->account, "notify::state",
                               G_CALLBACK (sync_page), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->account, "notify::user",
                               G_CALLBACK (user_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->account, "notice",
                               G_CALLBACK (account_notice_cb), self, G_CONNECT_SWAPPED);
    }

  sync_page (self);
}

static void
td_window_dispose (GObject *object)
{
  TdWindow *self = TD_WINDOW (object);

  g_clear_handle_id (&self->reveal_loading_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* A disposed widget may live on for a while; the account must not call into it. */
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TD_TYPE_WINDOW);
  self->drawer = NULL;
  g_clear_object (&self->account);
  g_clear_pointer (&self->help_url, g_free);
  g_clear_pointer (&self->shell_user_id, g_free);

  G_OBJECT_CLASS (td_window_parent_class)->dispose (object);
}

static void
td_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TdWindow *self = TD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TdWindow *self = TD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_window_class_init (TdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = td_window_constructed;
  object_class->dispose = td_window_dispose;
  object_class->get_property = td_window_get_property;
  object_class->set_property = td_window_set_property;

  window_class->close_request = td_window_close_request;

  /* NULL for the pieces of tests that only build the window. */
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         TD_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TD_TYPE_LOGIN_PAGE);
  g_type_ensure (TD_TYPE_SIDE_MENU);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ui/td-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, loading_revealer);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, loading_detail_label);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, login_page);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, home_page);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, burger_button);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, avatar_button);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, avatar);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, bell_button);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, badge_label);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, drawer_flap);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, drawer_slot);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, side_flap);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, side_menu);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, sync_status);
  gtk_widget_class_bind_template_child (widget_class, TdWindow, page_stack);
  gtk_widget_class_bind_template_callback (widget_class, side_menu_selected_cb);
}

static void
td_window_init (TdWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkGesture *gesture;

  self->module = TD_N_MODULES;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Also installs win.show-help-overlay. */
  builder = gtk_builder_new_from_resource (RESOURCE_BASE_PATH "/ui/help-overlay.ui");
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                           GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "set-language")),
                             g_variant_new_string (td_language_get_current ()));
  add_shortcuts (self);
  build_menu (self);

  /* Pointer: a double click. Keyboard: Enter or Space on the focused button ("activate"
   * is only emitted by key bindings), since a keyboard cannot double-click. */
  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  /* Before the button's own click gesture, which claims every press it sees. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (avatar_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->avatar_button), GTK_EVENT_CONTROLLER (gesture));
  g_signal_connect_swapped (self->avatar_button, "activate", G_CALLBACK (open_account_settings), self);

#ifdef DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

TdWindow *
td_window_new (GtkApplication *application,
               TdAccount      *account)
{
  static gboolean language_applied;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (TD_IS_ACCOUNT (account), NULL);

  /* The chosen language must be in effect before the first template is built. */
  if (!language_applied)
    {
      g_autofree char *code = g_settings_get_string (td_account_get_settings (account), "language");

      language_applied = TRUE;
      if (*code != '\0')
        td_language_apply (code);
    }

  return g_object_new (TD_TYPE_WINDOW,
                       "application", application,
                       "account", account,
                       NULL);
}

TdAccount *
td_window_get_account (TdWindow *self)
{
  g_return_val_if_fail (TD_IS_WINDOW (self), NULL);

  return self->account;
}

/* Resumes a remembered session, if there is one; the login page reports what went wrong. */
void
td_window_restore_session (TdWindow *self)
{
  g_return_if_fail (TD_IS_WINDOW (self));

  td_login_page_restore_session (self->login_page);
}

/* The one way the app shows a passing message; decisions use dialogs, failures of a page
 * show on the page. */
void
td_window_show_toast (TdWindow   *self,
                      const char *message)
{
  g_return_if_fail (TD_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}
