/* post.js: one post. Shows it with its per-platform results and its audit trail by
   name (GET .../posts/{id} returns `events` with `actor_name`), the approver's decision panel, the edit form
   (save, or save and resubmit) and the other actions its status allows for this role
   (submit, retry, cancel, delete), and, once published, its engagement per network
   (GET .../posts/{id}/analytics), each figure with its age. Live: a change made elsewhere
   is shown at once, unless the user has unsaved edits: then a banner says the post
   changed and offers a reload. */
import { fatal, initChrome } from './chrome.js';
import { commentEvent, initComments, initShare } from './comments.js';
import { composer } from './compose.js';
import { $, api, clear, config, fmtDateTime, h, personLabel, sentence, session, toast, wsPath } from './core.js';
import { coalesce, live } from './live.js';
import { badge, can, conflictText, FIGURES, figuresAge, fmtFigure, isConflict, platformError, platformLabel, platformResults, statusLabel } from './posts.js';
import { postSummary, reviewPanel } from './review.js';

var ws = config.workspace_id;
var id = config.post_id;
var path = wsPath(ws, '/posts/' + encodeURIComponent(id));
var current = null;
var editor = null;
var restored = false;

/** How each audit action reads after its actor (the server's vocabulary). */
var ACTION_LABEL = config.audit_actions || {};

function renderView(post) {
  var view = clear($('#post-view'));
  view.dataset.postId = post.id;
  view.dataset.status = post.status;
  view.dataset.version = post.version;
  var errors = (post.platform_results || []).filter(function (r) { return r.error; });
  view.appendChild(h('header', { class: 'post-head' },
    badge(post.status),
    h('h1', null, 'Post by ', personLabel(post.author, post.author_name))));
  view.appendChild(postSummary(post));
  if ((post.platform_results || []).length) {
    view.appendChild(h('h2', null, 'Results per network'));
    view.appendChild(platformResults(post));
  }
  if (errors.length) {
    view.appendChild(h('ul', { class: 'errors' }, errors.map(function (r) {
      return h('li', null, h('strong', null, platformLabel(r.platform) + ': '), r.error);
    })));
  }
  view.appendChild(h('dl', { class: 'meta meta-small' },
    h('div', null, h('dt', null, 'Created'), h('dd', null, fmtDateTime(post.created_at)))));
  view.appendChild(h('details', { class: 'tech' }, h('summary', null, 'Technical details'),
    h('dl', { class: 'meta meta-small' },
      h('div', null, h('dt', null, 'Herald id'), h('dd', null, post.id)),
      h('div', null, h('dt', null, 'Revision'), h('dd', null, String(post.version))),
      h('div', null, h('dt', null, 'Ayrshare id'), h('dd', null, post.ayrshare_id || '—')))));
  document.title = statusLabel(post.status) + ' post · Herald';
}

/** The published post's figures per network, with their age; hidden before publishing. */
function loadFigures(post) {
  var panel = $('#figures-panel');
  panel.hidden = !(post.status === 'published' || post.status === 'partially_published');
  if (panel.hidden) return;
  api('GET', path + '/analytics', undefined, { quiet: true }).then(function (r) {
    var box = clear($('#figures'));
    if (!r.figures.length) {
      box.appendChild(h('p', { class: 'hint' }, 'No figures yet: Herald reads them from Ayrshare shortly after publishing, then as they settle.'));
      return;
    }
    var metrics = FIGURES.filter(function (m) { return r.figures.some(function (f) { return f.metrics[m] != null; }); });
    box.appendChild(h('table', { class: 'figures-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Network'),
        metrics.map(function (m) { return h('th', { scope: 'col' }, m.charAt(0).toUpperCase() + m.slice(1)); }),
        h('th', { scope: 'col' }, 'As of'))),
      h('tbody', null, r.figures.map(function (f) {
        return h('tr', { dataset: { platform: f.platform } }, h('th', { scope: 'row' }, platformLabel(f.platform)),
          metrics.map(function (m) { return h('td', null, fmtFigure(f.metrics[m])); }),
          h('td', null, fmtDateTime(f.as_of)));
      }))));
    box.appendChild(h('p', { class: 'hint', dataset: { upstream: r.upstream } }, figuresAge(r.as_of, r.upstream)));
  }, function () { clear($('#figures')).appendChild(h('p', { class: 'hint' }, 'Figures could not be read just now.')); });
}

function renderReview(post) {
  var panel = $('#review-panel');
  var box = clear($('#review'));
  var review = reviewPanel(post, {
    ws: ws,
    onDone: function (next) { toast('Done: now ' + statusLabel(next.status).toLowerCase() + '.', 'good'); load(true); },
    onReload: function () { load(true); }
  });
  panel.hidden = !review;
  if (review) box.appendChild(review);
}

function renderEdit(post) {
  var panel = $('#edit-panel');
  panel.hidden = !can('edit', post.status);
  if (panel.hidden) return;
  var form = $('#edit-form');
  if (!editor) {
    editor = composer(form, {
      ws: ws, mode: 'edit', postId: id,
      version: function () { return current.version; },
      onDone: function (next, intent) { toast(intent === 'resubmit' ? 'Saved and resubmitted.' : 'Saved.', 'good'); load(true); },
      onConflict: stale
    });
  }
  editor.fill(post);
  if (!restored) restored = editor.restore();
  $('button[value="resubmit"]', form).hidden = !can('submit', post.status);
  var note = post.status === 'scheduled' && session.workspace && session.workspace.requires_approval
    ? 'Saving sends it back for approval.' : '';
  $('#edit-result').textContent = note;
}

