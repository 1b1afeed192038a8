/* The plan page: the queue's slots (one "mon 09:00" per line), pause and next free
   slots; CSV import with a dry run first (every bad row listed), then confirm; the
   workspace's feeds with their last error. */
import { fatal, initChrome } from './chrome.js';
import { $, $$, api, authInit, config, fmtDateTime, h, roleAtLeast, wsPath } from './core.js';
import { platformLabel } from './posts.js';

var ws = config.workspace_id;
var DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function fieldError(form, field, message) {
  var el = $('[data-error-for="' + field + '"]', form);
  if (!el) return false;
  el.textContent = message || '';
  el.hidden = !message;
  return true;
}
function clearErrors(form) { $$('[data-error-for]', form).forEach(function (e) { e.hidden = true; e.textContent = ''; }); }

/* ---- queue ---- */
var qform = $('#queue-form');
function showQueue(q) {
  $('#queue-slots').value = (q.slots || []).map(function (s) { return s.weekday + ' ' + s.time; }).join('\n');
  $('#queue-paused').checked = !!q.paused;
  $('#queue-state').textContent = q.paused ? 'Paused' : ((q.slots || []).length + ' slots');
  var list = $('#queue-next');
  list.textContent = '';
  (q.next || []).forEach(function (iso) { list.appendChild(h('li', { dataset: { at: iso } }, fmtDateTime(iso))); });
  if (!(q.next || []).length) list.appendChild(h('li', { class: 'empty' }, 'No free slots: add some above.'));
}
function parseSlots(text) {
  var slots = [], bad = [];
  text.split('\n').map(function (l) { return l.trim(); }).filter(Boolean).forEach(function (line) {
    var m = /^([a-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})$/i.exec(line);
    var day = m && m[1].toLowerCase();
    if (!m || DAYS.indexOf(day) < 0) { bad.push(line); return; }
    slots.push({ weekday: day, time: (m[2].length === 1 ? '0' : '') + m[2] + ':' + m[3] });
  });
  return { slots: slots, bad: bad };
}
qform.addEventListener('submit', function (e) {
  e.preventDefault();
  clearErrors(qform);
  var parsed = parseSlots($('#queue-slots').value);
  if (parsed.bad.length) { fieldError(qform, 'slots', 'Not a weekday and time: ' + parsed.bad.join(', ')); return; }
  api('PUT', wsPath(ws, '/queue'), { slots: parsed.slots, paused: $('#queue-paused').checked }).then(function (q) {
    showQueue(q);
    $('#queue-result').textContent = 'Queue saved.';
  }, function (err) {
    if (!fieldError(qform, err.field || 'slots', err.message)) $('#queue-result').textContent = err.message;
  });
});

