/**
 * An in-memory storage: the `Appendable` and `Queryable` seams over columnar series, with an
 * inverted label index, a bounded exemplar ring, per-series metadata, and an optional
 * retention window that bounds memory. Used where no disk is wanted (tests, agent-less
 * tools) and as the reference the TSDB's head is checked against by the same contract suite.
 *
 * Concurrency: JavaScript runs one thing at a time, so appends, commits and selects never
 * interleave inside a call; a querier's series are snapshots taken at `select`, so commits
 * and garbage collection that happen while a caller iterates across awaits are not seen.
 */
import type { Matcher, Metadata, Millis } from '../../model/index.js';
import type { Appendable, Appender, ExemplarQueryable, ExemplarQueryResult, Queryable, Querier } from '../interface.js';
import { MemAppender } from './appender.js';
import { MemHead, type GCResult } from './head.js';
import { compareUtf8 } from '../../util/utf8-order.js';
import { MemQuerier } from './querier.js';
import { headStats, type HeadStats } from './stats.js';

export interface MemoryStorageOptions {
  /** Samples older than the newest sample minus this many ms are dropped, and series left empty with them. 0 keeps everything (default). */
  retentionMs?: number;
  /** Capacity of the exemplar ring; 0 disables exemplars. Default 100000, as Prometheus's `max_exemplars`. */
  maxExemplars?: number;
  /**
   * Wall-clock ms between automatic garbage collections, run by the commit that finds the
   * last one this old. Default 60000; 0 leaves collection to explicit `gc()` calls.
   */
  gcIntervalMs?: number;
}

export const DEFAULT_MAX_EXEMPLARS = 100_000;

export class MemoryStorage implements Appendable, Queryable, ExemplarQueryable {
  readonly #head: MemHead;

  constructor(opts: MemoryStorageOptions = {}) {
    const retentionMs = opts.retentionMs ?? 0;
    if (!(retentionMs >= 0)) throw new Error(`creating memory storage: invalid retention ${retentionMs}`);
    this.#head = new MemHead({
      retentionMs,
      maxExemplars: opts.maxExemplars ?? DEFAULT_MAX_EXEMPLARS,
      gcIntervalMs: opts.gcIntervalMs ?? 60_000,
    });
  }

  appender(): Appender {
    return new MemAppender(this.#head);
  }

  querier(mint: Millis, maxt: Millis): Promise<Querier> {
    return Promise.resolve(new MemQuerier(this.#head, mint, maxt));
  }

  exemplars(mint: Millis, maxt: Millis, matcherSets: readonly (readonly Matcher[])[]): Promise<ExemplarQueryResult[]> {
    return Promise.resolve(this.#head.exemplars.query(mint, maxt, matcherSets));
  }

  /**
   * Metadata by metric name (the series' `__name__`), each with its distinct
   * (type, help, unit) entries, names sorted; `limit` caps the number of metrics (0: all).
   * Only metrics of series that have samples in the storage are listed.
   */
  metadata(metric = '', limit = 0): Map<string, Metadata[]> {
    const head = this.#head;
    const names = metric !== '' ? [metric] : head.index.labelValues('__name__');
    const out = new Map<string, Metadata[]>();
    for (const name of names) {
      if (limit > 0 && out.size >= limit) break;
      const ids = head.index.postings('__name__', name);
      let list: Metadata[] | undefined;
      for (let k = 0; k < ids.length; k++) {
        const m = head.series[ids[k]!]?.meta;
        if (m === null || m === undefined) continue;
        list ??= [];
        if (!list.some((x) => x.type === m.type && x.help === m.help && x.unit === m.unit)) list.push(m);
      }
      if (list !== undefined) out.set(name, list);
    }
    return new Map([...out].sort((a, b) => compareUtf8(a[0], b[0])));
  }

  /**
   * Removes the samples in [mint, maxt] (ms, inclusive) of the series matching all matchers,
   * at once (there are no tombstones). Series left without samples stay listed until the
   * next garbage collection, as deleted series stay in Prometheus's index until compaction.
   * Returns the number of samples removed.
   */
  deleteSeries(mint: Millis, maxt: Millis, matchers: readonly Matcher[]): number {
    const head = this.#head;
    const ids = head.index.postingsForMatchers(matchers);
    let removed = 0;
    for (let k = 0; k < ids.length; k++) {
      const s = head.series[ids[k]!];
      if (s !== undefined) removed += s.deleteRange(mint, maxt);
    }
    head.numSamples -= removed;
    return removed;
  }

  /** Head-like statistics; `limit` bounds each top list (default 10, as Prometheus). */
  stats(limit = 10): HeadStats {
    return headStats(this.#head, limit);
  }

  /** Samples dropped at commit because a concurrent appender's commit overtook them. */
  get droppedAtCommit(): number {
    return this.#head.droppedAtCommit;
  }

  /** Applies retention and drops empty series now. */
  gc(): GCResult {
    return this.#head.gc();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
