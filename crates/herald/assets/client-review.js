/* client-review.js: the page a client opens from a review link (/review/{secret}),
   without an account. Shows only the link's posts — text, media, a preview on each
   network — with their comments, a comment box, and, when the link allows, Approve /
   Request changes / Reject for those pending approval. The secret is read from the
   page's own address and sent only in the path of /api/review/{secret} calls. */
(function () {
  'use strict';
  var H = window.Herald;
  var secret = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop());
  var base = '/api/review/' + encodeURIComponent(secret);
  var root = H.$('#review-posts'), meta = H.$('#review-meta'), title = H.$('#review-title');

  function api(method, path, body) { return H.api(method, base + path, body, { quiet: true }); }

  function gone(err) {
    H.clear(root);
    var text = err.status === 410 ? 'This review link was revoked or has expired. Ask for a new one.'
      : err.status === 404 ? 'This review link does not exist. Check that you copied all of it.'
      : err.status === 429 ? 'Too many attempts from here. Wait a few minutes and try again.'
      : H.sentence(err);
    root.appendChild(H.h('p', { class: 'banner', role: 'alert' }, text));
    document.body.dataset.loaded = 'true';
  }

  function commentsOf(post) {
    var list = H.h('ol', { class: 'comments', 'aria-label': 'Comments' }, (post.comments || []).map(function (c) {
      return H.h('li', { class: 'comment-item', dataset: { commentId: c.id } },
        H.h('div', { class: 'comment-head' }, H.h('strong', { class: 'comment-author' }, c.author_name),
          H.h('time', { datetime: c.created_at }, H.fmtDateTime(c.created_at))),
        H.h('p', { class: 'comment-text' }, c.text));
    }));
    var id = 'comment-' + post.id;
    var text = H.h('textarea', { id: id, name: 'comment-text', rows: 2, 'aria-describedby': id + '-error' });
    var form = H.h('form', { class: 'comment-form', novalidate: true },
      H.h('label', { for: id }, 'Add a comment'), text,
      H.h('p', { class: 'field-error', id: id + '-error', dataset: { errorFor: 'text' }, hidden: true }),
      H.h('p', { class: 'field-error form-error', dataset: { errorFor: '_form' }, hidden: true, role: 'alert' }),
      H.h('button', { type: 'submit', class: 'btn' }, 'Comment'));
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      H.clearErrors(form);
      api('POST', '/posts/' + encodeURIComponent(post.id) + '/comments', { text: text.value }).then(load, function (err) {
        if (err.status === 410) return gone(err);
        H.showError(form, err);
      });
    });
    return H.h('section', { class: 'review-comments' }, H.h('h3', null, 'Comments'), list, form);
  }

  function decisionOf(post) {
    var id = 'decide-' + post.id;
    var comment = H.h('textarea', { id: id, name: 'comment', rows: 2, 'aria-describedby': id + '-error' });
    var form = H.h('div', { class: 'review-panel' },
      H.h('label', { for: id }, 'Comment for the team (needed to request changes or reject)'), comment,
      H.h('p', { class: 'field-error', id: id + '-error', dataset: { errorFor: 'comment' }, hidden: true }),
      H.h('p', { class: 'field-error form-error', dataset: { errorFor: '_form' }, hidden: true, role: 'alert' }));
    var row = H.h('div', { class: 'form-actions' });
    [['approve', 'Approve', 'btn-primary'], ['request_changes', 'Request changes', ''], ['reject', 'Reject', 'btn-danger']].forEach(function (a) {
      row.appendChild(H.h('button', { type: 'button', class: 'btn ' + a[2], dataset: { action: a[0] }, onclick: function () {
        H.clearErrors(form);
        var body = { action: a[0], version: post.version, comment: comment.value || null };
        api('POST', '/posts/' + encodeURIComponent(post.id) + '/decision', body).then(function () {
          H.toast(a[1] + ': done');
          load();
        }, function (err) {
          if (err.status === 410) return gone(err);
          if (err.status === 409) {
            var slot = H.$('[data-error-for="_form"]', form);
            slot.textContent = 'The post changed since you opened it. ';
            slot.appendChild(H.h('button', { type: 'button', class: 'btn btn-small', onclick: load }, 'Show the new version'));
            slot.hidden = false;
            return;
          }
          H.showError(form, err);
        });
      } }, a[1]));
    });
    form.appendChild(row);
    return form;
  }

  function render(page) {
    title.textContent = 'Review for ' + page.workspace_name;
    meta.textContent = 'Hello ' + page.reviewer_name + '. This link works until ' + H.fmtDateTime(page.expires_at) + '.';
    H.clear(root);
    if (!page.posts.length) root.appendChild(H.h('p', { class: 'empty' }, 'There is nothing left to review.'));
    page.posts.forEach(function (post) {
      var pending = post.status === 'pending_approval';
      root.appendChild(H.h('article', { class: 'panel review-post', dataset: { postId: post.id, status: post.status } },
        H.h('div', { class: 'panel-head' }, H.h('h2', null, 'Post by ' + post.author_name), H.badge(post.status)),
        H.postSummary(post),
        page.can_decide && pending ? decisionOf(post) : null,
        commentsOf(post)));
    });
    document.body.dataset.loaded = 'true';
  }

  function load() { return api('GET', '').then(render, gone); }
  H.$('#review-reload').addEventListener('click', load);
  load();
}());
