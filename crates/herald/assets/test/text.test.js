// text.js under Node's test runner: errors as sentences, lengths and limits, what a post
// waits for, figures in words, and the previews' arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as t from '../text.js';

test('an API error reads as a sentence, capitalised and ended', () => {
  assert.equal(t.sentence({ status: 422, code: 'validation', message: 'text is empty' }), 'Text is empty.');
  assert.equal(t.sentence({ status: 409, code: 'x', message: 'Changed meanwhile!' }), 'Changed meanwhile!');
  assert.equal(t.sentence({ status: 403, code: 'forbidden', message: 'editors cannot approve' }),
    'Your role does not allow this. Editors cannot approve.');
  assert.equal(t.sentence({ status: 429, code: 'rate_limited', retryAfter: 7 }), 'Too many attempts in a short time. Try again in 7 s.');
  assert.equal(t.sentence({ status: 429, code: 'rate_limited', retryAfter: null }), 'Too many attempts in a short time. Try again shortly.');
});

test('characters count as the server counts them: one per Unicode scalar value', () => {
  assert.equal(t.charCount('héllo'), 5);
  assert.equal(t.charCount('🚀 go'), 4);
  assert.equal(t.charCount(''), 0);
  assert.equal(t.charCount(null), 0);
});

test('the tightest limit is the smallest among the known chosen networks', () => {
  const table = { twitter: { limit: 280 }, linkedin: { limit: 3000 }, bluesky: { limit: 300 } };
  assert.deepEqual(t.tightestIn(['linkedin', 'twitter', 'bluesky'], table), { platform: 'twitter', limit: 280 });
  assert.deepEqual(t.tightestIn(['linkedin', 'myspace'], table), { platform: 'linkedin', limit: 3000 });
  assert.equal(t.tightestIn([], table), null);
  assert.equal(t.tightestIn(['myspace'], table), null);
});

test('what a post waits for reads in plain words', () => {
  assert.equal(t.waitingText({ waiting_for: 'ayrshare_limit' }), "Waiting for Ayrshare's rate limit");
  assert.equal(t.waitingText({ waiting_for: 'network_cap' }), 'Waiting (network cap)');
  assert.equal(t.waitingText({}), null);
});

test('a post is overdue only while it waits for approval past its time', () => {
  const now = Date.parse('2026-07-08T12:00:00Z');
  const post = { status: 'pending_approval', schedule_at: '2026-07-08T11:59:00Z' };
  assert.equal(t.overdue(post, now), true);
  assert.equal(t.overdue({ ...post, schedule_at: '2026-07-08T12:01:00Z' }, now), false);
  assert.equal(t.overdue({ ...post, status: 'scheduled' }, now), false);
  assert.equal(t.overdue({ status: 'pending_approval' }, now), false);
});

test('a conflict says to reload', () => {
  assert.equal(t.isConflict({ status: 409 }), true);
  assert.equal(t.isConflict({ status: 422 }), false);
  assert.match(t.conflictText({ code: 'version_conflict' }), /^Someone changed this post meanwhile/);
  assert.match(t.conflictText({ code: 'invalid_transition', message: 'it is published' }), /^It is published\. The post changed/);
});

test('figures leave out what was not reported, never showing it as 0', () => {
  assert.equal(t.figuresText({ likes: 56, impressions: 1234, shares: null }), `${t.fmtFigure(1234)} impressions · 56 likes`);
  assert.equal(t.figuresText({}), '');
  assert.equal(t.figuresText(null), '');
  assert.equal(t.fmtFigure(undefined), '–');
  assert.equal(t.fmtFigure(0), '0');
  assert.match(t.fmtFigure(1234.4), /^1.?234$/);
});

test('videos are known by their extension, query or fragment after it', () => {
  assert.equal(t.isVideo('https://x.test/a.MP4'), true);
  assert.equal(t.isVideo('/media/w/clip.webm?dl=1'), true);
  assert.equal(t.isVideo('/media/w/photo.png'), false);
  assert.equal(t.isVideo('/media/w/mp4'), false);
});

test('a text splits into links, hashtags, mentions and the rest', () => {
  assert.deepEqual(t.segments('Hi @ana_b, see https://x.test/a?b=1 #launch2026!'), [
    { text: 'Hi ', kind: '' }, { text: '@ana_b', kind: 'mention' }, { text: ', see ', kind: '' },
    { text: 'https://x.test/a?b=1', kind: 'link' }, { text: ' ', kind: '' }, { text: '#launch2026', kind: 'tag' },
    { text: '!', kind: '' }
  ]);
  assert.deepEqual(t.segments('#été'), [{ text: '#été', kind: 'tag' }]);
});

test('the part past a limit is cut, counted in characters across segments', () => {
  const fit = t.fitSegments('ab #cd ef', 5);
  assert.deepEqual(fit.map((s) => [s.shown, s.cut]), [['ab ', ''], ['#c', 'd'], ['', ' ef']]);
  assert.deepEqual(t.fitSegments('🚀🚀🚀', 2).map((s) => [s.shown, s.cut]), [['🚀🚀', '🚀']]);
  assert.equal(t.lengthText(12, 280), '12 / 280');
  assert.equal(t.lengthText(300, 280), '300 / 280 · 20 over');
});

test('each network crops images to its feed ratio, square when unknown', () => {
  assert.equal(t.cropRatio('twitter'), '16:9');
  assert.equal(t.cropRatio('linkedin'), '1.91:1');
  assert.equal(t.cropRatio('instagram'), '4:5');
  assert.equal(t.cropRatio('myspace'), '1:1');
  assert.deepEqual(t.ratioOf('tiktok'), [9, 16]);
});

test('a post page address escapes its parts', () => {
  assert.equal(t.postUrl('w 1', 'p/2'), '/w/w%201/posts/p%2F2');
});
