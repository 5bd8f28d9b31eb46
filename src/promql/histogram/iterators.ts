/**
 * Bucket iterators over float histograms, as Prometheus's: forward over one side (optionally
 * merged down to a lower schema and skipping buckets at or below a start value), reverse
 * over one side, and over all buckets (negative, zero, positive) in either direction.
 *
 * Contract: an iterator reads the histogram's arrays without copying them; do not change
 * the histogram while iterating. `at()` returns one Bucket object owned by the iterator and
 * overwritten by the next `at()`: copy it (copyBucket) to keep it. No allocation per bucket.
 */
import type { BucketSpan, FloatHistogram } from '../../model/index.js';
import { newBucket, type Bucket } from './bucket.js';
import { CUSTOM_BUCKETS_SCHEMA, getBound, getBoundExponential, isCustomBucketsSchema, isExponentialSchema, targetIdx } from './schema.js';

const NO_CUSTOM: readonly number[] = [];

export interface BucketIterator {
  next(): boolean;
  at(): Bucket;
}

/** Fills `b` with the bounds of bucket `idx` as the base iterator of Prometheus does. */
function fillBucket(b: Bucket, idx: number, count: number, schema: number, positive: boolean, customValues: readonly number[]): Bucket {
  b.count = count;
  b.index = idx;
  if (positive) {
    b.upper = getBound(idx, schema, customValues);
    b.lower = getBound(idx - 1, schema, customValues);
  } else {
    b.lower = -getBound(idx, schema, customValues);
    b.upper = -getBound(idx - 1, schema, customValues);
  }
  if (schema === CUSTOM_BUCKETS_SCHEMA) {
    b.lowerInclusive = idx === 0;
    b.upperInclusive = true;
  } else {
    b.lowerInclusive = b.lower < 0;
    b.upperInclusive = b.upper > 0;
  }
  return b;
}

/**
 * Forward iterator over one side. With targetSchema < the histogram's schema, neighbouring
 * buckets are merged as if the histogram had that schema. For exponential schemas, buckets
 * whose upper bound is ≤ absoluteStartValue are skipped (until one is not).
 */
export class FloatBucketIterator implements BucketIterator {
  private schema = 0;
  private targetSchema = 0;
  private spans: readonly BucketSpan[] = [];
  private buckets: readonly number[] = [];
  private customValues: readonly number[] = NO_CUSTOM;
  private positive = true;
  private absoluteStartValue = 0;
  private boundReachedStartValue = true;
  private spansIdx = 0;
  private idxInSpan = 0;
  private bucketsIdx = 0;
  private origIdx = 0;
  /** Count of the current bucket. */
  currCount = 0;
  /** Index (in the target schema) of the current bucket. */
  currIdx = 0;
  private readonly bucket: Bucket = newBucket();

  /** (Re)starts the iterator; throws on a schema combination Prometheus panics on. */
  reset(h: FloatHistogram, positive: boolean, absoluteStartValue: number, targetSchema: number): this {
    const custom = isCustomBucketsSchema(h.schema);
    if (custom && targetSchema !== h.schema) throw new Error('cannot merge from custom buckets schema to exponential schema');
    if (!custom && isCustomBucketsSchema(targetSchema)) throw new Error('cannot merge from exponential buckets schema to custom schema');
    if (targetSchema > h.schema) throw new Error(`cannot merge from schema ${h.schema} to ${targetSchema}`);
    this.schema = h.schema;
    this.targetSchema = targetSchema;
    this.positive = positive;
    this.absoluteStartValue = absoluteStartValue;
    this.boundReachedStartValue = absoluteStartValue === 0;
    if (positive) {
      this.spans = h.positiveSpans;
      this.buckets = h.positiveBuckets;
      this.customValues = h.customValues;
    } else {
      this.spans = h.negativeSpans;
      this.buckets = h.negativeBuckets;
      this.customValues = NO_CUSTOM;
    }
    this.spansIdx = 0;
    this.idxInSpan = 0;
    this.bucketsIdx = 0;
    this.origIdx = 0;
    this.currCount = 0;
    this.currIdx = 0;
    return this;
  }

