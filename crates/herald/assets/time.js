/* time.js: times as people read them, in a named time zone, always labelled. Pure: no
   page, no state; every function takes the zone (an IANA name) it works in, and the
   page's own zone is bound by core.js. Tested under `node --test` (test/time.test.js). */

var formats = {};
/** A formatter in `tz` (made once per zone and options). */
function fmt(tz, opts) {
  var key = tz + JSON.stringify(opts);
  return formats[key] || (formats[key] = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: tz }, opts)));
}

/** "Dec 2, 2026, 10:00 AM CET": date, time and the zone's short name; a dash for none. */
export function fmtDateTime(iso, tz) {
  if (!iso) return '—';
  var d = new Date(iso);
  return fmt(tz, { dateStyle: 'medium', timeStyle: 'short' }).format(d) + ' ' + zoneAbbr(d, tz);
}
/** "10:00 AM CET"; a dash for none. */
export function fmtTime(iso, tz) {
  return iso ? fmt(tz, { timeStyle: 'short' }).format(new Date(iso)) + ' ' + zoneAbbr(new Date(iso), tz) : '—';
}
/** "Dec 2": a date's day and month in `tz`. */
export function fmtDay(date, tz) { return fmt(tz, { day: 'numeric', month: 'short' }).format(date); }
/** The zone's short name at an instant ("CET", "GMT+2"). */
export function zoneAbbr(d, tz) {
  var part = fmt(tz, { timeZoneName: 'short', hour: 'numeric' }).formatToParts(d).filter(function (p) { return p.type === 'timeZoneName'; })[0];
  return part ? part.value : tz;
}
/** "just now", "5 min ago", "3 h ago", "2 days ago": how long before `now` (ms, by
    default the present) `iso` was; a time in the future is "just now". */
export function ago(iso, now) {
  var s = Math.round(((now === undefined ? Date.now() : now) - new Date(iso).getTime()) / 1000);
  if (s < 0) s = 0;
  if (s < 10) return 'just now';
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  if (s < 86400) return Math.floor(s / 3600) + ' h ago';
  return Math.floor(s / 86400) + ' days ago';
}

/** The wall-clock fields of an instant in a zone. */
function wall(tz, date) {
  var parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit'
  }).formatToParts(date);
  var o = {};
  parts.forEach(function (p) { o[p.type] = +p.value; });
  return o;
}
/** The zone's offset from UTC at an instant, in minutes. */
function offsetAt(tz, ms) {
  var w = wall(tz, new Date(Math.floor(ms / 1000) * 1000));
  var asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}
function pad(n) { return (n < 10 ? '0' : '') + n; }

/** 'YYYY-MM-DD' of an instant (ms) in `tz`. */
export function dayKey(ms, tz) {
  var w = wall(tz, new Date(ms));
  return w.year + '-' + pad(w.month) + '-' + pad(w.day);
}
/** A datetime-local value ('YYYY-MM-DDTHH:MM'), read as wall time in `tz`, as RFC 3339
    with that zone's offset at that moment (e.g. 2026-07-08T12:30:00+02:00). A time that
    occurs twice (clocks going back) is the first one; a time that does not exist
    (clocks going forward) moves forward by the gap, as clocks do. Null for a value
    that is not one. */
export function zonedToRfc3339(local, tz) {
  var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || '');
  if (!m) return null;
  var wallMs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  var before = offsetAt(tz, wallMs - 86400000), after = offsetAt(tz, wallMs + 86400000);
  var fits = [before, after].map(function (o) { return wallMs - o * 60000; }).filter(function (t) {
    return t + offsetAt(tz, t) * 60000 === wallMs;
  });
  var instant = fits.length ? Math.min.apply(null, fits) : wallMs - before * 60000;
  var off = offsetAt(tz, instant);
  var w = new Date(instant + off * 60000);
  var sign = off < 0 ? '-' : '+';
  var a = Math.abs(off);
  return w.getUTCFullYear() + '-' + pad(w.getUTCMonth() + 1) + '-' + pad(w.getUTCDate()) + 'T' +
    pad(w.getUTCHours()) + ':' + pad(w.getUTCMinutes()) + ':00' + sign + pad(Math.floor(a / 60)) + ':' + pad(a % 60);
}
/** An RFC 3339 instant as a datetime-local value in `tz`; '' for none. */
export function instantToLocal(iso, tz) {
  if (!iso) return '';
  var w = wall(tz, new Date(iso));
  return w.year + '-' + pad(w.month) + '-' + pad(w.day) + 'T' + pad(w.hour) + ':' + pad(w.minute);
}
