/**
 * The memory storage's appender: checks each sample as Prometheus's head does and buffers it;
 * `commit` applies the batch at once, `rollback` drops it.
 *
 * Rules: a timestamp must be a safe integer (`invalid_sample`); a sample older than the
 * series' last one, committed or earlier in this batch, is `out_of_order`; one at the same
 * timestamp is silently ignored when it is the very same value (NaN equals NaN, 0 differs
 * from -0, a stale marker only equals a stale marker) and `duplicate_sample` otherwise; with a
 * retention window, a sample older than the newest minus the window is `out_of_bounds`.
 */
import {
  APPEND_ERROR_TEXT, AppendError, type Appender, type SeriesRef,
} from '../interface.js';
import { EXEMPLAR_MAX_LABEL_SET_LENGTH, type Exemplar, type FloatHistogram, type Histogram, type Labels, type Metadata, type Millis } from '../../model/index.js';
import type { Batch } from './batch.js';
import { sameSample, type MemHead } from './head.js';
import { cloneHistogram, validateHistogram } from './histogram.js';
import { SampleKind, type AnyHistogram, type MemSeries } from './series.js';

function rejected(kind: 'out_of_order' | 'duplicate_sample' | 'out_of_bounds'): AppendError {
  return new AppendError(kind, APPEND_ERROR_TEXT[kind]);
}

/** Characters (code points) in a string: UTF-16 units minus the second half of each surrogate pair. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

function exemplarLabelLength(l: Labels): number {
  let n = 0;
  for (let i = 0; i < l.length; i++) n += codePoints(l.nameAt(i)) + codePoints(l.valueAt(i));
  return n;
}

export class MemAppender implements Appender {
  readonly #head: MemHead;
  #batch: Batch | null = null;
  /** The newest exemplar of this batch per series (exemplars are few; a map is fine here). */
  #lastExemplar: Map<MemSeries, Exemplar> | null = null;

  constructor(head: MemHead) {
    this.#head = head;
  }

  append(ref: SeriesRef, labels: Labels, t: Millis, v: number): SeriesRef {
    return this.#add(ref, labels, t, v, SampleKind.Float, null);
  }

  appendStale(ref: SeriesRef, labels: Labels, t: Millis): SeriesRef {
    return this.#add(ref, labels, t, NaN, SampleKind.Stale, null);
  }

  appendHistogram(ref: SeriesRef, labels: Labels, t: Millis, h: Histogram | null, fh: FloatHistogram | null): SeriesRef {
    const given = h ?? fh;
    if (given === null || (h !== null && fh !== null)) {
      throw new AppendError('histogram_invalid', `${APPEND_ERROR_TEXT.histogram_invalid}: exactly one of the integer and the float histogram must be given`);
    }
    const err = validateHistogram(given, fh !== null);
    if (err !== null) throw new AppendError('histogram_invalid', `${APPEND_ERROR_TEXT.histogram_invalid}: ${err}`);
    return this.#add(ref, labels, t, 0, fh !== null ? SampleKind.FloatHistogram : SampleKind.Histogram, cloneHistogram(given));
  }

  #add(ref: SeriesRef, labels: Labels, t: number, v: number, kind: SampleKind, h: AnyHistogram | null): SeriesRef {
    if (!Number.isSafeInteger(t)) {
      throw new AppendError('invalid_sample', `${APPEND_ERROR_TEXT.invalid_sample}: timestamp ${t} is not an integer number of milliseconds`);
    }
    const head = this.#head;
    const s = head.getOrCreate(ref, labels);
    if (t < head.minValidTime) throw rejected('out_of_bounds');
    if (s.batchOwner === this) {
      if (t <= s.batchT) {
        if (t < s.batchT) throw rejected('out_of_order');
        if (sameSample(kind, v, h, s.batchKind, s.batchV, s.batchH)) return s.id;
        throw rejected('duplicate_sample');
      }
    } else {
      const last = s.n - 1;
      if (last >= s.start) {
        const lt = s.ts[last]!;
        if (t <= lt) {
          if (t < lt) throw rejected('out_of_order');
          if (sameSample(kind, v, h, s.kinds[last]!, s.vs[last]!, s.hs?.[last])) return s.id;
          throw rejected('duplicate_sample');
        }
      }
    }
    (this.#batch ??= head.takeBatch()).push(s, t, v, kind, h);
    s.pending++;
    s.batchOwner = this;
    s.batchT = t;
    s.batchKind = kind;
    s.batchV = v;
    s.batchH = h;
    return s.id;
  }

  /**
   * Exemplars need a timestamp (the scrape loop stamps the scrape time on those exposed
   * without one, as Prometheus does). An exemplar equal to the series' newest is
   * `exemplar_duplicate`; one older than it, or at the same time with a lower value, is
   * `exemplar_out_of_order`. With exemplar storage disabled (`maxExemplars: 0`) they are
   * dropped silently.
   */
  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef {
    const head = this.#head;
    const s = head.getOrCreate(ref, labels);
    if (head.exemplars.capacity === 0) return s.id;
    const ts = e.ts;
    if (ts === undefined || !Number.isSafeInteger(ts)) {
      throw new AppendError('exemplar_invalid', `${APPEND_ERROR_TEXT.exemplar_invalid}: exemplar without a valid timestamp`);
    }
    if (exemplarLabelLength(e.labels) > EXEMPLAR_MAX_LABEL_SET_LENGTH) {
      throw new AppendError('exemplar_invalid', `label length for exemplar exceeds maximum of ${EXEMPLAR_MAX_LABEL_SET_LENGTH} UTF-8 characters`);
    }
    const newest = this.#lastExemplar?.get(s) ?? head.exemplars.newest(s);
    if (newest !== null) {
      if (ts === newest.ts && Object.is(e.value, newest.value) && e.labels.equals(newest.labels)) {
        throw new AppendError('exemplar_duplicate', APPEND_ERROR_TEXT.exemplar_duplicate);
      }
      if (ts < newest.ts! || (ts === newest.ts && e.value < newest.value)) {
        throw new AppendError('exemplar_out_of_order', APPEND_ERROR_TEXT.exemplar_out_of_order);
      }
    }
    const b = (this.#batch ??= head.takeBatch());
    b.exSeries.push(s);
    b.exLabels.push(e.labels);
    b.exTs.push(ts);
    b.exVs.push(e.value);
    (this.#lastExemplar ??= new Map()).set(s, { labels: e.labels, value: e.value, ts });
    s.pending++;
    return s.id;
  }

  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef {
    const s = this.#head.getOrCreate(ref, labels);
    const b = (this.#batch ??= this.#head.takeBatch());
    b.metaSeries.push(s);
    b.metas.push({ type: m.type, help: m.help, unit: m.unit });
    s.pending++;
    return s.id;
  }

  commit(): Promise<void> {
    const b = this.#batch;
    this.#batch = null;
    this.#lastExemplar = null;
    if (b !== null) this.#head.commit(b, this);
    return Promise.resolve();
  }

  rollback(): Promise<void> {
    const b = this.#batch;
    this.#batch = null;
    this.#lastExemplar = null;
    if (b !== null) this.#head.rollback(b, this);
    return Promise.resolve();
  }
}
