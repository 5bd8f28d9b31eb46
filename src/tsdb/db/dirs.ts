/**
 * The data directory's layout, as Prometheus reads it: block directories are named by their
 * ULID; `<ulid>.tmp-for-creation` (an interrupted write), `<ulid>.tmp-for-deletion` (an
 * interrupted delete) and `<ulid>.tmp` (older versions) are leftovers removed at open, as
 * are interrupted chunk snapshots.
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidULID, syncDir } from '../block/index.js';

export const TMP_FOR_DELETION_SUFFIX = '.tmp-for-deletion';
export const TMP_FOR_CREATION_SUFFIX = '.tmp-for-creation';
const TMP_LEGACY_SUFFIX = '.tmp';
const CHUNK_SNAPSHOT_PREFIX = 'chunk_snapshot.';

/** Whether `name` is a leftover temporary directory name. */
export function isTmpDirName(name: string): boolean {
  for (const ext of [TMP_FOR_DELETION_SUFFIX, TMP_FOR_CREATION_SUFFIX, TMP_LEGACY_SUFFIX]) {
    if (!name.endsWith(ext)) continue;
    if (name.startsWith(CHUNK_SNAPSHOT_PREFIX)) return true;
    if (isValidULID(name.slice(0, -ext.length))) return true;
  }
  return false;
}

/** Removes leftover temporary directories in `dir`; returns their names. */
export async function removeTmpDirs(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || !isTmpDirName(e.name)) continue;
    await rm(join(dir, e.name), { recursive: true, force: true });
    removed.push(e.name);
  }
  return removed;
}

/** Block directories (ULID-named) in `dir`, sorted by name. */
export async function blockDirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() && isValidULID(e.name)) out.push(e.name);
  }
  return out.sort();
}

/** Deletes a block directory atomically: renamed to `.tmp-for-deletion` first, then removed. */
export async function deleteBlockDir(parent: string, ulid: string): Promise<boolean> {
  const dir = join(parent, ulid);
  try {
    await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const tmp = join(parent, ulid + TMP_FOR_DELETION_SUFFIX);
  await rename(dir, tmp);
  await syncDir(parent);
  await rm(tmp, { recursive: true, force: true });
  return true;
}

/** Total bytes of the files under `dir` (0 when it does not exist). */
export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}
