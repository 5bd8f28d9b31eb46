/**
 * Bucket-wise addition of one span/bucket layout into another (same schema), as
 * Prometheus's addBuckets and kahanAddBuckets: buckets of B missing in A are inserted,
 * extending an adjacent span or adding a new one; B's buckets whose upper bound is ≤ the
 * zero threshold (exponential schemas only) are skipped, being part of the zero bucket.
 *
 * Contract: mutates spansA/bucketsA/compA and the span objects in spansA in place
 * (insertions via splice); B is only read. Results (the same arrays) are in `added`.
 */
import type { BucketSpan } from '../../model/index.js';
import { kahanInc, kahanLastC } from './kahan.js';
import { getBoundExponential, isExponentialSchema } from './schema.js';

export const added: { spans: BucketSpan[]; buckets: number[]; comp: number[] | null } = { spans: [], buckets: [], comp: null };

/**
 * Adds (or, with `negative`, subtracts) B into A. With compA non-null the addition is
 * compensated (Kahan): compA holds A's compensation terms, compB (optional) B's.
 */
export function addBuckets(
  schema: number, threshold: number, negative: boolean,
  spansA: BucketSpan[], bucketsA: number[],
  spansB: readonly BucketSpan[], bucketsB: readonly number[],
  compA: number[] | null, compB: readonly number[] | null,
): void {
  let iSpan = -1;
  let iBucket = -1;
  let iInSpan = 0;
  let indexA = 0;
  let indexB = 0;
  let bIdxB = 0;
  let lowerThanThreshold = true;
  const exponential = isExponentialSchema(schema);

  for (const spanB of spansB) {
    indexB += spanB.offset;
    for (let j = 0; j < spanB.length; j++, indexA = indexB, indexB++, bIdxB++) {
      if (lowerThanThreshold && exponential && getBoundExponential(indexB, schema) <= threshold) continue;
      lowerThanThreshold = false;

      let bucketB = bucketsB[bIdxB]!;
      let compBucketB = compB !== null ? compB[bIdxB]! : 0;
      if (negative) {
        bucketB *= -1;
        compBucketB *= -1;
      }

      if (iSpan === -1) {
        if (spansA.length === 0 || spansA[0]!.offset > indexB) {
          // Insert before all others.
          bucketsA.splice(0, 0, bucketB);
          if (compA !== null) compA.splice(0, 0, compBucketB);
          if (spansA.length > 0 && spansA[0]!.offset === indexB + 1) {
            spansA[0]!.length++;
            spansA[0]!.offset--;
            continue;
          }
          spansA.splice(0, 0, { offset: indexB, length: 1 });
          // The former first span's offset becomes relative.
          if (spansA.length > 1) spansA[1]!.offset -= indexB + 1;
          continue;
        } else if (spansA[0]!.offset === indexB) {
          addAt(bucketsA, compA, 0, bucketB, compBucketB);
          continue;
        }
        iSpan = 0;
        iBucket = 0;
        iInSpan = 0;
        indexA = spansA[0]!.offset;
      }
      let deltaIndex = indexB - indexA;
      for (;;) {
        const remainingInSpan = spansA[iSpan]!.length - iInSpan;
        if (deltaIndex < remainingInSpan) {
          // In the current span.
          iBucket += deltaIndex;
          iInSpan += deltaIndex;
          addAt(bucketsA, compA, iBucket, bucketB, compBucketB);
          break;
        }
        deltaIndex -= remainingInSpan;
        iBucket += remainingInSpan;
        iSpan++;
        if (iSpan === spansA.length || deltaIndex < spansA[iSpan]!.offset) {
          // In the gap after the previous span (or after all spans).
          bucketsA.splice(iBucket, 0, bucketB);
          if (compA !== null) compA.splice(iBucket, 0, compBucketB);
          if (deltaIndex === 0) {
            // Right after the previous span: extend it.
            if (iSpan < spansA.length) spansA[iSpan]!.offset--;
            iSpan--;
            iInSpan = spansA[iSpan]!.length;
            spansA[iSpan]!.length++;
          } else if (iSpan < spansA.length && deltaIndex === spansA[iSpan]!.offset - 1) {
            // Right before the next span: extend that one.
            iInSpan = 0;
            spansA[iSpan]!.offset--;
            spansA[iSpan]!.length++;
          } else {
            // A new span of its own.
            iInSpan = 0;
            if (iSpan < spansA.length) spansA[iSpan]!.offset -= deltaIndex + 1;
            spansA.splice(iSpan, 0, { offset: deltaIndex, length: 1 });
          }
          break;
        }
        // Try the start of the next span.
        deltaIndex -= spansA[iSpan]!.offset;
        iInSpan = 0;
      }
    }
  }
  added.spans = spansA;
  added.buckets = bucketsA;
  added.comp = compA;
}

function addAt(bucketsA: number[], compA: number[] | null, i: number, b: number, compB: number): void {
  if (compA === null) {
    bucketsA[i] = bucketsA[i]! + b;
    return;
  }
  let s = kahanInc(b, bucketsA[i]!, compA[i]!);
  let c = kahanLastC();
  if (compB !== 0) {
    s = kahanInc(compB, s, c);
    c = kahanLastC();
  }
  bucketsA[i] = s;
  compA[i] = c;
}
