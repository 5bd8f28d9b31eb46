/**
 * Basic operations on FloatHistogram values (src/model/histogram.ts), with Prometheus's
 * semantics: copies, scaling, equality, compaction, resolution reduction.
 *
 * Mutation contract: functions named `…InPlace` change their first argument (its fields, its
 * arrays and the span objects in them) and return it; the caller must own that histogram
 * (copy it first with copyFloatHistogram when it may be shared, e.g. when it came from
 * storage or from another series). All other functions leave their arguments untouched and
 * return new histograms. `customValues` arrays are treated as immutable and shared between
 * copies, as Prometheus interns them.
 */
import type { BucketSpan, FloatHistogram } from '../../model/index.js';
import { CounterResetHint, formatFloatG } from '../../model/index.js';
import { bucketString, newBucket, type Bucket } from './bucket.js';
import { compactBuckets, compacted, spansMatch } from './compact.js';
import { HistogramError } from './errors.js';
import { AllFloatBucketIterator, FloatBucketIterator, zeroBucketInto } from './iterators.js';
import { reduceSpansResolution, reduced } from './reduce-resolution.js';
import { customBucketBoundsMatch, isCustomBucketsSchema } from './schema.js';

const NO_VALUES: number[] = [];

export function usesCustomBuckets(h: FloatHistogram): boolean {
  return isCustomBucketsSchema(h.schema);
}

/** An empty histogram of the given schema (exponential schema 0 by default). */
export function newFloatHistogram(schema = 0): FloatHistogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: NO_VALUES,
  };
}

function copySpans(s: readonly BucketSpan[]): BucketSpan[] {
  const out = new Array<BucketSpan>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = { offset: s[i]!.offset, length: s[i]!.length };
  return out;
}

/**
 * Deep copy, as Prometheus's Copy: for custom buckets the zero bucket and negative side are
 * dropped (they are unused there); customValues is shared (immutable).
 */
export function copyFloatHistogram(h: FloatHistogram): FloatHistogram {
  const custom = isCustomBucketsSchema(h.schema);
  return {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: custom ? 0 : h.zeroThreshold,
    zeroCount: custom ? 0 : h.zeroCount,
    count: h.count,
    sum: h.sum,
    positiveSpans: copySpans(h.positiveSpans),
    negativeSpans: custom ? [] : copySpans(h.negativeSpans),
    positiveBuckets: h.positiveBuckets.slice(),
    negativeBuckets: custom ? [] : h.negativeBuckets.slice(),
    customValues: custom ? h.customValues : NO_VALUES,
  };
}

/** Deep copy of `h` into `to`, reusing `to`'s arrays (they must not be shared). */
export function copyFloatHistogramTo(h: FloatHistogram, to: FloatHistogram): FloatHistogram {
  const custom = isCustomBucketsSchema(h.schema);
  to.counterResetHint = h.counterResetHint;
  to.schema = h.schema;
  to.count = h.count;
  to.sum = h.sum;
  to.zeroThreshold = custom ? 0 : h.zeroThreshold;
  to.zeroCount = custom ? 0 : h.zeroCount;
  copySpansInto(custom ? [] : h.negativeSpans, to.negativeSpans);
  copyNumbersInto(custom ? NO_VALUES : h.negativeBuckets, to.negativeBuckets);
  to.customValues = custom ? h.customValues : NO_VALUES;
  copySpansInto(h.positiveSpans, to.positiveSpans);
  copyNumbersInto(h.positiveBuckets, to.positiveBuckets);
  return to;
}

function copySpansInto(from: readonly BucketSpan[], to: BucketSpan[]): void {
  for (let i = 0; i < from.length; i++) {
    const t = to[i];
    if (t === undefined) to[i] = { offset: from[i]!.offset, length: from[i]!.length };
    else {
      t.offset = from[i]!.offset;
      t.length = from[i]!.length;
    }
  }
  to.length = from.length;
}

function copyNumbersInto(from: readonly number[], to: number[]): void {
  for (let i = 0; i < from.length; i++) to[i] = from[i]!;
  to.length = from.length;
}

/**
 * A copy reduced to `targetSchema` (≤ h.schema), as Prometheus's CopyToSchema. The copy has
 * the Unknown counter reset hint, except for the same-schema fast path (a plain copy).
 * Throws for custom buckets or a higher target schema.
 */
