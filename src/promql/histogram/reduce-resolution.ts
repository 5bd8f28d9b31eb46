/**
 * Merging buckets into a lower-resolution exponential schema, as Prometheus's
 * reduceResolution: every bucket of originSchema goes into bucket
 * targetIdx(idx) of targetSchema; spans are rebuilt.
 *
 * Contract: never mutates its inputs; returns new arrays in `reduced`.
 */
import type { BucketSpan } from '../../model/index.js';
import { histogramError } from './errors.js';
import { kahanInc, kahanLastC } from './kahan.js';
import { targetIdx } from './schema.js';

/** Output of the last reduceSpansResolution / kahanReduceSpansResolution call. */
export const reduced: { spans: BucketSpan[]; buckets: number[]; comp: number[] } = { spans: [], buckets: [], comp: [] };

/**
 * Reduces spans/buckets (deltas when `deltaBuckets`) from originSchema to targetSchema
 * (< originSchema). Throws HistogramError on a negative offset after the first span or
 * a span/bucket count mismatch, with Prometheus's messages.
 */
export function reduceSpansResolution(originSpans: readonly BucketSpan[], originBuckets: readonly number[], originSchema: number, targetSchema: number, deltaBuckets: boolean): void {
  const targetSpans: BucketSpan[] = [];
  const targetBuckets: number[] = [];
  let bucketIdx = 0;
  let bucketCountIdx = 0;
  let lastBucketCount = 0;
  let lastTargetBucketIdx = 0;
  let lastTargetBucketCount = 0;
  for (let n = 0; n < originSpans.length; n++) {
    const span = originSpans[n]!;
    if (n > 0 && span.offset < 0) {
      throw histogramError('span-negative-offset', `span number ${n + 1} with offset ${span.offset}`);
    }
    bucketIdx += span.offset;
    for (let j = 0; j < span.length; j++) {
      if (bucketCountIdx >= originBuckets.length) {
        throw histogramError('spans-buckets-mismatch', `have ${originBuckets.length} buckets but spans need more`);
      }
      const b = originBuckets[bucketCountIdx]!;
      const t = targetIdx(bucketIdx, originSchema, targetSchema);
      if (targetSpans.length === 0) {
        targetSpans.push({ offset: t, length: 1 });
        targetBuckets.push(b);
        lastTargetBucketIdx = t;
        lastBucketCount = b;
        lastTargetBucketCount = b;
      } else if (lastTargetBucketIdx === t) {
        if (deltaBuckets) {
          lastBucketCount += b;
          targetBuckets[targetBuckets.length - 1] = targetBuckets[targetBuckets.length - 1]! + lastBucketCount;
          lastTargetBucketCount += lastBucketCount;
        } else {
          targetBuckets[targetBuckets.length - 1] = targetBuckets[targetBuckets.length - 1]! + b;
        }
      } else if (lastTargetBucketIdx + 1 === t) {
        targetSpans[targetSpans.length - 1]!.length++;
        lastTargetBucketIdx++;
        if (deltaBuckets) {
          lastBucketCount += b;
          targetBuckets.push(lastBucketCount - lastTargetBucketCount);
          lastTargetBucketCount = lastBucketCount;
        } else {
          targetBuckets.push(b);
        }
      } else if (lastTargetBucketIdx + 1 < t) {
        targetSpans.push({ offset: t - lastTargetBucketIdx - 1, length: 1 });
        lastTargetBucketIdx = t;
        if (deltaBuckets) {
          lastBucketCount += b;
          targetBuckets.push(lastBucketCount - lastTargetBucketCount);
          lastTargetBucketCount = lastBucketCount;
        } else {
          targetBuckets.push(b);
        }
      }
      // A target index below the last one (an unsorted layout) is dropped, as in Prometheus.
      bucketIdx++;
      bucketCountIdx++;
    }
  }
  if (bucketCountIdx !== originBuckets.length) {
    throw histogramError('spans-buckets-mismatch', `spans need ${bucketCountIdx} buckets, have ${originBuckets.length} buckets`);
  }
  reduced.spans = targetSpans;
  reduced.buckets = targetBuckets;
}

/**
 * Like reduceSpansResolution for float buckets with a parallel Kahan compensation array;
 * merged buckets are summed with compensation. Assumes a valid layout.
 */
export function kahanReduceSpansResolution(originSpans: readonly BucketSpan[], originBuckets: readonly number[], originComp: readonly number[], originSchema: number, targetSchema: number): void {
  const targetSpans: BucketSpan[] = [];
  const targetBuckets: number[] = [];
  const targetComp: number[] = [];
  let bucketIdx = 0;
  let bucketCountIdx = 0;
  let lastTargetBucketIdx = 0;
  for (const span of originSpans) {
    bucketIdx += span.offset;
    for (let j = 0; j < span.length; j++) {
      const t = targetIdx(bucketIdx, originSchema, targetSchema);
      if (targetSpans.length === 0) {
        targetSpans.push({ offset: t, length: 1 });
        targetBuckets.push(originBuckets[bucketCountIdx]!);
        lastTargetBucketIdx = t;
        targetComp.push(originComp[bucketCountIdx]!);
      } else if (lastTargetBucketIdx === t) {
        const last = targetBuckets.length - 1;
        let s = kahanInc(originBuckets[bucketCountIdx]!, targetBuckets[last]!, targetComp[last]!);
        let c = kahanLastC();
        s = kahanInc(originComp[bucketCountIdx]!, s, c);
        c = kahanLastC();
        targetBuckets[last] = s;
        targetComp[last] = c;
      } else if (lastTargetBucketIdx + 1 === t) {
        targetSpans[targetSpans.length - 1]!.length++;
        lastTargetBucketIdx++;
        targetBuckets.push(originBuckets[bucketCountIdx]!);
        targetComp.push(originComp[bucketCountIdx]!);
      } else if (lastTargetBucketIdx + 1 < t) {
        targetSpans.push({ offset: t - lastTargetBucketIdx - 1, length: 1 });
        lastTargetBucketIdx = t;
        targetBuckets.push(originBuckets[bucketCountIdx]!);
        targetComp.push(originComp[bucketCountIdx]!);
      }
      bucketIdx++;
      bucketCountIdx++;
    }
  }
  reduced.spans = targetSpans;
  reduced.buckets = targetBuckets;
  reduced.comp = targetComp;
}
