/**
 * Test support for interop checks against a real Prometheus: a remote-write 1.0 request
 * encoder (protobuf by hand, snappy as one literal block) so that tests can push floats with
 * exact bits (stale markers) and native histograms into Prometheus's head, then compare the
 * chunks it writes with ours. Not part of the package API.
 */
import { CounterResetHint, type BucketSpan, type FloatHistogram, type Histogram } from '../../model/index.js';

class PB {
  private readonly out: number[] = [];

  varint(v: number): this {
    while (v >= 0x80) {
      this.out.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.out.push(v);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  uint(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }

  sint(field: number, v: number): this {
    return this.tag(field, 0).varint(v >= 0 ? 2 * v : -2 * v - 1);
  }

  /** A double given by its exact bits (high, low words) or as a number. */
  double(field: number, v: number | readonly [number, number]): this {
    const b = new DataView(new ArrayBuffer(8));
    if (typeof v === 'number') b.setFloat64(0, v, true);
    else {
      b.setUint32(4, v[0] >>> 0, true);
      b.setUint32(0, v[1] >>> 0, true);
    }
    this.tag(field, 1);
    for (let i = 0; i < 8; i++) this.out.push(b.getUint8(i));
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.out.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  packedSint(field: number, vs: readonly number[]): this {
    if (vs.length === 0) return this;
    const p = new PB();
    for (const v of vs) p.varint(v >= 0 ? 2 * v : -2 * v - 1);
    return this.bytes(field, p.done());
  }

  packedDouble(field: number, vs: readonly number[]): this {
    if (vs.length === 0) return this;
    const b = new DataView(new ArrayBuffer(8 * vs.length));
    vs.forEach((v, i) => { b.setFloat64(i * 8, v, true); });
    return this.bytes(field, new Uint8Array(b.buffer));
  }

  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** A float sample; `bits` overrides the value with exact IEEE 754 bits (e.g. the stale marker). */
export interface RWSample { t: number; v: number; bits?: readonly [number, number] }

export interface RWSeries {
  labels: Record<string, string>;
  samples?: readonly RWSample[];
  /** Histograms; `stale` sends Prometheus's stale marker bits as the sum. */
  histograms?: readonly { t: number; h: Histogram; stale?: boolean }[];
  floatHistograms?: readonly { t: number; h: FloatHistogram; stale?: boolean }[];
}

const HINTS: Record<CounterResetHint, number> = {
  [CounterResetHint.Unknown]: 0, [CounterResetHint.CounterReset]: 1, [CounterResetHint.NotCounterReset]: 2, [CounterResetHint.Gauge]: 3,
};

function spans(p: PB, field: number, ss: readonly BucketSpan[]): void {
  for (const s of ss) p.bytes(field, new PB().sint(1, s.offset).uint(2, s.length).done());
}

const STALE_BITS: readonly [number, number] = [0x7ff00000, 2];

function histogramProto(t: number, h: Histogram | FloatHistogram, float: boolean, stale: boolean): Uint8Array {
  const p = new PB();
  if (float) p.double(2, h.count); else p.uint(1, h.count);
  p.double(3, stale ? STALE_BITS : h.sum).sint(4, h.schema).double(5, h.zeroThreshold);
  if (float) p.double(7, h.zeroCount); else p.uint(6, h.zeroCount);
  spans(p, 8, h.negativeSpans);
  if (float) p.packedDouble(10, h.negativeBuckets); else p.packedSint(9, h.negativeBuckets);
  spans(p, 11, h.positiveSpans);
  if (float) p.packedDouble(13, h.positiveBuckets); else p.packedSint(12, h.positiveBuckets);
  if (HINTS[h.counterResetHint] !== 0) p.uint(14, HINTS[h.counterResetHint]);
  p.tag(15, 0).varint(t);
  p.packedDouble(16, h.customValues);
  return p.done();
}

/** The protobuf WriteRequest for the series (labels sorted by name). */
export function encodeWriteRequest(series: readonly RWSeries[]): Uint8Array {
  const req = new PB();
  for (const s of series) {
    const ts = new PB();
    for (const name of Object.keys(s.labels).sort()) ts.bytes(1, new PB().string(1, name).string(2, s.labels[name]!).done());
    for (const x of s.samples ?? []) ts.bytes(2, new PB().double(1, x.bits ?? x.v).tag(2, 0).varint(x.t).done());
    for (const x of s.histograms ?? []) ts.bytes(4, histogramProto(x.t, x.h, false, x.stale === true));
    for (const x of s.floatHistograms ?? []) ts.bytes(4, histogramProto(x.t, x.h, true, x.stale === true));
    req.bytes(1, ts.done());
  }
  return req.done();
}

/** Snappy block format with the whole input as one literal: valid, uncompressed. */
export function snappyLiteral(b: Uint8Array): Uint8Array {
  const head = new PB().varint(b.length).done();
  const out = new Uint8Array(head.length + 5 + b.length);
  out.set(head, 0);
  out[head.length] = 63 << 2; // literal, length-1 in the next 4 bytes
  new DataView(out.buffer).setUint32(head.length + 1, b.length - 1, true);
  out.set(b, head.length + 5);
  return out;
}

/** POSTs series to a remote-write 1.0 receiver; throws unless it answers 2xx. */
export async function remoteWrite(url: string, series: readonly RWSeries[]): Promise<void> {
  const body = snappyLiteral(encodeWriteRequest(series));
  const r = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
  });
  if (r.status < 200 || r.status > 299) throw new Error(`remote write: HTTP ${r.status}: ${await r.text()}`);
}
