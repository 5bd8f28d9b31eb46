/**
 * Float samples records of the WAL replay, read straight from the record bytes. In a WAL that
 * a running head left behind nearly every sample is already in an m-mapped chunk of
 * chunks_head, and the replay only has to notice that: here that takes two varints and two
 * loads from arrays indexed by series ref (which stay in cache), with no series object touched
 * and the value not even read. The samples that do need work (newer than the m-mapped chunks,
 * or out of order) are gathered and handed back for the general path once the whole record
 * has decoded.
 *
 * `DenseRefs` keeps, per series ref: the newest time the WAL gave the series so far (for
 * every series whose ref it holds; the general path uses it too), and the newest time its
 * m-mapped chunks cover (NaN for refs without a series of their own: samples of unknown refs
 * and of refs that a duplicate series record mapped to another series take the general
 * path). It holds refs up to a bound proportional to the number of series; series with
 * larger refs keep their newest WAL time in MemSeries.scratch instead.
 */
import { rawV1, samplesV1Header, zigzagAt, zigzagEnd } from '../record/index.js';

/** Refs up to this many times the series count plus this slack are kept densely. */
const DENSE_FACTOR = 4;
const DENSE_SLACK = 1 << 16;

export class DenseRefs {
  /** Newest time per ref seen in the WAL so far, -Infinity before. */
  walMax: Float64Array = new Float64Array(0);
  /** Newest time per ref that its m-mapped chunks cover; -Infinity without chunks; NaN without a series. */
  mmMax: Float64Array = new Float64Array(0);

  /** Whether `ref` can be held; grows the arrays when needed and allowed. */
  fits(ref: number, numSeries: number): boolean {
    if (ref < this.walMax.length) return true;
    if (!Number.isSafeInteger(ref) || ref < 0 || ref > DENSE_FACTOR * numSeries + DENSE_SLACK) return false;
    let n = Math.max(1024, this.walMax.length * 2);
    while (n <= ref) n *= 2;
    const w = new Float64Array(n).fill(-Infinity);
    w.set(this.walMax);
    const m = new Float64Array(n).fill(NaN);
    m.set(this.mmMax);
    this.walMax = w;
    this.mmMax = m;
    return true;
  }
}

/** What the scan decided for a pending sample. */
export const enum Pend {
  /** No dense decision (the ref has no series of its own): the general path decides all. */
  General = 0,
  /** In order and newer than the m-mapped chunks: apply it. */
  InOrder = 1,
  /** Older than the newest time seen in the WAL: it was out of order when committed. */
  OutOfOrder = 2,
}

/** Samples of a record that need work: ref, time, the value's offset in the record and the decision. */
export class Pending {
  ref = new Float64Array(256);
  t = new Float64Array(256);
  at = new Int32Array(256);
  kind = new Uint8Array(256);
  n = 0;

  push(ref: number, t: number, at: number, kind: Pend): void {
    if (this.n === this.ref.length) {
      const c = this.n * 2;
      const r = new Float64Array(c); r.set(this.ref); this.ref = r;
      const t2 = new Float64Array(c); t2.set(this.t); this.t = t2;
      const a = new Int32Array(c); a.set(this.at); this.at = a;
      const k = new Uint8Array(c); k.set(this.kind); this.kind = k;
    }
    const i = this.n++;
    this.ref[i] = ref;
    this.t[i] = t;
    this.at[i] = at;
    this.kind[i] = kind;
  }
}

/** Outcome counters of `scanSamplesV1` (added to by each call). */
export interface ScanCounts {
  /** Samples skipped: in m-mapped chunks, repeats, or before the min valid time. */
  skipped: number;
}

/**
 * Reads a Samples (V1) record: skips what needs nothing (see the file comment) and gathers
 * the rest into `out` (cleared first), in record order. Returns false, with nothing of the
 * record applied, when the record is not one this reader takes (another type, a ref it does
 * not hold densely) or does not decode: the caller then takes the general path, which also
 * reports decode errors in full. `walMax` is updated as the general path would.
 */
export function scanSamplesV1(rec: Uint8Array, refs: DenseRefs, numSeries: number, minValid: number, out: Pending, c: ScanCounts): boolean {
  out.n = 0;
  const n = rec.length;
  let p = samplesV1Header(rec);
  if (p < 0) return false;
  const { baseRef, baseT } = rawV1;
  // First pass: decode everything, decide, and only then let anything be applied. The
  // decisions only change walMax, which a failed record leaves behind unused (replay stops).
  let skipped = 0;
  let walMax = refs.walMax;
  while (p < n) {
    const dRef = zigzagAt(rec, p, n);
    if (dRef !== dRef) return false;
    p = zigzagEnd;
    if (p >= n) return false;
    const dT = zigzagAt(rec, p, n);
    if (dT !== dT) return false;
    p = zigzagEnd;
    if (p + 8 > n) return false;
    const ref = baseRef + dRef;
    const t = baseT + dT;
    if (!Number.isSafeInteger(ref) || !Number.isSafeInteger(t)) return false;
    const at = p;
    p += 8;
    if (ref >= walMax.length) {
      if (!refs.fits(ref, numSeries)) return false;
      walMax = refs.walMax;
    }
    const mm = refs.mmMax[ref]!;
    if (mm !== mm) { out.push(ref, t, at, Pend.General); continue; } // no series of its own
    if (t < minValid) { skipped++; continue; }
    const seen = walMax[ref]!;
    if (t > seen) walMax[ref] = t;
    if (t === seen) { skipped++; continue; }
    if (t < seen) { out.push(ref, t, at, Pend.OutOfOrder); continue; }
    if (t <= mm) { skipped++; continue; }
    out.push(ref, t, at, Pend.InOrder);
  }
  c.skipped += skipped;
  return true;
}
