/**
 * SelectHints.latestOnly: blocks and head leave out the chunks before the one holding each
 * series' latest sample at or before `end` (each in its own data), and that sample (with its
 * staleness) stays what a full select yields; series with deletions are read whole.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, Matcher, type Millis } from '../../model/index.js';
import { ValueType, type Querier, type SelectHints } from '../../storage/interface.js';
import { DB, openTSDBHead } from './index.js';
import { tempDir } from './test-support.js';

const MIN = 60_000;
const BLOCK = 120 * MIN;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % BLOCK);
const SPAN = 300 * MIN;

let seed = 5;
function rnd(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

interface Read { labels: string; samples: [number, number | 'stale'][] }

async function read(q: Querier, hints: SelectHints): Promise<Read[]> {
  const set = await q.select(true, hints, [new Matcher('=~', '__name__', 'm_.+')]);
  const out: Read[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator(null);
    const samples: Read['samples'] = [];
    while (it.next() === ValueType.Float) samples.push([it.atT(), it.atStale() ? 'stale' : it.atF()]);
    assert.equal(it.err(), null);
    out.push({ labels: s.labels.toString(), samples });
  }
  assert.equal(set.err(), null);
  return out;
}

/** The latest sample at or before t (or null). */
function latest(r: Read, t: number): [number, number | 'stale'] | null {
  let best: [number, number | 'stale'] | null = null;
  for (const s of r.samples) if (s[0] <= t) best = s;
  return best;
}

describe('latest-only selects', () => {
  let db: DB;
  let cleanup: () => void;
  before(async () => {
    const d = tempDir('wf-latest-');
    cleanup = d.cleanup;
    db = await DB.open(d.dir, { minBlockDurationMs: BLOCK, maxBlockDurationMs: BLOCK, autoCompact: false, openHead: openTSDBHead({}) });
    const app = db.appender();
    for (let k = 0; k < 8; k++) {
      const labels = Labels.fromStrings('__name__', `m_${k % 2}`, 'k', String(k));
      let ref = 0;
      let v = 0;
      // Gaps of up to 40 minutes (some series have none for a while), stale markers now and then.
      for (let t = T0 + k * 1000; t < T0 + SPAN; t += rnd() < 0.97 ? 15_000 : Math.floor(rnd() * 40 * MIN)) {
        if (rnd() < 0.03) ref = app.appendStale(ref, labels, t as Millis);
        else ref = app.append(ref, labels, t as Millis, (v += Math.floor(rnd() * 10)));
      }
    }
    // A regular series, so that deletions surely cover the latest samples of some reads.
    const reg = Labels.fromStrings('__name__', 'm_0', 'k', 'regular');
    let ref = 0;
    for (let t = T0; t < T0 + SPAN; t += 15_000) ref = app.append(ref, reg, t as Millis, t / 1000);
    await app.commit();
    await db.compact();
    assert.ok(db.blocks().length >= 1);
    // Deletions in a block and in the head: the latest sample is then an earlier one.
    await db.delete((T0 + 100 * MIN) as Millis, (T0 + 110 * MIN) as Millis, [new Matcher('=', 'k', '3')]);
    await db.delete((T0 + 90 * MIN) as Millis, (T0 + 115 * MIN) as Millis, [new Matcher('=', 'k', 'regular')]);
    await db.delete((T0 + 250 * MIN) as Millis, (T0 + 290 * MIN) as Millis, [new Matcher('=~', 'k', '5|regular')]);
  });
  after(async () => {
    await db.close();
    cleanup();
  });

  it('yields the same latest sample at or before end, with fewer samples before it', async () => {
    let fewer = 0;
    for (let t = T0 + 3 * MIN; t <= T0 + SPAN + 10 * MIN; t += 11 * MIN + 7_000) {
      // A lookback window long enough to span several chunks of a series.
      const mint = t - 45 * MIN + 1;
      const q = await db.querier(mint as Millis, t as Millis);
      try {
        const hints: SelectHints = { start: mint as Millis, end: t as Millis, step: 0, func: '', range: 0, limit: 0 };
        const whole = await read(q, hints);
        const some = await read(q, { ...hints, latestOnly: true });
        assert.deepEqual(some.map((r) => r.labels), whole.map((r) => r.labels), `series at ${t}`);
        for (let i = 0; i < whole.length; i++) {
          const w = whole[i]!, s = some[i]!;
          assert.deepEqual(latest(s, t), latest(w, t), `${w.labels} at ${t}`);
          // What is kept is a part of the whole read (each source keeps the tail of its own).
          const all = new Map(w.samples.map(([st, sv]) => [st, sv]));
          for (const [st, sv] of s.samples) assert.equal(all.get(st), sv, `${w.labels} at ${t}: sample at ${st}`);
          if (s.samples.length < w.samples.length) fewer++;
        }
      } finally {
        await q.close();
      }
    }
    assert.ok(fewer > 0, 'some chunks were left out');
  });
});

describe('latest-only selects of the head: the newest sample alone', () => {
  it('is the series newest sample, a stale marker too, when it lies by end; earlier ends read chunks', async () => {
    const d = tempDir('wf-latest-head-');
    const db = await DB.open(d.dir, { autoCompact: false, openHead: openTSDBHead({}) });
    try {
      const app = db.appender();
      const a = Labels.fromStrings('__name__', 'm_a'), b = Labels.fromStrings('__name__', 'm_b');
      let ra = 0, rb = 0;
      for (let i = 0; i < 300; i++) {
        const t = T0 + i * 15_000;
        ra = app.append(ra, a, t as Millis, i * 2);
        rb = i === 299 ? app.appendStale(rb, b, t as Millis) : app.append(rb, b, t as Millis, i);
      }
      await app.commit();
      const last = T0 + 299 * 15_000;
      for (const [end, want] of [[last + 60_000, 1], [last, 1], [last - 15_000, -1]] as const) {
        const mint = end - 5 * MIN + 1;
        const q = await db.querier(mint as Millis, end as Millis);
        try {
          const got = await read(q, { start: mint as Millis, end: end as Millis, step: 0, func: '', range: 0, limit: 0, latestOnly: true });
          const byName = new Map(got.map((r) => [r.labels, r.samples]));
          const sa = byName.get('{__name__="m_a"}')!, sb = byName.get('{__name__="m_b"}')!;
          if (want === 1) {
            assert.deepEqual(sa, [[last, 598]], `at ${end - last}`);
            assert.deepEqual(sb, [[last, 'stale']]);
          } else {
            // The newest sample is after end: the open chunk is read, up to end.
            assert.ok(sa.length > 1);
            assert.deepEqual(sa[sa.length - 1], [last - 15_000, 596]);
          }
        } finally {
          await q.close();
        }
      }
    } finally {
      await db.close();
      d.cleanup();
    }
  });
});
