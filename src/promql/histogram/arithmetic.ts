/**
 * Addition and subtraction of float histograms, as Prometheus's FloatHistogram.Add, Sub and
 * KahanAdd:
 *  - exponential and custom-bucket histograms cannot be combined: the result is an error of
 *    kind 'incompatible-schema' (the engine reports Prometheus's "vector contains a mix of
 *    histograms with exponential and custom buckets schemas" warning, or for binary
 *    operators "incompatible bucket layout encountered for binary operator");
 *  - exponential schemas are reconciled to the lower resolution, zero buckets to the wider
 *    threshold (see zero-bucket.ts);
 *  - custom buckets with different bounds are mapped onto the common bounds
 *    (`nhcbBoundsReconciled`, reported as the "mismatched custom buckets were reconciled
 *    during addition|subtraction|aggregation" info);
 *  - counter reset hints combine as in Prometheus (see adjustCounterReset); a CounterReset
 *    meeting a NotCounterReset yields Unknown and `counterResetCollision` (reported as the
 *    "conflicting counter resets during histogram addition|subtraction" warning).
 * The result may contain empty buckets and adjacent spans; compact it (compactInPlace(h, 0))
 * as PromQL does before returning it.
 *
 * Mutation contract: `addInPlace`, `subInPlace` and `kahanAddInPlace` mutate their first
 * argument (and the compensation histogram), never `other`. `add`/`sub` work on a copy.
 * Allocation: outcomes are shared frozen objects; bucket arrays grow in place where possible.
 */
import type { FloatHistogram } from '../../model/index.js';
import { CounterResetHint } from '../../model/index.js';
import { addBuckets, added } from './add-buckets.js';
import { addCustomBucketsWithMismatches, intersectCustomBucketBounds, mapped } from './custom-bounds.js';
import { ERR_INCOMPATIBLE_SCHEMA, type HistogramError } from './errors.js';
import { compactInPlace, copyFloatHistogram } from './float-histogram.js';
import { kahanInc, kahanLastC } from './kahan.js';
import { kahanReduceSpansResolution, reduceSpansResolution, reduced } from './reduce-resolution.js';
import { customBucketBoundsMatch, isCustomBucketsSchema } from './schema.js';
import { reconcileZeroBuckets, reconciledOther } from './zero-bucket.js';

export type ArithmeticResult =
  | { readonly ok: true; readonly counterResetCollision: boolean; readonly nhcbBoundsReconciled: boolean }
  | { readonly ok: false; readonly error: HistogramError };

export type KahanAddResult =
  | {
    readonly ok: true;
    /** The compensation histogram: the one passed in, or a new one if null was passed. */
    readonly c: FloatHistogram;
    readonly counterResetCollision: boolean;
    readonly nhcbBoundsReconciled: boolean;
  }
  | { readonly ok: false; readonly error: HistogramError };

const OUTCOMES: readonly ArithmeticResult[] = [
  Object.freeze({ ok: true, counterResetCollision: false, nhcbBoundsReconciled: false }),
  Object.freeze({ ok: true, counterResetCollision: true, nhcbBoundsReconciled: false }),
  Object.freeze({ ok: true, counterResetCollision: false, nhcbBoundsReconciled: true }),
  Object.freeze({ ok: true, counterResetCollision: true, nhcbBoundsReconciled: true }),
];
const INCOMPATIBLE: ArithmeticResult = Object.freeze({ ok: false, error: ERR_INCOMPATIBLE_SCHEMA });
const KAHAN_INCOMPATIBLE: KahanAddResult = Object.freeze({ ok: false, error: ERR_INCOMPATIBLE_SCHEMA });

function outcome(collision: boolean, reconciled: boolean): ArithmeticResult {
  return OUTCOMES[(collision ? 1 : 0) + (reconciled ? 2 : 0)]!;
}

/**
 * Combines h's counter reset hint with other's for an addition or subtraction, setting h's:
 * equal hints stay; Gauge on either side wins; otherwise Unknown on either side gives
 * Unknown; CounterReset vs NotCounterReset gives Unknown and returns true (a collision).
 */
