/**
 * The per-target scrape cache, as Prometheus keeps it: series keys (the text of a series in
 * the body) to the storage ref and the final labels (after target labels and metric
 * relabeling), so that labels are parsed and relabeled only for new series; keys of series
 * that relabeling dropped; the series of the current and previous scrape, for staleness;
 * and metric metadata (TYPE/HELP/UNIT) by family.
 *
 * Memory is bounded by the target's series: entries not seen in the last successful scrape
 * are evicted after it, and a cache that grows past twice its last good size (plus 1000)
 * while scrapes keep failing is flushed too.
 */
import type { Labels, MetricType } from '../model/index.js';
import type { SeriesRef } from '../storage/index.js';
import type { MetadataStore, MetricMetadata } from './target.js';

export class CacheEntry {
  ref: SeriesRef;
  /** The scrape iteration in which the series was last seen. */
  lastIter: number;
  readonly labels: Labels;
  constructor(ref: SeriesRef, lastIter: number, labels: Labels) {
    this.ref = ref;
    this.lastIter = lastIter;
    this.labels = labels;
  }
}

export interface MetaEntry {
  readonly family: string;
  type: MetricType;
  help: string;
  unit: string;
  /** Iteration in which the family was last seen. */
  lastIter: number;
  /** Iteration in which any of type, help or unit last changed. */
  lastIterChange: number;
}

/** Metadata of families absent from scrapes is kept for this many iterations. */
const METADATA_KEEP_ITERS = 10;

export interface CacheMetrics {
  /** Counts forced flushes (`prometheus_target_scrapes_cache_flush_forced_total`). */
  flushForced(): void;
}

export class ScrapeCache implements MetadataStore {
  /** The current scrape iteration. */
  iter = 0;
  #successfulCount = 0;
  readonly #series = new Map<string, CacheEntry>();
  /** Series keys dropped by relabeling → iteration last seen. */
  readonly #dropped = new Map<string, number>();
  /** Series appended with staleness tracking in this and the previous iteration, by ref. */
  #cur = new Map<SeriesRef, CacheEntry>();
  #prev = new Map<SeriesRef, CacheEntry>();
  readonly #metadata = new Map<string, MetaEntry>();
  readonly #metrics: CacheMetrics;

  constructor(metrics: CacheMetrics) {
    this.#metrics = metrics;
  }

  /** The entry for a series key, or undefined. Does not mark it seen; see `touch`. */
  get(key: string): CacheEntry | undefined {
    return this.#series.get(key);
  }

  addRef(key: string, ref: SeriesRef, labels: Labels): CacheEntry {
    const e = new CacheEntry(ref, this.iter, labels);
    this.#series.set(key, e);
    return e;
  }

  addDropped(key: string): void {
    this.#dropped.set(key, this.iter);
  }

  /** True when the key was dropped by relabeling before; marks it seen. */
  getDropped(key: string): boolean {
    if (!this.#dropped.has(key)) return false;
    this.#dropped.set(key, this.iter);
    return true;
  }

  /** Points an entry at a new ref (the storage re-created the series), moving its staleness tracking along. */
  updateRef(e: CacheEntry, ref: SeriesRef): void {
    if (e.ref === ref) return;
    if (e.ref !== 0) {
      moveTracking(this.#prev, e, ref);
      moveTracking(this.#cur, e, ref);
    }
    e.ref = ref;
  }

  trackStaleness(ref: SeriesRef, e: CacheEntry): void {
    this.#cur.set(ref, e);
  }

  /** Forgets what the current iteration tracked, so that every series of the previous one counts as gone. */
  untrackCurrent(): void {
    this.#cur.clear();
  }

  /**
   * Calls `fn` for every series of the previous iteration missing from the current one,
   * until it returns false.
   */
  forEachStale(fn: (ref: SeriesRef, labels: Labels) => boolean): void {
    for (const [ref, e] of this.#prev) {
      if (!this.#cur.has(ref) && !fn(e.ref, e.labels)) return;
    }
  }

  /**
   * Ends an iteration. `flush` (after a successful, non-empty scrape) evicts entries not seen
   * in it; a cache grown past twice its last good size plus 1000 is flushed anyway.
   */
  iterDone(flush: boolean): void {
    const count = this.#series.size + this.#dropped.size + this.#metadata.size;
    if (flush) {
      this.#successfulCount = count;
    } else if (count > this.#successfulCount * 2 + 1000) {
      flush = true;
      this.#metrics.flushForced();
    }
    if (flush) {
      const it = this.iter;
      for (const [k, e] of this.#series) if (e.lastIter !== it) this.#series.delete(k);
      for (const [k, last] of this.#dropped) if (last !== it) this.#dropped.delete(k);
      for (const [k, m] of this.#metadata) if (it - m.lastIter > METADATA_KEEP_ITERS) this.#metadata.delete(k);
    }
    const p = this.#prev;
    this.#prev = this.#cur;
    this.#cur = p;
    p.clear();
    this.iter++;
  }

  /** Number of cached series (for tests and accounting). */
  get seriesCount(): number {
    return this.#series.size;
  }

  #meta(family: string): MetaEntry {
    let e = this.#metadata.get(family);
    if (e === undefined) {
      e = { family, type: 'unknown', help: '', unit: '', lastIter: this.iter, lastIterChange: this.iter };
      this.#metadata.set(family, e);
    }
    e.lastIter = this.iter;
    return e;
  }

  setType(family: string, t: MetricType): MetaEntry {
    const e = this.#meta(family);
    if (e.type !== t) { e.type = t; e.lastIterChange = this.iter; }
    return e;
  }

  setHelp(family: string, help: string): MetaEntry {
    const e = this.#meta(family);
    if (e.help !== help) { e.help = help; e.lastIterChange = this.iter; }
    return e;
  }

  setUnit(family: string, unit: string): MetaEntry {
    const e = this.#meta(family);
    if (e.unit !== unit) { e.unit = unit; e.lastIterChange = this.iter; }
    return e;
  }

  listMetadata(): MetricMetadata[] {
    const out: MetricMetadata[] = [];
    for (const [metric, e] of this.#metadata) out.push({ metric, type: e.type, help: e.help, unit: e.unit });
    return out;
  }

  getMetadata(metric: string): MetricMetadata | undefined {
    const e = this.#metadata.get(metric);
    return e === undefined ? undefined : { metric, type: e.type, help: e.help, unit: e.unit };
  }

  sizeMetadata(): number {
    let s = 0;
    for (const e of this.#metadata.values()) s += e.help.length + e.unit.length + e.type.length;
    return s;
  }

  lengthMetadata(): number {
    return this.#metadata.size;
  }
}

function moveTracking(m: Map<SeriesRef, CacheEntry>, e: CacheEntry, ref: SeriesRef): void {
  if (m.get(e.ref) !== e) return;
  m.delete(e.ref);
  m.set(ref, e);
}
