/**
 * Test support: float columns for bulk reads (`SampleIterator.readFloats`) that start small
 * and double, so that tests go through `growF()` as readers into short columns do.
 *
 * Not part of the component's API.
 */
import type { FloatColumns } from './interface.js';

export class GrowingFloatColumns implements FloatColumns {
  fT: Float64Array;
  fV: Float64Array;
  fN = 0;
  staleT = -Infinity;

  constructor(capacity = 1) {
    this.fT = new Float64Array(capacity);
    this.fV = new Float64Array(capacity);
  }

  growF(): void {
    const t = new Float64Array(this.fT.length * 2);
    t.set(this.fT);
    const v = new Float64Array(this.fV.length * 2);
    v.set(this.fV);
    this.fT = t;
    this.fV = v;
  }

  /** The samples read so far as [time, value] pairs. */
  pairs(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.fN; i++) out.push([this.fT[i]!, this.fV[i]!]);
    return out;
  }
}
