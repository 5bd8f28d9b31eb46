/**
 * The engine's internal value representation. An expression of vector type is evaluated
 * over the whole step grid at once into `SeriesData`: per series, its float points and its
 * histogram points as parallel columns (timestamps beside values, no object per point).
 * Range vectors (matrix selectors, subqueries) use the same shape with their raw timestamps.
 * Scalars are one float per step. Per-step vectors, as functions and operators see them,
 * are arrays of `Sample`s whose objects the engine reuses between steps.
 */
import type { FloatHistogram, Labels } from '../../model/index.js';

/** One element of a per-step instant vector. Objects are reused by the engine: copy to keep. */
export interface Sample {
  metric: Labels;
  /** The step timestamp, or for `timestamp()` the sample's own timestamp (ms). */
  t: number;
  f: number;
  h: FloatHistogram | null;
  /** Under delayed name removal: whether `__name__` (and `__type__`/`__unit__`) is to be dropped at the end. */
  dropName: boolean;
}

export function newSample(metric: Labels, t: number, f: number, h: FloatHistogram | null, dropName: boolean): Sample {
  return { metric, t, f, h, dropName };
}

/**
 * One series of an evaluated expression. Points are in time order; `fT`/`fV` are the float
 * points, `hT`/`hV` the histogram points. Histograms are shared, never mutated in place:
 * whoever changes one copies it first.
 */
export class SeriesData {
  metric: Labels;
  dropName: boolean;
  fT: number[];
  fV: number[];
  hT: number[];
  hV: FloatHistogram[];

  /** `fT`/`fV` are owned by the series (instant results pass exact-size `[t]`/`[v]`). */
  constructor(metric: Labels, dropName: boolean, fT: number[] = [], fV: number[] = []) {
    this.metric = metric;
    this.dropName = dropName;
    this.fT = fT;
    this.fV = fV;
    this.hT = [];
    this.hV = [];
  }

  get numPoints(): number {
    return this.fT.length + this.hT.length;
  }
}

/**
 * The first `n` entries of `src` as a new array of exactly that length: filled by index, about
 * five times faster than pushing them one by one (which grows and copies the array as it
 * goes) and with no spare capacity kept.
 */
export function exactArray(src: ArrayLike<number>, n: number): number[] {
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) a[i] = src[i]!;
  return a;
}

export type EvalValue =
  | { readonly kind: 'matrix'; readonly m: SeriesData[] }
  | { readonly kind: 'scalar'; readonly v: Float64Array }
  | { readonly kind: 'string'; readonly s: string };

export function matrixValue(m: SeriesData[]): EvalValue {
  return { kind: 'matrix', m };
}

/** Sample-count weight of a histogram for the max-samples limit, as Prometheus sizes it. */
export function histogramSize(h: FloatHistogram): number {
  const bytes = 168 + 8 * (h.positiveSpans.length + h.negativeSpans.length + h.positiveBuckets.length +
    h.negativeBuckets.length + h.customValues.length);
  return Math.floor((bytes + 8) / 16);
}

/** Samples a series holds, histograms weighted by size. */
export function seriesSamples(s: SeriesData): number {
  let n = s.fT.length;
  const hv = s.hV;
  for (let i = 0; i < hv.length; i++) n += histogramSize(hv[i]!);
  return n;
}

export function matrixSamples(m: readonly SeriesData[]): number {
  let n = 0;
  for (let i = 0; i < m.length; i++) n += seriesSamples(m[i]!);
  return n;
}

export function vectorSamples(v: readonly Sample[]): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const h = v[i]!.h;
    n += h === null ? 1 : histogramSize(h);
  }
  return n;
}
