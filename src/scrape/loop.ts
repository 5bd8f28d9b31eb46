/**
 * The scrape loop of one target, as Prometheus runs it: the first scrape at an offset that
 * spreads targets over the interval, then one per interval (timestamps aligned to the
 * schedule within a small tolerance); each scrape fetched under the timeout, appended in one
 * batch with its report series, and committed — or, when anything in the body fails, rolled
 * back, so that only the report and stale markers are stored. When the loop stops, stale
 * markers for all its series follow about two intervals later, unless the server is
 * shutting down or a successor loop took over the cache.
 */
import { Cancel } from '../httpclient/index.js';
import type { Millis } from '../model/index.js';
import { formatGoDuration } from '../model/index.js';
import type { Appendable, Appender } from '../storage/index.js';
import type { ScrapeCache } from './cache.js';
import { appendEmpty, appendScrape, type AppendContext } from './append.js';
import { report, reportStale } from './report.js';
import type { FailureLogger } from './failure-log.js';
import { ScrapeError, type Scraper } from './scraper.js';
import type { Target } from './target.js';
import { Shape, keepShape } from './live-shapes.js';

export interface LoopOptions extends AppendContext {
  readonly target: Target;
  readonly scraper: Scraper;
  readonly appendable: Appendable;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Per-server seed for the start offset. */
  readonly offsetSeed: number;
  /** Start right away instead of at the target's offset (tests, one-shot tools). */
  readonly skipOffset: boolean;
  /** Align timestamps to the schedule when within min(interval/100, toleranceMs). */
  readonly alignTimestamps: boolean;
  readonly toleranceMs: number;
  readonly reportExtraMetrics: boolean;
  /** Aborted on server shutdown: in-flight scrapes are cancelled and no end-of-run stale markers are written. */
  readonly parentSignal: AbortSignal;
  /** The job's `scrape_failure_log_file` logger, looked up per failure (it changes on reload). */
  readonly failureLogger: () => FailureLogger | null;
  readonly jobName: string;
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export class ScrapeLoop {
  readonly cache: ScrapeCache;
  readonly #o: LoopOptions;
  readonly #intervalLabel: string;
  /** This loop's children of the interval-length metrics (looked up once, not per scrape). */
  readonly #intervalSummary: { observe(v: number): void };
  readonly #intervalHistogram: { observe(v: number): void };
  #forcedErr: Error | null = null;
  #stopRequested = false;
  #wake: (() => void) | null = null;
  /** Ends the sleep in progress when the parent signal aborts. */
  #parentWake: (() => void) | null = null;
  /** The scrape in progress, canceled when the parent signal aborts. */
  #inflight: Cancel | null = null;
  /** Whether #run's listener on the parent signal is in place. */
  #listening = false;
  readonly #onParentAbort = (): void => {
    this.#inflight?.abort();
    this.#parentWake?.();
  };
  #noEndOfRunStaleness = false;
  #started = false;
  /** Resolves when the scraping part ends (stop() waits for it). */
  #scrapingDone: Promise<void> = Promise.resolve();
  /** Resolves when everything, end-of-run staleness included, is done. */
  #finished: Promise<void> = Promise.resolve();

  constructor(o: LoopOptions) {
    this.#o = o;
    this.cache = o.cache;
    this.#intervalLabel = formatGoDuration(o.intervalMs);
    this.#intervalSummary = o.metrics.targetIntervalLength.labels(this.#intervalLabel);
    this.#intervalHistogram = o.metrics.targetIntervalLengthHistogram.labels(this.#intervalLabel);
    o.target.setMetadataStore(o.cache);
  }

  get target(): Target {
    return this.#o.target;
  }

  /** Makes every scrape fail with this error (target_limit exceeded), or clears it with null. */
  setForcedError(e: Error | null): void {
    this.#forcedErr = e;
  }

  /** No stale markers when this loop ends: a successor loop continues its series. */
  disableEndOfRunStalenessMarkers(): void {
    this.#noEndOfRunStaleness = true;
  }

  /** Starts scraping. A loop runs once; it cannot be restarted after stop. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    let resolveScraping!: () => void;
    this.#scrapingDone = new Promise<void>((r) => { resolveScraping = r; });
    this.#finished = this.#run(resolveScraping).catch((e: unknown) => {
      this.#o.logger.error('Scrape loop failed', { err: toError(e) });
      resolveScraping();
    });
  }

  /**
   * Stops scraping and resolves once the scrape in progress (if any) is done. End-of-run
   * stale markers, if due, are written later in the background; `finished` tracks them.
   */
  async stop(): Promise<void> {
    this.#stopRequested = true;
    this.#wake?.();
    await this.#scrapingDone;
  }

