/* review.js: the approver's decision panel, shared by the approval queue and the post
   page. It sends the version of the post shown with approve, reject or request changes
   (with a comment), so the decision is on exactly what the approver saw; says what
   approving will do (publish now, schedule, or expire a late post); and on a 409 says
   the post changed meanwhile and offers to reload it. Also the read-only summary of a
   post (text, networks, schedule, author by name, media thumbnails, a folded preview
   on each network). */
(function () {
  'use strict';
  var H = window.Herald;
  var seq = 0;

  function consequence(post) {
    var ws = H.workspace || {};
    if (!post.schedule_at) return 'Approving publishes it now.';
    if (new Date(post.schedule_at).getTime() > Date.now()) return 'Approving schedules it for ' + H.fmtDateTime(post.schedule_at) + '.';
    return ws.late_approval === 'publish'
      ? 'Its scheduled time has passed: approving publishes it now.'
      : 'Its scheduled time has passed: approving marks it expired.';
  }

  /** The panel for `post`, or null when the session may not decide on it.
      opts: {ws, onDone(post, action), onReload()} */
  H.reviewPanel = function (post, opts) {
    if (!H.can('approve', post.status)) return null;
    var own = H.isMe(post.author);
    var id = 'review-' + (++seq);
    var comment = H.h('textarea', { id: id + '-comment', name: 'comment', rows: 2, 'aria-describedby': id + '-error' });
    var error = H.h('p', { class: 'field-error', id: id + '-error', dataset: { errorFor: 'comment' }, hidden: true });
    var formError = H.h('div', { class: 'field-error form-error', dataset: { errorFor: '_form' }, hidden: true, role: 'alert' });
    var buttons = [];
    var row = H.h('div', { class: 'form-actions' });
    var panel = H.h('div', { class: 'review', dataset: { version: post.version } },
      H.h('p', { class: 'review-version' }, consequence(post)),
      own ? H.h('p', { class: 'hint' }, 'You wrote this post, so another approver must approve it.') : null,
      H.h('div', { class: 'field' },
        H.h('label', { for: id + '-comment' }, 'Comment ', H.h('span', { class: 'optional' }, '(required to reject or request changes)')),
        comment, error),
      formError,
      row);

    function act(action, label, cls) {
      var b = H.h('button', { type: 'button', class: 'btn ' + cls, dataset: { action: action } }, label);
      b.addEventListener('click', function () {
        H.clearErrors(panel);
        buttons.forEach(function (x) { x.disabled = true; });
        var body = { version: post.version };
        if (comment.value.trim()) body.comment = comment.value;
        H.api('POST', H.wsPath(opts.ws, '/posts/' + encodeURIComponent(post.id) + '/' + action), body).then(function (next) {
          if (opts.onDone) opts.onDone(next, action);
        }, function (err) {
          buttons.forEach(function (x) { x.disabled = x.dataset.own === 'true'; });
          if (H.isConflict(err)) {
            H.clear(formError);
            formError.appendChild(document.createTextNode(H.conflictText(err) + ' '));
            if (opts.onReload) formError.appendChild(H.h('button', { type: 'button', class: 'btn btn-small', onclick: opts.onReload }, 'Reload it'));
            formError.hidden = false;
            return;
          }
          H.showError(panel, err);
        });
      });
      buttons.push(b);
      row.appendChild(b);
      return b;
    }
    var approve = act('approve', 'Approve', 'btn-primary');
    if (own) { approve.disabled = true; approve.dataset.own = 'true'; }
    act('request-changes', 'Request changes', '');
    act('reject', 'Reject', 'btn-danger');
    return panel;
  };

  /** A read-only summary of a post: text, platforms with counts, schedule, author. */
  H.postSummary = function (post) {
    var n = H.charCount(post.text);
    var v = post.variants || {};
    var t = H.tightest((post.platforms || []).filter(function (p) { return !(v[p] && v[p].text); }));
    return H.h('div', { class: 'summary' },
      H.h('p', { class: 'post-text' }, post.text),
      ownTexts(post),
      post.first_comment ? H.h('p', { class: 'first-comment' }, H.h('span', { class: 'muted' }, 'First comment: '), post.first_comment) : null,
      H.h('dl', { class: 'meta' },
        H.h('div', null, H.h('dt', null, 'Platforms'), H.h('dd', null, (post.platforms || []).map(H.platformLabel).join(', '))),
        H.h('div', null, H.h('dt', null, 'Length'), H.h('dd', null, n + (t ? ' / ' + t.limit + ' (' + H.platformLabel(t.platform) + ')' : ''))),
        H.h('div', null, H.h('dt', null, post.published_at ? 'Published' : 'Goes out'), H.h('dd', null, post.published_at ? H.fmtDateTime(post.published_at) : H.scheduleText(post))),
        H.h('div', null, H.h('dt', null, 'Author'), H.h('dd', { class: 'author' }, H.personLabel(post.author, post.author_name))),
        H.waitingText(post) ? H.h('div', null, H.h('dt', null, 'Waiting'), H.h('dd', null, H.waitingText(post))) : null,
        H.h('div', null, H.h('dt', null, 'Last change'), H.h('dd', null, H.fmtDateTime(post.updated_at))),
        (post.media_urls || []).length ? H.h('div', null, H.h('dt', null, 'Media'), H.h('dd', null, H.mediaStrip(post))) : null),
      previewBox(post));
  };
  /** The networks that have their own text or first comment, each with it. */
  function ownTexts(post) {
    var v = post.variants || {};
    var ps = (post.platforms || []).filter(function (p) { return v[p] && (v[p].text || v[p].first_comment); });
    if (!ps.length) return null;
    return H.h('ul', { class: 'variant-texts', 'aria-label': 'Texts per network' }, ps.map(function (p) {
      return H.h('li', { dataset: { platform: p } },
        H.h('strong', null, H.platformLabel(p) + ': '),
        v[p].text ? H.h('span', { class: 'variant-text' }, v[p].text) : H.h('span', { class: 'muted' }, 'the text above'),
        v[p].first_comment ? H.h('span', { class: 'variant-comment' }, H.h('span', { class: 'muted' }, ' · first comment: '), v[p].first_comment) : null);
    }));
  }
  /** How the post will look on each of its networks (preview.js), folded away. */
  function previewBox(post) {
    if (!H.renderPreviews || !(post.platforms || []).length) return null;
    var box = H.h('div', { class: 'previews' });
    var v = post.variants || {};
    var texts = {}, comments = {};
    post.platforms.forEach(function (p) {
      if (v[p] && v[p].text) texts[p] = v[p].text;
      var c = (v[p] && v[p].first_comment) || post.first_comment;
      if (c) comments[p] = c;
    });
    var media = post.media || (post.media_urls || []).map(function (u) { return { url: u }; });
    H.renderPreviews(box, { text: post.text || '', platforms: post.platforms, media: media, texts: texts, comments: comments });
    return H.h('details', { class: 'preview-box' }, H.h('summary', null, 'Preview on each network'), box);
  }
}());
