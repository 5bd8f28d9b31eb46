/**
 * PromQL annotations: warnings and infos that travel beside a query result, with
 * Prometheus's texts. Like Prometheus, a set deduplicates annotations by their text without
 * position (the newest one's position wins), except the kinds that merge: the
 * histogram_quantile monotonicity info (which widens its ranges and counts samples) and the
 * start-time overlap warning (which counts occurrences). Positions are rendered as
 * `(line:col)` only when the set is formatted against the query text.
 */
import { startPosInput, type PositionRange } from '../parser/index.js';
import { formatFloatG, quoteGoString } from '../../model/index.js';
import { formatGoFloatPrec, formatRFC3339Seconds } from './format.js';

export type AnnotationLevel = 'warning' | 'info';

export const WARNING_PREFIX = 'PromQL warning';
export const INFO_PREFIX = 'PromQL info';

/** One annotation. `key` is its text without position, which deduplicates it. */
export class Annotation {
  readonly level: AnnotationLevel;
  readonly key: string;
  pos: PositionRange;

  constructor(level: AnnotationLevel, key: string, pos: PositionRange) {
    this.level = level;
    this.key = key;
    this.pos = pos;
  }

  /** The text as Prometheus prints it for `query`. */
  format(query: string): string {
    return `${this.key} (${startPosInput(this.pos, query)})`;
  }

  /**
   * Combines with an earlier annotation of the same key (`prev`); returns the one to keep.
   * Plain annotations don't merge: the newer one (with its position) replaces the older.
   */
  mergeInto(prev: Annotation): Annotation {
    return prev === this ? prev : this;
  }

  /** A copy that later merges into this one do not change. */
  clone(): Annotation {
    return new Annotation(this.level, this.key, this.pos);
  }
}

/** A warning passed through from storage: its text as is, without position. */
export class StorageWarning extends Annotation {
  constructor(text: string) {
    super('warning', text, { start: 0, end: 0 });
  }

  override format(): string {
    return this.key;
  }

  override clone(): Annotation {
    return new StorageWarning(this.key);
  }
}

/** The histogram_quantile monotonicity info: merges into the earliest one, widening ranges. */
class ForcedMonotonicityAnnotation extends Annotation {
  minTs: number;
  maxTs: number;
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
  count = 0;

  constructor(key: string, pos: PositionRange, ts: number, minBucket: number, maxBucket: number, maxDiff: number) {
    super('info', key, pos);
    this.minTs = ts;
    this.maxTs = ts;
    this.minBucket = minBucket;
    this.maxBucket = maxBucket;
    this.maxDiff = maxDiff;
  }

  override format(query: string): string {
    const start = formatRFC3339Seconds(Math.trunc(this.minTs / 1000));
    const end = formatRFC3339Seconds(Math.trunc(this.maxTs / 1000));
    return `${this.key}, from buckets ${formatFloatG(this.minBucket)} to ${formatFloatG(this.maxBucket)}, with a max diff of ` +
      `${formatGoFloatPrec(this.maxDiff, 2)}, over ${this.count + 1} samples from ${start} to ${end} (${startPosInput(this.pos, query)})`;
  }

  override clone(): Annotation {
    const c = new ForcedMonotonicityAnnotation(this.key, this.pos, this.minTs, this.minBucket, this.maxBucket, this.maxDiff);
    c.maxTs = this.maxTs;
    c.count = this.count;
    return c;
  }

  override mergeInto(prev: Annotation): Annotation {
    if (!(prev instanceof ForcedMonotonicityAnnotation)) return this;
    if (this.minTs < prev.minTs) prev.minTs = this.minTs;
    if (this.maxTs > prev.maxTs) prev.maxTs = this.maxTs;
    if (this.minBucket < prev.minBucket) prev.minBucket = this.minBucket;
    if (this.maxBucket > prev.maxBucket) prev.maxBucket = this.maxBucket;
    if (this.maxDiff > prev.maxDiff) prev.maxDiff = this.maxDiff;
    prev.count += this.count + 1;
    return prev;
  }
}

/** The start-time overlap warning: counts occurrences per metric. */
class StartTimeOverlapAnnotation extends Annotation {
  readonly base: string;
  readonly metricName: string;
  count = 1;

  constructor(base: string, metricName: string, pos: PositionRange) {
    super('warning', `${base} for metric ${JSON.stringify(metricName)}`, pos);
    this.base = base;
    this.metricName = metricName;
  }

  override format(query: string): string {
    const n = this.count > 1 ? ` (${this.count} occurrences)` : '';
    return `${this.key}${n} (${startPosInput(this.pos, query)})`;
  }

  override clone(): Annotation {
    const c = new StartTimeOverlapAnnotation(this.base, this.metricName, this.pos);
    c.count = this.count;
    return c;
  }

  override mergeInto(prev: Annotation): Annotation {
    if (!(prev instanceof StartTimeOverlapAnnotation) || prev.metricName !== this.metricName) return this;
    prev.count += this.count;
    return prev;
  }
}

/** A set of annotations; insertion-ordered, deduplicated by text. */
export class Annotations {
  readonly #m = new Map<string, Annotation>();

  get size(): number {
    return this.#m.size;
  }

  add(a: Annotation): this {
    const prev = this.#m.get(a.key);
    this.#m.set(a.key, prev === undefined ? a : a.mergeInto(prev));
    return this;
  }

