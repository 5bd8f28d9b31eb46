/**
 * Histogram errors with Prometheus's texts. Each error carries the `kind` of the Prometheus
 * sentinel it wraps (what Go code tests with errors.Is), and a message that reads exactly as
 * Prometheus's wrapped error string, e.g.
 * "positive side: bucket number 2 has observation count of -1: histogram has a bucket whose
 * observation count is negative".
 */
import { formatFloatG } from '../../model/index.js';
import { EXPONENTIAL_SCHEMA_MAX, EXPONENTIAL_SCHEMA_MAX_RESERVED, EXPONENTIAL_SCHEMA_MIN, EXPONENTIAL_SCHEMA_MIN_RESERVED, CUSTOM_BUCKETS_SCHEMA } from './schema.js';

export type HistogramErrorKind =
  | 'count-not-big-enough'
  | 'count-mismatch'
  | 'negative-count'
  | 'negative-bucket-count'
  | 'span-negative-offset'
  | 'spans-buckets-mismatch'
  | 'custom-buckets-mismatch'
  | 'custom-buckets-invalid'
  | 'custom-buckets-infinite'
  | 'custom-buckets-nan'
  | 'incompatible-schema'
  | 'custom-buckets-zero-count'
  | 'custom-buckets-zero-thresh'
  | 'custom-buckets-neg-spans'
  | 'custom-buckets-neg-buckets'
  | 'exp-schema-custom-bounds'
  | 'invalid-schema'
  | 'unknown-schema'
  /** Misuse of an operation (e.g. reducing to a higher schema); not a histogram.Error in Go. */
  | 'usage';

/** The bare sentinel texts, as Prometheus's `ErrHistogram…` variables print. */
export const HISTOGRAM_ERROR_TEXT: Readonly<Record<HistogramErrorKind, string>> = {
  'count-not-big-enough': "histogram's observation count should be at least the number of observations found in the buckets",
  'count-mismatch': "histogram's observation count should equal the number of observations found in the buckets (in absence of NaN)",
  'negative-count': "histogram's observation count is negative",
  'negative-bucket-count': 'histogram has a bucket whose observation count is negative',
  'span-negative-offset': 'histogram has a span whose offset is negative',
  'spans-buckets-mismatch': 'histogram spans specify different number of buckets than provided',
  'custom-buckets-mismatch': 'histogram custom bounds are too few',
  'custom-buckets-invalid': 'histogram custom bounds must be in strictly increasing order',
  'custom-buckets-infinite': 'histogram custom bounds must be finite',
  'custom-buckets-nan': 'histogram custom bounds must not be NaN',
  'incompatible-schema': 'cannot apply this operation on histograms with a mix of exponential and custom bucket schemas',
  'custom-buckets-zero-count': 'custom buckets: must have zero count of 0',
  'custom-buckets-zero-thresh': 'custom buckets: must have zero threshold of 0',
  'custom-buckets-neg-spans': 'custom buckets: must not have negative spans',
  'custom-buckets-neg-buckets': 'custom buckets: must not have negative buckets',
  'exp-schema-custom-bounds': 'histogram with exponential schema must not have custom bounds',
  'invalid-schema': `histogram has an invalid schema, which must be between ${EXPONENTIAL_SCHEMA_MIN} and ${EXPONENTIAL_SCHEMA_MAX} for exponential buckets, or ${CUSTOM_BUCKETS_SCHEMA} for custom buckets`,
  'unknown-schema': `histogram has an unknown schema, which must be between ${EXPONENTIAL_SCHEMA_MIN_RESERVED} and ${EXPONENTIAL_SCHEMA_MAX_RESERVED} for exponential buckets, or ${CUSTOM_BUCKETS_SCHEMA} for custom buckets`,
  usage: 'invalid histogram operation',
};

export class HistogramError extends Error {
  override readonly name = 'HistogramError';
  readonly kind: HistogramErrorKind;
  /** `message` is the full text; without one, the sentinel text. */
  constructor(kind: HistogramErrorKind, message?: string) {
    super(message ?? HISTOGRAM_ERROR_TEXT[kind]);
    this.kind = kind;
  }

  /** Prefixes the message, as Go's fmt.Errorf("context: %w", err) does. */
  wrap(prefix: string): HistogramError {
    return new HistogramError(this.kind, `${prefix}: ${this.message}`);
  }
}

/** The sentinel error of a kind, with context before it ("<context>: <sentinel text>"). */
export function histogramError(kind: HistogramErrorKind, context?: string): HistogramError {
  const text = HISTOGRAM_ERROR_TEXT[kind];
  return new HistogramError(kind, context === undefined ? text : `${context}: ${text}`);
}

/** The one error add/sub/kahanAdd return: exponential and custom schemas mixed. */
export const ERR_INCOMPATIBLE_SCHEMA = new HistogramError('incompatible-schema');

export function invalidSchemaError(schema: number): HistogramError {
  return new HistogramError('invalid-schema', `${HISTOGRAM_ERROR_TEXT['invalid-schema']}, got schema ${schema}`);
}

export function unknownSchemaError(schema: number): HistogramError {
  return new HistogramError('unknown-schema', `${HISTOGRAM_ERROR_TEXT['unknown-schema']}, got schema ${schema}`);
}

/** Go's %v of a float64 (same as %g). */
export function fmtV(f: number): string {
  return formatFloatG(f);
}

/** Go's %f of a float64 (6 decimals). */
export function fmtF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return f.toFixed(6);
}
