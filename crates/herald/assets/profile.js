/* profile.js: the person's own page. Name and e-mail notifications (PATCH /api/me),
   a new password (the current one first; changing it ends every session, this one too,
   so the page then goes to sign in), and the browsers signed in as them
   (GET /api/me/sessions) with "Sign out this session". Times are in the browser's own
   zone here (there is no workspace), and labelled. */
(function () {
  'use strict';
  var H = window.Herald;
  H.tz = (Intl.DateTimeFormat().resolvedOptions().timeZone) || 'UTC';

  /** "Chrome on Linux" from a user agent, roughly; the raw text stays in the title. */
  function describe(ua) {
    if (!ua) return 'An unknown browser';
    var browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
      : /Safari\//.test(ua) ? 'Safari' : /curl|reqwest|python|node/i.test(ua) ? 'A script' : 'A browser';
    var os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows'
      : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
    return browser + (os ? ' on ' + os : '');
  }

  function loadSessions() {
    return H.api('GET', '/api/me/sessions').then(function (list) {
      var ul = H.clear(H.$('#sessions'));
      list.forEach(function (s) {
        ul.appendChild(H.h('li', { class: 'row', dataset: { sessionId: s.id, current: String(s.current) } },
          H.h('div', { class: 'row-main' },
            H.h('strong', { title: s.user_agent || '' }, describe(s.user_agent)), ' ',
            s.current ? H.h('span', { class: 'role-tag' }, 'This browser') : null,
            H.h('div', { class: 'muted small' }, 'Signed in ' + H.fmtDateTime(s.created_at) + (s.signed_in_from ? ' from ' + s.signed_in_from : '') + ' · last active ' + H.ago(s.last_seen_at))),
          H.h('button', { type: 'button', class: 'btn btn-small', dataset: { end: s.id }, onclick: function () { end(s); } },
            'Sign out this session')));
      });
    });
  }

  function end(s) {
    var err = H.$('#sessions-error');
    err.hidden = true;
    H.api('DELETE', '/api/me/sessions/' + encodeURIComponent(s.id)).then(function () {
      if (s.current) { location.assign('/?signed_out=1'); return; }
      H.toast('That session is signed out.', 'good');
      return loadSessions();
    }, function (e) { err.textContent = H.sentence(e); err.hidden = false; });
  }

  H.$('#name-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var form = ev.target;
    H.clearErrors(form);
    var name = H.$('#name').value.trim();
    if (!name) { H.showError(form, { field: 'name', message: 'Enter your name.' }); return; }
    H.$('#name-result').textContent = '';
    H.api('PATCH', '/api/me', { name: name, notify_email: H.$('#notify').checked }).then(function (user) {
      H.me.user = user;
      H.$('#user-name').textContent = user.name;
      H.$('#profile-sub').textContent = 'Signed in as ' + user.name + '.';
      H.$('#name-result').textContent = 'Saved.';
    }, function (err) { H.showError(form, err); });
  });

  H.$('#password-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var form = ev.target;
    H.clearErrors(form);
    var current = H.$('#current_password').value;
    var next = H.$('#password').value;
    if (!current) { H.showError(form, { field: 'current_password', message: 'Enter your current password.' }); return; }
    if (next.length < 12) { H.showError(form, { field: 'password', message: 'Choose a new password of at least 12 characters.' }); return; }
    if (next !== H.$('#confirm').value) { H.showError(form, { field: 'confirm', message: 'The two new passwords are not the same.' }); return; }
    H.api('PATCH', '/api/me', { current_password: current, password: next }).then(function () {
      H.$$('input[type=password]', form).forEach(function (i) { i.value = ''; });
      location.assign('/?reason=password_changed');
    }, function (err) { H.showError(form, err); });
  });

  H.initChrome(null).then(function () {
    var me = H.me;
    if (!me.user) {
      var note = H.$('#token-note');
      note.textContent = 'You are signed in with an access token. Tokens have no profile: people sign in with their e-mail address and password.';
      note.hidden = false;
      H.$('#profile-sub').textContent = '';
      document.body.dataset.loaded = 'true';
      return null;
    }
    H.$('#profile-sub').textContent = 'Signed in as ' + me.user.name + '.';
    H.$('#me-email').textContent = me.user.email;
    H.$('#name').value = me.user.name;
    H.$('#notify').checked = !!me.user.notify_email;
    ['#name-panel', '#password-panel', '#sessions-panel'].forEach(function (id) { H.$(id).hidden = false; });
    return loadSessions().then(function () { document.body.dataset.loaded = 'true'; });
  }).catch(H.fatal);
}());
