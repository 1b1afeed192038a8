/* dashboard.js: the workspace dashboard. Reads GET /api/workspaces/{ws}/history and draws
   the counts, the posts-per-day chart (SVG, last 30 days in the workspace's time zone),
   the breakdowns and the post list with per-platform results; says how old the Ayrshare
   part is, in words (up to date / last copy / unavailable), with every time labelled
   with the workspace's zone; people by name. Live, a change costs a few KB: a `post`
   event (the whole post) is applied to the list and chart as it is; the `history`
   events of a burst make one re-read of the head only (`?limit=0`: counts and
   freshness, which the page cannot derive), 304 when they did not change; `resync` and
   each reconnect re-read the whole history with If-None-Match (304 when nothing
   changed meanwhile). Search, filters and "Next up" are filters.js: while one is set the
   list comes from the server and live changes re-query it. */
import { fatal, initChrome, setPendingNav } from './chrome.js';
import { composer } from './compose.js';
import { $, $$, accessProblem, ago, api, ApiError, authInit, clear, config, dayKey, fmtDateTime, fmtTime, h, personLabel, roleAtLeast, session, svg, toast, wsPath } from './core.js';
import { listFilters } from './filters.js';
import { coalesce, live } from './live.js';
import { badge, figuresAge, figuresText, overdue, platformLabel, platformResults, postUrl, statusLabel, waitingText } from './posts.js';
import './plan-compose.js';

var ws = config.workspace_id;
var LIMIT = 1000, PAGE = 50;
var FIGURES_EVERY_MS = 5 * 60 * 1000;
var state = { figures: {}, posts: [], counts: null, as_of: null, upstream: null, readAt: null, shown: PAGE, filter: '', etag: null, headEtag: null };
var HEAD_DELAY_MS = 100; // history events this close together make one head re-read
var filters = null; // filters.js, once the page knows who is signed in

/** Chart series of each status, as the server ships it in the page config. */
var GROUP = {};
(config.statuses || []).forEach(function (s) { GROUP[s.id] = s.group; });

function keyOf(p) { return p.id ? p.id : 'ayrshare:' + p.ayrshare_id; }

/* ---- counts and freshness ---- */
function setCount(id, n) {
  var el = $('#' + id);
  el.textContent = String(n);
  el.dataset.count = String(n);
}
function renderCounts() {
  var c = state.counts || { total: 0, by_status: {}, by_platform: {} };
  var s = c.by_status || {};
  setCount('count-total', c.total || 0);
  setCount('count-pending', s.pending_approval || 0);
  setCount('count-scheduled', s.scheduled || 0);
  setCount('count-published', s.published || 0);
  setCount('count-attention', (s.failed || 0) + (s.partially_published || 0));
  setPendingNav(s.pending_approval || 0);

  var platforms = Object.keys(c.by_platform || {}).sort(function (a, b) { return c.by_platform[b] - c.by_platform[a]; });
  var max = platforms.reduce(function (m, p) { return Math.max(m, c.by_platform[p]); }, 0);
  var bars = clear($('#by-platform'));
  platforms.forEach(function (p) {
    var n = c.by_platform[p];
    var fill = h('span', { class: 'bar-fill' });
    fill.style.width = (max ? Math.max(2, Math.round((n / max) * 100)) : 0) + '%';
    bars.appendChild(h('li', { dataset: { platform: p } },
      h('span', { class: 'bar-label' }, platformLabel(p)),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'bar-value' }, String(n))));
  });
  if (!platforms.length) bars.appendChild(h('li', { class: 'empty' }, 'No posts yet.'));

  var chips = clear($('#by-status'));
  (config.statuses || []).forEach(function (st) {
    if (!s[st.id]) return;
    chips.appendChild(h('li', null, h('button', {
      type: 'button', class: 'chip', dataset: { status: st.id }, 'aria-pressed': state.filter === st.id ? 'true' : 'false',
      title: 'Show only ' + st.label.toLowerCase() + ' posts',
      onclick: function () { setFilter(state.filter === st.id ? '' : st.id); }
    }, h('span', { class: 'chip-dot', 'aria-hidden': 'true' }), st.label + ' ', h('strong', null, String(s[st.id])))));
  });
}

