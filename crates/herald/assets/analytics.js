/* analytics.js: the analytics page. Reads GET /api/workspaces/{ws}/analytics for the
   chosen range (dates in the workspace's time zone; the last 30 days by default, kept in
   the address as ?from=&to=), and shows the totals, the engagements per day as an SVG
   bar chart drawn here (no library), the figures per network and per account, and the
   top posts table, which "Download CSV" saves as a file built in the browser (a Blob).
   Every figure says how old it is: the page's freshness line, and "As of" per row. */
import { fatal, initChrome } from './chrome.js';
import { $, ago, api, clear, config, dayKey, fmtDateTime, h, sentence, svg, wsPath } from './core.js';
import { FIGURES, fmtFigure, platformLabel } from './posts.js';

var ws = config.workspace_id;
var state = { report: null };
var METRICS = FIGURES;
var dayFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

var fmtNum = fmtFigure;
function addDays(key, n) {
  var p = key.split('-').map(Number);
  return new Date(Date.UTC(p[0], p[1] - 1, p[2] + n)).toISOString().slice(0, 10);
}

function renderFreshness(r) {
  var el = clear($('#freshness'));
  var pill = h('span', { class: 'fresh-pill', dataset: { upstream: r.upstream } },
    { fresh: 'Up to date', cached: 'Last known figures', unavailable: 'Networks not reachable' }[r.upstream] || r.upstream);
  var text = !r.as_of ? 'no figures yet for posts in this range'
    : (r.upstream === 'fresh' ? 'as of ' : 'from ') + fmtDateTime(r.as_of) + ' (' + ago(r.as_of) + ')' +
      (r.upstream === 'fresh' ? '' : ': Ayrshare could not be read lately, so these are the last figures Herald has');
  el.appendChild(pill);
  el.appendChild(h('span', { class: 'fresh-text', id: 'as-of', dataset: { asOf: r.as_of || '' } }, ' ' + text));
  el.appendChild(h('span', { class: 'fresh-read' }, ' · Days in ' + r.timezone));
}

function renderTotals(r) {
  var t = r.totals;
  $('#total-posts').textContent = fmtNum(t.posts);
  METRICS.forEach(function (m) { $('#total-' + m).textContent = fmtNum(t[m]); });
}

function renderChart(r) {
  var days = r.by_day;
  var values = days.map(function (d) { return d.engagements || 0; });
  var peak = Math.max.apply(null, values.concat([0]));
  var max = peak <= 4 ? 4 : Math.ceil(peak / 4) * 4;
  var box = $('#chart');
  var W = Math.max(300, Math.min(900, Math.round(box.clientWidth || 720)));
  // The left margin fits the widest tick label (11 px digits are about 7 px wide).
  var ticks = [0, 0.5, 1].map(function (f) { return fmtNum(f * max); });
  var widest = Math.max.apply(null, ticks.map(function (t) { return t.length; }));
  var HT = W < 520 ? 170 : 210, L = Math.max(44, 12 + 7 * widest), R = 8, T = 10, B = 28;
  var pw = W - L - R, ph = HT - T - B, slot = pw / Math.max(days.length, 1), bw = Math.max(1, slot * 0.66);
  var sum = values.reduce(function (a, b) { return a + b; }, 0);
  var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + HT, class: 'chart-svg', role: 'img', 'aria-labelledby': 'chart-t chart-d', preserveAspectRatio: 'xMidYMid meet' },
    svg('title', { id: 'chart-t' }, 'Engagements per day'),
    svg('desc', { id: 'chart-d' }, fmtNum(sum) + ' engagements over ' + days.length + ' days.'));
  [0, 0.5, 1].forEach(function (f, i) {
    var y = T + ph - f * ph;
    chart.appendChild(svg('line', { x1: L, x2: W - R, y1: y, y2: y, class: f ? 'grid' : 'axis' }));
    chart.appendChild(svg('text', { x: L - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, ticks[i]));
  });
  var every = Math.max(1, Math.ceil(days.length / (W < 520 ? 4 : 7)));
  days.forEach(function (d, i) {
    var date = new Date(d.date + 'T00:00:00Z');
    var g = svg('g', { class: 'day', dataset: { day: d.date, total: values[i] } },
      svg('title', null, dayFmt.format(date) + ': ' + fmtNum(values[i]) + ' engagements on ' + d.posts + ' posts'));
    g.appendChild(svg('rect', { x: L + i * slot, y: T, width: slot, height: ph, class: 'hover' }));
    if (values[i]) {
      var height = (values[i] / max) * ph;
      g.appendChild(svg('rect', { x: L + i * slot + (slot - bw) / 2, y: T + ph - height, width: bw, height: Math.max(height - 1, 1), rx: 2, class: 'bar', dataset: { series: 'published' } }));
    }
    chart.appendChild(g);
    if (i % every === 0) {
      chart.appendChild(svg('text', { x: L + i * slot + slot / 2, y: HT - 8, class: 'tick', 'text-anchor': 'middle' }, dayFmt.format(date)));
    }
  });
  clear(box).appendChild(chart);
  $('#chart-sub').textContent = (days.length ? days[0].date + ' to ' + days[days.length - 1].date : '') + ' · ' + r.timezone;
}

