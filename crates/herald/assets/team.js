/* team.js: the team page. Members by name with their role (admins change it with a
   select, or remove someone after a confirmation; "a workspace keeps at least one
   admin" comes back in words), invitations (an e-mail and a role; when the invitation
   was not e-mailed its link is shown once, with a copy button, until "Done"), open
   invitations with withdraw, and API tokens (made with a name and a role, the token
   shown once the same way; listed with who made them, revocable). Secrets stay in the
   page only until the admin is done with them. */
import { fatal, initChrome } from './chrome.js';
import { $, api, clear, clearErrors, config, copy, fmtDateTime, h, isMe, personLabel, roleAtLeast, roleLabel, sentence, session, showError, toast, wsPath } from './core.js';
import { coalesce, live } from './live.js';

var ws = config.workspace_id;
var members = [];
var tokens = [];
var admin = false;
var SECRET_MS = 10 * 60 * 1000;

function roleOptions(select, selected) {
  clear(select);
  (config.roles || []).forEach(function (r) {
    select.appendChild(h('option', { value: r, selected: r === selected }, roleLabel(r)));
  });
}

/** Who an actor is, by the names this page knows (invitations carry only the id). */
function nameOf(actor) {
  var m = /^user:(.+)$/.exec(actor || '');
  var member = m && members.filter(function (x) { return x.user_id === m[1]; })[0];
  if (member) return personLabel(actor, member.name);
  var t = /^token:(.+)$/.exec(actor || '');
  var token = t && tokens.filter(function (x) { return x.id === t[1]; })[0];
  if (token) return token.name || 'an unnamed token';
  if (actor === 'admin') return 'the admin token';
  return isMe(actor) ? 'you' : 'a former member';
}

function problem(id, err) {
  var el = $(id);
  el.textContent = err ? sentence(err) : '';
  el.hidden = !err;
}

/** Shows a secret once: what it is for, the value in a read-only field, Copy and Done.
    It leaves the page on Done, on the next one, or after ten minutes. */
function showSecret(box, intro, value, label) {
  var field = h('input', { type: 'text', readonly: true, class: 'secret', value: value, 'aria-label': label, id: box.id + '-value', spellcheck: 'false' });
  var copied = h('span', { class: 'hint', role: 'status' });
  var timer = setTimeout(done, SECRET_MS);
  function done() { clearTimeout(timer); field.value = ''; clear(box); box.hidden = true; }
  clear(box).appendChild(h('p', null, intro));
  box.appendChild(field);
  box.appendChild(h('div', { class: 'form-actions' },
    h('button', { type: 'button', class: 'btn btn-primary btn-small', dataset: { copy: 'true' }, onclick: function () {
      copy(value, field).then(function () { copied.textContent = 'Copied.'; }, function () { copied.textContent = 'Select the text and copy it.'; field.select(); });
    } }, 'Copy'),
    h('button', { type: 'button', class: 'btn btn-small', dataset: { done: 'true' }, onclick: done }, 'Done'),
    copied));
  box.hidden = false;
  field.focus();
  field.select();
}

/* ---- members ---- */
function renderMembers() {
  var body = clear($('#members tbody'));
  members.sort(function (a, b) { return a.name.localeCompare(b.name); });
  members.forEach(function (m) {
    var me = isMe('user:' + m.user_id);
    var role;
    if (admin) {
      role = h('select', { class: 'role-select', 'aria-label': 'Role of ' + m.name, dataset: { userId: m.user_id } });
      roleOptions(role, m.role);
      role.addEventListener('change', function () { changeRole(m, role); });
    } else {
      role = h('span', null, roleLabel(m.role));
    }
    body.appendChild(h('tr', { dataset: { userId: m.user_id, role: m.role } },
      h('td', null, h('strong', { class: 'member-name' }, m.name + (me ? ' (you)' : '')), h('div', { class: 'muted small' }, m.email)),
      h('td', null, role),
      h('td', { class: 'actions' }, admin && !me ? h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { remove: m.user_id },
        onclick: function () { remove(m); } }, 'Remove') : null)));
  });
  $('#member-count').textContent = String(members.length);
}

