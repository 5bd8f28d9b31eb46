/**
 * The head's appender: checks each sample as Prometheus's head appender does and buffers it;
 * `commit` writes the batch to the WAL, awaits it (the durability point) and then makes it
 * visible; `rollback` drops it.
 *
 * Rules, against the series' newest sample (the newest of this batch if this appender added
 * one, else the newest committed): a timestamp must be a safe integer (`invalid_sample`); a
 * sample at the same time is accepted silently when it is the very same value (NaN equals NaN,
 * 0 differs from -0, a stale marker only equals a stale marker) and `duplicate_sample`
 * otherwise; older ones are `out_of_order`, or, below the head's min valid time (behind the
 * last block, or half a chunk range behind the newest sample), `out_of_bounds`. With an
 * out-of-order window, older samples (floats and native histograms, as in Prometheus 3.x)
 * within the window of the head's max time are accepted (they go to out-of-order chunks at
 * commit) and older ones are `too_old`.
 */
import {
  APPEND_ERROR_TEXT, AppendError, type Appender, type SeriesRef,
} from '../../storage/interface.js';
import { Labels, type Exemplar, type FloatHistogram, type Histogram, type Metadata, type Millis } from '../../model/index.js';
import type { Batch } from './batch.js';
import { cloneHistogram, staleHistogram, validateHistogram, type AnyHistogram } from './histogram-check.js';
import type { HeadCore } from './head-core.js';
import { Kind, sameSample, type MemSeries } from './series.js';

/** What the appender needs from the head besides its state. */
export interface AppenderHost {
  readonly core: HeadCore;
  takeBatch(): Batch;
  commitBatch(b: Batch): Promise<void>;
  releaseBatch(b: Batch): void;
  appenderDone(): void;
}

function rejected(kind: 'out_of_order' | 'duplicate_sample' | 'out_of_bounds' | 'too_old'): AppendError {
  return new AppendError(kind, APPEND_ERROR_TEXT[kind]);
}

function withoutEmpty(l: Labels): Labels {
  let empty = false;
  for (let i = 0; i < l.length; i++) if (l.valueAt(i) === '') { empty = true; break; }
  if (!empty) return l;
  const a: string[] = [];
  for (let i = 0; i < l.length; i++) if (l.valueAt(i) !== '') a.push(l.nameAt(i), l.valueAt(i));
  return Labels.fromSortedArray(a);
}

export class HeadAppender implements Appender {
  readonly #host: AppenderHost;
  #batch: Batch | null = null;
  #lastExemplar: Map<MemSeries, Exemplar> | null = null;
  #done = false;

  constructor(host: AppenderHost) {
    this.#host = host;
  }

