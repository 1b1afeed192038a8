/* filters.js: the dashboard list's search and filters. A search box (debounced), the
   status, network, author (members, tokens an admin can see, and the authors already on
   the page) and a date range in the workspace's zone, and the order ("Newest first" or
   "Next up": what goes out next first, from now on unless a start date is set).
   Anything beyond the status asks the server (GET .../posts with q, platform, author,
   from, to, sort, status) page by page with its cursor; then live changes re-query the
   list instead of patching it. The status alone stays on the page's own copy of the
   history (which also holds posts made outside Herald). The search and filters live in
   the page's address too (?q=…&platform=…), so a reload keeps them and a link shares them. */
(function () {
  'use strict';
  var H = window.Herald;
  var DEBOUNCE_MS = 300, REQUERY_MS = 250, PAGE = 50;
  var KEYS = ['q', 'status', 'platform', 'author', 'from', 'to', 'sort'];

  /** opts: {ws, row(post) → li, local() (redraw the page's own list), authors: [posts]} */
  H.listFilters = function (opts) {
    var el = {
      q: H.$('#f-q'), status: H.$('#status-filter'), platform: H.$('#f-platform'), author: H.$('#f-author'),
      from: H.$('#f-from'), to: H.$('#f-to'), sort: H.$('#f-sort')
    };
    var st = { posts: [], next: null, seq: 0, error: null, loaded: false, key: null };
    var typing = null, requeryTimer = null;

    function v() {
      return { q: el.q.value.trim(), status: el.status.value, platform: el.platform.value, author: el.author.value,
        from: el.from.value, to: el.to.value, sort: el.sort.value };
    }
    function active() { var x = v(); return !!(x.q || x.platform || x.author || x.from || x.to || x.sort); }

    function nextDay(d) { var t = new Date(d + 'T00:00:00Z'); t.setUTCDate(t.getUTCDate() + 1); return t.toISOString().slice(0, 10); }
    function query(cursor, limit) {
      var x = v();
      var q = new URLSearchParams({ limit: String(limit || PAGE) });
      ['q', 'status', 'platform', 'author', 'sort'].forEach(function (k) { if (x[k]) q.set(k, x[k]); });
      if (x.from) q.set('from', H.zonedToRfc3339(x.from + 'T00:00', H.tz));
      else if (x.sort === 'schedule_at') q.set('from', new Date().toISOString()); // next up: from now on
      if (x.to) q.set('to', H.zonedToRfc3339(nextDay(x.to) + 'T00:00', H.tz));
      if (cursor) q.set('cursor', cursor);
      return H.wsPath(opts.ws, '/posts?' + q);
    }

    /** Reads the first page again (reset) or the next one. */
    function fetchPage(reset, limit) {
      var seq = ++st.seq;
      var list = H.$('#post-list');
      list.setAttribute('aria-busy', 'true');
      return H.api('GET', query(reset ? null : st.next, limit)).then(function (page) {
        if (seq !== st.seq) return;
        st.posts = reset ? page.posts : st.posts.concat(page.posts);
        st.next = page.next_cursor;
        st.error = null;
        st.loaded = true;
        render();
      }, function (err) {
        if (seq !== st.seq) return;
        st.error = err;
        render();
      }).then(function () { if (seq === st.seq) list.removeAttribute('aria-busy'); });
    }

    function describe() {
      var x = v(), parts = [];
      if (x.q) parts.push('with “' + x.q + '”');
      if (x.status) parts.push(H.statusLabel(x.status).toLowerCase());
      if (x.platform) parts.push('on ' + H.platformLabel(x.platform));
      if (x.author) parts.push('by ' + el.author.options[el.author.selectedIndex].text);
      if (x.from || x.to) parts.push((x.from ? 'from ' + x.from : '') + (x.from && x.to ? ' ' : '') + (x.to ? 'until ' + x.to : '') + ' (' + H.tz + ')');
      return parts.join(', ');
    }

    /** Shows `st.posts`, keeping every row that reads the same as one shown (so a click
        that has begun on it is not lost to a redraw). */
    function renderRows() {
      var list = H.$('#post-list');
      var shown = {};
      Array.prototype.forEach.call(list.children, function (li) { shown[li.outerHTML] = shown[li.outerHTML] || li; });
      var rows = st.posts.map(function (p) { var li = opts.row(p); return shown[li.outerHTML] || li; });
      var same = rows.length === list.children.length && rows.every(function (li, i) { return list.children[i] === li; });
      if (same) return;
      H.clear(list);
      rows.forEach(function (li) { list.appendChild(li); });
    }

    function render() {
      if (!active()) { opts.local(); return; }
      renderRows();
      var note = H.$('#filter-note');
      var empty = H.$('#posts-empty');
      if (st.error) {
        note.textContent = 'The search could not be made: ' + H.sentence(st.error);
        note.dataset.tone = 'bad';
      } else {
        note.dataset.tone = '';
        note.textContent = (st.loaded ? st.posts.length + (st.next ? '+' : '') + (st.posts.length === 1 ? ' post ' : ' posts ') : 'Searching posts ') +
          describe() + (v().sort ? (v().from ? ', ' : ' from now on, ') + 'next up first' : '') + '.';
      }
      empty.hidden = !st.loaded || st.posts.length > 0 || !!st.error;
      empty.textContent = 'No posts match. Try fewer words or filters.';
      var more = H.$('#posts-more');
      more.hidden = !st.next;
      more.textContent = 'Show more';
    }

    /** Writes the search and filters into the address (replacing it: no history entry). */
    function toUrl() {
      var x = v(), url = new URL(location.href);
      KEYS.forEach(function (k) { if (x[k]) url.searchParams.set(k, x[k]); else url.searchParams.delete(k); });
      if (url.href !== location.href) history.replaceState(history.state, '', url.href);
    }

    /** Sets the fields from the address; the status it names, if any (the page applies it). */
    function fromUrl() {
      var params = new URLSearchParams(location.search);
      KEYS.forEach(function (k) {
        var value = params.get(k);
        if (!value || k === 'status') return;
        if (k === 'author') authorOption(value);
        el[k].value = value;
      });
      return params.get('status') || '';
    }

    /** An author choice for `id` until the members are loaded (they name it then). */
    function authorOption(id) {
      if (H.$$('option', el.author).some(function (o) { return o.value === id; })) return;
      var option = H.h('option', { value: id }, H.personLabel(id));
      option.dataset.placeholder = 'true';
      el.author.appendChild(option);
    }

    /** A filter changed: ask the server, or go back to the page's own list. */
    function changed() {
      clearTimeout(typing);
      typing = null; // handled: the box's change on blur must not query (and redraw) again
      toUrl();
      var key = active() ? JSON.stringify(v()) : null;
      if (key && key === st.key && !st.error) return; // nothing new: keep the list (and a click on it)
      st.key = key;
      if (active()) { st.loaded = false; render(); fetchPage(true); return; } // the rows stay until the answer
      st.seq++;
      H.$('#post-list').removeAttribute('aria-busy');
      var note = H.$('#filter-note');
      note.dataset.tone = '';
      note.textContent = 'Dates are days in ' + H.tz + '.';
      opts.local();
    }

    /** Something changed on the server: read the list again (coalesced), as long as shown. */
    function requery() {
      if (!active()) return;
      clearTimeout(requeryTimer);
      requeryTimer = setTimeout(function () { fetchPage(true, Math.min(200, Math.max(PAGE, st.posts.length))); }, REQUERY_MS);
    }

    /** The author choices: members, tokens (admins), and whoever wrote posts shown. */
    function loadAuthors(posts) {
      var seen = {};
      var add = function (id, name) {
        if (!id || seen[id]) return;
        seen[id] = true;
        var label = H.personLabel(id, name);
        var placeholder = H.$$('option', el.author).filter(function (o) { return o.value === id && o.dataset.placeholder; })[0];
        if (placeholder) { placeholder.textContent = label; delete placeholder.dataset.placeholder; return; }
        el.author.appendChild(H.h('option', { value: id }, label));
      };
      var members = H.api('GET', H.wsPath(opts.ws, '/members'), undefined, { quiet: true }).catch(function () { return []; });
      var tokens = H.roleAtLeast('admin') ? H.api('GET', H.wsPath(opts.ws, '/tokens'), undefined, { quiet: true }).catch(function () { return []; }) : Promise.resolve([]);
      return Promise.all([members, tokens]).then(function (r) {
        (r[0] || []).forEach(function (m) { add('user:' + m.user_id, m.name); });
        (r[1] || []).forEach(function (t) { add('token:' + t.id, (t.name || 'Access token') + ' (token)'); });
        (posts || []).forEach(function (p) { if (p.author) add(p.author, p.author_name); });
      });
    }

    el.q.addEventListener('input', function () {
      clearTimeout(typing);
      typing = setTimeout(changed, DEBOUNCE_MS);
    });
    el.q.addEventListener('change', function () { if (typing) changed(); });
    H.$('#filters').addEventListener('submit', function (e) { e.preventDefault(); changed(); });
    [el.platform, el.author, el.from, el.to, el.sort].forEach(function (x) { x.addEventListener('change', changed); });

    return { active: active, changed: changed, fromUrl: fromUrl, requery: requery, render: render, more: function () { return fetchPage(false); }, loadAuthors: loadAuthors };
  };
}());
