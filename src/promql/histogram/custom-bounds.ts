/**
 * Custom-bucket (NHCB) histograms with different bounds, as Prometheus 3.14 treats them:
 * instead of failing, addition and subtraction map both histograms onto the intersection of
 * their bounds (each bucket goes to the first common bound ≥ its own upper bound, or to
 * +Inf), and report that they did so (the engine turns that into the "mismatched custom
 * buckets were reconciled" info annotation).
 */
import type { BucketSpan, FloatHistogram } from '../../model/index.js';
import { newBucket, copyBucket } from './bucket.js';
import { FloatBucketIterator } from './iterators.js';
import { kahanDec, kahanInc, kahanLastC } from './kahan.js';
import { CUSTOM_BUCKETS_SCHEMA } from './schema.js';

/** Bounds present in both sorted lists (a new array; empty if either is empty). */
export function intersectCustomBucketBounds(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (a[i]! < b[j]!) {
      i++;
    } else {
      j++;
    }
  }
  return out;
}

/** Result of the last addCustomBucketsWithMismatches call. */
export const mapped: { spans: BucketSpan[]; buckets: number[]; comp: number[] } = { spans: [], buckets: [], comp: [] };

function mapInto(
  target: number[], cTarget: number[], intersected: readonly number[],
  spans: readonly BucketSpan[], buckets: readonly number[], bounds: readonly number[],
  negative: boolean, comp: readonly number[] | null,
): void {
  let srcIdx = 0;
  let bucketIdx = 0;
  let intersectIdx = 0;
  for (const span of spans) {
    srcIdx += span.offset;
    for (let j = 0; j < span.length; j++, srcIdx++, bucketIdx++) {
      if (bucketIdx >= buckets.length) continue;
      const value = buckets[bucketIdx]!;
      let t = target.length - 1; // the +Inf bucket
      if (srcIdx < bounds.length) {
        const srcBound = bounds[srcIdx]!;
        // Both lists are sorted: continue where the previous bucket stopped.
        while (intersectIdx < intersected.length) {
          if (intersected[intersectIdx]! >= srcBound) {
            t = intersectIdx;
            break;
          }
          intersectIdx++;
        }
      }
      if (negative) {
        target[t] = kahanDec(value, target[t]!, cTarget[t]!);
        cTarget[t] = kahanLastC();
      } else {
        target[t] = kahanInc(value, target[t]!, cTarget[t]!);
        cTarget[t] = kahanLastC();
        if (comp !== null) {
          target[t] = kahanInc(comp[bucketIdx]!, target[t]!, cTarget[t]!);
          cTarget[t] = kahanLastC();
        }
      }
    }
  }
}

/**
 * A + B (or A − B) with both mapped onto the intersected bounds, summed with Kahan
 * compensation (A's compensation buckets `compA` included when given). Buckets where both
 * sum and compensation are 0 are left out. New arrays in `mapped`.
 */
export function addCustomBucketsWithMismatches(
  negative: boolean,
  spansA: readonly BucketSpan[], bucketsA: readonly number[], boundsA: readonly number[],
  spansB: readonly BucketSpan[], bucketsB: readonly number[], boundsB: readonly number[],
  compA: readonly number[] | null, intersected: readonly number[],
): void {
  const n = intersected.length + 1;
  const target = new Array<number>(n).fill(0);
  const cTarget = new Array<number>(n).fill(0);
  mapInto(target, cTarget, intersected, spansA, bucketsA, boundsA, false, compA);
  mapInto(target, cTarget, intersected, spansB, bucketsB, boundsB, negative, null);
  const spans: BucketSpan[] = [];
  const buckets: number[] = [];
  const comp: number[] = [];
  let lastIdx = -1;
  for (let i = 0; i < n; i++) {
    if (target[i] === 0 && cTarget[i] === 0) continue;
    buckets.push(target[i]!);
    comp.push(cTarget[i]!);
    if (spans.length > 0 && i === lastIdx + 1) spans[spans.length - 1]!.length++;
    else spans.push({ offset: spans.length > 0 ? i - lastIdx - 1 : i, length: 1 });
    lastIdx = i;
  }
  mapped.spans = spans;
  mapped.buckets = buckets;
  mapped.comp = comp;
}

const currIt = new FloatBucketIterator();
const prevIt = new FloatBucketIterator();

/**
 * Counter reset detection between NHCBs with different bounds: at every common bound, the
 * counts of the current histogram's buckets up to that bound (not yet accounted for) must
 * not be below the previous histogram's.
 */
export function detectResetWithMismatchedCustomBounds(h: FloatHistogram, previous: FloatHistogram): boolean {
  if (h.schema !== CUSTOM_BUCKETS_SCHEMA || previous.schema !== CUSTOM_BUCKETS_SCHEMA) {
    throw new Error('detectResetWithMismatchedCustomBounds called with non-NHCB schema');
  }
  const currBounds = h.customValues;
  const prevBounds = previous.customValues;
  currIt.reset(h, true, 0, CUSTOM_BUCKETS_SCHEMA);
  prevIt.reset(previous, true, 0, CUSTOM_BUCKETS_SCHEMA);
  const curr = new Rollup(currIt);
  const prev = new Rollup(prevIt);
  let ci = 0;
  let pi = 0;
  while (ci <= currBounds.length && pi <= prevBounds.length) {
    const currBound = ci < currBounds.length ? currBounds[ci]! : Infinity;
    const prevBound = pi < prevBounds.length ? prevBounds[pi]! : Infinity;
    if (currBound === prevBound) {
      const currSum = curr.sumUpTo(currBound);
      const prevSum = prev.sumUpTo(currBound);
      if (currSum < prevSum) return true;
      ci++;
      pi++;
    } else if (currBound < prevBound) {
      ci++;
    } else {
      pi++;
    }
  }
  return false;
}

/** Sums bucket counts up to a bound, remembering the first bucket beyond it. */
class Rollup {
  private started = false;
  private hasMore = false;
  private readonly bucket = newBucket();
  constructor(private readonly it: FloatBucketIterator) {}

  sumUpTo(bound: number): number {
    if (this.started && !this.hasMore) return 0;
    if (!this.started) {
      this.started = true;
      if (!this.it.next()) {
        this.hasMore = false;
        return 0;
      }
      copyBucket(this.it.at(), this.bucket);
    }
    let sum = 0;
    while (this.bucket.upper <= bound) {
      sum += this.bucket.count;
      if (!this.it.next()) {
        this.hasMore = false;
        return sum;
      }
      copyBucket(this.it.at(), this.bucket);
    }
    this.hasMore = true;
    return sum;
  }
}
