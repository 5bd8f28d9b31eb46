/**
 * The body of one native histogram inside a histogram samples record, as Prometheus writes
 * it: hint byte, schema (varint), zero threshold (float), zero count and count (uvarint for
 * integer histograms, float for float histograms), sum (float; the stale-marker NaN for a
 * stale histogram), spans (varint offset, uvarint length), buckets (varint deltas or
 * floats), and for the custom-buckets schema the custom bounds (floats).
 */
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';
import type { Decbuf } from './decbuf.js';
import type { Encbuf } from './encbuf.js';

export const EXPONENTIAL_SCHEMA_MIN = -4;
export const EXPONENTIAL_SCHEMA_MAX = 8;
/** Schemas a newer Prometheus may write; the decoder reduces those above the max. */
export const EXPONENTIAL_SCHEMA_MIN_RESERVED = -9;
export const EXPONENTIAL_SCHEMA_MAX_RESERVED = 52;

export function isKnownSchema(s: number): boolean {
  return s === CUSTOM_BUCKETS_SCHEMA || (s >= EXPONENTIAL_SCHEMA_MIN_RESERVED && s <= EXPONENTIAL_SCHEMA_MAX_RESERVED);
}

function putSpans(buf: Encbuf, spans: readonly BucketSpan[]): void {
  buf.putUvarint(spans.length);
  for (const s of spans) {
    buf.putVarint(s.offset);
    buf.putUvarint(s.length);
  }
}

export function encodeHistogram(buf: Encbuf, h: Histogram, stale: boolean): void {
  buf.putByte(h.counterResetHint);
  buf.putVarint(h.schema);
  buf.putBEFloat64(h.zeroThreshold);
  buf.putUvarint(h.zeroCount);
  buf.putUvarint(h.count);
  buf.putSampleValue(h.sum, stale);
  putSpans(buf, h.positiveSpans);
  putSpans(buf, h.negativeSpans);
  buf.putUvarint(h.positiveBuckets.length);
  for (const b of h.positiveBuckets) buf.putVarint(b);
  buf.putUvarint(h.negativeBuckets.length);
  for (const b of h.negativeBuckets) buf.putVarint(b);
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    buf.putUvarint(h.customValues.length);
    for (const v of h.customValues) buf.putBEFloat64(v);
  }
}

export function encodeFloatHistogram(buf: Encbuf, h: FloatHistogram, stale: boolean): void {
  buf.putByte(h.counterResetHint);
  buf.putVarint(h.schema);
  buf.putBEFloat64(h.zeroThreshold);
  buf.putBEFloat64(h.zeroCount);
  buf.putBEFloat64(h.count);
  buf.putSampleValue(h.sum, stale);
  putSpans(buf, h.positiveSpans);
  putSpans(buf, h.negativeSpans);
  buf.putUvarint(h.positiveBuckets.length);
  for (const b of h.positiveBuckets) buf.putBEFloat64(b);
  buf.putUvarint(h.negativeBuckets.length);
  for (const b of h.negativeBuckets) buf.putBEFloat64(b);
  if (h.schema === CUSTOM_BUCKETS_SCHEMA) {
    buf.putUvarint(h.customValues.length);
    for (const v of h.customValues) buf.putBEFloat64(v);
  }
}

/** A count read from the record cannot ask for more entries than bytes are left. */
function count(dec: Decbuf): number {
  const n = dec.uvarint();
  if (n > dec.len()) {
    if (dec.err === null) dec.err = 'invalid size';
    return 0;
  }
  return n;
}

function getSpans(dec: Decbuf): BucketSpan[] {
  const n = count(dec);
  const spans = new Array<BucketSpan>(n);
  for (let i = 0; i < n; i++) {
    // Offsets are int32 and lengths uint32 in Prometheus; wider values wrap as its casts do.
    const offset = dec.varint() | 0;
    const length = dec.uvarint() >>> 0;
    spans[i] = { offset, length };
  }
  return spans;
}

