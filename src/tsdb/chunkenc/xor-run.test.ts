/**
 * The bulk XOR decoder (xor-run.ts, behind XorIterator.readFloats and seek) against the
 * per-sample path (next()/at*()), which decodes field by field through the bit reader: every
 * timestamp bucket and value encoding, stale markers, reads that stop and resume mid-chunk,
 * seeks, and truncated chunks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { GrowingFloatColumns } from '../../storage/testing-columns.js';
import { seededRandom } from '../../util/bench.js';
import { Encoding, XorChunk, XorIterator, chunkFromBytes } from './index.js';

/** Columns starting at 1 sample, doubling: reads go through growF(). */
class Cols extends GrowingFloatColumns {
  constructor() { super(1); }
}

interface S { t: number; v: number; stale: boolean }

type Shape = 'regular' | 'jitter' | 'every-bucket' | 'huge-gaps';

/** Samples whose timestamps hit the delta-of-delta buckets the shape names, with mixed values. */
function samples(shape: Shape, n: number, rnd: () => number): S[] {
  const out: S[] = [];
  let t = 1_700_000_000_000 + Math.floor(rnd() * 1000);
  let v = 1000;
  for (let i = 0; i < n; i++) {
    switch (shape) {
      case 'regular': t += 15_000; break;
      case 'jitter': t += 15_000 + Math.floor(rnd() * 21) - 10; break;
      case 'every-bucket': {
        // Deltas of deltas in each bucket: 0, 14, 17, 20 and 64 bits, up and down.
        const spans = [0, 4000, 60_000, 500_000, 2 ** 33];
        t += 1 + Math.floor(rnd() * spans[Math.floor(rnd() * spans.length)]!);
        break;
      }
      case 'huge-gaps': t += rnd() < 0.2 ? 2 ** 40 + Math.floor(rnd() * 1e6) : 1 + Math.floor(rnd() * 30); break;
    }
    const r = rnd();
    if (r < 0.05) {
      out.push({ t, v: NaN, stale: true });
      continue;
    }
    if (r < 0.25) v = v + 0; // unchanged
    else if (r < 0.55) v += Math.floor(rnd() * 20); // counter-like: narrow XOR windows
    else if (r < 0.8) v = rnd() * 1e9 - 5e8; // wide XORs, new windows
    else if (r < 0.85) v = [NaN, Infinity, -Infinity, 0, -0, 5e-324, Number.MAX_VALUE][Math.floor(rnd() * 7)]!;
    else v = -v;
    out.push({ t, v, stale: false });
  }
  return out;
}

function encode(ss: readonly S[]): XorChunk {
  const c = XorChunk.empty();
  const a = c.appender();
  for (const s of ss) {
    if (s.stale) a.appendStale(s.t as Millis);
    else a.append(s.t as Millis, s.v);
  }
  return c;
}

/** Reads all of `b` through next()/at*(): the samples (stale markers marked) and whether it failed. */
function stepped(b: Uint8Array): { got: S[]; failed: boolean } {
  const it = chunkFromBytes(Encoding.XOR, b).iterator(null);
  const got: S[] = [];
  while (it.next() === ValueType.Float) got.push({ t: it.atT(), v: it.atF(), stale: it.atStale() });
  return { got, failed: it.err() !== null };
}

/** Reads all of `b` with readFloats in windows ending at `bounds`, then at +Infinity. */
function xorIterator(b: Uint8Array): XorIterator {
  const it = chunkFromBytes(Encoding.XOR, b).iterator(null);
  assert.ok(it instanceof XorIterator);
  return it;
}

function bulk(b: Uint8Array, bounds: readonly number[]): { got: Cols; failed: boolean; stales: number[] } {
  const it = xorIterator(b);
  const cols = new Cols();
  const stales: number[] = [];
  let vt = it.next();
  for (const maxt of [...bounds, Infinity]) {
    if (vt !== ValueType.Float) break;
    cols.staleT = -Infinity;
    vt = it.readFloats(maxt, cols);
    if (cols.staleT !== -Infinity) stales.push(cols.staleT);
    if (vt === ValueType.Float) assert.ok(it.atT() > maxt, `stopped on ${it.atT()} at or before maxt ${maxt}`);
  }
  return { got: cols, failed: it.err() !== null, stales };
}

function sameFloats(cols: Cols, want: readonly S[], what: string): void {
  const live = want.filter((s) => !s.stale);
  assert.equal(cols.fN, live.length, `${what}: sample count`);
  for (let i = 0; i < live.length; i++) {
    assert.equal(cols.fT[i], live[i]!.t, `${what}: t of sample ${i}`);
    assert.ok(Object.is(cols.fV[i], live[i]!.v), `${what}: v of sample ${i}: ${cols.fV[i]} vs ${live[i]!.v}`);
  }
}