function renderFreshness() {
  var el = clear($('#freshness'));
  if (!state.readAt) { el.textContent = 'Loading…'; return; }
  var up = state.upstream;
  var pill = h('span', { class: 'fresh-pill', dataset: { upstream: up } },
    { fresh: 'Up to date', cached: 'Last known copy', unavailable: 'Networks not reachable' }[up] || up);
  var text;
  if (up === 'fresh') text = 'as of ' + fmtTime(state.as_of) + ' (' + ago(state.as_of) + ')';
  else if (up === 'cached') text = 'from ' + fmtDateTime(state.as_of) + ' (' + ago(state.as_of) + '): Ayrshare did not answer just now';
  else text = "showing the posts made in Herald only: Ayrshare could not be reached, so posts made outside Herald are missing";
  el.appendChild(pill);
  el.appendChild(h('span', { class: 'fresh-text', id: 'as-of', dataset: { asOf: state.as_of || '' } }, ' ' + text));
  el.appendChild(h('span', { class: 'fresh-read' }, ' · Times in ' + session.tz));
}

/* ---- chart ---- */
function dayKeys() {
  var today = dayKey(Date.now()).split('-').map(Number);
  var keys = [];
  for (var i = 29; i >= 0; i--) {
    var d = new Date(Date.UTC(today[0], today[1] - 1, today[2] - i));
    keys.push({ key: d.toISOString().slice(0, 10), date: d });
  }
  return keys;
}
var labelFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

function renderChart() {
  var days = dayKeys();
  var buckets = {};
  days.forEach(function (d) { buckets[d.key] = { published: 0, waiting: 0, problem: 0 }; });
  var oldestSeen = null;
  state.posts.forEach(function (p) {
    var when = (p.status === 'published' || p.status === 'partially_published') ? (p.published_at || p.created_at) : p.created_at;
    if (!when) return;
    var b = buckets[dayKey(new Date(when).getTime())];
    if (b) b[GROUP[p.status] || 'waiting'] += 1;
    if (!oldestSeen || when < oldestSeen) oldestSeen = when;
  });
  var totals = days.map(function (d) { var b = buckets[d.key]; return b.published + b.waiting + b.problem; });
  var peak = Math.max.apply(null, totals);
  var max = peak <= 4 ? 4 : Math.ceil(peak / 4) * 4;
  var box = $('#chart');
  var W = Math.max(300, Math.min(900, Math.round(box.clientWidth || 720)));
  var HT = W < 520 ? 170 : 210, L = 34, R = 8, T = 10, B = 28;
  var pw = W - L - R, ph = HT - T - B, slot = pw / days.length, bw = Math.max(4, slot * 0.66);
  var sum = totals.reduce(function (a, b) { return a + b; }, 0);
  var best = totals.indexOf(peak);
  var desc = sum ? sum + ' posts in the last 30 days; the busiest day was ' + labelFmt.format(days[best].date) + ' with ' + peak + '.' : 'No posts in the last 30 days.';
  var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + HT, class: 'chart-svg', role: 'img', 'aria-labelledby': 'chart-t chart-d', preserveAspectRatio: 'xMidYMid meet' },
    svg('title', { id: 'chart-t' }, 'Posts per day, last 30 days'), svg('desc', { id: 'chart-d' }, desc));
  [0, 0.5, 1].forEach(function (f) {
    var y = T + ph - f * ph;
    chart.appendChild(svg('line', { x1: L, x2: W - R, y1: y, y2: y, class: f ? 'grid' : 'axis' }));
    chart.appendChild(svg('text', { x: L - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, String(Math.round(f * max))));
  });
  days.forEach(function (d, i) {
    var b = buckets[d.key];
    var x = L + i * slot + (slot - bw) / 2;
    var y = T + ph;
    var g = svg('g', { class: 'day', dataset: { day: d.key, total: totals[i] } },
      svg('title', null, labelFmt.format(d.date) + ': ' + b.published + ' published, ' + b.waiting + ' waiting, ' + b.problem + ' failed or stopped'));
    g.appendChild(svg('rect', { x: L + i * slot, y: T, width: slot, height: ph, class: 'hover' }));
    ['published', 'waiting', 'problem'].forEach(function (series) {
      if (!b[series]) return;
      var height = (b[series] / max) * ph;
      y -= height;
      g.appendChild(svg('rect', { x: x, y: y, width: bw, height: Math.max(height - 1, 1), rx: 2, class: 'bar', dataset: { series: series } }));
    });
    chart.appendChild(g);
    var every = W < 520 ? 10 : 7;
    if ((i % every === 1 && i < days.length - 4) || i === days.length - 1) {
      var last = i === days.length - 1;
      chart.appendChild(svg('text', { x: last ? W - R : L + i * slot + slot / 2, y: HT - 8, class: 'tick', 'text-anchor': last ? 'end' : 'middle' },
        last ? 'Today' : labelFmt.format(d.date)));
    }
  });
  clear($('#chart')).appendChild(chart);
  var truncated = state.posts.length >= LIMIT && oldestSeen && new Date(oldestSeen).getTime() > Date.now() - 30 * 86400000;
  $('#chart-sub').textContent = 'Last 30 days · ' + session.tz + (truncated ? ' · from the newest ' + LIMIT + ' posts' : '');
}

