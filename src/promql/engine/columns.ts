/**
 * Per-series sample columns: the samples of one series in a time range, loaded once from
 * the storage iterator (stale markers dropped) into reusable typed arrays, so that range
 * functions can slide their windows over them without copying.
 */
import type { FloatHistogram, Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../../storage/index.js';
import { copyHistogram } from '../functions/histogram-ops.js';

export class Columns {
  fT = new Float64Array(64);
  fV = new Float64Array(64);
  fN = 0;
  hT = new Float64Array(8);
  hV: FloatHistogram[] = [];
  hN = 0;
  /** Start timestamps aligned with the samples, when tracked. */
  fST: Float64Array | null = null;
  hST: Float64Array | null = null;

  reset(): void {
    this.fN = 0;
    this.hN = 0;
    this.hV.length = 0;
  }

  pushF(t: number, v: number): void {
    if (this.fN === this.fT.length) this.#growF();
    this.fT[this.fN] = t;
    this.fV[this.fN] = v;
    this.fN++;
  }

  pushH(t: number, h: FloatHistogram): void {
    if (this.hN === this.hT.length) {
      const n = new Float64Array(this.hT.length * 2);
      n.set(this.hT);
      this.hT = n;
    }
    this.hT[this.hN] = t;
    this.hV[this.hN] = h;
    this.hN++;
  }

  #growF(): void {
    const size = this.fT.length * 2;
    const t = new Float64Array(size);
    t.set(this.fT);
    const v = new Float64Array(size);
    v.set(this.fV);
    this.fT = t;
    this.fV = v;
  }

  /**
   * Loads the samples with mint < t <= maxt from the iterator (positioned before them).
   * Histograms are copied: the iterator may reuse them.
   */
  load(it: SampleIterator, mint: number, maxt: number): void {
    this.reset();
    if (maxt <= mint) return;
    let vt = it.seek((mint + 1) as Millis);
    while (vt !== ValueType.None) {
      const t = it.atT();
      if (t > maxt) break;
      if (!it.atStale()) {
        if (vt === ValueType.Float) this.pushF(t, it.atF());
        else this.pushH(t, copyHistogram(it.atFloatHistogram()));
      }
      vt = it.next();
    }
  }

  /** Loads a materialised series (a subquery result) with the same window rule. */
  loadSeries(fT: readonly number[], fV: readonly number[], hT: readonly number[], hV: readonly FloatHistogram[]): void {
    this.reset();
    for (let i = 0; i < fT.length; i++) this.pushF(fT[i]!, fV[i]!);
    for (let i = 0; i < hT.length; i++) this.pushH(hT[i]!, hV[i]!);
  }
}
