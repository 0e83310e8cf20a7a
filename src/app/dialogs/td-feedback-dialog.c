/* td-feedback-dialog.c
 *
 * The server takes 1–5000 characters that are not only white space (docs/api.md,
 * "POST /api/v1/feedback"); Send stays insensitive until the text qualifies, so the only
 * errors left are the network's and the server's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-feedback-dialog"

#include "config.h"

#include "td-feedback-dialog.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>


typedef void (*DoneFunc) (GtkWindow  *parent,
                          const char *message);

typedef struct
{
  GtkWindow *parent;   /* weak */
  DoneFunc   done;
} Sending;

static void
sending_free (Sending *sending)
{
  g_clear_weak_pointer (&sending->parent);
  g_free (sending);
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
buffer_changed_cb (GtkTextBuffer    *buffer,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = buffer_text (buffer);
  glong length = g_utf8_strlen (text, -1);

  adw_message_dialog_set_response_enabled (dialog, "send",
                                           length <= TD_FEEDBACK_MAX_CHARS &&
                                           *g_strstrip (text) != '\0');
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sending *sending = user_data;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = td_api_client_object_finish (TD_API_CLIENT (source), result, &error);
  if (sending->done != NULL && sending->parent != NULL)
    {
      if (answer != NULL)
        sending->done (sending->parent, _("Thank you for your feedback"));
      else
        {
          g_autofree char *message = g_strdup_printf (_("Feedback not sent: %s"), error->message);

          sending->done (sending->parent, message);
        }
    }

  sending_free (sending);
}

static void
send_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  GtkTextBuffer    *buffer)
{
  TdAccount *account = g_object_get_data (G_OBJECT (dialog), "account");
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *text = buffer_text (buffer);
  Sending *sending = g_new0 (Sending, 1);

  g_set_weak_pointer (&sending->parent, gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  sending->done = g_object_get_data (G_OBJECT (dialog), "done");

  json_object_set_string_member (body, "text", text);
  json_object_set_string_member (body, "app_version", PACKAGE_VERSION);
  td_api_client_call_async (td_account_get_client (account), "POST", "/api/v1/feedback", body, NULL,
                        sent_cb, sending);
}

GtkWidget *
td_feedback_dialog_present (GtkWindow  *parent,
                            TdAccount  *account,
                            DoneFunc    done)
{
  GtkWidget *dialog;
  GtkWidget *scrolled;
  GtkWidget *view;
  GtkTextBuffer *buffer;

  g_return_val_if_fail (TD_IS_ACCOUNT (account), NULL);

  dialog = adw_message_dialog_new (parent, _("Send Feedback"),
                                   _("What works well, what gets in the way, what is missing? "
                                     "Your message goes to the Twindesk team with the app version."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "send", _("_Send"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "send", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Feedback"),
                                  -1);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 140);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_name (view, "feedback_text");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);

  g_object_set_data_full (G_OBJECT (dialog), "account", g_object_ref (account), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "done", done);
  g_signal_connect (buffer, "changed", G_CALLBACK (buffer_changed_cb), dialog);
  g_signal_connect (dialog, "response::send", G_CALLBACK (send_response_cb), buffer);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
  return dialog;
}
