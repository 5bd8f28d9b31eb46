/**
 * The engine answers the same from the TSDB (blocks, head, and series spanning both, read
 * through the storage's bulk and skipping paths) as from the in-memory storage the
 * conformance scripts use: instant and range queries over counters and gauges with stale
 * markers, gaps, repeated values and irregular intervals.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, type Millis } from '../../model/index.js';
import { MemoryStorage, type Appendable, type Queryable } from '../../storage/index.js';
import { DB, openTSDBHead } from '../../tsdb/db/index.js';
import { PromQLEngine } from './index.js';
import { plain } from './test-support.js';

const MIN = 60_000;
/** Short blocks, so that a few hours of data make several blocks and a head. */
const BLOCK = 30 * MIN;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % BLOCK);
const HOURS = 3;

let seed = 11;
function rnd(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

interface Sample { t: number; v: number | 'stale' }

function makeSeries(): { labels: Labels; samples: Sample[] }[] {
  const out: { labels: Labels; samples: Sample[] }[] = [];
  for (let k = 0; k < 12; k++) {
    const samples: Sample[] = [];
    let v = k * 10;
    for (let t = T0 + 1000 * k; t < T0 + HOURS * 60 * MIN; t += rnd() < 0.9 ? 15_000 : 15_000 + Math.floor(rnd() * 20_000)) {
      const r = rnd();
      if (r < 0.03) samples.push({ t, v: 'stale' });
      else if (r < 0.06) continue;
      else {
        if (rnd() < 0.7) v += k % 3 === 0 ? rnd() * 100 : Math.floor(rnd() * 5);
        if (k % 4 === 1 && rnd() < 0.02) v = 0;
        samples.push({ t, v });
      }
    }
    out.push({ labels: Labels.fromStrings('__name__', k % 2 === 0 ? 'p_total' : 'p_gauge', 'k', String(k)), samples });
  }
  return out;
}

async function load(s: Appendable, data: ReturnType<typeof makeSeries>): Promise<void> {
  const app = s.appender();
  for (const { labels, samples } of data) {
    let ref = 0;
    for (const { t, v } of samples) ref = v === 'stale' ? app.appendStale(ref, labels, t as Millis) : app.append(ref, labels, t as Millis, v);
  }
  await app.commit();
}

let dir = '';
let db: DB;
let mem: MemoryStorage;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wf-parity-'));
  const data = makeSeries();
  mem = new MemoryStorage({ gcIntervalMs: 0 });
  await load(mem, data);
  db = await DB.open(dir, { minBlockDurationMs: BLOCK, maxBlockDurationMs: BLOCK, autoCompact: false, openHead: openTSDBHead({}) });
  await load(db, data);
  await db.compact();
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The value with series in label order (storages may hand series out in different orders). */
function sorted(v: ReturnType<typeof plain>): unknown {
  switch (v.kind) {
    case 'vector': return { ...v, v: [...v.v].sort((a, b) => a.metric.localeCompare(b.metric)) };
    case 'matrix': return { ...v, m: [...v.m].sort((a, b) => a.metric.localeCompare(b.metric)) };
    default: return v;
  }
}

async function both(run: (q: Queryable) => Promise<ReturnType<typeof plain>>): Promise<void> {
  assert.deepEqual(sorted(await run(db)), sorted(await run(mem)));
}

describe('the engine over the TSDB and over memory', () => {
  it('has blocks and a head to read from', async () => {
    const r = await new PromQLEngine().newInstantQuery(db, 'count(p_total)', (T0 + 10 * MIN) as Millis).exec();
    assert.equal(r.value.kind, 'vector');
    assert.ok(db.blocks().length >= 2, `${db.blocks().length} blocks`);
  });

  const queries = [
    '{__name__=~"p_.+"}', 'p_gauge', 'timestamp(p_total)', 'rate(p_total[5m])', 'increase(p_total[2m])', 'irate(p_total[1m])',
    'max_over_time(p_gauge[7m])', 'count_over_time({__name__=~"p_.+"}[3m])', 'sum by (k) (rate(p_total[10m]))', 'last_over_time(p_gauge[1m])',
  ];
  for (const q of queries) {
    it(`answers ${q} alike (instant, at many times)`, async () => {
      for (let t = T0; t <= T0 + (HOURS * 60 + 10) * MIN; t += 7 * MIN + 13_000) {
        await both(async (s) => plain((await new PromQLEngine().newInstantQuery(s, q, t as Millis).exec()).value));
      }
    });
    it(`answers ${q} alike (range)`, async () => {
      if (q.includes('[') && !q.includes('(')) return;
      for (const step of [15_000, 60_000, 7 * MIN]) {
        await both(async (s) => plain((await new PromQLEngine().newRangeQuery(s, q, T0 as Millis, (T0 + HOURS * 60 * MIN) as Millis, step).exec()).value));
      }
    });
  }
});
