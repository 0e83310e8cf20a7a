/* td-about.c
 *
 * The release notes are the <releases> of the app's metainfo, which is bundled in the
 * resources so that the window shows exactly what the software centres show. Its texts are
 * already in the translation catalog (the metainfo is in POTFILES.in), so each paragraph
 * and item is looked up there at run time and follows a language switch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-about"

#include "config.h"

#include "td-about.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "td-application.h"

#define METAINFO_RESOURCE RESOURCE_BASE_PATH "/metainfo.xml"
#define PROJECT_URL       "https://github.com/twindesk/twindesk"

void
td_release_free (TdRelease *release)
{
  if (release == NULL)
    return;

  g_free (release->version);
  g_free (release->date);
  g_free (release->notes);
  g_free (release->markup);
  g_free (release);
}

typedef struct
{
  GPtrArray *releases;
  TdRelease *current;
  GString   *text;       /* the text of the <p> or <li> being read */
  GString   *notes;
  GString   *markup;
  gboolean   in_description;
  gboolean   in_list;
} ParseState;

static void
start_element_cb (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **names,
                  const char          **values,
                  gpointer              user_data,
                  GError              **error)
{
  ParseState *state = user_data;

  if (strcmp (element, "release") == 0)
    {
      state->current = g_new0 (TdRelease, 1);
      for (guint i = 0; names[i] != NULL; i++)
        {
          if (strcmp (names[i], "version") == 0)
            state->current->version = g_strdup (values[i]);
          else if (strcmp (names[i], "date") == 0)
            state->current->date = g_strdup (values[i]);
        }
      g_string_truncate (state->notes, 0);
      g_string_truncate (state->markup, 0);
    }
  else if (state->current != NULL && strcmp (element, "description") == 0)
    state->in_description = TRUE;
  else if (state->in_description && strcmp (element, "ul") == 0)
    {
      state->in_list = TRUE;
      g_string_append (state->markup, "<ul>");
    }
  else if (state->in_description && (strcmp (element, "p") == 0 || strcmp (element, "li") == 0))
    g_string_truncate (state->text, 0);
}

static void
text_cb (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              user_data,
         GError              **error)
{
  ParseState *state = user_data;

  if (state->in_description)
    g_string_append_len (state->text, text, length);
}

static void
end_element_cb (GMarkupParseContext  *context,
                const char           *element,
                gpointer              user_data,
                GError              **error)
{
  ParseState *state = user_data;

  if (state->in_description && (strcmp (element, "p") == 0 || strcmp (element, "li") == 0))
    {
      /* Collapsed as xgettext does, so the text matches its catalog entry. */
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (state->text->str), " \t\n", -1);
      g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
      g_auto(GStrv) filtered = NULL;
      g_autofree char *source = NULL;
      g_autofree char *escaped = NULL;
      const char *translated;
      gboolean item = strcmp (element, "li") == 0;

      for (guint i = 0; words[i] != NULL; i++)
        if (*words[i] != '\0')
          g_strv_builder_add (kept, words[i]);
      filtered = g_strv_builder_end (kept);
      source = g_strjoinv (" ", filtered);
      translated = g_dgettext (GETTEXT_PACKAGE, source);
      escaped = g_markup_escape_text (translated, -1);

      g_string_append_printf (state->notes, "%s%s\n", item ? "• " : (state->notes->len ? "\n" : ""),
                              translated);
      g_string_append_printf (state->markup, item ? "<li>%s</li>" : "<p>%s</p>", escaped);
    }
  else if (state->in_list && strcmp (element, "ul") == 0)
    {
      state->in_list = FALSE;
      g_string_append (state->markup, "</ul>");
    }
  else if (state->in_description && strcmp (element, "description") == 0)
    state->in_description = FALSE;
  else if (state->current != NULL && strcmp (element, "release") == 0)
    {
      state->current->notes = g_strdup (g_strchomp (state->notes->str));
      state->current->markup = g_strdup (state->markup->str);
      g_ptr_array_add (state->releases, g_steal_pointer (&state->current));
    }
}

