// filter-query.js under Node's test runner: the dashboard's filters as the API's query
// and as the page's own address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filtersOf, nextDay, postsQuery, withFilters } from '../filter-query.js';

const none = { q: '', status: '', platform: '', author: '', from: '', to: '', sort: '' };
const now = Date.parse('2026-07-08T12:00:00Z');

test('no filter asks for a page and nothing else', () => {
  assert.equal(postsQuery(none, { tz: 'UTC', now, limit: 50 }), 'limit=50');
});

test('a date range is whole days in the workspace zone, the last day included', () => {
  const q = new URLSearchParams(postsQuery({ ...none, from: '2026-07-01', to: '2026-07-31' }, { tz: 'Europe/Paris', now, limit: 50 }));
  assert.equal(q.get('from'), '2026-07-01T00:00:00+02:00');
  assert.equal(q.get('to'), '2026-08-01T00:00:00+02:00');
});

test('"Next up" without a start date starts now; with one, at that day', () => {
  const next = { ...none, sort: 'schedule_at' };
  assert.equal(new URLSearchParams(postsQuery(next, { tz: 'UTC', now, limit: 50 })).get('from'), '2026-07-08T12:00:00.000Z');
  const from = new URLSearchParams(postsQuery({ ...next, from: '2026-09-01' }, { tz: 'UTC', now, limit: 50 }));
  assert.equal(from.get('from'), '2026-09-01T00:00:00+00:00');
  assert.equal(from.get('sort'), 'schedule_at');
});

test('words, status, network, author and the cursor pass as they are', () => {
  const values = { ...none, q: 'spring & sale', status: 'scheduled', platform: 'linkedin', author: 'user:7' };
  const q = new URLSearchParams(postsQuery(values, { tz: 'UTC', now, limit: 200, cursor: 'abc=' }));
  assert.deepEqual(Object.fromEntries(q), { limit: '200', q: 'spring & sale', status: 'scheduled', platform: 'linkedin', author: 'user:7', cursor: 'abc=' });
});

test('the next day crosses months and leap days', () => {
  assert.equal(nextDay('2026-01-31'), '2026-02-01');
  assert.equal(nextDay('2028-02-28'), '2028-02-29');
  assert.equal(nextDay('2026-12-31'), '2027-01-01');
});

test('the address keeps the filters set and drops the cleared ones, other parameters kept', () => {
  const href = withFilters('https://h.test/w/1?compose_at=x&q=old&platform=x#list', { ...none, q: 'new words', status: 'draft' });
  const url = new URL(href);
  assert.equal(url.searchParams.get('q'), 'new words');
  assert.equal(url.searchParams.get('status'), 'draft');
  assert.equal(url.searchParams.get('platform'), null);
  assert.equal(url.searchParams.get('compose_at'), 'x');
  assert.equal(url.hash, '#list');
});

test('an address read back gives the filters it was given', () => {
  const values = { ...none, q: 'a b', author: 'token:3', to: '2026-07-31' };
  assert.deepEqual(filtersOf(new URL(withFilters('https://h.test/w/1', values)).search), values);
  assert.deepEqual(filtersOf(''), none);
});
