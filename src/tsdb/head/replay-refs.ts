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

const TWO32 = 4294967296;
const SAMPLES_V1 = 2;
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
  if (n === 0 || rec[0] !== SAMPLES_V1) return false;
  if (n === 1) return true;
  if (n < 17) return false;
  const hiR = ((rec[1]! << 24) | (rec[2]! << 16) | (rec[3]! << 8) | rec[4]!) >>> 0;
  if (hiR >= 0x200000) return false;
  const baseRef = hiR * TWO32 + (((rec[5]! << 24) | (rec[6]! << 16) | (rec[7]! << 8) | rec[8]!) >>> 0);
  const baseT = ((rec[9]! << 24) | (rec[10]! << 16) | (rec[11]! << 8) | rec[12]!) * TWO32
    + (((rec[13]! << 24) | (rec[14]! << 16) | (rec[15]! << 8) | rec[16]!) >>> 0);
  if (!Number.isSafeInteger(baseT)) return false;
  // First pass: decode everything, decide, and only then let anything be applied. The
  // decisions only change walMax, which a failed record leaves behind unused (replay stops).
  let p = 17;
  let skipped = 0;
  let walMax = refs.walMax;
  while (p < n) {
    // Zig-zag varints; the one- and two-byte forms (and three-byte time deltas: a record of
    // a remote-write request spans minutes) inline, longer ones through varintAt.
    let x = rec[p]!;
    let dRef: number;
    if (x < 0x80) { dRef = (x >>> 1) ^ -(x & 1); p++; } else if (p + 2 < n && rec[p + 1]! < 0x80) {
      const u = (x & 0x7f) | (rec[p + 1]! << 7);
      dRef = (u >>> 1) ^ -(u & 1);
      p += 2;
    } else { dRef = varintAt(rec, p, n); if (dRef !== dRef) return false; p = VARINT_END; }
    if (p >= n) return false;
    x = rec[p]!;
    let dT: number;
    if (x < 0x80) { dT = (x >>> 1) ^ -(x & 1); p++; } else if (p + 2 < n && rec[p + 1]! < 0x80) {
      const u = (x & 0x7f) | (rec[p + 1]! << 7);
      dT = (u >>> 1) ^ -(u & 1);
      p += 2;
    } else if (p + 3 < n && rec[p + 2]! < 0x80) {
      const u = (x & 0x7f) | ((rec[p + 1]! & 0x7f) << 7) | (rec[p + 2]! << 14);
      dT = (u >>> 1) ^ -(u & 1);
      p += 3;
    } else { dT = varintAt(rec, p, n); if (dT !== dT) return false; p = VARINT_END; }
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

/** Where the last `varintAt` stopped. */
let VARINT_END = 0;

/** A zig-zag varint at rec[p] as a safe integer, or NaN when malformed or outside the safe range; sets VARINT_END. */
function varintAt(rec: Uint8Array, p: number, end: number): number {
  let lo = 0, hi = 0, shift = 0;
  for (;;) {
    if (p >= end || shift > 63) return NaN;
    const x = rec[p++]!;
    const bits = x & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) { lo |= (bits & 0x0f) << 28; hi = bits >>> 4; }
    else hi |= bits << (shift - 32);
    shift += 7;
    if (x < 0x80) break;
  }
  VARINT_END = p;
  const neg = (lo & 1) === 1;
  const mhi = hi >>> 1;
  const mlo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
  if (mhi >= 0x200000) return NaN;
  const mag = mhi * TWO32 + mlo;
  if (!neg) return mag;
  const v = -mag - 1;
  return Number.isSafeInteger(v) ? v : NaN;
}
