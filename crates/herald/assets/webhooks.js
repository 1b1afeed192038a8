/* webhooks.js: the Webhooks panel of the workspace's settings page (admins only): the
   endpoints (GET .../webhooks), adding one (its signing secret shown once, right after),
   turning one on again, deleting it, sending a test event, and each endpoint's delivery
   log with a retry button per delivery. settings.js starts it (startWebhooks). */
import { $, $$, api, clear, config, fmtDateTime, h, roleAtLeast, sentence, showError, wsPath } from './core.js';

var ws = config.workspace_id;
var EVENTS = ['post.created', 'post.updated', 'post.submitted', 'post.approved', 'post.rejected',
  'post.changes_requested', 'post.scheduled', 'post.published', 'post.partially_published',
  'post.failed', 'post.cancelled', 'post.deleted', 'comment.created'];

function path(suffix) { return wsPath(ws, '/webhooks' + (suffix || '')); }
function say(text, tone) {
  var box = $('#webhook-note');
  box.textContent = text;
  box.dataset.tone = tone || 'info';
  box.hidden = !text;
}

function load() {
  return api('GET', path()).then(function (list) {
    var ul = clear($('#webhooks'));
    list.forEach(function (w) { ul.appendChild(row(w)); });
    $('#webhooks-empty').hidden = list.length > 0;
  }, function (err) { say(sentence(err), 'bad'); });
}

function row(w) {
  var state = w.enabled ? (w.failing_since ? 'failing since ' + fmtDateTime(w.failing_since) : 'on')
    : 'off since ' + fmtDateTime(w.disabled_at);
  var act = function (label, fn, cls) { return h('button', { type: 'button', class: 'btn btn-small ' + (cls || ''), onclick: fn }, label); };
  return h('li', { class: 'row', dataset: { webhook: w.id } },
    h('div', { class: 'row-main' }, h('strong', null, w.url),
      h('div', { class: 'muted small' }, w.events.join(', ') + ' · ' + state)),
    h('div', { class: 'form-actions' },
      act('Deliveries', function () { showLog(w); }),
      act('Send test event', function () { test(w); }),
      w.enabled ? null : act('Turn on again', function () { enable(w); }),
      act('Delete', function () { remove(w); }, 'btn-danger')));
}

function test(w) {
  api('POST', path('/' + w.id + '/test')).then(function () {
    say('A test event is on its way to ' + w.url + '.', 'good');
    setTimeout(function () { showLog(w); }, 1500);
  }, function (err) { say(sentence(err), 'bad'); });
}

function enable(w) {
  api('PATCH', path('/' + w.id), { enabled: true }).then(load, function (err) { say(sentence(err), 'bad'); });
}

function remove(w) {
  if (!window.confirm('Delete the webhook to ' + w.url + ' and its delivery log?')) { return; }
  api('DELETE', path('/' + w.id)).then(function () { $('#webhook-log').hidden = true; return load(); },
    function (err) { say(sentence(err), 'bad'); });
}

function showLog(w) {
  var box = clear($('#webhook-log'));
  box.hidden = false;
  box.appendChild(h('h3', null, 'Deliveries to ' + w.url));
  api('GET', path('/' + w.id + '/deliveries')).then(function (log) {
    if (!log.length) { box.appendChild(h('p', { class: 'empty' }, 'Nothing sent yet.')); return; }
    var ul = h('ul', { class: 'rows' });
    log.forEach(function (d) {
      var detail = d.attempts + (d.attempts === 1 ? ' attempt' : ' attempts')
        + (d.last_status ? ' · last answer ' + d.last_status : '')
        + (d.next_attempt_at ? ' · next try ' + fmtDateTime(d.next_attempt_at) : '');
      ul.appendChild(h('li', { class: 'row', dataset: { delivery: d.id, status: d.status } },
        h('div', { class: 'row-main' }, h('strong', null, d.event_type + ' — ' + d.status),
          h('div', { class: 'muted small' }, fmtDateTime(d.created_at) + ' · ' + detail),
          d.last_error ? h('div', { class: 'muted small' }, d.last_error) : null),
        h('button', { type: 'button', class: 'btn btn-small', onclick: function () { retry(w, d); } }, 'Retry')));
    });
    box.appendChild(ul);
  }, function (err) { box.appendChild(h('p', { class: 'field-error' }, sentence(err))); });
}

function retry(w, d) {
  api('POST', path('/' + w.id + '/deliveries/' + d.id + '/retry')).then(function () {
    say('Sending it again now.', 'good');
    setTimeout(function () { showLog(w); }, 1500);
  }, function (err) { say(sentence(err), 'bad'); });
}

$('#webhook-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var form = ev.target;
  var events = $$('input[name="webhook-event"]:checked', form).map(function (c) { return c.value; });
  var body = { url: $('#webhook-url').value.trim(), events: events };
  api('POST', path(), body).then(function (created) {
    form.reset();
    var secret = clear($('#webhook-secret'));
    secret.appendChild(h('p', null, 'The signing secret of ' + created.url + ' — copy it now, it is not shown again:'));
    secret.appendChild(h('code', { class: 'secret' }, created.secret));
    secret.hidden = false;
    return load();
  }, function (err) { showError(form, err); });
});

var boxes = $('#webhook-events');
EVENTS.forEach(function (e) {
  boxes.appendChild(h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'webhook-event', value: e, checked: e.indexOf('post.') === 0 }), ' ' + e));
});

/* Called by settings.js once the page knows the caller's role. */
export function startWebhooks() {
  if (!roleAtLeast('admin')) { $('#webhooks-panel').hidden = true; return null; }
  return load();
}
