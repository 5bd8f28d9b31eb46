/**
 * Stored histograms as exposition values, as Prometheus federates them: a native histogram
 * with exponential buckets keeps its spans with absolute float counts; one with custom
 * buckets (NHCB) becomes a classic histogram with cumulative float counts per bound (the
 * `+Inf` bucket left implicit: the text encoders add it from the count).
 */
import type { FloatHistogram } from '../model/index.js';
import type { Bucket, HistogramValue, Span } from './model.js';

function copySpans(s: readonly { offset: number; length: number }[]): Span[] {
  const out: Span[] = new Array<Span>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = { offset: s[i]!.offset, length: s[i]!.length };
  return out;
}

/** A native (exponential-schema) histogram. Use only for standard schemas, not custom buckets. */
export function nativeHistogramValue(h: FloatHistogram): HistogramValue {
  return {
    kind: 'histogram',
    sampleCountFloat: h.count,
    sampleSum: h.sum,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCountFloat: h.zeroCount,
    ...(h.negativeSpans.length > 0 ? { negativeSpans: copySpans(h.negativeSpans) } : {}),
    negativeCounts: h.negativeBuckets.slice(),
    ...(h.positiveSpans.length > 0 ? { positiveSpans: copySpans(h.positiveSpans) } : {}),
    positiveCounts: h.positiveBuckets.slice(),
  };
}

/** A custom-bucket histogram (schema -53) as a classic one: one bucket per custom bound. */
export function classicHistogramValue(h: FloatHistogram): HistogramValue {
  const bounds = h.customValues;
  // Absolute count per bucket index; buckets past the last bound (the +Inf one) are left out.
  const counts = new Float64Array(bounds.length);
  let idx = 0, k = 0;
  for (const s of h.positiveSpans) {
    idx += s.offset;
    for (let j = 0; j < s.length && k < h.positiveBuckets.length; j++, idx++, k++) {
      if (idx >= 0 && idx < bounds.length) counts[idx] = h.positiveBuckets[k]!;
    }
  }
  const buckets: Bucket[] = new Array<Bucket>(bounds.length);
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    cumulative += counts[i]!;
    buckets[i] = { upperBound: bounds[i]!, cumulativeCountFloat: cumulative };
  }
  return { kind: 'histogram', sampleCountFloat: h.count, sampleSum: h.sum, buckets };
}
