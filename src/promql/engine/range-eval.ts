/**
 * The generic per-step evaluation (Prometheus's `rangeEval`): the argument expressions are
 * evaluated once over the grid, then at every step their samples at that step are gathered
 * into vectors (scalars as one-sample vectors), a step function computes the step's output
 * vector, and the outputs are collected into series. Binary operators get each gathered
 * sample's matching-signature ordinal, computed once per series.
 */
import { Labels, type FloatHistogram } from '../../model/index.js';
import type { Expr, VectorMatching } from '../parser/index.js';
import type { FnContext, NodeCache } from '../functions/index.js';
import type { Annotations } from './annotations.js';
import { DUPLICATE_LABELSET, EvalError, tooManySamplesError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { matchSignature, vectorContainsSameLabelset } from './labels-util.js';
import { histogramSize, newSample, SeriesData, vectorSamples, type EvalValue, type Sample } from './types.js';

/** Per-node state across steps; also the context handed to instant functions. */
export class NodeHelper implements FnContext {
  ts = 0;
  readonly out: Sample[] = [];
  readonly delayedNameRemoval: boolean;
  readonly annos: Annotations;
  readonly cache: NodeCache = {};
  vectorStartTimestamps: readonly number[] | null = null;
  readonly #pool: Sample[] = [];

  constructor(delayedNameRemoval: boolean, annos: Annotations) {
    this.delayedNameRemoval = delayedNameRemoval;
    this.annos = annos;
  }

  /** Starts a step: clears the output. */
  reset(ts: number): void {
    this.ts = ts;
    this.out.length = 0;
  }

  emit(metric: Labels, f: number, h: FloatHistogram | null, dropName: boolean): void {
    const i = this.out.length;
    let s = this.#pool[i];
    if (s === undefined) {
      s = newSample(metric, this.ts, f, h, dropName);
      this.#pool.push(s);
    } else {
      s.metric = metric;
      s.t = this.ts;
      s.f = f;
      s.h = h;
      s.dropName = dropName;
    }
    this.out.push(s);
  }

  /** Appends an existing sample (e.g. an input sample passed through). */
  push(s: Sample): void {
    this.out.push(s);
  }
}

/** The context of a range-vector function call: it emits at most one value, kept here. */
export class RangeFnContext implements FnContext {
  ts = 0;
  readonly delayedNameRemoval: boolean;
  readonly annos: Annotations;
  readonly cache: NodeCache = {};
  readonly vectorStartTimestamps: readonly number[] | null = null;
  /** Whether the last call emitted a value, and the value. */
  has = false;
  f = 0;
  h: FloatHistogram | null = null;

  constructor(delayedNameRemoval: boolean, annos: Annotations) {
    this.delayedNameRemoval = delayedNameRemoval;
    this.annos = annos;
  }

  emit(_metric: Labels, f: number, h: FloatHistogram | null): void {
    if (this.has) return;
    this.has = true;
    this.f = f;
    this.h = h;
  }
}

/** Collects step outputs into series keyed by label set, rejecting duplicates within a step. */
export class SeriesCollector {
  readonly list: SeriesData[] = [];
  readonly #byObj = new Map<Labels, number>();
  readonly #byKey = new Map<string, number>();
  readonly #lastTs: number[] = [];

  add(s: Sample, ts: number): void {
    let i = this.#byObj.get(s.metric);
    if (i === undefined) {
      const k = s.metric.key();
      i = this.#byKey.get(k);
      if (i === undefined) {
        i = this.list.length;
        this.list.push(new SeriesData(s.metric, s.dropName));
        this.#lastTs.push(NaN);
        this.#byKey.set(k, i);
      }
      this.#byObj.set(s.metric, i);
    }
    if (this.#lastTs[i] === ts) throw new EvalError(DUPLICATE_LABELSET);
    this.#lastTs[i] = ts;
    const sd = this.list[i]!;
    if (s.h === null) {
      sd.fT.push(ts);
      sd.fV.push(s.f);
    } else {
      sd.hT.push(ts);
      sd.hV.push(s.h);
    }
  }
}

/** An argument already evaluated by the caller. */
export interface Evaluated {
  readonly kind: 'evaluated';
  readonly value: EvalValue;
}

/** The step function: input vectors (and signature ordinals when matching) to the output. */
export type StepFn = (vecs: readonly Sample[][], sigs: readonly Int32Array[] | null, enh: NodeHelper) => void;

interface Input {
  kind: 'none' | 'matrix' | 'scalar';
  m: SeriesData[];
  sc: Float64Array | null;
  fc: Int32Array;
  hc: Int32Array;
  pool: Sample[];
  ord: Int32Array | null;
  vec: Sample[];
  sig: Int32Array;
}

const EMPTY_I32 = new Int32Array(0);

/**
 * Runs `fn` at every step over the values of `exprs` (null or string expressions give empty
 * vectors). Returns the output series; for an instant evaluation in output order, with the
 * duplicate-labelset check Prometheus does there (unless names are removed late).
 */
export async function rangeEval(
  ev: Evaluator, matching: VectorMatching | null, fn: StepFn, exprs: readonly (Expr | Evaluated | null)[], enh?: NodeHelper,
  originalSamples: number = ev.currentSamples,
): Promise<SeriesData[]> {
  const inputs: Input[] = [];
  for (const e of exprs) {
    const inp: Input = { kind: 'none', m: [], sc: null, fc: EMPTY_I32, hc: EMPTY_I32, pool: [], ord: null, vec: [], sig: EMPTY_I32 };
    if (e !== null) {
      const v = e.kind === 'evaluated' ? e.value : await ev.eval(e);
      if (v.kind === 'matrix') {
        inp.kind = 'matrix';
        inp.m = v.m;
        inp.fc = new Int32Array(v.m.length);
        inp.hc = new Int32Array(v.m.length);
      } else if (v.kind === 'scalar') {
        inp.kind = 'scalar';
        inp.sc = v.v;
        inp.pool.push(newSample(Labels.EMPTY, 0, 0, null, false));
      }
    }
    inputs.push(inp);
  }
  let numSigs = 0;
  if (matching !== null) {
    const names = matching.matchingLabels.slice().sort();
    const ordinals = new Map<string, number>();
    for (const inp of inputs) {
      const ord = new Int32Array(inp.m.length);
      for (let i = 0; i < inp.m.length; i++) {
        if (ev.q.yielder.tick(8)) await ev.q.yielder.pause();
        const sig = matchSignature(inp.m[i]!.metric, matching.on, names);
        let o = ordinals.get(sig);
        if (o === undefined) {
          o = numSigs++;
          ordinals.set(sig, o);
        }
        ord[i] = o;
      }
      inp.ord = ord;
      inp.sig = new Int32Array(inp.m.length);
    }
  }
  const helper = enh ?? new NodeHelper(ev.opts.delayedNameRemoval, ev.annos);
  helper.cache['numSigs'] = numSigs;
  const vecs: Sample[][] = inputs.map((i) => i.vec);
  const sigViews: Int32Array[] = [];
  const collector = new SeriesCollector();
  let tempSamples = ev.currentSamples;
  const y = ev.q.yielder;
  let work = 1;
  for (const inp of inputs) work += inp.m.length;
  for (let step = 0; step < ev.numSteps; step++) {
    if (y.tick(work)) await y.pause();
    const ts = ev.stepTs(step);
    ev.currentSamples = tempSamples;
    sigViews.length = 0;
    for (const inp of inputs) {
      const n = gather(ev, inp, ts, step);
      if (inp.ord !== null) sigViews.push(inp.sig.subarray(0, n));
    }
    ev.stats.updatePeak(ev.currentSamples);
    helper.reset(ts);
    fn(vecs, matching !== null ? sigViews : null, helper);
    const result = helper.out;
    const n = vectorSamples(result);
    ev.currentSamples += n;
    tempSamples += n;
    ev.stats.updatePeak(ev.currentSamples);
    if (ev.currentSamples > ev.opts.maxSamples) throw tooManySamplesError();
    if (ev.isInstant) {
      if (!ev.opts.delayedNameRemoval && vectorContainsSameLabelset(result)) throw new EvalError(DUPLICATE_LABELSET);
      const out: SeriesData[] = [];
      let total = 0;
      for (const s of result) {
        const sd = new SeriesData(s.metric, s.dropName);
        if (s.h === null) { sd.fT.push(ts); sd.fV.push(s.f); total++; } else { sd.hT.push(ts); sd.hV.push(s.h); total += histogramSize(s.h); }
        out.push(sd);
      }
      ev.currentSamples = originalSamples + total;
      ev.stats.updatePeak(ev.currentSamples);
      return out;
    }
    for (let i = 0; i < result.length; i++) collector.add(result[i]!, ts);
  }
  let total = 0;
  for (const s of collector.list) total += s.fT.length + histSamples(s.hV);
  ev.currentSamples = originalSamples + total;
  ev.stats.updatePeak(ev.currentSamples);
  return collector.list;
}

function histSamples(hv: readonly FloatHistogram[]): number {
  let n = 0;
  for (let i = 0; i < hv.length; i++) n += histogramSize(hv[i]!);
  return n;
}

/** Fills `inp.vec` with the samples at `ts`; returns how many. */
function gather(ev: Evaluator, inp: Input, ts: number, step: number): number {
  const out = inp.vec;
  out.length = 0;
  if (inp.kind === 'scalar') {
    const s = inp.pool[0]!;
    s.t = ts;
    s.f = inp.sc![step]!;
    out.push(s);
    return 1;
  }
  if (inp.kind === 'none') return 0;
  const m = inp.m, fc = inp.fc, hc = inp.hc, pool = inp.pool, ord = inp.ord, sig = inp.sig;
  const before = out.length;
  for (let i = 0; i < m.length; i++) {
    const sd = m[i]!;
    const fi = fc[i]!, hi = hc[i]!;
    let f = 0;
    let h: FloatHistogram | null = null;
    if (fi < sd.fT.length && sd.fT[fi] === ts) {
      f = sd.fV[fi]!;
      fc[i] = fi + 1;
    } else if (hi < sd.hT.length && sd.hT[hi] === ts) {
      h = sd.hV[hi]!;
      hc[i] = hi + 1;
    } else {
      continue;
    }
    let s = pool[i];
    if (s === undefined) {
      for (let k = pool.length; k <= i; k++) pool.push(newSample(sd.metric, ts, 0, null, false));
      s = pool[i]!;
    }
    s.metric = sd.metric;
    s.t = ts;
    s.f = f;
    s.h = h;
    s.dropName = sd.dropName;
    if (ord !== null) sig[out.length] = ord[i]!;
    out.push(s);
  }
  ev.currentSamples += out.length - before;
  if (ev.currentSamples > ev.opts.maxSamples) throw tooManySamplesError();
  return out.length;
}