/* ---- import ---- */
var iform = $('#import-form');
var report = $('#import-report');
var confirmBtn = $('#import-confirm');
var pending = null;
function send(text, dry) {
  var q = '?submit=' + ($('#import-submit').checked ? 'true' : 'false') + (dry ? '&dry_run=true' : '');
  var init = authInit('POST');
  init.method = 'POST';
  init.headers['Content-Type'] = 'text/csv';
  init.headers.Accept = 'application/json';
  init.body = text;
  return fetch(wsPath(ws, '/posts/import') + q, init).then(function (res) {
    return res.json().catch(function () { return null; }).then(function (body) { return { status: res.status, body: body }; });
  });
}
function showProblems(body) {
  var rows = (body && body.error && body.error.details && body.error.details.rows) || [];
  report.textContent = '';
  report.appendChild(h('p', { class: 'form-error', role: 'alert' }, (body && body.error && body.error.message) || 'The file was refused.'));
  if (rows.length) {
    report.appendChild(h('table', { class: 'import-problems' },
      h('thead', null, h('tr', null, h('th', null, 'Row'), h('th', null, 'Field'), h('th', null, 'Problem'))),
      h('tbody', null, rows.map(function (r) { return h('tr', null, h('td', null, String(r.row)), h('td', null, r.field), h('td', null, r.message)); }))));
  }
}
iform.addEventListener('submit', function (e) {
  e.preventDefault();
  confirmBtn.hidden = true;
  pending = null;
  var file = $('#import-file').files[0];
  if (!file) { report.textContent = 'Choose a CSV file first.'; return; }
  file.text().then(function (text) {
    return send(text, true).then(function (r) {
      if (r.status === 200) {
        pending = text;
        report.textContent = r.body.valid + (r.body.valid === 1 ? ' row is' : ' rows are') + ' ready to import.';
        confirmBtn.textContent = 'Import ' + r.body.valid + (r.body.valid === 1 ? ' post' : ' posts');
        confirmBtn.hidden = false;
      } else if (r.status === 413) {
        report.textContent = 'The file is too large: at most 1,000 rows.';
      } else showProblems(r.body);
    });
  }, function () { report.textContent = 'The file could not be read.'; });
});
confirmBtn.addEventListener('click', function () {
  if (pending === null) return;
  confirmBtn.disabled = true;
  send(pending, false).then(function (r) {
    if (r.status === 201) {
      var skipped = (r.body.skipped || []).length;
      report.textContent = 'Imported ' + r.body.created + (r.body.created === 1 ? ' post' : ' posts') + (skipped ? '; ' + skipped + ' already imported were skipped' : '') + '.';
      confirmBtn.hidden = true;
      pending = null;
    } else showProblems(r.body);
  }).then(function () { confirmBtn.disabled = false; });
});

/* ---- feeds ---- */
var fform = $('#feed-form');
function showFeeds(feeds) {
  var list = $('#feed-list');
  list.textContent = '';
  if (!feeds.length) list.appendChild(h('li', { class: 'empty' }, 'No feeds yet.'));
  feeds.forEach(function (f) {
    list.appendChild(h('li', { class: 'feed', dataset: { feedId: f.id } },
      h('strong', null, f.url), ' → ', f.platforms.map(platformLabel).join(', '),
      h('span', { class: 'sub' }, f.last_checked_at ? ' · checked ' + fmtDateTime(f.last_checked_at) : ' · not checked yet'),
      f.last_error ? h('p', { class: 'field-error feed-error', role: 'note' }, 'Last error: ' + f.last_error) : null,
      h('button', { type: 'button', class: 'btn btn-small', onclick: function () { removeFeed(f); } }, 'Remove')));
  });
}
function loadFeeds() {
  return api('GET', wsPath(ws, '/feeds'), undefined, { quiet: true }).then(showFeeds, function () { $('#feeds-panel').hidden = true; });
}
function removeFeed(f) {
  if (!window.confirm('Remove the feed ' + f.url + '? Its drafts stay.')) return;
  api('DELETE', wsPath(ws, '/feeds/' + encodeURIComponent(f.id))).then(loadFeeds);
}
fform.addEventListener('submit', function (e) {
  e.preventDefault();
  clearErrors(fform);
  var body = { url: $('#feed-url').value.trim(), platforms: $('#feed-platforms').value.split(/[\s,|]+/).filter(Boolean) };
  var t = $('#feed-template').value.trim();
  if (t) body.template = t;
  api('POST', wsPath(ws, '/feeds'), body).then(function () {
    $('#feed-result').textContent = 'Feed added; its items become drafts at the next poll.';
    $('#feed-url').value = '';
    loadFeeds();
  }, function (err) {
    if (!fieldError(fform, err.field || 'url', err.message)) $('#feed-result').textContent = err.message;
  });
});

initChrome(ws).then(function () {
  var admin = roleAtLeast('admin');
  $('#queue-save').disabled = !admin;
  $('#queue-slots').readOnly = !admin;
  $('#queue-paused').disabled = !admin;
  $('#feeds-panel').hidden = !admin;
  $('#import-form').hidden = !roleAtLeast('editor');
  api('GET', wsPath(ws, '/queue')).then(showQueue);
  if (admin) loadFeeds();
  document.body.dataset.loaded = 'true';
}, fatal);
