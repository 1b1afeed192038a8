/* reset.js: password reset. Without a token the page asks for an e-mail address and
   POSTs /api/auth/password-reset, whose answer is the same whether the address has an
   account or not (so is this page's). With ?token=… (the e-mailed link) it drops the
   token from the address bar at once, asks for a new password and POSTs
   /api/auth/password-reset/confirm, which signs the person in (every other session
   ends); a used or expired link says so and offers to ask again. */
import { $, api, clearErrors, showError, tokenSession } from './core.js';

var ask = $('#ask-form');
var choose = $('#choose-form');
var problem = $('#reset-problem');
var done = $('#reset-done');
var m = /(?:^\?|&)token=([^&]+)/.exec(location.search);
var token = m ? decodeURIComponent(m[1]) : null;
if (location.search) history.replaceState(null, '', location.pathname);

function show(banner, text) {
  banner.textContent = text;
  banner.hidden = false;
}

if (token) {
  ask.hidden = true;
  choose.hidden = false;
}
document.body.dataset.loaded = 'true';
(token ? $('#password') : $('#email')).focus();

ask.addEventListener('submit', function (ev) {
  ev.preventDefault();
  clearErrors(ask);
  var email = $('#email').value.trim();
  if (!email) { showError(ask, { field: 'email', message: 'Enter the e-mail address of your account.' }); return; }
  $('#ask-button').disabled = true;
  api('POST', '/api/auth/password-reset', { email: email }, { quiet: true }).then(function (answer) {
    ask.hidden = true;
    show(done, answer.message + ' The link works once, for an hour.');
  }, function (err) {
    $('#ask-button').disabled = false;
    showError(ask, err);
  });
});

choose.addEventListener('submit', function (ev) {
  ev.preventDefault();
  clearErrors(choose);
  var password = $('#password').value;
  if (password.length < 12) { showError(choose, { field: 'password', message: 'Choose a password of at least 12 characters.' }); return; }
  $('#choose-button').disabled = true;
  api('POST', '/api/auth/password-reset/confirm', { token: token, password: password }, { quiet: true }).then(function () {
    token = null;
    $('#password').value = '';
    tokenSession.clear();
    location.assign('/');
  }, function (err) {
    $('#choose-button').disabled = false;
    if (err.status === 410) {
      token = null;
      choose.hidden = true;
      ask.hidden = false;
      show(problem, 'This link was already used or has expired. Ask for a new one below.');
      return;
    }
    showError(choose, err);
  });
});
