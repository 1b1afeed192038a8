/* chrome.js: what surrounds every signed-in page. Finds out who is signed in
   (GET /api/me: the person or token, the CSRF token, the memberships) and the role in
   this workspace; fills the top bar (workspace switcher, Team and Settings for admins,
   the person's menu with Profile and Sign out); turns "not found" into a page with a
   way back; and, when access ends while the page is open (signed out elsewhere,
   password changed, removed from the workspace, token revoked), says so and sends the
   next click to sign in, keeping what was typed (core.js's API calls report a lost
   access here, through `access`). Starts the bell (notify.js) once it knows who. */
import { $, $$, access, api, clear, config, drafts, h, roleAtLeast, sentence, session, tokenSession, toSignIn, wsPath } from './core.js';
import { startBell } from './notify.js';

var lostReason = null;

/** Who is signed in. Nobody: off to sign in (the promise then never settles). */
export function boot() {
  return api('GET', '/api/me', undefined, { quiet: true }).then(function (me) {
    session.me = me;
    session.csrf = me.csrf_token || null;
    startBell(me);
    return me;
  }, function (err) {
    if (err.status !== 401) throw err;
    toSignIn(tokenSession.get() ? 'expired' : null);
    return new Promise(function () {});
  });
}

/** The role the signed-in principal holds in `ws`, or null. */
export function roleIn(me, ws) {
  if (me.global_admin) return 'admin';
  var m = (me.memberships || []).filter(function (x) { return x.workspace_id === ws; })[0];
  return m ? m.role : null;
}

/** Loads who is signed in and the workspace (if the page has one), fills the top bar,
    and resolves with the workspace. Rejects (already shown) for an unknown one. */
export function initChrome(ws) {
  bindMenu();
  return boot().then(function (me) {
    fillUser(me);
    fillSwitcher(me, ws);
    if (!ws) return null;
    session.role = roleIn(me, ws);
    if (!session.role) { notFound('workspace'); throw shown(); }
    var chip = $('#role');
    if (chip) { chip.textContent = session.role; chip.hidden = false; }
    $$('[data-needs]').forEach(function (el) { el.hidden = !roleAtLeast(el.dataset.needs); });
    return api('GET', wsPath(ws), undefined, { quiet: true }).then(function (w) {
      session.tz = w.timezone || 'UTC';
      session.workspace = w;
      var name = $('#ws-name');
      if (name && $('#ws-select').hidden) name.textContent = w.name;
      $$('.tz-name').forEach(function (el) { el.textContent = session.tz; });
      return w;
    }, function (err) {
      if (err.status === 404) { notFound('workspace'); throw shown(); }
      throw err;
    });
  });
}
function shown() { var e = new Error('shown'); e.shown = true; return e; }

function fillUser(me) {
  var name = $('#user-name');
  if (!name) return;
  var token = !me.user;
  name.textContent = token ? (me.global_admin ? 'Admin token' : 'Access token') : me.user.name;
  var email = $('#user-email');
  if (email && me.user) { email.textContent = me.user.email; email.hidden = false; }
  var profile = $('#menu-profile');
  if (profile) profile.hidden = token;
}

function fillSwitcher(me, ws) {
  var select = $('#ws-select');
  if (!select) return;
  var list = (me.memberships || []).slice().sort(function (a, b) { return a.workspace_name.localeCompare(b.workspace_name); });
  var here = list.filter(function (m) { return m.workspace_id === ws; })[0];
  if (here) $('#ws-name').textContent = here.workspace_name;
  if (list.length < 2 && ws) return;
  if (!list.length) return;
  clear(select);
  if (!here) select.appendChild(h('option', { value: '', selected: true, disabled: true }, 'Choose a workspace…'));
  list.forEach(function (m) {
    select.appendChild(h('option', { value: m.workspace_id, selected: m.workspace_id === ws }, m.workspace_name));
  });
  select.hidden = false;
  $('#ws-name').hidden = true;
  select.addEventListener('change', function () {
    var section = (/^\/w\/[^/]+\/(approvals|team|settings)$/.exec(location.pathname) || [])[1];
    location.assign('/w/' + encodeURIComponent(select.value) + (section ? '/' + section : ''));
  });
}

var menuBound = false;
function bindMenu() {
  if (menuBound) return;
  menuBound = true;
  var menu = $('#user-menu');
  if (!menu) return;
  document.addEventListener('click', function (e) { if (menu.open && !menu.contains(e.target)) menu.open = false; });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && menu.open) { menu.open = false; $('summary', menu).focus(); }
  });
  $('#sign-out').addEventListener('click', signOut);
}

/** Ends the session (person) or forgets the token (machine), then the sign-in page. */
export function signOut() {
  if (tokenSession.get()) { tokenSession.clear(); location.assign('/?signed_out=1'); return; }
  api('POST', '/api/auth/logout', undefined, { quiet: true }).catch(function () {}).then(function () {
    location.assign('/?signed_out=1');
  });
}

