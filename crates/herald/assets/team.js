/* team.js: the team page. Members by name with their role (admins change it with a
   select, or remove someone after a confirmation; "a workspace keeps at least one
   admin" comes back in words), invitations (an e-mail and a role; when the invitation
   was not e-mailed its link is shown once, with a copy button, until "Done"), open
   invitations with withdraw, and API tokens (made with a name and a role, the token
   shown once the same way; listed with who made them, revocable). Secrets stay in the
   page only until the admin is done with them. */
(function () {
  'use strict';
  var H = window.Herald;
  var ws = H.config.workspace_id;
  var members = [];
  var tokens = [];
  var admin = false;
  var SECRET_MS = 10 * 60 * 1000;

  function roleOptions(select, selected) {
    H.clear(select);
    (H.config.roles || []).forEach(function (r) {
      select.appendChild(H.h('option', { value: r, selected: r === selected }, H.roleLabel(r)));
    });
  }

  /** Who an actor is, by the names this page knows (invitations carry only the id). */
  function nameOf(actor) {
    var m = /^user:(.+)$/.exec(actor || '');
    var member = m && members.filter(function (x) { return x.user_id === m[1]; })[0];
    if (member) return H.personLabel(actor, member.name);
    var t = /^token:(.+)$/.exec(actor || '');
    var token = t && tokens.filter(function (x) { return x.id === t[1]; })[0];
    if (token) return token.name || 'an unnamed token';
    if (actor === 'admin') return 'the admin token';
    return H.isMe(actor) ? 'you' : 'a former member';
  }

  function problem(id, err) {
    var el = H.$(id);
    el.textContent = err ? H.sentence(err) : '';
    el.hidden = !err;
  }

  /** Shows a secret once: what it is for, the value in a read-only field, Copy and Done.
      It leaves the page on Done, on the next one, or after ten minutes. */
  function showSecret(box, intro, value, label) {
    var field = H.h('input', { type: 'text', readonly: true, class: 'secret', value: value, 'aria-label': label, id: box.id + '-value', spellcheck: 'false' });
    var copied = H.h('span', { class: 'hint', role: 'status' });
    var timer = setTimeout(done, SECRET_MS);
    function done() { clearTimeout(timer); field.value = ''; H.clear(box); box.hidden = true; }
    H.clear(box).appendChild(H.h('p', null, intro));
    box.appendChild(field);
    box.appendChild(H.h('div', { class: 'form-actions' },
      H.h('button', { type: 'button', class: 'btn btn-primary btn-small', dataset: { copy: 'true' }, onclick: function () {
        H.copy(value, field).then(function () { copied.textContent = 'Copied.'; }, function () { copied.textContent = 'Select the text and copy it.'; field.select(); });
      } }, 'Copy'),
      H.h('button', { type: 'button', class: 'btn btn-small', dataset: { done: 'true' }, onclick: done }, 'Done'),
      copied));
    box.hidden = false;
    field.focus();
    field.select();
  }

  /* ---- members ---- */
  function renderMembers() {
    var body = H.clear(H.$('#members tbody'));
    members.sort(function (a, b) { return a.name.localeCompare(b.name); });
    members.forEach(function (m) {
      var me = H.isMe('user:' + m.user_id);
      var role;
      if (admin) {
        role = H.h('select', { class: 'role-select', 'aria-label': 'Role of ' + m.name, dataset: { userId: m.user_id } });
        roleOptions(role, m.role);
        role.addEventListener('change', function () { changeRole(m, role); });
      } else {
        role = H.h('span', null, H.roleLabel(m.role));
      }
      body.appendChild(H.h('tr', { dataset: { userId: m.user_id, role: m.role } },
        H.h('td', null, H.h('strong', { class: 'member-name' }, m.name + (me ? ' (you)' : '')), H.h('div', { class: 'muted small' }, m.email)),
        H.h('td', null, role),
        H.h('td', { class: 'actions' }, admin && !me ? H.h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { remove: m.user_id },
          onclick: function () { remove(m); } }, 'Remove') : null)));
    });
    H.$('#member-count').textContent = String(members.length);
  }

  function changeRole(m, select) {
    var before = m.role;
    problem('#members-error', null);
    select.disabled = true;
    H.api('PATCH', H.wsPath(ws, '/members/' + encodeURIComponent(m.user_id)), { role: select.value }).then(function (updated) {
      m.role = updated.role;
      H.toast(m.name + ' is now ' + H.roleLabel(updated.role).toLowerCase() + '.', 'good');
      if (H.isMe('user:' + m.user_id)) location.reload();
    }, function (err) {
      select.value = before;
      problem('#members-error', err);
    }).then(function () { select.disabled = false; });
  }

  function remove(m) {
    problem('#members-error', null);
    var where = (H.workspace && H.workspace.name) || 'this workspace';
    if (!window.confirm('Remove ' + m.name + ' from ' + where + '? They lose access at once, also in pages they have open.')) return;
    H.api('DELETE', H.wsPath(ws, '/members/' + encodeURIComponent(m.user_id))).then(function () {
      members = members.filter(function (x) { return x.user_id !== m.user_id; });
      renderMembers();
      H.toast(m.name + ' was removed.', 'good');
    }, function (err) { problem('#members-error', err); });
  }

  function loadMembers() {
    return H.api('GET', H.wsPath(ws, '/members')).then(function (list) { members = list; renderMembers(); });
  }

  /* ---- invitations ---- */
  function renderInvitations(list) {
    var ul = H.clear(H.$('#invitations'));
    list.forEach(function (i) {
      ul.appendChild(H.h('li', { class: 'row', dataset: { invitationId: i.id, email: i.email } },
        H.h('div', { class: 'row-main' },
          H.h('strong', null, i.email), ' ', H.h('span', { class: 'role-tag' }, H.roleLabel(i.role)),
          H.h('div', { class: 'muted small' }, 'Invited by ' + nameOf(i.invited_by) + ' · ' +
            (i.expired ? 'expired ' : 'valid until ') + H.fmtDateTime(i.expires_at))),
        i.expired ? H.h('span', { class: 'flag', dataset: { tone: 'bad' } }, 'Expired') : null,
        H.h('button', { type: 'button', class: 'btn btn-small', onclick: function () { withdraw(i); } }, i.expired ? 'Remove' : 'Withdraw')));
    });
    H.$('#invitations-empty').hidden = list.length > 0;
  }
  function loadInvitations() {
    return H.api('GET', H.wsPath(ws, '/invitations')).then(renderInvitations);
  }
  function withdraw(i) {
    problem('#invitations-error', null);
    if (!i.expired && !window.confirm('Withdraw the invitation for ' + i.email + '? Its link stops working.')) return;
    H.api('DELETE', H.wsPath(ws, '/invitations/' + encodeURIComponent(i.id))).then(loadInvitations, function (err) { problem('#invitations-error', err); });
  }

  H.$('#invite-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var form = ev.target;
    H.clearErrors(form);
    var email = H.$('#invite-email').value.trim();
    if (!email) { H.showError(form, { field: 'email', message: 'Enter the e-mail address of the person to invite.' }); return; }
    var button = H.$('button[type=submit]', form);
    button.disabled = true;
    var box = H.$('#invite-result');
    H.api('POST', H.wsPath(ws, '/invitations'), { email: email, role: H.$('#invite-role').value }).then(function (inv) {
      form.reset();
      roleOptions(H.$('#invite-role'), 'editor');
      showRoleHelp();
      var until = H.fmtDateTime(inv.expires_at);
      if (inv.emailed) {
        H.clear(box).appendChild(H.h('p', null, 'Invitation e-mailed to ' + inv.email + '. The link in it works once, until ' + until + '.'));
        box.hidden = false;
      } else {
        showSecret(box, 'Send this link to ' + inv.email + ' yourself (it was not e-mailed). It is shown only now, works once, and expires ' + until + '.', inv.accept_url, 'Invitation link for ' + inv.email);
      }
      return loadInvitations();
    }, function (err) { H.showError(form, err); }).then(function () { button.disabled = false; });
  });

  function showRoleHelp() {
    H.$('#invite-role-help').textContent = (H.config.role_help || {})[H.$('#invite-role').value] || '';
  }

  /* ---- API tokens ---- */
  function renderTokens() {
    var ul = H.clear(H.$('#tokens'));
    tokens.slice().sort(function (a, b) { return (a.revoked - b.revoked) || (a.created_at < b.created_at ? 1 : -1); }).forEach(function (t) {
      ul.appendChild(H.h('li', { class: 'row', dataset: { tokenId: t.id, revoked: String(t.revoked) } },
        H.h('div', { class: 'row-main' },
          H.h('strong', null, t.name || 'Unnamed token'), ' ', H.h('span', { class: 'role-tag' }, H.roleLabel(t.role)),
          H.h('div', { class: 'muted small token-meta' }, 'Made by ' + (t.created_by_name ? H.personLabel('user:' + t.created_by, t.created_by_name) : 'the admin token') + ' · ' + H.fmtDateTime(t.created_at))),
        t.revoked ? H.h('span', { class: 'flag' }, 'Revoked') :
          H.h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: function () { revoke(t); } }, 'Revoke')));
    });
    H.$('#tokens-empty').hidden = tokens.length > 0;
  }
  function loadTokens() {
    return H.api('GET', H.wsPath(ws, '/tokens')).then(function (list) { tokens = list; renderTokens(); });
  }
  function revoke(t) {
    problem('#tokens-error', null);
    if (!window.confirm('Revoke the token “' + (t.name || 'unnamed') + '”? Whatever uses it stops working at once.')) return;
    H.api('DELETE', H.wsPath(ws, '/tokens/' + encodeURIComponent(t.id))).then(loadTokens, function (err) { problem('#tokens-error', err); });
  }

  H.$('#token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var form = ev.target;
    H.clearErrors(form);
    var name = H.$('#token-name').value.trim();
    if (!name) { H.showError(form, { field: 'name', message: 'Give the token a name, so your team knows what acts with it.' }); return; }
    var button = H.$('button[type=submit]', form);
    button.disabled = true;
    H.api('POST', H.wsPath(ws, '/tokens'), { name: name, role: H.$('#token-role').value }).then(function (t) {
      form.reset();
      roleOptions(H.$('#token-role'), 'editor');
      showSecret(H.$('#token-result'), 'The token “' + (t.name || name) + '”. Copy it now: it is shown only this once. It acts as ' + H.roleLabel(t.role).toLowerCase() + ' in this workspace.', t.token, 'The new token');
      return loadTokens();
    }, function (err) { H.showError(form, err); }).then(function () { button.disabled = false; });
  });

  /* ---- start ---- */
  var help = H.$('#roles-help');
  (H.config.roles || []).forEach(function (r) {
    help.appendChild(H.h('dt', null, H.roleLabel(r)));
    help.appendChild(H.h('dd', null, (H.config.role_help || {})[r] || ''));
  });
  roleOptions(H.$('#invite-role'), 'editor');
  roleOptions(H.$('#token-role'), 'editor');
  H.$('#invite-role').addEventListener('change', showRoleHelp);
  showRoleHelp();

  H.initChrome(ws).then(function () {
    admin = H.roleAtLeast('admin');
    ['#invite-panel', '#invitations-panel', '#tokens-panel', '#token-panel'].forEach(function (id) { H.$(id).hidden = !admin; });
    if (!admin) H.$('#team-sub').textContent = 'Who works in this workspace. Only admins can invite people or change roles.';
    var all = function () {
      return loadMembers().then(function () { return admin ? loadTokens().then(loadInvitations) : null; });
    };
    // Live: someone joins, leaves or changes role anywhere (an `access` event), the lists
    // are read again.
    var reload = H.coalesce(all);
    H.connection = H.live(ws, {
      onOpen: reload,
      onEvent: function (name) { if (name === 'access' || name === 'resync') reload(); }
    });
    return all().then(function () { document.body.dataset.loaded = 'true'; });
  }).catch(H.fatal);
}());
