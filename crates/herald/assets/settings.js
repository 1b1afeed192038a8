/* settings.js: the workspace's settings page (admins change, others read). Name and
   time zone (any IANA zone, suggested from the browser's list), the approval policy,
   the X credentials (write-only: the page shows only whose are used, and clears the
   fields once saved), and the linked social accounts from GET .../accounts with a
   "Link accounts" button for Ayrshare's linking page (POST .../connect; when linking is
   not set up, the page says so in words). */
(function () {
  'use strict';
  var H = window.Herald;
  var ws = H.config.workspace_id;

  var X_STATUS = {
    workspace: ['good', "Using the workspace's own X credentials."],
    global: ['info', "Using the X credentials set for this whole Herald. Save the workspace's own below to use those instead."],
    missing: ['bad', 'None — X posts will be refused until X credentials are saved here.']
  };

  function result(form, text) { H.$('.form-result', form).textContent = text; }

  function fill(w) {
    H.$('#ws-name-input').value = w.name;
    H.$('#ws-timezone').value = w.timezone;
    H.$('#requires-approval').checked = !!w.requires_approval;
    H.$$('input[name="late_approval"]').forEach(function (r) { r.checked = r.value === w.late_approval; });
    var x = X_STATUS[w.x_credentials] || ['info', w.x_credentials];
    var status = H.$('#x-status');
    status.textContent = x[1];
    status.dataset.tone = x[0];
    status.dataset.source = w.x_credentials;
    H.$('#x-remove').hidden = w.x_credentials !== 'workspace' || !H.roleAtLeast('admin');
  }

  /** Saves a change; `done` is what the result line says. */
  function patch(form, body, done) {
    H.clearErrors(form);
    result(form, '');
    var buttons = H.$$('button', form);
    buttons.forEach(function (b) { b.disabled = true; });
    return H.api('PATCH', H.wsPath(ws), body).then(function (w) {
      H.workspace = w;
      H.tz = w.timezone;
      fill(w);
      if (H.$('#ws-select').hidden) H.$('#ws-name').textContent = w.name;
      result(form, done);
      return w;
    }, function (err) { H.showError(form, err); return null; }).then(function (w) {
      buttons.forEach(function (b) { b.disabled = false; });
      return w;
    });
  }

  H.$('#general-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = H.$('#ws-name-input').value.trim();
    var tz = H.$('#ws-timezone').value.trim();
    if (!name) { H.showError(ev.target, { field: 'name', message: 'Give the workspace a name.' }); return; }
    patch(ev.target, { name: name, timezone: tz }, 'Saved.');
  });

  H.$('#approval-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var late = H.$('input[name="late_approval"]:checked');
    var body = { requires_approval: H.$('#requires-approval').checked };
    if (late) body.late_approval = late.value;
    patch(ev.target, body, 'Saved.');
  });

  H.$('#x-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var form = ev.target;
    var key = H.$('#x-key').value.trim();
    var secret = H.$('#x-secret').value.trim();
    H.clearErrors(form);
    if (!key) { H.showError(form, { field: 'x_api_key', message: 'Enter the API key of your X app.' }); return; }
    if (!secret) { H.showError(form, { field: 'x_api_secret', message: 'Enter the API secret of your X app.' }); return; }
    patch(form, { x_api_key: key, x_api_secret: secret }, 'Saved. X posts now use these credentials.').then(function (w) {
      if (w) { H.$('#x-key').value = ''; H.$('#x-secret').value = ''; }
    });
  });

  H.$('#x-remove').addEventListener('click', function () {
    var fallback = "X posts will use the credentials set for this whole Herald, if there are any, or be refused.";
    if (!window.confirm("Remove the workspace's own X credentials? " + fallback)) return;
    patch(H.$('#x-form'), { x_api_key: '', x_api_secret: '' }, 'Removed.');
  });

  /* ---- linked accounts ---- */
  /** The linked accounts; `refresh` (a button, not page load) asks Ayrshare again. */
  function loadAccounts(refresh) {
    return H.api('GET', H.wsPath(ws, '/accounts' + (refresh === true ? '?refresh=true' : ''))).then(function (a) {
      var ul = H.clear(H.$('#accounts'));
      (a.accounts || []).forEach(function (acc) {
        var who = acc.display_name || acc.username || '';
        ul.appendChild(H.h('li', { class: 'row', dataset: { platform: acc.platform } },
          H.h('span', { class: 'avatar', 'aria-hidden': 'true' }, H.platformLabel(acc.platform).charAt(0)),
          H.h('div', { class: 'row-main' }, H.h('strong', null, H.platformLabel(acc.platform)),
            who ? H.h('div', { class: 'muted small' }, who + (acc.username && acc.display_name ? ' (@' + acc.username + ')' : '')) : null)));
      });
      var known = a.upstream !== 'unavailable';
      H.$('#accounts-empty').hidden = !known || (a.accounts || []).length > 0;
      H.$('#accounts-as-of').textContent = !known ? 'Ayrshare could not be reached: which accounts are linked is not known right now.'
        : a.upstream === 'cached' ? 'As of ' + H.fmtDateTime(a.as_of) + ': Ayrshare did not answer just now.'
          : a.as_of ? 'As of ' + H.fmtTime(a.as_of) : '';
    }, function (err) { H.$('#accounts-as-of').textContent = H.sentence(err); });
  }

  // Accounts linked in Ayrshare's own dashboard (or on its page) show up on asking.
  H.$('#accounts-reload').addEventListener('click', function () { loadAccounts(true); });

  H.$('#connect').addEventListener('click', function () {
    var box = H.clear(H.$('#connect-result'));
    box.hidden = true;
    var button = H.$('#connect');
    button.disabled = true;
    H.api('POST', H.wsPath(ws, '/connect')).then(function (link) {
      box.appendChild(H.h('p', null, 'Ayrshare’s linking page is ready (it works until ' + H.fmtTime(link.expires_at) + '). Link the accounts there, then come back. '));
      box.appendChild(H.h('div', { class: 'form-actions' },
        H.h('a', { class: 'btn btn-primary', href: H.safeUrl(link.url) || '#', target: '_blank', rel: 'noopener noreferrer' }, 'Open the linking page'),
        H.h('button', { type: 'button', class: 'btn', id: 'accounts-refresh', onclick: function () { loadAccounts(true); } }, 'I linked them: refresh the list')));
      box.dataset.tone = 'info';
    }, function (err) {
      box.appendChild(H.h('p', { class: 'field-error' }, err.code === 'not_configured'
        ? 'Linking accounts from Herald is not set up yet: whoever runs this Herald has to give it the Ayrshare domain and private key (AYRSHARE_DOMAIN and AYRSHARE_PRIVATE_KEY_FILE). Until then, link accounts in Ayrshare’s own dashboard.'
        : H.sentence(err)));
      box.dataset.tone = 'bad';
    }).then(function () { box.hidden = false; button.disabled = false; });
  });

  /* ---- start ---- */
  var zones = H.$('#tz-list');
  if (Intl.supportedValuesOf) {
    Intl.supportedValuesOf('timeZone').forEach(function (z) { zones.appendChild(H.h('option', { value: z })); });
  }

  H.initChrome(ws).then(function (w) {
    fill(w);
    if (!H.roleAtLeast('admin')) {
      var note = H.$('#settings-note');
      note.textContent = 'Only admins can change these settings; you can read them.';
      note.hidden = false;
      H.$$('#main input, #main button').forEach(function (el) { el.disabled = true; });
    }
    var hooks = H.startWebhooks ? H.startWebhooks() : null;
    return Promise.all([loadAccounts(), hooks]).then(function () { document.body.dataset.loaded = 'true'; });
  }).catch(H.fatal);
}());
