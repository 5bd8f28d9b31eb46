/**
 * Writes a new block the way Prometheus's compactor does: everything goes into
 * `<parent>/<ulid>.tmp-for-creation` (chunks, index, meta.json, tombstones), every file and
 * the directory are fsynced, then the directory is renamed to `<parent>/<ulid>` and the
 * parent fsynced. A failure or abort leaves no block behind, only a removed temporary
 * directory. A block without samples is not written, as in Prometheus.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Labels } from '../../model/index.js';
import { Encoding } from '../chunkenc/index.js';
import { IndexWriter, type ChunkMeta } from '../index/index.js';
import { MemTombstones, writeTombstonesFile, type TombstoneReader } from '../tombstones/index.js';
import { emptyStats, writeMetaFile, type BlockMeta, type BlockMetaCompaction } from './meta.js';
import { newULID } from './ulid.js';
import { replace, syncDir } from './fsutil.js';
import { CHUNKS_DIRNAME, INDEX_FILENAME } from './block.js';
import type { ChunkToWrite, OpenChunkWriter } from './chunk-seam.js';
import { ChunkWriter as SegmentChunkWriter } from '../chunks/index.js';

export const TMP_FOR_CREATION_SUFFIX = '.tmp-for-creation';

/** One series of a new block: labels and its chunks in time order. Chunk refs are set while writing. */
export interface SeriesToWrite {
  labels: Labels;
  chunks: ChunkToWrite[];
}

export interface BlockWriteInput {
  /**
   * Every label name and value of the series, in UTF-8 byte order without duplicates
   * (extra symbols are allowed).
   */
  symbols: Iterable<string> | AsyncIterable<string>;
  /** Series in label order (Prometheus's order with byte-wise strings), each at most once. */
  series: Iterable<SeriesToWrite> | AsyncIterable<SeriesToWrite>;
}

export interface WriteBlockOptions {
  /** The directory that holds blocks (the TSDB data directory). */
  parentDir: string;
  /** The block's range [minTime, maxTime) in ms. */
  minTime: number;
  maxTime: number;
  /** Creates the chunk writer (default: the chunk files component's `ChunkWriter`). */
  openChunkWriter?: OpenChunkWriter;
  /** Default: a new ULID. */
  ulid?: string;
  /** Default: level 1 with the block itself as its only source. */
  compaction?: Partial<BlockMetaCompaction>;
  /** Tombstones to write (default none). */
  tombstones?: TombstoneReader;
  /** Whether the index gets the legacy label indices (default true, as Prometheus 2.x). */
  labelIndices?: boolean;
  signal?: AbortSignal;
}

export interface WrittenBlock {
  ulid: string;
  dir: string;
  meta: BlockMeta;
}

/** Writes the block; resolves to null when there were no samples (nothing is written). */
export async function writeBlock(input: BlockWriteInput, opts: WriteBlockOptions): Promise<WrittenBlock | null> {
  const ulid = opts.ulid ?? newULID();
  const dir = join(opts.parentDir, ulid);
  const tmp = dir + TMP_FOR_CREATION_SUFFIX;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const meta: BlockMeta = {
      ulid, minTime: opts.minTime, maxTime: opts.maxTime, stats: emptyStats(),
      compaction: { level: 1, sources: [ulid], deletable: false, parents: [], failed: false, hints: [], ...opts.compaction },
      version: 1,
    };
    await populate(input, tmp, meta, opts);
    if (meta.stats.numSamples === 0) {
      await rm(tmp, { recursive: true, force: true });
      return null;
    }
    const tombs = opts.tombstones ?? new MemTombstones();
    meta.stats.numTombstones = tombs.total();
    await writeMetaFile(tmp, meta);
    await writeTombstonesFile(tmp, tombs);
    await syncDir(tmp);
    await replace(tmp, dir);
    return { ulid, dir, meta };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Writes chunks and index, counting into `meta.stats`. */
async function populate(input: BlockWriteInput, tmp: string, meta: BlockMeta, opts: WriteBlockOptions): Promise<void> {
  const openChunkWriter = opts.openChunkWriter ?? ((d: string) => SegmentChunkWriter.create(d));
  const chunkw = await openChunkWriter(join(tmp, CHUNKS_DIRNAME));
  const idxOpts: { signal?: AbortSignal; labelIndices?: boolean } = {};
  if (opts.signal !== undefined) idxOpts.signal = opts.signal;
  if (opts.labelIndices !== undefined) idxOpts.labelIndices = opts.labelIndices;
  const indexw = await IndexWriter.create(join(tmp, INDEX_FILENAME), idxOpts);
  let chunkwOpen = true;
  try {
    const syms = input.symbols;
    if (Symbol.iterator in syms) await indexw.addSymbols(syms);
    else for await (const s of syms) await indexw.addSymbol(s);
    const metas: ChunkMeta[] = [];
    const st = meta.stats;
    for await (const s of input.series) {
      opts.signal?.throwIfAborted();
      if (s.chunks.length === 0) continue;
      await chunkw.writeChunks(s.chunks);
      metas.length = 0;
      for (const c of s.chunks) {
        metas.push({ ref: c.ref, mint: c.mint, maxt: c.maxt });
        const n = c.chunk.numSamples();
        st.numSamples += n;
        if (c.chunk.encoding === Encoding.XOR || c.chunk.encoding === Encoding.XOR2) st.numFloatSamples += n;
        else st.numHistogramSamples += n;
      }
      await indexw.addSeries(s.labels, metas);
      st.numSeries++;
      st.numChunks += s.chunks.length;
    }
    chunkwOpen = false;
    await chunkw.close();
    await indexw.close();
  } catch (e) {
    if (chunkwOpen) await chunkw.close().catch(() => undefined);
    await indexw.abort().catch(() => undefined);
    throw e;
  }
}
