/**
 * What a head replays on start, in order: the last checkpoint's segments, then the WAL
 * segments after the checkpoint's index. Damage inside the checkpoint is fatal (it cannot
 * be repaired: the head would not know which series were lost); damage in a WAL segment is
 * repaired with `repair(dir, err)`, as Prometheus does on open.
 */
import { WalReader, type SegmentRange } from './reader.js';
import { lastCheckpoint } from './segments.js';

export interface ReplayPlan {
  /** The checkpoint read first, or null. */
  checkpoint: { dir: string; index: number } | null;
  /** WAL segments read after it (from the checkpoint index + 1). */
  segments: SegmentRange;
  /** One reader over both, in order. `reader.dir()` tells whether a record came from the checkpoint. */
  reader: WalReader;
}

/**
 * `from`: the WAL position a loaded chunk snapshot covers up to (segment and offset of its
 * name). As in Prometheus, a checkpoint at or after that segment is still read, then the
 * segments after it; an older checkpoint is skipped and reading starts at `from`.
 */
export async function openReplay(walDir: string, from?: { segment: number; offset: number }): Promise<ReplayPlan> {
  let cp = await lastCheckpoint(walDir);
  if (cp !== null && from !== undefined && cp.index < from.segment) cp = null;
  const ranges: SegmentRange[] = [];
  if (cp !== null) ranges.push({ dir: cp.dir });
  let first = cp === null ? 0 : cp.index + 1;
  let offset = 0;
  if (from !== undefined && from.segment >= first) {
    first = from.segment;
    offset = from.offset;
  }
  const segments: SegmentRange = offset > 0 ? { dir: walDir, first, offset } : { dir: walDir, first };
  ranges.push(segments);
  return { checkpoint: cp, segments, reader: await WalReader.open(...ranges) };
}
