import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher, type Millis } from '../../model/index.js';
import { ValueType, type SampleIterator, type SelectHints } from '../../storage/interface.js';
import { Head } from './head.js';
import { ALL, L, dump, ms, removeDir, tempDir } from './test-support.js';

/**
 * Series `a` every second over 10 minutes (five full chunks in chunks_head and an open one),
 * `b` in the first ten seconds only, `c` in the last 100 seconds.
 */
const SERIES: { name: string; from: number; to: number }[] = [
  { name: 'a', from: 0, to: 599 },
  { name: 'b', from: 0, to: 10 },
  { name: 'c', from: 500, to: 599 },
];

const value = (name: string, s: number): number => name.charCodeAt(0) * 1000 + s;

async function fill(h: Head): Promise<void> {
  const refs = SERIES.map(() => 0);
  for (let s = 0; s <= 599; s++) {
    const app = h.appender();
    SERIES.forEach((x, i) => {
      if (s >= x.from && s <= x.to) refs[i] = app.append(refs[i]!, L('__name__', x.name, 'job', 'j'), ms(s * 1000), value(x.name, s));
    });
    await app.commit();
  }
}

/** What a select over [mint, maxt] must return: series with samples in range, and those samples. */
function expected(mint: number, maxt: number): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const x of SERIES) {
    const samples: [number, number][] = [];
    for (let s = x.from; s <= x.to; s++) if (s * 1000 >= mint && s * 1000 <= maxt) samples.push([s * 1000, value(x.name, s)]);
    if (samples.length > 0) out.set(L('__name__', x.name, 'job', 'j').toString(), samples);
  }
  return out;
}

const WINDOWS: [string, number, number][] = [
  ['everything', 0, 599_000],
  ['the middle of a', 300_000, 400_000],
  ['the last 100 s', 550_000, 600_000],
  ['the first 10 s', 0, 10_000],
  ['one sample at a chunk edge', 120_000, 120_000],
  ['after all data', 700_000, 800_000],
];

function seriesHints(mint: number, maxt: number): SelectHints {
  return { start: mint as Millis, end: maxt as Millis, step: 0, func: 'series', range: 0, limit: 0 };
}

async function checkWindows(h: Head): Promise<void> {
  for (const [what, mint, maxt] of WINDOWS) {
    assert.deepEqual(await dump(h, mint, maxt), expected(mint, maxt), what);
    // Metadata-only selects give the same series, without reading samples.
    const q = await h.querier(ms(mint), ms(maxt));
    const set = await q.select(true, seriesHints(mint, maxt), ALL);
    const names: string[] = [];
    let it: SampleIterator | null = null;
    while (set.next()) {
      names.push(set.at().labels.toString());
      it = set.at().iterator(it);
      assert.equal(it.next(), ValueType.None, `${what}: no samples for func=series`);
    }
    await q.close();
    assert.deepEqual(names, [...expected(mint, maxt).keys()], `${what}: func=series`);
  }
}

describe('head querier', () => {
  it('selects samples in range over m-mapped and open chunks, while they are in memory, cold on disk and warm', async () => {
    const dir = await tempDir();
    try {
      let h = await Head.open(dir);
      await fill(h);
      await checkWindows(h);
      await h.close();
      h = await Head.open(dir);
      try {
        await checkWindows(h); // chunks read from disk
        await checkWindows(h); // chunks read from cached pages
      } finally {
        await h.close();
      }
    } finally {
      await removeDir(dir);
    }
  });

  it('seeks across chunk boundaries and never backwards', async () => {
    const dir = await tempDir();
    try {
      const h = await Head.open(dir);
      try {
        await fill(h);
        const q = await h.querier(ms(100_000), ms(500_000));
        const set = await q.select(false, null, [new Matcher('=', '__name__', 'a')]);
        assert.ok(set.next());
        const it = set.at().iterator(null);
        // [seek to, expected time or null for the end]
        const cases: [number, number | null][] = [
          [0, 100_000], [50_000, 100_000], [239_500, 240_000], [240_000, 240_000], [100_000, 240_000],
          [359_999, 360_000], [480_001, 481_000], [500_000, 500_000], [500_001, null], [0, null],
        ];
        for (const [t, want] of cases) {
          const vt = it.seek(ms(t));
          if (want === null) {
            assert.equal(vt, ValueType.None, `seek ${t}`);
            continue;
          }
          assert.equal(vt, ValueType.Float, `seek ${t}`);
          assert.equal(it.atT(), want, `seek ${t}`);
          assert.equal(it.atF(), value('a', want / 1000), `seek ${t}`);
        }
        assert.equal(it.err(), null);
        await q.close();
      } finally {
        await h.close();
      }
    } finally {
      await removeDir(dir);
    }
  });
});
