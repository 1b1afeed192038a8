/* client-review.js: the page a client opens from a review link (/review/{secret}),
   without an account. Shows only the link's posts — text, media, a preview on each
   network — with their comments, a comment box, and, when the link allows, Approve /
   Request changes / Reject for those pending approval. The secret is read from the
   page's own address and sent only in the path of /api/review/{secret} calls. */
import { $, api, clear, clearErrors, fmtDateTime, h, sentence, showError, toast } from './core.js';
import { badge } from './posts.js';
import { postSummary } from './review.js';

var secret = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop());
var base = '/api/review/' + encodeURIComponent(secret);
var root = $('#review-posts'), meta = $('#review-meta'), title = $('#review-title');

function call(method, path, body) { return api(method, base + path, body, { quiet: true }); }

function gone(err) {
  clear(root);
  var text = err.status === 410 ? 'This review link was revoked or has expired. Ask for a new one.'
    : err.status === 404 ? 'This review link does not exist. Check that you copied all of it.'
    : err.status === 429 ? 'Too many attempts from here. Wait a few minutes and try again.'
    : sentence(err);
  root.appendChild(h('p', { class: 'banner', role: 'alert' }, text));
  document.body.dataset.loaded = 'true';
}

function commentsOf(post) {
  var list = h('ol', { class: 'comments', 'aria-label': 'Comments' }, (post.comments || []).map(function (c) {
    return h('li', { class: 'comment-item', dataset: { commentId: c.id } },
      h('div', { class: 'comment-head' }, h('strong', { class: 'comment-author' }, c.author_name),
        h('time', { datetime: c.created_at }, fmtDateTime(c.created_at))),
      h('p', { class: 'comment-text' }, c.text));
  }));
  var id = 'comment-' + post.id;
  var text = h('textarea', { id: id, name: 'comment-text', rows: 2, 'aria-describedby': id + '-error' });
  var form = h('form', { class: 'comment-form', novalidate: true },
    h('label', { for: id }, 'Add a comment'), text,
    h('p', { class: 'field-error', id: id + '-error', dataset: { errorFor: 'text' }, hidden: true }),
    h('p', { class: 'field-error form-error', dataset: { errorFor: '_form' }, hidden: true, role: 'alert' }),
    h('button', { type: 'submit', class: 'btn' }, 'Comment'));
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearErrors(form);
    call('POST', '/posts/' + encodeURIComponent(post.id) + '/comments', { text: text.value }).then(load, function (err) {
      if (err.status === 410) return gone(err);
      showError(form, err);
    });
  });
  return h('section', { class: 'review-comments' }, h('h3', null, 'Comments'), list, form);
}

function decisionOf(post) {
  var id = 'decide-' + post.id;
  var comment = h('textarea', { id: id, name: 'comment', rows: 2, 'aria-describedby': id + '-error' });
  var form = h('div', { class: 'review-panel' },
    h('label', { for: id }, 'Comment for the team (needed to request changes or reject)'), comment,
    h('p', { class: 'field-error', id: id + '-error', dataset: { errorFor: 'comment' }, hidden: true }),
    h('p', { class: 'field-error form-error', dataset: { errorFor: '_form' }, hidden: true, role: 'alert' }));
  var row = h('div', { class: 'form-actions' });
  [['approve', 'Approve', 'btn-primary'], ['request_changes', 'Request changes', ''], ['reject', 'Reject', 'btn-danger']].forEach(function (a) {
    row.appendChild(h('button', { type: 'button', class: 'btn ' + a[2], dataset: { action: a[0] }, onclick: function () {
      clearErrors(form);
      var body = { action: a[0], version: post.version, comment: comment.value || null };
      call('POST', '/posts/' + encodeURIComponent(post.id) + '/decision', body).then(function () {
        toast(a[1] + ': done');
        load();
      }, function (err) {
        if (err.status === 410) return gone(err);
        if (err.status === 409) {
          var slot = $('[data-error-for="_form"]', form);
          slot.textContent = 'The post changed since you opened it. ';
          slot.appendChild(h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Show the new version'));
          slot.hidden = false;
          return;
        }
        showError(form, err);
      });
    } }, a[1]));
  });
  form.appendChild(row);
  return form;
}

function render(page) {
  title.textContent = 'Review for ' + page.workspace_name;
  meta.textContent = 'Hello ' + page.reviewer_name + '. This link works until ' + fmtDateTime(page.expires_at) + '.';
  clear(root);
  if (!page.posts.length) root.appendChild(h('p', { class: 'empty' }, 'There is nothing left to review.'));
  page.posts.forEach(function (post) {
    var pending = post.status === 'pending_approval';
    root.appendChild(h('article', { class: 'panel review-post', dataset: { postId: post.id, status: post.status } },
      h('div', { class: 'panel-head' }, h('h2', null, 'Post by ' + post.author_name), badge(post.status)),
      postSummary(post),
      page.can_decide && pending ? decisionOf(post) : null,
      commentsOf(post)));
  });
  document.body.dataset.loaded = 'true';
}

function load() { return call('GET', '').then(render, gone); }
$('#review-reload').addEventListener('click', load);
load();
