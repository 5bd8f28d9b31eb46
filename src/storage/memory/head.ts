/**
 * The state of the memory storage: series by id and by labels, the label index, exemplars,
 * and the rules that apply a committed batch and collect garbage. Appenders and queriers work
 * on it; `MemoryStorage` is its public face.
 */
import { APPEND_ERROR_TEXT, AppendError, type SeriesRef } from '../interface.js';
import type { Labels } from '../../model/index.js';
import { Batch } from './batch.js';
import { ExemplarRing } from './exemplars.js';
import { histogramsEqual } from './histogram.js';
import { LabelIndex } from './label-index.js';
import { MemSeries, SampleKind, type AnyHistogram } from './series.js';

export interface GCResult {
  removedSeries: number;
  removedSamples: number;
}

/** Whether a sample equals the one stored (or batched) at the same timestamp: such a repeat is dropped silently. */
export function sameSample(kindA: number, vA: number, hA: AnyHistogram | null | undefined, kindB: number, vB: number, hB: AnyHistogram | null | undefined): boolean {
  if (kindA !== kindB) return false;
  switch (kindA) {
    case SampleKind.Float: return Object.is(vA, vB);
    case SampleKind.Stale: return true;
    default: return hA != null && hB != null && histogramsEqual(hA, hB);
  }
}

const MAX_POOLED_BATCHES = 8;

export class MemHead {
  /** By id; index 0 is never used (ref 0 means unknown). */
  readonly series: (MemSeries | undefined)[] = [undefined];
  readonly byKey = new Map<string, MemSeries>();
  readonly index = new LabelIndex();
  readonly exemplars: ExemplarRing;
  readonly retentionMs: number;
  minTime = Infinity;
  maxTime = -Infinity;
  numSamples = 0;
  /** Samples that passed the append checks but lost to a concurrent appender's commit. */
  droppedAtCommit = 0;

  /** Ids free for reuse, and ids freed by the last GC that wait one more cycle. */
  #free: number[] = [];
  #quarantine: number[] = [];
  readonly #gcIntervalMs: number;
  #lastGC = Date.now();
  readonly #pool: Batch[] = [];

  constructor(opts: { retentionMs: number; maxExemplars: number; gcIntervalMs: number }) {
    this.retentionMs = opts.retentionMs;
    this.exemplars = new ExemplarRing(opts.maxExemplars);
    this.#gcIntervalMs = opts.gcIntervalMs;
  }

  /** Samples before this are out of bounds: they would fall out of retention at once. */
  get minValidTime(): number {
    return this.retentionMs > 0 ? this.maxTime - this.retentionMs : -Infinity;
  }

  /**
   * The series for a ref or, when the ref is unknown or stale (its series was collected and
   * the id now names other labels), for the labels; created when new. O(1) either way.
   */
  getOrCreate(ref: SeriesRef, labels: Labels): MemSeries {
    const byRef = this.series[ref];
    if (byRef !== undefined && (byRef.labels === labels || byRef.labels.equals(labels))) return byRef;
    const key = labels.key();
    const s = this.byKey.get(key);
    if (s !== undefined) return s;
    if (labels.isEmpty()) throw new AppendError('invalid_sample', `empty labelset: ${APPEND_ERROR_TEXT.invalid_sample}`);
    const dup = labels.findDuplicateName();
    if (dup !== '') throw new AppendError('invalid_sample', `label name "${dup}" is not unique: ${APPEND_ERROR_TEXT.invalid_sample}`);
    const id = this.#free.pop() ?? this.series.length;
    const created = new MemSeries(id, labels);
    this.series[id] = created;
    this.byKey.set(key, created);
    return created;
  }

  takeBatch(): Batch {
    return this.#pool.pop() ?? new Batch();
  }

  #release(b: Batch): void {
    b.reset();
    if (this.#pool.length < MAX_POOLED_BATCHES) this.#pool.push(b);
  }

