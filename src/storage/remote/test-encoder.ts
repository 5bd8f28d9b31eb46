/**
 * Test support: encoders for remote-write 1.0 and 2.0 messages written by hand from the
 * protobuf definitions, so tests (and the benchmark) can craft any request, malformed ones
 * included: strings may be raw bytes (invalid UTF-8), doubles may be given by their exact bits
 * (the stale marker), and 2.0 requests take raw symbol references. Not part of the API.
 */
import { Buffer } from 'node:buffer';
import { CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';
import { SnappyBuffer, snappyCompress } from '../../util/snappy.js';

/** A protobuf message being written. */
export class PB {
  #out: number[] = [];

  varint(v: number): this {
    let x = v;
    if (x < 0) {
      // Two's complement of a negative int64, as ten bytes (exact for |v| < 2^53).
      const lo = (x % 4294967296 + 4294967296) % 4294967296;
      const hi = Math.floor(x / 4294967296) + 4294967296;
      this.#u64(lo, hi);
      return this;
    }
    while (x >= 0x80) {
      this.#out.push((x % 128) | 0x80);
      x = Math.floor(x / 128);
    }
    this.#out.push(x);
    return this;
  }

  #u64(lo: number, hi: number): void {
    let l = lo >>> 0, h = hi >>> 0;
    for (let i = 0; i < 9; i++) {
      this.#out.push((l & 0x7f) | 0x80);
      l = ((l >>> 7) | ((h & 0x7f) << 25)) >>> 0;
      h >>>= 7;
    }
    this.#out.push(l & 0x01);
  }

  tag(field: number, wire: number): this { return this.varint(field * 8 + wire); }
  uint(field: number, v: number): this { return this.tag(field, 0).varint(v); }
  sint(field: number, v: number): this { return this.tag(field, 0).varint(v >= 0 ? 2 * v : -2 * v - 1); }

  /** A double by value, or by its exact bits `[high word, low word]`. */
  double(field: number, v: number | readonly [number, number]): this {
    this.tag(field, 1);
    return this.rawDouble(v);
  }

  rawDouble(v: number | readonly [number, number]): this {
    const b = new DataView(new ArrayBuffer(8));
    if (typeof v === 'number') b.setFloat64(0, v, true);
    else {
      b.setUint32(4, v[0] >>> 0, true);
      b.setUint32(0, v[1] >>> 0, true);
    }
    for (let i = 0; i < 8; i++) this.#out.push(b.getUint8(i));
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.#out.push(x);
    return this;
  }

  string(field: number, s: string | Uint8Array): this {
    return this.bytes(field, typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
  }

  /** Appends bytes as they are (for malformed messages). */
  raw(b: Uint8Array | readonly number[]): this {
    for (const x of b) this.#out.push(x);
    return this;
  }

  done(): Uint8Array {
    return Uint8Array.from(this.#out);
  }
}

export const STALE_BITS: readonly [number, number] = [0x7ff00000, 2];

export type Str = string | Uint8Array;
export interface SampleSpec { t: number; v: number; bits?: readonly [number, number]; st?: number }
export interface HistSpec { t: number; h: Histogram | FloatHistogram; float?: boolean; st?: number; staleSum?: boolean }
export interface V1ExemplarSpec { labels: readonly (readonly [Str, Str])[]; v: number; t: number }
export interface V1SeriesSpec {
  labels: readonly (readonly [Str, Str])[];
  samples?: readonly SampleSpec[];
  exemplars?: readonly V1ExemplarSpec[];
  histograms?: readonly HistSpec[];
}
export interface V1MetadataSpec { type: number; family: string; help?: string; unit?: string }

function spans(p: PB, field: number, ss: readonly BucketSpan[]): void {
  for (const s of ss) p.bytes(field, new PB().sint(1, s.offset).uint(2, s.length).done());
}

function packedSint(p: PB, field: number, vs: readonly number[]): void {
  if (vs.length === 0) return;
  const q = new PB();
  for (const v of vs) q.varint(v >= 0 ? 2 * v : -2 * v - 1);
  p.bytes(field, q.done());
}

function packedDouble(p: PB, field: number, vs: readonly number[]): void {
  if (vs.length === 0) return;
  const q = new PB();
  for (const v of vs) q.rawDouble(v);
  p.bytes(field, q.done());
}

/** A `Histogram` message (1.0 and 2.0 share it; `st` is written as field 17). */
export function histogramMessage(x: HistSpec): Uint8Array {
  const p = new PB();
  const h = x.h, float = x.float === true;
  if (float) p.double(2, h.count); else p.uint(1, h.count);
  p.double(3, x.staleSum === true ? STALE_BITS : h.sum).sint(4, h.schema).double(5, h.zeroThreshold);
  if (float) p.double(7, h.zeroCount); else p.uint(6, h.zeroCount);
  spans(p, 8, h.negativeSpans);
  if (float) packedDouble(p, 10, h.negativeBuckets); else packedSint(p, 9, h.negativeBuckets);
  spans(p, 11, h.positiveSpans);
  if (float) packedDouble(p, 13, h.positiveBuckets); else packedSint(p, 12, h.positiveBuckets);
  if (h.counterResetHint !== CounterResetHint.Unknown) p.uint(14, h.counterResetHint);
  p.tag(15, 0).varint(x.t);
  packedDouble(p, 16, h.customValues);
  if (x.st !== undefined) p.tag(17, 0).varint(x.st);
  return p.done();
}

function labelMessage(n: Str, v: Str): Uint8Array {
  return new PB().string(1, n).string(2, v).done();
}

/** A `prometheus.WriteRequest`. */
export function encodeV1(series: readonly V1SeriesSpec[], metadata: readonly V1MetadataSpec[] = []): Uint8Array {
  const req = new PB();
  for (const s of series) {
    const ts = new PB();
    for (const [n, v] of s.labels) ts.bytes(1, labelMessage(n, v));
    for (const x of s.samples ?? []) ts.bytes(2, new PB().double(1, x.bits ?? x.v).tag(2, 0).varint(x.t).done());
    for (const e of s.exemplars ?? []) {
      const ex = new PB();
      for (const [n, v] of e.labels) ex.bytes(1, labelMessage(n, v));
      ts.bytes(3, ex.double(2, e.v).tag(3, 0).varint(e.t).done());
    }
    for (const h of s.histograms ?? []) ts.bytes(4, histogramMessage(h));
    req.bytes(1, ts.done());
  }
  for (const m of metadata) {
    req.bytes(3, new PB().uint(1, m.type).string(2, m.family).string(4, m.help ?? '').string(5, m.unit ?? '').done());
  }
  return req.done();
}

export interface V2SeriesSpec {
  refs: readonly number[];
  samples?: readonly SampleSpec[];
  histograms?: readonly HistSpec[];
  exemplars?: readonly { refs: readonly number[]; v: number; t: number }[];
  metadata?: { type: number; helpRef?: number; unitRef?: number };
}

function packedUint(p: PB, field: number, vs: readonly number[]): void {
  if (vs.length === 0) return;
  const q = new PB();
  for (const v of vs) q.varint(v);
  p.bytes(field, q.done());
}

/** An `io.prometheus.write.v2.Request` with the given symbol table and raw references. */
export function encodeV2(symbols: readonly Str[], series: readonly V2SeriesSpec[]): Uint8Array {
  const req = new PB();
  for (const s of symbols) req.string(4, s);
  for (const s of series) {
    const ts = new PB();
    packedUint(ts, 1, s.refs);
    for (const x of s.samples ?? []) {
      const m = new PB().double(1, x.bits ?? x.v).tag(2, 0).varint(x.t);
      if (x.st !== undefined) m.tag(3, 0).varint(x.st);
      ts.bytes(2, m.done());
    }
    for (const h of s.histograms ?? []) ts.bytes(3, histogramMessage(h));
    for (const e of s.exemplars ?? []) {
      const ex = new PB();
      packedUint(ex, 1, e.refs);
      ts.bytes(4, ex.double(2, e.v).tag(3, 0).varint(e.t).done());
    }
    if (s.metadata !== undefined) {
      ts.bytes(5, new PB().uint(1, s.metadata.type).uint(3, s.metadata.helpRef ?? 0).uint(4, s.metadata.unitRef ?? 0).done());
    }
    req.bytes(5, ts.done());
  }
  return req.done();
}

/** Builds a 2.0 symbol table as senders do: `""` first, every string once. */
export class Symbols {
  readonly list: string[] = [''];
  readonly #index = new Map<string, number>([['', 0]]);

  ref(s: string): number {
    let r = this.#index.get(s);
    if (r === undefined) {
      r = this.list.length;
      this.list.push(s);
      this.#index.set(s, r);
    }
    return r;
  }

  refs(labels: Readonly<Record<string, string>>): number[] {
    const out: number[] = [];
    for (const name of Object.keys(labels).sort()) out.push(this.ref(name), this.ref(labels[name]!));
    return out;
  }
}

/** Snappy block format, compressed. */
export function snappy(b: Uint8Array): Uint8Array {
  return snappyCompress(b, new SnappyBuffer()).slice();
}
