/* review.js: the approver's decision panel, shared by the approval queue and the post
   page. It sends the version of the post shown with approve, reject or request changes
   (with a comment), so the decision is on exactly what the approver saw; says what
   approving will do (publish now, schedule, or expire a late post); and on a 409 says
   the post changed meanwhile and offers to reload it. Also the read-only summary of a
   post (text, networks, schedule, author by name, media thumbnails, a folded preview
   on each network). */
import { api, clear, clearErrors, fmtDateTime, h, isMe, personLabel, session, showError, wsPath } from './core.js';
import { can, charCount, conflictText, isConflict, mediaStrip, platformLabel, scheduleText, tightest, waitingText } from './posts.js';
import { renderPreviews } from './preview.js';

var seq = 0;

function consequence(post) {
  var ws = session.workspace || {};
  if (!post.schedule_at) return 'Approving publishes it now.';
  if (new Date(post.schedule_at).getTime() > Date.now()) return 'Approving schedules it for ' + fmtDateTime(post.schedule_at) + '.';
  return ws.late_approval === 'publish'
    ? 'Its scheduled time has passed: approving publishes it now.'
    : 'Its scheduled time has passed: approving marks it expired.';
}

/** The panel for `post`, or null when the session may not decide on it.
    opts: {ws, onDone(post, action), onReload()} */
export function reviewPanel(post, opts) {
  if (!can('approve', post.status)) return null;
  var own = isMe(post.author);
  var id = 'review-' + (++seq);
  var comment = h('textarea', { id: id + '-comment', name: 'comment', rows: 2, 'aria-describedby': id + '-error' });
  var error = h('p', { class: 'field-error', id: id + '-error', dataset: { errorFor: 'comment' }, hidden: true });
  var formError = h('div', { class: 'field-error form-error', dataset: { errorFor: '_form' }, hidden: true, role: 'alert' });
  var buttons = [];
  var row = h('div', { class: 'form-actions' });
  var panel = h('div', { class: 'review', dataset: { version: post.version } },
    h('p', { class: 'review-version' }, consequence(post)),
    own ? h('p', { class: 'hint' }, 'You wrote this post, so another approver must approve it.') : null,
    h('div', { class: 'field' },
      h('label', { for: id + '-comment' }, 'Comment ', h('span', { class: 'optional' }, '(required to reject or request changes)')),
      comment, error),
    formError,
    row);

  function act(action, label, cls) {
    var b = h('button', { type: 'button', class: 'btn ' + cls, dataset: { action: action } }, label);
    b.addEventListener('click', function () {
      clearErrors(panel);
      buttons.forEach(function (x) { x.disabled = true; });
      var body = { version: post.version };
      if (comment.value.trim()) body.comment = comment.value;
      api('POST', wsPath(opts.ws, '/posts/' + encodeURIComponent(post.id) + '/' + action), body).then(function (next) {
        if (opts.onDone) opts.onDone(next, action);
      }, function (err) {
        buttons.forEach(function (x) { x.disabled = x.dataset.own === 'true'; });
        if (isConflict(err)) {
          clear(formError);
          formError.appendChild(document.createTextNode(conflictText(err) + ' '));
          if (opts.onReload) formError.appendChild(h('button', { type: 'button', class: 'btn btn-small', onclick: opts.onReload }, 'Reload it'));
          formError.hidden = false;
          return;
        }
        showError(panel, err);
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
}

/** A read-only summary of a post: text, platforms with counts, schedule, author. */
export function postSummary(post) {
  var n = charCount(post.text);
  var v = post.variants || {};
  var t = tightest((post.platforms || []).filter(function (p) { return !(v[p] && v[p].text); }));
  return h('div', { class: 'summary' },
    h('p', { class: 'post-text' }, post.text),
    ownTexts(post),
    post.first_comment ? h('p', { class: 'first-comment' }, h('span', { class: 'muted' }, 'First comment: '), post.first_comment) : null,
    h('dl', { class: 'meta' },
      h('div', null, h('dt', null, 'Platforms'), h('dd', null, (post.platforms || []).map(platformLabel).join(', '))),
      h('div', null, h('dt', null, 'Length'), h('dd', null, n + (t ? ' / ' + t.limit + ' (' + platformLabel(t.platform) + ')' : ''))),
      h('div', null, h('dt', null, post.published_at ? 'Published' : 'Goes out'), h('dd', null, post.published_at ? fmtDateTime(post.published_at) : scheduleText(post))),
      h('div', null, h('dt', null, 'Author'), h('dd', { class: 'author' }, personLabel(post.author, post.author_name))),
      waitingText(post) ? h('div', null, h('dt', null, 'Waiting'), h('dd', null, waitingText(post))) : null,
      h('div', null, h('dt', null, 'Last change'), h('dd', null, fmtDateTime(post.updated_at))),
      (post.media_urls || []).length ? h('div', null, h('dt', null, 'Media'), h('dd', null, mediaStrip(post))) : null),
    previewBox(post));
}
/** The networks that have their own text or first comment, each with it. */
function ownTexts(post) {
  var v = post.variants || {};
  var ps = (post.platforms || []).filter(function (p) { return v[p] && (v[p].text || v[p].first_comment); });
  if (!ps.length) return null;
  return h('ul', { class: 'variant-texts', 'aria-label': 'Texts per network' }, ps.map(function (p) {
    return h('li', { dataset: { platform: p } },
      h('strong', null, platformLabel(p) + ': '),
      v[p].text ? h('span', { class: 'variant-text' }, v[p].text) : h('span', { class: 'muted' }, 'the text above'),
      v[p].first_comment ? h('span', { class: 'variant-comment' }, h('span', { class: 'muted' }, ' · first comment: '), v[p].first_comment) : null);
  }));
}
/** How the post will look on each of its networks (preview.js), folded away. */
function previewBox(post) {
  if (!renderPreviews || !(post.platforms || []).length) return null;
  var box = h('div', { class: 'previews' });
  var v = post.variants || {};
  var texts = {}, comments = {};
  post.platforms.forEach(function (p) {
    if (v[p] && v[p].text) texts[p] = v[p].text;
    var c = (v[p] && v[p].first_comment) || post.first_comment;
    if (c) comments[p] = c;
  });
  var media = post.media || (post.media_urls || []).map(function (u) { return { url: u }; });
  renderPreviews(box, { text: post.text || '', platforms: post.platforms, media: media, texts: texts, comments: comments });
  return h('details', { class: 'preview-box' }, h('summary', null, 'Preview on each network'), box);
}