export function copyToSchema(h: FloatHistogram, targetSchema: number): FloatHistogram {
  if (targetSchema === h.schema) return copyFloatHistogram(h);
  if (isCustomBucketsSchema(h.schema)) throw new HistogramError('usage', `cannot reduce resolution to ${targetSchema} when there are custom buckets`);
  if (isCustomBucketsSchema(targetSchema)) throw new HistogramError('usage', 'cannot reduce resolution to custom buckets schema');
  if (targetSchema > h.schema) throw new HistogramError('usage', `cannot copy from schema ${h.schema} to ${targetSchema}`);
  const c = newFloatHistogram(targetSchema);
  c.zeroThreshold = h.zeroThreshold;
  c.zeroCount = h.zeroCount;
  c.count = h.count;
  c.sum = h.sum;
  reduceSpansResolution(h.positiveSpans, h.positiveBuckets, h.schema, targetSchema, false);
  c.positiveSpans = reduced.spans;
  c.positiveBuckets = reduced.buckets;
  reduceSpansResolution(h.negativeSpans, h.negativeBuckets, h.schema, targetSchema, false);
  c.negativeSpans = reduced.spans;
  c.negativeBuckets = reduced.buckets;
  return c;
}

/** The zero bucket [-threshold, threshold] (a new Bucket). Throws for custom buckets. */
export function zeroBucket(h: FloatHistogram): Bucket {
  return zeroBucketInto(h, newBucket());
}

/**
 * Scales all counts and the sum by `factor`; the layout stays. A negative factor makes the
 * result a gauge histogram. Mutates and returns `h`.
 */
export function mulInPlace(h: FloatHistogram, factor: number): FloatHistogram {
  h.zeroCount *= factor;
  h.count *= factor;
  h.sum *= factor;
  const p = h.positiveBuckets;
  for (let i = 0; i < p.length; i++) p[i] = p[i]! * factor;
  const n = h.negativeBuckets;
  for (let i = 0; i < n.length; i++) n[i] = n[i]! * factor;
  if (factor < 0) h.counterResetHint = CounterResetHint.Gauge;
  return h;
}

/**
 * Divides all counts and the sum by `divisor`. Division by zero turns count, sum and zero
 * count into ±Inf/NaN and removes all buckets (the hint is left alone); a negative divisor
 * makes the result a gauge histogram. Mutates and returns `h`.
 */
export function divInPlace(h: FloatHistogram, divisor: number): FloatHistogram {
  h.zeroCount /= divisor;
  h.count /= divisor;
  h.sum /= divisor;
  if (divisor === 0) {
    h.positiveBuckets = [];
    h.negativeBuckets = [];
    h.positiveSpans = [];
    h.negativeSpans = [];
    return h;
  }
  const p = h.positiveBuckets;
  for (let i = 0; i < p.length; i++) p[i] = p[i]! / divisor;
  const n = h.negativeBuckets;
  for (let i = 0; i < n.length; i++) n[i] = n[i]! / divisor;
  if (divisor < 0) h.counterResetHint = CounterResetHint.Gauge;
  return h;
}

/** mulInPlace on a copy. */
export function mul(h: FloatHistogram, factor: number): FloatHistogram {
  return mulInPlace(copyFloatHistogram(h), factor);
}

/** divInPlace on a copy. */
export function div(h: FloatHistogram, divisor: number): FloatHistogram {
  return divInPlace(copyFloatHistogram(h), divisor);
}

const bits = new Float64Array(2);
const bitWords = new Uint32Array(bits.buffer);

/** Equality of the bit patterns (so -0 ≠ 0, and NaNs compare by payload), as Go's Float64bits. */
export function sameFloatBits(a: number, b: number): boolean {
  if (a === b) return a !== 0 || Object.is(a, b);
  if (a === a || b === b) return false;
  bits[0] = a;
  bits[1] = b;
  return bitWords[0] === bitWords[2] && bitWords[1] === bitWords[3];
}

function bucketsMatch(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameFloatBits(a[i]!, b[i]!)) return false;
  return true;
}

/**
 * Exact data equality, as Prometheus's FloatHistogram.Equals (what PromQL `==` on two
 * histograms uses): same schema, bit-identical count/sum/zero count/bucket values, equal
 * zero threshold and custom bounds, and the same bucket layout (spans may differ only by
 * zero-length spans). The counter reset hint is ignored. Unused fields of a schema are
 * still compared, as in Prometheus.
 */
export function floatHistogramEquals(a: FloatHistogram, b: FloatHistogram | null): boolean {
  if (b === null) return false;
  if (a.schema !== b.schema || !sameFloatBits(a.count, b.count) || !sameFloatBits(a.sum, b.sum)) return false;
  if (isCustomBucketsSchema(a.schema) && !customBucketBoundsMatch(a.customValues, b.customValues)) return false;
  if (a.zeroThreshold !== b.zeroThreshold || !sameFloatBits(a.zeroCount, b.zeroCount)) return false;
  if (!spansMatch(a.negativeSpans, b.negativeSpans)) return false;
  if (!bucketsMatch(a.negativeBuckets, b.negativeBuckets)) return false;
  if (!spansMatch(a.positiveSpans, b.positiveSpans)) return false;
  return bucketsMatch(a.positiveBuckets, b.positiveBuckets);
}

