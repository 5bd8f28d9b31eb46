/**
 * Stale series compaction (`storage.tsdb.stale_series_compaction_threshold`), as Prometheus
 * 3.x does it: when at least that share of the head's series are stale (their newest sample
 * is a stale marker, e.g. targets that went away) and the next regular head compaction is not
 * due within 10 minutes, those series (without out-of-order data) are written to blocks of
 * their own, one per block range from the head's first range to its newest sample, marked
 * `from-stale-series`, and then deleted from the head, each deletion logged to the WAL as a
 * tombstone over all time. Series that got a sample meanwhile stay in the head. Such blocks
 * do not move the WAL replay's lower bound and are compacted only with their own kind
 * (planner.ts).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HINT_FROM_STALE_SERIES, type BlockMeta } from '../block/index.js';
import { compactOpts, type CompactionHost } from './compaction-run.js';
import { writeLevel1Block } from './compactor.js';

/** A regular head compaction due within this long makes a stale series compaction wait for it. */
export const STALE_COMPACTION_SOON_MS = 10 * 60_000;

/**
 * Whether the head's stale series should be compacted now: `threshold` in (0, 1] reached,
 * and no regular head compaction due soon (the last one, plus one block range, more than 10
 * minutes away; unknown before the first).
 */
export function staleCompactionDue(counts: { series: number; stale: number }, threshold: number, lastHeadCompactionMs: number | null, chunkRange: number, now: number): boolean {
  if (!(threshold > 0) || counts.series === 0) return false;
  if (counts.stale / counts.series < threshold) return false;
  if (lastHeadCompactionMs === null) return true;
  return now + STALE_COMPACTION_SOON_MS <= lastHeadCompactionMs + chunkRange;
}

/** Writes the stale series to blocks and deletes them from the head; resolves to how many were deleted. */
export async function compactStaleSeries(h: CompactionHost): Promise<number> {
  const head = h.head();
  const seam = head?.staleSeries;
  if (head === null || seam === undefined) return 0;
  const m = h.metrics;
  m.staleCompactionsTriggered.labels().inc();
  const t0 = performance.now();
  try {
    const refs = seam.refs();
    h.logger.info('Starting stale series compaction', { num_series: refs.length });
    if (refs.length === 0) return 0;
    const only = new Set(refs);
    const range = h.chunkRange;
    const headMin = head.minTime();
    const maxt = head.maxTime();
    const written: BlockMeta[] = [];
    for (let mint = range * Math.floor(headMin / range); mint <= maxt; mint += range) {
      if (h.signal.aborted) throw new Error('stale series compaction: the TSDB is closing');
      const meta = await writeLevel1Block(h.dir, seam.blockSource(only, mint, mint + range - 1), mint, mint + range, {
        ...compactOpts(h), hints: [HINT_FROM_STALE_SERIES],
      });
      if (meta === null) continue;
      written.push(meta);
      h.logger.info('Head portion block created', { ulids: meta.ulid, min_time: mint, max_time: mint + range - 1 });
    }
    try {
      await h.reloadBlocks();
    } catch (e) {
      for (const b of written) await rm(join(h.dir, b.ulid), { recursive: true, force: true });
      throw new Error(`reloadBlocks blocks: ${(e as Error).message}`, { cause: e });
    }
    const n = await seam.delete(refs, maxt);
    const secs = (performance.now() - t0) / 1000;
    m.staleCompactionDuration.labels().observe(secs);
    h.logger.info('Ending stale series compaction', { num_series: n, duration: `${secs.toFixed(3)}s` });
    return n;
  } catch (e) {
    m.staleCompactionsFailed.labels().inc();
    throw e;
  }
}
