/**
 * The contract between the evaluator and PromQL's function implementations.
 *
 * Instant-vector functions are called once per step with the step's argument vectors
 * (scalars arrive as one-sample vectors, string arguments are read from the call's AST) and
 * append their result through `ctx.emit`. Range-vector functions are called once per series
 * and step with a window over the series' samples: index ranges into columns the engine
 * fills once per series, so that sliding the window costs no copying. Neither kind may keep
 * the samples, windows or output objects beyond the call: the engine reuses them.
 */
import type { FloatHistogram, Labels } from '../../model/index.js';
import type { Call, Expr, PositionRange } from '../parser/index.js';
import type { Annotations } from '../engine/annotations.js';
import type { Sample } from '../engine/types.js';

export type { Sample };

/** Per-call-node state that survives from step to step (caches of the histogram functions). */
export interface NodeCache {
  [key: string]: unknown;
}

export interface FnContext {
  /** The evaluation timestamp of this step (ms). */
  ts: number;
  readonly delayedNameRemoval: boolean;
  /** Where annotations go. */
  readonly annos: Annotations;
  /** Appends a result sample (the object is pooled by the engine). */
  emit(metric: Labels, f: number, h: FloatHistogram | null, dropName: boolean): void;
  readonly cache: NodeCache;
  /**
   * Start timestamps (ms, 0 = unknown) of the samples of the first argument vector, for
   * `start_timestamp()`; null when the engine does not track them.
   */
  vectorStartTimestamps: readonly number[] | null;
}

/** An instant-vector (or scalar-returning) function. */
export type InstantFn = (vals: readonly (readonly Sample[])[], args: readonly Expr[], ctx: FnContext) => void;

/** A view of one series' samples inside a range-vector function's window. */
export interface Window {
  metric: Labels;
  fT: Float64Array;
  fV: Float64Array;
  fLo: number;
  fHi: number;
  hT: Float64Array;
  hV: FloatHistogram[];
  hLo: number;
  hHi: number;
  /**
   * Ascending indexes i into fT/fV (over the whole columns, not just the window) where
   * fV[i] < fV[i - 1], when the engine has worked them out; else null.
   */
  fResets: Int32Array | null;
  fResetsN: number;
  /** Start timestamps aligned with fT/hT when tracked (use-start-timestamps), else null. */
  fST: Float64Array | null;
  hST: Float64Array | null;
  /** The selector's range and effective offset (ms) and modifiers. */
  range: number;
  offset: number;
  anchored: boolean;
  smoothed: boolean;
  /** Position of the range-vector argument, for annotations. */
  pos: PositionRange;
}

/**
 * A range-vector function. `scalars` are the values of the other (scalar) arguments at this
 * step, in argument order. The result, if any, is emitted through `ctx` (at most one sample;
 * its metric is ignored).
 */
export type RangeFn = (w: Window, scalars: readonly number[], call: Call, ctx: FnContext) => void;
