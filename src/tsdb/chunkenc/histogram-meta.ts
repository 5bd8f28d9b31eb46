/**
 * What histogram chunks share: the 3-byte header (sample count, then a flags byte whose top
 * two bits say how the chunk relates to the previous one of the series), and the counter
 * reset hint readers derive from it.
 */
import { CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';

export const HISTOGRAM_HEADER = 3;
const FLAG_POS = 2;

/** The top two bits of a histogram chunk's flags byte. */
export const CounterResetHeader = {
  /** Unknown: a reader must detect resets itself. */
  Unknown: 0b00000000,
  /** The chunk was cut because of a counter reset. */
  CounterReset: 0b10000000,
  /** The chunk was cut for another reason: no reset since the previous chunk. */
  NotCounterReset: 0b01000000,
  /** The chunk holds gauge histograms. */
  Gauge: 0b11000000,
} as const;
export type CounterResetHeader = (typeof CounterResetHeader)[keyof typeof CounterResetHeader];

export const COUNTER_RESET_MASK = 0b11000000;

export function getCounterResetHeader(b: Uint8Array): CounterResetHeader {
  return (b[FLAG_POS]! & COUNTER_RESET_MASK) as CounterResetHeader;
}

export function setCounterResetHeader(b: Uint8Array, h: CounterResetHeader): void {
  b[FLAG_POS] = (b[FLAG_POS]! & ~COUNTER_RESET_MASK) | h;
}

export function numSamplesOf(b: Uint8Array): number {
  return (b[0]! << 8) | b[1]!;
}

export function setNumSamples(b: Uint8Array, n: number): void {
  b[0] = n >>> 8;
  b[1] = n & 0xff;
}

/**
 * Where a histogram chunk keeps its sample count and counter reset header: encodings 2 and 3
 * (`PLAIN_LAYOUT`), or 5 and 6 with start timestamps (`ST_LAYOUT` in st-decoder.ts).
 */
export interface HistogramHeaderLayout {
  numSamples(b: Uint8Array): number;
  /** Stores the count, keeping the other header bits. */
  setNumSamples(b: Uint8Array, n: number): void;
  counterResetHeader(b: Uint8Array): CounterResetHeader;
  setCounterResetHeader(b: Uint8Array, h: CounterResetHeader): void;
  /** The most samples the count can hold. */
  readonly maxSamples: number;
}

export const PLAIN_LAYOUT: HistogramHeaderLayout = {
  numSamples: numSamplesOf,
  setNumSamples,
  counterResetHeader: getCounterResetHeader,
  setCounterResetHeader,
  maxSamples: 0xffff,
};

export function headerForHint(hint: CounterResetHint): CounterResetHeader {
  switch (hint) {
    case CounterResetHint.CounterReset: return CounterResetHeader.CounterReset;
    case CounterResetHint.NotCounterReset: return CounterResetHeader.NotCounterReset;
    case CounterResetHint.Gauge: return CounterResetHeader.Gauge;
    case CounterResetHint.Unknown: return CounterResetHeader.Unknown;
  }
}

/**
 * The hint a reader attaches to the n'th sample read (numRead counts it): gauge in gauge
 * chunks; no reset after the first sample; unknown for the first, because the previous chunk
 * may be gone or may have been filled in later (backfill, out-of-order), as Prometheus reasons.
 */
export function counterResetHint(h: CounterResetHeader, numRead: number): CounterResetHint {
  if (h === CounterResetHeader.Gauge) return CounterResetHint.Gauge;
  if (numRead > 1) return CounterResetHint.NotCounterReset;
  return CounterResetHint.Unknown;
}

export function emptyHistogram(): Histogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
  };
}

export function emptyFloatHistogram(): FloatHistogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
  };
}

/** Throws when a histogram's bucket lists do not match its spans (the encoding would be garbage). */
export function checkBucketCounts(spans: readonly BucketSpan[], buckets: readonly number[], side: string): void {
  let n = 0;
  for (const s of spans) n += s.length;
  if (n !== buckets.length) throw new Error(`histogram ${side} spans need ${n} buckets, have ${buckets.length} buckets`);
}
