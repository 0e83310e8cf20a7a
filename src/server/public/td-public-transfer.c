/* td-public-transfer.c: the share-login landing page for phones
 *
 * The desktop shows a QR code of <base>/login/transfer#<token>. The token is in the URL
 * fragment, which browsers never send to a server, so it appears in no access log; the
 * page's script reads it, removes it from the address bar and history, and POSTs it to
 * /api/v1/auth/transfer-tokens/redeem. One self-contained page: inline style and script
 * (allowed by their hashes in the Content-Security-Policy), no external resources.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-public"

#include "config.h"

#include "td-public-transfer.h"

#include <string.h>

static const char page_style[] =
  "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Cantarell,sans-serif;"
  "background:#f6f5f4;color:#241f31;display:flex;min-height:100vh;align-items:center;"
  "justify-content:center}"
  "main{background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.15);"
  "padding:2em 1.5em;margin:1em;max-width:26em;text-align:center}"
  "h1{font-size:1.3em;margin:0 0 .8em}"
  "p{font-size:1.05em;line-height:1.4;margin:.4em 0}"
  ".ok{color:#26a269}.error{color:#c01c28}"
  "@media (prefers-color-scheme:dark){body{background:#242424;color:#fff}"
  "main{background:#303030}}";

static const char page_script[] =
  "(function(){"
  "var status=document.getElementById('status');"
  "function show(text,cls){status.textContent=text;status.className=cls;}"
  "var token=window.location.hash.slice(1);"
  "if(window.history&&window.history.replaceState)"
  "{window.history.replaceState(null,'',window.location.pathname);}"
  "if(!/^[A-Za-z0-9_-]{20,512}$/.test(token))"
  "{show('This link is incomplete. Scan the QR code in Twindesk again.','error');return;}"
  "fetch('/api/v1/auth/transfer-tokens/redeem',{method:'POST',credentials:'omit',"
  "cache:'no-store',headers:{'Content-Type':'application/json'},"
  "body:JSON.stringify({token:token})})"
  ".then(function(r){return r.json().then(function(b){return{status:r.status,body:b};});})"
  ".then(function(r){"
  "if(r.status===200&&r.body&&r.body.user){"
  "var u=r.body.user;var org=u.organization&&u.organization.name?u.organization.name:'';"
  "try{window.sessionStorage.setItem('twindesk.session',r.body.token);}catch(e){}"
  "show('Signed in as '+u.display_name+(org?' ('+org+')':''),'ok');"
  "}else if(r.status===429){show('Too many attempts. Wait a moment and scan again.','error');"
  "}else{show('This link has expired or was already used. "
  "Create a new one in Twindesk and scan it again.','error');}"
  "}).catch(function(){show('The server could not be reached. Check the connection and "
  "scan again.','error');});"
  "})();";

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

/* GET /login/transfer (public). */
TdApiResponse *
td_public_transfer_page (TdApiCall *call)
{
  TdApiResponse *response = td_api_response_new (200);
  g_autofree char *script_hash = csp_hash (page_script);
  g_autofree char *style_hash = csp_hash (page_style);
  g_autofree char *csp = NULL;
  char *html;

  html = g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"referrer\" content=\"no-referrer\">\n"
                          "<title>Twindesk — share login</title>\n"
                          "<style>%s</style>\n</head>\n<body>\n<main>\n"
                          "<h1>Twindesk</h1>\n"
                          "<p id=\"status\">Signing in…</p>\n"
                          "<noscript><p class=\"error\">This page needs JavaScript to sign "
                          "you in.</p></noscript>\n"
                          "</main>\n<script>%s</script>\n</body>\n</html>\n",
                          page_style, page_script);

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
