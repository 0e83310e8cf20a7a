/* td-about.h: About, Release Notes and Legal Information of the top-bar menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TD_PRIVACY_URL "https://github.com/twindesk/twindesk/blob/main/PRIVACY.md"

typedef struct
{
  char *version;
  char *date;
  char *notes;    /* the description as plain text, translated: paragraphs and "• " items */
  char *markup;   /* the description as AppStream markup, translated, for AdwAboutWindow */
} TdRelease;

void       td_release_free              (TdRelease  *release);
/* The releases of the bundled metainfo, newest first, translated into the current language. */
GPtrArray *td_about_load_releases       (void);

void       td_about_present             (GtkWindow  *parent);
void       td_release_notes_present     (GtkWindow  *parent);
void       td_legal_present             (GtkWindow  *parent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdRelease, td_release_free)

G_END_DECLS
