/**
 * Retention as Prometheus applies it when reloading blocks: whole blocks are deleted, oldest
 * first, never parts of them.
 * - By time: blocks ordered newest first by maxTime; from the first block (other than the
 *   newest) whose maxTime is at least the retention before the newest block's maxTime, that
 *   block and every older one go.
 * - By size: the head's disk bytes (WAL, head chunks) plus blocks, newest first; from the
 *   block that makes the total exceed the limit, that block and every older one go.
 */
import type { BlockMeta } from '../block/index.js';

export interface SizedBlock {
  meta: BlockMeta;
  size: number;
}

/** Newest first by maxTime (stable for equal maxTime). */
export function newestFirst<T extends SizedBlock>(blocks: readonly T[]): T[] {
  return [...blocks].sort((a, b) => b.meta.maxTime - a.meta.maxTime);
}

/** ULIDs of the blocks beyond the time retention (`retentionMs` 0: disabled). */
export function beyondTimeRetention(blocks: readonly SizedBlock[], retentionMs: number): string[] {
  if (blocks.length === 0 || retentionMs <= 0) return [];
  const sorted = newestFirst(blocks);
  const newest = sorted[0]!.meta.maxTime;
  for (let i = 1; i < sorted.length; i++) {
    if (newest - sorted[i]!.meta.maxTime >= retentionMs) return sorted.slice(i).map((b) => b.meta.ulid);
  }
  return [];
}

/** ULIDs of the blocks beyond the size retention (`maxBytes` 0: disabled). */
export function beyondSizeRetention(blocks: readonly SizedBlock[], maxBytes: number, headBytes: number): string[] {
  if (blocks.length === 0 || maxBytes <= 0) return [];
  const sorted = newestFirst(blocks);
  let total = headBytes;
  for (let i = 0; i < sorted.length; i++) {
    total += sorted[i]!.size;
    if (total > maxBytes) return sorted.slice(i).map((b) => b.meta.ulid);
  }
  return [];
}
