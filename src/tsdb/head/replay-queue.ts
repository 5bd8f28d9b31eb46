/**
 * In-order float samples of the WAL replay, gathered across records and applied series by
 * series. The WAL holds samples in commit order: one record per commit, each touching a
 * thousand series once. Applying them in that order touches a different series, chunk and
 * chunk buffer for every sample, so on a head of any size nearly every sample pays for cache
 * misses. Applied per series instead (each series' samples in WAL order), one series' state
 * stays in cache for all its samples.
 *
 * Order within a series is all that applying depends on (the series' newest time, its open
 * chunk); the head's min and max time and its counters are sums and extremes. So the replay
 * may hold samples here as long as nothing else applies a sample to a series that has some
 * held: it flushes before any other path applies samples (histogram records, the general
 * path, a record with a duplicate series' ref), at the end of each segment and when full.
 *
 * Samples are linked per series ref (head and tail per ref, next per sample), and the refs
 * are remembered in the order of their first sample; a flush walks them in that order.
 */
import { Applied, type HeadCore } from './head-core.js';
import type { ReplayResult } from './options.js';

/** Samples held before a flush: 16 bytes of time and value and 5 of links and flags each. */
const CAPACITY = 1 << 16;

export class ReplayQueue {
  private readonly t = new Float64Array(CAPACITY);
  private readonly v = new Float64Array(CAPACITY);
  private readonly stale = new Uint8Array(CAPACITY);
  private readonly next = new Int32Array(CAPACITY);
  /** First and last held sample per ref (-1: none); sized to the largest ref seen. */
  private first = new Int32Array(0);
  private last = new Int32Array(0);
  /** Refs with held samples, in the order of their first one. */
  private refs = new Int32Array(1024);
  private numRefs = 0;
  private n = 0;

  /** Whether the queue is full: the caller flushes before pushing more. */
  full(): boolean {
    return this.n === CAPACITY;
  }

  /**
   * Holds a sample for the series with this ref (a small non-negative integer: the refs the
   * replay keeps densely). The caller checks `full()` first.
   */
  push(ref: number, t: number, v: number, stale: boolean): void {
    if (ref >= this.first.length) this.growRefs(ref);
    const i = this.n++;
    this.t[i] = t;
    this.v[i] = v;
    this.stale[i] = stale ? 1 : 0;
    this.next[i] = -1;
    const tail = this.last[ref]!;
    if (tail < 0) {
      this.first[ref] = i;
      if (this.numRefs === this.refs.length) {
        const r = new Int32Array(this.refs.length * 2);
        r.set(this.refs);
        this.refs = r;
      }
      this.refs[this.numRefs++] = ref;
    } else {
      this.next[tail] = i;
    }
    this.last[ref] = i;
  }

  /** Applies every held sample, series by series, and empties the queue (nothing to do when empty). */
  flush(core: HeadCore, res: ReplayResult): void {
    const { t, v, stale, next, first, last, refs } = this;
    let applied = 0, skipped = 0;
    for (let k = 0; k < this.numRefs; k++) {
      const ref = refs[k]!;
      const s = core.series.get(ref)!;
      for (let i = first[ref]!; i >= 0; i = next[i]!) {
        if (core.applyFloat(s, t[i]!, v[i]!, stale[i] === 1, null) === Applied.InOrder) applied++;
        else skipped++;
      }
      first[ref] = -1;
      last[ref] = -1;
    }
    res.samples += applied;
    res.skippedSamples += skipped;
    this.numRefs = 0;
    this.n = 0;
  }

  private growRefs(ref: number): void {
    let n = Math.max(1024, this.first.length * 2);
    while (n <= ref) n *= 2;
    const f = new Int32Array(n).fill(-1);
    f.set(this.first);
    const l = new Int32Array(n).fill(-1);
    l.set(this.last);
    this.first = f;
    this.last = l;
  }
}