/* ---- list ---- */
function timeLine(p) {
  if (p.status === 'scheduled' && p.schedule_at) return 'Scheduled for ' + fmtDateTime(p.schedule_at);
  if (p.published_at && (p.status === 'published' || p.status === 'partially_published')) return 'Published ' + fmtDateTime(p.published_at);
  if (p.schedule_at && p.status === 'pending_approval') return (overdue(p) ? 'Was planned for ' : 'Planned for ') + fmtDateTime(p.schedule_at);
  return p.created_at ? 'Created ' + fmtDateTime(p.created_at) : '';
}
function row(p) {
  var text = p.id ? h('a', { href: postUrl(ws, p.id), class: 'post-link' }, p.text) : h('span', null, p.text);
  return h('li', { class: 'post-item', dataset: { postId: p.id || '', key: keyOf(p), status: p.status, version: p.version == null ? '' : p.version } },
    h('div', { class: 'post-top' },
      badge(p.status),
      p.origin === 'ayrshare' ? h('span', { class: 'origin', title: 'Made outside Herald; known from Ayrshare history' }, 'From Ayrshare') : null,
      h('span', { class: 'post-when' }, timeLine(p)),
      overdue(p) ? h('span', { class: 'flag', dataset: { tone: 'bad' } }, 'Its time has passed') : null,
      waitingText(p) ? h('span', { class: 'flag', dataset: { tone: 'warn' } }, waitingText(p)) : null),
    h('p', { class: 'post-text clamp' }, text),
    h('div', { class: 'post-bottom' },
      platformResults(p),
      figuresOf(p),
      h('span', { class: 'post-meta' }, p.id ? 'by ' + personLabel(p.author, p.author_name) : '')));
}
/** A post's figures summed over its networks, with their age as a tooltip; or null. */
function figuresOf(p) {
  var f = p.id && state.figures[p.id];
  return f ? h('span', { class: 'post-figures', title: figuresAge(f.as_of, state.figuresUpstream) }, figuresText(f.metrics)) : null;
}
/** The time range that covers the published posts on screen (from a day before the
    oldest, at most a year back), or null when none is. */
