/* filters.js: the dashboard list's search and filters. A search box (debounced), the
   status, network, author (members, tokens an admin can see, and the authors already on
   the page) and a date range in the workspace's zone, and the order ("Newest first" or
   "Next up": what goes out next first, from now on unless a start date is set).
   Anything beyond the status asks the server (GET .../posts with q, platform, author,
   from, to, sort, status) page by page with its cursor; then live changes re-query the
   list instead of patching it. The status alone stays on the page's own copy of the
   history (which also holds posts made outside Herald). The search and filters live in
   the page's address too (?q=…&platform=…), so a reload keeps them and a link shares them;
   the queries and addresses themselves are filter-query.js's (pure). */
import { $, $$, api, clear, h, personLabel, roleAtLeast, sentence, session, wsPath } from './core.js';
import { FILTER_KEYS, filtersOf, postsQuery, withFilters } from './filter-query.js';
import { platformLabel, statusLabel } from './posts.js';

var DEBOUNCE_MS = 300, REQUERY_MS = 250, PAGE = 50;

/** opts: {ws, row(post) → li, local() (redraw the page's own list), authors: [posts]} */
export function listFilters(opts) {
  var el = {
    q: $('#f-q'), status: $('#status-filter'), platform: $('#f-platform'), author: $('#f-author'),
    from: $('#f-from'), to: $('#f-to'), sort: $('#f-sort')
  };
  var st = { posts: [], next: null, seq: 0, error: null, loaded: false, key: null };
  var typing = null, requeryTimer = null;

  function v() {
    return { q: el.q.value.trim(), status: el.status.value, platform: el.platform.value, author: el.author.value,
      from: el.from.value, to: el.to.value, sort: el.sort.value };
  }
  function active() { var x = v(); return !!(x.q || x.platform || x.author || x.from || x.to || x.sort); }

  function query(cursor, limit) {
    var q = postsQuery(v(), { tz: session.tz, now: Date.now(), limit: limit || PAGE, cursor: cursor });
    return wsPath(opts.ws, '/posts?' + q);
  }

  /** Reads the first page again (reset) or the next one. */
  function fetchPage(reset, limit) {
    var seq = ++st.seq;
    var list = $('#post-list');
    list.setAttribute('aria-busy', 'true');
    return api('GET', query(reset ? null : st.next, limit)).then(function (page) {
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
    if (x.status) parts.push(statusLabel(x.status).toLowerCase());
    if (x.platform) parts.push('on ' + platformLabel(x.platform));
    if (x.author) parts.push('by ' + el.author.options[el.author.selectedIndex].text);
    if (x.from || x.to) parts.push((x.from ? 'from ' + x.from : '') + (x.from && x.to ? ' ' : '') + (x.to ? 'until ' + x.to : '') + ' (' + session.tz + ')');
    return parts.join(', ');
  }

  /** Shows `st.posts`, keeping every row that reads the same as one shown (so a click
      that has begun on it is not lost to a redraw). */
  function renderRows() {
    var list = $('#post-list');
    var shown = {};
    Array.prototype.forEach.call(list.children, function (li) { shown[li.outerHTML] = shown[li.outerHTML] || li; });
    var rows = st.posts.map(function (p) { var li = opts.row(p); return shown[li.outerHTML] || li; });
    var same = rows.length === list.children.length && rows.every(function (li, i) { return list.children[i] === li; });
    if (same) return;
    clear(list);
    rows.forEach(function (li) { list.appendChild(li); });
  }

  function render() {
    if (!active()) { opts.local(); return; }
    renderRows();
    var note = $('#filter-note');
    var empty = $('#posts-empty');
    if (st.error) {
      note.textContent = 'The search could not be made: ' + sentence(st.error);
      note.dataset.tone = 'bad';
    } else {
      note.dataset.tone = '';
      note.textContent = (st.loaded ? st.posts.length + (st.next ? '+' : '') + (st.posts.length === 1 ? ' post ' : ' posts ') : 'Searching posts ') +
        describe() + (v().sort ? (v().from ? ', ' : ' from now on, ') + 'next up first' : '') + '.';
    }
    empty.hidden = !st.loaded || st.posts.length > 0 || !!st.error;
    empty.textContent = 'No posts match. Try fewer words or filters.';
    var more = $('#posts-more');
    more.hidden = !st.next;
    more.textContent = 'Show more';
  }

  /** Writes the search and filters into the address (replacing it: no history entry). */
  function toUrl() {
    var href = withFilters(location.href, v());
    if (href !== location.href) history.replaceState(history.state, '', href);
  }

  /** Sets the fields from the address; the status it names, if any (the page applies it). */
  function fromUrl() {
    var linked = filtersOf(location.search);
    FILTER_KEYS.forEach(function (k) {
      var value = linked[k];
      if (!value || k === 'status') return;
      if (k === 'author') authorOption(value);
      el[k].value = value;
    });
    return linked.status;
  }

  /** An author choice for `id` until the members are loaded (they name it then). */
  function authorOption(id) {
    if ($$('option', el.author).some(function (o) { return o.value === id; })) return;
    var option = h('option', { value: id }, personLabel(id));
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
    $('#post-list').removeAttribute('aria-busy');
    var note = $('#filter-note');
    note.dataset.tone = '';
    note.textContent = 'Dates are days in ' + session.tz + '.';
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
      var label = personLabel(id, name);
      var placeholder = $$('option', el.author).filter(function (o) { return o.value === id && o.dataset.placeholder; })[0];
      if (placeholder) { placeholder.textContent = label; delete placeholder.dataset.placeholder; return; }
      el.author.appendChild(h('option', { value: id }, label));
    };
    var members = api('GET', wsPath(opts.ws, '/members'), undefined, { quiet: true }).catch(function () { return []; });
    var tokens = roleAtLeast('admin') ? api('GET', wsPath(opts.ws, '/tokens'), undefined, { quiet: true }).catch(function () { return []; }) : Promise.resolve([]);
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
  $('#filters').addEventListener('submit', function (e) { e.preventDefault(); changed(); });
  [el.platform, el.author, el.from, el.to, el.sort].forEach(function (x) { x.addEventListener('change', changed); });

  return { active: active, changed: changed, fromUrl: fromUrl, requery: requery, render: render, more: function () { return fetchPage(false); }, loadAuthors: loadAuthors };
}