GPtrArray *
td_about_load_releases (void)
{
  static const GMarkupParser parser = { start_element_cb, end_element_cb, text_cb, NULL, NULL };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  ParseState state = { 0 };
  gsize length = 0;
  const char *data;

  state.releases = g_ptr_array_new_with_free_func ((GDestroyNotify) td_release_free);
  state.text = g_string_new (NULL);
  state.notes = g_string_new (NULL);
  state.markup = g_string_new (NULL);

  bytes = g_resources_lookup_data (METAINFO_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &length);
      context = g_markup_parse_context_new (&parser, G_MARKUP_IGNORE_QUALIFIED, &state, NULL);
      if (!g_markup_parse_context_parse (context, data, length, &error) ||
          !g_markup_parse_context_end_parse (context, &error))
        g_warning ("Cannot read the release notes: %s", error->message);
    }
  else
    g_warning ("Cannot read the release notes: %s", error->message);

  g_clear_pointer (&state.current, td_release_free);
  g_string_free (state.text, TRUE);
  g_string_free (state.notes, TRUE);
  g_string_free (state.markup, TRUE);
  return state.releases;
}

void
td_about_present (GtkWindow *parent)
{
  g_autoptr(GPtrArray) releases = td_about_load_releases ();
  const char *developers[] = { "The Twindesk developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", "Twindesk",
                        "application-icon", TD_APP_ICON_NAME,
                        "developer-name", "The Twindesk developers",
                        "version", PACKAGE_VERSION,
                        "website", PROJECT_URL,
                        "issue-url", PROJECT_URL "/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);

  if (releases->len > 0)
    {
      TdRelease *latest = g_ptr_array_index (releases, 0);

      adw_about_window_set_release_notes_version (ADW_ABOUT_WINDOW (about), latest->version);
      adw_about_window_set_release_notes (ADW_ABOUT_WINDOW (about), latest->markup);
    }

  adw_about_window_add_link (ADW_ABOUT_WINDOW (about), _("Privacy Policy"), TD_PRIVACY_URL);
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about), "libadwaita", "© The GNOME Project",
                                      GTK_LICENSE_LGPL_2_1, NULL);
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about), "libsoup", "© The GNOME Project",
                                      GTK_LICENSE_LGPL_2_1, NULL);
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about), "SQLite", NULL,
                                      GTK_LICENSE_CUSTOM, "Public Domain");
  gtk_window_present (GTK_WINDOW (about));
}

void
td_release_notes_present (GtkWindow *parent)
{
  g_autoptr(GPtrArray) releases = td_about_load_releases ();
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  /* The latest release under the heading, two older ones below it. */
  for (guint i = 0; i < releases->len && i < 3; i++)
    {
      TdRelease *release = g_ptr_array_index (releases, i);

      if (i > 0)
        {
          g_string_append (body, "\n\n");
          /* Translators: above the notes of an older release: "Version 0.1.0 (2026-11-23)" */
          g_string_append_printf (body, _("Version %s (%s)"), release->version, release->date);
          g_string_append_c (body, '\n');
        }
      g_string_append (body, release->notes);
    }

  if (releases->len > 0)
    {
      TdRelease *latest = g_ptr_array_index (releases, 0);

      heading = g_strdup_printf (_("What’s New in Twindesk %s"), latest->version);
    }
  else
    heading = g_strdup (_("Release Notes"));

  dialog = adw_message_dialog_new (parent, heading, body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
license_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  td_about_present (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
}

void
td_legal_present (GtkWindow *parent)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (_("Twindesk %s is free software under the GNU General Public License, "
                            "version 3 or later. It comes with no warranty.\n\n"
                            "It uses GTK, libadwaita, libsoup, json-glib and libsecret (GNU "
                            "LGPL 2.1 or later), libqrencode (GNU LGPL 2.1 or later) and SQLite "
                            "(public domain).\n\n"
                            "What the server stores about you, and why, is described in the "
                            "<a href=\"%s\">privacy policy</a>."),
                          PACKAGE_VERSION, TD_PRIVACY_URL);

  dialog = adw_message_dialog_new (parent, _("Legal Information"), NULL);
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), TRUE);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "license", _("_License"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect (dialog, "response::license", G_CALLBACK (license_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}
