/* signin.js: the sign-in page. Checks the token with GET /web/session (sent as a bearer
   header), keeps it in sessionStorage for this tab only, and opens the token's workspace;
   with the admin token, lists the workspaces to choose from first. */
(function () {
  'use strict';
  var H = window.Herald;
  var tokenForm = H.$('#signin-form');
  var chooseForm = H.$('#choose-form');
  var note = H.$('#signin-note');
  var params = new URLSearchParams(location.search);
  var next = params.get('next') || '';
  var pending = null;

  /** Only a workspace page of this site may be the destination. */
  function nextFor(ws) {
    var m = /^\/w\/([^/?#]+)(\/[^?#]*)?$/.exec(next);
    if (m && decodeURIComponent(m[1]) === ws && next.indexOf('//') < 0) return next;
    return '/w/' + encodeURIComponent(ws);
  }
  function wsOfNext() {
    var m = /^\/w\/([^/?#]+)/.exec(next);
    return m ? decodeURIComponent(m[1]) : null;
  }

  if (params.get('reason') === 'expired') note.textContent = 'Your token was not accepted any more. Sign in again.';
  var existing = H.session.get();
  if (existing && existing.token && existing.workspace_id) {
    location.replace(nextFor(existing.workspace_id));
    return;
  }

  tokenForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    H.clearErrors(tokenForm);
    var token = H.$('#token').value.trim();
    if (!token) { H.showError(tokenForm, { field: 'token', message: 'Enter your access token.' }); return; }
    var button = H.$('button', tokenForm);
    button.disabled = true;
    H.api('GET', '/web/session', undefined, { token: token }).then(function (who) {
      var session = { token: token, role: who.role, actor: who.actor, admin: who.admin, workspace_id: who.workspace_id };
      if (!who.admin) {
        H.session.set(session);
        location.assign(nextFor(who.workspace_id));
        return;
      }
      return H.api('GET', '/api/workspaces', undefined, { token: token }).then(function (list) {
        pending = session;
        var select = H.clear(H.$('#workspace'));
        var want = wsOfNext();
        list.forEach(function (w) {
          select.appendChild(H.h('option', { value: w.id, selected: w.id === want }, w.name + ' (' + w.timezone + ')'));
        });
        if (!list.length) {
          note.textContent = 'No workspaces yet. Create one with POST /api/workspaces, then sign in again.';
          return;
        }
        tokenForm.hidden = true;
        chooseForm.hidden = false;
        note.textContent = 'Signed in as the global admin. Choose a workspace.';
        select.focus();
      });
    }).catch(function (err) {
      var message = err.status === 401 ? 'This token is not valid, or it was revoked.' : err.message;
      H.showError(tokenForm, { field: 'token', message: message });
    }).then(function () { button.disabled = false; });
  });

  chooseForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var ws = H.$('#workspace').value;
    if (!pending || !ws) return;
    pending.workspace_id = ws;
    H.session.set(pending);
    location.assign(nextFor(ws));
  });

  H.$('#choose-back').addEventListener('click', function () {
    pending = null;
    chooseForm.hidden = true;
    tokenForm.hidden = false;
    note.textContent = '';
    H.$('#token').focus();
  });
}());
