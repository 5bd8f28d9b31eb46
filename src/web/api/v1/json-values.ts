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

/** A JSON string literal. */
export function jsonString(s: string): string {
  return JSON.stringify(s);
}

/** A timestamp in ms as Prometheus writes it: seconds, and a fraction only when there is one. */
export function jsonTimestamp(t: number): string {
  if (!Number.isSafeInteger(t)) return String(t / 1000);
  const neg = t < 0;
  const a = neg ? -t : t;
  const sec = Math.floor(a / 1000);
  const frac = a - sec * 1000;
  let s = (neg ? '-' : '') + String(sec);
  if (frac !== 0) s += frac < 10 ? '.00' + String(frac) : frac < 100 ? '.0' + String(frac) : '.' + String(frac);
  return s;
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
  let s = '[';
  for (let i = 0; i < n; i++) {
    const e = v[i]!;
    if (i > 0) s += ',';
    s += '{"metric":' + jsonLabels(e.metric);
    if (e.h === null) s += ',"value":[' + jsonTimestamp(e.t) + ',' + jsonFloat(e.f) + ']}';
    else s += ',"histogram":[' + jsonTimestamp(e.t) + ',' + jsonHistogram(e.h) + ']}';
  }
  return s + ']';
}

function jsonMatrix(m: Matrix, limit: number): string {
  const n = limit > 0 && m.length > limit ? limit : m.length;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const series = m[i]!;
    let s = '{"metric":' + jsonLabels(series.metric);
    const fl = series.floats;
    if (fl.length > 0) {
      s += ',"values":[';
      for (let k = 0; k < fl.length; k++) {
        const p = fl[k]!;
        if (k > 0) s += ',';
        s += '[' + jsonTimestamp(p.t) + ',' + jsonFloat(p.f) + ']';
      }
      s += ']';
    }
    const hs = series.histograms;
    if (hs.length > 0) {
      s += ',"histograms":[';
      for (let k = 0; k < hs.length; k++) {
        const p = hs[k]!;
        if (k > 0) s += ',';
        s += '[' + jsonTimestamp(p.t) + ',' + jsonHistogram(p.h) + ']';
      }
      s += ']';
    }
    parts.push(s + '}');
  }
  return '[' + parts.join(',') + ']';
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
