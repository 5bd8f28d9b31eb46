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

export async function openReplay(walDir: string): Promise<ReplayPlan> {
  const cp = await lastCheckpoint(walDir);
  const ranges: SegmentRange[] = [];
  if (cp !== null) ranges.push({ dir: cp.dir });
  const segments: SegmentRange = { dir: walDir, first: cp === null ? 0 : cp.index + 1 };
  ranges.push(segments);
  return { checkpoint: cp, segments, reader: await WalReader.open(...ranges) };
}
