/* approvals.js: the approval queue. Lists pending posts (GET .../posts?status=
   pending_approval) as cards with their author's name, showing exactly what will be
   approved, with the decision panel for approvers; posts sent back to their authors (changes requested, rejected) with the
   reviewer's last comment and an edit link. Live: re-reads on every event and reconnect;
   a card whose post changed meanwhile says so and offers a reload instead of silently
   swapping the text under the approver's eyes. Keyboard: after a decision the focus goes
   to the next card (not the top of the page); j / k (or the arrow keys) move between
   cards and a approves the card in focus. */
import { fatal, initChrome, setPendingNav } from './chrome.js';
import { $, $$, ago, api, clear, config, fmtDateTime, h, isMe, personLabel, toast, wsPath } from './core.js';
import { coalesce, live } from './live.js';
import { badge, can, overdue, postUrl, statusLabel } from './posts.js';
import { postSummary, reviewPanel } from './review.js';

var ws = config.workspace_id;
var cards = {};
var comments = {};

/* Up to 200 posts of a status; a page the server cut by bytes (large posts) carries a
   cursor to the rest, followed until 200 are listed. */
function listOf(status) {
  var all = [];
  function page(cursor) {
    var q = '/posts?limit=200&status=' + status + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    return api('GET', wsPath(ws, q)).then(function (p) {
      all = all.concat(p.posts || []);
      return all.length < 200 && p.next_cursor ? page(p.next_cursor) : all;
    });
  }
  return page(null);
}

function banner(card, tone, text, button) {
  var slot = clear($('.card-banner', card.el));
  slot.dataset.tone = tone;
  slot.appendChild(h('span', null, text + ' '));
  if (button) slot.appendChild(button);
  slot.hidden = false;
}

function makeCard(post) {
  var card = { post: post };
  var actions = reviewPanel(post, {
    ws: ws,
    onDone: function (next, action) {
      var verb = { approve: 'Approved', reject: 'Rejected', 'request-changes': 'Sent back for changes' }[action];
      toast(verb + ': now ' + statusLabel(next.status).toLowerCase() + '.', action === 'approve' ? 'good' : 'info');
      var after = neighbour(cards[post.id] && cards[post.id].el, 1) || neighbour(cards[post.id] && cards[post.id].el, -1);
      remove(post.id);
      (after || $('#queue-title')).focus();
      load();
    },
    onReload: function () { reload(post.id); }
  });
  if (!actions) {
    var note = can('edit', post.status) && isMe(post.author)
      ? h('p', { class: 'hint' }, 'Waiting for an approver. ', h('a', { href: postUrl(ws, post.id) }, 'Edit it'), ' (editing keeps it in the queue).')
      : h('p', { class: 'hint' }, 'Only approvers can decide on posts.');
    actions = note;
  }
  card.el = h('article', { class: 'card review-card', tabindex: '-1', dataset: { postId: post.id, version: post.version }, 'aria-labelledby': 'card-' + post.id },
    h('header', { class: 'card-head' },
      badge(post.status),
      h('h3', { id: 'card-' + post.id, class: 'card-title' }, 'From ', h('span', { class: 'author' }, personLabel(post.author, post.author_name))),
      h('span', { class: 'post-when' }, 'submitted ' + ago(post.updated_at)),
      overdue(post) ? h('span', { class: 'flag', dataset: { tone: 'bad' } }, 'Its planned time has passed') : null,
      h('a', { href: postUrl(ws, post.id), class: 'card-link' }, 'Open post and history')),
    h('div', { class: 'card-banner banner', hidden: true, role: 'alert' }),
    postSummary(post),
    actions);
  cards[post.id] = card;
  return card;
}

/** The card `step` places after (or before) `el` in the queue, if any. */
function neighbour(el, step) {
  var all = $$('#queue > article.review-card');
  var i = all.indexOf(el);
  return i < 0 ? null : all[i + step] || null;
}

