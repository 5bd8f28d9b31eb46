/**
 * The seams of storage. Every sample enters through `Appendable` and leaves through
 * `Queryable`; scrapes, rules, receivers and backfill write, PromQL, federation, remote read
 * and the API read. Implementations: the in-memory store (`memory.ts`), later the TSDB,
 * remote storage and the fanout over them.
 */
import type { Exemplar, FloatHistogram, Histogram, Labels, Matcher, Metadata, Millis } from '../model/index.js';

/**
 * A series reference handed out by an appender, to be passed back on later appends of the
 * same series so that the labels need not be looked up again. 0 means "unknown".
 * A ref stays valid for the life of the storage, unless the series is garbage collected,
 * in which case the storage ignores the stale ref and looks the labels up.
 */
export type SeriesRef = number;

export type AppendErrorKind =
  | 'out_of_order'
  | 'duplicate_sample'
  | 'out_of_bounds'
  | 'too_old'
  | 'invalid_sample'
  | 'exemplar_out_of_order'
  | 'exemplar_duplicate'
  | 'exemplar_invalid'
  | 'histogram_invalid';

/** A rejected append. The appender stays usable; the caller counts and carries on. */
export class AppendError extends Error {
  override readonly name = 'AppendError';
  readonly kind: AppendErrorKind;
  constructor(kind: AppendErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Texts as Prometheus words them, for logs and target errors. */
export const APPEND_ERROR_TEXT: Readonly<Record<AppendErrorKind, string>> = {
  out_of_order: 'out of order sample',
  duplicate_sample: 'duplicate sample for timestamp',
  out_of_bounds: 'out of bounds',
  too_old: 'too old sample',
  invalid_sample: 'invalid sample',
  exemplar_out_of_order: 'out of order exemplar',
  exemplar_duplicate: 'duplicate exemplar',
  exemplar_invalid: 'invalid exemplar',
  histogram_invalid: 'invalid histogram',
};

export interface Appendable {
  /** A new appender. Appenders are cheap; one per scrape, rule group evaluation or request. */
  appender(): Appender;
}

/**
 * Batches appends until `commit`. Nothing appended is visible to queries before `commit`
 * resolves; after `rollback` nothing of the batch is stored. Not safe for concurrent use:
 * one appender belongs to one caller. Labels passed in must be valid and sorted (a `Labels`
 * value is); the storage keeps the `Labels` object, so callers must not mutate it (they can't).
 */
export interface Appender {
  /**
   * Appends a float sample and returns the series ref. Throws `AppendError` when the sample
   * is rejected (out of order, duplicate timestamp with another value, out of bounds); the
   * rest of the batch is unaffected. `st` is the sample's start timestamp in ms (0 or absent:
   * unknown); storages that keep start timestamps (the TSDB with `st-storage`) store it,
   * others ignore it. With `rejectOutOfOrder` a sample older than the series' newest is
   * `out_of_order` even where an out-of-order window would take it (start timestamp synthesis
   * needs ordered samples).
   */
  append(ref: SeriesRef, labels: Labels, t: Millis, v: number, st?: Millis, rejectOutOfOrder?: boolean): SeriesRef;
  /** Appends a staleness marker (Prometheus's stale NaN) for the series at t. */
  appendStale(ref: SeriesRef, labels: Labels, t: Millis): SeriesRef;
  /** Appends a native histogram sample (exactly one of h and fh is non-null); `st` as in `append`. */
  appendHistogram(ref: SeriesRef, labels: Labels, t: Millis, h: Histogram | null, fh: FloatHistogram | null, st?: Millis, rejectOutOfOrder?: boolean): SeriesRef;
  /** Attaches an exemplar to the series. */
  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef;
  /** Records metric metadata for the series. */
  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef;
  /** Makes the batch durable and visible. Awaits the WAL write in durable storages. */
  commit(): Promise<void>;
  /** Discards the batch. */
  rollback(): Promise<void>;
}

/** Hints a querier may use to read less; it must still return correct results without them. */
export interface SelectHints {
  /** Inclusive time range the caller needs, in ms. */
  start: Millis;
  end: Millis;
  /** Query step in ms (0 for instant queries). */
  step: number;
  /** The function the selector feeds (e.g. 'rate'), or 'series' for metadata-only calls. */
  func: string;
  /** Range of the range selector in ms (0 for instant selectors). */
  range: number;
  /** Maximum number of series to return, 0 for no limit. */
  limit: number;
  /**
   * The caller reads only each series' latest sample at or before `end` (an instant vector
   * selector evaluated at the one time `end`, as in an instant query): a querier may leave
   * out samples before that one (whole chunks that are not needed to find it), and a series
   * may then start with a sample before `start`. Absent means false.
   */
  latestOnly?: boolean;
}

export interface Queryable {
  /** A querier over [mint, maxt] (ms, inclusive). */
  querier(mint: Millis, maxt: Millis): Promise<Querier>;
}

export interface LabelHints {
  limit: number;
}

/** Reads over a fixed time range. Close it when done; series sets must not be used after. */
export interface Querier {
  /**
   * The series matching all matchers (at least one must not match the empty string) with
   * their samples inside the querier's range. With `sortSeries`, series come ordered by
   * `Labels.compare`. May await I/O; iterating the result never does.
   */
  select(sortSeries: boolean, hints: SelectHints | null, matchers: readonly Matcher[], signal?: AbortSignal): Promise<SeriesSet>;
  /** Sorted distinct values of a label, over series matching the matchers (all when empty). */
  labelValues(name: string, hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>>;
  /** Sorted distinct label names, over series matching the matchers (all when empty). */
  labelNames(hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>>;
  close(): Promise<void>;
}

export interface QueryResult<T> {
  value: T;
  warnings: string[];
}

/** A cursor over series. `next()` advances; `at()` is valid until the next call. */
export interface SeriesSet {
  next(): boolean;
  at(): Series;
  /** The error that ended iteration early, if any. */
  err(): Error | null;
  warnings(): string[];
}

export interface Series {
  readonly labels: Labels;
  /**
   * An iterator over the series' samples in time order. Pass a previous iterator to reuse
   * it (the implementation may ignore it and allocate).
   */
  iterator(reuse: SampleIterator | null): SampleIterator;
}

/** What a sample iterator is positioned on. */
export const enum ValueType {
  None = 0,
  Float = 1,
  Histogram = 2,
  FloatHistogram = 3,
}

/**
 * Growable float columns that `SampleIterator.readFloats` appends to: timestamps (ms) and
 * values at [0, fN). Writers store at index fN and call `growF()` first when fN equals the
 * arrays' length; `growF` may replace `fT` and `fV`, so writers re-read them after it.
 * `staleT` gets the time of each stale marker passed over (readers that need to know
 * whether the latest sample was one reset it first).
 */
export interface FloatColumns {
  fT: Float64Array;
  fV: Float64Array;
  fN: number;
  staleT: number;
  growF(): void;
}

/**
 * A cursor over samples in time order. `next()` and `seek()` return the type of the sample
 * now under the cursor (`None` at the end); the `at*` accessors read it. Values returned are
 * valid until the next move; copy histograms you keep.
 */
export interface SampleIterator {
  next(): ValueType;
  /** Advances to the first sample with timestamp >= t (never moves backwards). */
  seek(t: Millis): ValueType;
  atT(): Millis;
  /** The float value; NaN for a stale marker. */
  atF(): number;
  /** True when the current sample is a staleness marker. */
  atStale(): boolean;
  atHistogram(): Histogram;
  atFloatHistogram(): FloatHistogram;
  /**
   * The start timestamp (ST, "created timestamp") of the current sample in ms; 0 when unknown.
   * Optional: storages that keep no start timestamps leave it out, which readers treat as 0.
   */
  atST?(): number;
  err(): Error | null;
  /**
   * Optional bulk read, for readers that copy floats into columns. Starting on the current
   * sample (the last `next()`/`seek()` returned a type other than None), it does what this
   * loop does and returns the final `vt`, the cursor left on that sample:
   *
   *   while (vt === ValueType.Float && atT() <= maxt) {
   *     if (!atStale()) append (atT(), atF()) to out; else out.staleT = atT();
   *     vt = next();
   *   }
   *
   * Implementations decode straight into the arrays: no call and no boxed number per sample.
   */
  readFloats?(maxt: number, out: FloatColumns): ValueType;
}

/** The exemplars of one series, oldest first. */
export interface ExemplarQueryResult {
  seriesLabels: Labels;
  exemplars: Exemplar[];
}

/** Storages that keep exemplars (for `/api/v1/query_exemplars`). */
export interface ExemplarQueryable {
  /**
   * Exemplars with timestamps in [mint, maxt] (ms, inclusive) of the series matching any of
   * the matcher sets (each set ANDed, the sets ORed, as the API's `query` selectors are).
   * No matcher set selects nothing.
   */
  exemplars(mint: Millis, maxt: Millis, matcherSets: readonly (readonly Matcher[])[]): Promise<ExemplarQueryResult[]>;
}
