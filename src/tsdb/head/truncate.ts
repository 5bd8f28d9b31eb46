/**
 * Truncation after the DB persisted a block, as Prometheus's head does it:
 * - memory: in-order chunks ending before mint are dropped, and out-of-order chunks once an
 *   out-of-order compaction wrote them to a block (refs up to the head's `minOOOMmapRef`);
 *   series left without data (and not in an open batch) are garbage collected with their
 *   refs retired (never handed out again), and chunks_head files no series refers to any more
 *   are deleted;
 * - WAL: the lower two thirds of the segments are folded into a checkpoint holding the series
 *   still alive (and those collected recently, whose samples may still be in the WAL) and the
 *   samples from mint on; the folded segments and older checkpoints are deleted.
 */
import { chunkRefSeq } from '../chunks/index.js';
import { checkpoint, deleteCheckpoints, segmentRange, type CompressionType } from '../wal/index.js';
import type { Labels } from '../../model/index.js';
import type { Logger } from '../../util/log.js';
import type { HeadCore } from './head-core.js';
import { MM_STRIDE, type MemSeries } from './series.js';
import type { WalHandle } from './wal-handle.js';

export interface GCResult {
  seriesRemoved: number;
  chunksRemoved: number;
  /** Oldest in-order sample time still in the head (Infinity when none). */
  actualMint: number;
  /** Lowest chunks_head file still referenced (Infinity when none). */
  minMmapFile: number;
}

function minFile(s: MemSeries, cur: number): number {
  let min = cur;
  const m = s.mm;
  for (let i = 0; m !== null && i < s.mmLen; i += MM_STRIDE) {
    const r = m[i]!;
    if (r >= 0) { min = Math.min(min, chunkRefSeq(r)); break; }
  }
  const o = s.ooo;
  for (let i = 0; o !== null && o.mm !== null && i < o.mmLen; i += MM_STRIDE) min = Math.min(min, chunkRefSeq(o.mm[i]!));
  return min;
}

/**
 * Drops data before mint and collects empty series. `expiries` receives the refs of collected
 * series (for the WAL checkpoint, see truncateWAL).
 */
export function gc(core: HeadCore, mint: number, expiries: Map<number, number>): GCResult {
  const t0 = performance.now();
  let chunksRemoved = 0;
  let actualMint = Infinity;
  let minMmapFile = Infinity;
  const gone = new Set<number>();
  const goneLabels: Labels[] = [];
  let oooMin = Infinity, oooMax = -Infinity;
  for (const s of core.series.values()) {
    chunksRemoved += s.truncateMmapped(mint);
    if (s.chunk !== null && s.chunkMaxt < mint) {
      s.dropOpen();
      chunksRemoved++;
    }
    if (s.ooo !== null) {
      // Out-of-order chunks go only once a block holds them, whatever their times.
      chunksRemoved += s.ooo.truncateRefs(core.minOOOMmapRef);
      if (s.ooo.empty()) s.ooo = null;
    }
    if (s.numChunks() === 0 && s.ooo === null && s.pending === 0) {
      gone.add(s.ref);
      if (s.inIndex) goneLabels.push(s.labels);
      continue;
    }
    const smin = s.minTime();
    if (smin < actualMint) actualMint = smin;
    minMmapFile = minFile(s, minMmapFile);
    if (s.ooo !== null) {
      const [lo, hi] = s.ooo.timeRange();
      if (lo < oooMin) oooMin = lo;
      if (hi > oooMax) oooMax = hi;
    }
  }
  for (const ref of gone) {
    const s = core.series.get(ref)!;
    core.series.delete(ref);
    core.byLabels.delete(s);
    core.exemplars.forget(s);
    if (s.logged) expiries.set(ref, actualMint);
  }
  if (gone.size > 0) {
    core.postings.delete(gone, goneLabels);
    core.tombstones.deleteTombstones(gone);
  }
  core.tombstones.truncateBefore(mint);
  core.minOOOTime = oooMin;
  core.maxOOOTime = oooMax;
  const c = core.counters;
  c.seriesRemoved += gone.size;
  c.chunksRemoved += chunksRemoved;
  c.chunks -= chunksRemoved;
  c.gcSeconds += (performance.now() - t0) / 1000;
  c.gcCount++;
  return { seriesRemoved: gone.size, chunksRemoved, actualMint, minMmapFile };
}

export interface TruncateWalOptions {
  wal: WalHandle;
  compression: CompressionType;
  /** Write the checkpoint's samples as V2 records, keeping their start timestamps (`st-storage`). */
  enableSTStorage: boolean;
  logger: Logger;
}

/** Checkpoints the WAL up to two thirds of its segments and deletes what the checkpoint replaces. */
export async function truncateWAL(core: HeadCore, mint: number, expiries: Map<number, number>, o: TruncateWalOptions): Promise<void> {
  const t0 = performance.now();
  const dir = o.wal.dir;
  const c = core.counters;
  const { first } = await segmentRange(dir);
  // A new segment first, so a quiet head does not keep more WAL than needed.
  await o.wal.wal.nextSegment();
  const { last: newest } = await segmentRange(dir);
  let last = newest - 1; // never the segment being written
  if (last < 0 || first < 0) return;
  last = first + Math.trunc(((last - first) * 2) / 3);
  if (last <= first) return;
  c.checkpointCreations++;
  const keep = (ref: number): boolean => core.series.has(ref) || (expiries.get(ref) ?? -Infinity) >= mint;
  try {
    await checkpoint(dir, first, last, keep, mint, { compression: o.compression, enableSTStorage: o.enableSTStorage, logger: o.logger });
  } catch (e) {
    c.checkpointCreationsFailed++;
    throw new Error(`create checkpoint: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    await o.wal.wal.truncate(last + 1);
  } catch (e) {
    // Leftover segments are ignored next time: the checkpoint supersedes them.
    o.logger.error('truncating segments failed', { err: e instanceof Error ? e.message : String(e) });
  }
  for (const [ref, until] of expiries) if (until < mint) expiries.delete(ref);
  c.checkpointDeletions++;
  try {
    await deleteCheckpoints(dir, last);
  } catch (e) {
    c.checkpointDeletionsFailed++;
    o.logger.error('delete old checkpoints', { err: e instanceof Error ? e.message : String(e) });
  }
  const secs = (performance.now() - t0) / 1000;
  c.walTruncateSeconds += secs;
  c.walTruncateCount++;
  o.logger.info('WAL checkpoint complete', { first, last, duration: `${secs.toFixed(3)}s` });
}
