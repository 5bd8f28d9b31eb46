/**
 * Reading native histograms as count and sum only, for selectors under histogram_count,
 * histogram_sum or histogram_avg (Prometheus's HistogramStatsIterator). The buckets are
 * dropped, so counter resets are detected while reading, against the previous histogram
 * read from the same series, and recorded as an explicit hint. A seek that skips samples
 * forgets the previous histogram, as in Prometheus, so the first histogram read after it
 * keeps its stored hint (usually "unknown").
 */
import { CounterResetHint, type FloatHistogram } from '../../model/index.js';
import { copyHistogram, detectReset } from '../functions/histogram-ops.js';

export class HistogramStatsReader {
  #last: FloatHistogram | null = null;

  /** Forgets the previous histogram (after a seek that skipped samples). */
  forget(): void {
    this.#last = null;
  }

  /** The stats-only form of the next histogram of the series (not stale), with its reset hint. */
  read(h: FloatHistogram): FloatHistogram {
    let hint = h.counterResetHint;
    if (hint === CounterResetHint.Unknown && this.#last !== null) {
      hint = detectReset(h, this.#last) ? CounterResetHint.CounterReset : CounterResetHint.NotCounterReset;
    }
    const last = copyHistogram(h);
    last.counterResetHint = hint;
    this.#last = last;
    return {
      counterResetHint: hint, schema: h.schema, zeroThreshold: 0, zeroCount: 0, count: h.count, sum: h.sum,
      positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
    };
  }
}
