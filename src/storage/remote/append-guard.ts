/**
 * What the receiver puts between a request and the storage's `Appender`, as Prometheus's
 * remote-write appender does: samples, histograms and exemplars more than 10 minutes in the
 * future are out of bounds; histograms with a reserved schema above 8 are reduced to 8 and
 * validated with Prometheus's texts; the stale marker's bits become `appendStale`. Failures
 * are sorted into what the sender gets: a bad request (400: out of order, duplicate, out of
 * bounds, too old, invalid histogram) or a storage failure (500: anything else).
 */
import { AppendError, type Appender, type SeriesRef } from '../interface.js';
import { CounterResetHint, type Exemplar, type FloatHistogram, type Histogram, type Labels, type Millis } from '../../model/index.js';
import type { DecodedHistogram } from './decoded.js';
import { reduceReservedSchema, validateHistogram } from './histogram-check.js';

/** How far ahead of the receiver's clock a timestamp may be. */
export const MAX_AHEAD_MS = 10 * 60 * 1000;

export const ERR_TOO_FAR_IN_FUTURE = 'out of bounds: timestamp is too far in the future';

/** A rejected append the sender must not retry (answered 400). */
export class BadSampleError extends Error {
  override readonly name = 'BadSampleError';
}

/**
 * Classifies a storage error thrown by an append: sample errors and invalid histograms become
 * `BadSampleError`s (with the storage's text); anything else is returned unchanged, to be
 * answered 500.
 */
export function classify(e: unknown): Error {
  if (e instanceof AppendError) {
    switch (e.kind) {
      case 'out_of_order':
      case 'duplicate_sample':
      case 'out_of_bounds':
      case 'too_old':
        return new BadSampleError(e.message, { cause: e });
      case 'histogram_invalid':
        return new BadSampleError(e.message.replace(/^invalid histogram: /, ''), { cause: e });
      case 'invalid_sample':
      case 'exemplar_out_of_order':
      case 'exemplar_duplicate':
      case 'exemplar_invalid':
        return e;
    }
  }
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * The empty histogram standing for a counter reset at the start timestamp, in the layout of
 * the histogram that follows (schema, zero threshold, custom bounds), so the storage need not
 * cut a new chunk.
 */
function zeroLike(src: Histogram | FloatHistogram): Histogram & FloatHistogram {
  return {
    counterResetHint: CounterResetHint.CounterReset, schema: Math.min(src.schema, 8), zeroThreshold: src.zeroThreshold,
    zeroCount: 0, count: 0, sum: 0, positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [],
    customValues: src.customValues.slice(),
  };
}

/** Sample timestamps the storage can represent and the receiver accepts; null when fine. */
function timeError(t: number, maxT: number): BadSampleError | null {
  if (t > maxT) return new BadSampleError(ERR_TOO_FAR_IN_FUTURE);
  // Beyond ±2^53 ms the int64 was not decoded exactly; no storage keeps such times.
  if (!Number.isSafeInteger(t)) return new BadSampleError('out of bounds');
  return null;
}

/**
 * One request's view of an appender. Not reusable across requests (it fixes the future
 * limit at construction). Methods throw `BadSampleError` or a storage error.
 */
export class GuardedAppender {
  readonly app: Appender;
  /** Latest accepted timestamp, ms. */
  readonly maxT: number;

  constructor(app: Appender, now: number) {
    this.app = app;
    this.maxT = now + MAX_AHEAD_MS;
  }

  sample(ref: SeriesRef, labels: Labels, t: number, v: number, stale: boolean): SeriesRef {
    const te = timeError(t, this.maxT);
    if (te !== null) throw te;
    try {
      return stale ? this.app.appendStale(ref, labels, t as Millis) : this.app.append(ref, labels, t as Millis, v);
    } catch (e) {
      throw classify(e);
    }
  }

  histogram(ref: SeriesRef, labels: Labels, dh: DecodedHistogram): SeriesRef {
    const te = timeError(dh.t, this.maxT);
    if (te !== null) throw te;
    const isFloat = dh.fh !== null;
    const h = dh.fh ?? dh.h!;
    const err = reduceReservedSchema(h, isFloat) ?? validateHistogram(h, isFloat);
    if (err !== null) throw new BadSampleError(err);
    try {
      if (dh.stale) return this.app.appendStale(ref, labels, dh.t as Millis);
      return this.app.appendHistogram(ref, labels, dh.t as Millis, dh.h, dh.fh);
    } catch (e) {
      throw classify(e);
    }
  }

  /**
   * Appends an exemplar. Returns the storage's error (never throws): the caller decides,
   * since 1.0 ignores exemplar failures and 2.0 fails only out-of-order ones. A duplicate of
   * the newest exemplar is accepted without storing, as Prometheus's head does.
   */
  exemplar(ref: SeriesRef, labels: Labels, e: Exemplar): { ref: SeriesRef; err: Error | null } {
    if (e.ts !== undefined && e.ts > this.maxT) return { ref, err: new Error(ERR_TOO_FAR_IN_FUTURE) };
    try {
      return { ref: this.app.appendExemplar(ref, labels, e), err: null };
    } catch (err) {
      if (err instanceof AppendError && err.kind === 'exemplar_duplicate') return { ref, err: null };
      return { ref, err: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  /**
   * The zero sample a start timestamp stands for (counter created at `st`), appended before
   * the sample at `t` when start-timestamp ingestion is on. Errors are ignored, as Prometheus
   * ignores them (an older start than the series' last sample is the common case).
   */
  startZero(ref: SeriesRef, labels: Labels, st: number, t: number, dh: DecodedHistogram | null): SeriesRef {
    if (st === 0 || t === 0 || st >= t || !Number.isSafeInteger(st)) return ref;
    try {
      if (dh === null) return this.app.append(ref, labels, st as Millis, 0);
      return dh.fh !== null
        ? this.app.appendHistogram(ref, labels, st as Millis, null, zeroLike(dh.fh))
        : this.app.appendHistogram(ref, labels, st as Millis, zeroLike(dh.h!), null);
    } catch {
      return ref;
    }
  }
}
