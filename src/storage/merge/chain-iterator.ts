/**
 * A sample iterator over several iterators of the same series, in time order, as
 * Prometheus's chained series merge reads them: where samples of different iterators share
 * a timestamp, one of them is kept (whichever the heap yields first) and the others are
 * dropped. Non-overlapping inputs cost one comparison per sample: the current iterator is
 * kept while its next sample is older than every other iterator's.
 *
 * Histogram counter-reset hints can only be trusted between neighbouring samples of one
 * input; after a switch of input a counter histogram reads with an unknown hint, as in
 * Prometheus.
 */
import { CounterResetHint, type FloatHistogram, type Histogram, type Millis } from '../../model/index.js';
import { ValueType, type FloatColumns, type SampleIterator } from '../interface.js';

export class ChainSampleIterator implements SampleIterator {
  #its: SampleIterator[] = [];
  /** Min-heap of iterator indexes, ordered by `#ts`. */
  #heap: number[] = [];
  #ts: number[] = [];
  #vts: ValueType[] = [];
  #curr = -1;
  #currVT: ValueType = ValueType.None;
  #lastT = -Infinity;
  #started = false;
  #consecutive = false;
  #err: Error | null = null;

  /** Restarts over `its` (owned by this iterator from now on). */
  reset(its: SampleIterator[]): this {
    this.#its = its;
    this.#heap.length = 0;
    this.#ts.length = its.length;
    this.#vts.length = its.length;
    this.#curr = -1;
    this.#currVT = ValueType.None;
    this.#lastT = -Infinity;
    this.#started = false;
    this.#consecutive = false;
    this.#err = null;
    return this;
  }

  /** The iterators of the inputs, for reuse by the next `reset`. */
  inputs(): readonly SampleIterator[] {
    return this.#its;
  }

