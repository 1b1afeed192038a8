/* comments.js: the Comments panel of a post (any member may comment; `@Name` tells that
   member), kept live by the workspace's event stream (H.commentEvent, called by the
   page for `comment` and `comment_deleted`), and the "Share for review" control of
   approvers: it creates a client review link for the post, shows its URL once to copy,
   and lists the post's links with a Revoke button. */
(function () {
  'use strict';
  var H = window.Herald;

  function commentItem(c, onDelete) {
    return H.h('li', { class: 'comment-item', dataset: { commentId: c.id } },
      H.h('div', { class: 'comment-head' },
        H.h('strong', { class: 'comment-author' }, c.author_name),
        H.h('time', { datetime: c.created_at, title: H.fmtDateTime(c.created_at) }, H.ago ? H.ago(c.created_at) : H.fmtDateTime(c.created_at)),
        c.can_delete ? H.h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: function () { onDelete(c); }, 'aria-label': 'Delete comment by ' + c.author_name }, 'Delete') : null),
      H.h('p', { class: 'comment-text' }, c.text));
  }

  /** The Comments panel of post `id` in `ws`. */
  H.initComments = function (ws, id) {
    var panel = H.$('#comments-panel');
    if (!panel) return;
    var list = H.$('#comments', panel), empty = H.$('#comments-empty', panel);
    var form = H.$('#comment-form', panel), text = H.$('#comment-text', panel);
    var path = H.wsPath(ws, '/posts/' + encodeURIComponent(id) + '/comments');
    var shown = {};
    panel.hidden = false;

    function show(c) {
      if (shown[c.id]) return;
      if (c.can_delete === undefined) c.can_delete = H.roleAtLeast('admin');
      shown[c.id] = true;
      list.appendChild(commentItem(c, remove));
      empty.hidden = true;
    }
    function drop(cid) {
      var li = H.$('[data-comment-id="' + cid + '"]', list);
      if (li) li.remove();
      delete shown[cid];
      empty.hidden = list.children.length > 0;
    }
    function remove(c) {
      H.api('DELETE', path + '/' + encodeURIComponent(c.id)).then(function () { drop(c.id); }, function (err) { H.toast(H.sentence(err), 'bad'); });
    }
    function load() {
      return H.api('GET', path).then(function (all) {
        H.clear(list); shown = {};
        all.forEach(show);
        empty.hidden = all.length > 0;
      });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      H.clearErrors(form);
      var button = H.$('button[type=submit]', form);
      button.disabled = true;
      H.api('POST', path, { text: text.value }).then(function (c) {
        text.value = '';
        show(c);
      }, function (err) { H.showError(form, err); }).then(function () { button.disabled = false; });
    });
    H.commentEvent = function (name, data) {
      if (!data || data.post_id !== id) return;
      if (name === 'comment') show(data);
      else if (name === 'comment_deleted') drop(data.id);
    };
    load().catch(function () {});
    return load;
  };

  /** "Share for review": approvers create a client review link for post `id`. */
  H.initShare = function (ws, id) {
    var panel = H.$('#share-panel');
    if (!panel || !H.roleAtLeast('approver')) return;
    panel.hidden = false;
    var form = H.$('#share-form', panel), result = H.$('#share-result', panel);
    var links = H.$('#share-links', panel);
    var path = H.wsPath(ws, '/review-links');

    function loadLinks() {
      return H.api('GET', path).then(function (all) {
        H.clear(links);
        all.filter(function (l) { return l.post_ids.indexOf(id) >= 0; }).forEach(function (l) {
          links.appendChild(H.h('li', { dataset: { linkId: l.id, status: l.status } },
            H.h('span', null, l.reviewer_name + ' · ' + l.status + (l.status === 'open' ? ' until ' + H.fmtDateTime(l.expires_at) : '')),
            l.status === 'open' ? H.h('button', { type: 'button', class: 'btn btn-small', onclick: function () {
              H.api('DELETE', path + '/' + encodeURIComponent(l.id)).then(loadLinks, function (err) { H.toast(H.sentence(err), 'bad'); });
            } }, 'Revoke') : null));
        });
      });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      H.clearErrors(form);
      var body = {
        post_ids: [id],
        reviewer_name: H.$('#share-name', form).value,
        reviewer_email: H.$('#share-email', form).value || null,
        expires_in_hours: Number(H.$('#share-hours', form).value || 72),
        can_decide: H.$('#share-decide', form).checked
      };
      H.api('POST', path, body).then(function (created) {
        H.clear(result);
        var url = created.url.charAt(0) === '/' ? location.origin + created.url : created.url;
        var input = H.h('input', { id: 'share-url', type: 'text', readonly: true, value: url, 'aria-label': 'Review link' });
        result.appendChild(H.h('p', { class: 'hint' }, 'Copy this link now: it is shown only once. It works until ' + H.fmtDateTime(created.expires_at) + '.'));
        result.appendChild(input);
        result.appendChild(H.h('button', { type: 'button', class: 'btn btn-small', onclick: function () {
          input.select();
          if (navigator.clipboard) navigator.clipboard.writeText(url).then(function () { H.toast('Link copied'); }, function () {});
        } }, 'Copy'));
        result.hidden = false;
        input.focus(); input.select();
        loadLinks();
      }, function (err) { H.showError(form, err); });
    });
    loadLinks().catch(function () {});
  };
}());
