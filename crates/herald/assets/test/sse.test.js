// sse.js under Node's test runner: the event-stream parser across split chunks, and
// coalesced re-reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesce, sseParser } from '../sse.js';

function parse(chunks) {
  const got = [];
  const feed = sseParser((name, data) => got.push([name, data]));
  chunks.forEach(feed);
  return got;
}

test('events split anywhere, even between \\r and \\n, arrive whole', () => {
  const chunks = [': keep-alive\n\nevent: post\ndata: {"a"', ':1}\r\n\r', '\nevent: history\ndata: {}\n\n'];
  assert.deepEqual(parse(chunks), [['post', '{"a":1}'], ['history', '{}']]);
});

test('one chunk per character reads the same as one chunk', () => {
  const text = 'event: post\r\ndata: x\r\n\r\nevent: resync\rdata: y\r\r\n';
  assert.deepEqual(parse(text.split('')), parse([text]));
  assert.deepEqual(parse([text]), [['post', 'x'], ['resync', 'y']]);
});

test('data lines join with newlines, a nameless event is a message', () => {
  assert.deepEqual(parse(['data: one\ndata:two\ndata\n\n']), [['message', 'one\ntwo\n']]);
});

test('comments, unknown fields and events without data emit nothing', () => {
  assert.deepEqual(parse([': ping\n\nevent: post\n\nid: 7\nretry: 10\n\n']), []);
});

test('an event is not emitted before its blank line', () => {
  assert.deepEqual(parse(['event: post\ndata: {}\n']), []);
  // A \r at the end of a chunk may be half of \r\n: the parser waits for the next one.
  assert.deepEqual(parse(['event: post\ndata: {}\n\r']), []);
  assert.deepEqual(parse(['event: post\ndata: {}\n\r', 'event: next\n']), [['post', '{}']]);
});

test('calls made while a run is going make one more run, not one each', async () => {
  let runs = 0;
  let release;
  const run = coalesce(() => { runs += 1; return new Promise((r) => { release = r; }); });
  run(); run(); run();
  await new Promise(setImmediate);
  assert.equal(runs, 1);
  release();
  await new Promise(setImmediate);
  assert.equal(runs, 2);
  release();
  await new Promise(setImmediate);
  assert.equal(runs, 2);
});

test('a failed run does not stop the next one', async () => {
  let runs = 0;
  const run = coalesce(() => { runs += 1; throw new Error('down'); });
  run();
  await new Promise(setImmediate);
  run();
  await new Promise(setImmediate);
  assert.equal(runs, 2);
});
