/**
 * Native histograms as the remote-write receiver takes them: schemas 9..52 (reserved for
 * finer exponential resolutions) are reduced to 8 before storage, as Prometheus does; then
 * the histogram is validated with Prometheus's rules and texts, so that a 400 answer reads as
 * Prometheus's ("positive side: spans need 3 buckets, have 2 buckets: histogram spans specify
 * different number of buckets than provided"). Validation happens here, not only in the
 * storage, because the texts are part of the receiver's answer.
 */
import { CUSTOM_BUCKETS_SCHEMA, formatFloatG, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';

const EXP_MIN = -4;
const EXP_MAX = 8;
const EXP_MIN_RESERVED = -9;
const EXP_MAX_RESERVED = 52;

const ERR_SPANS_BUCKETS = "histogram spans specify different number of buckets than provided";
const ERR_NEG_OFFSET = 'histogram has a span whose offset is negative';
const ERR_NEG_BUCKET = 'histogram has a bucket whose observation count is negative';

/** Go's `%f`: six decimals, `+Inf`/`-Inf`/`NaN` spelled as Go does. */
function goFixed(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return f.toFixed(6);
}

/** Maps an exponential bucket index to the index of the bucket containing it at a lower schema. */
function targetIdx(idx: number, origin: number, target: number): number {
  return ((idx - 1) >> (origin - target)) + 1;
}

/**
 * Merges buckets into the coarser `target` schema. `deltas` for integer histograms (counts
 * delta-encoded before and after). Returns the error text when spans and buckets disagree.
 */
function reduceSide(spans: readonly BucketSpan[], buckets: readonly number[], origin: number, target: number, deltas: boolean): { spans: BucketSpan[]; buckets: number[] } | string {
  const outSpans: BucketSpan[] = [];
  const out: number[] = [];
  let idx = 0, k = 0, lastTarget = 0, lastAbs = 0, lastTargetAbs = 0;
  for (let n = 0; n < spans.length; n++) {
    const span = spans[n]!;
    if (n > 0 && span.offset < 0) return `span number ${n + 1} with offset ${span.offset}: ${ERR_NEG_OFFSET}`;
    idx += span.offset;
    for (let j = 0; j < span.length; j++) {
      if (k >= buckets.length) return `have ${buckets.length} buckets but spans need more: ${ERR_SPANS_BUCKETS}`;
      const b = buckets[k]!;
      const ti = targetIdx(idx, origin, target);
      if (outSpans.length === 0) {
        outSpans.push({ offset: ti, length: 1 });
        out.push(b);
        lastTarget = ti;
        lastAbs = b;
        lastTargetAbs = b;
      } else if (ti === lastTarget) {
        if (deltas) {
          lastAbs += b;
          out[out.length - 1]! += lastAbs;
          lastTargetAbs += lastAbs;
        } else {
          out[out.length - 1]! += b;
        }
      } else {
        if (ti === lastTarget + 1) outSpans[outSpans.length - 1]!.length++;
        else outSpans.push({ offset: ti - lastTarget - 1, length: 1 });
        lastTarget = ti;
        if (deltas) {
          lastAbs += b;
          out.push(lastAbs - lastTargetAbs);
          lastTargetAbs = lastAbs;
        } else {
          out.push(b);
        }
      }
      idx++;
      k++;
    }
  }
  if (k !== buckets.length) return `spans need ${k} buckets, have ${buckets.length} buckets: ${ERR_SPANS_BUCKETS}`;
  return { spans: outSpans, buckets: out };
}

/**
 * Reduces a histogram with a reserved exponential schema above 8 to schema 8, in place.
 * Returns the error text when its spans and buckets disagree, else null (also when nothing
 * needed doing).
 */
export function reduceReservedSchema(h: Histogram | FloatHistogram, isFloat: boolean): string | null {
  if (!(h.schema > EXP_MAX && h.schema <= EXP_MAX_RESERVED)) return null;
  const pos = reduceSide(h.positiveSpans, h.positiveBuckets, h.schema, EXP_MAX, !isFloat);
  if (typeof pos === 'string') return pos;
  const neg = reduceSide(h.negativeSpans, h.negativeBuckets, h.schema, EXP_MAX, !isFloat);
  if (typeof neg === 'string') return neg;
  h.positiveSpans = pos.spans;
  h.positiveBuckets = pos.buckets;
  h.negativeSpans = neg.spans;
  h.negativeBuckets = neg.buckets;
  h.schema = EXP_MAX;
  return null;
}

function checkSpans(spans: readonly BucketSpan[], n: number): string | null {
  let total = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i > 0 && s.offset < 0) return `span number ${i + 1} with offset ${s.offset}: ${ERR_NEG_OFFSET}`;
    total += s.length;
  }
  if (total !== n) return `spans need ${total} buckets, have ${n} buckets: ${ERR_SPANS_BUCKETS}`;
  return null;
}