function renderPlatforms(r) {
  var names = Object.keys(r.by_platform).sort(function (a, b) { return (r.by_platform[b].engagements || 0) - (r.by_platform[a].engagements || 0); });
  var max = names.reduce(function (m, p) { return Math.max(m, r.by_platform[p].engagements || 0); }, 0);
  var bars = clear($('#by-platform'));
  names.forEach(function (p) {
    var n = r.by_platform[p].engagements;
    var fill = h('span', { class: 'bar-fill' });
    fill.style.width = (max && n ? Math.max(2, Math.round((n / max) * 100)) : 0) + '%';
    bars.appendChild(h('li', { dataset: { platform: p } },
      h('span', { class: 'bar-label' }, platformLabel(p)),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'bar-value', title: 'engagements' }, fmtNum(n))));
  });
  if (!names.length) bars.appendChild(h('li', { class: 'empty' }, 'No figures yet.'));
  var accounts = clear($('#accounts'));
  r.accounts.forEach(function (a) {
    accounts.appendChild(h('li', { class: 'chip', title: 'as of ' + fmtDateTime(a.as_of) },
      platformLabel(a.platform) + ' ', h('strong', null, fmtNum(a.metrics.followers)), ' followers'));
  });
}

function renderTable(r) {
  var body = clear($('#top-posts tbody'));
  r.posts.forEach(function (p) {
    var name = p.text ? (p.text.length > 90 ? p.text.slice(0, 89) + '…' : p.text) : 'Open';
    var link = p.post_id ? h('a', { href: '/w/' + encodeURIComponent(ws) + '/posts/' + encodeURIComponent(p.post_id), class: 'top-post' }, name) : 'Outside Herald';
    var cells = [link, platformLabel(p.platform), fmtDateTime(p.posted_at)]
      .concat(METRICS.map(function (m) { return fmtNum(p.metrics[m]); }))
      .concat([fmtDateTime(p.as_of)]);
    body.appendChild(h('tr', { dataset: { post: p.post_id || p.ayrshare_id, platform: p.platform } },
      cells.map(function (c) { return h('td', null, c); })));
  });
  $('#top-empty').hidden = r.posts.length > 0;
}

/** The table as CSV (RFC 4180 quoting); a figure a network does not report is empty. */
function csv(r) {
  var q = function (v) { v = v == null ? '' : String(v); return /[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; };
  var head = ['post_id', 'ayrshare_id', 'platform', 'posted_at'].concat(METRICS).concat(['as_of']);
  var rows = r.posts.map(function (p) {
    return [p.post_id, p.ayrshare_id, p.platform, p.posted_at]
      .concat(METRICS.map(function (m) { return p.metrics[m]; })).concat([p.as_of]).map(q).join(',');
  });
  return [head.join(',')].concat(rows).join('\n') + '\n';
}

function download() {
  var r = state.report;
  if (!r) return;
  var blob = new Blob([csv(r)], { type: 'text/csv;charset=utf-8' });
  var a = h('a', { href: URL.createObjectURL(blob), download: 'analytics-' + $('#range-from').value + '-' + $('#range-to').value + '.csv' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
}

function load() {
  var from = $('#range-from').value, to = $('#range-to').value;
  var err = $('#range-error');
  err.hidden = true;
  history.replaceState(null, '', '?from=' + from + '&to=' + to);
  return api('GET', wsPath(ws, '/analytics?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to)), undefined, { quiet: true })
    .then(function (r) {
      state.report = r;
      renderFreshness(r); renderTotals(r); renderChart(r); renderPlatforms(r); renderTable(r);
      document.body.dataset.loaded = from + '/' + to;
    }, function (e) { err.textContent = sentence(e); err.hidden = false; });
}

$('#range-form').addEventListener('submit', function (e) { e.preventDefault(); load(); });
$('#csv').addEventListener('click', download);

initChrome(ws).then(function () {
  var q = new URLSearchParams(location.search);
  var today = dayKey(Date.now());
  $('#range-to').value = q.get('to') || today;
  $('#range-from').value = q.get('from') || addDays($('#range-to').value, -29);
  return load();
}, fatal);