/** Decodes one histogram; `dec.lastStale` tells whether its sum was the stale marker. */
export function decodeHistogram(dec: Decbuf): Histogram {
  const counterResetHint = hintFromByte(dec.byte());
  const schema = dec.varint() | 0;
  const zeroThreshold = dec.be64Float();
  const zeroCount = dec.uvarint();
  const cnt = dec.uvarint();
  const sum = dec.sampleValue();
  const stale = dec.lastStale;
  const positiveSpans = getSpans(dec);
  const negativeSpans = getSpans(dec);
  let n = count(dec);
  const positiveBuckets = new Array<number>(n);
  for (let i = 0; i < n; i++) positiveBuckets[i] = dec.varint();
  n = count(dec);
  const negativeBuckets = new Array<number>(n);
  for (let i = 0; i < n; i++) negativeBuckets[i] = dec.varint();
  const customValues = schema === CUSTOM_BUCKETS_SCHEMA ? getFloats(dec) : [];
  dec.lastStale = stale;
  return { counterResetHint, schema, zeroThreshold, zeroCount, count: cnt, sum, positiveSpans, negativeSpans, positiveBuckets, negativeBuckets, customValues };
}

export function decodeFloatHistogram(dec: Decbuf): FloatHistogram {
  const counterResetHint = hintFromByte(dec.byte());
  const schema = dec.varint() | 0;
  const zeroThreshold = dec.be64Float();
  const zeroCount = dec.be64Float();
  const cnt = dec.be64Float();
  const sum = dec.sampleValue();
  const stale = dec.lastStale;
  const positiveSpans = getSpans(dec);
  const negativeSpans = getSpans(dec);
  const positiveBuckets = getFloats(dec);
  const negativeBuckets = getFloats(dec);
  const customValues = schema === CUSTOM_BUCKETS_SCHEMA ? getFloats(dec) : [];
  dec.lastStale = stale;
  return { counterResetHint, schema, zeroThreshold, zeroCount, count: cnt, sum, positiveSpans, negativeSpans, positiveBuckets, negativeBuckets, customValues };
}

function hintFromByte(b: number): CounterResetHint {
  switch (b) {
    case 1: return CounterResetHint.CounterReset;
    case 2: return CounterResetHint.NotCounterReset;
    case 3: return CounterResetHint.Gauge;
    default: return CounterResetHint.Unknown;
  }
}

function getFloats(dec: Decbuf): number[] {
  const n = count(dec);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = dec.be64Float();
  return out;
}

/**
 * Lowers an exponential schema above 8 (written by a newer Prometheus) to 8, merging
 * buckets as Prometheus does: bucket `i` at schema `s` falls into `((i-1) >> (s-t)) + 1`
 * at schema `t`. Integer histograms keep delta-encoded buckets.
 */
export function reduceResolution(h: { schema: number; positiveSpans: BucketSpan[]; negativeSpans: BucketSpan[]; positiveBuckets: number[]; negativeBuckets: number[] }, target: number, deltas: boolean): void {
  const shift = h.schema - target;
  if (shift <= 0) return;
  const p = reduceSide(h.positiveSpans, h.positiveBuckets, shift, deltas);
  const n = reduceSide(h.negativeSpans, h.negativeBuckets, shift, deltas);
  h.positiveSpans = p.spans;
  h.positiveBuckets = p.buckets;
  h.negativeSpans = n.spans;
  h.negativeBuckets = n.buckets;
  h.schema = target;
}

function reduceSide(spans: readonly BucketSpan[], buckets: readonly number[], shift: number, deltas: boolean): { spans: BucketSpan[]; buckets: number[] } {
  const outSpans: BucketSpan[] = [];
  const abs: number[] = [];
  let idx = 0, bi = 0, acc = 0;
  let lastTarget = 0;
  for (let si = 0; si < spans.length; si++) {
    const s = spans[si]!;
    idx += s.offset;
    for (let j = 0; j < s.length; j++, idx++, bi++) {
      const raw = buckets[bi] ?? 0;
      acc = deltas ? acc + raw : raw;
      const target = ((idx - 1) >> shift) + 1;
      if (abs.length === 0) {
        outSpans.push({ offset: target, length: 1 });
        abs.push(acc);
      } else if (target === lastTarget) {
        abs[abs.length - 1]! += acc;
      } else if (target === lastTarget + 1) {
        outSpans[outSpans.length - 1]!.length++;
        abs.push(acc);
      } else {
        outSpans.push({ offset: target - lastTarget - 1, length: 1 });
        abs.push(acc);
      }
      lastTarget = target;
    }
  }
  if (!deltas) return { spans: outSpans, buckets: abs };
  const out = new Array<number>(abs.length);
  let prev = 0;
  for (let i = 0; i < abs.length; i++) { out[i] = abs[i]! - prev; prev = abs[i]!; }
  return { spans: outSpans, buckets: out };
}
