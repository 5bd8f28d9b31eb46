/**
 * Choosing what to compact, as Prometheus's leveled compactor plans (`Plan`):
 * 1. blocks overlapping in time, first group found, are compacted together (vertical
 *    compaction);
 * 2. otherwise, leaving out the newest block (so that a fresh block can be backed up whole
 *    before it is compacted away), the first group of blocks that fills one of the larger
 *    ranges (or that lies wholly before the newest block) and has more than one block;
 * 3. otherwise a big enough block with more than 5% tombstones, or a small one whose
 *    tombstones cover as many series as it has, is rewritten alone.
 * Ranges are exponential: 2h, 6h, 18h, ... (×3), cut at the maximum block duration.
 * Blocks of part of the head's series (Prometheus 3.x's stale and selected series
 * compactions, by their meta.json hint) are planned apart from the others, each kind on its
 * own and after the regular blocks, so that a merged block keeps its hint.
 */
import { HINT_FROM_SELECTED_SERIES, HINT_FROM_STALE_SERIES, partialHeadHint, type BlockMeta } from '../block/index.js';

/** A block as the planner sees it: its directory and meta.json. */
export interface PlanBlock {
  dir: string;
  meta: BlockMeta;
}

/** `steps` ranges from `minSize`, each `stepSize` times the previous. */
export function exponentialBlockRanges(minSize: number, steps: number, stepSize: number): number[] {
  const out: number[] = [];
  let cur = minSize;
  for (let i = 0; i < steps; i++) {
    out.push(cur);
    cur *= stepSize;
  }
  return out;
}

/** Prometheus's ranges for a DB: ×3 steps from the minimum, none above the maximum block duration. */
export function compactionRanges(minBlockMs: number, maxBlockMs: number): number[] {
  const out: number[] = [];
  for (const r of exponentialBlockRanges(minBlockMs, 10, 3)) {
    if (r > maxBlockMs) break;
    out.push(r);
  }
  return out.length > 0 ? out : [minBlockMs];
}

/** The first group of blocks overlapping in time; input sorted by minTime. */
export function selectOverlappingDirs(ds: readonly PlanBlock[]): string[] {
  if (ds.length < 2) return [];
  const out: string[] = [];
  let globalMaxt = ds[0]!.meta.maxTime;
  for (let i = 1; i < ds.length; i++) {
    const d = ds[i]!;
    if (d.meta.minTime < globalMaxt) {
      if (out.length === 0) out.push(ds[i - 1]!.dir);
      out.push(d.dir);
    } else if (out.length > 0) {
      break;
    }
    if (d.meta.maxTime > globalMaxt) globalMaxt = d.meta.maxTime;
  }
  return out;
}

/** Floor division for negative times too, as Prometheus aligns ranges. */
function alignedStart(t: number, tr: number): number {
  return t >= 0 ? tr * Math.floor(t / tr) : tr * Math.trunc((t - tr + 1) / tr);
}

/**
 * Groups blocks (sorted by minTime) by the aligned range of width `tr` they fall in; blocks
 * that reach past the end of their range are left out.
 */
export function splitByRange<T extends PlanBlock>(ds: readonly T[], tr: number): T[][] {
  const out: T[][] = [];
  let i = 0;
  while (i < ds.length) {
    const m = ds[i]!.meta;
    const t0 = alignedStart(m.minTime, tr);
    if (m.maxTime > t0 + tr) {
      i++;
      continue;
    }
    const group: T[] = [];
    for (; i < ds.length; i++) {
      if (ds[i]!.meta.maxTime > t0 + tr) break;
      group.push(ds[i]!);
    }
    if (group.length > 0) out.push(group);
  }
  return out;
}

/** The leveled rule: blocks to merge into one block of a larger range, or none. */
export function selectDirs<T extends PlanBlock>(ds: readonly T[], ranges: readonly number[]): T[] {
  if (ranges.length < 2 || ds.length < 1) return [];
  const highTime = ds[ds.length - 1]!.meta.minTime;
  for (const iv of ranges.slice(1)) {
    const parts = splitByRange(ds, iv);
    for (const p of parts) {
      if (p.some((d) => d.meta.compaction.failed)) continue;
      const mint = p[0]!.meta.minTime;
      const maxt = p[p.length - 1]!.meta.maxTime;
      // A full range, or a partial one that the newest block has already moved past.
      if ((maxt - mint === iv || maxt <= highTime) && p.length > 1) return p;
    }
  }
  return [];
}

/** The directories to compact next (empty: nothing to do). */
export function plan(blocks: readonly PlanBlock[], ranges: readonly number[], allowOverlapping = true): string[] {
  const regular: PlanBlock[] = [], stale: PlanBlock[] = [], selected: PlanBlock[] = [];
  for (const b of blocks) {
    const hint = partialHeadHint(b.meta.compaction);
    (hint === HINT_FROM_STALE_SERIES ? stale : hint === HINT_FROM_SELECTED_SERIES ? selected : regular).push(b);
  }
  if (regular.length === blocks.length) return planClass(blocks, ranges, allowOverlapping);
  // Regular blocks first, so that blocks of partial head data never hold up their compaction.
  for (const cls of [regular, stale, selected]) {
    const res = planClass(cls, ranges, allowOverlapping);
    if (res.length > 0) return res;
  }
  return [];
}

function planClass(blocks: readonly PlanBlock[], ranges: readonly number[], allowOverlapping: boolean): string[] {
  if (blocks.length === 0) return [];
  const ds = [...blocks].sort((a, b) => a.meta.minTime - b.meta.minTime);
  if (allowOverlapping) {
    const res = selectOverlappingDirs(ds);
    if (res.length > 0) return res;
  }
  const older = ds.slice(0, -1);
  const sel = selectDirs(older, ranges);
  if (sel.length > 0) return sel.map((d) => d.dir);
  const mid = ranges[Math.floor(ranges.length / 2)]!;
  for (let i = older.length - 1; i >= 0; i--) {
    const m = older[i]!.meta;
    if (m.maxTime - m.minTime < mid) {
      // Small blocks are rewritten only when wholly deleted (one tombstone per series assumed).
      if (m.stats.numTombstones > 0 && m.stats.numTombstones >= m.stats.numSeries) return [older[i]!.dir];
      break;
    }
    if (m.stats.numTombstones / (m.stats.numSeries + 1) > 0.05) return [older[i]!.dir];
  }
  return [];
}
