/**
 * A TSDB data directory opened read-only, as promtool opens it (`tsdb.OpenDBReadOnly`): the
 * blocks are the subdirectories named by a ULID; a block whose meta.json cannot be read is
 * skipped, one that fails to open is an error unless a loaded block lists it as a parent.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoText } from '../../util/errno.js';
import { Block, isValidULID, readMetaFile, ulidTime } from '../block/index.js';

/** Thrown for the failures promtool reports in its own words (`opening the db dir: ...`). */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

/** Checks that the directory exists, as `OpenDBReadOnly` does first. */
export async function checkDataDir(dir: string): Promise<void> {
  try {
    await stat(dir);
  } catch (e) {
    throw new DataDirError(`opening the db dir: stat ${dir}: ${errnoText(e)}`, { cause: e });
  }
}

async function blockDirNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) if (e.isDirectory() && isValidULID(e.name)) out.push(e.name);
  return out.sort();
}

/**
 * Opens every block of the data directory, sorted by their minimum time. The caller closes
 * them. Fails like Prometheus when a block is corrupted (and not superseded).
 */
export async function openBlocks(dir: string): Promise<Block[]> {
  let names: string[];
  try {
    names = await blockDirNames(dir);
  } catch (e) {
    throw new DataDirError(`find blocks: open ${dir}: ${errnoText(e)}`, { cause: e });
  }
  const loaded: Block[] = [];
  const corrupted = new Map<string, unknown>();
  for (const n of names) {
    const bdir = join(dir, n);
    let ulid: string;
    try {
      ulid = (await readMetaFile(bdir)).meta.ulid;
    } catch {
      continue; // Prometheus logs and skips a block without a readable meta.json.
    }
    try {
      loaded.push(await Block.open(bdir));
    } catch (e) {
      corrupted.set(ulid, e);
    }
  }
  for (const b of loaded) for (const p of b.meta.compaction.parents) corrupted.delete(p.ulid);
  if (corrupted.size > 0) {
    await closeAll(loaded);
    const msgs: string[] = [];
    for (const [u, e] of corrupted) msgs.push(`corrupted block ${u}: ${e instanceof Error ? e.message : String(e)}`);
    throw new DataDirError(msgs.join('\n'));
  }
  loaded.sort((a, b) => a.meta.minTime - b.meta.minTime);
  return loaded;
}

export async function closeAll(blocks: readonly Block[]): Promise<void> {
  for (const b of blocks) await b.close();
}

/** The block directory whose ULID has the latest time (`DBReadOnly.LastBlockID`). */
export async function lastBlockID(dir: string): Promise<string> {
  const entries = await readdir(dir);
  entries.sort();
  let maxT = 0;
  let last = '';
  for (const name of entries) {
    if (!isValidULID(name)) continue;
    const t = ulidTime(name);
    if (t > maxT) {
      maxT = t;
      last = name;
    }
  }
  if (last === '') throw new DataDirError('no blocks found');
  return last;
}

/** Opens one block by its directory name (`DBReadOnly.Block`). */
export async function openBlockByID(dir: string, id: string): Promise<Block> {
  try {
    await stat(join(dir, id));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DataDirError(`invalid block ID ${id}`, { cause: e });
  }
  return Block.open(join(dir, id));
}
