import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import type { Millis } from '../../model/index.js';
import { ValueType } from '../../storage/interface.js';
import { seededRandom } from '../../util/bench.js';
import { repoRoot } from '../../textparse/conformance/repo-root.js';
import { Encoding, Xor2Appender, Xor2Chunk, Xor2Iterator, chunkFromBytes, newEmptyChunk } from './index.js';

/** A sample: start timestamp (0: none), timestamp, value bits. */
type S = [st: number, t: number, hi: number, lo: number];

const STALE: [number, number] = [0x7ff00000, 2];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function bitsOf(v: number): [number, number] {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v);
  return [d.getUint32(0), d.getUint32(4)];
}

function encode(samples: readonly S[]): Xor2Chunk {
  const c = Xor2Chunk.empty();
  const a = c.appender();
  for (const [st, t, hi, lo] of samples) a.appendBits(st, t, hi, lo);
  return c;
}

function decode(b: Uint8Array): S[] {
  const it = chunkFromBytes(Encoding.XOR2, b).iterator(null);
  assert.ok(it instanceof Xor2Iterator);
  const out: S[] = [];
  while (it.next() === ValueType.Float) out.push([it.atST(), it.atT(), it.atBitsHi() >>> 0, it.atBitsLo() >>> 0]);
  assert.equal(it.err(), null);
  return out;
}

function randomSamples(seed: number, n: number, withST: 'none' | 'constant' | 'changing'): S[] {
  const rnd = seededRandom(seed);
  const out: S[] = [];
  let t = 1_700_000_000_000;
  let v = 100;
  let st = withST === 'none' ? 0 : t - 60_000;
  for (let i = 0; i < n; i++) {
    const r = rnd();
    // All delta-of-delta widths: 0, 13-bit, 20-bit, 64-bit.
    t += r < 0.6 ? 15000 : r < 0.8 ? 15000 + Math.floor((rnd() - 0.5) * 8000) : r < 0.95 ? 15000 + Math.floor(rnd() * 900_000) : 15000 + 5_000_000_000;
    if (withST === 'changing' && rnd() < 0.1) st = t - Math.floor(rnd() * 100_000);
    const k = rnd();
    let bits: [number, number];
    if (k < 0.08) bits = STALE;
    else if (k < 0.5) bits = bitsOf(v);
    else if (k < 0.52) bits = [0x7ff80000, 1];
    else {
      v = k < 0.8 ? v + Math.floor(rnd() * 10) : rnd() * 1e9 - 5e8;
      bits = bitsOf(v);
    }
    out.push([st, t, bits[0], bits[1]]);
  }
  return out;
}

