/**
 * Compaction of persisted blocks into one, as Prometheus's leveled compactor does: the
 * union of the blocks' series (merged in label order), each series' chunks merged by
 * `ChunkMerger` (tombstones applied, overlaps merged), written with `writeBlock` as a block
 * one level above the highest source, with the sources' level-1 ULIDs and the blocks as
 * parents. The source blocks stay until the DB reloads and sees them replaced.
 *
 * Runs on the main thread in small slices (see `Yielder`): chunks that need no re-encoding
 * are copied as bytes, so most of the work is I/O, and the CPU-heavy parts (merging
 * overlapping chunks, index building) yield every few milliseconds.
 */
import {
  HINT_FROM_OUT_OF_ORDER, HINT_FROM_SELECTED_SERIES, HINT_FROM_STALE_SERIES, newULID, partialHeadHint, writeBlock,
  type Block, type BlockDesc, type BlockMeta, type SeriesToWrite, type WriteBlockOptions,
} from '../block/index.js';
import { compareLabelsUtf8 } from '../index/index.js';
import { ChunkWriter } from '../chunks/index.js';
import { mergeStrings } from '../../storage/merge/index.js';
import { BlockCursor } from './block-cursor.js';
import { ChunkMerger, chunkSkipped, type SourceChunk } from './merge-chunks.js';
import { Yielder } from './yielder.js';

export interface CompactOptions {
  signal?: AbortSignal;
  yielder?: Yielder;
  /** Maximum bytes per chunk segment file of the new block. */
  segmentSize?: number;
  /** Encoding of float chunks that merging re-encodes (default XOR). */
  floatEncoding?: number;
}

export interface CompactResult {
  /** The new block's meta, or null when no sample survived (nothing written). */
  meta: BlockMeta | null;
  /** Chunks that had to be decoded and re-encoded. */
  reencodedChunks: number;
  /** Whether the source blocks overlapped in time (a vertical compaction). */
  overlapping: boolean;
}

/** Prometheus's CompactBlockMetas: level, sources and parents of the merged block. */
export function compactedMeta(ulid: string, metas: readonly BlockMeta[]): Pick<BlockMeta, 'ulid' | 'minTime' | 'maxTime' | 'compaction'> {
  let mint = metas[0]!.minTime, maxt = metas[0]!.maxTime, level = 0;
  const sources = new Set<string>();
  const parents: BlockDesc[] = [];
  const hints: string[] = [];
  let allOutOfOrder = true;
  for (const m of metas) {
    if (m.minTime < mint) mint = m.minTime;
    if (m.maxTime > maxt) maxt = m.maxTime;
    if (m.compaction.level > level) level = m.compaction.level;
    for (const s of m.compaction.sources) sources.add(s);
    if (!m.compaction.hints.includes(HINT_FROM_OUT_OF_ORDER)) allOutOfOrder = false;
    // A block of partial head data stays one (the planner merges such blocks only with their kind).
    const partial = partialHeadHint(m.compaction);
    if (partial !== null && !hints.includes(partial)) hints.push(partial);
    parents.push({ ulid: m.ulid, minTime: m.minTime, maxTime: m.maxTime });
  }
  if (allOutOfOrder) hints.push(HINT_FROM_OUT_OF_ORDER);
  hints.sort();
  return {
    ulid, minTime: mint, maxTime: maxt,
    compaction: { level: level + 1, sources: [...sources].sort(), deletable: false, parents, failed: false, hints },
  };
}

/** Whether any two of the blocks overlap in time (they are visited in minTime order). */
export function blocksOverlap(metas: readonly BlockMeta[]): boolean {
  const sorted = [...metas].sort((a, b) => a.minTime - b.minTime);
  let maxt = sorted[0]?.maxTime ?? 0;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.minTime < maxt) return true;
    if (sorted[i]!.maxTime > maxt) maxt = sorted[i]!.maxTime;
  }
  return false;
}

/** The sorted union of the blocks' symbols. */
async function unionSymbols(blocks: readonly Block[]): Promise<string[]> {
  let all: string[] = [];
  for (const b of blocks) {
    const syms: string[] = [];
    await b.index.symbols((s) => { syms.push(s); });
    all = all.length === 0 ? syms : mergeStrings(all, syms);
  }
  return all;
}