  next(): boolean {
    for (;;) {
      if (!this.step()) return false;
      if (!this.boundReachedStartValue && isExponentialSchema(this.targetSchema) &&
        getBoundExponential(this.currIdx, this.targetSchema) <= this.absoluteStartValue) {
        continue;
      }
      this.boundReachedStartValue = true;
      return true;
    }
  }

  private step(): boolean {
    const spans = this.spans;
    if (this.spansIdx >= spans.length) return false;
    let span = spans[this.spansIdx]!;
    if (this.schema === this.targetSchema) {
      if (this.bucketsIdx === 0) this.currIdx = span.offset;
      else this.currIdx++;
      if (this.bucketsIdx >= this.buckets.length) return false;
      while (this.idxInSpan >= span.length) {
        // Also skips pathological spans of length 0.
        this.idxInSpan = 0;
        this.spansIdx++;
        if (this.spansIdx >= spans.length) return false;
        span = spans[this.spansIdx]!;
        this.currIdx += span.offset;
      }
      this.currCount = this.buckets[this.bucketsIdx]!;
      this.idxInSpan++;
      this.bucketsIdx++;
      return true;
    }
    // Merge all original buckets that fall into one target bucket. Work on locals so that
    // the look-ahead into the next target bucket can be rolled back.
    let origIdx = this.origIdx;
    let spansIdx = this.spansIdx;
    let idxInSpan = this.idxInSpan;
    let firstPass = true;
    this.currCount = 0;
    for (;;) {
      if (this.bucketsIdx === 0) origIdx = span.offset;
      else origIdx++;
      if (this.bucketsIdx >= this.buckets.length) {
        if (firstPass) return false;
        break;
      }
      let exhausted = false;
      while (idxInSpan >= span.length) {
        idxInSpan = 0;
        spansIdx++;
        if (spansIdx >= spans.length) {
          exhausted = true;
          break;
        }
        span = spans[spansIdx]!;
        origIdx += span.offset;
      }
      if (exhausted) {
        if (firstPass) return false;
        break;
      }
      const currIdx = targetIdx(origIdx, this.schema, this.targetSchema);
      if (firstPass) {
        this.currIdx = currIdx;
        firstPass = false;
      } else if (currIdx !== this.currIdx) {
        break;
      }
      this.currCount += this.buckets[this.bucketsIdx]!;
      idxInSpan++;
      this.bucketsIdx++;
      this.origIdx = origIdx;
      this.spansIdx = spansIdx;
      this.idxInSpan = idxInSpan;
    }
    return true;
  }

  at(): Bucket {
    return fillBucket(this.bucket, this.currIdx, this.currCount, this.targetSchema, this.positive, this.customValues);
  }
}

/** Reverse iterator over one side: positive buckets downwards, negative buckets upwards. */
export class ReverseFloatBucketIterator implements BucketIterator {
  private schema = 0;
  private spans: readonly BucketSpan[] = [];
  private buckets: readonly number[] = [];
  private customValues: readonly number[] = NO_CUSTOM;
  private positive = true;
  private spansIdx = 0;
  private idxInSpan = 0;
  private bucketsIdx = 0;
  currCount = 0;
  currIdx = 0;
  private readonly bucket: Bucket = newBucket();

  reset(h: FloatHistogram, positive: boolean): this {
    this.schema = h.schema;
    this.positive = positive;
    this.spans = positive ? h.positiveSpans : h.negativeSpans;
    this.buckets = positive ? h.positiveBuckets : h.negativeBuckets;
    this.customValues = positive ? h.customValues : NO_CUSTOM;
    this.spansIdx = this.spans.length - 1;
    this.bucketsIdx = this.buckets.length - 1;
    this.idxInSpan = this.spansIdx >= 0 ? this.spans[this.spansIdx]!.length - 1 : 0;
    let idx = 0;
    for (const s of this.spans) idx += s.offset + s.length;
    this.currIdx = idx;
    this.currCount = 0;
    return this;
  }

  next(): boolean {
    this.currIdx--;
    if (this.bucketsIdx < 0) return false;
    while (this.idxInSpan < 0) {
      this.spansIdx--;
      if (this.spansIdx < 0) return false;
      this.idxInSpan = this.spans[this.spansIdx]!.length - 1;
      this.currIdx -= this.spans[this.spansIdx + 1]!.offset;
    }
    this.currCount = this.buckets[this.bucketsIdx]!;
    this.bucketsIdx--;
    this.idxInSpan--;
    return true;
  }

