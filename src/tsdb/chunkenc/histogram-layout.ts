/**
 * The layout block at the start of every histogram chunk (after the 3-byte header):
 * zero threshold, schema, positive spans, negative spans and, for schema -53, the custom
 * bucket bounds. The first sample of a chunk dictates the layout for all of its samples.
 */
import { CUSTOM_BUCKETS_SCHEMA, type BucketSpan } from '../../model/index.js';
import type { BitReader, BitWriter } from './bstream.js';
import { putVarbitInt, putVarbitUint, readVarbitInt, readVarbitUint } from './varbit.js';
import { W, floatWords, wordsFloat } from './words.js';

export interface HistogramLayout {
  schema: number;
  zeroThreshold: number;
  positiveSpans: BucketSpan[];
  negativeSpans: BucketSpan[];
  customValues: number[];
}

export function writeLayout(
  w: BitWriter, schema: number, zeroThreshold: number,
  pSpans: readonly BucketSpan[], nSpans: readonly BucketSpan[], customValues: readonly number[],
): void {
  putZeroThreshold(w, zeroThreshold);
  putVarbitInt(w, schema);
  putSpans(w, pSpans);
  putSpans(w, nSpans);
  if (schema === CUSTOM_BUCKETS_SCHEMA) {
    putVarbitUint(w, customValues.length);
    for (const v of customValues) putCustomBound(w, v);
  }
}

/** Reads a layout; the arrays are freshly allocated (the caller may hand them out). */
export function readLayout(r: BitReader): HistogramLayout {
  const zeroThreshold = readZeroThreshold(r);
  const schema = readVarbitInt(r);
  const positiveSpans = readSpans(r);
  const negativeSpans = readSpans(r);
  const customValues: number[] = [];
  if (schema === CUSTOM_BUCKETS_SCHEMA) {
    const n = readVarbitUint(r);
    for (let i = 0; i < n && !r.eof; i++) customValues.push(readCustomBound(r));
  }
  return { schema, zeroThreshold, positiveSpans, negativeSpans, customValues };
}

function putSpans(w: BitWriter, spans: readonly BucketSpan[]): void {
  putVarbitUint(w, spans.length);
  for (const s of spans) {
    putVarbitUint(w, s.length);
    putVarbitInt(w, s.offset);
  }
}

function readSpans(r: BitReader): BucketSpan[] {
  const n = readVarbitUint(r);
  const spans: BucketSpan[] = [];
  for (let i = 0; i < n && !r.eof; i++) {
    const length = readVarbitUint(r);
    const offset = readVarbitInt(r);
    spans.push({ offset, length });
  }
  return spans;
}

/**
 * Zero thresholds: 0 as a zero byte; a power of two 2^-243 .. 2^10 as one byte holding its
 * frexp exponent + 243 (the default 2^-128 is byte 116); anything else as byte 255 followed
 * by the 64-bit float.
 */
export function putZeroThreshold(w: BitWriter, threshold: number): void {
  if (threshold === 0) {
    w.writeByte(0);
    return;
  }
  floatWords(threshold);
  const biased = (W.hi >>> 20) & 0x7ff;
  // A positive normal float with an empty mantissa is 2^(biased-1023) = 0.5 * 2^(biased-1022).
  const exp = biased - 1022;
  if (W.hi >= 0 && (W.hi & 0xfffff) === 0 && W.lo === 0 && biased !== 0 && biased !== 0x7ff && exp >= -242 && exp <= 11) {
    w.writeByte(exp + 243);
    return;
  }
  w.writeByte(255);
  w.writeBits(W.hi, 32);
  w.writeBits(W.lo, 32);
}

export function readZeroThreshold(r: BitReader): number {
  const b = r.readByte();
  if (b === 0) return 0;
  if (b === 255) {
    const hi = r.readBits(32);
    return wordsFloat(hi, r.readBits(32));
  }
  // 0.5 * 2^(b-243) = 2^(b-244); biased exponent b - 244 + 1023.
  return wordsFloat((b + 779) << 20, 0);
}

/**
 * Custom bucket bounds: a bound b with b*1000 a whole number in [0, 33554430] is stored as
 * the varbit uint b*1000+1 (so it starts with a 1 bit); others as a 0 bit and the float.
 */
export function putCustomBound(w: BitWriter, f: number): void {
  const tf = f * 1000;
  if (tf < 0 || tf > 33554430 || !isWholeWhenMultiplied(f)) {
    w.writeBit(0);
    floatWords(f);
    w.writeBits(W.hi, 32);
    w.writeBits(W.lo, 32);
    return;
  }
  putVarbitUint(w, Math.round(tf) + 1);
}

function isWholeWhenMultiplied(f: number): boolean {
  const i = Math.round(f * 1000);
  return f === i / 1000;
}

export function readCustomBound(r: BitReader): number {
  const v = readVarbitUint(r);
  if (v === 0) {
    const hi = r.readBits(32);
    return wordsFloat(hi, r.readBits(32));
  }
  return (v - 1) / 1000;
}

export function countSpans(spans: readonly BucketSpan[]): number {
  let n = 0;
  for (const s of spans) n += s.length;
  return n;
}

export function copySpans(spans: readonly BucketSpan[]): BucketSpan[] {
  const out = new Array<BucketSpan>(spans.length);
  for (let i = 0; i < spans.length; i++) out[i] = { offset: spans[i]!.offset, length: spans[i]!.length };
  return out;
}

export function customBoundsMatch(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Exponential schemas a chunk may hold: -9..52 (beyond -4..8 reserved for newer versions), or -53. */
export function isKnownSchema(s: number): boolean {
  return s === CUSTOM_BUCKETS_SCHEMA || (s >= -9 && s <= 52);
}

export function unknownSchemaError(s: number): Error {
  return new Error(`histogram has an unknown schema, which must be between -9 and 52 for exponential buckets, or -53 for custom buckets, got schema ${s}`);
}
