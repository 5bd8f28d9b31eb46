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
import { Labels, type MetricType } from '../model/index.js';
import type { STSynthesis } from './st-synthesis.js';
import type { SeriesRef } from '../storage/index.js';
import type { MetadataStore, MetricMetadata } from './target.js';

export class CacheEntry {
  /** The series key (see `Parser.seriesKey`). */
  readonly key: string;
  /**
   * The entry that followed this one in the last body that reached it: the guess for the
   * next series of the next body, which is usually in the same order. Only a guess; it is
   * always checked against the key.
   */
  next: CacheEntry | null;
  ref: SeriesRef;
  /** The scrape iteration in which the series was last seen. */
  lastIter: number;
  /** The iteration in which the series was last appended with staleness tracking; -1 for none. */
  trackedIter: number;
  /** The final labels; empty for a dropped entry. */
  readonly labels: Labels;
  /** True when metric relabeling dropped the series: nothing is stored for it. */
  readonly dropped: boolean;
  /** Where the key's bytes are in the cache's key arena (`ScrapeCache.keyView`), or -1. */
  koff: number;
  /** Start timestamp synthesis state (`st-synthesis`), or null. */
  stSynth: STSynthesis | null;
  constructor(key: string, ref: SeriesRef, lastIter: number, labels: Labels, dropped: boolean) {
    this.key = key;
    this.next = null;
    this.ref = ref;
    this.lastIter = lastIter;
    this.trackedIter = -1;
    this.labels = labels;
    this.dropped = dropped;
    this.koff = -1;
    this.stSynth = null;
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

const EMPTY = Labels.EMPTY;

/** First size of a cache's key arena. */
const KEYS_INITIAL = 4096;
const EMPTY_KEYS = new DataView(new ArrayBuffer(0));

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
  /** Series (and dropped series) by key: one map, so that each sample costs one lookup. */
  readonly #series = new Map<string, CacheEntry>();
  #droppedCount = 0;
  /**
   * Series appended with staleness tracking in this and the previous iteration. A series
   * seen under two keys (two spellings of one label set) may be in `prev` twice; the extra
   * stale marker collides with the new sample at the same timestamp and storage rejects it.
   */
  #cur: (CacheEntry | null)[] = [];
  #curN = 0;
  #prev: (CacheEntry | null)[] = [];
  #prevN = 0;
  readonly #metadata = new Map<string, MetaEntry>();
  readonly #metrics: CacheMetrics;
  /** The first entry of the last body, the start of its chain of `next` guesses. */
  #first: CacheEntry | null = null;
  /**
   * The keys' bytes (one per char; keys with a char above 0xff are not stored), back to back
   * in the order the series were added, which is body order: checking the next series of a
   * body against its guess reads both the body and this arena sequentially, four bytes at a
   * time (see `Parser.nextExpecting`). Evicted keys leave holes until more than half of the
   * arena is holes, then it is compacted.
   */
  #keys: Buffer | null = null;
  #keyView: DataView = EMPTY_KEYS;
  #keysLen = 0;
  #keysDead = 0;

  constructor(metrics: CacheMetrics) {
    this.#metrics = metrics;
  }

  /**
   * The entry for a series key (a kept or a dropped series), or undefined. The caller marks
   * it seen by setting `lastIter`.
   */
  get(key: string): CacheEntry | undefined {
    return this.#series.get(key);
  }

  addRef(key: string, ref: SeriesRef, labels: Labels): CacheEntry {
    const e = new CacheEntry(key, ref, this.iter, labels, false);
    e.koff = this.#storeKey(key);
    this.#series.set(key, e);
    return e;
  }

  addDropped(key: string): CacheEntry {
    const e = new CacheEntry(key, 0, this.iter, EMPTY, true);
    e.koff = this.#storeKey(key);
    this.#series.set(key, e);
    this.#droppedCount++;
    return e;
  }

  /** The key arena: entry `e`'s key is bytes [e.koff, e.koff + e.key.length) when `e.koff >= 0`. Valid until the next add or `iterDone`. */
  get keyView(): DataView {
    return this.#keyView;
  }

  /** Appends the key's bytes to the arena; -1 when it has a char above 0xff. */
  #storeKey(key: string): number {
    const n = key.length;
    for (let i = 0; i < n; i++) if (key.charCodeAt(i) > 0xff) return -1;
    const off = this.#keysLen;
    let k = this.#keys;
    if (k === null || off + n > k.length) {
      let cap = k === null ? KEYS_INITIAL : k.length + (k.length >> 1);
      while (cap < off + n) cap += cap >> 1;
      const nk = Buffer.allocUnsafeSlow(cap);
      if (k !== null) k.copy(nk, 0, 0, off);
      this.#setKeys(nk);
      k = nk;
    }
    k.write(key, off, n, 'latin1');
    this.#keysLen = off + n;
    return off;
  }

