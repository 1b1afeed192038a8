/* filter-query.js: the dashboard's search and filters as addresses. The query of the
   API's filtered list (GET .../posts: the date range as whole days in the workspace's
   zone, "Next up" from now on unless a start date is set) and the page's own address
   that keeps them (?q=…&platform=…, so a reload keeps them and a link shares them).
   Pure: filters.js reads the fields and calls these. Tested under `node --test`
   (test/filter-query.test.js). */
import { zonedToRfc3339 } from './time.js';

/** The filters, in the order the address lists them. */
export const FILTER_KEYS = ['q', 'status', 'platform', 'author', 'from', 'to', 'sort'];

/** The day after a 'YYYY-MM-DD' day. */
export function nextDay(d) {
  var t = new Date(d + 'T00:00:00Z');
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/** The query string of GET .../posts for `values` ({q, status, platform, author, from,
    to, sort}, '' for unset; `from` and `to` days, `to` included). opts: {tz (the
    workspace's zone), now (ms, for "Next up" without a start), limit, cursor?}. */
export function postsQuery(values, opts) {
  var q = new URLSearchParams({ limit: String(opts.limit) });
  ['q', 'status', 'platform', 'author', 'sort'].forEach(function (k) { if (values[k]) q.set(k, values[k]); });
  if (values.from) q.set('from', zonedToRfc3339(values.from + 'T00:00', opts.tz));
  else if (values.sort === 'schedule_at') q.set('from', new Date(opts.now).toISOString()); // next up: from now on
  if (values.to) q.set('to', zonedToRfc3339(nextDay(values.to) + 'T00:00', opts.tz));
  if (opts.cursor) q.set('cursor', opts.cursor);
  return q.toString();
}

/** `href` with the filters of `values` in its query (an empty one removed, every other
    parameter kept). */
export function withFilters(href, values) {
  var url = new URL(href);
  FILTER_KEYS.forEach(function (k) { if (values[k]) url.searchParams.set(k, values[k]); else url.searchParams.delete(k); });
  return url.href;
}

/** The filters an address's query (`?q=…`) names: every key, '' when absent. */
export function filtersOf(search) {
  var params = new URLSearchParams(search);
  var out = {};
  FILTER_KEYS.forEach(function (k) { out[k] = params.get(k) || ''; });
  return out;
}