/** The pending-approval count in the navigation. */
export function setPendingNav(n) {
  var el = $('#nav-pending');
  if (!el) return;
  el.hidden = !n;
  $('.n', el).textContent = n ? String(n) : '';
}

/** A page that says what was not found, with a way back (instead of an empty shell). */
export function notFound(kind) {
  if (session.connection) session.connection.stop();
  var ws = config.workspace_id;
  var main = clear($('#main'));
  var links = h('div', { class: 'form-actions' });
  var text;
  if (kind === 'post') {
    text = 'This post does not exist, or it belongs to another workspace.';
    links.appendChild(h('a', { class: 'btn btn-primary', href: '/w/' + encodeURIComponent(ws) }, 'Back to the dashboard'));
  } else {
    text = 'This workspace does not exist, or you have no access to it.';
    ['#nav', '#live'].forEach(function (sel) { var el = $(sel); if (el) el.hidden = true; });
    ((session.me && session.me.memberships) || []).slice(0, 8).forEach(function (m, i) {
      links.appendChild(h('a', { class: 'btn' + (i ? '' : ' btn-primary'), href: '/w/' + encodeURIComponent(m.workspace_id) }, 'Open ' + m.workspace_name));
    });
    if (!links.firstChild) links.appendChild(h('a', { class: 'btn btn-primary', href: '/' }, 'Go to sign in'));
  }
  main.appendChild(h('div', { class: 'panel not-found', id: 'not-found', dataset: { kind: kind } },
    h('h1', null, kind === 'post' ? 'Post not found' : 'Workspace not found'),
    h('p', { class: 'sub' }, text), links));
  document.title = (kind === 'post' ? 'Post' : 'Workspace') + ' not found · Herald';
  document.body.dataset.loaded = 'true';
}

/** Shows a failure to load: "not found" as a page, anything else once, as a banner. */
export function fatal(err) {
  if (err && err.shown) return;
  if (err && err.status === 404) { notFound(config.post_id ? 'post' : 'workspace'); return; }
  var main = $('#main');
  if ($('#fatal', main)) return;
  main.insertBefore(h('div', { class: 'banner', id: 'fatal', dataset: { tone: 'bad' }, role: 'alert' }, sentence(err)), main.firstChild);
}

/** Whether this tab may still read the workspace: a quiet look at it. On 401 or 404
    the page is told access ended (lost). Resolves true when it may (or when it
    cannot be known now). */
var checking = null;
export function checkAccess() {
  var ws = config.workspace_id;
  if (!ws || lostReason) return Promise.resolve(!lostReason);
  if (checking) return checking;
  checking = api('GET', wsPath(ws), undefined, { quiet: true }).then(function () { return true; }, function (err) {
    if (err.status === 401) { lost('signed_out'); return false; }
    if (err.status === 404) { lost('removed'); return false; }
    return true;
  }).then(function (ok) { checking = null; return ok; });
  return checking;
}

var LOST = {
  signed_out: ['Signed out', 'Your session has ended: you were signed out, or your password was changed. What you typed here is kept; sign in again to carry on.'],
  token: ['Signed out', 'This access token is no longer accepted: it was revoked. What you typed here is kept; sign in again to carry on.'],
  removed: ['No access', 'You no longer have access to this workspace: an admin removed you or changed your access. What you typed here is kept; sign in (as someone with access) to carry on.']
};
/** Access ended while the page is open: say so, keep the drafts, and send the next
    click (anywhere) to sign in. */
export function lost(reason) {
  if (lostReason) return;
  if (reason === 'signed_out' && tokenSession.get()) reason = 'token';
  lostReason = reason;
  var words = LOST[reason] || LOST.signed_out;
  if (session.connection) session.connection.stop();
  drafts.save();
  var live = $('#live');
  if (live) {
    live.dataset.state = 'ended';
    $('.live-text', live).textContent = words[0];
    $('.live-count', live).textContent = '';
  }
  var main = $('#main');
  main.insertBefore(h('div', { class: 'banner', id: 'access-ended', dataset: { tone: 'bad', reason: reason }, role: 'alert' },
    h('span', null, words[1] + ' '),
    h('button', { type: 'button', class: 'btn btn-small' }, 'Sign in')), main.firstChild);
  document.body.dataset.lost = reason;
  var go = function (e) { e.preventDefault(); e.stopPropagation(); toSignIn(reason === 'token' ? 'expired' : reason); };
  document.addEventListener('click', go, true);
  document.addEventListener('submit', go, true);
  window.addEventListener('pagehide', drafts.save);
}

access.lost = lost;
access.checkAccess = checkAccess;
