/**
 * The replay's direct reading of float samples records: its decisions equal the general
 * path's rules on decoded samples (table of random records), malformed records are left to
 * the general path, and a head with out-of-order data, repeats and m-mapped chunks reopens
 * with the same samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Encbuf, RecordDecoder, RecordEncoder, SampleBatch } from '../record/index.js';
import { Head } from './index.js';
import { DenseRefs, Pend, Pending, scanSamplesV1 } from './replay-refs.js';
import { dump, L, ms, removeDir, rng, tempDir } from './test-support.js';

/** The general path's rules for one decoded sample, on the same state. */
function oracle(refs: DenseRefs, ref: number, t: number, minValid: number): Pend | 'skip' {
  const mm = refs.mmMax[ref] ?? NaN;
  if (mm !== mm) return Pend.General;
  if (t < minValid) return 'skip';
  const seen = refs.walMax[ref]!;
  if (t > seen) refs.walMax[ref] = t;
  if (t === seen) return 'skip';
  if (t < seen) return Pend.OutOfOrder;
  if (t <= mm) return 'skip';
  return Pend.InOrder;
}

void test('scanSamplesV1 decides as the general rules do, over random records', () => {
  const r = rng(3);
  const enc = new RecordEncoder();
  const dec = new RecordDecoder();
  for (let round = 0; round < 200; round++) {
    const a = new DenseRefs(), b = new DenseRefs();
    for (const d of [a, b]) {
      d.fits(64, 64);
      for (let ref = 1; ref <= 40; ref++) d.mmMax[ref] = ref % 5 === 0 ? -Infinity : 1000 * (ref % 7);
    }
    const minValid = r() < 0.3 ? 2000 : -Infinity;
    const pend = new Pending();
    const counts = { skipped: 0 };
    for (let k = 0; k < 5; k++) {
      const sb = new SampleBatch(64);
      const n = 1 + Math.floor(r() * 50);
      for (let i = 0; i < n; i++) sb.push(1 + Math.floor(r() * 50), Math.floor(r() * 10_000) - 1000, r() * 100, r() < 0.1);
      const rec = enc.samples(sb, new Encbuf(4096)).slice();
      assert.equal(scanSamplesV1(rec, a, 50, minValid, pend, counts), true);
      const back = new SampleBatch(64);
      dec.samples(rec, back);
      const want: [number, number, number][] = [];
      let skipped = 0;
      for (let i = 0; i < back.length; i++) {
        const d = oracle(b, back.ref[i]!, back.t[i]!, minValid);
        if (d === 'skip') skipped++;
        else want.push([back.ref[i]!, back.t[i]!, d]);
      }
      const got: [number, number, number][] = [];
      for (let i = 0; i < pend.n; i++) got.push([pend.ref[i]!, pend.t[i]!, pend.kind[i]!]);
      assert.deepEqual(got, want, `round ${round} record ${k}`);
      assert.equal(counts.skipped, skipped);
      counts.skipped = 0;
      assert.deepEqual(a.walMax, b.walMax);
    }
  }
});

void test('scanSamplesV1 leaves other and malformed records to the general path', () => {
  const enc = new RecordEncoder();
  const sb = new SampleBatch(4);
  sb.push(1, 1000, 1.5);
  sb.push(2, 2000, 2.5);
  const rec = enc.samples(sb, new Encbuf(256)).slice();
  const d = new DenseRefs();
  d.fits(8, 8);
  const c = { skipped: 0 };
  const p = new Pending();
  assert.equal(scanSamplesV1(rec.subarray(0, rec.length - 3), d, 8, -Infinity, p, c), false, 'truncated value');
  assert.equal(scanSamplesV1(rec.subarray(0, 10), d, 8, -Infinity, p, c), false, 'truncated header');
  assert.equal(scanSamplesV1(Uint8Array.of(5, 0, 0), d, 8, -Infinity, p, c), false, 'another record type');
  assert.equal(scanSamplesV1(Uint8Array.of(2), d, 8, -Infinity, p, c), true, 'no samples');
  // A ref far beyond the series count is not held densely.
  const far = new SampleBatch(1);
  far.push(10_000_000, 1000, 1);
  assert.equal(scanSamplesV1(enc.samples(far, new Encbuf(64)).slice(), d, 8, -Infinity, p, c), false);
});

void test('a head with m-mapped chunks, out-of-order samples and repeats reopens with the same samples', async () => {
  const dir = await tempDir();
  const opts = { walSync: 'write' as const, outOfOrderTimeWindow: 3_600_000 };
  try {
    let h = await Head.open(dir, opts);
    const r = rng(9);
    for (let k = 0; k < 400; k++) {
      const a = h.appender();
      for (let i = 0; i < 30; i++) {
        const l = L('__name__', 'x', 'i', String(i));
        a.append(0, l, ms(k * 15_000 + i), Math.round(r() * 1e6) / 7);
        // Now and then an older sample inside the window, and a repeat of the newest.
        if (k > 10 && r() < 0.05) a.append(0, l, ms((k - 1 - Math.floor(r() * 10)) * 15_000 + i + 3), r());
      }
      await a.commit();
    }
    const want = await dump(h);
    await h.close();
    h = await Head.open(dir, opts);
    assert.deepEqual(await dump(h), want);
    const res = h.replayResult();
    assert.ok(res.mmappedChunks > 0 && res.skippedSamples > 0);
    await h.close();
  } finally {
    await removeDir(dir);
  }
});
