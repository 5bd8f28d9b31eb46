/**
 * Compaction of spans and buckets, shared by float (absolute counts) and integer
 * (delta-encoded counts) histograms, as Prometheus's compactBuckets: empty buckets at the
 * start and end of spans are cut, zero-length spans and zero offsets are merged, runs of
 * more than maxEmptyBuckets empty buckets inside a span split it, and spans at most
 * maxEmptyBuckets apart are joined (filling the gap with empty buckets).
 *
 * Contract: works in place on the given arrays and on the span objects in them (the
 * caller must own them), but may also return new arrays; always use the returned ones
 * (in `compacted`).
 */
import type { BucketSpan } from '../../model/index.js';

/** Output slots of the last compactBuckets call (avoids a result allocation). */
export const compacted: { buckets: number[]; comp: number[] | null; spans: BucketSpan[] } = { buckets: [], comp: null, spans: [] };

/**
 * Compacts `buckets` (deltas when `deltaBuckets`) and the parallel Kahan compensation
 * buckets `comp` (float only, or null) described by `spans`. Results land in `compacted`.
 */
export function compactBuckets(buckets: number[], comp: number[] | null, spans: BucketSpan[], maxEmptyBuckets: number, deltaBuckets: boolean): void {
  if (deltaBuckets && comp !== null) throw new Error('histogram type mismatch: deltaBuckets cannot be true when compensationBuckets is provided');
  if (comp !== null && comp.length !== buckets.length) throw new Error('primary buckets layout mismatch against associated compensation buckets layout');
  compacted.buckets = buckets;
  compacted.comp = comp;
  compacted.spans = spans;

  // Fast path: nothing empty, no offsets small enough to merge, no zero-length span.
  let nothingToDo = true;
  let abs = 0;
  for (let i = 0; i < buckets.length; i++) {
    abs = deltaBuckets ? abs + buckets[i]! : buckets[i]!;
    if (abs === 0) {
      nothingToDo = false;
      break;
    }
  }
  if (nothingToDo) {
    for (const s of spans) {
      if (s.offset <= maxEmptyBuckets || s.length === 0) {
        nothingToDo = false;
        break;
      }
    }
    if (nothingToDo) return;
  }

  let iBucket = 0;
  let iSpan = 0;
  let posInSpan = 0;
  abs = 0;

  // Merge spans with zero offset into their predecessor.
  if (spans.length > 1) {
    const n = spans.length;
    for (let i = 1; i < n; i++) {
      const span = spans[i]!;
      if (span.offset === 0) {
        spans[iSpan]!.length += span.length;
        continue;
      }
      iSpan++;
      if (i !== iSpan) spans[iSpan] = span;
    }
    spans.length = iSpan + 1;
    iSpan = 0;
  }

  // Drop zero-length spans, carrying their offset over to the next span.
  {
    const n = spans.length;
    for (let i = 0; i < n; i++) {
      const span = spans[i]!;
      if (span.length === 0) {
        if (i + 1 < n) spans[i + 1]!.offset += span.offset;
        continue;
      }
      if (i !== iSpan) spans[iSpan] = span;
      iSpan++;
    }
    spans.length = iSpan;
    iSpan = 0;
  }

  if (spans.length === 0) {
    buckets.length = 0;
    if (comp !== null) comp.length = 0;
    return;
  }

  // Cut empty buckets at the start and end of spans, and runs of more than
  // maxEmptyBuckets empty buckets in the middle of spans.
  while (iBucket < buckets.length && iSpan < spans.length) {
    abs = deltaBuckets ? abs + buckets[iBucket]! : buckets[iBucket]!;
    const nEmpty = emptyBucketsHere(buckets, comp, spans, iBucket, iSpan, posInSpan, abs);
    if (nEmpty > 0) {
      if (posInSpan > 0 && nEmpty < spans[iSpan]!.length - posInSpan && nEmpty <= maxEmptyBuckets) {
        // Few enough empty buckets in the middle of a span: keep them.
        iBucket += nEmpty;
        if (deltaBuckets) abs = 0;
        posInSpan += nEmpty;
        continue;
      }
      if (deltaBuckets && iBucket + nEmpty < buckets.length) {
        abs = -buckets[iBucket]!;
        buckets[iBucket + nEmpty] = buckets[iBucket + nEmpty]! + buckets[iBucket]!;
      }
      buckets.splice(iBucket, nEmpty);
      if (comp !== null) comp.splice(iBucket, nEmpty);
      if (posInSpan === 0) {
        if (nEmpty === spans[iSpan]!.length) {
          // The whole span is empty.
          const offset = spans[iSpan]!.offset;
          spans.splice(iSpan, 1);
          if (spans.length > iSpan) spans[iSpan]!.offset += offset + nEmpty;
          continue;
        }
        spans[iSpan]!.length -= nEmpty;
        spans[iSpan]!.offset += nEmpty;
        continue;
      }
      // In the middle or at the end of the span: split it.
      const newSpan: BucketSpan = { offset: nEmpty, length: spans[iSpan]!.length - posInSpan - nEmpty };
      spans[iSpan]!.length = posInSpan;
      iSpan++;
      posInSpan = 0;
      if (newSpan.length === 0) {
        // We were at the end of the span: only the next span's offset grows.
        if (iSpan < spans.length) spans[iSpan]!.offset += nEmpty;
        continue;
      }
      spans.splice(iSpan, 0, newSpan);
      continue;
    }
    iBucket++;
    posInSpan++;
    if (posInSpan >= spans[iSpan]!.length) {
      posInSpan = 0;
      iSpan++;
    }
  }
  if (maxEmptyBuckets === 0 || buckets.length === 0) return;

  // Join spans that are at most maxEmptyBuckets apart.
  iBucket = spans[0]!.length;
  if (deltaBuckets) {
    abs = 0;
    for (let i = 0; i < iBucket; i++) abs += buckets[i]!;
  }
  iSpan = 1;
  let primary = buckets;
  let compensation = comp;
  while (iSpan < spans.length) {
    if (spans[iSpan]!.offset > maxEmptyBuckets) {
      const l = spans[iSpan]!.length;
      if (deltaBuckets) for (let i = iBucket; i < iBucket + l; i++) abs += primary[i]!;
      iBucket += l;
      iSpan++;
      continue;
    }
    const offset = spans[iSpan]!.offset;
    const l = spans[iSpan]!.length;
    spans[iSpan - 1]!.length += offset + l;
    spans.splice(iSpan, 1);
    primary = insertZeros(primary, iBucket, offset);
    if (deltaBuckets) {
      primary[iBucket] = -abs;
      primary[iBucket + offset] = primary[iBucket + offset]! + abs;
    }
    if (compensation !== null) compensation = insertZeros(compensation, iBucket, offset);
    iBucket += offset;
    // The inserted empty buckets reset the running absolute count to zero.
    if (deltaBuckets) {
      abs = 0;
      for (let i = iBucket; i < iBucket + l; i++) abs += primary[i]!;
    }
    iBucket += l;
  }
  compacted.buckets = primary;
  compacted.comp = compensation;
}

