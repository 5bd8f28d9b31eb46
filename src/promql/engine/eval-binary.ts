/**
 * Binary expressions: scalar/scalar, vector/scalar and vector/vector with Prometheus's
 * matching (`on`/`ignoring`, `group_left`/`group_right` with label copying, `fill*`), set
 * operators, `bool`, and its error texts for ambiguous matches. Matching signatures are
 * computed once per series (see range-eval.ts); per step only ordinals are compared.
 */
import { Labels } from '../../model/index.js';
import { positionRange, typeOf, type BinaryExpr, type BinaryOp, type PositionRange, type VectorMatching } from '../parser/index.js';
import type { Annotation } from './annotations.js';
import { changesMetricSchema, isComparison, scalarBinop, vectorElemBinop } from './binop.js';
import { EvalError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { dropMetadata, matchLabels } from './labels-util.js';
import { NodeHelper, rangeEval, type Evaluated } from './range-eval.js';
import { setOpColumnar, vectorScalarColumnar, vectorVectorColumnar } from './binop-columnar.js';
import { matrixSamples, matrixValue, type EvalValue, type Sample, type SeriesData } from './types.js';

export async function evalBinary(ev: Evaluator, e: BinaryExpr): Promise<EvalValue> {
  const lt = typeOf(e.lhs), rt = typeOf(e.rhs);
  const pos = positionRange(e);
  if (lt === 'scalar' && rt === 'scalar') {
    const l = await ev.evalScalar(e.lhs);
    const r = await ev.evalScalar(e.rhs);
    const out = ev.stepArray();
    for (let i = 0; i < out.length; i++) out[i] = scalarBinop(e.op, l[i]!, r[i]!);
    return { kind: 'scalar', v: out };
  }
  const enh = new NodeHelper(ev.opts.delayedNameRemoval, ev.annos);
  if (lt === 'vector' && rt === 'vector') {
    const m = e.vectorMatching!;
    switch (e.op) {
      case 'and': case 'or': case 'unless': {
        const op = e.op;
        const original = ev.currentSamples;
        const lv = await ev.eval(e.lhs);
        const rv = await ev.eval(e.rhs);
        if (lv.kind === 'matrix' && rv.kind === 'matrix') {
          const fast = await setOpColumnar(ev, op, m, lv.m, rv.m);
          if (fast !== null) return matrixValue(settle(ev, original, fast));
        }
        const fn = op === 'and' ? vectorAnd : op === 'or' ? vectorOr : vectorUnless;
        return matrixValue(await rangeEval(ev, m, (v, s, h) => { fn(v[0]!, v[1]!, s![0]!, s![1]!, h); },
          [evaluated(lv), evaluated(rv)], enh, original));
      }
      default: {
        const st = new BinopState(ev, e.op, m, e.returnBool, pos);
        const original = ev.currentSamples;
        const lv = await ev.eval(e.lhs);
        const rv = await ev.eval(e.rhs);
        if (lv.kind === 'matrix' && rv.kind === 'matrix') {
          const fast = await vectorVectorColumnar(ev, e.op, m, lv.m, rv.m, e.returnBool, pos, (l, r) => st.resultMetric(l, r));
          if (fast !== null) return matrixValue(settle(ev, original, fast));
        }
        return matrixValue(await rangeEval(ev, m, (v, s, h) => { st.step(v[0]!, v[1]!, s![0]!, s![1]!, h); },
          [evaluated(lv), evaluated(rv)], enh, original));
      }
    }
  }
  const swap = lt === 'scalar';
  const op = e.op, returnBool = e.returnBool;
  const delayed = ev.opts.delayedNameRemoval;
  const original = ev.currentSamples;
  const lv = await ev.eval(e.lhs);
  const rv = await ev.eval(e.rhs);
  const vec = swap ? rv : lv, sc = swap ? lv : rv;
  if (vec.kind === 'matrix' && sc.kind === 'scalar') {
    const fast = await vectorScalarColumnar(ev, op, vec.m, sc.v, swap, returnBool, pos);
    if (fast !== null) return matrixValue(settle(ev, original, fast));
  }
  const m = await rangeEval(ev, null, (v, _s, h) => {
    const vv = swap ? v[1]! : v[0]!;
    const s = swap ? v[0]![0]!.f : v[1]![0]!.f;
    vectorScalarBinop(op, vv, s, swap, returnBool, delayed, pos, h);
  }, [evaluated(lv), evaluated(rv)], enh, original);
  return matrixValue(m);
}

function evaluated(value: EvalValue): Evaluated {
  return { kind: 'evaluated', value };
}

/** The inputs are released: only the result stays in memory. */
function settle(ev: Evaluator, original: number, m: SeriesData[]): SeriesData[] {
  ev.currentSamples = original + matrixSamples(m);
  ev.stats.updatePeak(ev.currentSamples);
  return m;
}

function vectorScalarBinop(
  op: BinaryOp, vec: readonly Sample[], sc: number, swap: boolean, returnBool: boolean, delayed: boolean, pos: PositionRange, enh: NodeHelper,
): void {
  let lastErr: Annotation | null = null;
  const cmp = isComparison(op);
  const dropsName = changesMetricSchema(op) || returnBool;
  for (let i = 0; i < vec.length; i++) {
    const s = vec[i]!;
    const r = swap ? vectorElemBinop(op, sc, s.f, null, s.h, pos) : vectorElemBinop(op, s.f, sc, s.h, null, pos);
    if (r.err !== null && r.err.level !== 'warning') {
      lastErr = r.err;
      continue;
    }
    let f = r.f, h = r.h, keep = r.keep;
    // A comparison keeps the vector element's value, on whichever side it is.
    if (cmp && swap) { f = s.f; h = s.h; }
    if (returnBool) {
      f = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    if (dropsName) enh.emit(delayed ? s.metric : dropMetadata(s.metric), f, h, true);
    else enh.emit(s.metric, f, h, s.dropName);
  }
  if (lastErr !== null) enh.annos.add(lastErr);
}

/** Ordinals of the step's right-hand signatures present (reset per step through `touched`). */
class SigSet {
  readonly present: Uint8Array;
  readonly touched: number[] = [];
  constructor(n: number) {
    this.present = new Uint8Array(n);
  }
  add(o: number): void {
    if (this.present[o] === 0) { this.present[o] = 1; this.touched.push(o); }
  }
  clear(): void {
    for (const o of this.touched) this.present[o] = 0;
    this.touched.length = 0;
  }
}

function sigSet(enh: NodeHelper, name: string): SigSet {
  let s = enh.cache[name] as SigSet | undefined;
  if (s === undefined) {
    s = new SigSet(enh.cache['numSigs'] as number);
    enh.cache[name] = s;
  }
  return s;
}

function vectorAnd(lhs: readonly Sample[], rhs: readonly Sample[], ls: Int32Array, rs: Int32Array, enh: NodeHelper): void {
  if (lhs.length === 0 || rhs.length === 0) return;
  const present = sigSet(enh, 'and');
  present.clear();
  for (let i = 0; i < rhs.length; i++) present.add(rs[i]!);
  for (let i = 0; i < lhs.length; i++) if (present.present[ls[i]!] === 1) enh.push(lhs[i]!);
}

function vectorOr(lhs: readonly Sample[], rhs: readonly Sample[], ls: Int32Array, rs: Int32Array, enh: NodeHelper): void {
  if (lhs.length === 0) { for (const s of rhs) enh.push(s); return; }
  if (rhs.length === 0) { for (const s of lhs) enh.push(s); return; }
  const present = sigSet(enh, 'or');
  present.clear();
  for (let i = 0; i < lhs.length; i++) {
    present.add(ls[i]!);
    enh.push(lhs[i]!);
  }
  for (let i = 0; i < rhs.length; i++) if (present.present[rs[i]!] === 0) enh.push(rhs[i]!);
}

function vectorUnless(lhs: readonly Sample[], rhs: readonly Sample[], ls: Int32Array, rs: Int32Array, enh: NodeHelper): void {
  if (lhs.length === 0 || rhs.length === 0) { for (const s of lhs) enh.push(s); return; }
  const present = sigSet(enh, 'unless');
  present.clear();
  for (let i = 0; i < rhs.length; i++) present.add(rs[i]!);
  for (let i = 0; i < lhs.length; i++) if (present.present[ls[i]!] === 0) enh.push(lhs[i]!);
}

/** Arithmetic and comparison between two vectors; state reused across steps. */
class BinopState {
  readonly #ev: Evaluator;
  readonly #op: BinaryOp;
  readonly #m: VectorMatching;
  readonly #returnBool: boolean;
  readonly #pos: PositionRange;
  #rightIdx: Int32Array = new Int32Array(0);
  #right: SigSet | null = null;
  #matched: SigSet | null = null;
  #matchedSets: (Set<string> | undefined)[] = [];
  #matchedTouched: number[] = [];
  readonly #resultCache = new Map<Labels, Map<Labels, Labels>>();
  readonly #fillLabels = new Map<Labels, Labels>();
  
  constructor(ev: Evaluator, op: BinaryOp, m: VectorMatching, returnBool: boolean, pos: PositionRange) {
    this.#ev = ev;
    this.#op = op;
    this.#m = m;
    this.#returnBool = returnBool;
    this.#pos = pos;
  }

  step(lhs0: readonly Sample[], rhs0: readonly Sample[], ls0: Int32Array, rs0: Int32Array, enh: NodeHelper): void {
    const m = this.#m;
    if (m.card === 'many-to-many') throw new Error('many-to-many only allowed for set operators');
    if ((lhs0.length === 0 && rhs0.length === 0) || ((lhs0.length === 0 || rhs0.length === 0) && m.fillLHS === null && m.fillRHS === null)) return;
    const swap = m.card === 'one-to-many';
    const lhs = swap ? rhs0 : lhs0, rhs = swap ? lhs0 : rhs0;
    const lsig = swap ? rs0 : ls0, rsig = swap ? ls0 : rs0;
    if (this.#right === null) {
      const n = enh.cache['numSigs'] as number;
      this.#right = new SigSet(n);
      this.#matched = new SigSet(n);
      this.#rightIdx = new Int32Array(n);
      this.#matchedSets = new Array<Set<string> | undefined>(n);
    }
    const right = this.#right, matched = this.#matched!, rightIdx = this.#rightIdx;
    right.clear();
    matched.clear();
    for (const o of this.#matchedTouched) this.#matchedSets[o]!.clear();
    this.#matchedTouched.length = 0;
    for (let i = 0; i < rhs.length; i++) {
      const o = rsig[i]!;
      if (right.present[o] === 1) {
        const rs = rhs[i]!, dup = rhs[rightIdx[o]!]!;
        const oneSide = swap ? 'left' : 'right';
        const group = matchLabels(rs.metric, m.on, m.matchingLabels).toString();
        let d1 = rs.metric.toString(), d2 = dup.metric.toString();
        if (d1 > d2) [d1, d2] = [d2, d1];
        throw new EvalError(`found duplicate series for the match group ${group} on the ${oneSide} hand-side of the operation: [${d1}, ${d2}]` +
          ';many-to-many matching not allowed: matching labels must be unique on one side');
      }
      rightIdx[o] = i;
      right.add(o);
    }
    let lastErr: Annotation | null = null;
    const doOp = (ls: Sample, rs: Sample, o: number): void => {
      let fl = ls.f, fr = rs.f, hl = ls.h, hr = rs.h;
      if (swap) { const tf = fl; fl = fr; fr = tf; const th = hl; hl = hr; hr = th; }
      const r = vectorElemBinop(this.#op, fl, fr, hl, hr, this.#pos);
      if (r.err !== null) { lastErr = r.err; return; }
      if (r.info !== null) lastErr = r.info;
      let f = r.f, h = r.h;
      const keep = r.keep;
      if (this.#returnBool) { h = null; f = keep ? 1 : 0; }
      const metric = this.resultMetric(ls.metric, rs.metric);
      if (m.card === 'one-to-one') {
        if (matched.present[o] === 1) throw new EvalError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        matched.add(o);
      } else {
        let set = this.#matchedSets[o];
        if (set === undefined) { set = new Set(); this.#matchedSets[o] = set; }
        if (set.size === 0) this.#matchedTouched.push(o);
        const k = metric.key();
        if (set.has(k)) throw new EvalError('multiple matches for labels: grouping labels must ensure unique matches');
        set.add(k);
      }
      if (!keep && !this.#returnBool) return;
      enh.emit(metric, f, h, this.#returnBool);
    };
    for (let i = 0; i < lhs.length; i++) {
      const ls = lhs[i]!;
      const o = lsig[i]!;
      if (right.present[o] === 1) {
        doOp(ls, rhs[rightIdx[o]!]!, o);
      } else if (m.fillRHS !== null) {
        doOp(ls, this.#filler(ls.metric, m.fillRHS), o);
      }
    }
    if (m.fillLHS !== null) {
      for (let i = 0; i < rhs.length; i++) {
        const rs = rhs[i]!;
        const o = rsig[i]!;
        const done = m.card === 'one-to-one' ? matched.present[o] === 1 : (this.#matchedSets[o]?.size ?? 0) > 0;
        if (done) continue;
        doOp(this.#filler(rs.metric, m.fillLHS), rs, o);
      }
    }
    if (lastErr !== null) enh.annos.add(lastErr);
  }

  /** A stand-in sample for a missing side: the matching labels of the other side, the fill value. */
  #filler(other: Labels, value: number): Sample {
    let l = this.#fillLabels.get(other);
    if (l === undefined) {
      l = matchLabels(other, this.#m.on, this.#m.matchingLabels);
      this.#fillLabels.set(other, l);
    }
    return { metric: l, t: 0, f: value, h: null, dropName: false };
  }

  /** The output labels for a pair of matched series (cached). */
  resultMetric(lhs: Labels, rhs: Labels): Labels {
    let inner = this.#resultCache.get(lhs);
    if (inner === undefined) {
      inner = new Map();
      this.#resultCache.set(lhs, inner);
    }
    let r = inner.get(rhs);
    if (r === undefined) {
      r = computeResultMetric(lhs, rhs, this.#op, this.#m, !this.#ev.opts.delayedNameRemoval && this.#returnBool);
      inner.set(rhs, r);
    }
    return r;
  }
}

function computeResultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, m: VectorMatching, dropMetricName: boolean): Labels {
  let l = dropMetricName || changesMetricSchema(op) ? dropMetadata(lhs) : lhs;
  if (m.card === 'one-to-one') {
    const a: string[] = [];
    for (let i = 0; i < l.length; i++) {
      const n = l.nameAt(i);
      if (m.matchingLabels.includes(n) === m.on) a.push(n, l.valueAt(i));
    }
    if (a.length !== 2 * l.length) l = Labels.fromSortedArray(a);
  }
  if (m.include.length > 0) {
    const b = new Map<string, string>();
    for (let i = 0; i < l.length; i++) b.set(l.nameAt(i), l.valueAt(i));
    for (const n of m.include) {
      const v = rhs.get(n);
      if (v !== '') b.set(n, v); else b.delete(n);
    }
    l = Labels.fromMap(b);
  }
  return l;
}
