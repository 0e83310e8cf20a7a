/* main.c: the twindesk desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "twindesk"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "td-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TdApplication) app = NULL;
  const char *locale;

  setlocale (LC_ALL, "");

  /* glibc ignores LANGUAGE in the plain C locale, which would make choosing a language
   * in the app impossible on a machine without a configured locale. */
  locale = setlocale (LC_ALL, NULL);
  if (locale == NULL || g_str_equal (locale, "C") || g_str_equal (locale, "POSIX"))
    setlocale (LC_ALL, "C.UTF-8");

  /* No textdomain(): gi18n-lib.h and domain="twindesk" in every .ui name the domain, and
   * leaving the default domain alone keeps language switching at run time working. */
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  app = td_application_new (NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