/** Merged series of the blocks in label order, restricted to [mint, maxt] (inclusive). */
async function* mergedSeries(blocks: readonly Block[], mint: number, maxt: number, merger: ChunkMerger, y: Yielder, signal?: AbortSignal): AsyncGenerator<SeriesToWrite> {
  const heap: BlockCursor[] = [];
  const less = (a: BlockCursor, b: BlockCursor): boolean => compareLabelsUtf8(a.labels!, b.labels!) < 0;
  const push = (c: BlockCursor): void => {
    let k = heap.length;
    heap.push(c);
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!less(c, heap[p]!)) break;
      heap[k] = heap[p]!;
      k = p;
    }
    heap[k] = c;
  };
  const pop = (): BlockCursor => {
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let k = 0;
      for (;;) {
        let c = 2 * k + 1;
        if (c >= n) break;
        if (c + 1 < n && less(heap[c + 1]!, heap[c]!)) c++;
        if (!less(heap[c]!, last)) break;
        heap[k] = heap[c]!;
        k = c;
      }
      heap[k] = last;
    }
    return top;
  };
  for (const b of blocks) {
    const c = new BlockCursor(b);
    await c.init();
    if (await c.next()) push(c);
  }
  const group: BlockCursor[] = [];
  const src: SourceChunk[] = [];
  while (heap.length > 0) {
    await y.maybeYield(signal);
    group.length = 0;
    group.push(pop());
    const labels = group[0]!.labels!;
    while (heap.length > 0 && heap[0]!.labels!.equals(labels)) group.push(pop());
    src.length = 0;
    for (const c of group) {
      for (const m of c.chunks) {
        if (chunkSkipped(m.mint, m.maxt, c.intervals, mint, maxt)) continue;
        src.push({ mint: m.mint, maxt: m.maxt, chunk: await c.block.chunks.chunk(m.ref), intervals: c.intervals });
      }
    }
    const chunks = merger.merge(src, mint, maxt);
    if (chunks.length > 0) yield { labels, chunks };
    for (const c of group) if (await c.next()) push(c);
  }
}

/** A block's data from any source (blocks, the head): symbols and series in label order. */
export interface BlockSource {
  symbols: Iterable<string> | AsyncIterable<string>;
  series: AsyncIterable<SeriesToWrite> | Iterable<SeriesToWrite>;
}

async function* symbolsOf(blocks: readonly Block[]): AsyncGenerator<string> {
  for (const s of await unionSymbols(blocks)) yield s;
}

/**
 * The merged data of `blocks` in [mint, maxt] (inclusive), tombstones applied, read lazily
 * as the writer consumes it.
 */
export function blocksSource(blocks: readonly Block[], mint: number, maxt: number, merger: ChunkMerger, y: Yielder, signal?: AbortSignal): BlockSource {
  return { symbols: symbolsOf(blocks), series: mergedSeries(blocks, mint, maxt, merger, y, signal) };
}

/**
 * Compacts `blocks` into one new block under `parentDir`. Tombstones are applied; the new
 * block covers the union of the blocks' ranges.
 */
export async function compactBlocks(parentDir: string, blocks: readonly Block[], opts: CompactOptions = {}): Promise<CompactResult> {
  if (blocks.length === 0) throw new Error('compacting blocks: no blocks');
  const metas = blocks.map((b) => b.meta);
  const ulid = newULID();
  const m = compactedMeta(ulid, metas);
  const merger = new ChunkMerger(opts.floatEncoding);
  const y = opts.yielder ?? new Yielder();
  const w: WriteBlockOptions = { parentDir, minTime: m.minTime, maxTime: m.maxTime, ulid, compaction: m.compaction, labelIndices: false };
  if (opts.signal !== undefined) w.signal = opts.signal;
  if (opts.segmentSize !== undefined) w.openChunkWriter = segmentWriter(opts.segmentSize);
  const written = await writeBlock(blocksSource(blocks, m.minTime, m.maxTime - 1, merger, y, opts.signal), w);
  return { meta: written?.meta ?? null, reencodedChunks: merger.reencoded, overlapping: blocksOverlap(metas) };
}


/** Writes a level-1 block of [mint, maxt) from `src` (a head range, a snapshot). */
export async function writeLevel1Block(parentDir: string, src: BlockSource, mint: number, maxt: number, opts: CompactOptions & { parent?: BlockMeta; hints?: string[] } = {}): Promise<BlockMeta | null> {
  const ulid = newULID();
  const w: WriteBlockOptions = { parentDir, minTime: mint, maxTime: maxt, ulid, labelIndices: false };
  if (opts.parent !== undefined) {
    const p = opts.parent;
    const keep = [HINT_FROM_OUT_OF_ORDER, HINT_FROM_SELECTED_SERIES, HINT_FROM_STALE_SERIES];
    w.compaction = { level: 1, sources: [ulid], parents: [{ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime }], hints: p.compaction.hints.filter((h) => keep.includes(h)) };
  }
  if (opts.hints !== undefined) w.compaction = { ...w.compaction, hints: [...opts.hints].sort() };
  if (opts.signal !== undefined) w.signal = opts.signal;
  if (opts.segmentSize !== undefined) w.openChunkWriter = segmentWriter(opts.segmentSize);
  const written = await writeBlock(src, w);
  return written?.meta ?? null;
}

function segmentWriter(segmentSize: number): NonNullable<WriteBlockOptions['openChunkWriter']> {
  return (dir: string) => ChunkWriter.create(dir, { segmentSize });
}
