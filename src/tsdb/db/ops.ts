/**
 * Operations on persisted blocks used by the DB's admin calls: snapshots by hard links, and
 * meta.json flags written after the fact (a failed compaction, a block made redundant).
 */
import { existsSync } from 'node:fs';
import { link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CHUNKS_DIRNAME, INDEX_FILENAME, META_FILENAME, readMetaFile, writeMetaFile, type Block, type BlockMetaCompaction } from '../block/index.js';
import { TOMBSTONES_FILENAME } from '../tombstones/index.js';

/** Hard-links a block's files into `<dir>/<ulid>/`, as Prometheus's block snapshot does. */
export async function snapshotBlock(b: Block, dir: string): Promise<void> {
  const blockDir = join(dir, b.ulid);
  const chunksDir = join(blockDir, CHUNKS_DIRNAME);
  try {
    await mkdir(chunksDir, { recursive: true });
  } catch (e) {
    throw new Error(`create snapshot block dir: ${(e as Error).message}`, { cause: e });
  }
  for (const name of [META_FILENAME, INDEX_FILENAME, TOMBSTONES_FILENAME]) {
    const from = join(b.dir, name);
    // Blocks written without tombstones file read as having none; so do their snapshots.
    if (name === TOMBSTONES_FILENAME && !existsSync(from)) continue;
    try {
      await link(from, join(blockDir, name));
    } catch (e) {
      throw new Error(`create snapshot ${name}: ${(e as Error).message}`, { cause: e });
    }
  }
  const src = join(b.dir, CHUNKS_DIRNAME);
  let files: string[];
  try {
    files = await readdir(src);
  } catch (e) {
    throw new Error(`ReadDir the current chunk dir: ${(e as Error).message}`, { cause: e });
  }
  for (const f of files) {
    try {
      await link(join(src, f), join(chunksDir, f));
    } catch (e) {
      throw new Error(`hardlink a chunk: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** Rewrites a block's meta.json with changed compaction flags (failed, deletable). */
export async function setCompactionFlags(blockDir: string, flags: Partial<Pick<BlockMetaCompaction, 'failed' | 'deletable'>>): Promise<void> {
  const { meta } = await readMetaFile(blockDir);
  await writeMetaFile(blockDir, { ...meta, compaction: { ...meta.compaction, ...flags } });
}