/** A new array: `a` with `n` zeros inserted at `at`. */
function insertZeros(a: readonly number[], at: number, n: number): number[] {
  const out = new Array<number>(a.length + n);
  for (let i = 0; i < at; i++) out[i] = a[i]!;
  for (let i = at; i < at + n; i++) out[i] = 0;
  for (let i = at; i < a.length; i++) out[i + n] = a[i]!;
  return out;
}

/** Number of consecutive empty buckets (count and compensation 0) from iBucket within the span. */
function emptyBucketsHere(buckets: readonly number[], comp: readonly number[] | null, spans: readonly BucketSpan[], iBucket: number, iSpan: number, posInSpan: number, abs: number): number {
  let i = 0;
  let c = comp !== null ? comp[iBucket]! : 0;
  const len = spans[iSpan]!.length;
  while (i + posInSpan < len && abs === 0 && c === 0) {
    i++;
    if (i + iBucket >= buckets.length) break;
    abs = buckets[i + iBucket]!;
    if (comp !== null) c = comp[i + iBucket]!;
  }
  return i;
}

/**
 * True if both span lists describe the same bucket layout once zero-length spans are merged
 * into the next span (Prometheus's spansMatch).
 */
export function spansMatch(s1: readonly BucketSpan[], s2: readonly BucketSpan[]): boolean {
  if (s1.length === 0 && s2.length === 0) return true;
  let i1 = 0;
  let i2 = 0;
  for (;;) {
    if (i1 >= s1.length) return allEmptySpans(s2, i2);
    if (i2 >= s2.length) return allEmptySpans(s1, i1);
    let off1 = s1[i1]!.offset, len1 = s1[i1]!.length;
    let off2 = s2[i2]!.offset, len2 = s2[i2]!.length;
    i1++;
    i2++;
    if (len1 === 0) {
      for (; i1 < s1.length && s1[i1]!.length === 0; i1++) off1 += s1[i1]!.offset;
      if (i1 < s1.length) {
        off1 += s1[i1]!.offset;
        len1 = s1[i1]!.length;
        i1++;
      }
    }
    if (len2 === 0) {
      for (; i2 < s2.length && s2[i2]!.length === 0; i2++) off2 += s2[i2]!.offset;
      if (i2 < s2.length) {
        off2 += s2[i2]!.offset;
        len2 = s2[i2]!.length;
        i2++;
      }
    }
    if (len1 === 0 && len2 === 0) return true;
    if (off1 !== off2 || len1 !== len2) return false;
  }
}

function allEmptySpans(s: readonly BucketSpan[], from: number): boolean {
  for (let i = from; i < s.length; i++) if (s[i]!.length > 0) return false;
  return true;
}
