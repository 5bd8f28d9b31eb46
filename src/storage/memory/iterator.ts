/**
 * A cursor over a snapshot of one series' columns: the arrays and the [lo, hi) range are
 * captured when the series is selected, so later appends and retention never show through.
 */
import { toFloatHistogram, type FloatHistogram, type Histogram, type Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../interface.js';
import { SampleKind, type AnyHistogram } from './series.js';

const EMPTY_F64 = new Float64Array(0);
const EMPTY_U8 = new Uint8Array(0);

function valueType(kind: number): ValueType {
  switch (kind) {
    case SampleKind.Histogram: return ValueType.Histogram;
    case SampleKind.FloatHistogram: return ValueType.FloatHistogram;
    default: return ValueType.Float;
  }
}

export class MemIterator implements SampleIterator {
  #ts: Float64Array = EMPTY_F64;
  #vs: Float64Array = EMPTY_F64;
  #kinds: Uint8Array = EMPTY_U8;
  #hs: readonly (AnyHistogram | undefined)[] | null = null;
  #lo = 0;
  #hi = 0;
  /** Current index; lo - 1 before the first move, hi at the end. */
  #i = -1;
  /** The float conversion of the current integer histogram, made on demand. */
  #fhCache: FloatHistogram | null = null;
  #fhIndex = -1;

  reset(ts: Float64Array, vs: Float64Array, kinds: Uint8Array, hs: readonly (AnyHistogram | undefined)[] | null, lo: number, hi: number): this {
    this.#ts = ts;
    this.#vs = vs;
    this.#kinds = kinds;
    this.#hs = hs;
    this.#lo = lo;
    this.#hi = hi;
    this.#i = lo - 1;
    this.#fhCache = null;
    this.#fhIndex = -1;
    return this;
  }

  next(): ValueType {
    if (this.#i + 1 >= this.#hi) {
      this.#i = this.#hi;
      return ValueType.None;
    }
    this.#i++;
    return valueType(this.#kinds[this.#i]!);
  }

  seek(t: Millis): ValueType {
    if (this.#i >= this.#hi) return ValueType.None;
    let lo = this.#i < this.#lo ? this.#lo : this.#i;
    if (lo >= this.#hi) {
      this.#i = this.#hi;
      return ValueType.None;
    }
    if (this.#ts[lo]! >= t) {
      this.#i = lo;
      return valueType(this.#kinds[lo]!);
    }
    let hi = this.#hi;
    const ts = this.#ts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! < t) lo = mid + 1; else hi = mid;
    }
    this.#i = lo;
    return lo < this.#hi ? valueType(this.#kinds[lo]!) : ValueType.None;
  }

  atT(): Millis {
    return this.#ts[this.#i]! as Millis;
  }

  atF(): number {
    return this.#kinds[this.#i] === SampleKind.Stale ? NaN : this.#vs[this.#i]!;
  }

  atStale(): boolean {
    return this.#kinds[this.#i] === SampleKind.Stale;
  }

  atHistogram(): Histogram {
    if (this.#kinds[this.#i] !== SampleKind.Histogram) throw new Error('reading samples: the current sample is not an integer histogram');
    return this.#hs![this.#i] as Histogram;
  }

  atFloatHistogram(): FloatHistogram {
    const kind = this.#kinds[this.#i];
    if (kind === SampleKind.FloatHistogram) return this.#hs![this.#i] as FloatHistogram;
    if (kind !== SampleKind.Histogram) throw new Error('reading samples: the current sample is not a histogram');
    if (this.#fhIndex !== this.#i) {
      this.#fhCache = toFloatHistogram(this.#hs![this.#i] as Histogram);
      this.#fhIndex = this.#i;
    }
    return this.#fhCache!;
  }

  err(): Error | null {
    return null;
  }
}
