/* signin.js: the sign-in page. A person signs in with e-mail and password
   (POST /api/auth/login sets the HttpOnly session cookie) and goes to the page they came
   from (`next`, if they may open it) or their first workspace. A browser still signed in
   goes on at once, unless it was sent here because access ended: then the page says
   why and offers the workspaces it still has. A machine's access token (secondary) is
   checked with GET /api/me as a bearer header and kept in this tab's sessionStorage;
   with the admin token, a workspace is chosen first. */
import { $, api, ApiError, clear, clearErrors, drafts, h, sentence, session, showError, tokenSession } from './core.js';

var loginForm = $('#login-form');
var tokenForm = $('#signin-form');
var chooseForm = $('#choose-form');
var note = $('#signin-note');
var params = new URLSearchParams(location.search);
var next = params.get('next') || '';
var reason = params.get('reason');
var pendingToken = null;
var current = null;

function wsOfNext() {
  var m = /^\/w\/([^/?#]+)(\/[^?#]*)?$/.exec(next);
  return m && next.indexOf('//') < 0 ? decodeURIComponent(m[1]) : null;
}
/** Where to go: `next` if this principal may open it, else its first workspace. */
function destination(me) {
  var list = me.memberships || [];
  var want = wsOfNext();
  if (want && (me.global_admin || list.some(function (m) { return m.workspace_id === want; }))) return next;
  if (next === '/me' && me.user) return '/me';
  return list.length ? '/w/' + encodeURIComponent(list[0].workspace_id) : null;
}

var REASONS = {
  expired: 'Your access token is no longer accepted. Sign in again.',
  signed_out: 'Your session has ended. Sign in again to carry on.',
  removed: 'You no longer have access to that workspace. Sign in as someone who has, or open another workspace.',
  password_changed: 'Your password was changed and you were signed out everywhere. Sign in with the new one.'
};
var words = REASONS[reason] || (params.get('signed_out') ? 'You are signed out.' : '');
if (drafts.any()) words += (words ? ' ' : '') + 'What you were writing is kept: it comes back once you are signed in.';
note.textContent = words;

var token = tokenSession.get();
if (token && !reason) location.replace(destination({ memberships: [{ workspace_id: token.workspace_id }] }));
else start();

/** The page, for a tab not already signed in with a token. */
function start() {
  /** Offers the workspaces of a session this browser still has. */
  function offerContinue(me) {
    var box = clear($('#continue'));
    var list = (me.memberships || []).slice(0, 6);
    box.appendChild(h('p', null, 'You are signed in as ', h('strong', null, me.user.name), ' (' + me.user.email + ').'));
    var row = h('div', { class: 'form-actions' });
    list.forEach(function (m) {
      row.appendChild(h('a', { class: 'btn btn-small', href: '/w/' + encodeURIComponent(m.workspace_id) }, 'Open ' + m.workspace_name));
    });
    row.appendChild(h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: function () {
      api('POST', '/api/auth/logout', undefined, { quiet: true }).catch(function () {}).then(function () {
        current = null;
        session.csrf = null;
        box.hidden = true;
        note.textContent = 'You are signed out.';
      });
    } }, 'Sign out'));
    box.appendChild(row);
    box.appendChild(h('p', { class: 'hint' }, list.length ? 'Or sign in as someone else:' : 'You are not a member of any workspace. Sign in as someone else:'));
    box.hidden = false;
  }

  api('GET', '/api/me', undefined, { quiet: true }).then(function (me) {
    if (!me.user) return;
    current = me;
    session.csrf = me.csrf_token;
    var dest = destination(me);
    if (!reason && !params.get('signed_out') && dest) { location.replace(dest); return; }
    offerContinue(me);
  }, function () { /* not signed in */ }).then(function () {
    document.body.dataset.loaded = 'true';
  });

  loginForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(loginForm);
    var email = $('#email').value.trim();
    var password = $('#password').value;
    if (!email) { showError(loginForm, { field: 'email', message: 'Enter your e-mail address.' }); return; }
    if (!password) { showError(loginForm, { field: 'password', message: 'Enter your password.' }); return; }
    var button = $('button[type=submit]', loginForm);
    button.disabled = true;
    // Signing in as someone else ends the session this browser had.
    var before = current ? api('POST', '/api/auth/logout', undefined, { quiet: true }).catch(function () {}) : Promise.resolve();
    before.then(function () {
      session.csrf = null;
      return api('POST', '/api/auth/login', { email: email, password: password }, { quiet: true });
    }).then(function (signed) {
      tokenSession.clear();
      session.csrf = signed.csrf_token;
      $('#password').value = '';
      return api('GET', '/api/me', undefined, { quiet: true });
    }).then(function (me) {
      var dest = destination(me);
      if (dest) { location.assign(dest); return; }
      current = me;
      offerContinue(me);
    }).catch(function (err) {
      if (err.code === 'invalid_credentials') {
        $('#password').value = '';
        showError(loginForm, { message: 'The e-mail address or the password is not right.' });
        $('#password').focus();
      } else {
        showError(loginForm, err);
      }
    }).then(function () { button.disabled = false; });
  });

  /* ---- tokens, for machines and automation ---- */
  tokenForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(tokenForm);
    var field = $('#token');
    var t = field.value.trim();
    if (!t) { showError(tokenForm, { field: 'token', message: 'Enter your access token.' }); return; }
    var button = $('button', tokenForm);
    button.disabled = true;
    api('GET', '/api/me', undefined, { token: t, quiet: true }).then(function (me) {
      field.value = '';
      var list = me.memberships || [];
      if (!me.global_admin) {
        if (!list.length) throw new ApiError(404, { error: { message: 'This token belongs to no workspace' } });
        tokenSession.set({ token: t, workspace_id: list[0].workspace_id });
        location.assign(destination(me));
        return;
      }
      pendingToken = t;
      var select = clear($('#workspace'));
      var want = wsOfNext();
      list.forEach(function (m) {
        select.appendChild(h('option', { value: m.workspace_id, selected: m.workspace_id === want }, m.workspace_name));
      });
      if (!list.length) {
        note.textContent = 'No workspaces yet. Create one with POST /api/workspaces, then sign in again.';
        return;
      }
      tokenForm.hidden = true;
      chooseForm.hidden = false;
      note.textContent = 'Signed in with the admin token. Choose a workspace.';
      select.focus();
    }).catch(function (err) {
      var message = err.status === 401 ? 'This token is not valid, or it was revoked.' : sentence(err);
      showError(tokenForm, { field: 'token', message: message });
    }).then(function () { button.disabled = false; });
  });

  chooseForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var ws = $('#workspace').value;
    if (!pendingToken || !ws) return;
    tokenSession.set({ token: pendingToken, workspace_id: ws });
    pendingToken = null;
    location.assign(wsOfNext() === ws ? next : '/w/' + encodeURIComponent(ws));
  });

  $('#choose-back').addEventListener('click', function () {
    pendingToken = null;
    chooseForm.hidden = true;
    tokenForm.hidden = false;
    note.textContent = '';
    $('#token').focus();
  });
}
