/* td-language.h: the languages of the user interface and switching between them at run time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct
{
  const char *code;     /* "de"; "" for the system default */
  const char *name;     /* the language's own name ("Deutsch"); never translated */
} TdLanguage;

/* The system default first, then English and the seven translations (DOMAIN.md §7). */
const TdLanguage *td_language_list          (guint      *n_languages);
gboolean          td_language_is_known      (const char *code);
/* Makes gettext use @code ("" for the system's languages) from now on and sets the text
 * direction to match; windows must be rebuilt to show it. Returns FALSE for an unknown code. */
gboolean          td_language_apply         (const char *code);
/* The code in effect ("" when following the system). */
const char       *td_language_get_current   (void);

G_END_DECLS
