/* calendar.js: the calendar page. Month and week views of the workspace's posts in its
   time zone (GET .../calendar for the visible window, read on while it comes truncated),
   coloured by status, each post a link to its page. A post the signed-in role may edit can be dragged (pointer events:
   mouse, pen or touch) to another day in the month view (keeping its time of day) or to
   another hour in the week view, or moved with its "Move to…" button (a dialog with a
   date and time: the keyboard way). Moving is the versioned PATCH; a 409 says the post
   changed meanwhile and offers a reload. Moving an approved post of a workspace that
   requires approval asks first: it goes back for approval. Live: post / history /
   resync events and each reconnect re-read the visible window, coalesced (never while a
   drag is under way). */
import { fatal, initChrome } from './chrome.js';
import { $, $$, api, clear, clearErrors, config, dayKey, fmtDateTime, h, instantToLocal, roleAtLeast, sentence, session, showError, toast, wsPath, zoneAbbr, zonedToRfc3339 } from './core.js';
import { coalesce, live } from './live.js';
import './plan-calendar.js';
import { can, isConflict, mediaThumb, overdue, postUrl, statusLabel } from './posts.js';

var ws = config.workspace_id;
var params = new URLSearchParams(location.search);
var state = { view: params.get('view') === 'week' ? 'week' : 'month', anchor: params.get('date') || null, days: [], posts: {} };
var drag = null, suppressClick = false, reloadWanted = false, reloadTimer = null;
var DAY = 86400000;

/* ---- calendar dates ('YYYY-MM-DD', computed in UTC so no zone shifts them) ---- */
function parse(key) { var p = key.split('-').map(Number); return new Date(Date.UTC(p[0], p[1] - 1, p[2])); }
function key(d) { return d.toISOString().slice(0, 10); }
function add(k, n) { return key(new Date(parse(k).getTime() + n * DAY)); }
function monday(k) { var d = parse(k); return add(k, -((d.getUTCDay() + 6) % 7)); }
function pad(n) { return (n < 10 ? '0' : '') + n; }
var monthFmt = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
var dayFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
var longDayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
var weekdayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' });

/** The visible window: {start, end (exclusive), title}. */
function windowOf() {
  if (state.view === 'week') {
    var s = monday(state.anchor);
    var e = add(s, 7);
    return { start: s, end: e, title: dayFmt.format(parse(s)) + ' – ' + dayFmt.format(parse(add(e, -1))) + ' ' + parse(s).getUTCFullYear() };
  }
  var first = state.anchor.slice(0, 8) + '01';
  var d = parse(first);
  var next = key(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)));
  return { start: monday(first), end: add(monday(add(next, -1)), 7), title: monthFmt.format(d), month: first.slice(0, 7) };
}

/** When a post goes or went out: scheduled, else published, else created. */
function timeOf(p) { return p.schedule_at || p.published_at || p.created_at; }
function localOf(p) { return instantToLocal(timeOf(p), session.tz); }
function movable(p) { return !!p.id && can('edit', p.status); }

/* ---- rendering ---- */
function chip(p) {
  var local = localOf(p);
  var moves = movable(p);
  var data = { postId: p.id || '', status: p.status, version: p.version, at: local };
  if (moves) data.movable = 'true';
  var li = h('li', { class: 'cal-post', dataset: data },
    h('a', { class: 'cal-link', href: p.id ? postUrl(ws, p.id) : null, draggable: 'false', title: statusLabel(p.status) + ' · ' + fmtDateTime(timeOf(p)) },
      h('span', { class: 'cal-time' }, local.slice(11, 16)),
      mediaThumb(p, 'cal-thumb'),
      overdue(p) ? h('span', { class: 'cal-late', title: 'Still waiting for approval and its time has passed' }, '!') : null,
      h('span', { class: 'cal-text' }, p.text),
      h('span', { class: 'visually-hidden' }, ' (' + statusLabel(p.status) + (overdue(p) ? ', its time has passed' : '') + ')')),
    moves ? h('button', { type: 'button', class: 'cal-move', title: 'Move to another day or time', 'aria-label': 'Move to… (' + snippet(p.text) + ')', onclick: function () { openMove(p); } }, 'Move to…') : null);
  return li;
}
function snippet(t) { t = String(t || ''); return t.length > 40 ? t.slice(0, 40) + '…' : t; }

