/**
 * Result comparison, with the reference runner's rules: floats equal within a relative
 * tolerance of 1e-6 (NaN equals NaN, a stale marker only a stale marker, 0 only 0),
 * histograms compared after compaction, label sets matched exactly, order checked only when
 * the eval says `ordered`, and matrices required to be sorted by labels.
 */
import { CUSTOM_BUCKETS_SCHEMA, Labels, floatToWords, formatFloatG, isStaleNaNBits, type FloatHistogram } from '../../model/index.js';
import type { Matrix, Series, Value, Vector } from '../value.js';
import { histogramText, nonEmptyBuckets, type IndexedBuckets } from './histogram-ops.js';
import { isOrdered, type EvalCmd, type SequenceValue } from './script.js';

export const EPSILON = 1e-6;
const MIN_NORMAL = 2.2250738585072014e-308;
const words: [number, number] = [0, 0];

export function isStaleNaN(f: number): boolean {
  if (!Number.isNaN(f)) return false;
  floatToWords(f, words);
  return isStaleNaNBits(words[0], words[1]);
}

/**
 * Prometheus's `almost.Equal(a, b, epsilon)`: the difference relative to the sum of the
 * magnitudes, exact near zero. `aStale`/`bStale` carry staleness explicitly where a JS
 * NaN may have lost its bits.
 */
