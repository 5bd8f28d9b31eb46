/**
 * Test helpers: fixture loading (from the repository root, so that tests run the same from
 * src/ and dist/) and decoding of the JSON histogram encoding used by the fixtures.
 *
 * Fixture floats are JSON numbers, except "NaN", "StaleNaN", "+Inf" and "-Inf" strings
 * (and -0 written as -0).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';

export function repoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

export type JsonFloat = number | string;

/** Prometheus's stale marker bits (0x7ff0000000000002), as far as V8 keeps NaN payloads. */
export const STALE_NAN = (() => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setUint32(0, 0x7ff00000);
  dv.setUint32(4, 2);
  return dv.getFloat64(0);
})();

/** One record of a gzipped JSON-lines fixture in src/promql/histogram/testdata. */
export type OpRecord = Record<string, unknown> & { op: string; src?: string };

export function loadOps(name: string): OpRecord[] {
  const raw = gunzipSync(readFileSync(join(repoRoot(), 'src', 'promql', 'histogram', 'testdata', name))).toString('utf8');
  const out: OpRecord[] = [];
  for (const line of raw.split('\n')) if (line !== '') out.push(JSON.parse(line) as OpRecord);
  return out;
}

export function jf(v: unknown): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'StaleNaN':
      return STALE_NAN;
    case '+Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default:
      throw new Error(`not a fixture float: ${String(v)}`);
  }
}

interface EncodedHistogram {
  hint: number; schema: number; zt: JsonFloat; zc: JsonFloat; count: JsonFloat; sum: JsonFloat;
  ps: [number, number][]; ns: [number, number][]; pb: JsonFloat[]; nb: JsonFloat[]; cv: JsonFloat[];
}

function hint(n: number): CounterResetHint {
  switch (n) {
    case 1: return CounterResetHint.CounterReset;
    case 2: return CounterResetHint.NotCounterReset;
    case 3: return CounterResetHint.Gauge;
    default: return CounterResetHint.Unknown;
  }
}

function spans(s: [number, number][]): BucketSpan[] {
  return s.map(([offset, length]) => ({ offset, length }));
}

export function decodeFH(v: unknown): FloatHistogram {
  const e = v as EncodedHistogram;
  return {
    counterResetHint: hint(e.hint), schema: e.schema, zeroThreshold: jf(e.zt), zeroCount: jf(e.zc),
    count: jf(e.count), sum: jf(e.sum), positiveSpans: spans(e.ps), negativeSpans: spans(e.ns),
    positiveBuckets: e.pb.map(jf), negativeBuckets: e.nb.map(jf), customValues: e.cv.map(jf),
  };
}

export function decodeH(v: unknown): Histogram {
  const e = v as EncodedHistogram;
  return {
    counterResetHint: hint(e.hint), schema: e.schema, zeroThreshold: jf(e.zt), zeroCount: jf(e.zc),
    count: jf(e.count), sum: jf(e.sum), positiveSpans: spans(e.ps), negativeSpans: spans(e.ns),
    positiveBuckets: e.pb.map(jf), negativeBuckets: e.nb.map(jf), customValues: e.cv.map(jf),
  };
}

/** Bit-exact float comparison where every NaN equals every NaN (payloads are not kept). */
export function sameFloat(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Object.is(a, b);
}

/** A description of the first difference between two histograms (raw fields, bit-exact), or null. */
export function diffHistograms(got: FloatHistogram | Histogram, want: FloatHistogram | Histogram): string | null {
  const scalars = ['counterResetHint', 'schema', 'zeroThreshold', 'zeroCount', 'count', 'sum'] as const;
  for (const k of scalars) {
    if (!sameFloat(got[k], want[k])) return `${k}: got ${got[k]}, want ${want[k]}`;
  }
  const lists = ['positiveBuckets', 'negativeBuckets', 'customValues'] as const;
  for (const k of lists) {
    const g = got[k], w = want[k];
    if (g.length !== w.length || g.some((x, i) => !sameFloat(x, w[i]!))) return `${k}: got [${g.join(' ')}], want [${w.join(' ')}]`;
  }
  const sl = ['positiveSpans', 'negativeSpans'] as const;
  for (const k of sl) {
    const g = got[k].map((s) => `${s.offset}:${s.length}`).join(' ');
    const w = want[k].map((s) => `${s.offset}:${s.length}`).join(' ');
    if (g !== w) return `${k}: got [${g}], want [${w}]`;
  }
  return null;
}

/** A small deterministic PRNG (mulberry32) for property tests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function num(s: string): number {
  const t = s.trim();
  if (/^[+-]?inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  return Number(t);
}

/** Parses the `{{key:value …}}` histogram notation of the test scripts. */
export function parseHistogramLiteral(text: string): FloatHistogram {
  const body = text.trim().replace(/^\{\{/, '').replace(/\}\}$/, '');
  const h: FloatHistogram = {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
  };
  let offset = 0, nOffset = 0;
  const re = /(\w+):(\[[^\]]*\]|\S+)/g;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    const key = m[1]!, v = m[2]!;
    const list = (): number[] => v.slice(1, -1).trim().split(/\s+/).filter((x) => x !== '').map(num);
    switch (key) {
      case 'schema': h.schema = num(v); break;
      case 'sum': h.sum = num(v); break;
      case 'count': h.count = num(v); break;
      case 'z_bucket': h.zeroCount = num(v); break;
      case 'z_bucket_w': h.zeroThreshold = num(v); break;
      case 'buckets': h.positiveBuckets = list(); break;
      case 'n_buckets': h.negativeBuckets = list(); break;
      case 'offset': offset = num(v); break;
      case 'n_offset': nOffset = num(v); break;
      case 'custom_values': h.customValues = list(); break;
      case 'counter_reset_hint':
        h.counterResetHint = v === 'reset' ? CounterResetHint.CounterReset : v === 'not_reset' ? CounterResetHint.NotCounterReset : v === 'gauge' ? CounterResetHint.Gauge : CounterResetHint.Unknown;
        break;
      default: throw new Error(`unknown histogram key ${key}`);
    }
  }
  if (h.positiveBuckets.length > 0) h.positiveSpans = [{ offset, length: h.positiveBuckets.length }];
  if (h.negativeBuckets.length > 0) h.negativeSpans = [{ offset: nOffset, length: h.negativeBuckets.length }];
  return h;
}
