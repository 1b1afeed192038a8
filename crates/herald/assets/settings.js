/* settings.js: the workspace's settings page (admins change, others read). Name and
   time zone (any IANA zone, suggested from the browser's list), the approval policy,
   the X credentials (write-only: the page shows only whose are used, and clears the
   fields once saved), and the linked social accounts from GET .../accounts with a
   "Link accounts" button for Ayrshare's linking page (POST .../connect; when linking is
   not set up, the page says so in words). */
import { fatal, initChrome } from './chrome.js';
import { $, $$, api, clear, clearErrors, config, fmtDateTime, fmtTime, h, roleAtLeast, safeUrl, sentence, session, showError, wsPath } from './core.js';
import { platformLabel } from './posts.js';
import { startWebhooks } from './webhooks.js';

var ws = config.workspace_id;

var X_STATUS = {
  workspace: ['good', "Using the workspace's own X credentials."],
  global: ['info', "Using the X credentials set for this whole Herald. Save the workspace's own below to use those instead."],
  missing: ['bad', 'None — X posts will be refused until X credentials are saved here.']
};

function result(form, text) { $('.form-result', form).textContent = text; }

function fill(w) {
  $('#ws-name-input').value = w.name;
  $('#ws-timezone').value = w.timezone;
  $('#requires-approval').checked = !!w.requires_approval;
  $$('input[name="late_approval"]').forEach(function (r) { r.checked = r.value === w.late_approval; });
  var x = X_STATUS[w.x_credentials] || ['info', w.x_credentials];
  var status = $('#x-status');
  status.textContent = x[1];
  status.dataset.tone = x[0];
  status.dataset.source = w.x_credentials;
  $('#x-remove').hidden = w.x_credentials !== 'workspace' || !roleAtLeast('admin');
}

/** Saves a change; `done` is what the result line says. */
function patch(form, body, done) {
  clearErrors(form);
  result(form, '');
  var buttons = $$('button', form);
  buttons.forEach(function (b) { b.disabled = true; });
  return api('PATCH', wsPath(ws), body).then(function (w) {
    session.workspace = w;
    session.tz = w.timezone;
    fill(w);
    if ($('#ws-select').hidden) $('#ws-name').textContent = w.name;
    result(form, done);
    return w;
  }, function (err) { showError(form, err); return null; }).then(function (w) {
    buttons.forEach(function (b) { b.disabled = false; });
    return w;
  });
}

$('#general-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var name = $('#ws-name-input').value.trim();
  var tz = $('#ws-timezone').value.trim();
  if (!name) { showError(ev.target, { field: 'name', message: 'Give the workspace a name.' }); return; }
  patch(ev.target, { name: name, timezone: tz }, 'Saved.');
});

$('#approval-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var late = $('input[name="late_approval"]:checked');
  var body = { requires_approval: $('#requires-approval').checked };
  if (late) body.late_approval = late.value;
  patch(ev.target, body, 'Saved.');
});

$('#x-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var form = ev.target;
  var key = $('#x-key').value.trim();
  var secret = $('#x-secret').value.trim();
  clearErrors(form);
  if (!key) { showError(form, { field: 'x_api_key', message: 'Enter the API key of your X app.' }); return; }
  if (!secret) { showError(form, { field: 'x_api_secret', message: 'Enter the API secret of your X app.' }); return; }
  patch(form, { x_api_key: key, x_api_secret: secret }, 'Saved. X posts now use these credentials.').then(function (w) {
    if (w) { $('#x-key').value = ''; $('#x-secret').value = ''; }
  });
});

$('#x-remove').addEventListener('click', function () {
  var fallback = "X posts will use the credentials set for this whole Herald, if there are any, or be refused.";
  if (!window.confirm("Remove the workspace's own X credentials? " + fallback)) return;
  patch($('#x-form'), { x_api_key: '', x_api_secret: '' }, 'Removed.');
});

/* ---- linked accounts ---- */
/** The linked accounts; `refresh` (a button, not page load) asks Ayrshare again. */
function loadAccounts(refresh) {
  return api('GET', wsPath(ws, '/accounts' + (refresh === true ? '?refresh=true' : ''))).then(function (a) {
    var ul = clear($('#accounts'));
    (a.accounts || []).forEach(function (acc) {
      var who = acc.display_name || acc.username || '';
      ul.appendChild(h('li', { class: 'row', dataset: { platform: acc.platform } },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, platformLabel(acc.platform).charAt(0)),
        h('div', { class: 'row-main' }, h('strong', null, platformLabel(acc.platform)),
          who ? h('div', { class: 'muted small' }, who + (acc.username && acc.display_name ? ' (@' + acc.username + ')' : '')) : null)));
    });
    var known = a.upstream !== 'unavailable';
    $('#accounts-empty').hidden = !known || (a.accounts || []).length > 0;
    $('#accounts-as-of').textContent = !known ? 'Ayrshare could not be reached: which accounts are linked is not known right now.'
      : a.upstream === 'cached' ? 'As of ' + fmtDateTime(a.as_of) + ': Ayrshare did not answer just now.'
        : a.as_of ? 'As of ' + fmtTime(a.as_of) : '';
  }, function (err) { $('#accounts-as-of').textContent = sentence(err); });
}

// Accounts linked in Ayrshare's own dashboard (or on its page) show up on asking.
$('#accounts-reload').addEventListener('click', function () { loadAccounts(true); });

$('#connect').addEventListener('click', function () {
  var box = clear($('#connect-result'));
  box.hidden = true;
  var button = $('#connect');
  button.disabled = true;
  api('POST', wsPath(ws, '/connect')).then(function (link) {
    box.appendChild(h('p', null, 'Ayrshare’s linking page is ready (it works until ' + fmtTime(link.expires_at) + '). Link the accounts there, then come back. '));
    box.appendChild(h('div', { class: 'form-actions' },
      h('a', { class: 'btn btn-primary', href: safeUrl(link.url) || '#', target: '_blank', rel: 'noopener noreferrer' }, 'Open the linking page'),
      h('button', { type: 'button', class: 'btn', id: 'accounts-refresh', onclick: function () { loadAccounts(true); } }, 'I linked them: refresh the list')));
    box.dataset.tone = 'info';
  }, function (err) {
    box.appendChild(h('p', { class: 'field-error' }, err.code === 'not_configured'
      ? 'Linking accounts from Herald is not set up yet: whoever runs this Herald has to give it the Ayrshare domain and private key (AYRSHARE_DOMAIN and AYRSHARE_PRIVATE_KEY_FILE). Until then, link accounts in Ayrshare’s own dashboard.'
      : sentence(err)));
    box.dataset.tone = 'bad';
  }).then(function () { box.hidden = false; button.disabled = false; });
});

/* ---- start ---- */
var zones = $('#tz-list');
if (Intl.supportedValuesOf) {
  Intl.supportedValuesOf('timeZone').forEach(function (z) { zones.appendChild(h('option', { value: z })); });
}

initChrome(ws).then(function (w) {
  fill(w);
  if (!roleAtLeast('admin')) {
    var note = $('#settings-note');
    note.textContent = 'Only admins can change these settings; you can read them.';
    note.hidden = false;
    $$('#main input, #main button').forEach(function (el) { el.disabled = true; });
  }
  var hooks = startWebhooks();
  return Promise.all([loadAccounts(), hooks]).then(function () { document.body.dataset.loaded = 'true'; });
}).catch(fatal);
