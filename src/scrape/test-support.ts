/**
 * Test support for the scrape tests (not used by production code): a storage double that
 * records committed samples and rejects out-of-order and conflicting duplicate samples as
 * Prometheus's head does, and a scraper double serving queued responses.
 */
import type { Exemplar, FloatHistogram, Histogram, Labels, Metadata, Millis } from '../model/index.js';
import { AppendError, type Appendable, type Appender, type SeriesRef } from '../storage/index.js';
import { newParser } from '../textparse/index.js';
import { nopLogger } from '../util/log.js';
import type { AppendContext } from './append.js';
import { ScrapeCache } from './cache.js';
import type { ScrapeMetrics } from './metrics.js';
import { ScrapeError, type ScrapeResult, type Scraper } from './scraper.js';

export interface Rec {
  /** `Labels.toString()` of the series. */
  series: string;
  t: number;
  v: number;
  stale: boolean;
  histogram: boolean;
  /** The start timestamp passed with the sample (0: none). */
  st: number;
  /** Native histograms: their schema and bucket count. */
  schema?: number;
  buckets?: number;
}

interface SeriesState {
  ref: SeriesRef;
  lastT: number;
  lastV: number;
  lastStale: boolean;
}

export class RecordingStorage implements Appendable {
  readonly committed: Rec[] = [];
  readonly exemplars: { series: string; e: Exemplar }[] = [];
  readonly metadata: { series: string; m: Metadata }[] = [];
  readonly series = new Map<string, SeriesState>();
  commits = 0;
  rollbacks = 0;
  #nextRef = 1;

  appender(): Appender {
    return new RecordingAppender(this);
  }

  /** Committed samples of one series (by its `toString()`), in order. */
  samplesOf(series: string): Rec[] {
    return this.committed.filter((r) => r.series === series);
  }

  /** Committed samples whose series matches. */
  where(pred: (r: Rec) => boolean): Rec[] {
    return this.committed.filter(pred);
  }

  refFor(series: string): SeriesRef {
    let s = this.series.get(series);
    if (s === undefined) {
      s = { ref: this.#nextRef++, lastT: -Infinity, lastV: NaN, lastStale: false };
      this.series.set(series, s);
    }
    return s.ref;
  }
}

class RecordingAppender implements Appender {
  readonly #s: RecordingStorage;
  #batch: Rec[] = [];
  #ex: { series: string; e: Exemplar }[] = [];
  #meta: { series: string; m: Metadata }[] = [];
  /** Per-series last sample in this batch. */
  readonly #pending = new Map<string, { t: number; v: number; stale: boolean }>();

  constructor(s: RecordingStorage) {
    this.#s = s;
  }

  #add(labels: Labels, t: number, v: number, stale: boolean, histogram: boolean, stTs: number, h?: Histogram | FloatHistogram): SeriesRef {
    const key = labels.toString();
    const ref = this.#s.refFor(key);
    const st = this.#s.series.get(key)!;
    const last = this.#pending.get(key) ?? { t: st.lastT, v: st.lastV, stale: st.lastStale };
    if (t < last.t) throw new AppendError('out_of_order', 'out of order sample');
    if (t === last.t) {
      const same = stale ? last.stale : !last.stale && Object.is(v, last.v);
      if (same) return ref;
      throw new AppendError('duplicate_sample', 'duplicate sample for timestamp');
    }
    this.#pending.set(key, { t, v, stale });
    const rec: Rec = { series: key, t, v, stale, histogram, st: stTs };
    if (h !== undefined) {
      rec.schema = h.schema;
      rec.buckets = h.positiveBuckets.length + h.negativeBuckets.length;
    }
    this.#batch.push(rec);
    return ref;
  }

  append(_ref: SeriesRef, labels: Labels, t: Millis, v: number, st?: Millis): SeriesRef {
    return this.#add(labels, t, v, false, false, st ?? 0);
  }

  appendStale(_ref: SeriesRef, labels: Labels, t: Millis): SeriesRef {
    return this.#add(labels, t, NaN, true, false, 0);
  }

  appendHistogram(_ref: SeriesRef, labels: Labels, t: Millis, h: Histogram | null, fh: FloatHistogram | null, st?: Millis): SeriesRef {
    const x = (h ?? fh)!;
    return this.#add(labels, t, x.count, false, true, st ?? 0, x);
  }

  appendExemplar(_ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef {
    this.#ex.push({ series: labels.toString(), e });
    return this.#s.refFor(labels.toString());
  }

  updateMetadata(_ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef {
    this.#meta.push({ series: labels.toString(), m });
    return this.#s.refFor(labels.toString());
  }

  commit(): Promise<void> {
    const s = this.#s;
    for (const r of this.#batch) {
      s.committed.push(r);
      const st = s.series.get(r.series)!;
      st.lastT = r.t;
      st.lastV = r.v;
      st.lastStale = r.stale;
    }
    s.exemplars.push(...this.#ex);
    s.metadata.push(...this.#meta);
    s.commits++;
    this.#batch = [];
    this.#pending.clear();
    return Promise.resolve();
  }

  rollback(): Promise<void> {
    this.#s.rollbacks++;
    this.#batch = [];
    this.#ex = [];
    this.#meta = [];
    this.#pending.clear();
    return Promise.resolve();
  }
}

/** A scraper that serves queued responses (a body, or an error to throw); the last one repeats. */
export class QueueScraper implements Scraper {
  readonly #queue: (ScrapeResult | Error)[] = [];
  calls = 0;

  push(r: string | ScrapeResult | Error, contentType = 'text/plain; version=0.0.4'): this {
    this.#queue.push(typeof r === 'string' ? { body: Buffer.from(r), contentType } : r);
    return this;
  }

  scrape(): Promise<ScrapeResult> {
    this.calls++;
    const r = this.#queue.length > 1 ? this.#queue.shift()! : this.#queue[0];
    if (r === undefined) return Promise.reject(new ScrapeError('transport', 'no response queued'));
    if (r instanceof Error) return Promise.reject(r);
    return Promise.resolve(r);
  }
}

/**
 * An append context with a target's defaults (no limits, UTF-8 names, timestamps honoured,
 * no native histograms or metadata), a fresh cache and the standard parsers; the caller gives
 * how sample labels are made and the metrics to count into.
 */
export function testAppendContext(sampleMutator: AppendContext['sampleMutator'], metrics: ScrapeMetrics): AppendContext {
  return {
    cache: new ScrapeCache({ flushForced: () => undefined }),
    newParser,
    parserOptions: { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false },
    fallbackProtocol: '',
    sampleMutator,
    honorTimestamps: true,
    trackTimestampsStaleness: false,
    sampleLimit: 0,
    bucketLimit: 0,
    maxSchema: 8,
    labelLimits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 },
    validationScheme: 'utf8',
    scrapeNativeHistograms: false,
    enableStartTimestamps: false,
    startTimestampZeroIngestion: false,
    synthesizeST: false,
    appendMetadata: false,
    metrics,
    logger: nopLogger,
  };
}
