/**
 * Linear interpolation between two histogram samples, as PromQL 3.14 does for the smoothed
 * and anchored range modifiers of rate/increase/delta: h1 + (h2 − h1) × fraction, or, for
 * a counter that was reset between them, h2 × fraction (counting from zero after the reset).
 */
import type { FloatHistogram } from '../../model/index.js';
import { addInPlace, subInPlace } from './arithmetic.js';
import type { HistogramError } from './errors.js';
import { copyFloatHistogram, mulInPlace } from './float-histogram.js';
import { detectReset } from './detect-reset.js';

export interface InterpolationResult {
  /** The interpolated histogram (new), or null with `error` set. */
  result: FloatHistogram | null;
  /** 'incompatible-schema' when exponential and custom buckets meet. */
  error: HistogramError | null;
  /** Custom bounds were reconciled in the subtraction / the addition (one info each). */
  subReconciled: boolean;
  addReconciled: boolean;
}

/**
 * The histogram at time t (t1 ≤ t ≤ t2, milliseconds) between samples h1 at t1 and h2 at
 * t2. At t1 or t2 it is a copy of that sample. Neither input is changed.
 */
export function interpolateHistograms(h1: FloatHistogram, t1: number, h2: FloatHistogram, t2: number, t: number, isCounter: boolean): InterpolationResult {
  const out: InterpolationResult = { result: null, error: null, subReconciled: false, addReconciled: false };
  if (t === t1) {
    out.result = copyFloatHistogram(h1);
    return out;
  }
  if (t === t2) {
    out.result = copyFloatHistogram(h2);
    return out;
  }
  const fraction = (t - t1) / (t2 - t1);
  if (isCounter && detectReset(h2, h1)) {
    out.result = mulInPlace(copyFloatHistogram(h2), fraction);
    return out;
  }
  const result = copyFloatHistogram(h2);
  const s = subInPlace(result, h1);
  if (!s.ok) {
    out.error = s.error;
    return out;
  }
  out.subReconciled = s.nhcbBoundsReconciled;
  mulInPlace(result, fraction);
  const a = addInPlace(result, h1);
  if (!a.ok) {
    out.error = a.error;
    return out;
  }
  out.addReconciled = a.nhcbBoundsReconciled;
  out.result = result;
  return out;
}
