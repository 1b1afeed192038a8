/* reset.js: password reset. Without a token the page asks for an e-mail address and
   POSTs /api/auth/password-reset, whose answer is the same whether the address has an
   account or not (so is this page's). With ?token=… (the e-mailed link) it drops the
   token from the address bar at once, asks for a new password and POSTs
   /api/auth/password-reset/confirm, which signs the person in (every other session
   ends); a used or expired link says so and offers to ask again. */
(function () {
  'use strict';
  var H = window.Herald;
  var ask = H.$('#ask-form');
  var choose = H.$('#choose-form');
  var problem = H.$('#reset-problem');
  var done = H.$('#reset-done');
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
  (token ? H.$('#password') : H.$('#email')).focus();

  ask.addEventListener('submit', function (ev) {
    ev.preventDefault();
    H.clearErrors(ask);
    var email = H.$('#email').value.trim();
    if (!email) { H.showError(ask, { field: 'email', message: 'Enter the e-mail address of your account.' }); return; }
    H.$('#ask-button').disabled = true;
    H.api('POST', '/api/auth/password-reset', { email: email }, { quiet: true }).then(function (answer) {
      ask.hidden = true;
      show(done, answer.message + ' The link works once, for an hour.');
    }, function (err) {
      H.$('#ask-button').disabled = false;
      H.showError(ask, err);
    });
  });

  choose.addEventListener('submit', function (ev) {
    ev.preventDefault();
    H.clearErrors(choose);
    var password = H.$('#password').value;
    if (password.length < 12) { H.showError(choose, { field: 'password', message: 'Choose a password of at least 12 characters.' }); return; }
    H.$('#choose-button').disabled = true;
    H.api('POST', '/api/auth/password-reset/confirm', { token: token, password: password }, { quiet: true }).then(function () {
      token = null;
      H.$('#password').value = '';
      H.tokenSession.clear();
      location.assign('/');
    }, function (err) {
      H.$('#choose-button').disabled = false;
      if (err.status === 410) {
        token = null;
        choose.hidden = true;
        ask.hidden = false;
        show(problem, 'This link was already used or has expired. Ask for a new one below.');
        return;
      }
      H.showError(choose, err);
    });
  });
}());
