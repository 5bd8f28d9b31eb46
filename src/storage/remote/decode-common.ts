/**
 * Wire decoding shared by both message versions: float values with their exact bits (the stale
 * marker), packed-or-not repeated scalars, and native histograms (fields 1–16 in both, 17
 * `start_timestamp` in 2.0 only). Errors carry gogo-protobuf's texts, with the Go field and
 * message names, as Prometheus answers them.
 */
import {
  ERR_UNEXPECTED_EOF, F64List, ProtoWireError, WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT,
  fieldNumber, wrongWireType, type WireReader,
} from '../../util/protobuf-wire.js';
import { STALE_NAN_HI, STALE_NAN_LO, CounterResetHint, type BucketSpan } from '../../model/index.js';
import type { DecodedHistogram } from './decoded.js';

/**
 * Reads a double field's 8 bytes at the cursor; returns the value and sets `staleBits.v` when
 * the bits are exactly Prometheus's stale marker (a JS NaN may lose its payload, so the bits
 * are checked before the number is made).
 */
export function readDouble(r: WireReader, end: number, staleBits: { v: boolean }): number {
  const p = r.pos;
  if (p + 8 > end) throw new ProtoWireError(ERR_UNEXPECTED_EOF);
  const dv = r.dv;
  const hi = dv.getUint32(p + 4, true);
  staleBits.v = hi === STALE_NAN_HI && dv.getUint32(p, true) === STALE_NAN_LO;
  r.pos = p + 8;
  return dv.getFloat64(p, true);
}

/** Appends a repeated double field (packed or one element) to `out`. */
export function readDoubles(r: WireReader, wire: number, end: number, out: F64List | number[], name: string): void {
  if (wire === WIRE_FIXED64) {
    out.push(r.double(end));
    return;
  }
  if (wire !== WIRE_BYTES) wrongWireType(wire, name);
  const e = r.lengthDelimited(end);
  while (r.pos < e) out.push(r.double(e));
}

/** Appends a repeated sint64 field (packed or one element) to `out`. */
export function readSint64s(r: WireReader, wire: number, end: number, out: number[], name: string): void {
  if (wire === WIRE_VARINT) {
    out.push(r.sint64(end));
    return;
  }
  if (wire !== WIRE_BYTES) wrongWireType(wire, name);
  const e = r.lengthDelimited(end);
  while (r.pos < e) out.push(r.sint64(e));
}

/** Appends a repeated uint32 field (packed or one element) to `out`. */
export function readUint32s(r: WireReader, wire: number, end: number, out: F64List, name: string): void {
  if (wire === WIRE_VARINT) {
    out.push(r.uint32(end));
    return;
  }
  if (wire !== WIRE_BYTES) wrongWireType(wire, name);
  const e = r.lengthDelimited(end);
  while (r.pos < e) out.push(r.uint32(e));
}

function readSpan(r: WireReader, s: number, e: number): BucketSpan {
  r.pos = s;
  const span: BucketSpan = { offset: 0, length: 0 };
  while (r.pos < e) {
    const at = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'BucketSpan')) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Offset');
        span.offset = r.sint32(e);
        break;
      case 2:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Length');
        span.length = r.uint32(e);
        break;
      default:
        r.skipField(at, e);
    }
  }
  return span;
}

const RESET_HINTS: readonly CounterResetHint[] = [
  CounterResetHint.Unknown, CounterResetHint.CounterReset, CounterResetHint.NotCounterReset, CounterResetHint.Gauge,
];

const enum OneOf { None = 0, Int = 1, Float = 2 }

/**
 * Decodes a `Histogram` message in `[s, e)`. The `count` oneof decides the kind, the last one
 * set winning as in gogo-protobuf: `count_float` makes a float histogram (absolute counts from
 * `*_counts`), anything else an integer one (delta counts from `*_deltas`). `withST` reads
 * field 17 (2.0); 1.0 skips it as unknown.
 */
export function decodeHistogram(r: WireReader, s: number, e: number, withST: boolean): DecodedHistogram {
  r.pos = s;
  let countKind = OneOf.None, countInt = 0, countFloat = 0;
  let zeroKind = OneOf.None, zeroInt = 0, zeroFloat = 0;
  let sum = 0, schema = 0, zeroThreshold = 0, hint = 0, t = 0, st = 0;
  const stale = { v: false };
  const negSpans: BucketSpan[] = [], posSpans: BucketSpan[] = [];
  const negDeltas: number[] = [], posDeltas: number[] = [];
  const negCounts: number[] = [], posCounts: number[] = [], custom: number[] = [];
  let sumStale = false;
  while (r.pos < e) {
    const at = r.pos;
    const tag = r.tag(e);
    const wire = tag % 8;
    const field = fieldNumber(tag, wire, 'Histogram');
    switch (field) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'CountInt');
        countInt = r.uint64(e);
        countKind = OneOf.Int;
        break;
      case 2:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'CountFloat');
        countFloat = r.double(e);
        countKind = OneOf.Float;
        break;
      case 3:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'Sum');
        sum = readDouble(r, e, stale);
        sumStale = stale.v;
        break;
      case 4:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Schema');
        schema = r.sint32(e);
        break;
      case 5:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'ZeroThreshold');
        zeroThreshold = r.double(e);
        break;
      case 6:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'ZeroCountInt');
        zeroInt = r.uint64(e);
        zeroKind = OneOf.Int;
        break;
      case 7:
        if (wire !== WIRE_FIXED64) wrongWireType(wire, 'ZeroCountFloat');
        zeroFloat = r.double(e);
        zeroKind = OneOf.Float;
        break;
      case 8:
      case 11: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, field === 8 ? 'NegativeSpans' : 'PositiveSpans');
        const se = r.lengthDelimited(e);
        (field === 8 ? negSpans : posSpans).push(readSpan(r, r.pos, se));
        r.pos = se;
        break;
      }
      case 9: readSint64s(r, wire, e, negDeltas, 'NegativeDeltas'); break;
      case 10: readDoubles(r, wire, e, negCounts, 'NegativeCounts'); break;
      case 12: readSint64s(r, wire, e, posDeltas, 'PositiveDeltas'); break;
      case 13: readDoubles(r, wire, e, posCounts, 'PositiveCounts'); break;
      case 14:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'ResetHint');
        hint = r.int32(e);
        break;
      case 15:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Timestamp');
        t = r.int64(e);
        break;
      case 16: readDoubles(r, wire, e, custom, 'CustomValues'); break;
      case 17:
        if (!withST) {
          r.skipField(at, e);
          break;
        }
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'StartTimestamp');
        st = r.int64(e);
        break;
      default:
        r.skipField(at, e);
    }
  }
  const counterResetHint = RESET_HINTS[hint] ?? CounterResetHint.Unknown;
  if (countKind === OneOf.Float) {
    return {
      t, st, stale: sumStale, h: null,
      fh: {
        counterResetHint, schema, zeroThreshold, zeroCount: zeroKind === OneOf.Float ? zeroFloat : 0,
        count: countFloat, sum, positiveSpans: posSpans, negativeSpans: negSpans,
        positiveBuckets: posCounts, negativeBuckets: negCounts, customValues: custom,
      },
    };
  }
  return {
    t, st, stale: sumStale, fh: null,
    h: {
      counterResetHint, schema, zeroThreshold, zeroCount: zeroKind === OneOf.Int ? zeroInt : 0,
      count: countInt, sum, positiveSpans: posSpans, negativeSpans: negSpans,
      positiveBuckets: posDeltas, negativeBuckets: negDeltas, customValues: custom,
    },
  };
}