  /**
   * Applies a batch. The append checks ran against the state when each sample was appended;
   * a sample that another appender's commit has since overtaken is dropped (and counted),
   * so every series stays in time order.
   */
  commit(b: Batch, owner: object): void {
    const { series, ts, vs, kinds, hs } = b;
    let minT = this.minTime, maxT = this.maxTime;
    for (let i = 0; i < b.n; i++) {
      const s = series[i]!;
      s.pending--;
      if (s.batchOwner === owner) s.batchOwner = null;
      const t = ts[i]!, v = vs[i]!, kind = kinds[i]! as SampleKind;
      const h = kind >= SampleKind.Histogram ? hs[i]! : null;
      const last = s.n - 1;
      if (last >= s.start) {
        const lt = s.ts[last]!;
        if (t <= lt) {
          if (!(t === lt && sameSample(kind, v, h, s.kinds[last]!, s.vs[last]!, s.hs?.[last]))) this.droppedAtCommit++;
          continue;
        }
      }
      s.push(t, v, kind, h);
      this.numSamples++;
      if (!s.indexed) {
        this.index.add(s.id, s.labels);
        s.indexed = true;
      }
      if (t < minT) minT = t;
      if (t > maxT) maxT = t;
    }
    this.minTime = minT;
    this.maxTime = maxT;
    for (let k = 0; k < b.exSeries.length; k++) {
      const s = b.exSeries[k]!;
      s.pending--;
      const t = b.exTs[k]!, v = b.exVs[k]!, l = b.exLabels[k]!;
      const nw = this.exemplars.newest(s);
      if (nw !== null && (t < nw.ts! || (t === nw.ts && (v < nw.value || (Object.is(v, nw.value) && l.equals(nw.labels)))))) continue;
      this.exemplars.add(s, l, v, t);
    }
    for (let k = 0; k < b.metaSeries.length; k++) {
      const s = b.metaSeries[k]!;
      s.pending--;
      s.meta = b.metas[k]!;
    }
    this.#release(b);
    if (this.#gcIntervalMs > 0 && Date.now() - this.#lastGC >= this.#gcIntervalMs) this.gc();
  }

  rollback(b: Batch, owner: object): void {
    for (let i = 0; i < b.n; i++) {
      const s = b.series[i]!;
      s.pending--;
      if (s.batchOwner === owner) s.batchOwner = null;
    }
    for (const s of b.exSeries) s.pending--;
    for (const s of b.metaSeries) s.pending--;
    this.#release(b);
  }

  /**
   * Drops samples older than the retention window (relative to the newest sample), then every
   * series left without samples and without pending appends. Ids freed here become reusable
   * only after the next collection, and a reused id is never mistaken for its old series
   * because refs are always checked against the labels.
   */
  gc(): GCResult {
    this.#lastGC = Date.now();
    const cutoff = this.minValidTime;
    let removedSamples = 0;
    let minT = Infinity;
    const dead: MemSeries[] = [];
    const all = this.series;
    for (let id = 1; id < all.length; id++) {
      const s = all[id];
      if (s === undefined) continue;
      if (cutoff > -Infinity) removedSamples += s.truncateBefore(cutoff);
      if (s.n === s.start) {
        if (s.pending === 0) dead.push(s);
      } else if (s.ts[s.start]! < minT) {
        minT = s.ts[s.start]!;
      }
    }
    this.numSamples -= removedSamples;
    this.minTime = minT;
    const indexed: MemSeries[] = [];
    for (const s of dead) {
      all[s.id] = undefined;
      this.byKey.delete(s.labels.key());
      this.exemplars.forget(s);
      if (s.indexed) indexed.push(s);
    }
    this.index.remove(indexed);
    for (const id of this.#quarantine) this.#free.push(id);
    this.#quarantine = [];
    for (const s of dead) this.#quarantine.push(s.id);
    return { removedSeries: dead.length, removedSamples };
  }
}
