/**
 * Remote-write senders send the same series request after request, with the same label
 * bytes. This cache maps those raw bytes (the series' `Label` messages as received) to the
 * checked `Labels` and the storage's series ref, so that a known series costs one string
 * slice and one map lookup instead of decoding, sorting and checking its labels and hashing
 * the label set in the storage. Only series that passed validation are cached.
 *
 * Bounded: when full it starts over (senders' series sets are stable, so it refills within
 * one request). A ref the storage no longer knows is harmless: the storage looks the labels
 * up, as the `Appender` contract says.
 */
import type { Labels } from '../../model/index.js';
import type { SeriesRef } from '../interface.js';

export interface CachedSeries {
  readonly labels: Labels;
  ref: SeriesRef;
}

export class SeriesCache {
  readonly #m = new Map<string, CachedSeries>();
  readonly #max: number;

  constructor(maxEntries = 200_000) {
    this.#max = maxEntries;
  }

  get(key: string): CachedSeries | undefined {
    return this.#m.get(key);
  }

  /** Adds a checked series; returns its entry, whose `ref` the caller keeps up to date. */
  add(key: string, labels: Labels): CachedSeries {
    if (this.#m.size >= this.#max) this.#m.clear();
    const e: CachedSeries = { labels, ref: 0 };
    this.#m.set(key, e);
    return e;
  }

  get size(): number {
    return this.#m.size;
  }
}

/** A 2.0 series as received (its label strings in received order) and what it became. */
export interface CachedV2Series extends CachedSeries {
  readonly received: readonly string[];
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The 2.0 counterpart of `SeriesCache`. A 2.0 request brings its own symbol table, so series
 * are known by their label strings: a hash over the strings the references point at selects
 * an entry, which is confirmed string by string (strings interned by the decoder compare by
 * identity). Nothing is allocated for a known series.
 */
export class V2SeriesCache {
  readonly #m = new Map<number, CachedV2Series>();
  readonly #max: number;

  constructor(maxEntries = 200_000) {
    this.#max = maxEntries;
  }

  /**
   * Hash of the strings at `refs[s, e)` (name, value pairs), or -1 when the references cannot
   * be resolved (odd count, out of range): the caller reports those.
   */
  static hash(refs: Float64Array, s: number, e: number, syms: readonly string[]): number {
    if ((e - s) % 2 !== 0) return -1;
    let h = FNV_OFFSET;
    for (let i = s; i < e; i++) {
      const str = syms[refs[i]!];
      if (str === undefined) return -1;
      for (let k = 0; k < str.length; k++) h = Math.imul(h ^ str.charCodeAt(k), FNV_PRIME);
      h = Math.imul(h ^ 0xffff, FNV_PRIME);
    }
    return h >>> 0;
  }

  get(hash: number, refs: Float64Array, s: number, e: number, syms: readonly string[]): CachedV2Series | undefined {
    const c = this.#m.get(hash);
    if (c === undefined || c.received.length !== e - s) return undefined;
    const r = c.received;
    for (let i = s; i < e; i++) if (r[i - s] !== syms[refs[i]!]) return undefined;
    return c;
  }

  /** Adds a checked series (`received`: its strings in received order, kept). */
  add(hash: number, received: readonly string[], labels: Labels): CachedV2Series {
    if (this.#m.size >= this.#max) this.#m.clear();
    const c: CachedV2Series = { received, labels, ref: 0 };
    this.#m.set(hash, c);
    return c;
  }
}
