/* profile.js: the person's own page. Name and e-mail notifications (PATCH /api/me),
   a new password (the current one first; changing it ends every session, this one too,
   so the page then goes to sign in), and the browsers signed in as them
   (GET /api/me/sessions) with "Sign out this session". Times are in the browser's own
   zone here (there is no workspace), and labelled. */
import { fatal, initChrome } from './chrome.js';
import { $, $$, ago, api, clear, clearErrors, fmtDateTime, h, sentence, session, showError, toast } from './core.js';

session.tz = (Intl.DateTimeFormat().resolvedOptions().timeZone) || 'UTC';

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
  return api('GET', '/api/me/sessions').then(function (list) {
    var ul = clear($('#sessions'));
    list.forEach(function (s) {
      ul.appendChild(h('li', { class: 'row', dataset: { sessionId: s.id, current: String(s.current) } },
        h('div', { class: 'row-main' },
          h('strong', { title: s.user_agent || '' }, describe(s.user_agent)), ' ',
          s.current ? h('span', { class: 'role-tag' }, 'This browser') : null,
          h('div', { class: 'muted small' }, 'Signed in ' + fmtDateTime(s.created_at) + (s.signed_in_from ? ' from ' + s.signed_in_from : '') + ' · last active ' + ago(s.last_seen_at))),
        h('button', { type: 'button', class: 'btn btn-small', dataset: { end: s.id }, onclick: function () { end(s); } },
          'Sign out this session')));
    });
  });
}

function end(s) {
  var err = $('#sessions-error');
  err.hidden = true;
  api('DELETE', '/api/me/sessions/' + encodeURIComponent(s.id)).then(function () {
    if (s.current) { location.assign('/?signed_out=1'); return; }
    toast('That session is signed out.', 'good');
    return loadSessions();
  }, function (e) { err.textContent = sentence(e); err.hidden = false; });
}

$('#name-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var form = ev.target;
  clearErrors(form);
  var name = $('#name').value.trim();
  if (!name) { showError(form, { field: 'name', message: 'Enter your name.' }); return; }
  $('#name-result').textContent = '';
  api('PATCH', '/api/me', { name: name, notify_email: $('#notify').checked }).then(function (user) {
    session.me.user = user;
    $('#user-name').textContent = user.name;
    $('#profile-sub').textContent = 'Signed in as ' + user.name + '.';
    $('#name-result').textContent = 'Saved.';
  }, function (err) { showError(form, err); });
});

$('#password-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var form = ev.target;
  clearErrors(form);
  var current = $('#current_password').value;
  var next = $('#password').value;
  if (!current) { showError(form, { field: 'current_password', message: 'Enter your current password.' }); return; }
  if (next.length < 12) { showError(form, { field: 'password', message: 'Choose a new password of at least 12 characters.' }); return; }
  if (next !== $('#confirm').value) { showError(form, { field: 'confirm', message: 'The two new passwords are not the same.' }); return; }
  api('PATCH', '/api/me', { current_password: current, password: next }).then(function () {
    $$('input[type=password]', form).forEach(function (i) { i.value = ''; });
    location.assign('/?reason=password_changed');
  }, function (err) { showError(form, err); });
});

initChrome(null).then(function () {
  var me = session.me;
  if (!me.user) {
    var note = $('#token-note');
    note.textContent = 'You are signed in with an access token. Tokens have no profile: people sign in with their e-mail address and password.';
    note.hidden = false;
    $('#profile-sub').textContent = '';
    document.body.dataset.loaded = 'true';
    return null;
  }
  $('#profile-sub').textContent = 'Signed in as ' + me.user.name + '.';
  $('#me-email').textContent = me.user.email;
  $('#name').value = me.user.name;
  $('#notify').checked = !!me.user.notify_email;
  ['#name-panel', '#password-panel', '#sessions-panel'].forEach(function (id) { $(id).hidden = false; });
  return loadSessions().then(function () { document.body.dataset.loaded = 'true'; });
}).catch(fatal);
