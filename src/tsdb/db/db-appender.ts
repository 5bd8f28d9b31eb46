/**
 * The DB's appender: the head's, with a check after each commit whether the head has grown
 * compactable (Prometheus's dbAppender), so that compaction starts without waiting for the
 * next interval.
 */
import type { Exemplar, FloatHistogram, Histogram, Labels, Metadata, Millis } from '../../model/index.js';
import type { Appender, SeriesRef } from '../../storage/interface.js';

export class DBAppender implements Appender {
  readonly #app: Appender;
  readonly #afterCommit: () => void;

  constructor(app: Appender, afterCommit: () => void) {
    this.#app = app;
    this.#afterCommit = afterCommit;
  }

  append(ref: SeriesRef, labels: Labels, t: Millis, v: number, st?: Millis, rejectOutOfOrder?: boolean): SeriesRef {
    return this.#app.append(ref, labels, t, v, st, rejectOutOfOrder);
  }

  appendStale(ref: SeriesRef, labels: Labels, t: Millis): SeriesRef {
    return this.#app.appendStale(ref, labels, t);
  }

  appendHistogram(ref: SeriesRef, labels: Labels, t: Millis, h: Histogram | null, fh: FloatHistogram | null, st?: Millis, rejectOutOfOrder?: boolean): SeriesRef {
    return this.#app.appendHistogram(ref, labels, t, h, fh, st, rejectOutOfOrder);
  }

  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef {
    return this.#app.appendExemplar(ref, labels, e);
  }

  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef {
    return this.#app.updateMetadata(ref, labels, m);
  }

  async commit(): Promise<void> {
    await this.#app.commit();
    this.#afterCommit();
  }

  rollback(): Promise<void> {
    return this.#app.rollback();
  }
}
