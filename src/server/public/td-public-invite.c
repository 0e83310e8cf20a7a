/* td-public-invite.c: the page an invitation email links to
 *
 * The email carries <public URL>/invite#<token>. The token is in the URL fragment, which
 * browsers never send, so it appears in no access log; the page's script reads it, removes
 * it from the address bar and history, asks for a password (and optionally the name) and
 * POSTs everything to /api/v1/invitations/accept. Like the share-login page: one
 * self-contained page, inline style and script allowed by their hashes in a strict
 * Content-Security-Policy, no external resources. Works on a phone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-public"

#include "config.h"

#include "td-public-invite.h"

#include "td-public-page.h"

static const char page_style[] =
  "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Cantarell,sans-serif;"
  "background:#f6f5f4;color:#241f31;display:flex;min-height:100vh;align-items:center;"
  "justify-content:center}"
  "main{background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.15);"
  "padding:2em 1.5em;margin:1em;width:100%;max-width:26em;box-sizing:border-box}"
  "h1{font-size:1.3em;margin:0 0 .8em;text-align:center}"
  "p{font-size:1.05em;line-height:1.4;margin:.4em 0}"
  "label{display:block;margin:.8em 0 .2em;font-size:.95em}"
  "input{width:100%;box-sizing:border-box;font-size:1.05em;padding:.55em;border:1px solid #c0bfbc;"
  "border-radius:6px;background:inherit;color:inherit}"
  "button{margin-top:1.2em;width:100%;font-size:1.05em;padding:.65em;border:0;border-radius:6px;"
  "background:#3584e4;color:#fff}button:disabled{opacity:.6}"
  ".ok{color:#26a269}.error{color:#c01c28}[hidden]{display:none}"
  "@media (prefers-color-scheme:dark){body{background:#242424;color:#fff}"
  "main{background:#303030}}";

static const char page_script[] =
  "(function(){"
  "var form=document.getElementById('form');var status=document.getElementById('status');"
  "var button=document.getElementById('submit');"
  "function show(text,cls){status.textContent=text;status.className=cls;}"
  "var token=window.location.hash.slice(1);"
  "if(window.history&&window.history.replaceState)"
  "{window.history.replaceState(null,'',window.location.pathname);}"
  "if(!/^[A-Za-z0-9_-]{20,512}$/.test(token))"
  "{show('This link is incomplete. Open the link in the invitation email again.','error');return;}"
  "form.hidden=false;"
  "form.addEventListener('submit',function(e){"
  "e.preventDefault();"
  "var p=document.getElementById('password').value;"
  "var c=document.getElementById('confirm').value;"
  "if(p!==c){show('The passwords do not match.','error');return;}"
  "var body={token:token,password:p};"
  "var f=document.getElementById('first').value.trim();"
  "var l=document.getElementById('last').value.trim();"
  "if(f){body.first_name=f;}if(l){body.last_name=l;}"
  "button.disabled=true;show('Setting up your account…','');"
  "fetch('/api/v1/invitations/accept',{method:'POST',credentials:'omit',"
  "cache:'no-store',headers:{'Content-Type':'application/json'},"
  "body:JSON.stringify(body)})"
  ".then(function(r){return r.json().then(function(b){return{status:r.status,body:b};});})"
  ".then(function(r){"
  "if(r.status===200&&r.body&&r.body.user){"
  "form.hidden=true;token='';"
  "show('Welcome, '+r.body.user.display_name+'. Your account is ready: sign in with '"
  "+r.body.user.email+' in the Twindesk app.','ok');"
  "}else if(r.status===400&&r.body&&r.body.error){"
  "button.disabled=false;show(r.body.error.message,'error');"
  "}else if(r.status===401){form.hidden=true;"
  "show('This invitation link has expired or was already used. Ask for a new invitation.','error');"
  "}else{button.disabled=false;show('Something went wrong. Try again in a moment.','error');}"
  "}).catch(function(){button.disabled=false;"
  "show('The server could not be reached. Check the connection and try again.','error');});"
  "});"
  "})();";

static const char page_main[] =
  "<h1>Twindesk</h1>\n"
  "<form id=\"form\" hidden>\n"
  "<p>Choose a password for your new account.</p>\n"
  "<label for=\"password\">Password (at least 8 characters)</label>\n"
  "<input id=\"password\" type=\"password\" autocomplete=\"new-password\" "
  "minlength=\"8\" maxlength=\"128\" required>\n"
  "<label for=\"confirm\">Repeat the password</label>\n"
  "<input id=\"confirm\" type=\"password\" autocomplete=\"new-password\" "
  "minlength=\"8\" maxlength=\"128\" required>\n"
  "<label for=\"first\">First name (optional)</label>\n"
  "<input id=\"first\" type=\"text\" autocomplete=\"given-name\" maxlength=\"200\">\n"
  "<label for=\"last\">Last name (optional)</label>\n"
  "<input id=\"last\" type=\"text\" autocomplete=\"family-name\" maxlength=\"200\">\n"
  "<button id=\"submit\" type=\"submit\">Create account</button>\n"
  "</form>\n"
  "<p id=\"status\" role=\"status\"></p>\n"
  "<noscript><p class=\"error\">This page needs JavaScript.</p></noscript>\n";

/* GET /invite (public). */
TdApiResponse *
td_public_invite_page (TdApiCall *call)
{
  return td_public_page_new ("accept the invitation", page_style, page_main, page_script);
}
