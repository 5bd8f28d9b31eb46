/**
 * Zero-bucket reconciliation for addition and subtraction, as Prometheus does it: the wider
 * zero threshold wins, buckets of the narrower histogram inside it are merged into its zero
 * count, and a threshold that would cut through a populated bucket is widened to that
 * bucket's far bound (repeatedly, until it sits on a bucket boundary in both histograms).
 */
import type { FloatHistogram } from '../../model/index.js';
import { kahanCompactInPlace, compactInPlace } from './float-histogram.js';
import { kahanInc, kahanLastC } from './kahan.js';
import { FloatBucketIterator } from './iterators.js';

const it = new FloatBucketIterator();

/** Results of the last zeroCountForLargerThreshold call. */
const zc = { count: 0, threshold: 0, cCount: 0 };

/**
 * What h's zero count would be with the larger (or equal) threshold, and the threshold
 * itself after widening out of populated buckets; with `c`, also the matching Kahan
 * compensation. Results in `zc`. Throws if the threshold is smaller than h's.
 */
function zeroCountForLargerThreshold(h: FloatHistogram, largerThreshold: number, c: FloatHistogram | null): void {
  let cZeroCount = c !== null ? c.zeroCount : 0;
  if (largerThreshold === h.zeroThreshold) {
    zc.count = h.zeroCount;
    zc.threshold = largerThreshold;
    zc.cCount = cZeroCount;
    return;
  }
  if (largerThreshold < h.zeroThreshold) {
    throw new Error(`new threshold ${largerThreshold} is less than old threshold ${h.zeroThreshold}`);
  }
  outer: for (;;) {
    // The compensation keeps accumulating across restarts, as in Prometheus.
    let hZeroCount = h.zeroCount;
    it.reset(h, true, 0, h.schema);
    let bucketsIdx = 0;
    while (it.next()) {
      const b = it.at();
      if (b.lower >= largerThreshold) break;
      hZeroCount = kahanInc(b.count, hZeroCount, cZeroCount);
      cZeroCount = kahanLastC();
      if (c !== null) {
        hZeroCount = kahanInc(c.positiveBuckets[bucketsIdx]!, hZeroCount, cZeroCount);
        cZeroCount = kahanLastC();
      }
      if (b.upper > largerThreshold) {
        // The threshold falls inside this bucket: if populated, widen to its upper bound.
        if (b.count !== 0) largerThreshold = b.upper;
        break;
      }
      bucketsIdx++;
    }
    it.reset(h, false, 0, h.schema);
    bucketsIdx = 0;
    while (it.next()) {
      const b = it.at();
      if (b.upper <= -largerThreshold) break;
      hZeroCount = kahanInc(b.count, hZeroCount, cZeroCount);
      cZeroCount = kahanLastC();
      if (c !== null) {
        hZeroCount = kahanInc(c.negativeBuckets[bucketsIdx]!, hZeroCount, cZeroCount);
        cZeroCount = kahanLastC();
      }
      if (b.lower < -largerThreshold) {
        // Inside a populated negative bucket: widen and redo the positive side too.
        if (b.count !== 0) {
          largerThreshold = -b.lower;
          continue outer;
        }
        break;
      }
      bucketsIdx++;
    }
    zc.count = hZeroCount;
    zc.threshold = largerThreshold;
    zc.cCount = cZeroCount;
    return;
  }
}

/**
 * Zeroes the buckets inside h's zero bucket (their counts are already in the zero count)
 * and compacts them away, together with c's.
 */
function trimBucketsInZeroBucket(h: FloatHistogram, c: FloatHistogram | null): void {
  it.reset(h, true, 0, h.schema);
  let i = 0;
  while (it.next()) {
    if (it.at().lower >= h.zeroThreshold) break;
    h.positiveBuckets[i] = 0;
    if (c !== null) c.positiveBuckets[i] = 0;
    i++;
  }
  it.reset(h, false, 0, h.schema);
  i = 0;
  while (it.next()) {
    if (it.at().upper <= -h.zeroThreshold) break;
    h.negativeBuckets[i] = 0;
    if (c !== null) c.negativeBuckets[i] = 0;
    i++;
  }
  if (c !== null) kahanCompactInPlace(h, c, 0);
  else compactInPlace(h, 0);
}

/** Zero count (and compensation) `other` would have after reconcileZeroBuckets. */
export const reconciledOther = { zeroCount: 0, cZeroCount: 0 };

/**
 * Widens h's zero bucket (mutating h, and c with it) until it matches the one `other` would
 * have; `other` is left alone, its would-be zero count lands in `reconciledOther`.
 */
export function reconcileZeroBuckets(h: FloatHistogram, other: FloatHistogram, c: FloatHistogram | null): void {
  let otherZeroCount = other.zeroCount;
  let otherZeroThreshold = other.zeroThreshold;
  let otherCZeroCount = 0;
  while (otherZeroThreshold !== h.zeroThreshold) {
    if (h.zeroThreshold > otherZeroThreshold) {
      zeroCountForLargerThreshold(other, h.zeroThreshold, null);
      otherZeroCount = zc.count;
      otherZeroThreshold = zc.threshold;
      otherCZeroCount = zc.cCount;
    }
    if (otherZeroThreshold > h.zeroThreshold) {
      zeroCountForLargerThreshold(h, otherZeroThreshold, c);
      h.zeroCount = zc.count;
      h.zeroThreshold = zc.threshold;
      if (c !== null) c.zeroCount = zc.cCount;
      trimBucketsInZeroBucket(h, c);
    }
  }
  reconciledOther.zeroCount = otherZeroCount;
  reconciledOther.cZeroCount = otherCZeroCount;
}

/**
 * For counter reset detection: the zero count `previous` would have with `threshold`, or
 * null when the threshold cuts through a populated bucket of `previous` (which only a
 * reset can explain).
 */
export function zeroCountAtThreshold(previous: FloatHistogram, threshold: number): number | null {
  zeroCountForLargerThreshold(previous, threshold, null);
  return zc.threshold === threshold ? zc.count : null;
}
