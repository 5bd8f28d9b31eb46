/**
 * JSON text of query results, as Prometheus's API writes it: timestamps as Unix seconds
 * with up to three decimals (`1435781451.781`), sample values as strings in Go's notation
 * (`"1"`, `"NaN"`, `"+Inf"`, `"1e-07"`), label sets as objects in label order, native
 * histograms as `{"count","sum","buckets":[[boundaryRule,lower,upper,count],...]}` with
 * empty buckets left out. Written into a JsonWriter (a string for small answers, bytes for
 * large ones): results can hold millions of points, and a tree of objects for JSON.stringify
 * would double the memory for nothing.
 */
import { formatFloatAPI, formatFloatF, type FloatHistogram, type Labels } from '../../../model/index.js';
import { AllFloatBucketIterator } from '../../../promql/histogram/index.js';
import type { Matrix, Value, Vector } from '../../../promql/value.js';
import { JsonWriter, jsonString } from './json-writer.js';

export { jsonString };

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

const QUOTE = 0x22, COMMA = 0x2c, COLON = 0x3a, OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;

/** A label set into `w` (see jsonLabels). */
export function writeLabels(w: JsonWriter, l: Labels): void {
  w.byte(OPEN_BRACE);
  for (let i = 0; i < l.length; i++) {
    if (i > 0) w.byte(COMMA);
    w.jsonString(l.nameAt(i));
    w.byte(COLON);
    w.jsonString(l.valueAt(i));
  }
  w.byte(CLOSE_BRACE);
}

function writeVector(w: JsonWriter, v: Vector, limit: number): void {
  const n = limit > 0 && v.length > limit ? limit : v.length;
  // The samples of a query's vector share their timestamp: `,"value":[<t>,"` is made once.
  let prefixT = NaN;
  let prefix = '';
  w.byte(OPEN_BRACKET);
  for (let i = 0; i < n; i++) {
    const e = v[i]!;
    w.ascii(i > 0 ? ',{"metric":' : '{"metric":');
    writeLabels(w, e.metric);
    if (e.h === null) {
      if (e.t !== prefixT) {
        prefixT = e.t;
        prefix = ',"value":[' + jsonTimestamp(e.t) + ',"';
      }
      w.ascii(prefix);
      w.ascii(formatFloatAPI(e.f));
      w.ascii('"]}');
    } else {
      w.ascii(',"histogram":[');
      w.ascii(jsonTimestamp(e.t));
      w.byte(COMMA);
      w.ascii(jsonHistogram(e.h));
      w.ascii(']}');
    }
  }
  w.byte(CLOSE_BRACKET);
}

/**
 * The `[<t>,"` prefixes of a matrix's points, made once per timestamp: the series of a range
 * query share their grid, so the prefix at a point's position in the previous series is
 * usually the one needed (checked by timestamp); other timestamps go through a map.
 */
class PointPrefixes {
  readonly #byT = new Map<number, string>();
  readonly #posT: number[] = [];
  readonly #posS: string[] = [];

