/* td-language.c
 *
 * How a switch works on GTK 4.8 / glibc (see PLATFORM.md, "Runtime language switching"):
 * LANGUAGE decides which catalogs gettext reads, _nl_msg_cat_cntr tells glibc to drop what it
 * cached, and GTK takes the text direction from the translation of "default:LTR". Windows are
 * then rebuilt by their owner so that every builder string is looked up again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-language"

#include "config.h"

#include "td-language.h"

#include <locale.h>
#include <string.h>

/* glibc's catalog generation counter; incrementing it invalidates gettext's caches. */
extern int _nl_msg_cat_cntr;

static const TdLanguage languages[] = {
  { "", NULL },               /* the system default; its label is translated by the menu */
  { "en", "English" },
  { "de", "Deutsch" },
  { "fr", "Français" },
  { "es", "Español" },
  { "it", "Italiano" },
  { "nl", "Nederlands" },
  { "pl", "Polski" },
  { "ar", "العربية" },
};

static char *system_language;   /* LANGUAGE as the app found it, restored for "" */
static char *current_code;

const TdLanguage *
td_language_list (guint *n_languages)
{
  if (n_languages != NULL)
    *n_languages = G_N_ELEMENTS (languages);
  return languages;
}

gboolean
td_language_is_known (const char *code)
{
  if (code == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (strcmp (languages[i].code, code) == 0)
      return TRUE;

  return FALSE;
}

const char *
td_language_get_current (void)
{
  return current_code != NULL ? current_code : "";
}

gboolean
td_language_apply (const char *code)
{
  static gsize initialized;
  const char *locale;

  if (!td_language_is_known (code))
    return FALSE;

  if (g_once_init_enter (&initialized))
    {
      system_language = g_strdup (g_getenv ("LANGUAGE"));
      g_once_init_leave (&initialized, 1);
    }

  /* glibc ignores LANGUAGE in the C locale; C.UTF-8 keeps its meaning and honours it. */
  locale = setlocale (LC_MESSAGES, NULL);
  if (locale == NULL || strcmp (locale, "C") == 0 || strcmp (locale, "POSIX") == 0)
    setlocale (LC_ALL, "C.UTF-8");

  if (*code != '\0')
    g_setenv ("LANGUAGE", code, TRUE);
  else if (system_language != NULL)
    g_setenv ("LANGUAGE", system_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  ++_nl_msg_cat_cntr;

  g_free (current_code);
  current_code = g_strdup (code);

  /* GTK reads the direction from its own Arabic catalog, which may not be installed. */
  if (strcmp (code, "ar") == 0)
    gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
  else if (*code != '\0')
    gtk_widget_set_default_direction (GTK_TEXT_DIR_LTR);
  else
    gtk_widget_set_default_direction (gtk_get_locale_direction ());
  return TRUE;
}
