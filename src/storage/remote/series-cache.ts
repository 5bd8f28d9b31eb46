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
