/**
 * A small protobuf encoder for `io.prometheus.client` messages, for tests and benchmarks
 * only: builds delimited MetricFamily payloads from plain objects, plus raw wire helpers
 * for malformed input. Not used by the parser.
 */

export interface LabelPairMsg { name?: string; value?: string }
export interface TimestampMsg { seconds?: number; nanos?: number }
export interface ExemplarMsg { label?: LabelPairMsg[]; value?: number; timestamp?: TimestampMsg }
export interface BucketMsg { cumulativeCount?: number; cumulativeCountFloat?: number; upperBound?: number; exemplar?: ExemplarMsg }
export interface SpanMsg { offset?: number; length?: number }
export interface HistogramMsg {
  sampleCount?: number;
  sampleCountFloat?: number;
  sampleSum?: number;
  bucket?: BucketMsg[];
  startTimestamp?: TimestampMsg;
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: number;
  zeroCountFloat?: number;
  negativeSpan?: SpanMsg[];
  negativeDelta?: number[];
  negativeCount?: number[];
  positiveSpan?: SpanMsg[];
  positiveDelta?: number[];
  positiveCount?: number[];
  exemplars?: ExemplarMsg[];
  /** Encode repeated numbers one field each instead of packed. */
  unpacked?: boolean;
}
export interface MetricMsg {
  label?: LabelPairMsg[];
  gauge?: { value?: number };
  counter?: { value?: number; exemplar?: ExemplarMsg; startTimestamp?: TimestampMsg };
  summary?: { sampleCount?: number; sampleSum?: number; quantile?: { quantile?: number; value?: number }[]; startTimestamp?: TimestampMsg };
  untyped?: { value?: number };
  timestampMs?: number;
  histogram?: HistogramMsg;
}
export interface MetricFamilyMsg { name?: string; help?: string; type?: number; metric?: MetricMsg[]; unit?: string }

export const COUNTER = 0, GAUGE = 1, SUMMARY = 2, UNTYPED = 3, HISTOGRAM = 4, GAUGE_HISTOGRAM = 5;

const TWO32 = 4294967296;

export class Writer {
  buf = new Uint8Array(64);
  n = 0;

  private grow(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const g = new Uint8Array(size);
    g.set(this.buf.subarray(0, this.n));
    this.buf = g;
  }

  byte(b: number): this {
    this.grow(1);
    this.buf[this.n++] = b;
    return this;
  }

  raw(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }

  /** Unsigned varint of a non-negative integer up to 2^53, or of two 32-bit words. */
  varint(v: number): this {
    if (v < 0) return this.words((v % TWO32 + TWO32) % TWO32, Math.floor(v / TWO32) >>> 0);
    return this.words(v % TWO32, Math.floor(v / TWO32));
  }

  words(lo: number, hi: number): this {
    let l = lo >>> 0, h = hi >>> 0;
    while (h > 0 || l > 0x7f) {
      this.byte((l & 0x7f) | 0x80);
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h = h >>> 7;
    }
    return this.byte(l);
  }

  /** Two's-complement int64 varint (10 bytes for negative values). */
  int64(v: number): this {
    if (v >= 0) return this.varint(v);
    const mag = -v;
    const lo = mag % TWO32, hi = Math.floor(mag / TWO32);
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    return this.words(nlo, nhi);
  }

