/**
 * Reading a head series: its chunks as loaded at select time (full chunks read from
 * chunks_head, the open chunk read in place), iterated in order within the querier's range,
 * skipping deleted intervals. Each piece stops after the number of samples it had at select
 * time, so appends committed meanwhile to the open chunk are not seen (a consistent snapshot)
 * and never read half-written.
 *
 * Series with out-of-order data are merged once into columns (`MergedSamples`) and read by
 * `ArrayIterator`.
 */
import type { FloatHistogram, Histogram, Millis } from '../../model/index.js';
import { toFloatHistogram } from '../../model/index.js';
import { ValueType, type FloatColumns, type SampleIterator } from '../../storage/interface.js';
import { XorIterator, appendFloat, type Chunk } from '../chunkenc/index.js';
import type { Interval } from '../tombstones/index.js';

/** One chunk of a selected series: read at most `n` samples, those with t in [mint, maxt]. */
export interface Piece {
  chunk: Chunk;
  n: number;
  maxt: number;
}

const NONE_IVS: readonly Interval[] = [];
const EMPTY = new Uint8Array(0);

/**
 * The pieces of many series (what one select read), in columns rather than an object per
 * piece: piece j is `chunks[j]` when that is not null, else the XOR chunk
 * `bytes[j][start[j], end[j])` (read in place from a cached page). Read at most `n[j]`
 * samples of it, those up to `maxt[j]`. Append-only while the select fills it.
 */
export class PieceTable {
  chunks: (Chunk | null)[] = [];
  bytes: (Uint8Array | null)[] = [];
  start = new Int32Array(16);
  end = new Int32Array(16);
  n = new Int32Array(16);
  maxt = new Float64Array(16);
  /** The value of a one-sample piece (see addLast). */
  value = new Float64Array(16);
  size = 0;

  addChunk(c: Chunk, n: number, maxt: number): void {
    const j = this.#slot();
    this.chunks[j] = c;
    this.bytes[j] = null;
    this.n[j] = n;
    this.maxt[j] = maxt;
  }

  /** An XOR chunk read in place: b[start, end). */
  addBytes(b: Uint8Array, start: number, end: number, n: number, maxt: number): void {
    const j = this.#slot();
    this.chunks[j] = null;
    this.bytes[j] = b;
    this.start[j] = start;
    this.end[j] = end;
    this.n[j] = n;
    this.maxt[j] = maxt;
  }

  /**
   * One float sample, given by value (a series' newest, which a latest-sample reader needs
   * alone): no chunk and no bytes, `end` 1 for a stale marker.
   */
  addLast(t: number, v: number, stale: boolean): void {
    const j = this.#slot();
    this.chunks[j] = null;
    this.bytes[j] = null;
    this.end[j] = stale ? 1 : 0;
    this.n[j] = 1;
    this.maxt[j] = t;
    this.value[j] = v;
  }

  #slot(): number {
    const j = this.size++;
    if (j === this.n.length) {
      const size = j * 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => { b.set(a); return b; };
      this.start = grow(this.start, new Int32Array(size));
      this.end = grow(this.end, new Int32Array(size));
      this.n = grow(this.n, new Int32Array(size));
      this.maxt = grow(this.maxt, new Float64Array(size));
      this.value = grow(this.value, new Float64Array(size));
    }
    return j;
  }
}

/** The iterator of a one-sample piece (PieceTable.addLast). */
class OneSampleIterator implements SampleIterator {
  t = 0;
  v = 0;
  stale = false;
  /** 0: before the sample, 1: on it, 2: past it. */
  #pos = 2;

  reset(t: number, v: number, stale: boolean): this {
    this.t = t;
    this.v = v;
    this.stale = stale;
    this.#pos = 0;
    return this;
  }

  next(): ValueType {
    if (this.#pos >= 1) {
      this.#pos = 2;
      return ValueType.None;
    }
    this.#pos = 1;
    return ValueType.Float;
  }

  seek(t: Millis): ValueType {
    if (this.#pos < 2 && this.t >= t) {
      this.#pos = 1;
      return ValueType.Float;
    }
    this.#pos = 2;
    return ValueType.None;
  }

  atT(): Millis { return this.t as Millis; }
  atF(): number { return this.stale ? NaN : this.v; }
  atStale(): boolean { return this.stale; }
  atHistogram(): Histogram { throw new Error('a float sample'); }
  atFloatHistogram(): FloatHistogram { throw new Error('a float sample'); }
  err(): Error | null { return null; }
}

