/**
 * Names and listings of a WAL directory: segment files `00000000`, `00000001`, ... (eight
 * digits, as Prometheus names them) and checkpoint directories `checkpoint.00000012`.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_PREFIX, CHECKPOINT_TMP_SUFFIX } from './constants.js';

export interface SegmentRef {
  name: string;
  index: number;
}

export function segmentName(dir: string, i: number): string {
  return join(dir, String(i).padStart(8, '0'));
}

function parseIndex(s: string): number | null {
  if (!/^[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** The segment files of `dir`, ascending. Throws when their numbers have a gap. */
export async function listSegments(dir: string): Promise<SegmentRef[]> {
  const refs: SegmentRef[] = [];
  for (const name of await readdir(dir)) {
    const index = parseIndex(name);
    if (index !== null) refs.push({ name, index });
  }
  refs.sort((a, b) => a.index - b.index);
  for (let i = 0; i + 1 < refs.length; i++) {
    if (refs[i]!.index + 1 !== refs[i + 1]!.index) throw new Error('segments are not sequential');
  }
  return refs;
}

/** The first and last segment index of `dir`, or -1 and -1 when it has none. */
export async function segmentRange(dir: string): Promise<{ first: number; last: number }> {
  const refs = await listSegments(dir);
  if (refs.length === 0) return { first: -1, last: -1 };
  return { first: refs[0]!.index, last: refs[refs.length - 1]!.index };
}

/** Deletes the segment files of `dir` with an index below `index`; returns how many. */
export async function deleteSegmentsBefore(dir: string, index: number): Promise<number> {
  let n = 0;
  for (const r of await listSegments(dir)) {
    if (r.index >= index) break;
    await rm(segmentName(dir, r.index));
    n++;
  }
  return n;
}

export function checkpointDir(dir: string, i: number): string {
  return join(dir, CHECKPOINT_PREFIX + String(i).padStart(8, '0'));
}

/** The checkpoint directories of `dir`, ascending by index (temporary ones excluded). */
export async function listCheckpoints(dir: string): Promise<SegmentRef[]> {
  const refs: SegmentRef[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.name.startsWith(CHECKPOINT_PREFIX)) continue;
    if (!e.isDirectory()) throw new Error(`checkpoint ${e.name} is not a directory`);
    const index = parseIndex(e.name.slice(CHECKPOINT_PREFIX.length));
    if (index !== null) refs.push({ name: e.name, index });
  }
  refs.sort((a, b) => a.index - b.index);
  return refs;
}

/** The newest checkpoint, or null when there is none. */
export async function lastCheckpoint(dir: string): Promise<{ dir: string; index: number } | null> {
  const refs = await listCheckpoints(dir);
  const last = refs[refs.length - 1];
  return last === undefined ? null : { dir: join(dir, last.name), index: last.index };
}

/** Deletes the checkpoints with an index below `maxIndex`. */
export async function deleteCheckpoints(dir: string, maxIndex: number): Promise<void> {
  const errs: unknown[] = [];
  for (const r of await listCheckpoints(dir)) {
    if (r.index >= maxIndex) break;
    try {
      await rm(join(dir, r.name), { recursive: true, force: true });
    } catch (e) {
      errs.push(e);
    }
  }
  if (errs.length > 0) throw new AggregateError(errs, 'delete checkpoints');
}

/** Deletes `checkpoint.*.tmp` directories left by an interrupted checkpoint. */
export async function deleteTempCheckpoints(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith(CHECKPOINT_PREFIX) && e.name.endsWith(CHECKPOINT_TMP_SUFFIX)) {
      await rm(join(dir, e.name), { recursive: true, force: true });
    }
  }
}

/** Bytes of all files under `dir` (the `prometheus_tsdb_wal_storage_size_bytes` figure). */
export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}