  /** Resolves when the loop, including end-of-run staleness, has fully ended. */
  get finished(): Promise<void> {
    return this.#finished;
  }

  /** Sleeps `ms`; false when woken by stop() (or the parent signal) instead. */
  #sleep(ms: number, untilParentOnly = false): Promise<boolean> {
    const parent = this.#o.parentSignal;
    if (parent.aborted || (!untilParentOnly && this.#stopRequested)) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const done = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#parentWake = null;
        if (!untilParentOnly) this.#wake = null;
        resolve(ok);
      };
      const timer = setTimeout(() => { done(true); }, Math.max(0, ms));
      this.#parentWake = () => { done(false); };
      if (!untilParentOnly) this.#wake = () => { done(false); };
    });
  }

  /**
   * The loop's life. One listener on the parent signal for all of it (rather than one per
   * sleep or scrape: an AbortSignal listener costs more than a scrape's timer) wakes the
   * sleep in progress and cancels the scrape in progress.
   */
  async #run(resolveScraping: () => void): Promise<void> {
    const parent = this.#o.parentSignal;
    parent.addEventListener('abort', this.#onParentAbort, { once: true });
    this.#listening = true;
    try {
      await this.#runScrapes(resolveScraping);
    } finally {
      this.#listening = false;
      parent.removeEventListener('abort', this.#onParentAbort);
    }
  }

  async #runScrapes(resolveScraping: () => void): Promise<void> {
    const o = this.#o;
    const interval = o.intervalMs;
    let last = 0;
    try {
      const offset = o.skipOffset ? 0 : o.target.offset(interval, o.offsetSeed);
      if (offset > 0 && !(await this.#sleep(offset))) return;
      // The time this scrape was due: ticks fall on the offset's phase, one interval apart.
      let tick = Date.now();
      const tolerance = Math.min(interval / 100, o.toleranceMs);
      for (;;) {
        if (this.#stopRequested || o.parentSignal.aborted) break;
        let scrapeTime = Date.now();
        if (o.alignTimestamps && Math.abs(scrapeTime - tick) <= tolerance) scrapeTime = tick;
        last = await this.#scrapeAndReportSafe(last, scrapeTime as Millis);
        const next = tick + interval;
        const now = Date.now();
        if (next <= now) {
          // Overran the interval: like a ticker that keeps one missed tick, go again at once,
          // staying on the phase.
          tick += Math.floor((now - tick) / interval) * interval;
          continue;
        }
        if (!(await this.#sleep(next - now))) break;
        tick = next;
      }
    } finally {
      resolveScraping();
    }
    if (!o.parentSignal.aborted && !this.#noEndOfRunStaleness) await this.#endOfRunStaleness(last);
  }

  async #scrapeAndReportSafe(last: number, appendTime: Millis): Promise<number> {
    try {
      return await this.#scrapeAndReport(last, appendTime);
    } catch (e) {
      this.#o.logger.error('Scrape failed unexpectedly', { err: toError(e) });
      return Date.now();
    }
  }

  /** One scrape: fetch, append, report, commit. Returns its start time. Exposed for tests. */
  async scrapeAndReport(last: number, appendTime: Millis): Promise<number> {
    return this.#scrapeAndReport(last, appendTime);
  }

  /**
   * The target's body, canceled if the parent signal aborts meanwhile: through #run's one
   * listener (a Cancel is a plain object, while an AbortSignal listener per scrape makes
   * Node's EventTarget walk every loop's listener), or a listener of its own when called
   * outside #run (tests).
   */
  async #fetch(): ReturnType<Scraper['scrape']> {
    const cancel = new Cancel();
    const parent = this.#o.parentSignal;
    if (parent.aborted) cancel.abort();
    const own = this.#listening ? null : (): void => { cancel.abort(); };
    if (own !== null) parent.addEventListener('abort', own, { once: true });
    this.#inflight = cancel;
    try {
      return await this.#o.scraper.scrape(cancel);
    } finally {
      this.#inflight = null;
      if (own !== null) parent.removeEventListener('abort', own);
    }
  }

  async #scrapeAndReport(last: number, appendTime: Millis): Promise<number> {
    const o = this.#o;
    const m = o.metrics;
    const start = Date.now();
    if (last !== 0) {
      const s = (start - last) / 1000;
      this.#intervalSummary.observe(s);
      this.#intervalHistogram.observe(s);
    }
    let total = 0, added = 0, seriesAdded = 0, bytes = 0;
    let scrapeErr: Error | null = null;
    let app: Appender = o.appendable.appender();
    keepShape(Shape.Appender, app);
    const forced = this.#forcedErr;
    if (forced !== null) {
      scrapeErr = forced;
      const e = appendEmpty(o, app, appendTime);
      if (e !== null) {
        await app.rollback();
        app = o.appendable.appender();
        o.logger.warn('Append failed', { err: e });
      }
    } else {
      let body: Buffer | null = null;
      let release: (() => void) | undefined;
      let contentType = '';
      try {
        // Only a shutdown cancels a scrape in progress: the parent signal is the scrape's.
        const r = await this.#fetch();
        body = r.body;
        release = r.release;
        contentType = r.contentType;
        bytes = body.length;
      } catch (e) {
        scrapeErr = toError(e);
        if (e instanceof ScrapeError && e.failure === 'body_limit') bytes = -1;
        if (o.logger.enabled('debug')) o.logger.debug('Scrape failed', { err: scrapeErr });
        if (!o.parentSignal.aborted) o.failureLogger()?.log(o.jobName, o.target.scrapeURL, scrapeErr.message);
      }
      if (o.parentSignal.aborted) {
        // Shutting down: a cancelled scrape says nothing about the target.
        release?.();
        await app.rollback();
        return start;
      }
      let appErr: Error | null;
      if (body !== null) {
        let r;
        try {
          r = appendScrape(o, app, body, contentType, appendTime);
        } finally {
          // Nothing keeps the body: keys, labels and text were copied out of it.
          release?.();
        }
        total = r.total;
        added = r.added;
        seriesAdded = r.seriesAdded;
        appErr = r.err;
        if (appErr !== null) {
          // Nothing of this body is stored, so every series of the last good scrape goes stale.
          this.cache.untrackCurrent();
        }
      } else {
        // A failed scrape is an empty scrape: its series go stale.
        appErr = appendEmpty(o, app, appendTime);
      }
      if (appErr !== null) {
        await app.rollback();
        app = o.appendable.appender();
        if (o.logger.enabled('debug')) o.logger.debug('Append failed', { err: appErr });
        const e2 = appendEmpty(o, app, appendTime);
        if (e2 !== null) {
          await app.rollback();
          app = o.appendable.appender();
          o.logger.warn('Append failed', { err: e2 });
        }
        scrapeErr ??= appErr;
      }
    }

    const durationMs = Date.now() - start;
    o.target.report(appendTime, durationMs, scrapeErr);
    const rerr = report(this.cache, app, o.target.labels, appendTime, {
      up: scrapeErr === null ? 1 : 0,
      durationSeconds: durationMs / 1000,
      scraped: total,
      added,
      seriesAdded,
      timeoutSeconds: o.timeoutMs / 1000,
      sampleLimit: o.sampleLimit,
      bodySizeBytes: bytes,
    }, o.reportExtraMetrics);
    if (rerr !== null) {
      o.logger.warn('Appending scrape report failed', { err: rerr });
      await app.rollback();
      return start;
    }
    try {
      await app.commit();
    } catch (e) {
      o.logger.error('Scrape commit failed', { err: toError(e) });
      return start;
    }
    if (o.reportExtraMetrics) m.targetScrapeDuration.observe((Date.now() - start) / 1000);
    return start;
  }

  /**
   * After the loop stopped: wait until the next scrape would have been (its time is the
   * markers' timestamp), one more interval for a recreated target to scrape, and 10% more;
   * then mark every series stale. If the target came back, the markers are older than its
   * new samples and storage rejects them, as intended.
   */
  async #endOfRunStaleness(last: number): Promise<void> {
    if (last === 0) return;
    const o = this.#o;
    const interval = o.intervalMs;
    if (!(await this.#sleep(last + interval - Date.now(), true))) return;
    const staleTime = Date.now() as Millis;
    if (!(await this.#sleep(interval, true))) return;
    if (!(await this.#sleep(interval / 10, true))) return;
    if (this.#noEndOfRunStaleness) return;
    let app = o.appendable.appender();
    const e = appendEmpty(o, app, staleTime);
    if (e !== null) {
      await app.rollback();
      app = o.appendable.appender();
      o.logger.warn('Stale append failed', { err: e });
    }
    const re = reportStale(this.cache, app, o.target.labels, staleTime, o.reportExtraMetrics);
    if (re !== null) o.logger.warn('Stale report failed', { err: re });
    try {
      await app.commit();
    } catch (err) {
      o.logger.warn('Stale commit failed', { err: toError(err) });
    }
  }
}
