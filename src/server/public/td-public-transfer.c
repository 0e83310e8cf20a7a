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

#include "td-public-page.h"

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

static const char page_main[] =
  "<h1>Twindesk</h1>\n"
  "<p id=\"status\">Signing in…</p>\n"
  "<noscript><p class=\"error\">This page needs JavaScript to sign "
  "you in.</p></noscript>\n";

/* GET /login/transfer (public). */
TdApiResponse *
td_public_transfer_page (TdApiCall *call)
{
  return td_public_page_new ("share login", page_style, page_main, page_script);
}