  next(): ValueType {
    if (this.#err !== null) return ValueType.None;
    if (!this.#started) {
      this.#started = true;
      for (let i = 0; i < this.#its.length; i++) {
        const it = this.#its[i]!;
        const vt = it.next();
        if (vt === ValueType.None) {
          if (this.#failed(it)) return ValueType.None;
          continue;
        }
        this.#push(i, it.atT(), vt);
      }
    } else if (this.#curr >= 0) {
      const i = this.#curr;
      const it = this.#its[i]!;
      const vt = it.next();
      if (vt === ValueType.None) {
        if (this.#failed(it)) return ValueType.None;
        this.#curr = -1;
      } else {
        const t = it.atT();
        if (t !== this.#lastT && (this.#heap.length === 0 || t < this.#ts[this.#heap[0]!]!)) {
          this.#consecutive = true;
          this.#lastT = t;
          this.#currVT = vt;
          return vt;
        }
        this.#curr = -1;
        this.#push(i, t, vt);
      }
    } else {
      return ValueType.None;
    }
    return this.#popNext();
  }

  seek(t: Millis): ValueType {
    if (this.#err !== null) return ValueType.None;
    if (this.#curr >= 0 && this.#lastT >= t) return this.#currVT;
    if (this.#started && this.#curr < 0 && this.#heap.length === 0) return ValueType.None;
    this.#started = true;
    this.#heap.length = 0;
    this.#curr = -1;
    for (let i = 0; i < this.#its.length; i++) {
      const it = this.#its[i]!;
      const vt = it.seek(t);
      if (vt === ValueType.None) {
        if (this.#failed(it)) return ValueType.None;
        continue;
      }
      this.#push(i, it.atT(), vt);
    }
    return this.#popNext();
  }

  /**
   * SampleIterator.readFloats: while no other input has a sample before the bound, the
   * current input reads in bulk up to just before the other inputs' oldest sample.
   */
  readFloats(maxt: number, out: FloatColumns): ValueType {
    let vt = this.#currVT;
    for (;;) {
      if (this.#curr < 0 || vt !== ValueType.Float) return vt;
      const t = this.#lastT;
      if (t > maxt) return vt;
      const i = this.#curr;
      const it = this.#its[i]!;
      const other = this.#heap.length === 0 ? Infinity : this.#ts[this.#heap[0]!]!;
      const bound = other - 1 < maxt ? other - 1 : maxt;
      if (it.readFloats === undefined || t > bound) {
        if (!it.atStale()) {
          const k = out.fN;
          if (k === out.fT.length) out.growF();
          out.fT[k] = t;
          out.fV[k] = it.atF();
          out.fN = k + 1;
        } else {
          out.staleT = t;
        }
        vt = this.next();
        continue;
      }
      // Everything `it` reads is older than the other inputs' samples: no duplicates to drop.
      const r = it.readFloats(bound, out);
      if (r === ValueType.None) {
        if (this.#failed(it)) return ValueType.None;
        this.#curr = -1;
        vt = this.#popNext();
        continue;
      }
      const nt = it.atT();
      if (nt < other) {
        this.#consecutive = true;
        this.#lastT = nt;
        this.#currVT = r;
        vt = r;
        continue;
      }
      this.#curr = -1;
      this.#push(i, nt, r);
      vt = this.#popNext();
    }
  }

  atT(): Millis {
    return this.#its[this.#curr]!.atT();
  }

  atF(): number {
    return this.#its[this.#curr]!.atF();
  }

  atStale(): boolean {
    return this.#its[this.#curr]!.atStale();
  }

  atHistogram(): Histogram {
    const h = this.#its[this.#curr]!.atHistogram();
    if (this.#consecutive || h.counterResetHint === CounterResetHint.Gauge || h.counterResetHint === CounterResetHint.Unknown) return h;
    return { ...h, counterResetHint: CounterResetHint.Unknown };
  }

  atFloatHistogram(): FloatHistogram {
    const h = this.#its[this.#curr]!.atFloatHistogram();
    if (this.#consecutive || h.counterResetHint === CounterResetHint.Gauge || h.counterResetHint === CounterResetHint.Unknown) return h;
    return { ...h, counterResetHint: CounterResetHint.Unknown };
  }

  atST(): number {
    const it = this.#its[this.#curr]!;
    return it.atST !== undefined ? it.atST() : 0;
  }

  err(): Error | null {
    if (this.#err !== null) return this.#err;
    for (const it of this.#its) {
      const e = it.err();
      if (e !== null) return e;
    }
    return null;
  }

  /** Takes the oldest sample off the heap, dropping those at the time just returned. */
  #popNext(): ValueType {
    while (this.#heap.length > 0) {
      const i = this.#pop();
      const t = this.#ts[i]!;
      if (t === this.#lastT) {
        const it = this.#its[i]!;
        const vt = it.next();
        if (vt === ValueType.None) {
          if (this.#failed(it)) return ValueType.None;
        } else {
          this.#push(i, it.atT(), vt);
        }
        continue;
      }
      this.#curr = i;
      this.#consecutive = false;
      this.#lastT = t;
      this.#currVT = this.#vts[i]!;
      return this.#currVT;
    }
    this.#curr = -1;
    this.#currVT = ValueType.None;
    return ValueType.None;
  }

  #failed(it: SampleIterator): boolean {
    const e = it.err();
    if (e === null) return false;
    this.#err = e;
    this.#curr = -1;
    this.#heap.length = 0;
    return true;
  }

  #push(i: number, t: number, vt: ValueType): void {
    this.#ts[i] = t;
    this.#vts[i] = vt;
    const h = this.#heap;
    const ts = this.#ts;
    let k = h.length;
    h.push(i);
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (ts[h[p]!]! <= t) break;
      h[k] = h[p]!;
      k = p;
    }
    h[k] = i;
  }

  #pop(): number {
    const h = this.#heap;
    const ts = this.#ts;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      const lt = ts[last]!;
      let k = 0;
      for (;;) {
        let c = 2 * k + 1;
        if (c >= n) break;
        if (c + 1 < n && ts[h[c + 1]!]! < ts[h[c]!]!) c++;
        if (ts[h[c]!]! >= lt) break;
        h[k] = h[c]!;
        k = c;
      }
      h[k] = last;
    }
    return top;
  }
}
