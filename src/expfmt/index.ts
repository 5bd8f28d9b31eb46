/**
 * Exposition encoders: metric families (the protobuf MetricFamily model) written as the
 * Prometheus text format, OpenMetrics 1.0 text, or delimited protobuf (and the protobuf text
 * encodings), with UTF-8 names escaped or quoted as Prometheus 3 does, and the content
 * negotiation that picks the format and escaping scheme from an Accept header.
 */
export type {
  Bucket, CounterValue, ExpositionExemplar, FamilyType, GaugeValue, HistogramValue, LabelPair, Metric, MetricFamily,
  MetricValue, Quantile, Span, SummaryValue, UntypedValue,
} from './model.js';
export { EncodeError, FAMILY_TYPE_NUMBER } from './model.js';
export { DEFAULT_ESCAPING_SCHEME, escapeMetricFamily, escapeName, isEscapingScheme, isValidLegacyName, type EscapingScheme } from './escape.js';
export {
  FMT_OPENMETRICS_0_0_1, FMT_OPENMETRICS_1_0_0, FMT_PROTO_COMPACT, FMT_PROTO_DELIM, FMT_PROTO_TEXT, FMT_TEXT,
  formatEscapingScheme, formatType, withEscapingScheme, type Format, type FormatType,
} from './format.js';
export { negotiate, negotiateIncludingOpenMetrics, parseAccept, type AcceptClause } from './negotiate.js';
export { encodeFamilies, newEncoder, type Encoder, type EncoderOptions } from './encoder.js';
export { classicHistogramValue, nativeHistogramValue } from './from-histogram.js';
