/**
 * Seeded random histograms for property tests and benchmarks (not for production use).
 */
import { CounterResetHint, type BucketSpan, type FloatHistogram } from '../../model/index.js';
import { getBoundExponential } from './schema.js';

export interface RandomHistogramOptions {
  /** Exponential schema (-4..8) or -53 for custom buckets. */
  schema: number;
  /** Whole-number counts (so that sums are exact). */
  integer: boolean;
  /** Upper limit of spans per side. */
  maxSpans: number;
  /** Upper limit of the length of one span. */
  maxSpanLength: number;
  zeroThreshold: number;
}

/**
 * A valid random histogram: count = zero count + all buckets, sum in proportion, and (as
 * real histograms) no bucket inside the zero bucket.
 */
export function randomHistogram(rand: () => number, o: RandomHistogramOptions): FloatHistogram {
  const int = (n: number): number => Math.floor(rand() * n);
  const value = (): number => (int(5) === 0 ? 0 : o.integer ? 1 + int(20) : rand() * 100);
  const side = (firstMin: number): { spans: BucketSpan[]; buckets: number[] } => {
    const spans: BucketSpan[] = [];
    const buckets: number[] = [];
    const n = int(o.maxSpans + 1);
    for (let i = 0; i < n; i++) {
      const length = 1 + int(o.maxSpanLength);
      spans.push({ offset: i === 0 ? firstMin + int(8) : 1 + int(4), length });
      for (let j = 0; j < length; j++) buckets.push(value());
    }
    return { spans, buckets };
  };
  const custom = o.schema === -53;
  // Lowest index whose bucket lies entirely outside the zero bucket.
  let first = -4;
  if (!custom) while (getBoundExponential(first - 1, o.schema) < o.zeroThreshold) first++;
  const pos = side(custom ? 0 : first);
  const neg = custom ? { spans: [], buckets: [] } : side(first);
  let customValues: number[] = [];
  if (custom) {
    let extent = 0;
    for (const s of pos.spans) extent += s.offset + s.length;
    customValues = [];
    let v = int(3) - 1;
    for (let i = 0; i < extent + int(3); i++) {
      customValues.push(v);
      v += 0.5 + int(4);
    }
  }
  const zeroCount = custom ? 0 : value();
  let count = zeroCount;
  for (const b of pos.buckets) count += b;
  for (const b of neg.buckets) count += b;
  return {
    counterResetHint: CounterResetHint.Unknown, schema: o.schema, zeroThreshold: custom ? 0 : o.zeroThreshold,
    zeroCount, count, sum: count === 0 ? 0 : o.integer ? count * (int(11) - 2) : count * (rand() * 10 - 2), positiveSpans: pos.spans, negativeSpans: neg.spans,
    positiveBuckets: pos.buckets, negativeBuckets: neg.buckets, customValues,
  };
}