function figuresRange() {
  var times = state.posts.slice(0, state.shown).map(function (p) { return p.published_at; }).filter(Boolean).sort();
  if (!times.length) return null;
  var from = Math.max(Date.parse(times[0]) - 86400000, Date.now() - 365 * 86400000);
  return { from: new Date(from).toISOString(), to: new Date(Date.now() + 60000).toISOString() };
}
/** Reads the figures of the published posts on screen, summed per post over its
    networks (only their range: a big workspace's whole month is megabytes). */
function loadFigures() {
  var range = figuresRange();
  if (!range) return Promise.resolve();
  var query = '?from=' + encodeURIComponent(range.from) + '&to=' + encodeURIComponent(range.to);
  return api('GET', wsPath(ws, '/analytics' + query), undefined, { quiet: true }).then(function (r) {
    var figures = {};
    (r.posts || []).forEach(function (row) {
      if (!row.post_id) return;
      var f = figures[row.post_id] = figures[row.post_id] || { metrics: {}, as_of: row.as_of };
      Object.keys(row.metrics || {}).forEach(function (m) { f.metrics[m] = (f.metrics[m] || 0) + row.metrics[m]; });
      if (row.as_of < f.as_of) f.as_of = row.as_of;
    });
    Object.keys(figures).forEach(function (id) { figures[id].key = figuresText(figures[id].metrics) + '@' + figures[id].as_of; });
    state.figures = figures;
    state.figuresUpstream = r.upstream;
    if (filters && filters.active()) filters.render(); else renderList();
  }, function () { /* figures are extra: the list stands without them */ });
}
function renderList() {
  if (filters && filters.active()) { filters.render(); return; }
  var list = $('#post-list');
  var existing = {};
  $$('li.post-item', list).forEach(function (li) { existing[li.dataset.key] = li; });
  var visible = state.posts.filter(function (p) { return !state.filter || p.status === state.filter; });
  var items = visible.slice(0, state.shown).map(function (p) {
    var old = existing[keyOf(p)];
    var sig = p.status + '|' + p.version + '|' + (p.platform_results || []).length + '|' + p.text + '|' + (p.waiting_for || '') + '|' + p.author_name + '|' + ((state.figures[p.id] || {}).key || '');
    if (old && old.dataset.sig === sig) return old;
    var li = row(p);
    li.dataset.sig = sig;
    if (old) li.classList.add('changed');
    return li;
  });
  clear(list);
  items.forEach(function (li) { list.appendChild(li); });
  $('#posts-empty').hidden = items.length > 0;
  $('#posts-empty').textContent = state.filter ? 'No ' + statusLabel(state.filter).toLowerCase() + ' posts.' : 'No posts yet. Write the first one.';
  var more = $('#posts-more');
  more.hidden = visible.length <= state.shown;
  more.textContent = 'Show more (' + (visible.length - state.shown) + ' more)';
}
function setFilter(f) {
  state.filter = f;
  state.shown = PAGE;
  $('#status-filter').value = f;
  renderCounts();
  if (filters) filters.changed(); else renderList();
}

function render() {
  renderCounts();
  renderFreshness();
  renderChart();
  renderList();
  document.body.dataset.loaded = 'true';
}

/* ---- data ---- */
/** GET `path` with If-None-Match `etag`: {status: 200, etag, data} or {status: 304}. */
function conditional(path, etag) {
  var init = authInit('GET', { Accept: 'application/json' });
  if (etag) init.headers['If-None-Match'] = etag;
  init.cache = 'no-store';
  return fetch(path, init).then(function (res) {
    if (res.status === 304) return { status: 304 };
    return res.text().then(function (text) {
      var data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
      if (!res.ok) {
        var err = new ApiError(res.status, data, res);
        accessProblem(err, path);
        throw err;
      }
      return { status: res.status, etag: res.headers.get('ETag'), data: data };
    });
  }, function () { throw new ApiError(0, null); });
}
function readHead(page) {
  state.counts = page.counts;
  state.as_of = page.as_of;
  state.upstream = page.upstream;
  state.readAt = new Date().toISOString();
}
function failed(err) {
  var el = $('#freshness');
  el.textContent = 'Could not read the dashboard: ' + err.message + '. Retrying on the next change.';
  throw err;
}