  #setKeys(k: Buffer | null): void {
    this.#keys = k;
    this.#keyView = k === null ? EMPTY_KEYS : new DataView(k.buffer, k.byteOffset, k.length);
  }

  /** Copies the live keys into a new arena, in the entries' order. */
  #compactKeys(): void {
    let n = 0;
    for (const e of this.#series.values()) if (e.koff >= 0) n += e.key.length;
    const old = this.#keys;
    if (n === 0 || old === null) {
      this.#setKeys(null);
      this.#keysLen = 0;
      this.#keysDead = 0;
      return;
    }
    const nk = Buffer.allocUnsafeSlow(Math.max(KEYS_INITIAL, n + (n >> 2)));
    let off = 0;
    for (const e of this.#series.values()) {
      if (e.koff < 0) continue;
      const len = e.key.length;
      old.copy(nk, off, e.koff, e.koff + len);
      e.koff = off;
      off += len;
    }
    this.#setKeys(nk);
    this.#keysLen = off;
    this.#keysDead = 0;
  }

  /**
   * Starts reading a body in order: returns the first entry of the last body (the guess for
   * the first series) and forgets it; `seen` then records the new body's order.
   */
  beginOrder(): CacheEntry | null {
    const f = this.#first;
    this.#first = null;
    return f;
  }

  /**
   * Records that `e` came right after `prev` (null: first) in the body being read; returns
   * `e`, the next `prev`. Entries only ever point at entries seen in the same body (see
   * `endOrder`), so the guesses keep no evicted entry alive.
   */
  seen(prev: CacheEntry | null, e: CacheEntry): CacheEntry {
    if (prev === null) this.#first = e;
    else prev.next = e;
    return e;
  }

  /** Ends the body's order at its last entry (whose old `next` may point at an entry about to go). */
  endOrder(last: CacheEntry | null): void {
    if (last !== null) last.next = null;
  }

  /** Points an entry at a new ref (the storage re-created the series). */
  updateRef(e: CacheEntry, ref: SeriesRef): void {
    e.ref = ref;
  }

  /** Records that the series was appended in this iteration, so that its absence next time makes it stale. */
  trackStaleness(e: CacheEntry): void {
    if (e.trackedIter === this.iter) return;
    e.trackedIter = this.iter;
    // Written by index: the arrays keep their storage from scrape to scrape.
    const i = this.#curN++;
    if (i < this.#cur.length) this.#cur[i] = e;
    else this.#cur.push(e);
  }

  /** Forgets what the current iteration tracked, so that every series of the previous one counts as gone. */
  untrackCurrent(): void {
    const cur = this.#cur;
    for (let i = 0; i < this.#curN; i++) {
      cur[i]!.trackedIter = -1;
      cur[i] = null;
    }
    this.#curN = 0;
  }

  /**
   * Calls `fn` for every series of the previous iteration missing from the current one,
   * until it returns false.
   */
  forEachStale(fn: (ref: SeriesRef, labels: Labels) => boolean): void {
    const it = this.iter;
    const prev = this.#prev;
    for (let i = 0; i < this.#prevN; i++) {
      const e = prev[i]!;
      if (e.trackedIter !== it && !fn(e.ref, e.labels)) return;
    }
  }

  /**
   * Ends an iteration. `flush` (after a successful, non-empty scrape) evicts entries not seen
   * in it; a cache grown past twice its last good size plus 1000 is flushed anyway.
   */
  iterDone(flush: boolean): void {
    const count = this.#series.size + this.#metadata.size;
    if (flush) {
      this.#successfulCount = count;
    } else if (count > this.#successfulCount * 2 + 1000) {
      flush = true;
      this.#metrics.flushForced();
    }
    if (flush) {
      const it = this.iter;
      // Over values, not entries: an entries iterator allocates a pair per entry.
      for (const e of this.#series.values()) {
        if (e.lastIter !== it) {
          this.#series.delete(e.key);
          if (e.dropped) this.#droppedCount--;
          if (e.koff >= 0) this.#keysDead += e.key.length;
        }
      }
      if (this.#keysDead > 4096 && this.#keysDead * 2 > this.#keysLen) this.#compactKeys();
      for (const m of this.#metadata.values()) if (it - m.lastIter > METADATA_KEEP_ITERS) this.#metadata.delete(m.family);
    }
    const p = this.#prev;
    for (let i = 0; i < this.#prevN; i++) p[i] = null;
    this.#prev = this.#cur;
    this.#prevN = this.#curN;
    this.#cur = p;
    this.#curN = 0;
    this.iter++;
  }

  /** Number of cached series, dropped ones not included (for tests and accounting). */
  get seriesCount(): number {
    return this.#series.size - this.#droppedCount;
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
