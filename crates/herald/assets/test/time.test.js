// time.js under Node's test runner: wall time in a zone to RFC 3339 and back (daylight
// saving's overlap and gap included), days in a zone, relative times, labelled formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ago, dayKey, fmtDateTime, fmtTime, instantToLocal, zoneAbbr, zonedToRfc3339 } from '../time.js';

test('a wall time reads with its zone offset at that moment', () => {
  assert.equal(zonedToRfc3339('2026-07-08T12:30', 'Europe/Paris'), '2026-07-08T12:30:00+02:00');
  assert.equal(zonedToRfc3339('2026-01-08T12:30', 'Europe/Paris'), '2026-01-08T12:30:00+01:00');
  assert.equal(zonedToRfc3339('2026-07-08T12:30', 'UTC'), '2026-07-08T12:30:00+00:00');
  assert.equal(zonedToRfc3339('2026-07-08T12:30', 'Asia/Kolkata'), '2026-07-08T12:30:00+05:30');
});

test('a time that occurs twice (clocks going back) is the first one', () => {
  assert.equal(zonedToRfc3339('2026-10-25T01:30', 'Europe/London'), '2026-10-25T01:30:00+01:00');
});

test('a time that does not exist (clocks going forward) moves forward by the gap', () => {
  assert.equal(zonedToRfc3339('2026-03-08T02:30', 'America/New_York'), '2026-03-08T03:30:00-04:00');
});

test('what is not a datetime-local value reads as null', () => {
  assert.equal(zonedToRfc3339('', 'UTC'), null);
  assert.equal(zonedToRfc3339('tomorrow', 'UTC'), null);
});

test('an instant reads back as the wall time of the zone', () => {
  assert.equal(instantToLocal('2026-07-08T10:30:00Z', 'Europe/Paris'), '2026-07-08T12:30');
  assert.equal(instantToLocal(zonedToRfc3339('2026-12-31T23:59', 'Pacific/Auckland'), 'Pacific/Auckland'), '2026-12-31T23:59');
  assert.equal(instantToLocal(null, 'UTC'), '');
});

test('the day of an instant is the day in the zone', () => {
  const ms = Date.parse('2026-07-08T23:30:00Z');
  assert.equal(dayKey(ms, 'UTC'), '2026-07-08');
  assert.equal(dayKey(ms, 'Europe/Paris'), '2026-07-09');
  assert.equal(dayKey(ms, 'America/New_York'), '2026-07-08');
});

test('relative times round down to the unit people say', () => {
  const now = Date.parse('2026-07-08T12:00:00Z');
  const before = (s) => new Date(now - s * 1000).toISOString();
  assert.equal(ago(before(3), now), 'just now');
  assert.equal(ago(before(-60), now), 'just now');
  assert.equal(ago(before(42), now), '42 s ago');
  assert.equal(ago(before(5 * 60 + 59), now), '5 min ago');
  assert.equal(ago(before(3 * 3600), now), '3 h ago');
  assert.equal(ago(before(2 * 86400 + 5), now), '2 days ago');
});

test('every time shown carries its zone, and none shows a dash', () => {
  const iso = '2026-07-08T10:00:00Z';
  assert.equal(zoneAbbr(new Date(iso), 'UTC'), 'UTC');
  assert.match(fmtDateTime(iso, 'Europe/Paris'), /2026.*(GMT\+2|CEST)$/);
  assert.match(fmtTime(iso, 'Europe/Paris'), /12.00.*(GMT\+2|CEST)$/);
  assert.equal(fmtDateTime(null, 'UTC'), '—');
  assert.equal(fmtTime('', 'UTC'), '—');
});