  sint(v: number): this {
    return v >= 0 ? this.varint(v * 2) : this.varint(-v * 2 - 1);
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  double(v: number): this {
    this.grow(8);
    new DataView(this.buf.buffer).setFloat64(this.n, v, true);
    this.n += 8;
    return this;
  }

  bytesField(field: number, b: Uint8Array): this {
    return this.tag(field, 2).varint(b.length).raw(b);
  }

  stringField(field: number, s: string | undefined): this {
    return s === undefined ? this : this.bytesField(field, new TextEncoder().encode(s));
  }

  doubleField(field: number, v: number | undefined): this {
    return v === undefined ? this : this.tag(field, 1).double(v);
  }

  varintField(field: number, v: number | undefined): this {
    return v === undefined ? this : this.tag(field, 0).varint(v);
  }

  messageField(field: number, build: ((w: Writer) => void) | undefined): this {
    if (build === undefined) return this;
    const w = new Writer();
    build(w);
    return this.bytesField(field, w.bytes());
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

function labelPair(w: Writer, l: LabelPairMsg): void {
  w.stringField(1, l.name).stringField(2, l.value);
}

function timestamp(t: TimestampMsg | undefined): ((w: Writer) => void) | undefined {
  if (t === undefined) return undefined;
  return (w) => {
    if (t.seconds !== undefined) w.tag(1, 0).int64(t.seconds);
    if (t.nanos !== undefined) w.tag(2, 0).int64(t.nanos);
  };
}

function exemplar(x: ExemplarMsg | undefined): ((w: Writer) => void) | undefined {
  if (x === undefined) return undefined;
  return (w) => {
    for (const l of x.label ?? []) w.messageField(1, (v) => { labelPair(v, l); });
    w.doubleField(2, x.value);
    w.messageField(3, timestamp(x.timestamp));
  };
}

function spans(w: Writer, field: number, ss: SpanMsg[] | undefined): void {
  for (const s of ss ?? []) {
    w.messageField(field, (v) => {
      if (s.offset !== undefined) v.tag(1, 0).sint(s.offset);
      v.varintField(2, s.length);
    });
  }
}

function sints(w: Writer, field: number, xs: number[] | undefined, unpacked: boolean): void {
  if (xs === undefined || xs.length === 0) return;
  if (unpacked) {
    for (const x of xs) w.tag(field, 0).sint(x);
    return;
  }
  w.messageField(field, (v) => { for (const x of xs) v.sint(x); });
}

function doubles(w: Writer, field: number, xs: number[] | undefined, unpacked: boolean): void {
  if (xs === undefined || xs.length === 0) return;
  if (unpacked) {
    for (const x of xs) w.tag(field, 1).double(x);
    return;
  }
  w.messageField(field, (v) => { for (const x of xs) v.double(x); });
}

function histogram(w: Writer, h: HistogramMsg): void {
  const u = h.unpacked ?? false;
  w.varintField(1, h.sampleCount).doubleField(2, h.sampleSum);
  for (const b of h.bucket ?? []) {
    w.messageField(3, (v) => {
      v.varintField(1, b.cumulativeCount).doubleField(2, b.upperBound).messageField(3, exemplar(b.exemplar)).doubleField(4, b.cumulativeCountFloat);
    });
  }
  w.doubleField(4, h.sampleCountFloat);
  if (h.schema !== undefined) w.tag(5, 0).sint(h.schema);
  w.doubleField(6, h.zeroThreshold).varintField(7, h.zeroCount).doubleField(8, h.zeroCountFloat);
  spans(w, 9, h.negativeSpan);
  sints(w, 10, h.negativeDelta, u);
  doubles(w, 11, h.negativeCount, u);
  spans(w, 12, h.positiveSpan);
  sints(w, 13, h.positiveDelta, u);
  doubles(w, 14, h.positiveCount, u);
  w.messageField(15, timestamp(h.startTimestamp));
  for (const x of h.exemplars ?? []) w.messageField(16, exemplar(x));
}

function metric(w: Writer, m: MetricMsg): void {
  for (const l of m.label ?? []) w.messageField(1, (v) => { labelPair(v, l); });
  if (m.gauge !== undefined) w.messageField(2, (v) => v.doubleField(1, m.gauge?.value));
  const c = m.counter;
  if (c !== undefined) w.messageField(3, (v) => v.doubleField(1, c.value).messageField(2, exemplar(c.exemplar)).messageField(3, timestamp(c.startTimestamp)));
  const s = m.summary;
  if (s !== undefined) {
    w.messageField(4, (v) => {
      v.varintField(1, s.sampleCount).doubleField(2, s.sampleSum);
      for (const q of s.quantile ?? []) v.messageField(3, (x) => x.doubleField(1, q.quantile).doubleField(2, q.value));
      v.messageField(4, timestamp(s.startTimestamp));
    });
  }
  if (m.untyped !== undefined) w.messageField(5, (v) => v.doubleField(1, m.untyped?.value));
  if (m.timestampMs !== undefined) w.tag(6, 0).int64(m.timestampMs);
  const h = m.histogram;
  if (h !== undefined) w.messageField(7, (v) => { histogram(v, h); });
}

export function encodeFamily(f: MetricFamilyMsg): Uint8Array {
  const w = new Writer();
  w.stringField(1, f.name).stringField(2, f.help).varintField(3, f.type);
  for (const m of f.metric ?? []) w.messageField(4, (v) => { metric(v, m); });
  w.stringField(5, f.unit);
  return w.bytes();
}

/** Varint-length-delimited concatenation of encoded messages. */
export function delimit(...messages: Uint8Array[]): Uint8Array {
  const w = new Writer();
  for (const m of messages) w.varint(m.length).raw(m);
  return w.bytes();
}

export function encodeFamilies(...fs: MetricFamilyMsg[]): Uint8Array {
  return delimit(...fs.map(encodeFamily));
}
