/**
 * Counter reset detection between two consecutive samples of a counter histogram, as
 * Prometheus's FloatHistogram.DetectReset (used by rate, increase, resets and the smoothed
 * and anchored modifiers).
 */
import type { FloatHistogram } from '../../model/index.js';
import { CounterResetHint } from '../../model/index.js';
import { detectResetWithMismatchedCustomBounds } from './custom-bounds.js';
import { FloatBucketIterator } from './iterators.js';
import { customBucketBoundsMatch, isCustomBucketsSchema } from './schema.js';
import { zeroCountAtThreshold } from './zero-bucket.js';

const currIt = new FloatBucketIterator();
const prevIt = new FloatBucketIterator();

/**
 * True if `h` follows a counter reset after `previous`:
 *  - the hint decides when it is CounterReset (true) or NotCounterReset (false); Unknown
 *    and Gauge hints are examined (a gauge treated as a counter);
 *  - a lower count, a switch to custom buckets, a higher schema or a lower zero threshold
 *    is a reset; custom buckets with different bounds compare at their common bounds;
 *  - previous's buckets are merged to h's schema and into h's (wider) zero bucket, and a
 *    zero threshold cutting through a populated bucket of previous is a reset;
 *  - then any zero count or bucket count lower than before, or a populated bucket of
 *    previous missing in h, is a reset. The sum is never compared.
 * Neither histogram is changed.
 */
export function detectReset(h: FloatHistogram, previous: FloatHistogram): boolean {
  if (h.counterResetHint === CounterResetHint.CounterReset) return true;
  if (h.counterResetHint === CounterResetHint.NotCounterReset) return false;
  if (h.count < previous.count) return true;
  if (isCustomBucketsSchema(h.schema)) {
    if (!isCustomBucketsSchema(previous.schema)) return true;
    if (!customBucketBoundsMatch(h.customValues, previous.customValues)) {
      return detectResetWithMismatchedCustomBounds(h, previous);
    }
  }
  if (h.schema > previous.schema) return true;
  if (h.zeroThreshold < previous.zeroThreshold) return true;
  const previousZeroCount = zeroCountAtThreshold(previous, h.zeroThreshold);
  if (previousZeroCount === null) return true;
  if (h.zeroCount < previousZeroCount) return true;
  currIt.reset(h, true, h.zeroThreshold, h.schema);
  prevIt.reset(previous, true, h.zeroThreshold, h.schema);
  if (bucketsReset(currIt, prevIt)) return true;
  currIt.reset(h, false, h.zeroThreshold, h.schema);
  prevIt.reset(previous, false, h.zeroThreshold, h.schema);
  return bucketsReset(currIt, prevIt);
}

function anyPopulated(prev: FloatBucketIterator): boolean {
  for (;;) {
    if (prev.currCount !== 0) return true;
    if (!prev.next()) return false;
  }
}

function bucketsReset(curr: FloatBucketIterator, prev: FloatBucketIterator): boolean {
  if (!prev.next()) return false;
  if (!curr.next()) return anyPopulated(prev);
  for (;;) {
    while (curr.currIdx < prev.currIdx) {
      if (!curr.next()) return anyPopulated(prev);
    }
    if (curr.currIdx > prev.currIdx) {
      if (prev.currCount !== 0) return true;
    } else if (curr.currCount < prev.currCount) {
      return true;
    }
    if (!prev.next()) return false;
  }
}
