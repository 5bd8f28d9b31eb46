/**
 * Appending one scrape body to storage: the per-sample hot path of the scrape loop.
 *
 * For each entry the parser yields: metadata goes to the cache; a sample is looked up in the
 * series cache by its text key and, only when new, has its labels parsed, merged with the
 * target's labels, metric-relabeled, validated and checked against the label limits. Then
 * the limits of Prometheus's limit appenders apply (native histogram schema cap and bucket
 * limit, `sample_limit`, samples more than 10 minutes in the future), the sample is appended,
 * and storage rejections (out of order, duplicate timestamp, out of bounds) are counted
 * without failing the scrape. Parse errors, invalid labels, label limits and the sample
 * limit fail it: the caller rolls the appender back so nothing of the body is stored.
 */
import type { NameValidationScheme, ScrapeProtocol } from '../config/types.js';
import {
  CounterResetHint, METRIC_NAME, type Exemplar, type FloatHistogram, type Histogram, type Labels, type Millis,
} from '../model/index.js';
import { AppendError, type Appender, type SeriesRef } from '../storage/interface.js';
import { EntryType, type ParserFactory, type ParserOptions } from '../textparse/interface.js';
import type { Logger } from '../util/log.js';
import type { CacheEntry, MetaEntry, ScrapeCache } from './cache.js';
import { isSeriesPartOfFamily } from './family.js';
import { STSynthesis } from './st-synthesis.js';
import { BucketLimitError, limitHistogram, reduceFloatHistogram, reduceHistogram } from './histogram-limit.js';
import { ERR_NAME_LABEL_MANDATORY, labelsValid, verifyLabelLimits, type LabelLimits } from './limits.js';
import type { ScrapeMetrics } from './metrics.js';
import { Shape, keepShape } from './live-shapes.js';

/** Samples further than this in the future are out of bounds. */
const MAX_AHEAD_MS = 10 * 60 * 1000;

export class SampleLimitError extends Error {
  override readonly name = 'SampleLimitError';
  constructor() {
    super('sample limit exceeded');
  }
}

/** Everything `appendScrape` needs from its loop; fixed for the life of a loop. */
export interface AppendContext {
  readonly cache: ScrapeCache;
  readonly newParser: ParserFactory;
  readonly parserOptions: ParserOptions;
  readonly fallbackProtocol: ScrapeProtocol | '';
  /** Target labels + metric relabeling for a new series; null drops it. */
  readonly sampleMutator: (l: Labels) => Labels | null;
  readonly honorTimestamps: boolean;
  readonly trackTimestampsStaleness: boolean;
  readonly sampleLimit: number;
  readonly bucketLimit: number;
  readonly maxSchema: number;
  readonly labelLimits: LabelLimits;
  readonly validationScheme: NameValidationScheme;
  /**
   * When false, exponential native histograms are skipped; the parser is asked for their
   * classic form instead (`ignoreNativeHistograms`), so this only guards parsers that cannot.
   */
  readonly scrapeNativeHistograms: boolean;
  /** Start timestamps are parsed and passed to storage with each sample. */
  readonly enableStartTimestamps: boolean;
  /** A zero sample is also appended at each start timestamp (`created-timestamp-zero-ingestion`). */
  readonly startTimestampZeroIngestion: boolean;
  /** Start timestamps of counters and histograms that have none are made up (`st-synthesis`; see st-synthesis.ts). */
  readonly synthesizeST: boolean;
  readonly appendMetadata: boolean;
  readonly metrics: ScrapeMetrics;
  readonly logger: Logger;
}

export interface AppendResult {
  /** Samples in the body (`scrape_samples_scraped`). */
  total: number;
  /** Samples left after metric relabeling (`scrape_samples_post_metric_relabeling`). */
  added: number;
  /** Series new to the cache (`scrape_series_added`). */
  seriesAdded: number;
  /** Set when the scrape must fail and be rolled back. */
  err: Error | null;
}

/** Appends stale markers for the series of the previous scrape missing from this one. */
export function updateStaleMarkers(ctx: AppendContext, app: Appender, ts: Millis): Error | null {
  let err: Error | null = null;
  ctx.cache.forEachStale((ref, labels) => {
    try {
      app.appendStale(ref, labels, ts);
    } catch (e) {
      // Out of order or duplicate is expected when the target came back under a new loop.
      if (e instanceof AppendError && (e.kind === 'out_of_order' || e.kind === 'duplicate_sample')) return true;
      err = asError(e);
      return false;
    }
    return true;
  });
  return err;
}

