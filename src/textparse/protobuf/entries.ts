/**
 * Turning decoded protobuf state into model values: native histograms as Prometheus hands
 * them on (compacted with `Compact(0)`), and exemplars.
 */
import type { Buffer } from 'node:buffer';
import {
  CounterResetHint, Labels, type BucketSpan, type Exemplar, type FloatHistogram, type Histogram, type Millis,
} from '../../model/index.js';
import { decodeUTF8 } from '../bytes.js';
import { compactBuckets } from '../histogram-compact.js';
import type { ExemplarState, MetricState } from './state.js';
import type { F64List, I32List } from '../../util/protobuf-wire.js';

/** The native histogram of a metric: float when either float count is set, integer (delta buckets) otherwise. */
export function nativeHistogram(m: MetricState, gauge: boolean): { h: Histogram | null; fh: FloatHistogram | null } {
  const hint = gauge ? CounterResetHint.Gauge : CounterResetHint.Unknown;
  const isFloat = m.isFloatHistogram();
  const pos = compactBuckets(isFloat ? m.posCount.toArray() : m.posDelta.toArray(), spans(m.posSpanOffset, m.posSpanLength), 0, !isFloat);
  const neg = compactBuckets(isFloat ? m.negCount.toArray() : m.negDelta.toArray(), spans(m.negSpanOffset, m.negSpanLength), 0, !isFloat);
  const h = {
    counterResetHint: hint, schema: m.schema, zeroThreshold: m.zeroThreshold,
    zeroCount: isFloat ? m.zeroCountFloat : m.zeroCount, count: isFloat ? m.hCountFloat : m.hCount, sum: m.hSum,
    positiveSpans: pos.spans, negativeSpans: neg.spans, positiveBuckets: pos.buckets, negativeBuckets: neg.buckets,
    customValues: [],
  };
  return isFloat ? { h: null, fh: h } : { h, fh: null };
}

function spans(offsets: I32List, lengths: F64List): BucketSpan[] {
  const out: BucketSpan[] = [];
  for (let i = 0; i < offsets.n; i++) out.push({ offset: offsets.a[i]!, length: lengths.a[i]! });
  return out;
}

/** An exemplar with its labels decoded (sorted) and its timestamp in ms when it has one. */
export function toExemplar(x: ExemplarState, buf: Buffer, b: Uint8Array): Exemplar {
  const a = x.labels.a;
  const out: string[] = [];
  for (let i = 0; i < x.labels.n; i += 6) {
    const ns = a[i + 1]!, ne = a[i + 2]!, vs = a[i + 3]!, ve = a[i + 4]!;
    out.push(ns < 0 ? '' : decodeUTF8(buf, b, ns, ne), vs < 0 ? '' : decodeUTF8(buf, b, vs, ve));
  }
  return { labels: Labels.fromUnsortedArray(out), value: x.value, ts: x.ts.present ? (x.ts.millis() as Millis) : undefined };
}
