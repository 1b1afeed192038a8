/* The calendar's plan tools: clicking an empty part of a day (month view) or an hour
   (week view) — or Enter / Space on a focused cell — opens the composer at that time
   (a day opens at its first free queue slot, else 09:00); the queue's next free slots
   are marked in their cells. Imported by calendar.js; works on each render of the grid. */
import { $, $$, api, config, h, instantToLocal, roleAtLeast, session, wsPath } from './core.js';

var ws = config.workspace_id;
var grid = $('#cal-grid');
if (grid && ws) start();

/** Binds the tools to the grid. */
function start() {
  var free = [];

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /** The local time ("YYYY-MM-DDTHH:MM") a cell stands for. */
  function timeOf(cell) {
    if (cell.dataset.hour !== undefined) return cell.dataset.date + 'T' + pad(Number(cell.dataset.hour)) + ':00';
    var first = free.filter(function (l) { return l.slice(0, 10) === cell.dataset.date; })[0];
    return first || cell.dataset.date + 'T09:00';
  }

  function open(cell) {
    if (!roleAtLeast('editor')) return;
    location.href = '/w/' + encodeURIComponent(ws) + '?compose_at=' + encodeURIComponent(timeOf(cell)) + '#compose-form';
  }

  function cellOf(target) {
    if (target.closest('li.cal-post, a, button, input')) return null;
    return target.closest('td[data-date]');
  }

  grid.addEventListener('click', function (e) {
    var cell = cellOf(e.target);
    if (cell) open(cell);
  });
  grid.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    var cell = e.target.matches && e.target.matches('td[data-date]') ? e.target : null;
    if (!cell) return;
    e.preventDefault();
    open(cell);
  });

  /** Makes each cell focusable and labelled, and marks the free slots. */
  function decorate() {
    var editor = roleAtLeast('editor');
    $$('td[data-date]', grid).forEach(function (cell) {
      if (!editor) return;
      cell.tabIndex = 0;
      cell.classList.add('cal-creatable');
      var label = 'New post ' + timeOf(cell).replace('T', ' at ');
      cell.setAttribute('title', label);
      if (!cell.querySelector('.cal-posts li')) cell.setAttribute('aria-label', label);
    });
    free.forEach(function (local) {
      var day = local.slice(0, 10), hour = Number(local.slice(11, 13));
      var cell = $('td[data-date="' + day + '"][data-hour="' + hour + '"]', grid) || $('td[data-date="' + day + '"]:not([data-hour])', grid);
      if (!cell || cell.querySelector('.cal-free[data-at="' + local + '"]')) return;
      cell.appendChild(h('span', { class: 'cal-free', dataset: { at: local }, title: 'A free queue slot' }, 'Free ' + local.slice(11, 16)));
    });
  }

  function loadFree() {
    api('GET', wsPath(ws, '/queue'), undefined, { quiet: true }).then(function (q) {
      free = (q.next || []).map(function (iso) { return instantToLocal(iso, session.tz); });
      decorate();
    }, function () {});
  }

  new MutationObserver(function () { decorate(); }).observe(grid, { childList: true });
  loadFree();
  setInterval(loadFree, 60000);
}
