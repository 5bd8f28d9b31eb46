/**
 * The metric family model the encoders write: the shape of Prometheus's `io.prometheus.client`
 * MetricFamily message, as plain objects. Optional members stand for protobuf fields that may
 * be absent: the protobuf encoder writes a field exactly when the member is present (so a
 * present zero is written, an absent one is not), and the text encoders read an absent number
 * as 0, as Go's getters do.
 *
 * Families are read, never changed, by the encoders; escaping names makes new objects where
 * needed and shares the rest.
 */

/** The family types of the protobuf format (its enum values in `FAMILY_TYPE_NUMBER`). */
export type FamilyType = 'counter' | 'gauge' | 'summary' | 'untyped' | 'histogram' | 'gaugehistogram';

/** `io.prometheus.client.MetricType` numbers. */
export const FAMILY_TYPE_NUMBER: Readonly<Record<FamilyType, number>> = {
  counter: 0,
  gauge: 1,
  summary: 2,
  untyped: 3,
  histogram: 4,
  gaugehistogram: 5,
};

export interface LabelPair {
  readonly name: string;
  readonly value: string;
}

export interface ExpositionExemplar {
  readonly labels: readonly LabelPair[];
  readonly value: number;
  /** Milliseconds since the epoch; absent when the exemplar has no timestamp. */
  readonly timestampMs?: number;
}

export interface Quantile {
  readonly quantile: number;
  readonly value: number;
}

/** A classic histogram bucket: cumulative count up to `upperBound` (inclusive). */
export interface Bucket {
  readonly upperBound: number;
  /** Integer count (uint64 on the wire). */
  readonly cumulativeCount?: number;
  /** Float count (float histograms); when non-zero it is used instead of `cumulativeCount`. */
  readonly cumulativeCountFloat?: number;
  readonly exemplar?: ExpositionExemplar;
}

export interface Span {
  readonly offset: number;
  readonly length: number;
}

export interface CounterValue {
  readonly kind: 'counter';
  readonly value: number;
  readonly exemplar?: ExpositionExemplar;
  /** Created (start) timestamp in ms. */
  readonly createdTimestampMs?: number;
}

export interface GaugeValue {
  readonly kind: 'gauge';
  readonly value: number;
}

export interface UntypedValue {
  readonly kind: 'untyped';
  readonly value: number;
}

export interface SummaryValue {
  readonly kind: 'summary';
  readonly sampleCount?: number;
  readonly sampleSum?: number;
  readonly quantiles?: readonly Quantile[];
  readonly createdTimestampMs?: number;
}

/**
 * A histogram: classic buckets, native (exponential) buckets, or both, as the protobuf
 * format carries them. Native buckets come as spans with either integer deltas
 * (`*Deltas`, each bucket relative to the previous) or absolute float counts (`*Counts`).
 */
export interface HistogramValue {
  readonly kind: 'histogram';
  readonly sampleCount?: number;
  readonly sampleCountFloat?: number;
  readonly sampleSum?: number;
  readonly buckets?: readonly Bucket[];
  readonly createdTimestampMs?: number;
  readonly schema?: number;
  readonly zeroThreshold?: number;
  readonly zeroCount?: number;
  readonly zeroCountFloat?: number;
  readonly negativeSpans?: readonly Span[];
  readonly negativeDeltas?: readonly number[];
  readonly negativeCounts?: readonly number[];
  readonly positiveSpans?: readonly Span[];
  readonly positiveDeltas?: readonly number[];
  readonly positiveCounts?: readonly number[];
  /** Exemplars of a native histogram (the protobuf format only carries these). */
  readonly exemplars?: readonly ExpositionExemplar[];
}

export type MetricValue = CounterValue | GaugeValue | UntypedValue | SummaryValue | HistogramValue;

export interface Metric {
  /** Labels in the order they are written; `__name__` is not among them (the family names it). */
  readonly labels: readonly LabelPair[];
  /** Sample timestamp in ms, when the exposition carries one. */
  readonly timestampMs?: number;
  readonly value: MetricValue;
}

export interface MetricFamily {
  readonly name: string;
  /** Absent: no HELP line (and no help field). */
  readonly help?: string;
  readonly type: FamilyType;
  readonly unit?: string;
  readonly metrics: readonly Metric[];
}

/** The value kind a metric of a family of this type must carry. */
export function valueKindOf(t: FamilyType): MetricValue['kind'] {
  switch (t) {
    case 'counter':
    case 'gauge':
    case 'summary':
    case 'untyped':
      return t;
    case 'histogram':
    case 'gaugehistogram':
      return 'histogram';
    default:
      return unreachable(t);
  }
}

export function unreachable(x: never): never {
  throw new Error(`unexpected value ${String(x)}`);
}

/** A family that cannot be written in the chosen format. What was written before the error stays written. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}