function byDay() {
  var map = {};
  state.days.forEach(function (d) { map[d.date] = d.posts || []; });
  return map;
}

function renderMonth(win, days) {
  var today = dayKey(Date.now());
  var head = h('tr', null);
  for (var i = 0; i < 7; i++) head.appendChild(h('th', { scope: 'col' }, weekdayFmt.format(parse(add(win.start, i)))));
  var body = h('tbody', null);
  var row = null;
  for (var k = win.start, n = 0; k < win.end; k = add(k, 1), n++) {
    if (n % 7 === 0) { row = h('tr', null); body.appendChild(row); }
    var posts = days[k] || [];
    row.appendChild(h('td', { class: 'cal-day' + (k.slice(0, 7) === win.month ? '' : ' other-month') + (k === today ? ' today' : ''), dataset: { drop: 'day', date: k } },
      h('div', { class: 'cal-daynum' }, h('span', { class: 'visually-hidden' }, longDayFmt.format(parse(k)) + ': '), String(parse(k).getUTCDate()),
        posts.length ? h('span', { class: 'visually-hidden' }, ', ' + posts.length + (posts.length === 1 ? ' post' : ' posts')) : null),
      h('ul', { class: 'cal-posts' }, posts.map(chip))));
  }
  return h('table', { class: 'cal-month', 'aria-labelledby': 'cal-title' }, h('thead', null, head), body);
}

function renderWeek(win, days) {
  var today = dayKey(Date.now());
  var keys = [];
  for (var k = win.start; k < win.end; k = add(k, 1)) keys.push(k);
  var head = h('tr', null, h('th', { scope: 'col', class: 'cal-zone' }, zoneAbbr(parse(win.start))));
  keys.forEach(function (k) {
    head.appendChild(h('th', { scope: 'col', class: k === today ? 'today' : null }, weekdayFmt.format(parse(k)) + ' ' + parse(k).getUTCDate()));
  });
  var slots = {};
  keys.forEach(function (k) { (days[k] || []).forEach(function (p) { var s = k + '|' + Number(localOf(p).slice(11, 13)); (slots[s] = slots[s] || []).push(p); }); });
  var body = h('tbody', null);
  for (var hour = 0; hour < 24; hour++) {
    var row = h('tr', null, h('th', { scope: 'row', class: 'cal-hour' }, pad(hour) + ':00'));
    keys.forEach(function (k) {
      var posts = slots[k + '|' + hour] || [];
      row.appendChild(h('td', { class: 'cal-slot' + (k === today ? ' today' : ''), dataset: { drop: 'slot', date: k, hour: hour } },
        posts.length ? h('ul', { class: 'cal-posts' }, posts.map(chip)) : null));
    });
    body.appendChild(row);
  }
  return h('table', { class: 'cal-week', 'aria-labelledby': 'cal-title' }, h('thead', null, head), body);
}

/** The post element in focus in the grid (or that a closing dialog gives the focus
    back to), to find again after a redraw: {id, cls}. */
var focusAfter = null;
function focusedPost() {
  var el = document.activeElement;
  var li = el && el.closest && el.closest('#cal-grid li.cal-post');
  return li ? { id: li.dataset.postId, cls: el.classList.contains('cal-move') ? 'cal-move' : 'cal-link' } : focusAfter;
}
function refocus(was) {
  if (!was || (document.activeElement && document.activeElement !== document.body && !$('#cal-grid').contains(document.activeElement))) return;
  var li = $('#cal-grid li.cal-post[data-post-id="' + was.id + '"]');
  var el = li && ($('.' + was.cls, li) || $('.cal-link', li));
  if (el) { el.focus(); focusAfter = null; }
}

function render() {
  var was = focusedPost();
  var win = windowOf();
  var days = byDay();
  state.posts = {};
  state.days.forEach(function (d) { (d.posts || []).forEach(function (p) { state.posts[p.id] = p; }); });
  $('#cal-title').textContent = win.title;
  $('#cal-hint').textContent = roleAtLeast('editor')
    ? (state.view === 'month' ? 'Drag a post to another day to move it (its time stays), or use “Move to…”.' : 'Drag a post to another hour to move it, or use “Move to…”.')
    : 'Click a post to open it.';
  var grid = clear($('#cal-grid'));
  grid.dataset.view = state.view;
  grid.dataset.start = win.start;
  grid.appendChild(state.view === 'week' ? renderWeek(win, days) : renderMonth(win, days));
  $$('[data-view]').forEach(function (b) { if (b.tagName === 'BUTTON') b.setAttribute('aria-pressed', String(b.dataset.view === state.view)); });
  if (!$('#move-dialog').open) refocus(was);
  document.body.dataset.loaded = 'true';
}

