import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APIStatusError, LineSplitter, decodeWatchEvent, statusError } from './client.js';

test('watch stream lines: split across chunks and inside multi-byte characters; last line without newline', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => { lines.push(l); });
  const text = Buffer.from('{"a":"é"}\n\n{"b":2}\r\n{"c":3}');
  for (let i = 0; i < text.length; i += 3) s.push(text.subarray(i, Math.min(i + 3, text.length)));
  assert.deepEqual(lines, ['{"a":"é"}', '{"b":2}']);
  s.end();
  assert.deepEqual(lines, ['{"a":"é"}', '{"b":2}', '{"c":3}']);
});

test('watch events: types, resource versions, ERROR statuses', () => {
  const cases: [string, unknown][] = [
    ['{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"7"}}}', { type: 'ADDED', resourceVersion: '7' }],
    ['{"type":"MODIFIED","object":{"metadata":{}}}', { type: 'MODIFIED', resourceVersion: '' }],
    ['{"type":"DELETED","object":{"metadata":{"resourceVersion":"9"}}}', { type: 'DELETED', resourceVersion: '9' }],
    ['{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}}', { type: 'BOOKMARK', resourceVersion: '12' }],
  ];
  for (const [line, want] of cases) {
    const e = decodeWatchEvent(line);
    assert.equal(e.type, (want as { type: string }).type);
    if (e.type !== 'ERROR') assert.equal(e.resourceVersion, (want as { resourceVersion: string }).resourceVersion);
  }
  const err = decodeWatchEvent('{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}');
  assert.equal(err.type, 'ERROR');
  if (err.type === 'ERROR') {
    assert.equal(err.error.message, 'too old resource version: 1 (5)');
    assert.equal(err.error.expired, true);
  }
  assert.throws(() => decodeWatchEvent('{"type":"WHAT"}'), /unknown event type "WHAT"/);
  assert.throws(() => decodeWatchEvent('not json'), /decoding watch event/);
});

test('status errors: message, code and reason from a Status; a bare code otherwise', () => {
  const e = statusError({ kind: 'Status', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }, 401);
  assert.ok(e instanceof APIStatusError);
  assert.deepEqual([e.message, e.code, e.reason, e.expired], ['Unauthorized', 401, 'Unauthorized', false]);
  const bare = statusError(undefined, 503);
  assert.deepEqual([bare.message, bare.code, bare.expired], ['the server responded with the status code 503', 503, false]);
  assert.equal(statusError({ code: 410, reason: 'Gone' }, 410).expired, true);
});
