import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../instrument/index.js';
import { Labels, type Millis } from '../model/index.js';
import type { Appender, SeriesRef } from '../storage/index.js';
import { appendScrape, type AppendContext } from './append.js';
import { ScrapeMetrics } from './metrics.js';
import { mutateSampleLabels } from './sample-labels.js';
import { testAppendContext } from './test-support.js';

const CT = 'text/plain; version=0.0.4; charset=utf-8';
const metrics = new ScrapeMetrics(new Registry(), { metadataSizes: () => new Map() });

function context(): AppendContext {
  const tl = Labels.fromStrings('instance', 'h:1', 'job', 'j');
  return testAppendContext((l) => mutateSampleLabels(l, tl, false, [], 'utf8'), metrics);
}

/** Records what reaches storage: series as text with value, and the ref each series got. */
class Recorder implements Appender {
  readonly out: string[] = [];
  readonly refs = new Map<string, SeriesRef>();
  append(ref: SeriesRef, l: Labels, _t: Millis, v: number): SeriesRef {
    const k = l.toString();
    let r = this.refs.get(k);
    if (r === undefined) this.refs.set(k, (r = this.refs.size + 1));
    // A cached ref must be the one this series got before.
    if (ref !== 0) assert.equal(ref, r, `ref of ${k}`);
    this.out.push(`${k} ${v}`);
    return r;
  }
  appendStale(ref: SeriesRef, l: Labels): SeriesRef { this.out.push(`${l.toString()} stale`); return ref; }
  appendHistogram(): SeriesRef { return 0; }
  appendExemplar(): SeriesRef { return 0; }
  updateMetadata(): SeriesRef { return 0; }
  commit(): Promise<void> { return Promise.resolve(); }
  rollback(): Promise<void> { return Promise.resolve(); }
}

function body(lines: string[]): Buffer {
  return Buffer.from(lines.join('\n') + '\n');
}

/** n series whose keys are prefixes of each other's (x="1", x="10", ...) and carry UTF-8 bytes. */
function series(n: number, from = 0, v = 1): string[] {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) out.push(`m_total{x="${i}",y="é\\"${i % 7}"} ${v + i}`);
  return out;
}

test('scrape cache: series matched against the last body (key arena) always get their own labels and refs', () => {
  const steps: { name: string; lines: string[] }[] = [
    { name: 'first body (arena grows past its first size)', lines: series(3000) },
    { name: 'same order, new values', lines: series(3000, 0, 5) },
    { name: 'most series gone (arena compacted)', lines: series(200, 2800, 7) },
    { name: 'reordered, with new series and blanks', lines: [...series(100, 2900, 9).reverse(), 'm_total{x="1"}\t3', 'm_total{x="10"} 4', ...series(50, 5000)] },
    { name: 'back to the first body', lines: series(3000, 0, 11) },
    { name: 'the same again', lines: series(3000, 0, 12) },
  ];
  const ctx = context();
  const rec = new Recorder();
  let t = 1_700_000_000_000;
  for (const s of steps) {
    t += 1000;
    rec.out.length = 0;
    const r = appendScrape(ctx, rec, body(s.lines), CT, t as Millis);
    assert.equal(r.err, null, s.name);
    const got = rec.out.filter((x) => !x.endsWith(' stale'));
    // The same body through a fresh cache: every series parsed from scratch.
    const fresh = new Recorder();
    for (const [k, v] of rec.refs) fresh.refs.set(k, v);
    appendScrape(context(), fresh, body(s.lines), CT, t as Millis);
    assert.deepEqual(got, fresh.out, s.name);
    assert.ok(ctx.cache.keyView.byteLength > 0, 'keys are kept in the arena');
  }
});
