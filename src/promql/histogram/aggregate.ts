/**
 * Running sum and mean of histograms, as PromQL 3.14 computes `sum`/`avg` aggregations and
 * `sum_over_time`/`avg_over_time` over histogram samples:
 *  - the sum is Kahan-compensated (kahanAddInPlace), the compensation added at the end;
 *  - the mean is sum/count as long as the running sum does not overflow (no ±Inf anywhere
 *    in it); from the first sample that would overflow it, it switches to the incremental
 *    mean m ← m·(n−1)/n + x/n, still compensated;
 *  - mixing exponential and custom buckets makes the whole result invalid (`incompatible`;
 *    the engine drops the group and warns), reconciled custom bounds are reported once
 *    (`nhcbBoundsReconciled`), and the counter reset hints of all inputs are tracked for
 *    the "conflicting counter resets during histogram aggregation" warning (`hints`).
 *
 * The aggregation operators compact the result (finish(true)); the _over_time functions do
 * not (finish(false)). Inputs are never mutated; the first one is copied.
 */
import type { FloatHistogram } from '../../model/index.js';
import { addInPlace, CounterResetHintTracker, kahanAddInPlace } from './arithmetic.js';
import { compactInPlace, copyFloatHistogram, divInPlace, hasOverflow, mulInPlace } from './float-histogram.js';

/** Shared state and reporting of HistogramSum and HistogramMean. */
abstract class HistogramAccumulator {
  /** Exponential and custom buckets met: the result is void. */
  incompatible = false;
  /** Some addition reconciled mismatched custom bounds. */
  nhcbBoundsReconciled = false;
  readonly hints = new CounterResetHintTracker();
  protected value: FloatHistogram | null = null;
  protected c: FloatHistogram | null = null;
  protected count = 0;

  /** Starts over with `first` (copied). */
  start(first: FloatHistogram): void {
    this.incompatible = false;
    this.nhcbBoundsReconciled = false;
    this.hints.reset();
    this.hints.note(first);
    this.value = copyFloatHistogram(first);
    this.c = null;
    this.count = 1;
    this.restart();
  }

  protected restart(): void {
    // Subclass state.
  }

  /** Adds the next histogram (not mutated). False once the result is void. */
  abstract add(h: FloatHistogram): boolean;
}

/** sum / sum_over_time of histograms. */
export class HistogramSum extends HistogramAccumulator {
  add(h: FloatHistogram): boolean {
    if (this.incompatible) return false;
    this.hints.note(h);
    this.count++;
    const r = kahanAddInPlace(this.value!, h, this.c);
    if (!r.ok) {
      this.incompatible = true;
      return false;
    }
    this.c = r.c;
    if (r.nhcbBoundsReconciled) this.nhcbBoundsReconciled = true;
    return true;
  }

  /** The sum (owned by the caller; the accumulator must be restarted), or null if void. */
  finish(compact: boolean): FloatHistogram | null {
    if (this.incompatible || this.value === null) return null;
    const v = this.value;
    if (this.c !== null) {
      const r = addInPlace(v, this.c);
      if (r.ok && r.nhcbBoundsReconciled) this.nhcbBoundsReconciled = true;
    }
    this.value = null;
    return compact ? compactInPlace(v, 0) : v;
  }
}

/** avg / avg_over_time of histograms. */
export class HistogramMean extends HistogramAccumulator {
  private incremental = false;
  private mean: FloatHistogram | null = null;

  protected override restart(): void {
    this.incremental = false;
    this.mean = null;
  }

  add(h: FloatHistogram): boolean {
    if (this.incompatible) return false;
    this.hints.note(h);
    this.count++;
    const count = this.count;
    if (!this.incremental) {
      const v = copyFloatHistogram(this.value!);
      const r = kahanAddInPlace(v, h, this.c === null ? null : copyFloatHistogram(this.c));
      if (!r.ok) {
        this.incompatible = true;
        return false;
      }
      if (r.nhcbBoundsReconciled) this.nhcbBoundsReconciled = true;
      if (!hasOverflow(v)) {
        this.value = v;
        this.c = r.c;
        return true;
      }
      // The sum would overflow: continue with the incremental mean from here.
      this.incremental = true;
      this.mean = divInPlace(copyFloatHistogram(this.value!), count - 1);
      if (this.c !== null) divInPlace(this.c, count - 1);
    }
    const q = (count - 1) / count;
    if (this.c !== null) mulInPlace(this.c, q);
    const toAdd = divInPlace(copyFloatHistogram(h), count);
    const r = kahanAddInPlace(mulInPlace(this.mean!, q), toAdd, this.c);
    if (!r.ok) {
      this.incompatible = true;
      return false;
    }
    this.c = r.c;
    if (r.nhcbBoundsReconciled) this.nhcbBoundsReconciled = true;
    return true;
  }

  /** The mean (owned by the caller; restart before reuse), or null if void. */
  finish(compact: boolean): FloatHistogram | null {
    if (this.incompatible || this.value === null) return null;
    let v: FloatHistogram;
    if (this.incremental) {
      v = this.mean!;
      if (this.c !== null) addInPlace(v, this.c);
    } else {
      v = divInPlace(this.value, this.count);
      if (this.c !== null) addInPlace(v, divInPlace(this.c, this.count));
    }
    this.value = null;
    this.mean = null;
    return compact ? compactInPlace(v, 0) : v;
  }
}