export function almostEqual(a: number, b: number, epsilon = EPSILON, aStale = isStaleNaN(a), bStale = isStaleNaN(b)): boolean {
  if (aStale || bStale) return aStale && bStale;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const diff = Math.abs(a - b);
  const absSum = Math.abs(a) + Math.abs(b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

function bucketsEqual(a: IndexedBuckets, b: IndexedBuckets): boolean {
  if (a.idx.length !== b.idx.length) return false;
  for (let i = 0; i < a.idx.length; i++) {
    if (a.idx[i] !== b.idx[i] || !almostEqual(a.val[i]!, b.val[i]!)) return false;
  }
  return true;
}

/**
 * The reference runner's histogram equality: after compaction, the same schema, zero
 * threshold and (for custom buckets) bounds exactly; count, sum, zero count and every
 * bucket within the float tolerance; the counter reset hint only when `checkHint`.
 */
export function histogramsMatch(exp: FloatHistogram, act: FloatHistogram, checkHint: boolean): boolean {
  if (exp.schema !== act.schema || !almostEqual(exp.count, act.count) || !almostEqual(exp.sum, act.sum)) return false;
  if (exp.schema === CUSTOM_BUCKETS_SCHEMA) {
    if (exp.customValues.length !== act.customValues.length) return false;
    for (let i = 0; i < exp.customValues.length; i++) if (exp.customValues[i] !== act.customValues[i]) return false;
  }
  if (exp.zeroThreshold !== act.zeroThreshold || !almostEqual(exp.zeroCount, act.zeroCount)) return false;
  if (!bucketsEqual(nonEmptyBuckets(exp.negativeSpans, exp.negativeBuckets), nonEmptyBuckets(act.negativeSpans, act.negativeBuckets))) return false;
  if (!bucketsEqual(nonEmptyBuckets(exp.positiveSpans, exp.positiveBuckets), nonEmptyBuckets(act.positiveSpans, act.positiveBuckets))) return false;
  return !checkHint || exp.counterResetHint === act.counterResetHint;
}

function fmtF(f: number): string {
  return isStaleNaN(f) ? 'stale' : formatFloatG(f);
}

function expText(v: SequenceValue): string {
  if (v.histogram !== null) return histogramText(v.histogram);
  if (v.omitted) return '_';
  return v.stale ? 'stale' : formatFloatG(v.value);
}

/** A short text of a range-vector series for messages. */
export function seriesText(s: Series): string {
  const f = s.floats.map((p) => `${fmtF(p.f)}@${p.t}`);
  const h = s.histograms.map((p) => `${histogramText(p.h)}@${p.t}`);
  return `${f.length} float point(s) [${f.join(' ')}] and ${h.length} histogram point(s) [${h.join(' ')}]`;
}

/** A short text of any result value, for messages. */
export function valueText(v: Value): string {
  switch (v.kind) {
    case 'scalar': return `scalar: ${fmtF(v.f)}`;
    case 'string': return `string: ${JSON.stringify(v.s)}`;
    case 'vector': return `vector: ${v.v.map((s) => `${s.metric.toString()} => ${s.h !== null ? histogramText(s.h) : fmtF(s.f)}`).join(', ') || '(empty)'}`;
    case 'matrix': return `matrix: ${v.m.map((s) => `${s.metric.toString()} => ${seriesText(s)}`).join('; ') || '(empty)'}`;
  }
}

/** Error text when a matrix is not sorted by labels, else null. */
export function checkMatrixSorted(m: Matrix): string | null {
  for (let i = 0; i + 1 < m.length; i++) {
    if (Labels.compare(m[i]!.metric, m[i + 1]!.metric) > 0) {
      return `matrix results should always be sorted by labels, but matrix is not sorted: series at index ${i + 1} with labels ${m[i + 1]!.metric.toString()} sorts before series at index ${i} with labels ${m[i]!.metric.toString()}`;
    }
  }
  return null;
}

/** Where the expected points of a matrix lie: position i is at start + i*step, up to end. */
export interface MatrixGrid {
  start: number;
  end: number;
  step: number;
}

function compareMatrix(ev: EvalCmd, m: Matrix, grid: MatrixGrid): string | null {
  if (isOrdered(ev)) return 'expected ordered result, but query returned a matrix';
  if (ev.scalar !== null) return `expected scalar result, but got ${valueText({ kind: 'matrix', m })}`;
  const sorted = checkMatrixSorted(m);
  if (sorted !== null) return sorted;
  const expected = new Map(ev.series.map((e) => [e.labels.key(), e]));
  const seen = new Set<string>();
  for (const s of m) {
    const exp = expected.get(s.metric.key());
    if (exp === undefined) return `unexpected metric ${s.metric.toString()} in result, has ${seriesText(s)}`;
    seen.add(s.metric.key());
    const floats: { t: number; v: SequenceValue }[] = [];
    const hists: { t: number; v: SequenceValue }[] = [];
    for (let i = 0; i < exp.values.length; i++) {
      const t = grid.start + i * grid.step;
      if (t > grid.end) return `expected ${exp.values.length} points for ${exp.labels.toString()}, but query time range cannot return this many points`;
      const v = exp.values[i]!;
      if (v.histogram !== null) hists.push({ t, v });
      else if (!v.omitted) floats.push({ t, v });
    }
    if (floats.length !== s.floats.length || hists.length !== s.histograms.length) {
      return `expected ${floats.length} float points and ${hists.length} histogram points for ${exp.labels.toString()}, but got ${seriesText(s)}`;
    }
    for (let i = 0; i < floats.length; i++) {
      const e = floats[i]!, a = s.floats[i]!;
      if (e.t !== a.t) return `expected float value at index ${i} for ${exp.labels.toString()} to have timestamp ${e.t}, but it had timestamp ${a.t} (result has ${seriesText(s)})`;
      if (!almostEqual(e.v.value, a.f, EPSILON, e.v.stale)) {
        return `expected float value at index ${i} (t=${a.t}) for ${exp.labels.toString()} to be ${expText(e.v)}, but got ${fmtF(a.f)} (result has ${seriesText(s)})`;
      }
    }
    for (let i = 0; i < hists.length; i++) {
      const e = hists[i]!, a = s.histograms[i]!;
      if (e.t !== a.t) return `expected histogram value at index ${i} for ${exp.labels.toString()} to have timestamp ${e.t}, but it had timestamp ${a.t} (result has ${seriesText(s)})`;
      if (!histogramsMatch(e.v.histogram!, a.h, e.v.hintSet)) {
        return `expected histogram value at index ${i} (t=${a.t}) for ${exp.labels.toString()} to be ${expText(e.v)}, but got ${histogramText(a.h)}`;
      }
    }
  }
  for (const e of ev.series) {
    if (!seen.has(e.labels.key())) return `expected metric ${e.labels.toString()} not found`;
  }
  return null;
}

function compareVector(ev: EvalCmd, vec: Vector): string | null {
  if (ev.scalar !== null) return `expected scalar result, but got ${valueText({ kind: 'vector', v: vec })}`;
  const expected = new Map(ev.series.map((e) => [e.labels.key(), e]));
  const seen = new Set<string>();
  const ordered = isOrdered(ev);
  for (let pos = 0; pos < vec.length; pos++) {
    const s = vec[pos]!;
    const exp = expected.get(s.metric.key());
    const actual = s.h !== null ? histogramText(s.h) : fmtF(s.f);
    if (exp === undefined) return `unexpected metric ${s.metric.toString()} in result, has value ${actual}`;
    if (ordered && exp.pos !== pos + 1) return `expected metric ${s.metric.toString()} at position ${exp.pos} but was at ${pos + 1}`;
    const e0 = exp.values[0];
    if (e0 === undefined) return `expected metric ${exp.labels.toString()} has no value`;
    if (e0.histogram === null && s.h !== null) return `expected float value ${expText(e0)} for ${s.metric.toString()} but got histogram ${actual}`;
    if (e0.histogram !== null && s.h === null) return `expected histogram ${expText(e0)} for ${s.metric.toString()} but got float value ${actual}`;
    if (e0.histogram !== null && !histogramsMatch(e0.histogram, s.h!, e0.hintSet)) return `expected ${expText(e0)} for ${s.metric.toString()} but got ${actual}`;
    if (e0.histogram === null && !almostEqual(e0.value, s.f, EPSILON, e0.stale)) return `expected ${expText(e0)} for ${s.metric.toString()} but got ${actual}`;
    seen.add(s.metric.key());
  }
  for (const e of ev.series) {
    if (!seen.has(e.labels.key())) return `expected metric ${e.labels.toString()} with ${e.values.map(expText).join(' ')} not found`;
  }
  return null;
}

/** Compares a query result with the eval's expectations; returns the failure text or null. */
export function compareResult(ev: EvalCmd, v: Value, grid: MatrixGrid): string | null {
  switch (v.kind) {
    case 'matrix': return compareMatrix(ev, v.m, grid);
    case 'vector': return compareVector(ev, v.v);
    case 'scalar': {
      if (ev.scalar === null) return `expected vector or matrix result, but got ${valueText(v)}`;
      if (!almostEqual(ev.scalar.value, v.f)) return `expected scalar ${formatFloatG(ev.scalar.value)} but got ${fmtF(v.f)}`;
      return null;
    }
    case 'string':
      // No `expect string` line means the empty string, as in the reference runner.
      if ((ev.string ?? '') !== v.s) return `expected string ${JSON.stringify(ev.string ?? '')} but got ${JSON.stringify(v.s)}`;
      return null;
  }
}
