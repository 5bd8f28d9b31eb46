/**
 * Decoding of `io.prometheus.client` messages (MetricFamily, Metric and what they contain)
 * into reusable state, one metric at a time, as Prometheus's streaming decoder does: a family
 * is read without its metrics (their byte ranges are recorded), then each metric in turn.
 * Strings stay byte ranges; repeated fields go into growable typed arrays kept across
 * metrics; a message field given twice merges into one, as in gogo-protobuf.
 *
 * Field numbers (metrics.proto): MetricFamily{name=1 help=2 type=3 metric=4 unit=5}
 * Metric{label=1 gauge=2 counter=3 summary=4 untyped=5 timestamp_ms=6 histogram=7}
 * Counter{value=1 exemplar=2 start_timestamp=3} Summary{sample_count=1 sample_sum=2 quantile=3
 * start_timestamp=4} Histogram{sample_count=1 sample_sum=2 bucket=3 sample_count_float=4
 * schema=5 zero_threshold=6 zero_count=7 zero_count_float=8 negative_span=9 negative_delta=10
 * negative_count=11 positive_span=12 positive_delta=13 positive_count=14 start_timestamp=15
 * exemplars=16} Bucket{cumulative_count=1 upper_bound=2 exemplar=3 cumulative_count_float=4}
 * BucketSpan{offset=1 length=2} Exemplar{label=1 value=2 timestamp=3} LabelPair{name=1 value=2}
 * Timestamp{seconds=1 nanos=2}.
 */
import {
  WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT, type F64List, type I32List, type WireReader, fieldNumber, wrongWireType,
} from '../../util/protobuf-wire.js';
import type { ExemplarState, FamilyState, MetricState, TimestampState } from './state.js';

/** Reads a MetricFamily message `[s, e)` without decoding its metrics. */
export function decodeFamily(r: WireReader, s: number, e: number, f: FamilyState): void {
  f.reset();
  r.pos = s;
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'MetricFamily')) {
      case 1:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Name');
        f.nameE = r.lengthDelimited(e);
        f.nameS = r.pos;
        r.pos = f.nameE;
        break;
      case 2:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Help');
        f.helpE = r.lengthDelimited(e);
        f.helpS = r.pos;
        r.pos = f.helpE;
        break;
      case 3:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Type');
        f.type = r.int32(e);
        break;
      case 4: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Metric');
        const me = r.lengthDelimited(e);
        f.metrics.push(r.pos);
        f.metrics.push(me);
        r.pos = me;
        break;
      }
      case 5:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Unit');
        f.unitE = r.lengthDelimited(e);
        f.unitS = r.pos;
        r.pos = f.unitE;
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
}

/** Reads a Metric message `[s, e)`; labels are recorded as ranges, everything else decoded. */
export function decodeMetric(r: WireReader, s: number, e: number, m: MetricState): void {
  m.reset();
  r.pos = s;
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Metric')) {
      case 1: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Label');
        const le = r.lengthDelimited(e);
        decodeLabelPair(r, le, m.labels, tagStart);
        break;
      }
      case 2:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Gauge');
        m.gauge = decodeValueOnly(r, r.lengthDelimited(e), m.gauge);
        break;
      case 3:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Counter');
        decodeCounter(r, r.lengthDelimited(e), m);
        break;
      case 4:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Summary');
        decodeSummary(r, r.lengthDelimited(e), m);
        break;
      case 5:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Untyped');
        m.untyped = decodeValueOnly(r, r.lengthDelimited(e), m.untyped);
        break;
      case 6:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'TimestampMs');
        m.timestampMs = r.int64(e);
        break;
      case 7:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Histogram');
        decodeHistogram(r, r.lengthDelimited(e), m);
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
}

/** LabelPair: pushes [fieldStart, nameS, nameE, valueS, valueE, fieldEnd] (-1/-1 for an absent part). */
function decodeLabelPair(r: WireReader, e: number, out: I32List, fieldStart: number): void {
  let ns = -1, ne = -1, vs = -1, ve = -1;
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'LabelPair')) {
      case 1:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Name');
        ne = r.lengthDelimited(e);
        ns = r.pos;
        r.pos = ne;
        break;
      case 2:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Value');
        ve = r.lengthDelimited(e);
        vs = r.pos;
        r.pos = ve;
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
  out.push(fieldStart);
  out.push(ns);
  out.push(ne);
  out.push(vs);
  out.push(ve);
  out.push(e);
}

/** Gauge and Untyped: `double value = 1`. */
function decodeValueOnly(r: WireReader, e: number, prev: number): number {
  let v = prev;
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    if (fieldNumber(tag, wire, 'Gauge') === 1) {
      if (wire !== WIRE_FIXED64) wrongWireType(wire, 'Value');
      v = r.double(e);
    } else {
      r.skipField(tagStart, e);
    }
  }
  return v;
}

function decodeCounter(r: WireReader, e: number, m: MetricState): void {
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Counter')) {
      case 1:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'Value');
        m.counter = r.double(e);
        break;
      case 2: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Exemplar');
        const xe = r.lengthDelimited(e);
        if (m.counterExemplar < 0) m.counterExemplar = m.exemplars.take();
        decodeExemplar(r, xe, m.exemplars.get(m.counterExemplar));
        break;
      }
      case 3:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'StartTimestamp');
        decodeTimestamp(r, r.lengthDelimited(e), m.counterST);
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
}

