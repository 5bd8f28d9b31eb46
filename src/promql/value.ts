/**
 * The values PromQL queries produce, as the engine hands them to its callers (the HTTP API,
 * rules, the test-script runner). Internal representations inside the engine may differ;
 * these are the public shapes.
 */
import type { FloatHistogram, Labels, Millis } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import type { Expr } from './parser/index.js';

/** A float point of a series. */
export interface FPoint {
  t: Millis;
  f: number;
}

/** A histogram point of a series. */
export interface HPoint {
  t: Millis;
  h: FloatHistogram;
}

/** One element of an instant vector: a float (h === null) or a histogram sample. */
export interface Sample {
  metric: Labels;
  t: Millis;
  f: number;
  h: FloatHistogram | null;
}

/** One series of a range vector, floats and histograms each in time order. */
export interface Series {
  metric: Labels;
  floats: FPoint[];
  histograms: HPoint[];
  /**
   * The same float points as parallel columns (timestamps in ms, values), when the producer
   * has them (the engine does): readers that only copy or encode the points can use these
   * and never make `floats`' objects, which the engine creates only on first access.
   */
  readonly floatColumns?: { readonly t: ArrayLike<number>; readonly f: ArrayLike<number> } | undefined;
}

export type Vector = Sample[];
export type Matrix = Series[];

export type Value =
  | { kind: 'vector'; v: Vector }
  | { kind: 'matrix'; m: Matrix }
  | { kind: 'scalar'; t: Millis; f: number }
  | { kind: 'string'; t: Millis; s: string };

export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal';

/** A failed query, with the API error type it maps to (and its Prometheus wording). */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  readonly errorType: QueryErrorType;
  constructor(errorType: QueryErrorType, message: string, opts: { cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.errorType = errorType;
  }
}

export interface QueryStats {
  /** Total samples loaded by the query (`totalQueryableSamples`). */
  totalQueryableSamples: number;
  /** Peak number of samples held at once (`peakSamples`). */
  peakSamples: number;
  /** Per-step totals when requested. */
  totalQueryableSamplesPerStep?: [Millis, number][];
  timings: { evalTotalTime: number; resultSortTime: number; queryPreparationTime: number; innerEvalTime: number; execQueueTime: number; execTotalTime: number };
}

export interface QueryResult {
  value: Value;
  /** Warnings and infos (annotations), in Prometheus's wording. Never thrown. */
  warnings: string[];
  infos: string[];
  stats: QueryStats | null;
}

export interface QueryOptions {
  /** Overrides the engine's lookback delta (ms); 0 = engine default. */
  lookbackDelta?: number;
  /** Collect per-step sample statistics. */
  enablePerStepStats?: boolean;
  /**
   * The request's own timeout (ms), when shorter than the engine's: it bounds parsing, which
   * happens when the query is created. (Evaluation is bounded by the signal given to exec.)
   */
  timeoutMs?: number;
}

export interface Query {
  /** The parsed statement (after the engine's preprocessing). */
  readonly statement: Expr;
  /**
   * Runs the query. Rejects with QueryError: 'timeout' past the engine's timeout, 'canceled'
   * when `signal` aborts, 'execution' for evaluation errors and limits (max samples).
   */
  exec(signal?: AbortSignal): Promise<QueryResult>;
  /** Releases resources (queriers). Safe to call twice. */
  close(): void;
}

export interface Engine {
  /** Parses and prepares an instant query at `ts`; throws QueryError('bad_data') on a parse error. */
  newInstantQuery(q: Queryable, query: string, ts: Millis, opts?: QueryOptions): Query;
  /** A range query from `start` to `end` every `step` ms (all inclusive, aligned as given). */
  newRangeQuery(q: Queryable, query: string, start: Millis, end: Millis, step: number, opts?: QueryOptions): Query;
}
