/**
 * Test support: remote-write 1.0 requests (`prometheus.WriteRequest`, snappy-compressed)
 * built from plain series, so that Watchfire and a real Prometheus can be loaded with the
 * same samples, native histograms and exemplars.
 */
import { snappyCompress, SnappyBuffer } from '../../../util/snappy.js';

export interface RWHistogram {
  t: number;
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  positiveSpans: { offset: number; length: number }[];
  /** Delta-encoded bucket counts, as integer histograms carry them. */
  positiveDeltas: number[];
}

export interface RWSeries {
  labels: Record<string, string>;
  samples: [t: number, v: number][];
  histograms?: RWHistogram[];
  exemplars?: { labels: Record<string, string>; value: number; t: number }[];
}

const TWO32 = 4294967296;

/** A minimal protobuf writer: enough for WriteRequest. */
class Writer {
  bytes: number[] = [];

  varint(v: number): void {
    // Non-negative integers up to 2^53 by division; negatives as 64-bit two's complement.
    let lo: number, hi: number;
    if (v >= 0) {
      lo = v % TWO32;
      hi = Math.floor(v / TWO32);
    } else {
      const h = Math.floor(v / TWO32);
      lo = v - h * TWO32;
      hi = (h + TWO32) % TWO32;
    }
    while (hi > 0 || lo > 0x7f) {
      this.bytes.push((lo % 128) + 128);
      lo = Math.floor(lo / 128) + (hi % 128) * (TWO32 / 128);
      hi = Math.floor(hi / 128);
    }
    this.bytes.push(lo);
  }

  zigzag(v: number): void {
    this.varint(v >= 0 ? 2 * v : -2 * v - 1);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    for (const x of b) this.bytes.push(x);
  }

  uint(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(v);
  }

  sint(field: number, v: number): void {
    this.tag(field, 0);
    this.zigzag(v);
  }

  bytesField(field: number, b: Uint8Array | number[]): void {
    this.tag(field, 2);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
  }

  string(field: number, s: string): void {
    this.bytesField(field, Buffer.from(s, 'utf8'));
  }

  message(field: number, build: (w: Writer) => void): void {
    const w = new Writer();
    build(w);
    this.bytesField(field, w.bytes);
  }
}

function labels(w: Writer, field: number, l: Record<string, string>): void {
  for (const k of Object.keys(l).sort()) {
    w.message(field, (m) => { m.string(1, k); m.string(2, l[k]!); });
  }
}

/** The uncompressed protobuf of a WriteRequest. */
export function encodeWriteRequest(series: readonly RWSeries[]): Uint8Array {
  const w = new Writer();
  for (const s of series) {
    w.message(1, (ts) => {
      labels(ts, 1, s.labels);
      for (const [t, v] of s.samples) ts.message(2, (m) => { m.double(1, v); m.uint(2, t); });
      for (const e of s.exemplars ?? []) ts.message(3, (m) => { labels(m, 1, e.labels); m.double(2, e.value); m.uint(3, e.t); });
      for (const h of s.histograms ?? []) {
        ts.message(4, (m) => {
          m.uint(1, h.count);
          m.double(3, h.sum);
          m.sint(4, h.schema);
          m.double(5, h.zeroThreshold);
          m.uint(6, h.zeroCount);
          for (const sp of h.positiveSpans) m.message(11, (b) => { b.sint(1, sp.offset); b.uint(2, sp.length); });
          const deltas = new Writer();
          for (const d of h.positiveDeltas) deltas.zigzag(d);
          m.bytesField(12, deltas.bytes);
          m.uint(15, h.t);
        });
      }
    });
  }
  return Uint8Array.from(w.bytes);
}

/** Sends the series to a remote-write 1.0 receiver; resolves with the status and body. */
export async function remoteWrite(url: string, series: readonly RWSeries[]): Promise<{ status: number; body: string }> {
  const body = snappyCompress(encodeWriteRequest(series), new SnappyBuffer());
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
    body: Buffer.from(body),
  });
  return { status: r.status, body: await r.text() };
}