/** j / k / arrows move between cards; a approves the one in focus (not while typing). */
function onKey(e) {
  if (e.altKey || e.ctrlKey || e.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
  if (e.target !== document.body && !$('#queue').contains(e.target)) return;
  var card = e.target.closest && e.target.closest('article.review-card');
  var step = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[e.key];
  if (step) {
    var to = card ? neighbour(card, step) : $('#queue > article.review-card');
    if (to) { e.preventDefault(); to.focus(); }
  } else if (e.key === 'a' && card) {
    var approve = $('button[data-action="approve"]', card);
    if (approve && !approve.disabled) { e.preventDefault(); approve.click(); }
  }
}

function remove(id) {
  var c = cards[id];
  if (c) { c.el.remove(); delete cards[id]; }
  updateCount();
}

function updateCount() {
  var n = Object.keys(cards).filter(function (id) { return !cards[id].gone; }).length;
  $('#queue-count').textContent = String(n);
  $('#queue-count').dataset.count = String(n);
  $('#queue-empty').hidden = Object.keys(cards).length > 0;
  setPendingNav(n);
}

/** Replaces a card with the post's current version (the 409 / stale "Reload it"). */
function reload(id) {
  api('GET', wsPath(ws, '/posts/' + encodeURIComponent(id))).then(function (post) {
    var old = cards[id];
    if (post.status !== 'pending_approval') {
      if (old) gone(old, post);
      return;
    }
    var fresh = makeCard(post);
    if (old) old.el.replaceWith(fresh.el); else $('#queue').appendChild(fresh.el);
    fresh.el.classList.add('changed');
    $('button', fresh.el) && $('button', fresh.el).focus();
    updateCount();
  }, function (err) { toast(err.message, 'bad'); });
}

function gone(card, post) {
  card.gone = true;
  banner(card, 'info', 'No longer waiting: it is now ' + statusLabel(post.status).toLowerCase() + '.',
    h('button', { type: 'button', class: 'btn btn-small', onclick: function () { remove(post.id); } }, 'Dismiss'));
  var panel = $('.review', card.el);
  if (panel) panel.remove();
  updateCount();
}

function renderQueue(pending) {
  var queue = $('#queue');
  var seen = {};
  pending.forEach(function (post) {
    seen[post.id] = true;
    var card = cards[post.id];
    if (!card) { queue.appendChild(makeCard(post).el); return; }
    if (card.post.version !== post.version && !card.stale) {
      card.stale = true;
      banner(card, 'warn', 'Someone changed this post while you were looking at it.',
        h('button', { type: 'button', class: 'btn btn-small', onclick: function () { reload(post.id); } }, 'Reload it'));
    }
  });
  Object.keys(cards).forEach(function (id) {
    if (!seen[id] && !cards[id].gone) {
      api('GET', wsPath(ws, '/posts/' + encodeURIComponent(id))).then(function (post) { if (cards[id]) gone(cards[id], post); }, function () { remove(id); });
    }
  });
  updateCount();
}

function lastComment(post) {
  if (comments[post.id] && comments[post.id].version === post.version) return Promise.resolve(comments[post.id].event);
  return api('GET', wsPath(ws, '/posts/' + encodeURIComponent(post.id))).then(function (d) {
    var ev = (d.events || []).filter(function (e) { return e.comment; }).pop() || null;
    comments[post.id] = { version: post.version, event: ev };
    return ev;
  }, function () { return null; });
}

function renderSentBack(posts) {
  posts.sort(function (a, b) { return a.updated_at < b.updated_at ? 1 : -1; });
  posts = posts.slice(0, 30);
  return Promise.all(posts.map(lastComment)).then(function (events) {
    var list = clear($('#sent-back'));
    posts.forEach(function (p, i) {
      var ev = events[i];
      list.appendChild(h('li', { class: 'post-item', dataset: { postId: p.id, status: p.status, version: p.version } },
        h('div', { class: 'post-top' }, badge(p.status), h('span', { class: 'post-when' }, fmtDateTime(p.updated_at))),
        h('p', { class: 'post-text clamp' }, h('a', { href: postUrl(ws, p.id), class: 'post-link' }, p.text)),
        ev ? h('blockquote', { class: 'comment' }, '“' + ev.comment + '”', h('cite', null, ' — ' + personLabel(ev.actor, ev.actor_name))) : null,
        can('edit', p.status) ? h('a', { class: 'btn btn-small', href: postUrl(ws, p.id) + '#edit-panel' }, 'Edit and resubmit') : null));
    });
    $('#sent-back-empty').hidden = posts.length > 0;
  });
}

var load = coalesce(function () {
  return Promise.all([listOf('pending_approval'), listOf('changes_requested'), listOf('rejected')]).then(function (r) {
    renderQueue(r[0].slice().reverse());
    document.body.dataset.loaded = 'true';
    return renderSentBack(r[1].concat(r[2]));
  }, function (err) { toast('Could not read the queue: ' + err.message, 'bad'); throw err; });
});

initChrome(ws).then(function () {
  $('#queue-intro').textContent = can('approve', 'pending_approval')
    ? 'You approve exactly what is shown. If a post changes while you look at it, you are told and can reload it.'
    : 'Posts waiting for an approver. Only approvers and admins can decide on them.';
  if (can('approve', 'pending_approval')) $('#queue-intro').textContent += ' Keys: j and k move between posts, a approves the one in focus.';
  document.addEventListener('keydown', onKey);
  load();
  live(ws, {
    onOpen: load,
    onEvent: function (name) { if (name === 'post' || name === 'resync') load(); }
  });
}, fatal);