/**
 * Removes empty buckets and normalises spans (see compactBuckets), keeping runs of up to
 * maxEmptyBuckets empty buckets inside spans. Mutates and returns `h`.
 */
export function compactInPlace(h: FloatHistogram, maxEmptyBuckets: number): FloatHistogram {
  compactBuckets(h.positiveBuckets, null, h.positiveSpans, maxEmptyBuckets, false);
  h.positiveBuckets = compacted.buckets;
  h.positiveSpans = compacted.spans;
  compactBuckets(h.negativeBuckets, null, h.negativeSpans, maxEmptyBuckets, false);
  h.negativeBuckets = compacted.buckets;
  h.negativeSpans = compacted.spans;
  return h;
}

/** compactInPlace for a histogram and its Kahan compensation histogram (same layout). */
export function kahanCompactInPlace(h: FloatHistogram, c: FloatHistogram, maxEmptyBuckets: number): void {
  compactBuckets(h.positiveBuckets, c.positiveBuckets, h.positiveSpans, maxEmptyBuckets, false);
  h.positiveBuckets = compacted.buckets;
  c.positiveBuckets = compacted.comp!;
  h.positiveSpans = compacted.spans;
  compactBuckets(h.negativeBuckets, c.negativeBuckets, h.negativeSpans, maxEmptyBuckets, false);
  h.negativeBuckets = compacted.buckets;
  c.negativeBuckets = compacted.comp!;
  h.negativeSpans = compacted.spans;
}

/**
 * Merges buckets down to `targetSchema` (< h.schema). Returns an error (and leaves `h`
 * unchanged) for custom buckets, a target that is not lower, or an invalid layout; on
 * success mutates `h` and returns null.
 */
export function reduceResolutionInPlace(h: FloatHistogram, targetSchema: number): HistogramError | null {
  if (isCustomBucketsSchema(h.schema)) return new HistogramError('usage', 'cannot reduce resolution when there are custom buckets');
  if (isCustomBucketsSchema(targetSchema)) return new HistogramError('usage', 'cannot reduce resolution to custom buckets schema');
  if (targetSchema >= h.schema) return new HistogramError('usage', `cannot reduce resolution from schema ${h.schema} to ${targetSchema}`);
  try {
    reduceSpansResolution(h.positiveSpans, h.positiveBuckets, h.schema, targetSchema, false);
    const ps = reduced.spans, pb = reduced.buckets;
    reduceSpansResolution(h.negativeSpans, h.negativeBuckets, h.schema, targetSchema, false);
    h.positiveSpans = ps;
    h.positiveBuckets = pb;
    h.negativeSpans = reduced.spans;
    h.negativeBuckets = reduced.buckets;
  } catch (e) {
    if (e instanceof HistogramError) return e;
    throw e;
  }
  h.schema = targetSchema;
  return null;
}

/** True if any count, the sum, a bucket or a custom bound is ±Inf (e.g. after a sum overflowed). */
export function hasOverflow(h: FloatHistogram): boolean {
  if (isInf(h.zeroCount) || isInf(h.count) || isInf(h.sum)) return true;
  for (const v of h.positiveBuckets) if (isInf(v)) return true;
  for (const v of h.negativeBuckets) if (isInf(v)) return true;
  for (const v of h.customValues) if (isInf(v)) return true;
  return false;
}

function isInf(v: number): boolean {
  return v === Infinity || v === -Infinity;
}

/**
 * Prometheus's String() form, e.g. "{count:5, sum:10, [-2,-1):1, [-0.001,0.001]:2, (1,2]:2}":
 * populated buckets only, negative ones first (lowest first).
 */
export function floatHistogramString(h: FloatHistogram): string {
  let s = `{count:${formatFloatG(h.count)}, sum:${formatFloatG(h.sum)}`;
  const neg: string[] = [];
  const it = new FloatBucketIterator().reset(h, false, 0, h.schema);
  while (it.next()) {
    const b = it.at();
    if (b.count !== 0) neg.push(bucketString(b, formatFloatG));
  }
  for (let i = neg.length - 1; i >= 0; i--) s += `, ${neg[i]!}`;
  if (h.zeroCount !== 0) s += `, ${bucketString(zeroBucket(h), formatFloatG)}`;
  it.reset(h, true, 0, h.schema);
  while (it.next()) {
    const b = it.at();
    if (b.count !== 0) s += `, ${bucketString(b, formatFloatG)}`;
  }
  return `${s}}`;
}

/** Sum of all bucket counts plus the zero count (not `count`, which also counts NaNs). */
export function bucketCountSum(h: FloatHistogram): number {
  const it = new AllFloatBucketIterator().reset(h, false);
  let n = 0;
  while (it.next()) n += it.at().count;
  return n;
}