describe('bulk XOR decoding', () => {
  const shapes: readonly Shape[] = ['regular', 'jitter', 'every-bucket', 'huge-gaps'];
  for (const shape of shapes) {
    it(`reads ${shape} timestamps and mixed values as the per-sample path does`, () => {
      const rnd = seededRandom(shape.length * 7919);
      for (let round = 0; round < 20; round++) {
        const ss = samples(shape, 1 + Math.floor(rnd() * 300), rnd);
        const b = encode(ss).bytes();
        const ref = stepped(b);
        assert.equal(ref.failed, false);
        const bounds: number[] = [];
        for (let i = 0; i < ss.length; i += 1 + Math.floor(rnd() * 25)) bounds.push(ss[i]!.t - (rnd() < 0.5 ? 1 : 0));
        const got = bulk(b, bounds);
        assert.equal(got.failed, false, `${shape} round ${round}`);
        sameFloats(got.got, ref.got, `${shape} round ${round}`);
        // Each window reports the last stale marker it passed.
        const staleTimes = ref.got.filter((s) => s.stale).map((s) => s.t);
        for (const t of got.stales) assert.ok(staleTimes.includes(t));
      }
    });
  }

  it('leaves the cursor where next() continues: bulk reads, seeks and steps interleaved', () => {
    const rnd = seededRandom(11);
    for (let round = 0; round < 30; round++) {
      const ss = samples(round % 2 === 0 ? 'every-bucket' : 'jitter', 2 + Math.floor(rnd() * 200), rnd);
      const it = xorIterator(encode(ss).bytes());
      const cols = new Cols();
      let i = 0; // index in ss of the sample under the cursor
      let vt = it.next();
      while (vt === ValueType.Float) {
        assert.equal(it.atT(), ss[i]!.t, `round ${round}: cursor on sample ${i}`);
        const op = rnd();
        if (op < 0.4) {
          vt = it.next();
          i++;
        } else if (op < 0.7) {
          const j = Math.min(ss.length - 1, i + Math.floor(rnd() * 40));
          vt = it.seek(ss[j]!.t as Millis);
          i = j;
          while (i > 0 && ss[i - 1]!.t >= ss[j]!.t) i--;
        } else {
          const j = Math.min(ss.length, i + 1 + Math.floor(rnd() * 40));
          const maxt = j < ss.length ? ss[j]!.t - 1 : Infinity;
          cols.fN = 0;
          vt = it.readFloats(maxt, cols);
          sameFloats(cols, ss.slice(i, j), `round ${round}: window [${i}, ${j})`);
          i = j;
        }
      }
      assert.equal(i, ss.length, `round ${round}: ended at sample ${i} of ${ss.length}`);
      assert.equal(it.err(), null);
    }
  });

  it('stops with an error on truncated chunks after the same samples as the per-sample path', () => {
    const rnd = seededRandom(5);
    for (const shape of shapes) {
      const b = encode(samples(shape, 80, rnd)).bytes();
      for (let len = 2; len < b.length; len++) {
        const cut = b.slice(0, len);
        const ref = stepped(cut);
        const got = bulk(cut, []);
        assert.equal(got.failed, ref.failed, `${shape}, ${len} of ${b.length} bytes: failure`);
        assert.equal(ref.failed, true, `${shape}, ${len} of ${b.length} bytes`);
        sameFloats(got.got, ref.got, `${shape}, ${len} of ${b.length} bytes`);
        // Read in place, inside a larger buffer that goes on with garbage.
        const big = new Uint8Array(len + 100);
        for (let i = 0; i < big.length; i++) big[i] = Math.floor(rnd() * 256);
        big.set(cut, 40);
        const it = new XorIterator(new Uint8Array(0));
        it.resetRange(big, 40, 40 + len);
        const cols = new Cols();
        if (it.next() === ValueType.Float) it.readFloats(Infinity, cols);
        assert.equal(it.err() !== null, true, `${shape}, ${len} of ${b.length} bytes in place: failure`);
        sameFloats(cols, ref.got, `${shape}, ${len} of ${b.length} bytes in place`);
      }
    }
  });

  it('reads chunks in place inside larger buffers as from their own bytes', () => {
    const rnd = seededRandom(9);
    const big = new Uint8Array(64 * 1024);
    let at = 0;
    const placed: { start: number; end: number; want: S[] }[] = [];
    while (at < big.length - 4000) {
      const ss = samples(placed.length % 2 === 0 ? 'jitter' : 'every-bucket', 1 + Math.floor(rnd() * 200), rnd);
      const b = encode(ss).bytes();
      big.set(b, at);
      placed.push({ start: at, end: at + b.length, want: stepped(b).got });
      at += b.length;
    }
    const it = new XorIterator(new Uint8Array(0));
    for (const p of placed) {
      it.resetRange(big, p.start, p.end);
      const cols = new Cols();
      if (it.next() === ValueType.Float) assert.equal(it.readFloats(Infinity, cols), ValueType.None);
      assert.equal(it.err(), null);
      sameFloats(cols, p.want, `chunk at ${p.start}`);
    }
  });
});