function actionButton(label, cls, run) {
  return h('button', { type: 'button', class: 'btn ' + cls, onclick: function (e) {
    var err = $('#actions-error');
    err.hidden = true;
    e.target.disabled = true;
    run().then(function (next) {
      if (!next) return;
      toast('Now ' + statusLabel(next.status).toLowerCase() + '.', 'good');
      load(true);
    }, function (x) {
      if (isConflict(x)) { stale(x); return; }
      err.textContent = sentence(platformError(x));
      err.hidden = false;
    }).then(function () { e.target.disabled = false; });
  } }, label);
}

function renderActions(post) {
  var box = clear($('#post-actions'));
  var v = { version: post.version };
  if (can('submit', post.status)) {
    var now = session.workspace && !session.workspace.requires_approval && !post.schedule_at;
    box.appendChild(actionButton(now ? 'Publish now' : (session.workspace && !session.workspace.requires_approval ? 'Schedule' : 'Submit for approval'), 'btn-primary', function () {
      if (now && !window.confirm('Publish this post now on ' + post.platforms.map(platformLabel).join(', ') + '? It goes out at once.')) return Promise.resolve(null);
      return api('POST', path + '/submit', v);
    }));
  }
  if (can('retry', post.status)) box.appendChild(actionButton('Retry failed platforms', 'btn-primary', function () { return api('POST', path + '/retry', v); }));
  if (can('delete', post.status)) {
    var published = post.status === 'published' || post.status === 'partially_published';
    box.appendChild(actionButton(published ? 'Delete from the networks' : 'Cancel post', 'btn-danger', function () {
      var ask = published ? 'Delete this post from every network it was published to?' : 'Cancel this post?';
      if (!window.confirm(ask)) return Promise.resolve(null);
      return api('DELETE', path, v);
    }));
  }
  $('#actions-panel').hidden = !box.firstChild;
}

function renderAudit(events) {
  var list = clear($('#audit'));
  events.forEach(function (e) {
    list.appendChild(h('li', { class: 'audit-item', dataset: { action: e.action } },
      h('div', { class: 'audit-line' },
        h('time', { datetime: e.at }, fmtDateTime(e.at)), ' ',
        h('strong', { class: 'actor' }, personLabel(e.actor, e.actor_name)), ' ', ACTION_LABEL[e.action] || e.action, ' ',
        e.from && e.from !== e.to ? h('span', { class: 'transition' }, badge(e.from), ' → ', badge(e.to)) : badge(e.to)),
      e.comment ? h('blockquote', { class: 'comment' }, e.comment) : null));
  });
  if (!events.length) list.appendChild(h('li', { class: 'empty' }, 'No events.'));
}

/** Someone else changed the post while this page had unsaved edits: their version and
    this text side by side, to keep mine (saved over theirs, at their revision) or take
    theirs. Another refusal (a status that no longer allows it) just offers a reload. */
function stale(err) {
  var b = clear($('#post-stale'));
  b.dataset.tone = 'warn';
  b.hidden = false;
  var reload = h('button', { type: 'button', class: 'btn btn-small', onclick: function () { load(true); } }, 'Take theirs');
  if (err && err.code && err.code !== 'version_conflict') {
    b.appendChild(h('span', null, conflictText(err) + ' '));
    reload.textContent = 'Reload it';
    b.appendChild(reload);
    return;
  }
  b.appendChild(h('p', null, 'Someone changed this post meanwhile. Your edits are not saved yet.'));
  api('GET', path).then(function (theirs) {
    var mine = $('#edit-text') ? $('#edit-text').value : '';
    b.appendChild(h('div', { class: 'conflict-compare' },
      h('figure', { id: 'conflict-theirs' }, h('figcaption', null, 'Theirs (revision ' + theirs.version + ', ' + statusLabel(theirs.status).toLowerCase() + ')'),
        h('blockquote', null, theirs.text)),
      h('figure', { id: 'conflict-mine' }, h('figcaption', null, 'Yours (not saved)'), h('blockquote', null, mine))));
    var keep = h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: function () {
      current = theirs; // saving now replaces their version, knowingly
      renderView(theirs);
      renderReview(theirs);
      renderActions(theirs);
      renderAudit(theirs.events || []);
      b.hidden = true;
      toast('Your text is kept. Save to put it in place of theirs.', 'good');
      $('#edit-text').focus();
    } }, 'Keep mine');
    b.appendChild(h('div', { class: 'form-actions' }, keep, reload));
  }, function () { b.appendChild(reload); });
}

/** Reads the post; `force` overwrites unsaved edits (the user asked to reload). */
function load(force) {
  return api('GET', path).then(function (d) {
    if (!force && current && editor && editor.dirty && d.version !== current.version) { stale({ details: { current_version: d.version } }); return; }
    var first = !current;
    var changed = current && d.version !== current.version;
    current = d;
    $('#post-stale').hidden = true;
    renderView(d);
    renderReview(d);
    renderEdit(d);
    renderActions(d);
    renderAudit(d.events || []);
    if (first || changed) loadFigures(d);
    if (changed) $('#post-view').classList.add('changed');
    document.body.dataset.loaded = 'true';
    if (first && location.hash === '#edit-panel' && !$('#edit-panel').hidden) $('#edit-text').focus();
  }, function (err) {
    if (!current) { clear($('#post-view')); fatal(err); }
  });
}

initChrome(ws).then(function () {
  var refresh = coalesce(function () { return load(false); });
  var comments = initComments(ws, id);
  initShare(ws, id);
  live(ws, {
    onOpen: function () { refresh(); if (comments) comments().catch(function () {}); },
    onEvent: function (name, data) {
      if ((name === 'post' && data && data.id === id) || name === 'resync') refresh();
      commentEvent(name, data);
    }
  });
  refresh();
}, fatal);
