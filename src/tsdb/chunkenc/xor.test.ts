import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValueType } from '../../storage/interface.js';
import type { Millis } from '../../model/index.js';
import { seededRandom } from '../../util/bench.js';
import { Encoding, XorChunk, XorIterator, chunkFromBytes, newEmptyChunk, type Appender } from './index.js';

interface S { t: number; v: number; stale?: boolean }

function encode(samples: readonly S[]): XorChunk {
  const c = XorChunk.empty();
  const a = c.appender();
  for (const s of samples) {
    if (s.stale === true) a.appendStale(s.t as Millis);
    else a.append(s.t as Millis, s.v);
  }
  return c;
}

function decode(b: Uint8Array): S[] {
  const it = chunkFromBytes(Encoding.XOR, b).iterator(null);
  const out: S[] = [];
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    assert.equal(vt, ValueType.Float);
    out.push(it.atStale() ? { t: it.atT(), v: NaN, stale: true } : { t: it.atT(), v: it.atF() });
  }
  assert.equal(it.err(), null);
  return out;
}

function same(got: readonly S[], want: readonly S[]): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.equal(got[i]!.t, want[i]!.t, `t of sample ${i}`);
    assert.ok(Object.is(got[i]!.v, want[i]!.v), `v of sample ${i}: ${got[i]!.v} vs ${want[i]!.v}`);
    assert.equal(got[i]!.stale === true, want[i]!.stale === true, `staleness of sample ${i}`);
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('XOR chunk', () => {
  it('matches a chunk written by promtool 2.42 byte for byte', () => {
    // promtool tsdb create-blocks-from openmetrics on m 1@1000, 2.5@1015, NaN@1030, +Inf@1045, -Inf@1060, 3@1075.5.
    const want = '000680897a3ff00000000000009875c26fff58befff00000000000050010000000000002c00e07d301b7ff';
    const samples: S[] = [
      { t: 1000000, v: 1 }, { t: 1015000, v: 2.5 }, { t: 1030000, v: NaN }, { t: 1045000, v: Infinity },
      { t: 1060000, v: -Infinity }, { t: 1075500, v: 3 },
    ];
    assert.equal(hex(encode(samples).bytes()), want);
    same(decode(Buffer.from(want, 'hex')), samples);
  });

  it('keeps stale markers apart from NaN', () => {
    const samples: S[] = [{ t: 0, v: 1 }, { t: 10, v: NaN, stale: true }, { t: 20, v: NaN }, { t: 30, v: NaN, stale: true }, { t: 40, v: 2 }];
    const c = encode(samples);
    same(decode(c.bytes()), samples);
    // The stale marker keeps its exact bits 0x7ff0000000000002 on disk: the second sample
    // XORs 1.0 (0x3ff0...) with it, a window of 1+11+... bits; check by re-reading raw bits.
    const it = c.iterator(null);
    assert.ok(it instanceof XorIterator);
    it.next();
    it.next();
    assert.equal(it.atBitsHi() >>> 0, 0x7ff00000);
    assert.equal(it.atBitsLo(), 2);
    it.next();
    assert.equal(it.atBitsHi() >>> 0, 0x7ff80000);
    assert.equal(it.atBitsLo(), 1);
  });

  it('round-trips every timestamp bucket and special value', () => {
    const dods = [0, 1, -1, 8192, -8191, 8193, -8192, 65536, -65535, 65537, -65536, 524288, -524287, 524289, -524288, 2 ** 40, -(2 ** 40)];
    const values = [0, -0, 1, -1, 1e-300, 1e300, Number.MIN_VALUE, Number.MAX_VALUE, Infinity, -Infinity, NaN, 0.1, 123456.789];
    const samples: S[] = [];
    let t = -1_000_000;
    let delta = 15000;
    samples.push({ t, v: 5 });
    for (let i = 0; i < dods.length * 3; i++) {
      delta += dods[i % dods.length]!;
      t += delta;
      samples.push(i % 7 === 3 ? { t, v: NaN, stale: true } : { t, v: values[i % values.length]! });
    }
    same(decode(encode(samples).bytes()), samples);
  });

  it('round-trips random gauges, counters and jittered timestamps', () => {
    const rnd = seededRandom(42);
    for (let round = 0; round < 20; round++) {
      const samples: S[] = [];
      let t = 1_700_000_000_000 + Math.floor(rnd() * 1e6);
      let v = rnd() * 1000;
      const n = 1 + Math.floor(rnd() * 300);
      for (let i = 0; i < n; i++) {
        samples.push({ t, v });
        t += 15000 + Math.floor((rnd() - 0.5) * (round % 3 === 0 ? 2 ** 22 : 200));
        v = round % 2 === 0 ? v + Math.floor(rnd() * 10) : rnd() * 1e6 - 5e5;
      }
      same(decode(encode(samples).bytes()), samples);
    }
  });

  it('counts samples in the two-byte header and starts empty', () => {
    const c = newEmptyChunk(Encoding.XOR);
    assert.equal(hex(c.bytes()), '0000');
    assert.equal(c.numSamples(), 0);
    c.appender().append(1 as Millis, 1);
    assert.equal(c.numSamples(), 1);
    assert.equal(c.iterator(null).next(), ValueType.Float);
  });

  it('resumes appending on stored bytes as if the samples had been appended in one go', () => {
    const rnd = seededRandom(3);
    const samples: S[] = [];
    for (let i = 0; i < 50; i++) samples.push({ t: i * 1000 + Math.floor(rnd() * 10), v: Math.floor(rnd() * 100) });
    const whole = encode(samples);
    const stored = new Uint8Array(encode(samples.slice(0, 20)).bytes());
    const copy = stored.slice();
    const c = chunkFromBytes(Encoding.XOR, stored);
    const a = c.appender();
    for (const s of samples.slice(20)) a.append(s.t as Millis, s.v);
    assert.equal(hex(c.bytes()), hex(whole.bytes()));
    assert.deepEqual(stored, copy, 'the stored bytes are not written');
  });

  it('resumes on a chunk whose values never changed (window 0/0, as Prometheus) and still decodes', () => {
    const samples: S[] = [{ t: 0, v: 7 }, { t: 10, v: 7 }, { t: 20, v: 7 }, { t: 30, v: 8.25 }, { t: 40, v: -3 }];
    const c = chunkFromBytes(Encoding.XOR, encode(samples.slice(0, 3)).bytes());
    const a = c.appender();
    for (const s of samples.slice(3)) a.append(s.t as Millis, s.v);
    same(decode(c.bytes()), samples);
    // The full 64-bit window is used ("10" + 64 bits) where a fresh appender writes a new window.
    assert.notEqual(hex(c.bytes()), hex(encode(samples).bytes()));
  });

  it('seeks forward, never backwards, and reuses iterators', () => {
    const samples: S[] = [];
    for (let i = 0; i < 100; i++) samples.push({ t: i * 10, v: i });
    const c = encode(samples);
    const it = c.iterator(null);
    assert.equal(it.seek(255 as Millis), ValueType.Float);
    assert.equal(it.atT(), 260);
    assert.equal(it.seek(100 as Millis), ValueType.Float);
    assert.equal(it.atT(), 260);
    assert.equal(it.seek(990 as Millis), ValueType.Float);
    assert.equal(it.atF(), 99);
    assert.equal(it.seek(991 as Millis), ValueType.None);
    const again = c.iterator(it);
    assert.equal(again, it);
    assert.equal(again.next(), ValueType.Float);
    assert.equal(again.atT(), 0);
  });

  it('reports truncated data as an error', () => {
    const samples: S[] = [];
    for (let i = 0; i < 30; i++) samples.push({ t: i * 1000 + (i % 3) * 7, v: i * 1.5 });
    const b = encode(samples).bytes();
    const it = chunkFromBytes(Encoding.XOR, b.subarray(0, b.length - 6)).iterator(null);
    let n = 0;
    while (it.next() !== ValueType.None) n++;
    assert.ok(n < 30);
    assert.notEqual(it.err(), null);
  });

  it('reports a chunk too short for its header, and forgets it when reset', () => {
    const it = new XorIterator(new Uint8Array(1));
    assert.equal(it.next(), ValueType.None);
    assert.match(String(it.err()), /chunk too short/);
    it.reset(encode([{ t: 1000, v: 1 }]).bytes());
    assert.equal(it.err(), null);
    assert.equal(it.next(), ValueType.Float);
    it.resetRange(new Uint8Array(8), 3, 4);
    assert.equal(it.next(), ValueType.None);
    assert.match(String(it.err()), /chunk too short/);
  });

  it('refuses histogram samples', () => {
    const a: Appender = XorChunk.empty().appender();
    assert.throws(() => a.appendStaleHistogram(null, 1 as Millis, false), /appended a histogram sample to a float chunk/);
  });
});