export function adjustCounterReset(h: FloatHistogram, other: FloatHistogram): boolean {
  const a = h.counterResetHint;
  const b = other.counterResetHint;
  if (b === a || a === CounterResetHint.Gauge) return false;
  if (b === CounterResetHint.Gauge) {
    h.counterResetHint = CounterResetHint.Gauge;
    return false;
  }
  if (a === CounterResetHint.Unknown) return false;
  h.counterResetHint = CounterResetHint.Unknown;
  return b !== CounterResetHint.Unknown;
}

/**
 * Tracks the hints of histograms going into a sum or avg (aggregation or _over_time), for
 * Prometheus's rule: the "conflicting counter resets during histogram aggregation" warning
 * is due when the inputs (the first one included) carry both an explicit CounterReset and
 * an explicit NotCounterReset hint.
 */
export class CounterResetHintTracker {
  counterResetSeen = false;
  notCounterResetSeen = false;

  /** Notes the hint of one input histogram. */
  note(h: FloatHistogram): void {
    if (h.counterResetHint === CounterResetHint.CounterReset) this.counterResetSeen = true;
    else if (h.counterResetHint === CounterResetHint.NotCounterReset) this.notCounterResetSeen = true;
  }

  /** True when the collision warning is due. */
  collided(): boolean {
    return this.counterResetSeen && this.notCounterResetSeen;
  }

  reset(): void {
    this.counterResetSeen = false;
    this.notCounterResetSeen = false;
  }
}

function addOrSubInPlace(h: FloatHistogram, other: FloatHistogram, negative: boolean): ArithmeticResult {
  if (isCustomBucketsSchema(h.schema) !== isCustomBucketsSchema(other.schema)) return INCOMPATIBLE;
  const collision = adjustCounterReset(h, other);
  const custom = isCustomBucketsSchema(h.schema);
  if (!custom) {
    reconcileZeroBuckets(h, other, null);
    if (negative) h.zeroCount -= reconciledOther.zeroCount;
    else h.zeroCount += reconciledOther.zeroCount;
  }
  if (negative) {
    h.count -= other.count;
    h.sum -= other.sum;
  } else {
    h.count += other.count;
    h.sum += other.sum;
  }
  if (custom) {
    if (customBucketBoundsMatch(h.customValues, other.customValues)) {
      addBuckets(h.schema, h.zeroThreshold, negative, h.positiveSpans, h.positiveBuckets, other.positiveSpans, other.positiveBuckets, null, null);
      h.positiveSpans = added.spans;
      h.positiveBuckets = added.buckets;
      return outcome(collision, false);
    }
    const intersected = intersectCustomBucketBounds(h.customValues, other.customValues);
    addCustomBucketsWithMismatches(negative, h.positiveSpans, h.positiveBuckets, h.customValues, other.positiveSpans, other.positiveBuckets, other.customValues, null, intersected);
    // Plain add/sub keeps the compensated sums but drops their compensation, as Prometheus.
    h.positiveSpans = mapped.spans;
    h.positiveBuckets = mapped.buckets;
    h.customValues = intersected;
    return outcome(collision, true);
  }
  let oPosSpans = other.positiveSpans, oPosBuckets = other.positiveBuckets;
  let oNegSpans = other.negativeSpans, oNegBuckets = other.negativeBuckets;
  if (other.schema < h.schema) {
    reduceSpansResolution(h.positiveSpans, h.positiveBuckets, h.schema, other.schema, false);
    h.positiveSpans = reduced.spans;
    h.positiveBuckets = reduced.buckets;
    reduceSpansResolution(h.negativeSpans, h.negativeBuckets, h.schema, other.schema, false);
    h.negativeSpans = reduced.spans;
    h.negativeBuckets = reduced.buckets;
    h.schema = other.schema;
  } else if (other.schema > h.schema) {
    reduceSpansResolution(oPosSpans, oPosBuckets, other.schema, h.schema, false);
    oPosSpans = reduced.spans;
    oPosBuckets = reduced.buckets;
    reduceSpansResolution(oNegSpans, oNegBuckets, other.schema, h.schema, false);
    oNegSpans = reduced.spans;
    oNegBuckets = reduced.buckets;
  }
  addBuckets(h.schema, h.zeroThreshold, negative, h.positiveSpans, h.positiveBuckets, oPosSpans, oPosBuckets, null, null);
  h.positiveSpans = added.spans;
  h.positiveBuckets = added.buckets;
  addBuckets(h.schema, h.zeroThreshold, negative, h.negativeSpans, h.negativeBuckets, oNegSpans, oNegBuckets, null, null);
  h.negativeSpans = added.spans;
  h.negativeBuckets = added.buckets;
  return outcome(collision, false);
}

