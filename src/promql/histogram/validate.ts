/**
 * Consistency checks of histograms, as Prometheus's Validate methods, with the same error
 * texts and order of checks. Float histograms are not checked for count ≥ sum of buckets
 * (rounding makes that unreliable); integer histograms are (exactly, or as a lower bound
 * when the sum is NaN because NaN observations count but land in no bucket).
 */
import type { BucketSpan, FloatHistogram, Histogram } from '../../model/index.js';
import { fmtF, fmtV, histogramError, invalidSchemaError, type HistogramError } from './errors.js';
import { isCustomBucketsSchema, isExponentialSchema } from './schema.js';

function checkSpans(spans: readonly BucketSpan[], numBuckets: number): HistogramError | null {
  let n = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i > 0 && s.offset < 0) return histogramError('span-negative-offset', `span number ${i + 1} with offset ${s.offset}`);
    n += s.length;
  }
  if (n !== numBuckets) return histogramError('spans-buckets-mismatch', `spans need ${n} buckets, have ${numBuckets} buckets`);
  return null;
}

// Sum of the absolute bucket counts checked by the last checkBuckets call.
let checkedTotal = 0;

function checkBuckets(buckets: readonly number[], deltas: boolean, float: boolean): HistogramError | null {
  checkedTotal = 0;
  let last = 0;
  for (let i = 0; i < buckets.length; i++) {
    const c = deltas ? last + buckets[i]! : buckets[i]!;
    if (c < 0) {
      return histogramError('negative-bucket-count', `bucket number ${i + 1} has observation count of ${float ? fmtV(c) : String(c)}`);
    }
    last = c;
    checkedTotal += c;
  }
  return null;
}

function checkCustomBounds(bounds: readonly number[], spans: readonly BucketSpan[], numBuckets: number): HistogramError | null {
  let prev = -Infinity;
  for (let i = 0; i < bounds.length; i++) {
    const curr = bounds[i]!;
    if (Number.isNaN(curr)) return histogramError('custom-buckets-nan');
    if (i > 0 && curr <= prev) return histogramError('custom-buckets-invalid', `previous bound is ${fmtF(prev)} and current is ${fmtF(curr)}`);
    prev = curr;
  }
  if (prev === Infinity) return histogramError('custom-buckets-infinite', 'last +Inf bound must not be explicitly defined');
  let spanBuckets = 0;
  let totalSpanLength = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (s.offset < 0) return histogramError('span-negative-offset', `span number ${i + 1} with offset ${s.offset}`);
    spanBuckets += s.length;
    totalSpanLength += s.length + s.offset;
  }
  if (spanBuckets !== numBuckets) return histogramError('spans-buckets-mismatch', `spans need ${spanBuckets} buckets, have ${numBuckets} buckets`);
  if (bounds.length + 1 < totalSpanLength) {
    return histogramError('custom-buckets-mismatch', `only ${bounds.length} custom bounds defined which is insufficient to cover total span length of ${totalSpanLength}`);
  }
  return null;
}

type Any = FloatHistogram | Histogram;

/** The schema-specific checks shared by both kinds; null when fine. */
function checkLayout(h: Any, deltas: boolean, float: boolean): HistogramError | null {
  if (isCustomBucketsSchema(h.schema)) {
    const err = checkCustomBounds(h.customValues, h.positiveSpans, h.positiveBuckets.length);
    if (err !== null) return err.wrap('custom buckets');
    if (h.zeroCount !== 0) return histogramError('custom-buckets-zero-count');
    if (h.zeroThreshold !== 0) return histogramError('custom-buckets-zero-thresh');
    if (h.negativeSpans.length > 0) return histogramError('custom-buckets-neg-spans');
    if (h.negativeBuckets.length > 0) return histogramError('custom-buckets-neg-buckets');
    checkedTotal = 0;
    return null;
  }
  if (isExponentialSchema(h.schema)) {
    let err = checkSpans(h.positiveSpans, h.positiveBuckets.length);
    if (err !== null) return err.wrap('positive side');
    err = checkSpans(h.negativeSpans, h.negativeBuckets.length);
    if (err !== null) return err.wrap('negative side');
    err = checkBuckets(h.negativeBuckets, deltas, float);
    if (err !== null) return err.wrap('negative side');
    if (float && h.zeroCount < 0) return histogramError('negative-bucket-count', `zero bucket has observation count of ${fmtV(h.zeroCount)}`);
    // Go distinguishes a nil from an empty slice here; an empty array counts as absent.
    if (h.customValues.length > 0) return histogramError('exp-schema-custom-bounds');
    return null;
  }
  return invalidSchemaError(h.schema);
}

/** Validates a float histogram; null when valid. */
export function validateFloatHistogram(h: FloatHistogram): HistogramError | null {
  const err = checkLayout(h, false, true);
  if (err !== null) return err;
  if (h.count < 0) return histogramError('negative-count', `observation count is  ${fmtV(h.count)}`);
  const perr = checkBuckets(h.positiveBuckets, false, true);
  if (perr !== null) return perr.wrap('positive side');
  return null;
}

/** Validates an integer (delta-encoded) histogram; null when valid. */
export function validateHistogram(h: Histogram): HistogramError | null {
  const err = checkLayout(h, true, false);
  if (err !== null) return err;
  const nCount = checkedTotal;
  const perr = checkBuckets(h.positiveBuckets, true, false);
  if (perr !== null) return perr.wrap('positive side');
  const sumOfBuckets = nCount + checkedTotal + h.zeroCount;
  if (Number.isNaN(h.sum)) {
    if (sumOfBuckets > h.count) {
      return histogramError('count-not-big-enough', `${sumOfBuckets} observations found in buckets, but the Count field is ${h.count}`);
    }
  } else if (sumOfBuckets !== h.count) {
    return histogramError('count-mismatch', `${sumOfBuckets} observations found in buckets, but the Count field is ${h.count}`);
  }
  return null;
}
