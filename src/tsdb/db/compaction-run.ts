/**
 * One compaction run of the TSDB, as Prometheus's `DB.Compact`: while the head spans more
 * than 1.5 chunk ranges its oldest range becomes a level-1 block (the WAL truncated after
 * each, the head's memory after each block is loaded), then the out-of-order data goes to
 * blocks of its own, then the planner's block compactions run until none is left or the
 * head needs persisting again. The DB runs it under its mutex (db.ts).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { emptyStats, readMetaFile, type BlockMeta, type SeriesToWrite } from '../block/index.js';
import { compactBlocks, writeLevel1Block, type CompactOptions } from './compactor.js';
import type { BlockSet } from './block-set.js';
import type { DBHead } from './head-seam.js';
import type { DBMetrics } from './metrics.js';
import { setCompactionFlags } from './ops.js';
import { plan } from './planner.js';
import { Yielder } from './yielder.js';

/**
 * Prometheus's delayed compaction (`delayed-compaction`): head compactions start `ms` after a
 * run first finds the head compactable (the clock starts then, and restarts once the head is
 * no longer compactable), so that servers started together do not all compact at once.
 */
export class CompactionDelay {
  readonly ms: number;
  #startedAt = -1;

  constructor(ms: number) {
    this.ms = Math.max(0, ms);
  }

