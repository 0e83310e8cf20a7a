/* td-public-page.c: the self-contained pages the server shows to browsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-public"

#include "config.h"

#include "td-public-page.h"

#include <string.h>

static char *
csp_hash (const char *text)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *encoded = NULL;

  g_checksum_update (checksum, (const guchar *) text, (gssize) strlen (text));
  g_checksum_get_digest (checksum, digest, &length);
  encoded = g_base64_encode (digest, length);
  return g_strdup_printf ("'sha256-%s'", encoded);
}

TdApiResponse *
td_public_page_new (const char *title,
                    const char *style,
                    const char *main_html,
                    const char *script)
{
  TdApiResponse *response = td_api_response_new (200);
  g_autofree char *script_hash = csp_hash (script);
  g_autofree char *style_hash = csp_hash (style);
  g_autofree char *csp = NULL;
  char *html;

  html = g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"referrer\" content=\"no-referrer\">\n"
                          "<title>Twindesk — %s</title>\n"
                          "<style>%s</style>\n</head>\n<body>\n<main>\n"
                          "%s"
                          "</main>\n<script>%s</script>\n</body>\n</html>\n",
                          title, style, main_html, script);

  csp = g_strdup_printf ("default-src 'none'; script-src %s; style-src %s; connect-src 'self'; "
                         "img-src 'self'; base-uri 'none'; form-action 'none'; "
                         "frame-ancestors 'none'", script_hash, style_hash);

  response->body = g_bytes_new_take (html, strlen (html));
  response->content_type = "text/html; charset=utf-8";
  td_api_response_set_header (response, "Content-Security-Policy", csp);
  td_api_response_set_header (response, "X-Content-Type-Options", "nosniff");
  td_api_response_set_header (response, "Referrer-Policy", "no-referrer");
  td_api_response_set_header (response, "X-Frame-Options", "DENY");
  return response;
}