/** h += other (Prometheus's Add). Mutates h only. */
export function addInPlace(h: FloatHistogram, other: FloatHistogram): ArithmeticResult {
  return addOrSubInPlace(h, other, false);
}

/**
 * h −= other (Prometheus's Sub). Mutates h only. The hint follows the addition rules; the
 * PromQL `-` operator then marks its result as a gauge (see `sub`).
 */
export function subInPlace(h: FloatHistogram, other: FloatHistogram): ArithmeticResult {
  return addOrSubInPlace(h, other, true);
}

/** The PromQL `+` of two histograms: a + b, compacted; a and b untouched. */
export function add(a: FloatHistogram, b: FloatHistogram): { result: FloatHistogram | null; outcome: ArithmeticResult } {
  const h = copyFloatHistogram(a);
  const r = addInPlace(h, b);
  if (!r.ok) return { result: null, outcome: r };
  return { result: compactAfter(h), outcome: r };
}

/** The PromQL `-` of two histograms: a − b as a gauge histogram, compacted; a and b untouched. */
export function sub(a: FloatHistogram, b: FloatHistogram): { result: FloatHistogram | null; outcome: ArithmeticResult } {
  const h = copyFloatHistogram(a);
  const r = subInPlace(h, b);
  if (!r.ok) return { result: null, outcome: r };
  h.counterResetHint = CounterResetHint.Gauge;
  return { result: compactAfter(h), outcome: r };
}

function compactAfter(h: FloatHistogram): FloatHistogram {
  return compactInPlace(h, 0);
}

/**
 * A compensation histogram for kahanAddInPlace: h's layout (sharing h's span arrays, as
 * Prometheus does), all values 0.
 */
export function newCompensationHistogram(h: FloatHistogram): FloatHistogram {
  const custom = isCustomBucketsSchema(h.schema);
  return {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: h.positiveSpans,
    negativeSpans: h.negativeSpans,
    positiveBuckets: new Array<number>(h.positiveBuckets.length).fill(0),
    negativeBuckets: custom ? [] : new Array<number>(h.negativeBuckets.length).fill(0),
    customValues: h.customValues,
  };
}

/**
 * h += other with Kahan compensation kept in `c` (Prometheus's KahanAdd), as PromQL's sum
 * and avg do; the final value is addInPlace(h, c). `c` must have h's layout (it is kept in
 * step: same schema, threshold, spans); pass null to start, then pass back the returned c.
 * Mutates h and c, never other. Afterwards c shares h's span arrays (as in Prometheus): add
 * c into h (or copy c) before compacting h, or c's layout no longer matches its buckets.
 */
