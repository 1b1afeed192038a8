/* post.js: one post. Shows it with its per-platform results and its audit trail by
   name (GET .../posts/{id} returns `events` with `actor_name`), the approver's decision panel, the edit form
   (save, or save and resubmit) and the other actions its status allows for this role
   (submit, retry, cancel, delete), and, once published, its engagement per network
   (GET .../posts/{id}/analytics), each figure with its age. Live: a change made elsewhere
   is shown at once, unless the user has unsaved edits: then a banner says the post
   changed and offers a reload. */
(function () {
  'use strict';
  var H = window.Herald;
  var ws = H.config.workspace_id;
  var id = H.config.post_id;
  var path = H.wsPath(ws, '/posts/' + encodeURIComponent(id));
  var current = null;
  var composer = null;
  var restored = false;

  /** How each audit action reads after its actor (the server's vocabulary). */
  var ACTION_LABEL = H.config.audit_actions || {};

  function renderView(post) {
    var view = H.clear(H.$('#post-view'));
    view.dataset.postId = post.id;
    view.dataset.status = post.status;
    view.dataset.version = post.version;
    var errors = (post.platform_results || []).filter(function (r) { return r.error; });
    view.appendChild(H.h('header', { class: 'post-head' },
      H.badge(post.status),
      H.h('h1', null, 'Post by ', H.personLabel(post.author, post.author_name))));
    view.appendChild(H.postSummary(post));
    if ((post.platform_results || []).length) {
      view.appendChild(H.h('h2', null, 'Results per network'));
      view.appendChild(H.platformResults(post));
    }
    if (errors.length) {
      view.appendChild(H.h('ul', { class: 'errors' }, errors.map(function (r) {
        return H.h('li', null, H.h('strong', null, H.platformLabel(r.platform) + ': '), r.error);
      })));
    }
    view.appendChild(H.h('dl', { class: 'meta meta-small' },
      H.h('div', null, H.h('dt', null, 'Created'), H.h('dd', null, H.fmtDateTime(post.created_at)))));
    view.appendChild(H.h('details', { class: 'tech' }, H.h('summary', null, 'Technical details'),
      H.h('dl', { class: 'meta meta-small' },
        H.h('div', null, H.h('dt', null, 'Herald id'), H.h('dd', null, post.id)),
        H.h('div', null, H.h('dt', null, 'Revision'), H.h('dd', null, String(post.version))),
        H.h('div', null, H.h('dt', null, 'Ayrshare id'), H.h('dd', null, post.ayrshare_id || '—')))));
    document.title = H.statusLabel(post.status) + ' post · Herald';
  }

  /** The published post's figures per network, with their age; hidden before publishing. */
  function loadFigures(post) {
    var panel = H.$('#figures-panel');
    panel.hidden = !(post.status === 'published' || post.status === 'partially_published');
    if (panel.hidden) return;
    H.api('GET', path + '/analytics', undefined, { quiet: true }).then(function (r) {
      var box = H.clear(H.$('#figures'));
      if (!r.figures.length) {
        box.appendChild(H.h('p', { class: 'hint' }, 'No figures yet: Herald reads them from Ayrshare shortly after publishing, then as they settle.'));
        return;
      }
      var metrics = H.FIGURES.filter(function (m) { return r.figures.some(function (f) { return f.metrics[m] != null; }); });
      box.appendChild(H.h('table', { class: 'figures-table' },
        H.h('thead', null, H.h('tr', null, H.h('th', { scope: 'col' }, 'Network'),
          metrics.map(function (m) { return H.h('th', { scope: 'col' }, m.charAt(0).toUpperCase() + m.slice(1)); }),
          H.h('th', { scope: 'col' }, 'As of'))),
        H.h('tbody', null, r.figures.map(function (f) {
          return H.h('tr', { dataset: { platform: f.platform } }, H.h('th', { scope: 'row' }, H.platformLabel(f.platform)),
            metrics.map(function (m) { return H.h('td', null, H.fmtFigure(f.metrics[m])); }),
            H.h('td', null, H.fmtDateTime(f.as_of)));
        }))));
      box.appendChild(H.h('p', { class: 'hint', dataset: { upstream: r.upstream } }, H.figuresAge(r.as_of, r.upstream)));
    }, function () { H.clear(H.$('#figures')).appendChild(H.h('p', { class: 'hint' }, 'Figures could not be read just now.')); });
  }

  function renderReview(post) {
    var panel = H.$('#review-panel');
    var box = H.clear(H.$('#review'));
    var review = H.reviewPanel(post, {
      ws: ws,
      onDone: function (next) { H.toast('Done: now ' + H.statusLabel(next.status).toLowerCase() + '.', 'good'); load(true); },
      onReload: function () { load(true); }
    });
    panel.hidden = !review;
    if (review) box.appendChild(review);
  }

  function renderEdit(post) {
    var panel = H.$('#edit-panel');
    panel.hidden = !H.can('edit', post.status);
    if (panel.hidden) return;
    var form = H.$('#edit-form');
    if (!composer) {
      composer = H.composer(form, {
        ws: ws, mode: 'edit', postId: id,
        version: function () { return current.version; },
        onDone: function (next, intent) { H.toast(intent === 'resubmit' ? 'Saved and resubmitted.' : 'Saved.', 'good'); load(true); },
        onConflict: stale
      });
    }
    composer.fill(post);
    if (!restored) restored = composer.restore();
    H.$('button[value="resubmit"]', form).hidden = !H.can('submit', post.status);
    var note = post.status === 'scheduled' && H.workspace && H.workspace.requires_approval
      ? 'Saving sends it back for approval.' : '';
    H.$('#edit-result').textContent = note;
  }

  function actionButton(label, cls, run) {
    return H.h('button', { type: 'button', class: 'btn ' + cls, onclick: function (e) {
      var err = H.$('#actions-error');
      err.hidden = true;
      e.target.disabled = true;
      run().then(function (next) {
        if (!next) return;
        H.toast('Now ' + H.statusLabel(next.status).toLowerCase() + '.', 'good');
        load(true);
      }, function (x) {
        if (H.isConflict(x)) { stale(x); return; }
        err.textContent = H.sentence(H.platformError(x));
        err.hidden = false;
      }).then(function () { e.target.disabled = false; });
    } }, label);
  }

  function renderActions(post) {
    var box = H.clear(H.$('#post-actions'));
    var v = { version: post.version };
    if (H.can('submit', post.status)) {
      var now = H.workspace && !H.workspace.requires_approval && !post.schedule_at;
      box.appendChild(actionButton(now ? 'Publish now' : (H.workspace && !H.workspace.requires_approval ? 'Schedule' : 'Submit for approval'), 'btn-primary', function () {
        if (now && !window.confirm('Publish this post now on ' + post.platforms.map(H.platformLabel).join(', ') + '? It goes out at once.')) return Promise.resolve(null);
        return H.api('POST', path + '/submit', v);
      }));
    }
    if (H.can('retry', post.status)) box.appendChild(actionButton('Retry failed platforms', 'btn-primary', function () { return H.api('POST', path + '/retry', v); }));
    if (H.can('delete', post.status)) {
      var published = post.status === 'published' || post.status === 'partially_published';
      box.appendChild(actionButton(published ? 'Delete from the networks' : 'Cancel post', 'btn-danger', function () {
        var ask = published ? 'Delete this post from every network it was published to?' : 'Cancel this post?';
        if (!window.confirm(ask)) return Promise.resolve(null);
        return H.api('DELETE', path, v);
      }));
    }
    H.$('#actions-panel').hidden = !box.firstChild;
  }

  function renderAudit(events) {
    var list = H.clear(H.$('#audit'));
    events.forEach(function (e) {
      list.appendChild(H.h('li', { class: 'audit-item', dataset: { action: e.action } },
        H.h('div', { class: 'audit-line' },
          H.h('time', { datetime: e.at }, H.fmtDateTime(e.at)), ' ',
          H.h('strong', { class: 'actor' }, H.personLabel(e.actor, e.actor_name)), ' ', ACTION_LABEL[e.action] || e.action, ' ',
          e.from && e.from !== e.to ? H.h('span', { class: 'transition' }, H.badge(e.from), ' → ', H.badge(e.to)) : H.badge(e.to)),
        e.comment ? H.h('blockquote', { class: 'comment' }, e.comment) : null));
    });
    if (!events.length) list.appendChild(H.h('li', { class: 'empty' }, 'No events.'));
  }

  /** Someone else changed the post while this page had unsaved edits: their version and
      this text side by side, to keep mine (saved over theirs, at their revision) or take
      theirs. Another refusal (a status that no longer allows it) just offers a reload. */
  function stale(err) {
    var b = H.clear(H.$('#post-stale'));
    b.dataset.tone = 'warn';
    b.hidden = false;
    var reload = H.h('button', { type: 'button', class: 'btn btn-small', onclick: function () { load(true); } }, 'Take theirs');
    if (err && err.code && err.code !== 'version_conflict') {
      b.appendChild(H.h('span', null, H.conflictText(err) + ' '));
      reload.textContent = 'Reload it';
      b.appendChild(reload);
      return;
    }
    b.appendChild(H.h('p', null, 'Someone changed this post meanwhile. Your edits are not saved yet.'));
    H.api('GET', path).then(function (theirs) {
      var mine = H.$('#edit-text') ? H.$('#edit-text').value : '';
      b.appendChild(H.h('div', { class: 'conflict-compare' },
        H.h('figure', { id: 'conflict-theirs' }, H.h('figcaption', null, 'Theirs (revision ' + theirs.version + ', ' + H.statusLabel(theirs.status).toLowerCase() + ')'),
          H.h('blockquote', null, theirs.text)),
        H.h('figure', { id: 'conflict-mine' }, H.h('figcaption', null, 'Yours (not saved)'), H.h('blockquote', null, mine))));
      var keep = H.h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: function () {
        current = theirs; // saving now replaces their version, knowingly
        renderView(theirs);
        renderReview(theirs);
        renderActions(theirs);
        renderAudit(theirs.events || []);
        b.hidden = true;
        H.toast('Your text is kept. Save to put it in place of theirs.', 'good');
        H.$('#edit-text').focus();
      } }, 'Keep mine');
      b.appendChild(H.h('div', { class: 'form-actions' }, keep, reload));
    }, function () { b.appendChild(reload); });
  }

  /** Reads the post; `force` overwrites unsaved edits (the user asked to reload). */
  function load(force) {
    return H.api('GET', path).then(function (d) {
      if (!force && current && composer && composer.dirty && d.version !== current.version) { stale({ details: { current_version: d.version } }); return; }
      var first = !current;
      var changed = current && d.version !== current.version;
      current = d;
      H.$('#post-stale').hidden = true;
      renderView(d);
      renderReview(d);
      renderEdit(d);
      renderActions(d);
      renderAudit(d.events || []);
      if (first || changed) loadFigures(d);
      if (changed) H.$('#post-view').classList.add('changed');
      document.body.dataset.loaded = 'true';
      if (first && location.hash === '#edit-panel' && !H.$('#edit-panel').hidden) H.$('#edit-text').focus();
    }, function (err) {
      if (!current) { H.clear(H.$('#post-view')); H.fatal(err); }
    });
  }

  H.initChrome(ws).then(function () {
    var refresh = H.coalesce(function () { return load(false); });
    var comments = H.initComments ? H.initComments(ws, id) : null;
    if (H.initShare) H.initShare(ws, id);
    H.live(ws, {
      onOpen: function () { refresh(); if (comments) comments().catch(function () {}); },
      onEvent: function (name, data) {
        if ((name === 'post' && data && data.id === id) || name === 'resync') refresh();
        if (H.commentEvent) H.commentEvent(name, data);
      }
    });
    refresh();
  }, H.fatal);
}());