/** The whole history (first load, reconnect, resync). */
var refresh = coalesce(function () {
  return conditional(wsPath(ws, '/history?limit=' + LIMIT), state.etag).then(function (r) {
    if (r.status === 304) { state.readAt = new Date().toISOString(); renderFreshness(); return; }
    state.etag = r.etag;
    state.headEtag = null;
    state.posts = r.data.posts || [];
    readHead(r.data);
    render();
    loadFigures();
    if (filters && !filters.authorsLoaded) { filters.authorsLoaded = true; filters.loadAuthors(state.posts); }
  }, failed);
});

/** Counts and freshness only, after changes whose posts the events carried. */
var refreshHead = coalesce(function () {
  return conditional(wsPath(ws, '/history?limit=0'), state.headEtag).then(function (r) {
    if (r.status === 304) return;
    state.headEtag = r.etag;
    readHead(r.data);
    renderCounts();
    renderFreshness();
  }, failed);
});
var headTimer = null;
function scheduleHead() {
  if (headTimer) return;
  headTimer = setTimeout(function () { headTimer = null; refreshHead(); }, HEAD_DELAY_MS);
}

/** A post event: the post as it now stands, applied to the list and chart at once. */
function applyPost(post) {
  if (!post || !post.id) return;
  var i = state.posts.findIndex(function (p) { return p.id === post.id; });
  var merged = Object.assign({ origin: 'herald' }, i >= 0 ? state.posts[i] : {}, post);
  if (i >= 0) {
    if (state.posts[i].version != null && post.version < state.posts[i].version) return;
    state.posts[i] = merged;
  } else {
    state.posts.unshift(merged);
    if (state.posts.length > LIMIT) state.posts.length = LIMIT;
  }
  if (filters && filters.active()) filters.requery(); else renderList();
  renderChart();
}

$('#status-filter').addEventListener('change', function (e) { setFilter(e.target.value); });
$('#posts-more').addEventListener('click', function () {
  if (filters && filters.active()) { filters.more(); return; }
  state.shown += PAGE;
  renderList();
  loadFigures();
});
$('.compose-jump').addEventListener('click', function (e) {
  e.preventDefault();
  var t = $('#compose-text');
  t.scrollIntoView({ behavior: 'smooth', block: 'center' });
  t.focus({ preventScroll: true });
});
setInterval(renderFreshness, 15000);
var resizeTimer = null, lastWidth = 0;
window.addEventListener('resize', function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(function () {
    var w = $('#chart').clientWidth;
    if (state.readAt && Math.abs(w - lastWidth) > 8) { lastWidth = w; renderChart(); }
  }, 150);
});

initChrome(ws).then(function () {
  var form = composer($('#compose-form'), {
    ws: ws, mode: 'create',
    onDone: function (post) { applyPost(post); scheduleHead(); toast('Post saved: ' + statusLabel(post.status), 'good'); }
  });
  form.refreshLabels();
  var writer = roleAtLeast('editor');
  $('#compose-panel').hidden = !writer;
  $('.compose-jump').hidden = !writer;
  if (writer && form.restore()) $('#compose-text').focus();
  filters = listFilters({ ws: ws, row: function (p) { return row(p); }, local: renderList });
  var linked = filters.fromUrl();
  if (linked) setFilter(linked); else if (filters.active()) filters.changed();
  refresh();
  setInterval(loadFigures, FIGURES_EVERY_MS);
  session.connection = live(ws, {
    onOpen: function () { refresh(); filters.requery(); },
    onEvent: function (name, data) {
      if (name === 'post') applyPost(data);
      else if (name === 'history') scheduleHead();
      else if (name === 'resync') { refresh(); filters.requery(); }
    }
  });
}, fatal);