export function kahanAddInPlace(h: FloatHistogram, other: FloatHistogram, cIn: FloatHistogram | null): KahanAddResult {
  if (isCustomBucketsSchema(h.schema) !== isCustomBucketsSchema(other.schema)) return KAHAN_INCOMPATIBLE;
  const collision = adjustCounterReset(h, other);
  const c = cIn ?? newCompensationHistogram(h);
  const custom = isCustomBucketsSchema(h.schema);
  if (!custom) {
    reconcileZeroBuckets(h, other, c);
    h.zeroCount = kahanInc(reconciledOther.zeroCount, h.zeroCount, c.zeroCount);
    c.zeroCount = kahanLastC();
    h.zeroCount = kahanInc(reconciledOther.cZeroCount, h.zeroCount, c.zeroCount);
    c.zeroCount = kahanLastC();
  }
  h.count = kahanInc(other.count, h.count, c.count);
  c.count = kahanLastC();
  h.sum = kahanInc(other.sum, h.sum, c.sum);
  c.sum = kahanLastC();

  if (custom) {
    let reconciled = false;
    if (customBucketBoundsMatch(h.customValues, other.customValues)) {
      addBuckets(h.schema, h.zeroThreshold, false, h.positiveSpans, h.positiveBuckets, other.positiveSpans, other.positiveBuckets, c.positiveBuckets, null);
      h.positiveSpans = added.spans;
      h.positiveBuckets = added.buckets;
      c.positiveBuckets = added.comp!;
    } else {
      reconciled = true;
      const intersected = intersectCustomBucketBounds(h.customValues, other.customValues);
      addCustomBucketsWithMismatches(false, h.positiveSpans, h.positiveBuckets, h.customValues, other.positiveSpans, other.positiveBuckets, other.customValues, c.positiveBuckets, intersected);
      h.positiveSpans = mapped.spans;
      h.positiveBuckets = mapped.buckets;
      c.positiveBuckets = mapped.comp;
      h.customValues = intersected;
      c.customValues = intersected;
    }
    c.positiveSpans = h.positiveSpans;
    return { ok: true, c, counterResetCollision: collision, nhcbBoundsReconciled: reconciled };
  }

  let oPosSpans = other.positiveSpans, oPosBuckets = other.positiveBuckets;
  let oNegSpans = other.negativeSpans, oNegBuckets = other.negativeBuckets;
  let oPosComp: number[] | null = null;
  let oNegComp: number[] | null = null;
  if (other.schema < h.schema) {
    kahanReduceSpansResolution(h.positiveSpans, h.positiveBuckets, c.positiveBuckets, h.schema, other.schema);
    h.positiveSpans = reduced.spans;
    h.positiveBuckets = reduced.buckets;
    c.positiveBuckets = reduced.comp;
    kahanReduceSpansResolution(h.negativeSpans, h.negativeBuckets, c.negativeBuckets, h.schema, other.schema);
    h.negativeSpans = reduced.spans;
    h.negativeBuckets = reduced.buckets;
    c.negativeBuckets = reduced.comp;
    h.schema = other.schema;
  } else if (other.schema > h.schema) {
    if (oPosBuckets.length > 0) {
      kahanReduceSpansResolution(oPosSpans, oPosBuckets, new Array<number>(oPosBuckets.length).fill(0), other.schema, h.schema);
      oPosSpans = reduced.spans;
      oPosBuckets = reduced.buckets;
      oPosComp = reduced.comp;
    }
    if (oNegBuckets.length > 0) {
      kahanReduceSpansResolution(oNegSpans, oNegBuckets, new Array<number>(oNegBuckets.length).fill(0), other.schema, h.schema);
      oNegSpans = reduced.spans;
      oNegBuckets = reduced.buckets;
      oNegComp = reduced.comp;
    }
  }
  addBuckets(h.schema, h.zeroThreshold, false, h.positiveSpans, h.positiveBuckets, oPosSpans, oPosBuckets, c.positiveBuckets, oPosComp);
  h.positiveSpans = added.spans;
  h.positiveBuckets = added.buckets;
  c.positiveBuckets = added.comp!;
  addBuckets(h.schema, h.zeroThreshold, false, h.negativeSpans, h.negativeBuckets, oNegSpans, oNegBuckets, c.negativeBuckets, oNegComp);
  h.negativeSpans = added.spans;
  h.negativeBuckets = added.buckets;
  c.negativeBuckets = added.comp!;

  c.schema = h.schema;
  c.zeroThreshold = h.zeroThreshold;
  c.positiveSpans = h.positiveSpans;
  c.negativeSpans = h.negativeSpans;
  return { ok: true, c, counterResetCollision: collision, nhcbBoundsReconciled: false };
}