  at(k: number, t: number): string {
    if (this.#posT[k] === t) return this.#posS[k]!;
    let pre = this.#byT.get(t);
    if (pre === undefined) {
      pre = '[' + jsonTimestamp(t) + ',"';
      this.#byT.set(t, pre);
    }
    if (k <= this.#posT.length) {
      this.#posT[k] = t;
      this.#posS[k] = pre;
    }
    return pre;
  }
}

/**
 * `,"values":[[t,"v"],...]` of one series. A value equal to the one before reuses its text
 * (counters that stand still, rates of 0), zero excepted since 0 and -0 are equal but
 * written apart.
 */
function writeFloatColumns(w: JsonWriter, prefixes: PointPrefixes, ts: ArrayLike<number>, vs: ArrayLike<number>): void {
  w.ascii(',"values":[');
  const last = ts.length - 1;
  let prevF = NaN;
  let prevS = '';
  for (let k = 0; k <= last; k++) {
    const pre = prefixes.at(k, ts[k]!);
    const f = vs[k]!;
    if (f !== prevF || f === 0) {
      prevS = formatFloatAPI(f);
      prevF = f;
    }
    if (k > 0) w.byte(COMMA);
    w.ascii(pre);
    w.ascii(prevS);
    w.byte(QUOTE);
    w.byte(CLOSE_BRACKET);
  }
  w.byte(CLOSE_BRACKET);
}

function writeMatrix(w: JsonWriter, m: Matrix, limit: number): void {
  const n = limit > 0 && m.length > limit ? limit : m.length;
  const prefixes = new PointPrefixes();
  w.byte(OPEN_BRACKET);
  for (let i = 0; i < n; i++) {
    const series = m[i]!;
    w.ascii(i > 0 ? ',{"metric":' : '{"metric":');
    writeLabels(w, series.metric);
    // The engine's columns when it has them: no point objects are made just to be written.
    const cols = series.floatColumns;
    if (cols !== undefined) {
      if (cols.t.length > 0) writeFloatColumns(w, prefixes, cols.t, cols.f);
    } else if (series.floats.length > 0) {
      const fl = series.floats;
      const ts: number[] = new Array<number>(fl.length), vs: number[] = new Array<number>(fl.length);
      for (let k = 0; k < fl.length; k++) { ts[k] = fl[k]!.t; vs[k] = fl[k]!.f; }
      writeFloatColumns(w, prefixes, ts, vs);
    }
    const hs = series.histograms;
    if (hs.length > 0) {
      w.ascii(',"histograms":[');
      for (let k = 0; k < hs.length; k++) {
        const p = hs[k]!;
        w.ascii(k > 0 ? ',[' : '[');
        w.ascii(jsonTimestamp(p.t));
        w.byte(COMMA);
        w.ascii(jsonHistogram(p.h));
        w.byte(CLOSE_BRACKET);
      }
      w.byte(CLOSE_BRACKET);
    }
    w.byte(CLOSE_BRACE);
  }
  w.byte(CLOSE_BRACKET);
}

/**
 * About how many bytes a result's JSON takes (points at ~30 bytes, label sets at ~150), for
 * sizing the writer once instead of growing it by copies; at least 16 KiB, at most 64 MiB.
 */
export function resultSizeHint(v: Value): number {
  let n = 0;
  switch (v.kind) {
    case 'vector': n = v.v.length * 190; break;
    case 'matrix':
      for (let i = 0; i < v.m.length; i++) {
        const s = v.m[i]!;
        n += 160 + 30 * (s.floatColumns !== undefined ? s.floatColumns.t.length : s.floats.length) + 200 * s.histograms.length;
      }
      break;
    case 'scalar': case 'string': break;
  }
  return Math.min(64 << 20, Math.max(16 << 10, n));
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
 * Writes the JSON of a query result's `result` field; vectors and matrices keep their first
 * `limit` series (0: all).
 */
export function writeResult(w: JsonWriter, v: Value, limit = 0): void {
  switch (v.kind) {
    case 'vector': writeVector(w, v.v, limit); return;
    case 'matrix': writeMatrix(w, v.m, limit); return;
    // A scalar prints in 'f' notation at any size (Prometheus marshals promql.Scalar itself).
    case 'scalar': w.ascii('[' + jsonTimestamp(v.t) + ',"' + formatFloatF(v.f) + '"]'); return;
    case 'string': w.byte(OPEN_BRACKET); w.ascii(jsonTimestamp(v.t)); w.byte(COMMA); w.jsonString(v.s); w.byte(CLOSE_BRACKET); return;
  }
}

/** `writeResult` as text. */
export function jsonResult(v: Value, limit = 0): string {
  const w = new JsonWriter();
  writeResult(w, v, limit);
  return w.toString();
}