  at(): Bucket {
    return fillBucket(this.bucket, this.currIdx, this.currCount, this.schema, this.positive, this.customValues);
  }
}

/**
 * All buckets in ascending (or, reversed, descending) order: negative buckets, the zero
 * bucket (only if its count is > 0), positive buckets. A bucket overlapping the zero bucket
 * has its bound next to zero clamped to the zero threshold.
 */
export class AllFloatBucketIterator implements BucketIterator {
  private h: FloatHistogram | null = null;
  private readonly left = new ReverseFloatBucketIterator();
  private readonly right = new FloatBucketIterator();
  // -1: first side, 0: zero bucket next, 1: second side, 2: done.
  private state = -1;
  private current: Bucket = newBucket();
  private readonly zero: Bucket = newBucket();

  /** reverse=false: ascending (negative, zero, positive); true: descending. */
  reset(h: FloatHistogram, reverse: boolean): this {
    this.h = h;
    this.left.reset(h, reverse);
    this.right.reset(h, reverse ? false : true, 0, h.schema);
    this.state = -1;
    return this;
  }

  next(): boolean {
    const h = this.h!;
    for (;;) {
      switch (this.state) {
        case -1:
          if (this.left.next()) {
            const b = this.left.at();
            if (b.upper < 0 && b.upper > -h.zeroThreshold) b.upper = -h.zeroThreshold;
            else if (b.lower > 0 && b.lower < h.zeroThreshold) b.lower = h.zeroThreshold;
            this.current = b;
            return true;
          }
          this.state = 0;
          continue;
        case 0:
          this.state = 1;
          if (h.zeroCount > 0) {
            this.current = zeroBucketInto(h, this.zero);
            return true;
          }
          continue;
        case 1:
          if (this.right.next()) {
            const b = this.right.at();
            if (b.lower > 0 && b.lower < h.zeroThreshold) b.lower = h.zeroThreshold;
            else if (b.upper < 0 && b.upper > -h.zeroThreshold) b.upper = -h.zeroThreshold;
            this.current = b;
            return true;
          }
          this.state = 2;
          return false;
        default:
          return false;
      }
    }
  }

  at(): Bucket {
    return this.current;
  }
}

/** The zero bucket [-threshold, threshold] written into `b`. Throws for custom buckets. */
export function zeroBucketInto(h: FloatHistogram, b: Bucket): Bucket {
  if (isCustomBucketsSchema(h.schema)) throw new Error('histograms with custom buckets have no zero bucket');
  b.lower = -h.zeroThreshold;
  b.upper = h.zeroThreshold;
  b.lowerInclusive = true;
  b.upperInclusive = true;
  b.count = h.zeroCount;
  b.index = 0;
  return b;
}

/** Positive buckets, ascending (new iterator). */
export function positiveBucketIterator(h: FloatHistogram): FloatBucketIterator {
  return new FloatBucketIterator().reset(h, true, 0, h.schema);
}

/** Negative buckets, descending from zero (new iterator). */
export function negativeBucketIterator(h: FloatHistogram): FloatBucketIterator {
  return new FloatBucketIterator().reset(h, false, 0, h.schema);
}

/** Positive buckets from the highest down (new iterator). */
export function positiveReverseBucketIterator(h: FloatHistogram): ReverseFloatBucketIterator {
  return new ReverseFloatBucketIterator().reset(h, true);
}

/** Negative buckets from the lowest up (new iterator). */
export function negativeReverseBucketIterator(h: FloatHistogram): ReverseFloatBucketIterator {
  return new ReverseFloatBucketIterator().reset(h, false);
}

/** All buckets ascending (new iterator; reuse one with `reset` in loops). */
export function allBucketIterator(h: FloatHistogram): AllFloatBucketIterator {
  return new AllFloatBucketIterator().reset(h, false);
}

/** All buckets descending. */
export function allReverseBucketIterator(h: FloatHistogram): AllFloatBucketIterator {
  return new AllFloatBucketIterator().reset(h, true);
}
