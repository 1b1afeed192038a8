/* comments.js: the Comments panel of a post (any member may comment; `@Name` tells that
   member), kept live by the workspace's event stream (commentEvent, called by the
   page for `comment` and `comment_deleted`), and the "Share for review" control of
   approvers: it creates a client review link for the post, shows its URL once to copy,
   and lists the post's links with a Revoke button. */
import { $, ago, api, clear, clearErrors, fmtDateTime, h, roleAtLeast, sentence, showError, toast, wsPath } from './core.js';

var onEvent = null;
/** A `comment` or `comment_deleted` event of the stream, for the panel if it is open. */
export function commentEvent(name, data) { if (onEvent) onEvent(name, data); }

function commentItem(c, onDelete) {
  return h('li', { class: 'comment-item', dataset: { commentId: c.id } },
    h('div', { class: 'comment-head' },
      h('strong', { class: 'comment-author' }, c.author_name),
      h('time', { datetime: c.created_at, title: fmtDateTime(c.created_at) }, ago(c.created_at)),
      c.can_delete ? h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: function () { onDelete(c); }, 'aria-label': 'Delete comment by ' + c.author_name }, 'Delete') : null),
    h('p', { class: 'comment-text' }, c.text));
}

/** The Comments panel of post `id` in `ws`. */
export function initComments(ws, id) {
  var panel = $('#comments-panel');
  if (!panel) return;
  var list = $('#comments', panel), empty = $('#comments-empty', panel);
  var form = $('#comment-form', panel), text = $('#comment-text', panel);
  var path = wsPath(ws, '/posts/' + encodeURIComponent(id) + '/comments');
  var shown = {};
  panel.hidden = false;

  function show(c) {
    if (shown[c.id]) return;
    if (c.can_delete === undefined) c.can_delete = roleAtLeast('admin');
    shown[c.id] = true;
    list.appendChild(commentItem(c, remove));
    empty.hidden = true;
  }
  function drop(cid) {
    var li = $('[data-comment-id="' + cid + '"]', list);
    if (li) li.remove();
    delete shown[cid];
    empty.hidden = list.children.length > 0;
  }
  function remove(c) {
    api('DELETE', path + '/' + encodeURIComponent(c.id)).then(function () { drop(c.id); }, function (err) { toast(sentence(err), 'bad'); });
  }
  function load() {
    return api('GET', path).then(function (all) {
      clear(list); shown = {};
      all.forEach(show);
      empty.hidden = all.length > 0;
    });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearErrors(form);
    var button = $('button[type=submit]', form);
    button.disabled = true;
    api('POST', path, { text: text.value }).then(function (c) {
      text.value = '';
      show(c);
    }, function (err) { showError(form, err); }).then(function () { button.disabled = false; });
  });
  onEvent = function (name, data) {
    if (!data || data.post_id !== id) return;
    if (name === 'comment') show(data);
    else if (name === 'comment_deleted') drop(data.id);
  };
  load().catch(function () {});
  return load;
}

/** "Share for review": approvers create a client review link for post `id`. */
export function initShare(ws, id) {
  var panel = $('#share-panel');
  if (!panel || !roleAtLeast('approver')) return;
  panel.hidden = false;
  var form = $('#share-form', panel), result = $('#share-result', panel);
  var links = $('#share-links', panel);
  var path = wsPath(ws, '/review-links');

  function loadLinks() {
    return api('GET', path).then(function (all) {
      clear(links);
      all.filter(function (l) { return l.post_ids.indexOf(id) >= 0; }).forEach(function (l) {
        links.appendChild(h('li', { dataset: { linkId: l.id, status: l.status } },
          h('span', null, l.reviewer_name + ' · ' + l.status + (l.status === 'open' ? ' until ' + fmtDateTime(l.expires_at) : '')),
          l.status === 'open' ? h('button', { type: 'button', class: 'btn btn-small', onclick: function () {
            api('DELETE', path + '/' + encodeURIComponent(l.id)).then(loadLinks, function (err) { toast(sentence(err), 'bad'); });
          } }, 'Revoke') : null));
      });
    });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearErrors(form);
    var body = {
      post_ids: [id],
      reviewer_name: $('#share-name', form).value,
      reviewer_email: $('#share-email', form).value || null,
      expires_in_hours: Number($('#share-hours', form).value || 72),
      can_decide: $('#share-decide', form).checked
    };
    api('POST', path, body).then(function (created) {
      clear(result);
      var url = created.url.charAt(0) === '/' ? location.origin + created.url : created.url;
      var input = h('input', { id: 'share-url', type: 'text', readonly: true, value: url, 'aria-label': 'Review link' });
      result.appendChild(h('p', { class: 'hint' }, 'Copy this link now: it is shown only once. It works until ' + fmtDateTime(created.expires_at) + '.'));
      result.appendChild(input);
      result.appendChild(h('button', { type: 'button', class: 'btn btn-small', onclick: function () {
        input.select();
        if (navigator.clipboard) navigator.clipboard.writeText(url).then(function () { toast('Link copied'); }, function () {});
      } }, 'Copy'));
      result.hidden = false;
      input.focus(); input.select();
      loadLinks();
    }, function (err) { showError(form, err); });
  });
  loadLinks().catch(function () {});
}
