/**
 * Start timestamp synthesis (Prometheus's `st-synthesis` feature): for counters and
 * histograms whose exposition carries no start timestamp, the scrape makes one up, the way
 * OpenTelemetry's cumulative-to-delta processors do.
 *
 * - The first sample of a series is not stored: its time becomes the start timestamp and its
 *   value the origin that later values are measured from.
 * - Later samples are stored with that start timestamp, minus the origin, so the stored
 *   series starts at zero at its start timestamp.
 * - A reset (a value lower than the previous one; for histograms Prometheus's reset
 *   detection) starts anew 1 ms before the sample, from zero: values are stored as scraped.
 *
 * The state lives in the series' scrape cache entry and goes with it.
 */
import type { FloatHistogram, Histogram } from '../model/index.js';
import type { MetricType } from '../model/metadata.js';
import { detectReset } from '../promql/histogram/detect-reset.js';
import { subInPlace } from '../promql/histogram/arithmetic.js';
import { compactInPlace, copyFloatHistogram } from '../promql/histogram/float-histogram.js';
import { floatHistogramToInteger, histogramToFloat } from '../promql/histogram/integer-histogram.js';
import { isSeriesPartOfFamily } from './family.js';

export class STSynthesis {
  /** The synthesized start timestamp; 0 until the first sample. */
  st = 0;
  #prev = 0;
  #origin = 0;
  #prevH: FloatHistogram | null = null;
  #originH: FloatHistogram | null = null;

  /**
   * The state for a new series of `name` whose family (from the exposition's metadata) is
   * `family` of `type`, or null when its start timestamps are not synthesized: only counters
   * and histograms are (not summaries, whose `_sum` and `_count` Prometheus leaves out too).
   */
  static forSeries(name: string, family: string | null, type: MetricType | null): STSynthesis | null {
    if (family === null || type === null || (type !== 'counter' && type !== 'histogram')) return null;
    if (!isSeriesPartOfFamily(name, family, type)) return null;
    return new STSynthesis();
  }

  /** Whether the last `float`/`histogram`/`floatHistogram` call asked to store nothing (a first sample). */
  skip = false;

  /** A float sample at t: the value to store (see `st`, `skip`). */
  float(v: number, t: number): number {
    if (this.st === 0) {
      this.#prev = v;
      this.#origin = v;
      this.st = t;
      this.skip = true;
      return v;
    }
    this.skip = false;
    if (v < this.#prev) {
      this.#origin = 0;
      this.st = t - 1;
    }
    this.#prev = v;
    return v - this.#origin;
  }

  /** An integer histogram at t: the histogram to store (a new one when adjusted; h is not changed). */
  histogram(h: Histogram, t: number): Histogram {
    const cur = histogramToFloat(h);
    if (!this.#start(cur, t)) return h;
    const origin = this.#originH;
    if (origin === null) return h;
    subInPlace(cur, origin);
    // Differences of whole counts are whole: back to the integer form, buckets as deltas.
    const out = floatHistogramToInteger(compactInPlace(cur, 0));
    out.counterResetHint = h.counterResetHint;
    return out;
  }

  /** A float histogram at t: the histogram to store (fh itself when not adjusted). */
  floatHistogram(fh: FloatHistogram, t: number): FloatHistogram {
    if (!this.#start(fh, t)) return fh;
    const origin = this.#originH;
    if (origin === null) return fh;
    const out = copyFloatHistogram(fh);
    subInPlace(out, origin);
    return compactInPlace(out, 0);
  }

  /**
   * The first sample, a reset, or neither (true): updates the state. Sets `skip` for the
   * first sample.
   */
  #start(cur: FloatHistogram, t: number): boolean {
    if (this.st === 0) {
      this.#prevH = copyFloatHistogram(cur);
      this.#originH = this.#prevH;
      this.st = t;
      this.skip = true;
      return false;
    }
    this.skip = false;
    if (detectReset(cur, this.#prevH!)) {
      this.#prevH = copyFloatHistogram(cur);
      this.#originH = null;
      this.st = t - 1;
      return false;
    }
    this.#prevH = copyFloatHistogram(cur);
    return true;
  }
}
