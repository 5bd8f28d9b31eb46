/**
 * Float samples in columns, the in-memory form of a samples record: one typed array per
 * field, grown by doubling and reused across records. A replay of millions of samples
 * allocates nothing per sample.
 *
 * Columns: `ref[i]`, `t[i]` (ms) and `st[i]` (start time in ms, 0 = none) are safe
 * integers stored in Float64Arrays (exact); `v[i]` is the value; `stale[i]` is 1 when the
 * sample is a stale marker (then `v[i]` is NaN and the codec writes the exact marker bits).
 * Only indexes below `length` are meaningful.
 *
 * Ownership: whoever holds the batch owns the arrays; a decoder appends into a batch the
 * caller passes, and `reset()` makes it reusable. Growing replaces the arrays, so do not
 * keep references to them across appends.
 */
export class SampleBatch {
  length = 0;
  ref: Float64Array;
  t: Float64Array;
  st: Float64Array;
  v: Float64Array;
  stale: Uint8Array;

  constructor(capacity = 256) {
    const c = Math.max(1, capacity);
    this.ref = new Float64Array(c);
    this.t = new Float64Array(c);
    this.st = new Float64Array(c);
    this.v = new Float64Array(c);
    this.stale = new Uint8Array(c);
  }

  get capacity(): number {
    return this.ref.length;
  }

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `n` more samples. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.ref.length) return;
    let c = this.ref.length * 2;
    while (c < need) c *= 2;
    this.ref = grow(this.ref, c, this.length);
    this.t = grow(this.t, c, this.length);
    this.st = grow(this.st, c, this.length);
    this.v = grow(this.v, c, this.length);
    const s = new Uint8Array(c);
    s.set(this.stale.subarray(0, this.length));
    this.stale = s;
  }

  push(ref: number, t: number, v: number, stale = false, st = 0): void {
    if (this.length === this.ref.length) this.reserve(1);
    const i = this.length++;
    this.ref[i] = ref;
    this.t[i] = t;
    this.st[i] = st;
    this.v[i] = stale ? NaN : v;
    this.stale[i] = stale ? 1 : 0;
  }

  /** Drops the samples older than `mint` (ms), keeping the order of the rest (checkpoints). */
  dropBefore(mint: number): void {
    let w = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.t[i]! < mint) continue;
      if (w !== i) {
        this.ref[w] = this.ref[i]!;
        this.t[w] = this.t[i]!;
        this.st[w] = this.st[i]!;
        this.v[w] = this.v[i]!;
        this.stale[w] = this.stale[i]!;
      }
      w++;
    }
    this.length = w;
  }
}

function grow(a: Float64Array, cap: number, len: number): Float64Array {
  const n = new Float64Array(cap);
  n.set(a.subarray(0, len));
  return n;
}