export class ChunksIterator implements SampleIterator {
  #table: PieceTable = new PieceTable();
  /** Pieces of this series: [#from, #to) of the table. */
  #from = 0;
  #to = 0;
  #mint = 0;
  #maxt = 0;
  #ivs: readonly Interval[] = NONE_IVS;
  #p = -1;
  #it: SampleIterator | null = null;
  /** The XOR iterator for pieces read in place. */
  #xor: XorIterator | null = null;
  /** The iterator of one-sample pieces. */
  #one: OneSampleIterator | null = null;
  /** Samples of the current piece not read yet (0: move to the next piece). */
  #left = 0;
  /** The current piece's last time to return: its maxt, or the querier's if earlier. */
  #pieceMaxt = 0;
  /** Time of the current sample (kept here: atT is called once or twice per sample). */
  #t = 0;
  #vt: ValueType = ValueType.None;
  #err: Error | null = null;
  #started = false;

  /** Reads `pieces` (for callers with a few pieces at hand; selects use resetTable). */
  reset(pieces: readonly Piece[], mint: number, maxt: number, ivs: readonly Interval[]): this {
    const t = new PieceTable();
    for (const pc of pieces) t.addChunk(pc.chunk, pc.n, pc.maxt);
    return this.resetTable(t, 0, t.size, mint, maxt, ivs);
  }

  /** Reads pieces [from, to) of `table`, those samples in [mint, maxt] and not in `ivs`. */
  resetTable(table: PieceTable, from: number, to: number, mint: number, maxt: number, ivs: readonly Interval[]): this {
    this.#table = table;
    this.#from = from;
    this.#to = to;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#ivs = ivs;
    this.#p = from - 1;
    this.#left = 0;
    this.#pieceMaxt = 0;
    this.#t = 0;
    this.#vt = ValueType.None;
    this.#err = null;
    this.#started = false;
    return this;
  }

  #nextPiece(): boolean {
    const tb = this.#table;
    for (;;) {
      const p = ++this.#p;
      if (p >= this.#to) return false;
      const n = tb.n[p]!;
      if (n === 0) continue;
      const c = tb.chunks[p];
      if (c !== null && c !== undefined) {
        this.#it = c.iterator(this.#it);
      } else if (tb.bytes[p] === null) {
        this.#it = (this.#one ??= new OneSampleIterator()).reset(tb.maxt[p]!, tb.value[p]!, tb.end[p] === 1);
      } else {
        const x = (this.#xor ??= new XorIterator(EMPTY));
        x.resetRange(tb.bytes[p]!, tb.start[p]!, tb.end[p]!);
        this.#it = x;
      }
      this.#left = n;
      const pm = tb.maxt[p]!;
      this.#pieceMaxt = pm < this.#maxt ? pm : this.#maxt;
      return true;
    }
  }

  #deleted(t: number): boolean {
    const ivs = this.#ivs;
    for (let i = 0; i < ivs.length; i++) if (t >= ivs[i]!.mint && t <= ivs[i]!.maxt) return true;
    return false;
  }