  #series(ref: SeriesRef, labels: Labels): MemSeries {
    const core = this.#host.core;
    const s = core.lookup(ref, labels);
    if (s !== undefined) return s;
    const l = withoutEmpty(labels);
    if (l.isEmpty()) throw new AppendError('invalid_sample', 'empty labelset: invalid sample');
    const dup = l.findDuplicateName();
    if (dup !== '') throw new AppendError('invalid_sample', `label name "${dup}" is not unique: invalid sample`);
    return (l === labels ? undefined : core.byLabels.get(l)) ?? core.create(l);
  }

  #take(s: MemSeries): Batch {
    const b = (this.#batch ??= this.#host.takeBatch());
    if (s.batch !== b) {
      s.batch = b;
      s.batchIdx = -1;
      s.groupIdx = -1;
      s.pending++;
      b.touch(s);
    }
    return b;
  }

  append(ref: SeriesRef, labels: Labels, t: Millis, v: number, st?: Millis, rejectOutOfOrder?: boolean): SeriesRef {
    return this.#add(ref, labels, t, v, Kind.Float, false, null, st ?? 0, rejectOutOfOrder === true);
  }

  appendStale(ref: SeriesRef, labels: Labels, t: Millis): SeriesRef {
    return this.#add(ref, labels, t, NaN, Kind.Float, true, null, 0, false);
  }

  appendHistogram(ref: SeriesRef, labels: Labels, t: Millis, h: Histogram | null, fh: FloatHistogram | null, st?: Millis, rejectOutOfOrder?: boolean): SeriesRef {
    const given = h ?? fh;
    if (given === null || (h !== null && fh !== null)) {
      throw new AppendError('histogram_invalid', `${APPEND_ERROR_TEXT.histogram_invalid}: exactly one of the integer and the float histogram must be given`);
    }
    const err = validateHistogram(given, fh !== null);
    if (err !== null) throw new AppendError('histogram_invalid', err);
    return this.#add(ref, labels, t, 0, fh !== null ? Kind.FloatHistogram : Kind.Histogram, false, cloneHistogram(given), st ?? 0, rejectOutOfOrder === true);
  }

  #add(ref: SeriesRef, labels: Labels, t: number, v: number, kind: Kind, stale: boolean, h: AnyHistogram | null, st: number, noOOO: boolean): SeriesRef {
    if (!Number.isSafeInteger(t)) {
      throw new AppendError('invalid_sample', `${APPEND_ERROR_TEXT.invalid_sample}: timestamp ${t} is not an integer number of milliseconds`);
    }
    const core = this.#host.core;
    const minValid = core.appendableMinValidTime();
    const w = core.opts.oooWindow;
    const isFloat = kind === Kind.Float;
    if (w === 0 && t < minValid) {
      if (isFloat) core.counters.outOfBoundFloat++; else core.counters.outOfBoundHistogram++;
      throw rejected('out_of_bounds');
    }
    const s = this.#series(ref, labels);
    // The series' newest sample is this appender's own when its batch holds one (index bi).
    const b0 = this.#batch;
    const bi = s.batchIdx;
    const owned = b0 !== null && s.batch === b0 && bi >= 0;
    // A stale marker for a series this batch gave histograms becomes a stale histogram, as in Prometheus.
    if (stale && owned && b0.kind(bi) !== Kind.Float) kind = b0.kind(bi);
    const lastT = owned ? b0.t[bi]! : s.maxTime();
    let ooo = false;
    if (t >= minValid && t >= lastT) {
      if (t === lastT) {
        const same = owned
          ? sameSample(kind, v, stale, h, b0.kind(bi), b0.v[bi]!, b0.stale(bi), b0.h[bi] ?? null)
          : sameSample(kind, v, stale, h, s.lastKind, s.lastV, s.lastStale, s.lastH);
        if (same) return s.ref;
        throw rejected('duplicate_sample');
      }
    } else if (w > 0 && t >= core.maxTime - w) {
      // Within the out-of-order window, unless the caller needs ordered samples.
      if (noOOO) {
        if (isFloat) core.counters.outOfOrderFloat++; else core.counters.outOfOrderHistogram++;
        throw rejected('out_of_order');
      }
      ooo = true;
    } else {
      if (w > 0) {
        if (isFloat) core.counters.tooOldFloat++; else core.counters.tooOldHistogram++;
        throw rejected('too_old');
      }
      if (t < minValid) {
        if (isFloat) core.counters.outOfBoundFloat++; else core.counters.outOfBoundHistogram++;
        throw rejected('out_of_bounds');
      }
      if (isFloat) core.counters.outOfOrderFloat++; else core.counters.outOfOrderHistogram++;
      throw rejected('out_of_order');
    }
    const b = this.#take(s);
    if (stale && kind !== Kind.Float) h = staleHistogram();
    // A start timestamp is kept as given (Prometheus does not check it against t); only a
    // value that is no safe integer is dropped, as the WAL could not hold it.
    const i = b.push(s, t, v, kind, stale, h, Number.isSafeInteger(st) ? st : 0);
    // The batch's newest in-order sample of the series is what later appends compare with.
    if (!ooo || !owned) {
      if (!owned || t > lastT) s.batchIdx = i;
    }
    return s.ref;
  }

  /**
   * Exemplars need a timestamp (the scrape loop stamps the scrape time on those exposed
   * without one). An exemplar equal to the series' newest is `exemplar_duplicate`; one older
   * than the newest (beyond the out-of-order window), or at the same time with a lower value,
   * is `exemplar_out_of_order`. With exemplar storage disabled they are dropped silently.
   */
  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef {
    const core = this.#host.core;
    const s = core.lookup(ref, labels);
    if (s === undefined) throw new AppendError('exemplar_invalid', `unknown HeadSeriesRef when trying to add exemplar: ${ref}`);
    if (core.exemplars.capacity === 0) return s.ref;
    const ts = e.ts;
    if (ts === undefined || !Number.isSafeInteger(ts)) {
      throw new AppendError('exemplar_invalid', `${APPEND_ERROR_TEXT.exemplar_invalid}: exemplar without a valid timestamp`);
    }
    const el = withoutEmpty(e.labels);
    const newest = this.#lastExemplar?.get(s) ?? core.exemplars.newest(s);
    switch (core.exemplars.verdict(newest, el, e.value, ts)) {
      case null: break;
      case 'too_long': throw new AppendError('exemplar_invalid', 'label length for exemplar exceeds maximum of 128 UTF-8 characters');
      case 'duplicate': throw new AppendError('exemplar_duplicate', APPEND_ERROR_TEXT.exemplar_duplicate);
      case 'out_of_order': throw new AppendError('exemplar_out_of_order', APPEND_ERROR_TEXT.exemplar_out_of_order);
    }
    this.#take(s).pushExemplar(s, el, ts, e.value);
    if (newest === null || ts >= newest.ts!) (this.#lastExemplar ??= new Map()).set(s, { labels: el, value: e.value, ts });
    return s.ref;
  }

  /** Records metadata when it differs from the series' current metadata. */
  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef {
    const s = this.#host.core.lookup(ref, labels);
    if (s === undefined) throw new AppendError('invalid_sample', `unknown series when trying to add metadata with HeadSeriesRef: ${ref} and labels: ${labels.toString()}`);
    const cur = s.meta;
    if (cur !== null && cur.type === m.type && cur.help === m.help && cur.unit === m.unit) return s.ref;
    this.#take(s).pushMetadata(s, { type: m.type, help: m.help, unit: m.unit });
    return s.ref;
  }

  async commit(): Promise<void> {
    const b = this.#batch;
    this.#batch = null;
    this.#lastExemplar = null;
    this.#finish();
    if (b !== null) await this.#host.commitBatch(b);
  }

  rollback(): Promise<void> {
    const b = this.#batch;
    this.#batch = null;
    this.#lastExemplar = null;
    this.#finish();
    if (b !== null) this.#host.releaseBatch(b);
    return Promise.resolve();
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#host.appenderDone();
  }
}
