/* invitation.js: accepting an invitation. The single-use secret comes in the URL's
   fragment (#token=…, never sent to a server); it is read once and removed from the
   address bar and the history at once. Someone new gives a name and a password; someone
   who already has an account gives its password (or, signed in as the invited person,
   nothing). POST /api/invitations/accept then signs them in (the session cookie) and the
   workspace opens. The server does not say whether the address has an account until its
   right password is given: without a name, a password that is not the account's is a
   `name` error, shown here next to the password in "existing" mode. Errors are sentences
   next to what they concern. */
import { $, api, clearErrors, session, showError, tokenSession } from './core.js';

var form = $('#accept-form');
var problem = $('#invite-problem');
var m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
var secret = m ? decodeURIComponent(m[1]) : null;
if (location.hash) history.replaceState(null, '', location.pathname + location.search);
var mode = 'new';
var signedIn = null;

function stop(text) {
  secret = null;
  problem.textContent = text;
  problem.hidden = false;
  form.hidden = true;
  $('#invite-intro').hidden = true;
  document.body.dataset.loaded = 'true';
}
if (!secret) stop('This link is incomplete: there is no invitation in it. Open the link from your invitation again, or ask for a new one.');
else start();

/** The page for a link with an invitation in it. */
function start() {
  function setMode(next) {
    mode = next;
    form.dataset.mode = next;
    var existing = next === 'existing';
    $('#name-field').hidden = existing;
    $('#password-label').textContent = existing ? 'Your Herald password' : 'Choose a password';
    $('#password-hint').hidden = existing;
    $('#password').setAttribute('autocomplete', existing ? 'current-password' : 'new-password');
    $('#mode-toggle').textContent = existing ? 'I am new to Herald' : 'I already have a Herald account';
  }
  $('#mode-toggle').addEventListener('click', function () {
    clearErrors(form);
    setMode(mode === 'new' ? 'existing' : 'new');
    (mode === 'new' ? $('#name') : $('#password')).focus();
  });

  api('GET', '/api/me', undefined, { quiet: true }).then(function (me) {
    if (!me.user) return;
    signedIn = me;
    session.csrf = me.csrf_token;
    setMode('existing');
    $('#invite-intro').textContent = 'You are signed in as ' + me.user.name + ' (' + me.user.email + '). If the invitation is for that address, just join; otherwise give the password of the invited account.';
  }, function () { /* not signed in */ }).then(function () {
    document.body.dataset.loaded = 'true';
    (mode === 'new' ? $('#name') : $('#password')).focus();
  });

  function check(name, password) {
    if (signedIn && mode === 'existing') return null;
    if (mode === 'new' && !name) return { field: 'name', message: 'Enter your name, as your team will see it.' };
    if (!password) return { field: 'password', message: mode === 'new' ? 'Choose a password.' : 'Enter the password of your Herald account.' };
    if (mode === 'new' && password.length < 12) return { field: 'password', message: 'Choose a password of at least 12 characters.' };
    return null;
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!secret) return;
    clearErrors(form);
    var name = $('#name').value.trim();
    var password = $('#password').value;
    var wrong = check(name, password);
    if (wrong) { showError(form, wrong); return; }
    var body = { token: secret };
    if (password) body.password = password;
    if (mode === 'new') body.name = name;
    var button = $('#accept-button');
    button.disabled = true;
    api('POST', '/api/invitations/accept', body, { quiet: true }).then(function (joined) {
      secret = null;
      $('#password').value = '';
      tokenSession.clear();
      location.assign('/w/' + encodeURIComponent(joined.workspace_id));
    }, function (err) {
      button.disabled = false;
      if (err.status === 410) { stop('This invitation was already used, withdrawn or has expired; ask for a new one.'); return; }
      if (err.code === 'invalid_credentials') {
        setMode('existing');
        $('#password').value = '';
        showError(form, { field: 'password', message: 'This e-mail address already has a Herald account, and that is not its password. Give the password of that account.' });
        return;
      }
      if (err.field === 'name' && mode === 'existing') {
        $('#password').value = '';
        showError(form, { field: 'password', message: 'That is not the password of a Herald account with this address. If you are new to Herald, choose \u201cI am new to Herald\u201d.' });
        return;
      }
      showError(form, err);
    });
  });
}