/** Sums bucket counts into `acc[0]`; returns the error text for a negative bucket. */
function checkBuckets(buckets: readonly number[], deltas: boolean, acc: [number]): string | null {
  let last = 0;
  for (let i = 0; i < buckets.length; i++) {
    const c = deltas ? last + buckets[i]! : buckets[i]!;
    if (c < 0) return `bucket number ${i + 1} has observation count of ${deltas ? String(c) : formatFloatG(c)}: ${ERR_NEG_BUCKET}`;
    last = c;
    acc[0] += c;
  }
  return null;
}

function checkCustomBounds(bounds: readonly number[], spans: readonly BucketSpan[], n: number): string | null {
  let prev = -Infinity;
  for (let i = 0; i < bounds.length; i++) {
    const c = bounds[i]!;
    if (Number.isNaN(c)) return 'histogram custom bounds must not be NaN';
    if (i > 0 && c <= prev) return `previous bound is ${goFixed(prev)} and current is ${goFixed(c)}: histogram custom bounds must be in strictly increasing order`;
    prev = c;
  }
  if (prev === Infinity) return 'last +Inf bound must not be explicitly defined: histogram custom bounds must be finite';
  let total = 0, totalLen = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (s.offset < 0) return `span number ${i + 1} with offset ${s.offset}: ${ERR_NEG_OFFSET}`;
    total += s.length;
    totalLen += s.length + s.offset;
  }
  if (total !== n) return `spans need ${total} buckets, have ${n} buckets: ${ERR_SPANS_BUCKETS}`;
  if (bounds.length + 1 < totalLen) {
    return `only ${bounds.length} custom bounds defined which is insufficient to cover total span length of ${totalLen}: histogram custom bounds are too few`;
  }
  return null;
}

/** Prometheus's `Histogram.Validate` / `FloatHistogram.Validate`; returns the error text or null. */
export function validateHistogram(h: Histogram | FloatHistogram, isFloat: boolean): string | null {
  const neg: [number] = [0], pos: [number] = [0];
  let e: string | null;
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    if ((e = checkCustomBounds(h.customValues, h.positiveSpans, h.positiveBuckets.length)) !== null) return `custom buckets: ${e}`;
    if (h.zeroCount !== 0) return 'custom buckets: must have zero count of 0';
    if (h.zeroThreshold !== 0) return 'custom buckets: must have zero threshold of 0';
    if (h.negativeSpans.length > 0) return 'custom buckets: must not have negative spans';
    if (h.negativeBuckets.length > 0) return 'custom buckets: must not have negative buckets';
  } else if (h.schema >= EXP_MIN && h.schema <= EXP_MAX) {
    if ((e = checkSpans(h.positiveSpans, h.positiveBuckets.length)) !== null) return `positive side: ${e}`;
    if ((e = checkSpans(h.negativeSpans, h.negativeBuckets.length)) !== null) return `negative side: ${e}`;
    if ((e = checkBuckets(h.negativeBuckets, !isFloat, neg)) !== null) return `negative side: ${e}`;
    if (isFloat && h.zeroCount < 0) return `zero bucket has observation count of ${formatFloatG(h.zeroCount)}: ${ERR_NEG_BUCKET}`;
    if (h.customValues.length > 0) return 'histogram with exponential schema must not have custom bounds';
  } else {
    return `histogram has an invalid schema, which must be between ${EXP_MIN} and ${EXP_MAX} for exponential buckets, or ${CUSTOM_BUCKETS_SCHEMA} for custom buckets, got schema ${h.schema}`;
  }
  if (isFloat) {
    if (h.count < 0) return `observation count is  ${formatFloatG(h.count)}: histogram's observation count is negative`;
    if ((e = checkBuckets(h.positiveBuckets, false, pos)) !== null) return `positive side: ${e}`;
    return null;
  }
  if ((e = checkBuckets(h.positiveBuckets, true, pos)) !== null) return `positive side: ${e}`;
  const inBuckets = neg[0] + pos[0] + h.zeroCount;
  if (Number.isNaN(h.sum)) {
    if (inBuckets > h.count) {
      return `${inBuckets} observations found in buckets, but the Count field is ${h.count}: histogram's observation count should be at least the number of observations found in the buckets`;
    }
  } else if (inBuckets !== h.count) {
    return `${inBuckets} observations found in buckets, but the Count field is ${h.count}: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)`;
  }
  return null;
}

/** Whether a schema is one the receiver knows (exponential, reserved exponential, or custom buckets). */
export function isKnownSchema(s: number): boolean {
  return s === CUSTOM_BUCKETS_SCHEMA || (s >= EXP_MIN_RESERVED && s <= EXP_MAX_RESERVED);
}
