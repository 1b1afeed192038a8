/* notify.js: the notification bell in the top bar of every signed-in page, for people
   (tokens get none). The unread count comes with GET /api/me; opening the bell lists
   the notifications newest first (GET /api/me/notifications); clicking one marks it
   read (POST /api/me/notifications/read) and opens its post; "Mark all read" marks the
   rest. Live: the `notification` event of the page's workspace stream adds it at once
   (live.js hands it to onNotification, so every page gets it); pages without a stream
   read the count again when the tab comes back into view. chrome.js starts it
   (startBell) once it knows who is signed in. */
import { $, ago, api, clear, fmtDateTime, h, sentence, session, toast } from './core.js';

var bell = $('#bell');
var st = { list: null, unread: 0, started: false };

function setCount(n) {
  st.unread = Math.max(0, n);
  var c = $('#bell-count');
  c.textContent = st.unread ? String(st.unread > 99 ? '99+' : st.unread) : '';
  c.hidden = !st.unread;
  c.dataset.count = String(st.unread);
  $('.bell-button .visually-hidden', bell).textContent = st.unread ? 'Notifications, ' + st.unread + ' unread' : 'Notifications';
  $('#bell-read-all').hidden = !st.unread;
}

function open(n) {
  var go = function () {
    if (n.post_id) location.assign('/w/' + encodeURIComponent(n.workspace_id) + '/posts/' + encodeURIComponent(n.post_id));
    else location.assign('/w/' + encodeURIComponent(n.workspace_id));
  };
  if (n.read_at) { go(); return; }
  api('POST', '/api/me/notifications/read', { ids: [n.id] }, { quiet: true }).catch(function () {}).then(function () {
    n.read_at = new Date().toISOString();
    setCount(st.unread - 1);
    go();
  });
}

function render() {
  var ul = clear($('#bell-list'));
  var list = st.list || [];
  list.forEach(function (n) {
    ul.appendChild(h('li', { dataset: { id: n.id, kind: n.kind, unread: String(!n.read_at), postId: n.post_id || '' } },
      h('button', { type: 'button', onclick: function () { open(n); } },
        n.read_at ? null : h('span', { class: 'visually-hidden' }, 'Unread: '),
        n.text,
        h('span', { class: 'when' }, ago(n.created_at) + ' · ' + fmtDateTime(n.created_at)))));
  });
  $('#bell-empty').hidden = list.length > 0 || st.list === null;
}

function load() {
  return api('GET', '/api/me/notifications', undefined, { quiet: true }).then(function (list) {
    st.list = list || [];
    setCount(st.list.filter(function (n) { return !n.read_at; }).length);
    render();
  }, function () { /* the count from /api/me stays */ });
}

/** A notification pushed live. */
function arrived(n) {
  if (!n || !n.id || !st.started) return;
  if (st.list && st.list.some(function (x) { return x.id === n.id; })) return;
  if (st.list) { st.list.unshift(n); render(); }
  if (!n.read_at) setCount(st.unread + 1);
  toast(n.text, 'info');
}

/** The bell's own controls (a page without the top bar has no bell). */
function bind() {
  $('#bell-read-all').addEventListener('click', function () {
    var ids = (st.list || []).filter(function (n) { return !n.read_at; }).map(function (n) { return n.id; });
    var ready = st.list ? Promise.resolve() : load();
    ready.then(function () {
      if (!ids.length) ids = (st.list || []).filter(function (n) { return !n.read_at; }).map(function (n) { return n.id; });
      return api('POST', '/api/me/notifications/read', { ids: ids }, { quiet: true });
    }).then(function () {
      var now = new Date().toISOString();
      (st.list || []).forEach(function (n) { if (!n.read_at) n.read_at = now; });
      setCount(0);
      render();
    }, function (err) { toast(sentence(err), 'bad'); });
  });
  bell.addEventListener('toggle', function () { if (bell.open) load(); });
  document.addEventListener('click', function (e) { if (bell.open && !bell.contains(e.target)) bell.open = false; });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && bell.open) { bell.open = false; $('summary', bell).focus(); }
  });
}
if (bell) bind();

/** Starts once chrome.js knows who is signed in (people only). */
export function startBell(me) {
  if (!bell || st.started || !me || !me.user) return;
  st.started = true;
  bell.hidden = false;
  setCount(me.unread_notifications || 0);
}
/** A notification pushed live (live.js): listed and counted once the bell started. */
export function onNotification(n) { arrived(n); }
document.addEventListener('visibilitychange', function () {
  if (document.visibilityState === 'visible' && st.started && !session.connection) {
    api('GET', '/api/me', undefined, { quiet: true }).then(function (me) { setCount(me.unread_notifications || 0); }, function () {});
  }
});
