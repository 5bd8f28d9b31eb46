import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryType } from './interface.js';
import { PromParser } from './prom-parser.js';

interface Entry { et: EntryType; key: string; value: number; ts: number | undefined; labels: string }

/** Every entry of `body`, read with `next()` or, with `guesses`, with `nextExpecting(guess)` per call. */
function read(body: string, guesses: (string | null)[] | null): Entry[] {
  const p = new PromParser(Buffer.from(body));
  const out: Entry[] = [];
  for (let i = 0; ; i++) {
    const et = guesses === null ? p.next() : p.nextExpecting(guesses[i % guesses.length] ?? null);
    if (et === EntryType.EOF) break;
    if (et !== EntryType.Series) continue;
    out.push({ et, key: p.seriesKey(), value: p.value(), ts: p.timestamp(), labels: p.labels().toString() });
  }
  return out;
}

const BODY = [
  '# HELP http_requests_total Requests.',
  '# TYPE http_requests_total counter',
  'http_requests_total{code="200",handler="/a"} 10',
  'http_requests_total{code="500",handler="/a"} 2 1700000000000',
  'up 1',
  'upper 5',
  '  spaced{a="x"}   7',
  'name {a="b"} 3',
  '# TYPE lat histogram',
  'lat_bucket{le="1"} 4',
  'lat_bucket{le="+Inf"} 5',
  '',
].join('\n');

test('nextExpecting: the same entries as next() whatever the guesses', () => {
  const want = read(BODY, null);
  assert.equal(want.length, 8);
  const keys = want.map((e) => e.key);
  const cases: [string, (string | null)[]][] = [
    ['right guesses', [null, null, ...keys]],
    ['guesses one off', keys.slice(1)],
    ['prefix keys', ['up', 'upp', 'http_requests_total', 'name', 'lat_bucket{le="1"']],
    ['no guesses', [null]],
    ['a key longer than the body', ['x'.repeat(10_000)]],
  ];
  for (const [name, guesses] of cases) assert.deepEqual(read(BODY, guesses), want, name);
});

test('nextExpecting: a matched key yields that key; labels are read in full; histogram le is normalized', () => {
  const p = new PromParser(Buffer.from('m{a="1"} 1\nlat_bucket{le="1"} 2\n'));
  assert.equal(p.nextExpecting('m{a="1"}'), EntryType.Series);
  assert.ok(p.seriesKeyEquals('m{a="1"}'));
  assert.ok(!p.seriesKeyEquals('m{a="2"}'));
  assert.equal(p.value(), 1);
  assert.equal(p.labels().toString(), '{__name__="m", a="1"}');
  const q = new PromParser(Buffer.from('# TYPE lat histogram\nlat_bucket{le="1"} 2\n'));
  assert.equal(q.nextExpecting(null), EntryType.Type);
  assert.equal(q.nextExpecting('lat_bucket{le="1"}'), EntryType.Series);
  assert.equal(q.labels().toString(), '{__name__="lat_bucket", le="1.0"}');
});

test('nextExpecting: errors after a matched key are the same as next() gives', () => {
  for (const body of ['m{a="1"} x\n', 'm{a="1"} 1 2 3\n', 'm{a="1"} 1 99999999999999999999999\n']) {
    const a = new PromParser(Buffer.from(body));
    const b = new PromParser(Buffer.from(body));
    const ea = ((): string => { try { a.next(); return ''; } catch (e) { return (e as Error).message; } })();
    const eb = ((): string => { try { b.nextExpecting('m{a="1"}'); return ''; } catch (e) { return (e as Error).message; } })();
    assert.notEqual(ea, '', body);
    assert.equal(eb, ea, body);
  }
});