function changeRole(m, select) {
  var before = m.role;
  problem('#members-error', null);
  select.disabled = true;
  api('PATCH', wsPath(ws, '/members/' + encodeURIComponent(m.user_id)), { role: select.value }).then(function (updated) {
    m.role = updated.role;
    toast(m.name + ' is now ' + roleLabel(updated.role).toLowerCase() + '.', 'good');
    if (isMe('user:' + m.user_id)) location.reload();
  }, function (err) {
    select.value = before;
    problem('#members-error', err);
  }).then(function () { select.disabled = false; });
}

function remove(m) {
  problem('#members-error', null);
  var where = (session.workspace && session.workspace.name) || 'this workspace';
  if (!window.confirm('Remove ' + m.name + ' from ' + where + '? They lose access at once, also in pages they have open.')) return;
  api('DELETE', wsPath(ws, '/members/' + encodeURIComponent(m.user_id))).then(function () {
    members = members.filter(function (x) { return x.user_id !== m.user_id; });
    renderMembers();
    toast(m.name + ' was removed.', 'good');
  }, function (err) { problem('#members-error', err); });
}

function loadMembers() {
  return api('GET', wsPath(ws, '/members')).then(function (list) { members = list; renderMembers(); });
}

/* ---- invitations ---- */
function renderInvitations(list) {
  var ul = clear($('#invitations'));
  list.forEach(function (i) {
    ul.appendChild(h('li', { class: 'row', dataset: { invitationId: i.id, email: i.email } },
      h('div', { class: 'row-main' },
        h('strong', null, i.email), ' ', h('span', { class: 'role-tag' }, roleLabel(i.role)),
        h('div', { class: 'muted small' }, 'Invited by ' + nameOf(i.invited_by) + ' · ' +
          (i.expired ? 'expired ' : 'valid until ') + fmtDateTime(i.expires_at))),
      i.expired ? h('span', { class: 'flag', dataset: { tone: 'bad' } }, 'Expired') : null,
      h('button', { type: 'button', class: 'btn btn-small', onclick: function () { withdraw(i); } }, i.expired ? 'Remove' : 'Withdraw')));
  });
  $('#invitations-empty').hidden = list.length > 0;
}
function loadInvitations() {
  return api('GET', wsPath(ws, '/invitations')).then(renderInvitations);
}
function withdraw(i) {
  problem('#invitations-error', null);
  if (!i.expired && !window.confirm('Withdraw the invitation for ' + i.email + '? Its link stops working.')) return;
  api('DELETE', wsPath(ws, '/invitations/' + encodeURIComponent(i.id))).then(loadInvitations, function (err) { problem('#invitations-error', err); });
}

$('#invite-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var form = ev.target;
  clearErrors(form);
  var email = $('#invite-email').value.trim();
  if (!email) { showError(form, { field: 'email', message: 'Enter the e-mail address of the person to invite.' }); return; }
  var button = $('button[type=submit]', form);
  button.disabled = true;
  var box = $('#invite-result');
  api('POST', wsPath(ws, '/invitations'), { email: email, role: $('#invite-role').value }).then(function (inv) {
    form.reset();
    roleOptions($('#invite-role'), 'editor');
    showRoleHelp();
    var until = fmtDateTime(inv.expires_at);
    if (inv.emailed) {
      clear(box).appendChild(h('p', null, 'Invitation e-mailed to ' + inv.email + '. The link in it works once, until ' + until + '.'));
      box.hidden = false;
    } else {
      showSecret(box, 'Send this link to ' + inv.email + ' yourself (it was not e-mailed). It is shown only now, works once, and expires ' + until + '.', inv.accept_url, 'Invitation link for ' + inv.email);
    }
    return loadInvitations();
  }, function (err) { showError(form, err); }).then(function () { button.disabled = false; });
});

