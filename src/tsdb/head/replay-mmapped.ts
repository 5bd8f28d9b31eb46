/**
 * The chunks of chunks_head as the start-up replay reads them, kept until the WAL's series
 * records claim them: in columns (typed arrays, no object per chunk: a head of a million
 * chunks would otherwise hand the garbage collector a million short-lived objects to copy),
 * linked per series ref in file order, in-order and out-of-order chunks apart.
 */
import type { HeadChunkInfo } from '../chunks/index.js';

/** Chunk metas from chunks_head by series ref. Indexes run from `first(ref, ooo)` along `next` to -1. */
export class MmappedChunks {
  n = 0;
  /** The largest chunk ref loaded (-1 when none): WBL m-map markers beyond it name chunks lost. */
  lastRef = -1;
  chunkRef = new Float64Array(1024);
  mint = new Float64Array(1024);
  maxt = new Float64Array(1024);
  numSamples = new Uint16Array(1024);
  encoding = new Uint8Array(1024);
  /** The next chunk of the same series and kind, -1 after the last. */
  next = new Int32Array(1024);
  readonly #first = [new Map<number, number>(), new Map<number, number>()] as const;
  readonly #last = [new Map<number, number>(), new Map<number, number>()] as const;

  /** Appends a chunk (its fields are copied: `c` may be reused by the caller). */
  add(c: HeadChunkInfo): void {
    if (this.n === this.next.length) this.#grow();
    const i = this.n++;
    this.chunkRef[i] = c.chunkRef;
    this.mint[i] = c.mint;
    this.maxt[i] = c.maxt;
    this.numSamples[i] = c.numSamples;
    this.encoding[i] = c.encoding;
    this.next[i] = -1;
    if (c.chunkRef > this.lastRef) this.lastRef = c.chunkRef;
    const k = c.isOOO ? 1 : 0;
    const last = this.#last[k];
    const prev = last.get(c.seriesRef);
    if (prev === undefined) this.#first[k].set(c.seriesRef, i);
    else this.next[prev] = i;
    last.set(c.seriesRef, i);
  }

  /** Index of the series' first in-order (or out-of-order) chunk, -1 when it has none. */
  first(ref: number, ooo: boolean): number {
    return this.#first[ooo ? 1 : 0].get(ref) ?? -1;
  }

  #grow(): void {
    const c = this.next.length * 2;
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => { const b = new Float64Array(c); b.set(a); return b; };
    this.chunkRef = f64(this.chunkRef);
    this.mint = f64(this.mint);
    this.maxt = f64(this.maxt);
    const ns = new Uint16Array(c); ns.set(this.numSamples); this.numSamples = ns;
    const en = new Uint8Array(c); en.set(this.encoding); this.encoding = en;
    const nx = new Int32Array(c); nx.set(this.next); this.next = nx;
  }
}
