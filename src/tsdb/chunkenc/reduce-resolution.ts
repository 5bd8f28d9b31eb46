/**
 * Lowers the resolution of exponential buckets, merging 2^(origin-target) neighbours into one
 * bucket. Chunks written by a newer Prometheus may hold schemas 9..52; readers here hand them
 * out at schema 8, as Prometheus does.
 */
import type { BucketSpan } from '../../model/index.js';

/** The index at `target` schema of the bucket with index `idx` at `origin` schema (origin > target). */
function targetIdx(idx: number, origin: number, target: number): number {
  return Math.floor((idx - 1) / 2 ** (origin - target)) + 1;
}

export interface Reduced {
  spans: BucketSpan[];
  buckets: number[];
}

/**
 * Merges buckets from `origin` down to `target` schema. `deltas` says whether the bucket
 * values are delta-encoded (integer histograms) or absolute (float histograms).
 */
export function reduceResolution(
  spans: readonly BucketSpan[], buckets: ArrayLike<number>, origin: number, target: number, deltas: boolean,
): Reduced {
  const outSpans: BucketSpan[] = [];
  const out: number[] = [];
  let bucketIdx = 0;
  let k = 0;
  let lastTarget = 0;
  let lastCount = 0; // Absolute count of the last origin bucket (deltas only).
  let lastTargetCount = 0; // Absolute count of the last target bucket (deltas only).
  for (let n = 0; n < spans.length; n++) {
    const span = spans[n]!;
    if (n > 0 && span.offset < 0) throw new Error(`span number ${n + 1} with offset ${span.offset}: histogram has a span whose offset is negative`);
    bucketIdx += span.offset;
    for (let j = 0; j < span.length; j++, bucketIdx++, k++) {
      if (k >= buckets.length) throw new Error(`have ${buckets.length} buckets but spans need more`);
      const v = buckets[k]!;
      const ti = targetIdx(bucketIdx, origin, target);
      if (outSpans.length === 0) {
        outSpans.push({ offset: ti, length: 1 });
        out.push(v);
        lastTarget = ti;
        lastCount = v;
        lastTargetCount = v;
      } else if (ti === lastTarget) {
        if (deltas) {
          lastCount += v;
          out[out.length - 1]! += lastCount;
          lastTargetCount += lastCount;
        } else {
          out[out.length - 1]! += v;
        }
      } else {
        if (ti === lastTarget + 1) {
          outSpans[outSpans.length - 1]!.length++;
        } else {
          outSpans.push({ offset: ti - lastTarget - 1, length: 1 });
        }
        lastTarget = ti;
        if (deltas) {
          lastCount += v;
          out.push(lastCount - lastTargetCount);
          lastTargetCount = lastCount;
        } else {
          out.push(v);
        }
      }
    }
  }
  if (k !== buckets.length) throw new Error(`spans need ${k} buckets, have ${buckets.length} buckets`);
  return { spans: outSpans, buckets: out };
}
