/**
 * From the evaluator's internal values to the public `Value`: the final removal of metric
 * names under delayed name removal, vectors for instant queries, label-sorted matrices.
 */
import { Labels, type Millis } from '../../model/index.js';
import type { FPoint, HPoint, Matrix, Sample as PublicSample, Series, Value, Vector } from '../value.js';
import { DUPLICATE_LABELSET, EvalError } from './errors.js';
import { dropMetadata, matrixContainsSameLabelset } from './labels-util.js';
import { mergeSeriesWithSameLabelset } from './merge.js';
import type { EvalValue, SeriesData } from './types.js';

/** Drops the names flagged for dropping and merges what then collides (delayed name removal). */
export function cleanupMetricLabels(m: SeriesData[], instantVector: boolean): SeriesData[] {
  for (const s of m) if (s.dropName) s.metric = dropMetadata(s.metric);
  if (instantVector) {
    if (matrixContainsSameLabelset(m)) throw new EvalError(DUPLICATE_LABELSET);
    return m;
  }
  return mergeSeriesWithSameLabelset(m);
}

/**
 * A result series that keeps the engine's columns and makes the `FPoint` objects only when
 * someone reads `floats` (encoders can read `floatColumns` instead).
 */
class ColumnarSeries implements Series {
  readonly metric: Labels;
  histograms: HPoint[];
  readonly #cols: { readonly t: readonly number[]; readonly f: readonly number[] };
  #floats: FPoint[] | null = null;
  #replaced = false;

  constructor(s: SeriesData) {
    this.metric = s.metric;
    this.#cols = { t: s.fT, f: s.fV };
    const hs: HPoint[] = new Array<HPoint>(s.hT.length);
    for (let i = 0; i < s.hT.length; i++) hs[i] = { t: s.hT[i]! as Millis, h: s.hV[i]! };
    this.histograms = hs;
  }

  /** The columns, until someone replaces `floats`. */
  get floatColumns(): { readonly t: readonly number[]; readonly f: readonly number[] } | undefined {
    return this.#replaced ? undefined : this.#cols;
  }

  get floats(): FPoint[] {
    if (this.#floats === null) {
      const { t, f } = this.#cols;
      const out = new Array<FPoint>(t.length);
      for (let i = 0; i < t.length; i++) out[i] = { t: t[i]! as Millis, f: f[i]! };
      this.#floats = out;
    }
    return this.#floats;
  }

  set floats(v: FPoint[]) {
    this.#floats = v;
    this.#replaced = true;
  }
}

export function toMatrix(m: readonly SeriesData[], sort: boolean): Matrix {
  const out: Matrix = [];
  for (const s of m) out.push(new ColumnarSeries(s));
  if (sort) out.sort((a, b) => Labels.compare(a.metric, b.metric));
  return out;
}

/** The value of an instant query at `ts`. */
export function instantResult(v: EvalValue, type: string, ts: number): Value {
  switch (v.kind) {
    case 'string': return { kind: 'string', t: ts as Millis, s: v.s };
    case 'scalar': return { kind: 'scalar', t: ts as Millis, f: v.v[0] ?? NaN };
    case 'matrix': {
      if (type === 'scalar') return { kind: 'scalar', t: ts as Millis, f: v.m[0]?.fV[0] ?? NaN };
      if (type === 'matrix') return { kind: 'matrix', m: toMatrix(v.m, true) };
      const vec: Vector = [];
      for (const s of v.m) {
        const sample: PublicSample = s.hV.length > 0
          ? { metric: s.metric, t: ts as Millis, f: 0, h: s.hV[0]! }
          : { metric: s.metric, t: ts as Millis, f: s.fV[0] ?? NaN, h: null };
        vec.push(sample);
      }
      return { kind: 'vector', v: vec };
    }
  }
}

/** The value of a range query: always a label-sorted matrix (a scalar becomes one unlabelled series). */
export function rangeResult(v: EvalValue, start: number, interval: number): Value {
  switch (v.kind) {
    case 'matrix': return { kind: 'matrix', m: toMatrix(v.m, true) };
    case 'scalar': {
      const floats: FPoint[] = [];
      for (let i = 0; i < v.v.length; i++) floats.push({ t: (start + i * interval) as Millis, f: v.v[i]! });
      return { kind: 'matrix', m: [{ metric: Labels.EMPTY, floats, histograms: [] }] };
    }
    case 'string': throw new EvalError('invalid expression type "string" for range query');
  }
}