/** An empty scrape: stale markers for everything of the previous one, and the iteration ends. */
export function appendEmpty(ctx: AppendContext, app: Appender, ts: Millis): Error | null {
  const err = updateStaleMarkers(ctx, app, ts);
  ctx.cache.iterDone(false);
  return err;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(typeof e === 'string' ? e : 'unknown error');
}

const exemplarScratch: Exemplar[] = [];


function compareExemplars(a: Exemplar, b: Exemplar): number {
  return (a.ts ?? 0) - (b.ts ?? 0) || a.value - b.value;
}

/** Appends a parsed body. `ts` is the scrape timestamp given to samples without their own. */
export function appendScrape(ctx: AppendContext, app: Appender, body: Uint8Array, contentType: string, ts: Millis): AppendResult {
  const res: AppendResult = { total: 0, added: 0, seriesAdded: 0, err: null };
  if (body.length === 0) {
    res.err = appendEmpty(ctx, app, ts);
    return res;
  }
  let p;
  try {
    p = ctx.newParser(body, contentType, ctx.fallbackProtocol, ctx.parserOptions);
    keepShape(Shape.Parser, p);
  } catch (e) {
    ctx.logger.error('Failed to determine correct type of scrape target.', { content_type: contentType, fallback_media_type: ctx.fallbackProtocol, err: e });
    res.err = asError(e);
    return res;
  }
  const cache = ctx.cache;
  const m = ctx.metrics;
  const maxTime = Date.now() + MAX_AHEAD_MS;
  let sampleCount = 0;
  let sampleLimitErr: SampleLimitError | null = null;
  let bucketLimitErr: BucketLimitError | null = null;
  let numOutOfOrder = 0, numDuplicates = 0, numOutOfBounds = 0, numExemplarOutOfOrder = 0;
  let lastMeta: MetaEntry | null = null;
  let err: Error | null = null;
  // Bodies usually list their series in the same order as last time: try the entry that came
  // next then before hashing a key string (see CacheEntry.next).
  let guess = cache.beginOrder();
  let prevSeen: CacheEntry | null = null;

  loop:
  for (;;) {
    let et: EntryType;
    try {
      et = guess !== null ? p.nextExpecting(guess.key, cache.keyView, guess.koff) : p.nextExpecting(null);
    } catch (e) {
      err = asError(e);
      break;
    }
    let isHistogram = false;
    switch (et) {
      case EntryType.EOF: break loop;
      case EntryType.Type: { const [f, t] = p.type(); lastMeta = cache.setType(f, t); continue; }
      case EntryType.Help: { const [f, h] = p.help(); lastMeta = cache.setHelp(f, h); continue; }
      case EntryType.Unit: { const [f, u] = p.unit(); lastMeta = cache.setUnit(f, u); continue; }
      case EntryType.Comment: continue;
      case EntryType.Histogram: isHistogram = true; break;
      case EntryType.Series: break;
    }
    let val = 0;
    let h: Histogram | null = null;
    let fh: FloatHistogram | null = null;
    if (isHistogram) {
      const hh = p.histogram();
      h = hh.h;
      fh = hh.fh;
      const schema = h !== null ? h.schema : fh!.schema;
      // Native histograms are not scraped unless enabled; custom-bucket ones (NHCB) are ours.
      if (!ctx.scrapeNativeHistograms && schema >= -9 && schema <= 52) continue;
    } else {
      val = p.value();
    }
    res.total++;
    let t = ts;
    const parsedTs = ctx.honorTimestamps ? p.timestamp() : undefined;
    if (parsedTs !== undefined) t = parsedTs as Millis;

    let ce: CacheEntry | undefined;
    let key: string;
    if (guess !== null && p.seriesKeyEquals(guess.key)) {
      ce = guess;
      key = ce.key;
    } else {
      key = p.seriesKey();
      ce = cache.get(key);
    }
    const cached = ce !== undefined;
    let alreadyScraped = false;
    let ref: SeriesRef = 0;
    let lset: Labels;
    if (ce !== undefined) {
      prevSeen = cache.seen(prevSeen, ce);
      guess = ce.next;
      if (ce.dropped) {
        ce.lastIter = cache.iter;
        continue;
      }
      alreadyScraped = ce.lastIter === cache.iter;
      ce.lastIter = cache.iter;
      ref = ce.ref;
      lset = ce.labels;
    } else {
      const mutated = ctx.sampleMutator(p.labels());
      if (mutated === null) {
        prevSeen = cache.seen(prevSeen, cache.addDropped(key));
        continue;
      }
      lset = mutated;
      if (!lset.has(METRIC_NAME)) { err = new Error(ERR_NAME_LABEL_MANDATORY); break; }
      if (!labelsValid(lset, ctx.validationScheme)) { err = new Error(`invalid metric name or label names: ${lset.toString()}`); break; }
      const le = verifyLabelLimits(lset, ctx.labelLimits);
      if (le !== null) { m.targetScrapePoolExceededLabelLimits.inc(); err = le; break; }
    }

    // Append, applying the limit appenders' checks in Prometheus's order.
    let appendErr: unknown = null;
    let st = 0;
    let syn: STSynthesis | null = null;
    if (alreadyScraped && parsedTs === undefined) {
      appendErr = new AppendError('duplicate_sample', 'duplicate sample for timestamp');
    } else {
      try {
        if (ctx.enableStartTimestamps) {
          st = p.startTimestamp() ?? 0;
          if (ctx.startTimestampZeroIngestion) appendStartZero(app, ref, lset, st, t, h, fh);
        }
        // A counter or histogram without a start timestamp gets one made up; its first sample
        // only sets the origin and is not stored.
        let skip = false;
        if (ctx.synthesizeST && st === 0) {
          syn = ce?.stSynth ?? STSynthesis.forSeries(lset.get(METRIC_NAME), lastMeta?.family ?? null, lastMeta?.type ?? null);
          if (syn !== null) {
            if (fh !== null) fh = syn.floatHistogram(fh, t);
            else if (h !== null) h = syn.histogram(h, t);
            else val = syn.float(val, t);
            st = syn.st;
            skip = syn.skip;
          }
        }
        if (skip) {
          // Nothing stored: the series is cached with its synthesis state.
        } else if (isHistogram) {
          if (h !== null) h = limitHistogram(h, ctx.bucketLimit, ctx.maxSchema, reduceHistogram);
          else fh = limitHistogram(fh!, ctx.bucketLimit, ctx.maxSchema, reduceFloatHistogram);
          if (ctx.sampleLimit > 0 && ++sampleCount > ctx.sampleLimit) throw new SampleLimitError();
          ref = app.appendHistogram(ref, lset, t, h, fh, st as Millis, syn !== null);
        } else {
          if (ctx.sampleLimit > 0 && ++sampleCount > ctx.sampleLimit) throw new SampleLimitError();
          if (t > maxTime) throw new AppendError('out_of_bounds', 'out of bounds');
          ref = app.append(ref, lset, t, val, st as Millis, syn !== null);
        }
      } catch (e) {
        appendErr = e;
      }
    }

    let sampleAdded = false;
    if (appendErr === null) {
      sampleAdded = true;
      if (ce !== undefined && ref !== 0) cache.updateRef(ce, ref);
      if ((parsedTs === undefined || ctx.trackTimestampsStaleness || syn !== null) && ce !== undefined && ce.ref !== 0) cache.trackStaleness(ce);
    } else if (appendErr instanceof SampleLimitError) {
      sampleLimitErr = appendErr;
    } else if (appendErr instanceof BucketLimitError) {
      bucketLimitErr = appendErr;
    } else if (appendErr instanceof AppendError) {
      switch (appendErr.kind) {
        case 'out_of_order': numOutOfOrder++; m.targetScrapeSampleOutOfOrder.inc(); break;
        case 'duplicate_sample': numDuplicates++; m.targetScrapeSampleDuplicate.inc(); break;
        case 'out_of_bounds':
        case 'too_old': numOutOfBounds++; m.targetScrapeSampleOutOfBounds.inc(); break;
        case 'invalid_sample':
        case 'histogram_invalid':
        case 'exemplar_out_of_order':
        case 'exemplar_duplicate':
        case 'exemplar_invalid':
          err = appendErr;
          break loop;
      }
      if (ctx.logger.enabled('debug')) ctx.logger.debug('Rejected sample', { series: key, err: appendErr });
    } else {
      err = asError(appendErr);
      break;
    }

    // Only series that made it into storage are cached (and so tracked for staleness).
    if (!cached && sampleAdded) {
      ce = cache.addRef(key, ref, lset);
      prevSeen = cache.seen(prevSeen, ce);
      if (ref !== 0 && (parsedTs === undefined || ctx.trackTimestampsStaleness || syn !== null)) cache.trackStaleness(ce);
      if (sampleLimitErr === null && bucketLimitErr === null) res.seriesAdded++;
    }
    // The synthesis state stays with a stored (or, first, skipped) sample and is dropped when an append fails.
    if (ce !== undefined && ctx.synthesizeST) {
      if (sampleAdded) ce.stSynth = syn;
      else if (cached) ce.stSynth = null;
    }
    // Counted even when rejected: the number of series exposed after relabeling.
    res.added++;

    let ex = p.exemplar();
    if (ex !== null) {
      const exs = exemplarScratch;
      exs.length = 0;
      for (; ex !== null; ex = p.exemplar()) {
        if (ex.ts === undefined) {
          // Native histogram exemplars need their own timestamp; classic ones take the sample's.
          if (isHistogram) continue;
          ex = { labels: ex.labels, value: ex.value, ts: t };
        }
        exs.push(ex);
      }
      if (exs.length > 1) exs.sort(compareExemplars);
      let ooo = 0;
      for (const e of exs) {
        try {
          app.appendExemplar(ref, lset, e);
        } catch (e2) {
          if (e2 instanceof AppendError && e2.kind === 'exemplar_out_of_order') ooo++;
          else if (ctx.logger.enabled('debug')) ctx.logger.debug('Error while adding exemplar', { series: key, err: e2 });
        }
      }
      // Only all-out-of-order counts: a partial overlap is an update of known exemplars.
      if (ooo > 0 && ooo === exs.length) {
        numExemplarOutOfOrder += ooo;
        m.targetScrapeExemplarOutOfOrder.inc(ooo);
      }
      exs.length = 0;
    }

    if (ctx.appendMetadata && lastMeta !== null && (!cached || lastMeta.lastIterChange === cache.iter)) {
      if (isSeriesPartOfFamily(lset.get(METRIC_NAME), lastMeta.family, lastMeta.type)) {
        try {
          app.updateMetadata(ref, lset, { type: lastMeta.type, help: lastMeta.help, unit: lastMeta.unit });
        } catch (e) {
          if (ctx.logger.enabled('debug')) ctx.logger.debug('Error when appending metadata in scrape loop', { series: key, err: e });
        }
      }
    }
  }

  cache.endOrder(prevSeen);
  p.release();
  if (sampleLimitErr !== null) {
    err ??= sampleLimitErr;
    m.targetScrapeSampleLimit.inc();
  }
  if (bucketLimitErr !== null) {
    err ??= bucketLimitErr;
    m.targetScrapeNativeHistogramBucketLimit.inc();
  }
  const l = ctx.logger;
  if (numOutOfOrder > 0) l.warn('Error on ingesting out-of-order samples', { num_dropped: numOutOfOrder });
  if (numDuplicates > 0) l.warn('Error on ingesting samples with different value but same timestamp', { num_dropped: numDuplicates });
  if (numOutOfBounds > 0) l.warn('Error on ingesting samples that are too old or are too far into the future', { num_dropped: numOutOfBounds });
  if (numExemplarOutOfOrder > 0) l.warn('Error on ingesting out-of-order exemplars', { num_dropped: numExemplarOutOfOrder });
  if (err === null) {
    err = updateStaleMarkers(ctx, app, ts);
    // A good, non-empty scrape: evict what it did not see, and start the next iteration.
    if (err === null) cache.iterDone(true);
  }
  res.err = err;
  return res;
}

/**
 * With start timestamps enabled, a zero sample at the start time tells storage where a
 * counter (re)started. Rejections are expected (the same start time comes with every
 * scrape) and ignored.
 */
function appendStartZero(app: Appender, ref: SeriesRef, lset: Labels, st: number | undefined, t: number, h: Histogram | null, fh: FloatHistogram | null): void {
  if (st === undefined || st === 0 || st >= t) return;
  try {
    if (h !== null) {
      app.appendHistogram(ref, lset, st as Millis, {
        counterResetHint: CounterResetHint.CounterReset, schema: h.schema, zeroThreshold: h.zeroThreshold, zeroCount: 0, count: 0, sum: 0,
        positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: h.customValues,
      }, null);
    } else if (fh !== null) {
      app.appendHistogram(ref, lset, st as Millis, null, {
        counterResetHint: CounterResetHint.CounterReset, schema: fh.schema, zeroThreshold: fh.zeroThreshold, zeroCount: 0, count: 0, sum: 0,
        positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: fh.customValues,
      });
    } else {
      app.append(ref, lset, st as Millis, 0);
    }
  } catch {
    // Ignored, as Prometheus ignores start-timestamp append errors.
  }
}