describe('XOR2 chunk', () => {
  it('lays out a small chunk as the format describes', () => {
    // 1@1000, 1@2000, 1@3000, 2@4000, stale@5010.
    const samples: S[] = [[0, 1000, ...bitsOf(1)], [0, 2000, ...bitsOf(1)], [0, 3000, ...bitsOf(1)], [0, 4000, ...bitsOf(2)], [0, 5010, ...STALE]];
    const c = encode(samples);
    // count | st header | varint 1000 | 1.0 | uvarint 1000 | 0 | 0 | 10 1 00001 001011 1x11 | 110 dod=10 | 111
    assert.equal(hex(c.bytes()), '000500d00f3ff0000000000000e807284bfff8015c');
    assert.deepEqual(decode(c.bytes()), samples);
  });

  for (const withST of ['none', 'constant', 'changing'] as const) {
    it(`round-trips random samples, start timestamps: ${withST}`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const samples = randomSamples(seed, 1 + seed * 20, withST);
        assert.deepEqual(decode(encode(samples).bytes()), samples);
      }
    });
  }

  it('records where start timestamps begin in the header byte', () => {
    const base: S[] = [];
    for (let i = 0; i < 10; i++) base.push([0, i * 1000, ...bitsOf(i)]);
    assert.equal(encode(base).bytes()[2], 0x00);
    assert.equal(encode(base.map(([, t, hi, lo]): S => [5, t, hi, lo])).bytes()[2], 0x80);
    assert.equal(encode(base.map(([, t, hi, lo], i): S => [i >= 1 ? 7 : 0, t, hi, lo])).bytes()[2], 0x01);
    assert.equal(encode(base.map(([, t, hi, lo], i): S => [i >= 6 ? 7 : 3, t, hi, lo])).bytes()[2], 0x86);
  });

  it('writes start timestamp deltas from sample 127 on, so the 7-bit header stays valid', () => {
    const samples: S[] = [];
    for (let i = 0; i < 200; i++) samples.push([0, i * 1000, ...bitsOf(i % 3)]);
    const c = encode(samples);
    assert.equal(c.bytes()[2], 127);
    assert.deepEqual(decode(c.bytes()), samples);
    const later = samples.map(([, t, hi, lo], i): S => [i >= 150 ? 42 : 0, t, hi, lo]);
    assert.deepEqual(decode(encode(later).bytes()), later);
  });

  it('resumes appending on stored bytes as if appended in one go', () => {
    const samples = randomSamples(9, 60, 'changing');
    const whole = encode(samples);
    const part = encode(samples.slice(0, 25));
    const c = chunkFromBytes(Encoding.XOR2, new Uint8Array(part.bytes()));
    assert.ok(c instanceof Xor2Chunk);
    const a = c.appender();
    for (const [st, t, hi, lo] of samples.slice(25)) a.appendBits(st, t, hi, lo);
    assert.equal(hex(c.bytes()), hex(whole.bytes()));
  });

  it('works through the generic chunk API', () => {
    const c = newEmptyChunk(Encoding.XOR2);
    const a = c.appender();
    a.append(1000 as Millis, 1.5);
    a.appendStale(2000 as Millis);
    a.append(3000 as Millis, 1.5);
    const it = c.iterator(null);
    assert.equal(it.next(), ValueType.Float);
    assert.equal(it.atF(), 1.5);
    assert.equal(it.next(), ValueType.Float);
    assert.ok(it.atStale());
    assert.equal(it.next(), ValueType.Float);
    assert.equal(it.atF(), 1.5);
    assert.ok(!it.atStale());
    assert.equal(it.next(), ValueType.None);
  });
});

/** Chunks made by Prometheus 3.14.0's own XOR2 appender (testdata/README.md). */
interface ReferenceCase {
  name: string;
  /** > 0: Prometheus reopened the chunk with Appender() before this sample. */
  split: number;
  chunk: string;
  /** [st, t, value bits as hex] */
  samples: [number, number, string][];
}

function referenceCases(): ReferenceCase[] {
  const path = join(repoRoot(), 'src', 'tsdb', 'chunkenc', 'testdata', 'xor2-prometheus.json.gz');
  return (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { cases: ReferenceCase[] }).cases;
}

function referenceSamples(c: ReferenceCase): S[] {
  return c.samples.map(([st, t, v]): S => {
    const bits = v.padStart(16, '0');
    return [st, t, parseInt(bits.slice(0, 8), 16), parseInt(bits.slice(8), 16)];
  });
}

describe('XOR2 chunk against Prometheus 3.14.0', () => {
  const cases = referenceCases();
  it('has the reference cases', () => {
    assert.equal(cases.length, 31);
    assert.ok(cases.some((c) => c.split > 0));
  });
  for (const c of cases) {
    it(`${c.name}: reads Prometheus's chunk and writes the same bytes`, () => {
      const samples = referenceSamples(c);
      assert.deepEqual(decode(Buffer.from(c.chunk, 'hex')), samples);
      if (c.split === 0) {
        assert.equal(hex(encode(samples).bytes()), c.chunk);
        return;
      }
      // Prometheus reopened its chunk mid-way: resuming on our own first part gives its bytes.
      const part = chunkFromBytes(Encoding.XOR2, new Uint8Array(encode(samples.slice(0, c.split)).bytes()));
      const a = part.appender();
      assert.ok(a instanceof Xor2Appender);
      for (const [st, t, hi, lo] of samples.slice(c.split)) a.appendBits(st, t, hi, lo);
      assert.equal(hex(part.bytes()), c.chunk);
    });
  }
});