  merge(o: Annotations | null): this {
    if (o === null || o === this) return this;
    for (const a of o.#m.values()) this.add(a);
    return this;
  }

  /** A copy of the current contents, for `restore`. */
  snapshot(): Map<string, Annotation> {
    const m = new Map<string, Annotation>();
    for (const [k, a] of this.#m) m.set(k, a.clone());
    return m;
  }

  /** Goes back to a snapshot's contents. */
  restore(snap: ReadonlyMap<string, Annotation>): void {
    this.#m.clear();
    for (const [k, a] of snap) this.#m.set(k, a);
  }

  values(): IterableIterator<Annotation> {
    return this.#m.values();
  }

  /** Warnings and infos as texts with positions in `query`. */
  asStrings(query: string): { warnings: string[]; infos: string[] } {
    const warnings: string[] = [];
    const infos: string[] = [];
    for (const a of this.#m.values()) (a.level === 'info' ? infos : warnings).push(a.format(query));
    return { warnings, infos };
  }
}

const W = (s: string): string => `${WARNING_PREFIX}: ${s}`;
const I = (s: string): string => `${INFO_PREFIX}: ${s}`;

function withMetricName(s: string, metricName: string): string {
  return metricName === '' ? s : `${s} for metric name ${JSON.stringify(metricName)}`;
}

const q = quoteGoString;

export const annos = {
  invalidQuantile: (qv: number, pos: PositionRange): Annotation =>
    new Annotation('warning', W(`quantile value should be between 0 and 1, got ${formatFloatG(qv)}`), pos),
  invalidRatio: (r: number, to: number, pos: PositionRange): Annotation =>
    new Annotation('warning', W(`ratio value should be between -1 and 1, got ${formatFloatG(r)}, capping to ${formatFloatG(to)}`), pos),
  badBucketLabel: (metricName: string, label: string, pos: PositionRange): Annotation =>
    new Annotation('warning', withMetricName(W(`bucket label "le" is missing or has a malformed value of ${q(label)}`), metricName), pos),
  mixedFloatsHistograms: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('warning', W(`encountered a mix of histograms and floats for metric name ${q(metricName)}`), pos),
  mixedFloatsHistogramsAgg: (pos: PositionRange): Annotation =>
    new Annotation('warning', W('encountered a mix of histograms and floats for aggregation'), pos),
  mixedClassicNativeHistograms: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('warning', withMetricName(W('vector contains a mix of classic and native histograms'), metricName), pos),
  nativeHistogramNotCounter: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('warning', W(`this native histogram metric is not a counter: ${q(metricName)}`), pos),
  nativeHistogramNotGauge: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('warning', W(`this native histogram metric is not a gauge: ${q(metricName)}`), pos),
  mixedExponentialCustomHistograms: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('warning', W(`vector contains a mix of histograms with exponential and custom buckets schemas for metric name ${q(metricName)}`), pos),
  incompatibleBucketLayoutInBinOp: (op: string, pos: PositionRange): Annotation =>
    new Annotation('warning', W(`incompatible bucket layout encountered for binary operator ${op}`), pos),
  sortInRangeQuery: (pos: PositionRange): Annotation =>
    new Annotation('warning', W('sort is ineffective for range queries since results are always ordered by labels'), pos),
  possibleNonCounter: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('info', I(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${q(metricName)}`), pos),
  possibleNonCounterLabel: (metricName: string, typeLabel: string, pos: PositionRange): Annotation =>
    new Annotation('info', I(`metric might not be a counter, __type__ label is not set to "counter" or "histogram", got ${q(typeLabel)}: ${q(metricName)}`), pos),
  histogramQuantileForcedMonotonicity: (metricName: string, pos: PositionRange, ts: number, minBucket: number, maxBucket: number, maxDiff: number): Annotation =>
    new ForcedMonotonicityAnnotation(
      withMetricName(I('input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)'), metricName),
      pos, ts, minBucket, maxBucket, maxDiff),
  incompatibleTypesInBinOp: (lhsType: string, op: string, rhsType: string, pos: PositionRange): Annotation =>
    new Annotation('info', I(`incompatible sample types encountered for binary operator ${q(op)}: ${lhsType} ${op} ${rhsType}`), pos),
  histogramIgnoredInAggregation: (aggregation: string, pos: PositionRange): Annotation =>
    new Annotation('info', I(`ignored histogram in ${aggregation} aggregation`), pos),
  histogramIgnoredInMixedRange: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('info', I(`ignored histograms in a range containing both floats and histograms for metric name ${q(metricName)}`), pos),
  nativeHistogramQuantileNaNResult: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('info', withMetricName(I('input to histogram_quantile has NaN observations, result is NaN'), metricName), pos),
  nativeHistogramQuantileNaNSkew: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('info', withMetricName(I('input to histogram_quantile has NaN observations, result is skewed higher'), metricName), pos),
  nativeHistogramFractionNaNs: (metricName: string, pos: PositionRange): Annotation =>
    new Annotation('info', withMetricName(I('input to histogram_fraction has NaN observations, which are excluded from all fractions'), metricName), pos),
  histogramCounterResetCollision: (pos: PositionRange, op: HistogramOperation): Annotation =>
    new Annotation('warning', W(`conflicting counter resets during histogram ${op}`), pos),
  mismatchedCustomBuckets: (pos: PositionRange, op: HistogramOperation): Annotation =>
    new Annotation('info', I(`mismatched custom buckets were reconciled during ${op}`), pos),
  startTimeOverlap: (metricName: string, pos: PositionRange): Annotation =>
    new StartTimeOverlapAnnotation(W('sample has start time that overlaps with previous sample timestamp'), metricName, pos),
};

export type HistogramOperation = 'addition' | 'subtraction' | 'aggregation';
