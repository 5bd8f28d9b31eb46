/**
 * Compaction of native-histogram buckets, as Prometheus's `Compact(maxEmptyBuckets)` does
 * before a parsed histogram is handed on: spans with zero offset are merged into their
 * predecessor, zero-length spans dropped, empty buckets cut from the start and end of every
 * span and from its middle when more than `maxEmpty` are consecutive, and finally spans
 * separated by at most `maxEmpty` empty buckets merged.
 */
import type { BucketSpan } from '../model/index.js';

export interface Compacted {
  buckets: number[];
  spans: BucketSpan[];
}

/**
 * `buckets` are delta-encoded when `delta` (integer histograms) and absolute otherwise.
 * The inputs are not modified.
 */
export function compactBuckets(bucketsIn: readonly number[], spansIn: readonly BucketSpan[], maxEmpty: number, delta: boolean): Compacted {
  if (nothingToCompact(bucketsIn, spansIn, maxEmpty, delta)) {
    return { buckets: bucketsIn.slice(), spans: spansIn.map((s) => ({ offset: s.offset, length: s.length })) };
  }
  let buckets = bucketsIn.slice();
  const spans = mergeTrivialSpans(spansIn.map((s) => ({ offset: s.offset, length: s.length })));
  if (spans.length === 0) return { buckets: [], spans: [] };

  let iBucket = 0, iSpan = 0, posInSpan = 0, abs = 0;
  while (iBucket < buckets.length && iSpan < spans.length) {
    abs = delta ? abs + buckets[iBucket]! : buckets[iBucket]!;
    const nEmpty = emptyRun(buckets, spans[iSpan]!.length, iBucket, posInSpan, abs);
    if (nEmpty === 0) {
      iBucket++;
      posInSpan++;
      if (posInSpan >= spans[iSpan]!.length) {
        posInSpan = 0;
        iSpan++;
      }
      continue;
    }
    const span = spans[iSpan]!;
    if (posInSpan > 0 && nEmpty < span.length - posInSpan && nEmpty <= maxEmpty) {
      // Few enough empty buckets in the middle of a span: keep them.
      iBucket += nEmpty;
      if (delta) abs = 0;
      posInSpan += nEmpty;
      continue;
    }
    if (delta && iBucket + nEmpty < buckets.length) {
      // The bucket after the cut must now be relative to the bucket before it.
      abs = -buckets[iBucket]!;
      buckets[iBucket + nEmpty]! += buckets[iBucket]!;
    }
    buckets.splice(iBucket, nEmpty);
    if (posInSpan === 0) {
      if (nEmpty === span.length) {
        spans.splice(iSpan, 1);
        if (iSpan < spans.length) spans[iSpan]!.offset += span.offset + nEmpty;
        continue;
      }
      span.length -= nEmpty;
      span.offset += nEmpty;
      continue;
    }
    // In the middle or at the end of the span: split it.
    const rest = { offset: nEmpty, length: span.length - posInSpan - nEmpty };
    span.length = posInSpan;
    iSpan++;
    posInSpan = 0;
    if (rest.length === 0) {
      if (iSpan < spans.length) spans[iSpan]!.offset += nEmpty;
      continue;
    }
    spans.splice(iSpan, 0, rest);
  }
  if (maxEmpty === 0 || buckets.length === 0) return { buckets, spans };
  buckets = mergeCloseSpans(buckets, spans, maxEmpty, delta);
  return { buckets, spans };
}

function nothingToCompact(buckets: readonly number[], spans: readonly BucketSpan[], maxEmpty: number, delta: boolean): boolean {
  let abs = 0;
  for (const b of buckets) {
    abs = delta ? abs + b : b;
    if (abs === 0) return false;
  }
  for (const s of spans) if (s.offset <= maxEmpty || s.length === 0) return false;
  return true;
}

/** Folds zero-offset spans into their predecessor and drops zero-length spans (keeping offsets right). */
function mergeTrivialSpans(spans: BucketSpan[]): BucketSpan[] {
  const merged: BucketSpan[] = [];
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i > 0 && s.offset === 0 && merged.length > 0) merged[merged.length - 1]!.length += s.length;
    else merged.push(s);
  }
  const out: BucketSpan[] = [];
  for (let i = 0; i < merged.length; i++) {
    const s = merged[i]!;
    if (s.length === 0) {
      if (i + 1 < merged.length) merged[i + 1]!.offset += s.offset;
      continue;
    }
    out.push(s);
  }
  return out;
}

/** Number of empty buckets starting at `iBucket` within the current span (0 when that bucket is not empty). */
function emptyRun(buckets: readonly number[], spanLength: number, iBucket: number, posInSpan: number, abs: number): number {
  let i = 0;
  let a = abs;
  while (i + posInSpan < spanLength && a === 0) {
    i++;
    if (i + iBucket >= buckets.length) break;
    a = buckets[i + iBucket]!;
  }
  return i;
}

/** Merges spans separated by at most `maxEmpty` buckets, inserting the empty buckets. */
function mergeCloseSpans(bucketsIn: number[], spans: BucketSpan[], maxEmpty: number, delta: boolean): number[] {
  let buckets = bucketsIn;
  let iBucket = spans[0]!.length;
  let abs = 0;
  if (delta) for (let k = 0; k < iBucket; k++) abs += buckets[k]!;
  let iSpan = 1;
  while (iSpan < spans.length) {
    const s = spans[iSpan]!;
    const l = s.length;
    if (s.offset > maxEmpty) {
      if (delta) for (let k = iBucket; k < iBucket + l; k++) abs += buckets[k]!;
      iBucket += l;
      iSpan++;
      continue;
    }
    const offset = s.offset;
    spans[iSpan - 1]!.length += offset + l;
    spans.splice(iSpan, 1);
    const nb = new Array<number>(buckets.length + offset).fill(0);
    for (let k = 0; k < iBucket; k++) nb[k] = buckets[k]!;
    for (let k = iBucket; k < buckets.length; k++) nb[k + offset] = buckets[k]!;
    if (delta) {
      nb[iBucket] = -abs;
      nb[iBucket + offset]! += abs;
    }
    buckets = nb;
    iBucket += offset;
    if (delta) {
      abs = 0;
      for (let k = iBucket; k < iBucket + l; k++) abs += buckets[k]!;
    }
    iBucket += l;
  }
  return buckets;
}
