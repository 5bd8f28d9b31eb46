/**
 * What the head needs of native histograms besides the chunk codecs: Prometheus's append-time
 * validation (with its error texts), exact equality for the duplicate-sample rule, and deep
 * copies (the head keeps the last histogram of a series, and callers may reuse theirs).
 */
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';

export type AnyHistogram = Histogram | FloatHistogram;

export function cloneHistogram<H extends AnyHistogram>(h: H): H {
  return {
    counterResetHint: h.counterResetHint, schema: h.schema, zeroThreshold: h.zeroThreshold, zeroCount: h.zeroCount,
    count: h.count, sum: h.sum,
    positiveSpans: cloneSpans(h.positiveSpans), negativeSpans: cloneSpans(h.negativeSpans),
    positiveBuckets: h.positiveBuckets.slice(), negativeBuckets: h.negativeBuckets.slice(), customValues: h.customValues.slice(),
  } as H;
}

function cloneSpans(s: readonly BucketSpan[]): BucketSpan[] {
  const out: BucketSpan[] = new Array<BucketSpan>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = { offset: s[i]!.offset, length: s[i]!.length };
  return out;
}

/** Prometheus's stale histogram marker: no buckets, the stale NaN as sum. */
export function staleHistogram(): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: NaN,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
  };
}

function spansEqual(a: readonly BucketSpan[], b: readonly BucketSpan[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.offset !== b[i]!.offset || a[i]!.length !== b[i]!.length) return false;
  return true;
}

function numbersEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Equal layout and values (the sum compared like bits, so NaN equals NaN); the reset hint does not count, as in Prometheus. */
export function histogramsEqual(a: AnyHistogram, b: AnyHistogram): boolean {
  return a.schema === b.schema && Object.is(a.zeroThreshold, b.zeroThreshold) && Object.is(a.zeroCount, b.zeroCount)
    && Object.is(a.count, b.count) && Object.is(a.sum, b.sum)
    && spansEqual(a.positiveSpans, b.positiveSpans) && spansEqual(a.negativeSpans, b.negativeSpans)
    && numbersEqual(a.positiveBuckets, b.positiveBuckets) && numbersEqual(a.negativeBuckets, b.negativeBuckets)
    && numbersEqual(a.customValues, b.customValues);
}

function checkSpans(spans: readonly BucketSpan[], n: number): string | null {
  let need = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i > 0 && s.offset < 0) return `span number ${i + 1} with offset ${s.offset}: histogram has a span whose offset is negative`;
    need += s.length;
  }
  if (need !== n) return `spans need ${need} buckets, have ${n} buckets: histogram spans specify different number of buckets than provided`;
  return null;
}

/** Go's %f: six decimals. */
function goF(x: number): string {
  return Number.isFinite(x) ? x.toFixed(6) : x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN';
}

function checkCustomBounds(bounds: readonly number[], spans: readonly BucketSpan[], n: number): string | null {
  let prev = -Infinity;
  for (let i = 0; i < bounds.length; i++) {
    const cur = bounds[i]!;
    if (Number.isNaN(cur)) return 'histogram custom bounds must not be NaN';
    if (i > 0 && cur <= prev) return `previous bound is ${goF(prev)} and current is ${goF(cur)}: histogram custom bounds must be in strictly increasing order`;
    prev = cur;
  }
  if (prev === Infinity) return 'last +Inf bound must not be explicitly defined: histogram custom bounds must be finite';
  let need = 0, total = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (s.offset < 0) return `span number ${i + 1} with offset ${s.offset}: histogram has a span whose offset is negative`;
    need += s.length;
    total += s.length + s.offset;
  }
  if (need !== n) return `spans need ${need} buckets, have ${n} buckets: histogram spans specify different number of buckets than provided`;
  if (bounds.length + 1 < total) return `only ${bounds.length} custom bounds defined which is insufficient to cover total span length of ${total}: histogram custom bounds are too few`;
  return null;
}

const sumOut = { v: 0 };

function checkBuckets(b: readonly number[], deltas: boolean): string | null {
  let last = 0, total = 0;
  for (let i = 0; i < b.length; i++) {
    const c = deltas ? last + b[i]! : b[i]!;
    if (c < 0) return `bucket number ${i + 1} has observation count of ${c}: histogram has a bucket whose observation count is negative`;
    last = c;
    total += c;
  }
  sumOut.v = total;
  return null;
}

/** Prometheus's `Validate` of an integer (`isFloat` false) or float histogram; the error text, or null. */
export function validateHistogram(h: AnyHistogram, isFloat: boolean): string | null {
  let e: string | null;
  let neg = 0;
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    if ((e = checkCustomBounds(h.customValues, h.positiveSpans, h.positiveBuckets.length)) !== null) return `custom buckets: ${e}`;
    if (h.zeroCount !== 0) return 'custom buckets: must have zero count of 0';
    if (h.zeroThreshold !== 0) return 'custom buckets: must have zero threshold of 0';
    if (h.negativeSpans.length > 0) return 'custom buckets: must not have negative spans';
    if (h.negativeBuckets.length > 0) return 'custom buckets: must not have negative buckets';
  } else if (Number.isInteger(h.schema) && h.schema >= -4 && h.schema <= 8) {
    if ((e = checkSpans(h.positiveSpans, h.positiveBuckets.length)) !== null) return `positive side: ${e}`;
    if ((e = checkSpans(h.negativeSpans, h.negativeBuckets.length)) !== null) return `negative side: ${e}`;
    if ((e = checkBuckets(h.negativeBuckets, !isFloat)) !== null) return `negative side: ${e}`;
    neg = sumOut.v;
    if (isFloat && h.zeroCount < 0) return `zero bucket has observation count of ${h.zeroCount}: histogram has a bucket whose observation count is negative`;
    if (h.customValues.length > 0) return 'histogram with exponential schema must not have custom bounds';
  } else {
    return `histogram has an invalid schema, which must be between -4 and 8 for exponential buckets, or -53 for custom buckets, got schema ${h.schema}`;
  }
  if (isFloat && h.count < 0) return `observation count is  ${h.count}: histogram's observation count is negative`;
  if ((e = checkBuckets(h.positiveBuckets, !isFloat)) !== null) return `positive side: ${e}`;
  if (isFloat) return null;
  const inBuckets = neg + sumOut.v + h.zeroCount;
  if (Number.isNaN(h.sum)) {
    if (inBuckets > h.count) return `${inBuckets} observations found in buckets, but the Count field is ${h.count}: histogram's observation count should be at least the number of observations found in the buckets`;
  } else if (inBuckets !== h.count) {
    return `${inBuckets} observations found in buckets, but the Count field is ${h.count}: histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)`;
  }
  return null;
}