/* ---- data ---- */
var load = coalesce(function () {
  var win = windowOf();
  var q = '?from=' + encodeURIComponent(zonedToRfc3339(win.start + 'T00:00', session.tz)) + '&to=' + encodeURIComponent(zonedToRfc3339(win.end + 'T00:00', session.tz));
  var moved = function () { return windowOf().start !== win.start || windowOf().end !== win.end; };
  return readWindow(q, null, moved).then(function (days) {
    if (!days) return; // moved on meanwhile
    state.days = days;
    if (drag && drag.active) { reloadWanted = true; return; }
    render();
  }, function (err) { showBanner('bad', 'Could not read the calendar: ' + sentence(err)); throw err; });
});
/* A window holding more than one answer may (about 4 MiB) comes truncated, with the
   cursor of the rest: read on until it is whole, each answer's posts added to their
   days. Resolves to the days, or to null once the page moved to another window. */
function readWindow(q, days, moved) {
  return api('GET', wsPath(ws, '/calendar' + q)).then(function (cal) {
    if (moved()) return null;
    var got = cal.days || [];
    if (!days) days = got;
    else got.forEach(function (d, i) { if (days[i] && days[i].date === d.date) days[i].posts = days[i].posts.concat(d.posts); });
    if (!cal.truncated || !cal.next_cursor) return days;
    return readWindow(q.replace(/&cursor=[^&]*$/, '') + '&cursor=' + encodeURIComponent(cal.next_cursor), days, moved);
  });
}

function scheduleLoad() {
  if (drag && drag.active) { reloadWanted = true; return; }
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(load, 120);
}

function go(view, anchor) {
  state.view = view;
  state.anchor = anchor;
  var q = new URLSearchParams({ view: view, date: anchor });
  history.replaceState(null, '', location.pathname + '?' + q);
  render();
  load();
}
function step(n) {
  if (state.view === 'week') { go('week', add(state.anchor, 7 * n)); return; }
  var d = parse(state.anchor.slice(0, 8) + '01');
  go('month', key(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1))));
}

function showBanner(tone, text, button) {
  var b = clear($('#cal-banner'));
  b.dataset.tone = tone;
  b.appendChild(h('span', null, text + ' '));
  if (button) b.appendChild(button);
  b.hidden = false;
}

/* ---- moving ---- */
/** PATCHes the post to `local` (wall time in the workspace zone). Resolves true when moved. */
function moveTo(p, local) {
  if (!local || local === localOf(p)) return Promise.resolve(false);
  var reapproval = p.status === 'scheduled' && session.workspace && session.workspace.requires_approval;
  if (reapproval && !window.confirm('This post is approved. Moving it sends it back for approval: it will not go out until someone approves it again. Move it?')) return Promise.resolve(false);
  var li = $('li.cal-post[data-post-id="' + p.id + '"]');
  if (li) li.setAttribute('aria-busy', 'true');
  $('#cal-banner').hidden = true;
  var at = zonedToRfc3339(local, session.tz);
  return api('PATCH', wsPath(ws, '/posts/' + encodeURIComponent(p.id)), { version: p.version, schedule_at: at }).then(function (next) {
    var again = p.status === 'scheduled' && next.status === 'pending_approval' ? ' It needs approval again.' : '';
    toast('Moved to ' + fmtDateTime(next.schedule_at) + '.' + again, 'good');
    load();
    return true;
  }, function (err) {
    if (li) li.removeAttribute('aria-busy');
    if (isConflict(err)) {
      showBanner('warn', 'This post was changed meanwhile — reload?', h('button', { type: 'button', class: 'btn btn-small', id: 'cal-reload', onclick: function () { $('#cal-banner').hidden = true; load(); } }, 'Reload'));
    } else {
      showBanner('bad', 'Could not move the post: ' + sentence(err));
    }
    throw err;
  });
}

