/**
 * One bucket of a native histogram, with its bounds as Prometheus reports them.
 */
import { goLog2 } from './go-math.js';

export interface Bucket {
  lower: number;
  upper: number;
  lowerInclusive: boolean;
  upperInclusive: boolean;
  /** Absolute count of observations in the bucket. */
  count: number;
  /** Bucket index within its schema and sign; meaningless for the zero bucket (0). */
  index: number;
}

export function newBucket(): Bucket {
  return { lower: 0, upper: 0, lowerInclusive: false, upperInclusive: false, count: 0, index: 0 };
}

export function copyBucket(from: Bucket, to: Bucket): Bucket {
  to.lower = from.lower;
  to.upper = from.upper;
  to.lowerInclusive = from.lowerInclusive;
  to.upperInclusive = from.upperInclusive;
  to.count = from.count;
  to.index = from.index;
  return to;
}

/**
 * The fraction (0..1) of the bucket's width at or below `v`, for lower < v < upper with
 * finite bounds: linear interpolation for custom buckets and the zero bucket, otherwise
 * interpolation on a log2 scale (negative buckets mirrored), as Prometheus's
 * Bucket.FractionBelow. Values outside the bucket give meaningless results.
 */
export function fractionBelow(b: Bucket, v: number, linear: boolean): number {
  if (linear) return (v - b.lower) / (b.upper - b.lower);
  const logLower = goLog2(Math.abs(b.lower));
  const logUpper = goLog2(Math.abs(b.upper));
  const logV = goLog2(Math.abs(v));
  if (v > 0) return (logV - logLower) / (logUpper - logLower);
  return 1 - ((logV - logUpper) / (logLower - logUpper));
}

/** The mathematical notation Prometheus prints for a bucket, e.g. "(1,2]:3". */
export function bucketString(b: Bucket, fmt: (f: number) => string): string {
  return `${b.lowerInclusive ? '[' : '('}${fmt(b.lower)},${fmt(b.upper)}${b.upperInclusive ? ']' : ')'}:${fmt(b.count)}`;
}
