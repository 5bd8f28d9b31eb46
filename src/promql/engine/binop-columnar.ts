/**
 * Fast paths for binary operators in range evaluations over float-only input: vector/scalar
 * series by series, and vector/vector when every matching signature has at most one series
 * on each side (so the pairs are fixed for the whole range and no per-step matching errors
 * can arise). Each pair's points are joined by timestamp in one pass. Results equal the
 * step-by-step evaluation's; anything else (histograms, fill, duplicates, grouping, trim
 * operators, instant queries, whose output order matters) takes the general path.
 */
import type { BinaryOp, PositionRange, VectorMatching } from '../parser/index.js';
import type { Labels } from '../../model/index.js';
import { changesMetricSchema, isComparison, vectorElemBinop } from './binop.js';
import type { Evaluator } from './evaluator.js';
import { dropMetadata, matchSignature } from './labels-util.js';
import { mergeSeriesWithSameLabelset } from './merge.js';
import { SeriesData } from './types.js';

function floatOnly(m: readonly SeriesData[]): boolean {
  for (const s of m) if (s.hT.length > 0) return false;
  return true;
}

function usable(ev: Evaluator, op: BinaryOp): boolean {
  return !ev.isInstant && op !== '</' && op !== '>/';
}

/** vector op scalar (or scalar op vector with `swap`), or null when the general path must run. */
export async function vectorScalarColumnar(
  ev: Evaluator, op: BinaryOp, vec: readonly SeriesData[], sc: Float64Array, swap: boolean, returnBool: boolean, pos: PositionRange,
): Promise<SeriesData[] | null> {
  if (!usable(ev, op) || !floatOnly(vec)) return null;
  const delayed = ev.opts.delayedNameRemoval;
  const cmp = isComparison(op);
  const dropsName = changesMetricSchema(op) || returnBool;
  const start = ev.start, interval = ev.interval;
  const out: SeriesData[] = [];
  let total = 0;
  const y = ev.q.yielder;
  for (const s of vec) {
    if (y.tick(s.fT.length + 1)) await y.pause();
    const sd = dropsName ? new SeriesData(delayed ? s.metric : dropMetadata(s.metric), true) : new SeriesData(s.metric, s.dropName);
    const ft = s.fT, fv = s.fV;
    for (let i = 0; i < ft.length; i++) {
      const t = ft[i]!;
      const v = fv[i]!;
      const c = sc[Math.round((t - start) / interval)]!;
      const r = swap ? vectorElemBinop(op, c, v, null, null, pos) : vectorElemBinop(op, v, c, null, null, pos);
      let f = cmp && swap ? v : r.f;
      let keep = r.keep;
      if (returnBool) {
        f = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      sd.fT.push(t);
      sd.fV.push(f);
    }
    if (sd.fT.length > 0) {
      out.push(sd);
      total += sd.fT.length;
    }
  }
  ev.addSamples(total);
  return dropsName && !delayed ? mergeSeriesWithSameLabelset(out) : out;
}

/**
 * vector op vector with one-to-one matching, or null when some signature has several series
 * on a side (or the inputs hold histograms, or fill modifiers are used).
 */
export async function vectorVectorColumnar(
  ev: Evaluator, op: BinaryOp, m: VectorMatching, lhs: readonly SeriesData[], rhs: readonly SeriesData[], returnBool: boolean,
  pos: PositionRange, resultMetric: (l: Labels, r: Labels) => Labels,
): Promise<SeriesData[] | null> {
  const y = ev.q.yielder;
  if (!usable(ev, op) || m.card !== 'one-to-one' || m.fillLHS !== null || m.fillRHS !== null) return null;
  if (!floatOnly(lhs) || !floatOnly(rhs)) return null;
  const names = m.matchingLabels.slice().sort();
  const right = new Map<string, SeriesData>();
  for (const s of rhs) {
    if (y.tick(8)) await y.pause();
    const sig = matchSignature(s.metric, m.on, names);
    if (right.has(sig)) return null;
    right.set(sig, s);
  }
  const seen = new Set<string>();
  const pairs: [SeriesData, SeriesData][] = [];
  for (const s of lhs) {
    if (y.tick(8)) await y.pause();
    const sig = matchSignature(s.metric, m.on, names);
    if (seen.has(sig)) return null;
    seen.add(sig);
    const r = right.get(sig);
    if (r !== undefined) pairs.push([s, r]);
  }
  const out: SeriesData[] = [];
  let total = 0;
  for (const [l, r] of pairs) {
    if (y.tick(l.fT.length + r.fT.length + 1)) await y.pause();
    const sd = new SeriesData(resultMetric(l.metric, r.metric), returnBool);
    const lt = l.fT, lv = l.fV, rt = r.fT, rv = r.fV;
    let i = 0, j = 0;
    while (i < lt.length && j < rt.length) {
      const a = lt[i]!, b = rt[j]!;
      if (a < b) { i++; continue; }
      if (b < a) { j++; continue; }
      const e = vectorElemBinop(op, lv[i]!, rv[j]!, null, null, pos);
      if (returnBool || e.keep) {
        sd.fT.push(a);
        sd.fV.push(returnBool ? (e.keep ? 1 : 0) : e.f);
      }
      i++;
      j++;
    }
    if (sd.fT.length > 0) {
      out.push(sd);
      total += sd.fT.length;
    }
  }
  ev.addSamples(total);
  return mergeSeriesWithSameLabelset(out);
}

/** Most (signature, step) cells the set operators' presence map may take. */
const MAX_PRESENCE_CELLS = 64_000_000;

/**
 * `and`, `or` and `unless` in a range evaluation: which signatures the right (for `or`: the
 * left) side has at each step is worked out once, then each series keeps the points where
 * the operator says so. Samples pass through unchanged, histograms included.
 */
export async function setOpColumnar(
  ev: Evaluator, op: 'and' | 'or' | 'unless', m: VectorMatching, lhs: readonly SeriesData[], rhs: readonly SeriesData[],
): Promise<SeriesData[] | null> {
  if (ev.isInstant) return null;
  const y = ev.q.yielder;
  const names = m.matchingLabels.slice().sort();
  const ordinals = new Map<string, number>();
  const ord = (s: SeriesData): number => {
    const sig = matchSignature(s.metric, m.on, names);
    let o = ordinals.get(sig);
    if (o === undefined) {
      o = ordinals.size;
      ordinals.set(sig, o);
    }
    return o;
  };
  const lo: number[] = [], ro: number[] = [];
  for (const s of lhs) { if (y.tick(8)) await y.pause(); lo.push(ord(s)); }
  for (const s of rhs) { if (y.tick(8)) await y.pause(); ro.push(ord(s)); }
  const steps = ev.numSteps;
  if (ordinals.size * steps > MAX_PRESENCE_CELLS) return null;
  const present = new Uint8Array(ordinals.size * steps);
  const start = ev.start, interval = ev.interval;
  const mark = (s: SeriesData, o: number): void => {
    const base = o * steps;
    for (const t of s.fT) present[base + Math.round((t - start) / interval)] = 1;
    for (const t of s.hT) present[base + Math.round((t - start) / interval)] = 1;
  };
  // Keeps the points of s at steps where the presence of its signature is `want`.
  const filter = (s: SeriesData, o: number, want: number): SeriesData => {
    const base = o * steps;
    const sd = new SeriesData(s.metric, s.dropName);
    for (let i = 0; i < s.fT.length; i++) {
      const t = s.fT[i]!;
      if (present[base + Math.round((t - start) / interval)] === want) { sd.fT.push(t); sd.fV.push(s.fV[i]!); }
    }
    for (let i = 0; i < s.hT.length; i++) {
      const t = s.hT[i]!;
      if (present[base + Math.round((t - start) / interval)] === want) { sd.hT.push(t); sd.hV.push(s.hV[i]!); }
    }
    return sd;
  };
  const out: SeriesData[] = [];
  if (op === 'or') {
    for (let i = 0; i < lhs.length; i++) { mark(lhs[i]!, lo[i]!); out.push(lhs[i]!); }
    for (let i = 0; i < rhs.length; i++) {
      if (y.tick(rhs[i]!.numPoints + 1)) await y.pause();
      out.push(filter(rhs[i]!, ro[i]!, 0));
    }
  } else {
    for (let i = 0; i < rhs.length; i++) mark(rhs[i]!, ro[i]!);
    const want = op === 'and' ? 1 : 0;
    for (let i = 0; i < lhs.length; i++) {
      if (y.tick(lhs[i]!.numPoints + 1)) await y.pause();
      out.push(filter(lhs[i]!, lo[i]!, want));
    }
  }
  return mergeSeriesWithSameLabelset(out.filter((s) => s.numPoints > 0));
}
