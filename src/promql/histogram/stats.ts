/**
 * histogram_count, histogram_sum, histogram_avg, histogram_stddev and histogram_stdvar of a
 * native histogram, as Prometheus 3.14 computes them.
 */
import type { FloatHistogram } from '../../model/index.js';
import { AllFloatBucketIterator } from './iterators.js';
import { kahanInc, kahanLastC } from './kahan.js';
import { isCustomBucketsSchema } from './schema.js';

const it = new AllFloatBucketIterator();

export function histogramCount(h: FloatHistogram): number {
  return h.count;
}

export function histogramSum(h: FloatHistogram): number {
  return h.sum;
}

export function histogramAvg(h: FloatHistogram): number {
  return h.sum / h.count;
}

/**
 * Estimated variance of the observations: every bucket's observations are taken to sit at
 * one representative value (the arithmetic mean of its bounds for custom buckets, 0 in the
 * zero bucket, the signed geometric mean of its bounds for exponential buckets), and their
 * squared distances to sum/count are summed with Kahan compensation, then divided by count.
 */
export function histogramStdVar(h: FloatHistogram): number {
  const mean = h.sum / h.count;
  const custom = isCustomBucketsSchema(h.schema);
  let variance = 0;
  let c = 0;
  it.reset(h, false);
  while (it.next()) {
    const b = it.at();
    if (b.count === 0) continue;
    let val: number;
    if (custom) {
      val = (b.upper + b.lower) / 2.0;
    } else if (b.lower <= 0 && b.upper >= 0) {
      val = 0;
    } else {
      val = Math.sqrt(b.upper * b.lower);
      if (b.upper < 0) val = -val;
    }
    const delta = val - mean;
    variance = kahanInc(b.count * delta * delta, variance, c);
    c = kahanLastC();
  }
  variance += c;
  variance /= h.count;
  return variance;
}

/** Square root of histogramStdVar. */
export function histogramStdDev(h: FloatHistogram): number {
  return Math.sqrt(histogramStdVar(h));
}