  next(): ValueType {
    if (this.#started && this.#vt === ValueType.None) return ValueType.None;
    this.#started = true;
    for (;;) {
      if (this.#left === 0 && !this.#nextPiece()) return (this.#vt = ValueType.None);
      const it = this.#it!;
      const vt = it.next();
      if (vt === ValueType.None) {
        const e = it.err();
        if (e !== null) { this.#err = e; return (this.#vt = ValueType.None); }
        this.#left = 0;
        continue;
      }
      this.#left--;
      let t = it.atT();
      let cvt: ValueType = vt;
      if (t < this.#mint) {
        // Before the querier's range: the chunk iterator skips to it in one go (the piece's
        // time bound, below, then ends the piece as in seek).
        cvt = it.seek(this.#mint as Millis);
        if (cvt === ValueType.None) {
          const e = it.err();
          if (e !== null) { this.#err = e; return (this.#vt = ValueType.None); }
          this.#left = 0;
          continue;
        }
        t = it.atT();
        this.#left = Number.MAX_SAFE_INTEGER;
      }
      if (t > this.#pieceMaxt) {
        // Pieces are in time order: nothing later can be in range.
        if (t > this.#maxt) return (this.#vt = ValueType.None);
        this.#left = 0;
        continue;
      }
      if (this.#ivs.length > 0 && this.#deleted(t)) continue;
      this.#t = t;
      return (this.#vt = cvt);
    }
  }

  seek(t: Millis): ValueType {
    if (this.#started) {
      if (this.#vt === ValueType.None) return ValueType.None;
      if (this.#t >= t) return this.#vt;
    }
    const cur = this.#p;
    const pmaxt = this.#table.maxt;
    if (cur < this.#from || pmaxt[cur]! < t) {
      // Skip whole pieces that end before t: the one before the target counts as read.
      let p = cur + 1;
      while (p < this.#to && pmaxt[p]! < t) p++;
      this.#p = p - 1;
      this.#left = 0;
    }
    for (;;) {
      const vt = this.next();
      if (vt === ValueType.None || this.#t >= t) return vt;
      if (this.#ivs.length > 0 || this.#t < this.#mint) continue;
      // Still before t: the chunk iterator skips ahead by itself (XOR without a call and a
      // boxed number per sample), bounded by the piece's time as in readFloats.
      const it = this.#it!;
      const r = it.seek(t);
      if (r === ValueType.None) {
        const e = it.err();
        if (e !== null) {
          this.#err = e;
          return (this.#vt = ValueType.None);
        }
        this.#left = 0;
        continue;
      }
      const nt = it.atT();
      if (nt > this.#pieceMaxt) {
        if (nt > this.#maxt) return (this.#vt = ValueType.None);
        this.#left = 0;
        continue;
      }
      this.#t = nt;
      this.#left = Number.MAX_SAFE_INTEGER;
      return (this.#vt = r);
    }
  }

  /**
   * SampleIterator.readFloats: within a piece, through the chunk iterator's own bulk read
   * bounded by the piece's time (samples appended after the select are later than it, so
   * the time bound stands in for the sample count); per sample where deleted intervals or
   * the querier's mint apply.
   */
  readFloats(maxt: number, out: FloatColumns): ValueType {
    let vt = this.#vt;
    for (;;) {
      if (vt !== ValueType.Float) return vt;
      const t = this.#t;
      if (t > maxt) return vt;
      const it = this.#it!;
      if (it.readFloats === undefined || this.#ivs.length > 0 || t < this.#mint) {
        if (!it.atStale()) appendFloat(out, t, it.atF());
        else out.staleT = t;
        vt = this.next();
        continue;
      }
      const r = it.readFloats(maxt < this.#pieceMaxt ? maxt : this.#pieceMaxt, out);
      if (r === ValueType.None) {
        const e = it.err();
        if (e !== null) {
          this.#err = e;
          return (this.#vt = ValueType.None);
        }
        this.#left = 0;
        vt = this.next();
        continue;
      }
      const nt = it.atT();
      if (nt > this.#pieceMaxt) {
        // Past the piece, as next() handles it: the end, or the next piece.
        if (nt > this.#maxt) return (this.#vt = ValueType.None);
        this.#left = 0;
        vt = this.next();
        continue;
      }
      // Stopped within the piece, past maxt: its time bound now ends the piece.
      this.#t = nt;
      this.#vt = r;
      this.#left = Number.MAX_SAFE_INTEGER;
      vt = r;
    }
  }

  atT(): Millis { return this.#t as Millis; }
  atF(): number { return this.#it!.atF(); }
  atStale(): boolean { return this.#it!.atStale(); }
  atHistogram(): Histogram { return this.#it!.atHistogram(); }
  atFloatHistogram(): FloatHistogram { return this.#it!.atFloatHistogram(); }
  /** The start timestamp of the current sample: what its chunk stores (XOR2, ST histograms), else 0. */
  atST(): number {
    const it = this.#it!;
    return it.atST !== undefined ? it.atST() : 0;
  }
  err(): Error | null { return this.#err; }
}

/** A series' samples merged into columns (series with out-of-order data). */
export interface MergedSamples {
  t: number[];
  vt: ValueType[];
  v: number[];
  stale: boolean[];
  h: (Histogram | FloatHistogram | null)[];
  /** Start timestamps (0: none). */
  st: number[];
}

export class ArrayIterator implements SampleIterator {
  #m: MergedSamples = { t: [], vt: [], v: [], stale: [], h: [], st: [] };
  #i = -1;

  reset(m: MergedSamples): this {
    this.#m = m;
    this.#i = -1;
    return this;
  }

  next(): ValueType {
    const n = this.#m.t.length;
    if (this.#i >= n) return ValueType.None;
    this.#i++;
    return this.#i < n ? this.#m.vt[this.#i]! : ValueType.None;
  }

  seek(t: Millis): ValueType {
    const m = this.#m;
    if (this.#i < 0) this.#i = 0;
    while (this.#i < m.t.length && m.t[this.#i]! < t) this.#i++;
    return this.#i < m.t.length ? m.vt[this.#i]! : ValueType.None;
  }

  atT(): Millis { return this.#m.t[this.#i]! as Millis; }
  atF(): number { return this.#m.v[this.#i]!; }
  atStale(): boolean { return this.#m.stale[this.#i]!; }
  atHistogram(): Histogram { return this.#m.h[this.#i] as Histogram; }
  atFloatHistogram(): FloatHistogram {
    const h = this.#m.h[this.#i]!;
    return this.#m.vt[this.#i] === ValueType.Histogram ? toFloatHistogram(h) : h;
  }
  atST(): number { return this.#m.st[this.#i] ?? 0; }

  err(): Error | null { return null; }
}
