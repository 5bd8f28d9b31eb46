/**
 * JSON text of query results, as Prometheus's API writes it: timestamps as Unix seconds
 * with up to three decimals (`1435781451.781`), sample values as strings in Go's notation
 * (`"1"`, `"NaN"`, `"+Inf"`, `"1e-07"`), label sets as objects in label order, native
 * histograms as `{"count","sum","buckets":[[boundaryRule,lower,upper,count],...]}` with
 * empty buckets left out. Written as text directly: results can hold millions of points, and
 * a tree of objects for JSON.stringify would double the memory for nothing.
 */
import { formatFloatAPI, type FloatHistogram, type Labels } from '../../../model/index.js';
import { AllFloatBucketIterator } from '../../../promql/histogram/index.js';
import type { Matrix, Value, Vector } from '../../../promql/value.js';

/** Characters a JSON string cannot hold as they are (and lone surrogates, which JSON.stringify escapes). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal. Label names and values rarely need escaping: those skip JSON.stringify. */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** ".001" to ".999": the millisecond part of timestamps, always three digits, as Go writes it. */
const FRACTIONS: readonly string[] = Array.from({ length: 1000 }, (_v, i) => (i === 0 ? '' : '.' + String(i).padStart(3, '0')));

/** A timestamp in ms as Prometheus writes it: seconds, and a three-digit fraction only when there is one. */
export function jsonTimestamp(t: number): string {
  if (!Number.isSafeInteger(t)) return String(t / 1000);
  if (t >= 0) {
    const frac = t % 1000;
    return String((t - frac) / 1000) + FRACTIONS[frac]!;
  }
  const a = -t;
  const frac = a % 1000;
  return '-' + String((a - frac) / 1000) + FRACTIONS[frac]!;
}

/** A float value as a JSON string in Go's notation. */
export function jsonFloat(f: number): string {
  return '"' + formatFloatAPI(f) + '"';
}

/** A label set as a JSON object, labels in their (sorted) order. */
export function jsonLabels(l: Labels): string {
  const n = l.length;
  if (n === 0) return '{}';
  let s = '{';
  for (let i = 0; i < n; i++) {
    if (i > 0) s += ',';
    s += jsonString(l.nameAt(i)) + ':' + jsonString(l.valueAt(i));
  }
  return s + '}';
}

const bucketIt = new AllFloatBucketIterator();

/** A native histogram; buckets with a zero count are left out, as Prometheus leaves them out. */
export function jsonHistogram(h: FloatHistogram): string {
  let s = '{"count":' + jsonFloat(h.count) + ',"sum":' + jsonFloat(h.sum);
  let found = false;
  const it = bucketIt.reset(h, false);
  while (it.next()) {
    const b = it.at();
    if (b.count === 0) continue;
    s += found ? ',' : ',"buckets":[';
    found = true;
    const rule = b.lowerInclusive ? (b.upperInclusive ? 3 : 1) : (b.upperInclusive ? 0 : 2);
    s += '[' + String(rule) + ',' + jsonFloat(b.lower) + ',' + jsonFloat(b.upper) + ',' + jsonFloat(b.count) + ']';
  }
  if (found) s += ']';
  return s + '}';
}

function jsonVector(v: Vector, limit: number): string {
  const n = limit > 0 && v.length > limit ? limit : v.length;
  const parts: string[] = ['['];
  for (let i = 0; i < n; i++) {
    const e = v[i]!;
    const head = (i > 0 ? ',{"metric":' : '{"metric":') + jsonLabels(e.metric);
    if (e.h === null) parts.push(head + ',"value":[' + jsonTimestamp(e.t) + ',"' + formatFloatAPI(e.f) + '"]}');
    else parts.push(head + ',"histogram":[' + jsonTimestamp(e.t) + ',' + jsonHistogram(e.h) + ']}');
  }
  parts.push(']');
  return parts.join('');
}

/**
 * `,"values":[[t,"v"],...]` of one series, the `[<t>,"` prefixes shared across series. A
 * value equal to the one before reuses its text (counters that stand still, rates of 0), zero
 * excepted since 0 and -0 are equal but written apart.
 */
function writeFloatColumns(parts: string[], prefixes: Map<number, string>, ts: ArrayLike<number>, vs: ArrayLike<number>): void {
  parts.push(',"values":[');
  const last = ts.length - 1;
  let prevF = NaN;
  let prevS = '';
  for (let k = 0; k <= last; k++) {
    const t = ts[k]!;
    let pre = prefixes.get(t);
    if (pre === undefined) {
      pre = '[' + jsonTimestamp(t) + ',"';
      prefixes.set(t, pre);
    }
    const f = vs[k]!;
    if (f !== prevF || f === 0) {
      prevS = formatFloatAPI(f);
      prevF = f;
    }
    parts.push(pre, prevS, k < last ? '"],' : '"]');
  }
  parts.push(']');
}

function jsonMatrix(m: Matrix, limit: number): string {
  const n = limit > 0 && m.length > limit ? limit : m.length;
  // One flat list of fragments joined once. Fragments are pushed as they are, not
  // concatenated per point: millions of small concatenations cost more to build and flatten
  // than the join. The series of a range query share their timestamps, so the `[<t>,"`
  // prefix of each timestamp is made once.
  const prefixes = new Map<number, string>();
  const parts: string[] = ['['];
  for (let i = 0; i < n; i++) {
    const series = m[i]!;
    parts.push(i > 0 ? ',{"metric":' : '{"metric":', jsonLabels(series.metric));
    // The engine's columns when it has them: no point objects are made just to be written.
    const cols = series.floatColumns;
    if (cols !== undefined) {
      if (cols.t.length > 0) writeFloatColumns(parts, prefixes, cols.t, cols.f);
    } else if (series.floats.length > 0) {
      const fl = series.floats;
      const ts: number[] = new Array<number>(fl.length), vs: number[] = new Array<number>(fl.length);
      for (let k = 0; k < fl.length; k++) { ts[k] = fl[k]!.t; vs[k] = fl[k]!.f; }
      writeFloatColumns(parts, prefixes, ts, vs);
    }
    const hs = series.histograms;
    if (hs.length > 0) {
      parts.push(',"histograms":[');
      for (let k = 0; k < hs.length; k++) {
        const p = hs[k]!;
        parts.push(k > 0 ? ',[' : '[', jsonTimestamp(p.t), ',', jsonHistogram(p.h), ']');
      }
      parts.push(']');
    }
    parts.push('}');
  }
  parts.push(']');
  return parts.join('');
}

/** The result type Prometheus names for a value. */
export function resultType(v: Value): 'vector' | 'matrix' | 'scalar' | 'string' {
  return v.kind;
}

/** Number of series in a vector or matrix; 0 for scalars and strings (which are never truncated). */
export function seriesCount(v: Value): number {
  switch (v.kind) {
    case 'vector': return v.v.length;
    case 'matrix': return v.m.length;
    case 'scalar': case 'string': return 0;
  }
}

/**
 * The JSON of a query result's `result` field; vectors and matrices keep their first
 * `limit` series (0: all).
 */
export function jsonResult(v: Value, limit = 0): string {
  switch (v.kind) {
    case 'vector': return jsonVector(v.v, limit);
    case 'matrix': return jsonMatrix(v.m, limit);
    case 'scalar': return '[' + jsonTimestamp(v.t) + ',' + jsonFloat(v.f) + ']';
    case 'string': return '[' + jsonTimestamp(v.t) + ',' + jsonString(v.s) + ']';
  }
}
