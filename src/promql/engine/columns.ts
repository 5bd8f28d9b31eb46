/**
 * Per-series sample columns: the samples of one series in a time range, loaded once from
 * the storage iterator (stale markers dropped) into reusable typed arrays, so that range
 * functions can slide their windows over them without copying.
 */
import type { FloatHistogram, Millis } from '../../model/index.js';
import { ValueType, type FloatColumns, type SampleIterator } from '../../storage/interface.js';
import { copyHistogram } from '../functions/histogram-ops.js';
import type { HistogramStatsReader } from './histogram-stats.js';

/** The windows a range function will look at: step k's window ends at firstMaxt + k * interval. */
export interface LoadSchedule {
  firstMaxt: number;
  interval: number;
  steps: number;
  /** How far before a window end the reading starts: at the first step, and at later ones. */
  bufferRange: number;
  stepRange: number;
}

export class Columns implements FloatColumns {
  fT = new Float64Array(64);
  fV = new Float64Array(64);
  fN = 0;
  /** Time of the last stale marker a bulk read passed over (FloatColumns). */
  staleT = -Infinity;
  hT = new Float64Array(8);
  hV: FloatHistogram[] = [];
  hN = 0;
  /** Start timestamps aligned with the samples, when tracked (`trackST`); 0 = unknown. */
  fST: Float64Array | null = null;
  hST: Float64Array | null = null;
  trackST = false;
  #st = 0;
  /**
   * Indexes i of the floats where fV[i] < fV[i - 1] (counter resets), when `trackResets`;
   * rate and increase then visit only those instead of every sample of each window.
   */
  fResets: Int32Array = new Int32Array(16);
  fResetsN = 0;
  trackResets = false;

  reset(): void {
    this.fN = 0;
    this.hN = 0;
    this.hV.length = 0;
    if (this.trackST) {
      this.fST ??= new Float64Array(this.fT.length);
      this.hST ??= new Float64Array(this.hT.length);
    } else {
      this.fST = null;
      this.hST = null;
    }
  }

  pushF(t: number, v: number): void {
    if (this.fN === this.fT.length) this.growF();
    this.fT[this.fN] = t;
    this.fV[this.fN] = v;
    if (this.fST !== null) this.fST[this.fN] = this.#st;
    this.fN++;
  }

  pushH(t: number, h: FloatHistogram): void {
    if (this.hN === this.hT.length) {
      const n = new Float64Array(this.hT.length * 2);
      n.set(this.hT);
      this.hT = n;
      if (this.hST !== null) {
        const m = new Float64Array(n.length);
        m.set(this.hST);
        this.hST = m;
      }
    }
    if (this.hST !== null) this.hST[this.hN] = this.#st;
    this.hT[this.hN] = t;
    this.hV[this.hN] = h;
    this.hN++;
  }

  /** Doubles the float columns' capacity (FloatColumns, for iterators' bulk reads). */
  growF(): void {
    const size = this.fT.length * 2;
    const t = new Float64Array(size);
    t.set(this.fT);
    const v = new Float64Array(size);
    v.set(this.fV);
    this.fT = t;
    this.fV = v;
    if (this.fST !== null) {
      const st = new Float64Array(size);
      st.set(this.fST);
      this.fST = st;
    }
  }

  /**
   * Loads what the windows of a range function read from the iterator, stepping through it
   * as Prometheus's buffered iterator does: at each step it seeks forward only when the
   * window start lies beyond the next sample (so samples between windows that don't
   * overlap are skipped, and a stats reader forgets its previous histogram there), and
   * reads every sample up to the window end. Stale markers are dropped; histograms are
   * copied (the iterator may reuse them) or reduced to stats.
   */
  loadSteps(it: SampleIterator, s: LoadSchedule, stats: HistogramStatsReader | null): void {
    this.reset();
    // Floats in bulk where the iterator can (start timestamps need the per-sample path).
    const bulk = !this.trackST && it.readFloats !== undefined;
    // Windows that overlap or touch (range >= step) never skip samples between steps: a bulk
    // read goes up to the last window's end in one call instead of one call per step.
    const bulkMaxt = s.steps > 1 && s.stepRange >= s.interval ? s.firstMaxt + (s.steps - 1) * s.interval : -Infinity;
    let vt = it.next();
    let lastTime = -Infinity;
    for (let k = 0; k < s.steps && vt !== ValueType.None; k++) {
      const maxt = s.firstMaxt + k * s.interval;
      const t0 = maxt - (k === 0 ? s.bufferRange : s.stepRange);
      if (t0 > lastTime) {
        if (stats !== null && t0 > it.atT()) stats.forget();
        vt = it.seek(t0 as Millis);
        if (vt === ValueType.None) break;
        lastTime = it.atT();
      }
      let t: number = it.atT();
      while (t <= maxt) {
        if (bulk && vt === ValueType.Float) {
          vt = it.readFloats!(maxt > bulkMaxt ? maxt : bulkMaxt, this);
          if (vt === ValueType.None) break;
          t = it.atT();
          lastTime = t;
          continue;
        }
        if (vt === ValueType.Float) {
          // Stale markers read as NaN: only a NaN needs the staleness check.
          const v = it.atF();
          if (v === v || !it.atStale()) {
            if (this.trackST) this.#st = it.atST?.() ?? 0;
            let n = this.fN;
            if (n === this.fT.length) this.growF();
            this.fT[n] = t;
            this.fV[n] = v;
            if (this.fST !== null) this.fST[n] = this.#st;
            this.fN = ++n;
          }
        } else if (!it.atStale()) {
          if (this.trackST) this.#st = it.atST?.() ?? 0;
          this.pushH(t, stats !== null ? stats.read(it.atFloatHistogram()) : copyHistogram(it.atFloatHistogram()));
        }
        vt = it.next();
        if (vt === ValueType.None) break;
        t = it.atT();
        lastTime = t;
      }
    }
  }

  /** Finds the counter resets of the loaded floats (see fResets). */
  findResets(): void {
    let n = 0;
    const v = this.fV;
    for (let i = 1; i < this.fN; i++) {
      if (v[i]! < v[i - 1]!) {
        if (n === this.fResets.length) {
          const r = new Int32Array(n * 2);
          r.set(this.fResets);
          this.fResets = r;
        }
        this.fResets[n++] = i;
      }
    }
    this.fResetsN = n;
  }

  /** Loads the samples with mint < t <= maxt (one window). */
  load(it: SampleIterator, mint: number, maxt: number, stats: HistogramStatsReader | null): void {
    this.loadSteps(it, { firstMaxt: maxt, interval: 1, steps: 1, bufferRange: maxt - mint, stepRange: 0 }, stats);
    let f = 0;
    while (f < this.fN && this.fT[f]! <= mint) f++;
    if (f > 0) {
      this.fT.copyWithin(0, f, this.fN);
      this.fV.copyWithin(0, f, this.fN);
      this.fN -= f;
    }
    let h = 0;
    while (h < this.hN && this.hT[h]! <= mint) h++;
    if (h > 0) {
      this.hT.copyWithin(0, h, this.hN);
      this.hV.splice(0, h);
      this.hN -= h;
    }
  }

  /** Loads a materialised series (a subquery result) with the same window rule. */
  loadSeries(fT: readonly number[], fV: readonly number[], hT: readonly number[], hV: readonly FloatHistogram[]): void {
    this.reset();
    for (let i = 0; i < fT.length; i++) this.pushF(fT[i]!, fV[i]!);
    for (let i = 0; i < hT.length; i++) this.pushH(hT[i]!, hV[i]!);
  }
}
