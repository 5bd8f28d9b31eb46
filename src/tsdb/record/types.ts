/**
 * The WAL record types and their in-memory forms, as Prometheus's `tsdb/record` defines
 * them. Series refs and timestamps are int64 on disk and safe-integer numbers here: the
 * decoder rejects a record holding a value beyond ±(2^53-1) rather than round it.
 */
import type { Exemplar, FloatHistogram, Histogram, Labels, MetricType } from '../../model/index.js';
import type { SeriesRef } from '../../storage/index.js';

/** The first byte of every record. The numbers are the on-disk values. */
export const RecordType = {
  Series: 1,
  Samples: 2,
  Tombstones: 3,
  Exemplars: 4,
  /** Out-of-order WBL only: chunk m-map markers. */
  MmapMarkers: 5,
  Metadata: 6,
  HistogramSamples: 7,
  FloatHistogramSamples: 8,
  CustomBucketsHistogramSamples: 9,
  CustomBucketsFloatHistogramSamples: 10,
  /** Samples with a start time per sample (Prometheus 3.x, `EnableSTStorage`). */
  SamplesV2: 11,
  HistogramSamplesV2: 12,
  FloatHistogramSamplesV2: 13,
  Unknown: 255,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/** The type of a record from its first byte; `Unknown` for an empty record or an unknown byte. */
export function recordType(rec: Uint8Array): RecordType {
  if (rec.length < 1) return RecordType.Unknown;
  const t = rec[0]!;
  return t >= 1 && t <= 13 ? (t as RecordType) : RecordType.Unknown;
}

/** Prometheus's name of a record type, as its metrics label them (`records_read_total{type=...}`). */
export function recordTypeName(t: RecordType): string {
  switch (t) {
    case RecordType.Series: return 'series';
    case RecordType.Samples: return 'samples';
    case RecordType.SamplesV2: return 'samples_v2';
    case RecordType.Tombstones: return 'tombstones';
    case RecordType.Exemplars: return 'exemplars';
    case RecordType.HistogramSamples: return 'histogram_samples';
    case RecordType.FloatHistogramSamples: return 'float_histogram_samples';
    case RecordType.CustomBucketsHistogramSamples: return 'custom_buckets_histogram_samples';
    case RecordType.CustomBucketsFloatHistogramSamples: return 'custom_buckets_float_histogram_samples';
    case RecordType.HistogramSamplesV2: return 'histogram_samples_v2';
    case RecordType.FloatHistogramSamplesV2: return 'float_histogram_samples_v2';
    case RecordType.MmapMarkers: return 'mmapmarkers';
    case RecordType.Metadata: return 'metadata';
    case RecordType.Unknown: return 'unknown';
    default: return unreachableType(t);
  }
}

function unreachableType(t: never): string {
  return `unknown(${String(t)})`;
}

/** A series: its head ref and labels. */
export interface RefSeries {
  ref: SeriesRef;
  labels: Labels;
}

/**
 * A deletion interval of one series, both ends inclusive, in milliseconds. Unlike other
 * timestamps the bounds may lie beyond the safe range: Prometheus writes MinInt64/MaxInt64
 * for "all time". Those decode to ∓2^63 (the nearest doubles) and encode back to the same
 * sentinels, so a checkpoint rewrites them bit for bit.
 */
export interface Tombstone {
  ref: SeriesRef;
  mint: number;
  maxt: number;
}

export interface RefExemplar {
  ref: SeriesRef;
  t: number;
  v: number;
  labels: Labels;
}

/** The latest metadata of a series. */
export interface RefMetadata {
  ref: SeriesRef;
  type: MetricType;
  unit: string;
  help: string;
}

/**
 * An integer histogram sample. `stale` marks Prometheus's stale histogram (its sum is the
 * stale-marker NaN on disk); `h.sum` is then NaN. `st` is the start time in ms, 0 = none
 * (only V2 records carry it).
 */
export interface RefHistogramSample {
  ref: SeriesRef;
  t: number;
  st: number;
  h: Histogram;
  stale: boolean;
}

export interface RefFloatHistogramSample {
  ref: SeriesRef;
  t: number;
  st: number;
  fh: FloatHistogram;
  stale: boolean;
}

/** Out-of-order WBL marker: samples of `ref` up to now are in the m-mapped chunk `mmapRef`. */
export interface RefMmapMarker {
  ref: SeriesRef;
  /** A ChunkDiskMapperRef (segment << 32 | offset); a safe integer. */
  mmapRef: number;
}

/** Metric types as the metadata record stores them (one byte). */
const METRIC_TYPES: readonly MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

export function metricTypeToByte(t: MetricType): number {
  switch (t) {
    case 'unknown': return 0;
    case 'counter': return 1;
    case 'gauge': return 2;
    case 'histogram': return 3;
    case 'gaugehistogram': return 4;
    case 'summary': return 5;
    case 'info': return 6;
    case 'stateset': return 7;
    default: return unreachableMetric(t);
  }
}

function unreachableMetric(t: never): number {
  throw new Error(`unknown metric type ${String(t)}`);
}

/** Unknown bytes read as 'unknown', as Prometheus does. */
export function metricTypeFromByte(b: number): MetricType {
  return METRIC_TYPES[b] ?? 'unknown';
}

/** Exemplars as the rest of the code sees them, for callers converting. */
export type { Exemplar };
