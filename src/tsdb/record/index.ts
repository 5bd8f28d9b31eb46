/**
 * WAL record encodings, bit for bit as Prometheus's `tsdb/record`: series, samples (V1 and
 * the 3.x V2 with start times), tombstones, exemplars, metadata, integer and float native
 * histograms (exponential and custom buckets, V1 and V2), and the WBL's m-map markers.
 *
 * Values: series refs and timestamps are safe-integer numbers (int64 on disk; the decoder
 * rejects what does not fit). Staleness travels as a flag (`SampleBatch.stale`,
 * `RefHistogramSample.stale`); only the codec reads and writes the marker's exact NaN bits.
 */
export { RecordType, recordType, recordTypeName, metricTypeFromByte, metricTypeToByte } from './types.js';
export type { RefSeries, Tombstone, RefExemplar, RefMetadata, RefHistogramSample, RefFloatHistogramSample, RefMmapMarker } from './types.js';
export { SampleBatch } from './sample-batch.js';
export { RecordEncoder, encodeLabels, type EncoderOptions } from './encoder.js';
export { RecordDecoder, RecordDecodeError } from './decoder.js';
export { Encbuf } from './encbuf.js';
export { Decbuf } from './decbuf.js';
export { isKnownSchema, reduceResolution, EXPONENTIAL_SCHEMA_MAX, EXPONENTIAL_SCHEMA_MIN } from './histogram-codec.js';
export { samplesV1TimeRange, type SamplesTimeRange } from './time-range.js';
export { rawV1, samplesV1Header, zigzagAt, zigzagEnd } from './samples-v1-raw.js';
