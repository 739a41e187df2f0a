// The page's stream handling (webroot/js/eventbus.js, timeline.js) under node's test runner, run by PageStreamsTest:
// what an open page does with the messages of an engine that took a drill over.
import test from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

globalThis.window = { addEventListener() {} };
globalThis.location = { origin: 'http://127.0.0.1' };
const webroot = process.env.OPSHUB_WEBROOT;
const { OpsBus } = await import(pathToFileURL(`${webroot}/js/eventbus.js`));
const { placeTimelineEntry } = await import(pathToFileURL(`${webroot}/js/timeline.js`));

function rec(address, epoch, offset, id, body) {
  const headers = { epoch: String(epoch), offset: String(offset) };
  if (id !== null) headers.id = id;
  return { type: 'rec', address, headers, body };
}

test('copies an engine sends again under a new epoch reach no handler; nothing is counted missing', () => {
  const bus = new OpsBus(['http://127.0.0.1:1']);
  const seen = [];
  bus.subscribe('ops.incidents.timeline', body => seen.push(body.seq));
  const sub = bus.subs.get('ops.incidents.timeline');
  for (let n = 1; n <= 3; n++) bus.deliver(sub, rec(sub.address, 100, n, `d:${n}`, { seq: n }));
  // the new engine publishes its last messages again (same ids), then goes on
  bus.deliver(sub, rec(sub.address, 200, 1, 'd:2', { seq: 2 }));
  bus.deliver(sub, rec(sub.address, 200, 2, 'd:3', { seq: 3 }));
  bus.deliver(sub, rec(sub.address, 200, 3, 'd:4', { seq: 4 }));
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(sub.duplicates, 2);
  assert.equal(sub.epochChanges, 1);
  assert.equal(sub.gaps, 0);
  assert.equal(sub.epoch, 200);
  assert.equal(sub.offset, 3);
});

test('messages without an id are never taken for copies, and the ids kept are bounded', () => {
  const bus = new OpsBus(['http://127.0.0.1:1'], { maxIdsPerAddress: 3 });
  const seen = [];
  bus.subscribe('ops.health', body => seen.push(body.n));
  const sub = bus.subs.get('ops.health');
  bus.deliver(sub, rec(sub.address, 1, 1, null, { n: 1 }));
  bus.deliver(sub, rec(sub.address, 1, 2, null, { n: 1 }));
  for (let n = 3; n <= 7; n++) bus.deliver(sub, rec(sub.address, 1, n, `x:${n}`, { n }));
  assert.deepEqual(seen, [1, 1, 3, 4, 5, 6, 7]);
  assert.equal(sub.ids.size, 3);
});

test('a timeline entry sent again replaces the one shown; entries stay in seq order', () => {
  const list = [];
  placeTimelineEntry(list, { seq: 1, text: 'a' });
  placeTimelineEntry(list, { seq: 3, text: 'c' });
  placeTimelineEntry(list, { seq: 2, text: 'b' });
  placeTimelineEntry(list, { seq: 3, text: 'c again' });
  placeTimelineEntry(list, { text: 'no seq' });
  assert.deepEqual(list.map(e => e.text), ['a', 'b', 'c again', 'no seq']);
});