function decodeSummary(r: WireReader, e: number, m: MetricState): void {
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Summary')) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'SampleCount');
        m.summaryCount = r.uint64(e);
        break;
      case 2:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'SampleSum');
        m.summarySum = r.double(e);
        break;
      case 3: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Quantile');
        const qe = r.lengthDelimited(e);
        let q = 0, v = 0;
        while (r.pos < qe) {
          const ts = r.pos;
          const t = r.tag(qe);
          const w = t % 8;
          const f = fieldNumber(t, w, 'Quantile');
          if (f === 1 || f === 2) {
            if (w !== WIRE_FIXED64) wrongWireType(w, f === 1 ? 'Quantile' : 'Value');
            if (f === 1) q = r.double(qe);
            else v = r.double(qe);
          } else {
            r.skipField(ts, qe);
          }
        }
        m.quantiles.push(q);
        m.quantileValues.push(v);
        break;
      }
      case 4:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'StartTimestamp');
        decodeTimestamp(r, r.lengthDelimited(e), m.summaryST);
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
}

function decodeHistogram(r: WireReader, e: number, m: MetricState): void {
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Histogram')) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'SampleCount');
        m.hCount = r.uint64(e);
        break;
      case 2:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'SampleSum');
        m.hSum = r.double(e);
        break;
      case 3:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Bucket');
        decodeBucket(r, r.lengthDelimited(e), m);
        break;
      case 4:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'SampleCountFloat');
        m.hCountFloat = r.double(e);
        break;
      case 5:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Schema');
        m.schema = r.sint32(e);
        break;
      case 6:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'ZeroThreshold');
        m.zeroThreshold = r.double(e);
        break;
      case 7:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'ZeroCount');
        m.zeroCount = r.uint64(e);
        break;
      case 8:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'ZeroCountFloat');
        m.zeroCountFloat = r.double(e);
        break;
      case 9:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'NegativeSpan');
        decodeSpan(r, r.lengthDelimited(e), m.negSpanOffset, m.negSpanLength);
        break;
      case 10:
        decodeSint64s(r, e, wire, m.negDelta, 'NegativeDelta');
        break;
      case 11:
        decodeDoubles(r, e, wire, m.negCount, 'NegativeCount');
        break;
      case 12:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'PositiveSpan');
        decodeSpan(r, r.lengthDelimited(e), m.posSpanOffset, m.posSpanLength);
        break;
      case 13:
        decodeSint64s(r, e, wire, m.posDelta, 'PositiveDelta');
        break;
      case 14:
        decodeDoubles(r, e, wire, m.posCount, 'PositiveCount');
        break;
      case 15:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'StartTimestamp');
        decodeTimestamp(r, r.lengthDelimited(e), m.histogramST);
        break;
      case 16: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Exemplars');
        const xe = r.lengthDelimited(e);
        const i = m.exemplars.take();
        decodeExemplar(r, xe, m.exemplars.get(i));
        m.hExemplars.push(i);
        break;
      }
      default:
        r.skipField(tagStart, e);
    }
  }
}

function decodeBucket(r: WireReader, e: number, m: MetricState): void {
  let count = 0, countFloat = 0, upper = 0, ex = -1;
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Bucket')) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'CumulativeCount');
        count = r.uint64(e);
        break;
      case 2:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'UpperBound');
        upper = r.double(e);
        break;
      case 3: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Exemplar');
        const xe = r.lengthDelimited(e);
        if (ex < 0) ex = m.exemplars.take();
        decodeExemplar(r, xe, m.exemplars.get(ex));
        break;
      }
      case 4:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'CumulativeCountFloat');
        countFloat = r.double(e);
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
  m.bucketCount.push(count);
  m.bucketCountFloat.push(countFloat);
  m.bucketUpper.push(upper);
  m.bucketExemplar.push(ex);
}

function decodeSpan(r: WireReader, e: number, offsets: I32List, lengths: F64List): void {
  let off = 0, len = 0;
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'BucketSpan')) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Offset');
        off = r.sint32(e);
        break;
      case 2:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Length');
        len = r.uint32(e);
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
  offsets.push(off);
  lengths.push(len);
}

/** A repeated sint64, packed (wire type 2) or one per field (wire type 0). */
function decodeSint64s(r: WireReader, e: number, wire: number, out: F64List, field: string): void {
  if (wire === WIRE_VARINT) {
    out.push(r.sint64(e));
    return;
  }
  if (wire !== WIRE_BYTES) wrongWireType(wire, field);
  const pe = r.lengthDelimited(e);
  while (r.pos < pe) out.push(r.sint64(pe));
}

/** A repeated double, packed (wire type 2) or one per field (wire type 1). */
function decodeDoubles(r: WireReader, e: number, wire: number, out: F64List, field: string): void {
  if (wire === WIRE_FIXED64) {
    out.push(r.double(e));
    return;
  }
  if (wire !== WIRE_BYTES) wrongWireType(wire, field);
  const pe = r.lengthDelimited(e);
  while (r.pos < pe) out.push(r.double(pe));
}

function decodeExemplar(r: WireReader, e: number, x: ExemplarState): void {
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Exemplar')) {
      case 1: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Label');
        const le = r.lengthDelimited(e);
        decodeLabelPair(r, le, x.labels, tagStart);
        break;
      }
      case 2:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'Value');
        x.value = r.double(e);
        break;
      case 3:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Timestamp');
        decodeTimestamp(r, r.lengthDelimited(e), x.ts);
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
}

function decodeTimestamp(r: WireReader, e: number, t: TimestampState): void {
  t.present = true;
  while (r.pos < e) {
    const tagStart = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Timestamp')) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Seconds');
        t.seconds = r.int64(e);
        break;
      case 2:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Nanos');
        t.nanos = r.int32(e);
        break;
      default:
        r.skipField(tagStart, e);
    }
  }
}