function showRoleHelp() {
  $('#invite-role-help').textContent = (config.role_help || {})[$('#invite-role').value] || '';
}

/* ---- API tokens ---- */
function renderTokens() {
  var ul = clear($('#tokens'));
  tokens.slice().sort(function (a, b) { return (a.revoked - b.revoked) || (a.created_at < b.created_at ? 1 : -1); }).forEach(function (t) {
    ul.appendChild(h('li', { class: 'row', dataset: { tokenId: t.id, revoked: String(t.revoked) } },
      h('div', { class: 'row-main' },
        h('strong', null, t.name || 'Unnamed token'), ' ', h('span', { class: 'role-tag' }, roleLabel(t.role)),
        h('div', { class: 'muted small token-meta' }, 'Made by ' + (t.created_by_name ? personLabel('user:' + t.created_by, t.created_by_name) : 'the admin token') + ' · ' + fmtDateTime(t.created_at))),
      t.revoked ? h('span', { class: 'flag' }, 'Revoked') :
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: function () { revoke(t); } }, 'Revoke')));
  });
  $('#tokens-empty').hidden = tokens.length > 0;
}
function loadTokens() {
  return api('GET', wsPath(ws, '/tokens')).then(function (list) { tokens = list; renderTokens(); });
}
function revoke(t) {
  problem('#tokens-error', null);
  if (!window.confirm('Revoke the token “' + (t.name || 'unnamed') + '”? Whatever uses it stops working at once.')) return;
  api('DELETE', wsPath(ws, '/tokens/' + encodeURIComponent(t.id))).then(loadTokens, function (err) { problem('#tokens-error', err); });
}

$('#token-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var form = ev.target;
  clearErrors(form);
  var name = $('#token-name').value.trim();
  if (!name) { showError(form, { field: 'name', message: 'Give the token a name, so your team knows what acts with it.' }); return; }
  var button = $('button[type=submit]', form);
  button.disabled = true;
  api('POST', wsPath(ws, '/tokens'), { name: name, role: $('#token-role').value }).then(function (t) {
    form.reset();
    roleOptions($('#token-role'), 'editor');
    showSecret($('#token-result'), 'The token “' + (t.name || name) + '”. Copy it now: it is shown only this once. It acts as ' + roleLabel(t.role).toLowerCase() + ' in this workspace.', t.token, 'The new token');
    return loadTokens();
  }, function (err) { showError(form, err); }).then(function () { button.disabled = false; });
});

/* ---- start ---- */
var help = $('#roles-help');
(config.roles || []).forEach(function (r) {
  help.appendChild(h('dt', null, roleLabel(r)));
  help.appendChild(h('dd', null, (config.role_help || {})[r] || ''));
});
roleOptions($('#invite-role'), 'editor');
roleOptions($('#token-role'), 'editor');
$('#invite-role').addEventListener('change', showRoleHelp);
showRoleHelp();

initChrome(ws).then(function () {
  admin = roleAtLeast('admin');
  ['#invite-panel', '#invitations-panel', '#tokens-panel', '#token-panel'].forEach(function (id) { $(id).hidden = !admin; });
  if (!admin) $('#team-sub').textContent = 'Who works in this workspace. Only admins can invite people or change roles.';
  var all = function () {
    return loadMembers().then(function () { return admin ? loadTokens().then(loadInvitations) : null; });
  };
  // Live: someone joins, leaves or changes role anywhere (an `access` event), the lists
  // are read again.
  var reload = coalesce(all);
  session.connection = live(ws, {
    onOpen: reload,
    onEvent: function (name) { if (name === 'access' || name === 'resync') reload(); }
  });
  return all().then(function () { document.body.dataset.loaded = 'true'; });
}).catch(fatal);