var movePost = null;
function openMove(p) {
  movePost = p;
  focusAfter = { id: p.id, cls: 'cal-move' }; // back on the post after the dialog
  var dialog = $('#move-dialog');
  clearErrors(dialog);
  $('#move-what').textContent = '“' + snippet(p.text) + '”, now ' + fmtDateTime(timeOf(p)) + '.';
  $('#move-at').value = localOf(p);
  dialog.showModal();
  $('#move-at').focus();
}
$('#move-form').addEventListener('submit', function (e) {
  e.preventDefault();
  var dialog = $('#move-dialog');
  var value = $('#move-at').value;
  if (!value) { showError(dialog, { message: 'Choose a date and time.' }); return; }
  moveTo(movePost, value).then(function () { dialog.close(); }, function (err) {
    if (isConflict(err)) dialog.close(); else showError(dialog, { message: sentence(err) });
  });
});
$('#move-cancel').addEventListener('click', function () { $('#move-dialog').close(); });
// The dialog gives the focus back to the post it moved, wherever the redraw put it.
$('#move-dialog').addEventListener('close', function () { setTimeout(function () { refocus(focusAfter); }, 0); });

/** Where a drop lands: the same time of day on another day, or another hour. */
function targetLocal(p, cell) {
  var local = localOf(p);
  if (cell.dataset.drop === 'slot') return cell.dataset.date + 'T' + pad(Number(cell.dataset.hour)) + ':' + local.slice(14, 16);
  return cell.dataset.date + 'T' + local.slice(11, 16);
}
function cellAt(x, y) {
  var el = document.elementFromPoint(x, y);
  return el && el.closest ? el.closest('#cal-grid [data-drop]') : null;
}
function mark(cell) {
  $$('#cal-grid .drop-target').forEach(function (c) { if (c !== cell) c.classList.remove('drop-target'); });
  if (cell) cell.classList.add('drop-target');
}

var grid = $('#cal-grid');
grid.addEventListener('dragstart', function (e) { e.preventDefault(); });
grid.addEventListener('pointerdown', function (e) {
  var li = e.target.closest('li.cal-post[data-movable]');
  if (!li || e.button !== 0 || e.target.closest('button')) return;
  drag = { li: li, post: state.posts[li.dataset.postId], x: e.clientX, y: e.clientY, active: false, ghost: null };
});
document.addEventListener('pointermove', function (e) {
  if (!drag) return;
  if (!drag.active) {
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) < 6) return;
    drag.active = true;
    drag.li.classList.add('dragging');
    document.body.classList.add('cal-dragging');
    drag.ghost = h('div', { class: 'cal-ghost', 'aria-hidden': 'true', dataset: { status: drag.post.status } }, snippet(drag.post.text));
    document.body.appendChild(drag.ghost);
  }
  e.preventDefault();
  drag.ghost.style.transform = 'translate(' + (e.clientX + 8) + 'px,' + (e.clientY + 8) + 'px)';
  mark(cellAt(e.clientX, e.clientY));
});
function endDrag(e, cancelled) {
  if (!drag) return;
  var d = drag;
  drag = null;
  mark(null);
  d.li.classList.remove('dragging');
  document.body.classList.remove('cal-dragging');
  if (d.ghost) d.ghost.remove();
  if (!d.active) return;
  suppressClick = true;
  setTimeout(function () { suppressClick = false; }, 0);
  var cell = !cancelled && cellAt(e.clientX, e.clientY);
  if (cell) moveTo(d.post, targetLocal(d.post, cell)).catch(function () {});
  if (reloadWanted) { reloadWanted = false; scheduleLoad(); }
}
document.addEventListener('pointerup', function (e) { endDrag(e, false); });
document.addEventListener('pointercancel', function (e) { endDrag(e, true); });
document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && drag && drag.active) endDrag(e, true); });
grid.addEventListener('click', function (e) { if (suppressClick) { e.preventDefault(); e.stopPropagation(); } }, true);

$$('button[data-view]').forEach(function (b) { b.addEventListener('click', function () { go(b.dataset.view, state.anchor); }); });
$('#cal-prev').addEventListener('click', function () { step(-1); });
$('#cal-next').addEventListener('click', function () { step(1); });
$('#cal-today').addEventListener('click', function () { go(state.view, dayKey(Date.now())); });

initChrome(ws).then(function () {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(state.anchor || '')) state.anchor = dayKey(Date.now());
  render();
  load();
  live(ws, {
    onOpen: load,
    onEvent: function (name) { if (name === 'post' || name === 'history' || name === 'resync') scheduleLoad(); }
  });
}, fatal);
