/**
 * Native histogram limits applied while scraping, as Prometheus does: a histogram with more
 * buckets than `native_histogram_bucket_limit` has its resolution halved (schema - 1) until
 * it fits, and fails the scrape when it cannot (custom-bucket schemas, or the lowest
 * schema); `native_histogram_min_bucket_factor` caps the schema. Reducing never mutates the
 * parser's histogram: a new one is returned.
 */
import { type BucketSpan, type FloatHistogram, type Histogram } from '../model/index.js';

export const EXPONENTIAL_SCHEMA_MIN = -4;
export const EXPONENTIAL_SCHEMA_MAX = 8;

/** Schemas reserved for exponential buckets (including future ones), as Prometheus defines. */
function isExponentialSchemaReserved(s: number): boolean {
  return s >= -9 && s <= 52;
}

function isExponentialSchema(s: number): boolean {
  return s >= EXPONENTIAL_SCHEMA_MIN && s <= EXPONENTIAL_SCHEMA_MAX;
}

/** The largest schema whose buckets grow by at least `factor`, as Prometheus picks it. */
export function pickSchema(factor: number): number {
  const f = factor <= 1 ? 1.00271 : factor;
  const floor = Math.floor(-Math.log2(Math.log2(f))) + 0; // + 0 turns -0 into 0
  if (floor >= EXPONENTIAL_SCHEMA_MAX) return EXPONENTIAL_SCHEMA_MAX;
  if (floor <= EXPONENTIAL_SCHEMA_MIN) return EXPONENTIAL_SCHEMA_MIN;
  return floor;
}

export class BucketLimitError extends Error {
  override readonly name = 'BucketLimitError';
  constructor() {
    super('histogram bucket limit exceeded');
  }
}

/** The index of the bucket at `target` schema that holds bucket `idx` of `origin` schema. */
function targetIdx(idx: number, origin: number, target: number): number {
  // Indexes are small int32 values; the arithmetic shift floors negative ones too.
  return ((idx - 1) >> (origin - target)) + 1;
}

/** Merges absolute bucket counts into the coarser schema. */
function reduce(spans: readonly BucketSpan[], counts: readonly number[], origin: number, target: number): { spans: BucketSpan[]; counts: number[] } {
  const outSpans: BucketSpan[] = [];
  const out: number[] = [];
  let idx = 0;
  let ci = 0;
  let lastTarget = 0;
  for (let s = 0; s < spans.length; s++) {
    const sp = spans[s]!;
    idx += sp.offset;
    for (let j = 0; j < sp.length; j++, idx++, ci++) {
      const c = counts[ci]!;
      const t = targetIdx(idx, origin, target);
      if (out.length === 0) {
        outSpans.push({ offset: t, length: 1 });
        out.push(c);
      } else if (t === lastTarget) {
        out[out.length - 1]! += c;
        continue;
      } else if (t === lastTarget + 1) {
        outSpans[outSpans.length - 1]!.length++;
        out.push(c);
      } else {
        outSpans.push({ offset: t - lastTarget - 1, length: 1 });
        out.push(c);
      }
      lastTarget = t;
    }
  }
  return { spans: outSpans, counts: out };
}

function undelta(d: readonly number[]): number[] {
  const out = new Array<number>(d.length);
  let acc = 0;
  for (let i = 0; i < d.length; i++) { acc += d[i]!; out[i] = acc; }
  return out;
}

function redelta(a: readonly number[]): number[] {
  const out = new Array<number>(a.length);
  let prev = 0;
  for (let i = 0; i < a.length; i++) { out[i] = a[i]! - prev; prev = a[i]!; }
  return out;
}

export function reduceHistogram(h: Histogram, target: number): Histogram {
  const p = reduce(h.positiveSpans, undelta(h.positiveBuckets), h.schema, target);
  const n = reduce(h.negativeSpans, undelta(h.negativeBuckets), h.schema, target);
  return {
    ...h, schema: target,
    positiveSpans: p.spans, positiveBuckets: redelta(p.counts),
    negativeSpans: n.spans, negativeBuckets: redelta(n.counts),
    customValues: h.customValues.slice(),
  };
}

export function reduceFloatHistogram(h: FloatHistogram, target: number): FloatHistogram {
  const p = reduce(h.positiveSpans, h.positiveBuckets, h.schema, target);
  const n = reduce(h.negativeSpans, h.negativeBuckets, h.schema, target);
  return {
    ...h, schema: target,
    positiveSpans: p.spans, positiveBuckets: p.counts,
    negativeSpans: n.spans, negativeBuckets: n.counts,
    customValues: h.customValues.slice(),
  };
}

type AnyHistogram = Histogram | FloatHistogram;

/**
 * Applies the bucket limit (0: none) and the schema cap. Returns the histogram to append
 * (the same object when nothing changed); throws `BucketLimitError` when it cannot fit.
 */
export function limitHistogram<H extends AnyHistogram>(h: H, bucketLimit: number, maxSchema: number, reduceFn: (h: H, target: number) => H): H {
  let out = h;
  if (bucketLimit > 0) {
    let n = out.positiveBuckets.length + out.negativeBuckets.length;
    if (n > bucketLimit && !isExponentialSchema(out.schema)) throw new BucketLimitError();
    while (n > bucketLimit) {
      if (out.schema <= EXPONENTIAL_SCHEMA_MIN) throw new BucketLimitError();
      out = reduceFn(out, out.schema - 1);
      n = out.positiveBuckets.length + out.negativeBuckets.length;
    }
  }
  if (maxSchema < EXPONENTIAL_SCHEMA_MAX && isExponentialSchemaReserved(out.schema) && out.schema > maxSchema) {
    out = reduceFn(out, maxSchema);
  }
  return out;
}