  /** Starts the clock if it is not running. */
  start(now = performance.now()): void {
    if (this.#startedAt < 0) this.#startedAt = now;
  }

  /** Whether head compactions wait: the clock runs and the delay has not passed. */
  waiting(now = performance.now()): boolean {
    return this.ms > 0 && this.#startedAt >= 0 && now - this.#startedAt < this.ms;
  }

  reset(): void {
    this.#startedAt = -1;
  }
}

/** What a compaction run works on: the DB's directory, head, blocks and settings. */
export interface CompactionHost {
  readonly dir: string;
  readonly metrics: DBMetrics;
  readonly logger: Logger;
  /** The head's chunk range (the level-1 block duration), ms. */
  readonly chunkRange: number;
  /** The planner's block ranges, ms. */
  readonly ranges: number[];
  readonly set: BlockSet;
  /** Aborted when the DB closes. */
  readonly signal: AbortSignal;
  readonly allowOverlapping: boolean;
  /** Chunk segment file size of written blocks, when not the default. */
  readonly segmentSize: number | undefined;
  readonly delay: CompactionDelay;
  /** Blocks held back from block compactions (`--storage.tsdb.delay-compact-file.path`); none when absent. */
  readonly excludeBlock: ((meta: BlockMeta) => Promise<boolean>) | undefined;
  head(): DBHead | null;
  /** Encoding of float chunks that compactions re-encode (XOR or XOR2). */
  floatEncoding(): number;
  /** Told after each head compaction that wrote a block. */
  headCompacted(): void;
  /** Reloads the blocks from disk (applies retention), counting reloads and failures. */
  reloadBlocks(): Promise<void>;
}

/**
 * Head compactions in one run between WAL truncations (see compactAll): every one, as
 * Prometheus's compaction loop ends up doing while a backfill streams in (one block per run,
 * then a truncation), so that the WAL stays a few segments long instead of the whole backlog.
 */
const WAL_TRUNCATE_EVERY_BLOCKS = 1;

/**
 * Work between two event-loop turns during compaction: short normally (scrapes and queries
 * barely notice), longer while the head is more than a block behind (a backfill through
 * remote write), so that compaction gets a fair share of the thread against the ingestion
 * and the disk does not fill with WAL and head chunks faster than blocks replace them.
 */
const YIELD_SLICE_MS = 5;
const YIELD_SLICE_BEHIND_MS = 20;

/**
 * The base Prometheus's compactor gets for out-of-order blocks: an empty meta marked out of
 * order, so the block's meta.json names a zero parent and carries the "from-out-of-order" hint.
 */
const OOO_PARENT: BlockMeta = {
  ulid: '00000000000000000000000000', minTime: 0, maxTime: 0, version: 1,
  stats: emptyStats(),
  compaction: { level: 0, sources: [], deletable: false, parents: [], failed: false, hints: ['from-out-of-order'] },
};

export function rangeForTimestamp(t: number, width: number): number {
  return Math.floor(t / width) * width + width;
}

/** Whether the head spans more than 1.5 chunk ranges, so that its oldest range can become a block. */
export function headCompactable(head: DBHead | null, chunkRange: number): boolean {
  return head !== null && head.maxTime() - head.minTime() > (chunkRange / 2) * 3;
}

/** Whether the head holds more than one compactable range beyond the usual 1.5 ranges. */
function headBehind(h: CompactionHost): boolean {
  const head = h.head();
  return head !== null && head.maxTime() - head.minTime() > (h.chunkRange / 2) * 5;
}

/** The options of a block write: the DB's signal, a yielder sized to how far behind the head is. */
export function compactOpts(h: CompactionHost): CompactOptions & { signal: AbortSignal; yielder: Yielder } {
  const slice = headBehind(h) ? YIELD_SLICE_BEHIND_MS : YIELD_SLICE_MS;
  const o: CompactOptions & { signal: AbortSignal; yielder: Yielder } = { signal: h.signal, yielder: new Yielder(slice), floatEncoding: h.floatEncoding() };
  if (h.segmentSize !== undefined) o.segmentSize = h.segmentSize;
  return o;
}

export async function compactAll(h: CompactionHost): Promise<void> {
  let lastBlockMaxt = -Infinity;
  const head = h.head();
  try {
    let sinceTruncation = 0;
    while (head !== null && headCompactable(h.head(), h.chunkRange)) {
      if (h.signal.aborted) return;
      h.delay.start();
      if (h.delay.waiting()) break;
      const mint = head.minTime();
      const maxt = rangeForTimestamp(mint, h.chunkRange);
      await compactHead(h, head, mint, maxt);
      h.headCompacted();
      lastBlockMaxt = maxt;
      // A head catching up on many ranges (a backfill through remote write, a long outage)
      // would otherwise keep its whole WAL until the last one is written.
      if (++sinceTruncation >= WAL_TRUNCATE_EVERY_BLOCKS) {
        sinceTruncation = 0;
        try {
          await head.truncateWAL(maxt);
        } catch (e) {
          throw new Error(`WAL truncation in Compact: ${(e as Error).message}`, { cause: e });
        }
      }
    }
    // Head compactions done: the next time the head is compactable starts a new delay.
    if (!headCompactable(h.head(), h.chunkRange)) h.delay.reset();
    if (head !== null && lastBlockMaxt > -Infinity) {
      if (sinceTruncation > 0) {
        try {
          await head.truncateWAL(lastBlockMaxt);
        } catch (e) {
          throw new Error(`WAL truncation in Compact: ${(e as Error).message}`, { cause: e });
        }
      }
      // As Prometheus: after head compactions, the out-of-order data goes to blocks of its own.
      await compactOOO(h, head);
    }
    await compactLoadedBlocks(h);
  } catch (e) {
    if (!h.signal.aborted) h.metrics.compactionsFailed.labels().inc();
    throw e;
  }
}

/**
 * Writes the head's out-of-order data into blocks, one per block range it spans (marked
 * "from-out-of-order"; they overlap in-order blocks, which reads and compactions merge),
 * then lets the head drop it, as Prometheus's out-of-order compaction does.
 */
async function compactOOO(h: CompactionHost, head: DBHead): Promise<void> {
  if (head.prepareOOOCompaction === undefined) return;
  let c;
  try {
    c = await head.prepareOOOCompaction();
  } catch (e) {
    throw new Error(`compact ooo head: get ooo compaction head: ${(e as Error).message}`, { cause: e });
  }
  if (c === null) return;
  h.logger.info('out-of-order compaction started');
  const t0 = performance.now();
  const range = h.chunkRange;
  const written: string[] = [];
  try {
    for (let t = range * Math.trunc(c.mint / range); t <= c.maxt; t += range) {
      const meta = await writeLevel1Block(h.dir, c.blockSource(t, t + range - 1), t, t + range, { ...compactOpts(h), parent: OOO_PARENT });
      if (meta !== null) written.push(meta.ulid);
    }
    await h.reloadBlocks();
  } catch (e) {
    for (const u of written) await rm(join(h.dir, u), { recursive: true, force: true });
    throw new Error(`compact ooo head: ${(e as Error).message}`, { cause: e });
  }
  h.logger.info('out-of-order compaction completed', { duration: `${((performance.now() - t0) / 1000).toFixed(3)}s`, ulids: written.join(',') });
  try {
    await c.done();
  } catch (e) {
    throw new Error(`compact ooo head: truncate ooo wbl: ${(e as Error).message}`, { cause: e });
  }
}

async function compactHead(h: CompactionHost, head: DBHead, mint: number, maxt: number): Promise<void> {
  const m = h.metrics;
  const t0 = performance.now();
  m.populatingBlock.labels().set(1);
  let meta: BlockMeta | null;
  try {
    meta = await writeLevel1Block(h.dir, instrumented(head.blockSource(mint, maxt - 1), m), mint, maxt, compactOpts(h));
  } catch (e) {
    throw new Error(`compact head: persist head block: ${(e as Error).message}`, { cause: e });
  } finally {
    m.populatingBlock.labels().set(0);
    m.compactionsRan.labels().inc();
    m.compactionDuration.labels().observe((performance.now() - t0) / 1000);
  }
  h.logger.info('write block', { mint, maxt, ulid: meta?.ulid ?? '', duration: `${((performance.now() - t0) / 1000).toFixed(3)}s` });
  try {
    await h.reloadBlocks();
  } catch (e) {
    if (meta !== null) await rm(join(h.dir, meta.ulid), { recursive: true, force: true });
    throw new Error(`compact head: reloadBlocks blocks: ${(e as Error).message}`, { cause: e });
  }
  try {
    await head.truncateMemory(maxt);
  } catch (e) {
    throw new Error(`compact head: head memory truncate: ${(e as Error).message}`, { cause: e });
  }
}

async function compactLoadedBlocks(h: CompactionHost): Promise<void> {
  const m = h.metrics;
  for (;;) {
    if (headCompactable(h.head(), h.chunkRange) && !h.delay.waiting()) {
      h.logger.warn('aborting block compactions to persist the head block');
      return;
    }
    if (h.signal.aborted) return;
    const metas = [];
    // In directory-name (ULID) order, as Prometheus's planner reads them; the first block the
    // exclusion filter holds back ends the list (compacting past it would leave gaps).
    const byName = [...h.set.loaded].sort((a, b) => (a.block.ulid < b.block.ulid ? -1 : a.block.ulid > b.block.ulid ? 1 : 0));
    for (const lb of byName) {
      const meta = (await readMetaFile(lb.block.dir)).meta;
      if (h.excludeBlock !== undefined && await h.excludeBlock(meta)) break;
      metas.push({ dir: lb.block.dir, meta });
    }
    const dirs = plan(metas, h.ranges, h.allowOverlapping);
    if (dirs.length === 0) return;
    const chosen = h.set.loaded.filter((lb) => dirs.includes(lb.block.dir));
    const leases = chosen.map((lb) => h.set.lease(lb));
    const t0 = performance.now();
    m.populatingBlock.labels().set(1);
    let res;
    try {
      res = await compactBlocks(h.dir, leases.map((l) => l.block), compactOpts(h));
    } catch (e) {
      if (!h.signal.aborted) {
        for (const d of dirs) await setCompactionFlags(d, { failed: true }).catch(() => undefined);
      }
      throw new Error(`compact ${dirs.join(' ')}: ${(e as Error).message}`, { cause: e });
    } finally {
      for (const l of leases) l.release();
      m.populatingBlock.labels().set(0);
      m.compactionsRan.labels().inc();
      m.compactionDuration.labels().observe((performance.now() - t0) / 1000);
    }
    if (res.overlapping) m.verticalCompactions.labels().inc();
    if (res.meta === null) {
      for (const lb of chosen) {
        h.set.markDeletable(lb.block.ulid);
        await setCompactionFlags(lb.block.dir, { deletable: true }).catch(() => undefined);
      }
    }
    h.logger.info('compact blocks', { count: dirs.length, ulid: res.meta?.ulid ?? '', duration: `${((performance.now() - t0) / 1000).toFixed(3)}s` });
    try {
      await h.reloadBlocks();
    } catch (e) {
      if (res.meta !== null) await rm(join(h.dir, res.meta.ulid), { recursive: true, force: true });
      throw new Error(`reloadBlocks blocks: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** Counts level-1 chunk sizes, samples and ranges as the series go by (Prometheus's instrumented writer). */
function instrumented(src: ReturnType<DBHead['blockSource']>, m: DBMetrics): ReturnType<DBHead['blockSource']> {
  const series = src.series;
  async function* gen(): AsyncGenerator<SeriesToWrite> {
    for await (const s of series) {
      for (const c of s.chunks) {
        m.chunkSize.labels().observe(c.chunk.bytes().length);
        m.chunkSamples.labels().observe(c.chunk.numSamples());
        m.chunkRange.labels().observe(c.maxt - c.mint);
      }
      yield s;
    }
  }
  return { symbols: src.symbols, series: gen() };
}
