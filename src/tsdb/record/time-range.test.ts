import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecordDecoder, RecordEncoder, SampleBatch, samplesV1TimeRange, type SamplesTimeRange } from './index.js';

function batch(rows: readonly (readonly [ref: number, t: number])[]): SampleBatch {
  const b = new SampleBatch(4);
  for (const [ref, t] of rows) b.push(ref, t, ref * 0.5 + t, false, 0);
  return b;
}

const T0 = 1_795_676_415_000;

describe('samplesV1TimeRange', () => {
  // Deltas of every varint length the scan inlines (1, 2, 3 bytes) and beyond, both signs.
  const cases: { name: string; rows: [number, number][] }[] = [
    { name: 'one sample', rows: [[7, T0]] },
    { name: 'one-byte deltas', rows: [[1, T0], [2, T0 + 15], [3, T0 - 30]] },
    { name: 'two-byte deltas', rows: [[10, T0], [2000, T0 + 4000], [9, T0 - 4000]] },
    { name: 'three-byte deltas', rows: [[10, T0], [300_000, T0 + 600_000], [11, T0 - 600_000]] },
    { name: 'long deltas', rows: [[5, T0], [2 ** 40, T0 + 2 ** 35], [6, 0], [7, T0 + 86_400_000 * 365]] },
    { name: 'time before the epoch', rows: [[1, -5000], [2, -1], [3, -(2 ** 40)]] },
    { name: 'out of time order', rows: [[1, T0 + 60_000], [1, T0], [2, T0 + 30_000], [2, T0 - 15_000]] },
  ];
  const enc = new RecordEncoder();
  const dec = new RecordDecoder();
  for (const c of cases) {
    it(`agrees with the full decoder: ${c.name}`, () => {
      const rec = enc.samples(batch(c.rows)).slice();
      const full = new SampleBatch();
      dec.samples(rec, full);
      let mint = Infinity, maxt = -Infinity;
      for (let i = 0; i < full.length; i++) {
        mint = Math.min(mint, full.t[i]!);
        maxt = Math.max(maxt, full.t[i]!);
      }
      const out: SamplesTimeRange = { n: -1, mint: 0, maxt: 0 };
      assert.equal(samplesV1TimeRange(rec, out), true);
      assert.deepEqual(out, { n: c.rows.length, mint, maxt });
    });
  }

  it('reports an empty record as no samples', () => {
    const out: SamplesTimeRange = { n: -1, mint: 0, maxt: 0 };
    assert.equal(samplesV1TimeRange(enc.samples(new SampleBatch()), out), true);
    assert.deepEqual(out, { n: 0, mint: Infinity, maxt: -Infinity });
  });

  it('declines what it cannot read exactly, leaving it to the full decoder', () => {
    const good = enc.samples(batch([[1, T0], [300, T0 + 700_000], [2, T0 + 15]])).slice();
    const v2 = new RecordEncoder({ enableSTStorage: true }).samples(batch([[1, T0]])).slice();
    const bad: { name: string; rec: Uint8Array }[] = [
      { name: 'a SamplesV2 record', rec: v2 },
      { name: 'a series record type', rec: Uint8Array.of(1, 0, 0) },
      { name: 'a header cut short', rec: good.subarray(0, 12) },
      { name: 'a value cut short', rec: good.subarray(0, good.length - 3) },
      { name: 'a varint cut short', rec: good.subarray(0, 19) },
      { name: 'a base ref beyond the safe range', rec: Uint8Array.from([2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...good.subarray(9)]) },
    ];
    for (const b of bad) {
      const out: SamplesTimeRange = { n: 0, mint: 0, maxt: 0 };
      assert.equal(samplesV1TimeRange(b.rec, out), false, b.name);
    }
  });
});
