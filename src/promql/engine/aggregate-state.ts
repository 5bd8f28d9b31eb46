/**
 * State that the aggregations keep across steps: the scalar parameter, per-group fold state,
 * cursors over the input series, and the collector of topk & co.
 */
import { CounterResetHint, type FloatHistogram } from '../../model/index.js';
import { SeriesData } from './types.js';

/** A scalar parameter over the grid, with its extremes (Prometheus's fParams). */
export class FParams {
  readonly values: Float64Array | null;
  readonly constant: boolean;
  readonly min: number;
  readonly max: number;
  readonly hasNaN: boolean;
  #i = 0;

  constructor(values: Float64Array | null, constant: boolean) {
    this.values = values;
    this.constant = constant;
    let min = Number.MAX_VALUE, max = -Number.MAX_VALUE, nan = false;
    if (values === null || values.length === 0) {
      min = 0; max = 0;
    } else if (constant) {
      min = max = values[0]!;
      nan = Number.isNaN(min);
    } else {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        // Go's math.Max/Min propagate NaN.
        max = Number.isNaN(v) || Number.isNaN(max) ? NaN : Math.max(max, v);
        min = Number.isNaN(v) || Number.isNaN(min) ? NaN : Math.min(min, v);
        if (Number.isNaN(v)) nan = true;
      }
    }
    this.min = min;
    this.max = max;
    this.hasNaN = nan;
  }

  next(): number {
    const v = this.values;
    if (v === null) return 0;
    if (this.constant) return v[0]!;
    return this.#i < v.length ? v[this.#i++]! : 0;
  }
}

/** Per-group state of one step. */
export class Group {
  seen = false;
  floatValue = 0;
  floatMean = 0;
  floatKahanC = 0;
  histogramValue: FloatHistogram | null = null;
  histogramMean: FloatHistogram | null = null;
  histogramKahanC: FloatHistogram | null = null;
  groupCount = 0;
  heap: number[] = [];
  hasFloat = false;
  hasHistogram = false;
  incompatible = false;
  complete = false;
  floatIncrementalMean = false;
  histogramIncrementalMean = false;
  counterResetSeen = false;
  notCounterResetSeen = false;
  dropName = false;

  init(f: number, dropName: boolean): void {
    this.seen = true;
    this.floatValue = f;
    this.floatMean = f;
    this.floatKahanC = 0;
    this.histogramValue = null;
    this.histogramMean = null;
    this.histogramKahanC = null;
    this.groupCount = 1;
    this.heap.length = 0;
    this.hasFloat = false;
    this.hasHistogram = false;
    this.incompatible = false;
    this.complete = false;
    this.floatIncrementalMean = false;
    this.histogramIncrementalMean = false;
    this.counterResetSeen = false;
    this.notCounterResetSeen = false;
    this.dropName = dropName;
  }

  trackHint(h: FloatHistogram): void {
    if (h.counterResetHint === CounterResetHint.CounterReset) this.counterResetSeen = true;
    else if (h.counterResetHint === CounterResetHint.NotCounterReset) this.notCounterResetSeen = true;
  }
}

/** Cursor over the input series: consumes each series' point at the step timestamp. */
export class StepCursor {
  readonly #m: readonly SeriesData[];
  readonly #fc: Int32Array;
  readonly #hc: Int32Array;
  f = 0;
  h: FloatHistogram | null = null;

  constructor(m: readonly SeriesData[]) {
    this.#m = m;
    this.#fc = new Int32Array(m.length);
    this.#hc = new Int32Array(m.length);
  }

  /** Moves series i past `ts`; true (with f/h set) when it has a point there. */
  next(i: number, ts: number): boolean {
    const s = this.#m[i]!;
    const fi = this.#fc[i]!;
    if (fi < s.fT.length && s.fT[fi] === ts) {
      this.f = s.fV[fi]!;
      this.h = null;
      this.#fc[i] = fi + 1;
      return true;
    }
    const hi = this.#hc[i]!;
    if (hi < s.hT.length && s.hT[hi] === ts) {
      this.f = 0;
      this.h = s.hV[hi]!;
      this.#hc[i] = hi + 1;
      return true;
    }
    return false;
  }
}

/** The output of topk & co.: in order for an instant query, by label set for a range. */
export class KCollector {
  readonly list: SeriesData[] = [];
  readonly #byKey = new Map<string, SeriesData>();
  readonly #instant: boolean;
  constructor(instant: boolean) {
    this.#instant = instant;
  }
  add(metric: SeriesData['metric'], ts: number, f: number, h: FloatHistogram | null, dropName: boolean): void {
    let s: SeriesData | undefined;
    if (this.#instant) {
      s = new SeriesData(metric, dropName);
      this.list.push(s);
    } else {
      const k = metric.key();
      s = this.#byKey.get(k);
      if (s === undefined) {
        s = new SeriesData(metric, dropName);
        this.#byKey.set(k, s);
        this.list.push(s);
      }
    }
    if (h === null) { s.fT.push(ts); s.fV.push(f); } else { s.hT.push(ts); s.hV.push(h); }
  }
}
