/**
 * The protobuf exposition format: `io.prometheus.client.MetricFamily` messages, each preceded
 * by its length as a varint (`encoding=delimited`). Fields are written in field-number order,
 * as Go's protobuf library writes them, and exactly when present in the model (see model.ts);
 * repeated numbers are packed. Field numbers follow client_model's metrics.proto.
 */
import { FAMILY_TYPE_NUMBER, type Bucket, type ExpositionExemplar, type HistogramValue, type LabelPair, type Metric, type MetricFamily, type Span } from './model.js';
import { ProtoWriter, WIRE_BYTES } from './proto-writer.js';

function labelPair(w: ProtoWriter, field: number, l: LabelPair): void {
  const m = w.begin(field);
  w.stringField(1, l.name);
  w.stringField(2, l.value);
  w.end(m);
}

/** google.protobuf.Timestamp from ms; zero fields are left out (proto3). */
function timestamp(w: ProtoWriter, field: number, ms: number): void {
  const m = w.begin(field);
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1e6;
  if (seconds !== 0) w.varintField(1, seconds);
  if (nanos !== 0) w.varintField(2, nanos);
  w.end(m);
}

function exemplar(w: ProtoWriter, field: number, e: ExpositionExemplar): void {
  const m = w.begin(field);
  for (const l of e.labels) labelPair(w, 1, l);
  w.doubleField(2, e.value);
  if (e.timestampMs !== undefined) timestamp(w, 3, e.timestampMs);
  w.end(m);
}

function bucket(w: ProtoWriter, b: Bucket): void {
  const m = w.begin(3);
  if (b.cumulativeCount !== undefined) w.varintField(1, b.cumulativeCount);
  w.doubleField(2, b.upperBound);
  if (b.exemplar !== undefined) exemplar(w, 3, b.exemplar);
  if (b.cumulativeCountFloat !== undefined) w.doubleField(4, b.cumulativeCountFloat);
  w.end(m);
}

function spans(w: ProtoWriter, field: number, ss: readonly Span[] | undefined): void {
  if (ss === undefined) return;
  for (const s of ss) {
    const m = w.begin(field);
    w.zigzagField(1, s.offset);
    w.varintField(2, s.length);
    w.end(m);
  }
}

function packedZigzag(w: ProtoWriter, field: number, vs: readonly number[] | undefined): void {
  if (vs === undefined || vs.length === 0) return;
  const m = w.begin(field);
  for (let i = 0; i < vs.length; i++) w.zigzag(vs[i]!);
  w.end(m);
}

function packedDouble(w: ProtoWriter, field: number, vs: readonly number[] | undefined): void {
  if (vs === undefined || vs.length === 0) return;
  w.tag(field, WIRE_BYTES);
  w.varint(vs.length * 8);
  for (let i = 0; i < vs.length; i++) w.double(vs[i]!);
}

function histogram(w: ProtoWriter, h: HistogramValue): void {
  const m = w.begin(7);
  if (h.sampleCount !== undefined) w.varintField(1, h.sampleCount);
  if (h.sampleSum !== undefined) w.doubleField(2, h.sampleSum);
  for (const b of h.buckets ?? []) bucket(w, b);
  if (h.sampleCountFloat !== undefined) w.doubleField(4, h.sampleCountFloat);
  if (h.schema !== undefined) w.zigzagField(5, h.schema);
  if (h.zeroThreshold !== undefined) w.doubleField(6, h.zeroThreshold);
  if (h.zeroCount !== undefined) w.varintField(7, h.zeroCount);
  if (h.zeroCountFloat !== undefined) w.doubleField(8, h.zeroCountFloat);
  spans(w, 9, h.negativeSpans);
  packedZigzag(w, 10, h.negativeDeltas);
  packedDouble(w, 11, h.negativeCounts);
  spans(w, 12, h.positiveSpans);
  packedZigzag(w, 13, h.positiveDeltas);
  packedDouble(w, 14, h.positiveCounts);
  if (h.createdTimestampMs !== undefined) timestamp(w, 15, h.createdTimestampMs);
  for (const e of h.exemplars ?? []) exemplar(w, 16, e);
  w.end(m);
}

function metric(w: ProtoWriter, mt: Metric): void {
  const mark = w.begin(4);
  for (const l of mt.labels) labelPair(w, 1, l);
  const v = mt.value;
  switch (v.kind) {
    case 'gauge': {
      const m = w.begin(2);
      w.doubleField(1, v.value);
      w.end(m);
      break;
    }
    case 'counter': {
      const m = w.begin(3);
      w.doubleField(1, v.value);
      if (v.exemplar !== undefined) exemplar(w, 2, v.exemplar);
      if (v.createdTimestampMs !== undefined) timestamp(w, 3, v.createdTimestampMs);
      w.end(m);
      break;
    }
    case 'summary': {
      const m = w.begin(4);
      if (v.sampleCount !== undefined) w.varintField(1, v.sampleCount);
      if (v.sampleSum !== undefined) w.doubleField(2, v.sampleSum);
      for (const q of v.quantiles ?? []) {
        const qm = w.begin(3);
        w.doubleField(1, q.quantile);
        w.doubleField(2, q.value);
        w.end(qm);
      }
      if (v.createdTimestampMs !== undefined) timestamp(w, 4, v.createdTimestampMs);
      w.end(m);
      break;
    }
    case 'untyped': {
      const m = w.begin(5);
      w.doubleField(1, v.value);
      w.end(m);
      break;
    }
    case 'histogram':
      break;
  }
  if (mt.timestampMs !== undefined) w.varintField(6, mt.timestampMs);
  if (v.kind === 'histogram') histogram(w, v);
  w.end(mark);
}

/**
 * Appends one family as a length-prefixed MetricFamily message. Like Go's marshaller it does
 * not check that metric values fit the family type; every family can be written.
 */
export function writeProtoFamily(w: ProtoWriter, mf: MetricFamily): void {
  // The delimiting length prefix is patched in like a sub-message's (a field tag is not written).
  const start = w.n;
  w.varint(0);
  const mark = w.n;
  w.stringField(1, mf.name);
  if (mf.help !== undefined) w.stringField(2, mf.help);
  w.varintField(3, FAMILY_TYPE_NUMBER[mf.type]);
  for (const m of mf.metrics) metric(w, m);
  if (mf.unit !== undefined) w.stringField(5, mf.unit);
  if (mark !== start + 1) throw new Error('protobuf writer: unexpected length prefix size');
  w.end(mark);
}
