/**
 * The set of blocks a DB serves, and its reload from the data directory as Prometheus's
 * reloadBlocks does: blocks already open are kept, new ones opened; blocks marked deletable,
 * beyond retention, or parents of a loaded block (compacted into it) are unloaded and their
 * directories deleted; the rest is served sorted by minTime.
 *
 * A block that fails to open is recorded as damaged, reported once, left on disk untouched
 * and not served; the other blocks are (Prometheus would refuse to start instead).
 *
 * Readers take leases: a block that leaves the set is closed after its last reader.
 */
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { Block, readMetaFile } from '../block/index.js';
import type { BlockReadLease } from './block-querier.js';
import { blockDirs, deleteBlockDir } from './dirs.js';
import type { DBMetrics } from './metrics.js';
import { beyondSizeRetention, beyondTimeRetention } from './retention.js';

export interface LoadedBlock {
  block: Block;
  size: number;
  readers: number;
  retired: boolean;
}

export interface DamagedBlock {
  ulid: string;
  dir: string;
  error: string;
}

/** The retention settings (a configuration reload may change them). */
export interface RetentionSettings {
  retentionMs: number;
  maxBytes: number;
  /**
   * Size retention as a percentage of the filesystem's capacity (0: off); when set it wins
   * over `maxBytes`, which still applies when the capacity cannot be read.
   */
  maxPercentage: number;
}

export interface BlockSetOptions extends RetentionSettings {
  warnOverlaps: boolean;
  /** Bytes of the head on disk (WAL, head chunks), counted by size retention. */
  headBytes: () => number | Promise<number>;
  /** Total capacity in bytes of the filesystem holding `dir`, 0 when unknown. */
  fsSize: (dir: string) => Promise<number>;
}

export class BlockSet {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #metrics: DBMetrics;
  readonly #opts: BlockSetOptions;
  #blocks: LoadedBlock[] = [];
  readonly #damaged = new Map<string, DamagedBlock>();
  readonly #deletable = new Set<string>();

  constructor(dir: string, logger: Logger, metrics: DBMetrics, opts: BlockSetOptions) {
    this.#dir = dir;
    this.#logger = logger;
    this.#metrics = metrics;
    this.#opts = opts;
  }

  /** Changes the retention applied from the next reload on. */
  setRetention(r: RetentionSettings): void {
    this.#opts.retentionMs = r.retentionMs;
    this.#opts.maxBytes = r.maxBytes;
    this.#opts.maxPercentage = r.maxPercentage;
  }

  /** The size limit in bytes now: the percentage of the filesystem when set and readable, else maxBytes. */
  async #sizeLimit(): Promise<number> {
    const pct = this.#opts.maxPercentage;
    if (pct <= 0) return this.#opts.maxBytes;
    const disk = await this.#opts.fsSize(this.#dir);
    if (disk <= 0) {
      this.#logger.warn('Unable to retrieve filesystem size of database directory, skip percentage limitation and default to fixed size limitation', { dir: this.#dir });
      return this.#opts.maxBytes;
    }
    return Math.floor((disk * pct) / 100);
  }

  /** The served blocks, oldest first. Do not modify. */
  get loaded(): readonly LoadedBlock[] {
    return this.#blocks;
  }

  damaged(): DamagedBlock[] {
    return [...this.#damaged.values()];
  }

  /** Marks a block for deletion at the next reload (a compaction left nothing of it). */
  markDeletable(ulid: string): void {
    this.#deletable.add(ulid);
  }

  lease(lb: LoadedBlock): BlockReadLease {
    lb.readers++;
    let released = false;
    return {
      block: lb.block,
      release: () => {
        if (released) return;
        released = true;
        lb.readers--;
        if (lb.retired && lb.readers === 0) void lb.block.close().catch(() => undefined);
      },
    };
  }

  /** Closes every block now (the DB is closing). */
  async closeAll(): Promise<unknown[]> {
    const errs: unknown[] = [];
    for (const lb of this.#blocks) await lb.block.close().catch((e: unknown) => errs.push(e));
    this.#blocks = [];
    return errs;
  }

  async reload(): Promise<void> {
    const names = await blockDirs(this.#dir);
    const loaded = new Map(this.#blocks.map((lb) => [lb.block.ulid, lb]));
    const loadable: LoadedBlock[] = [];
    const corrupted = new Map<string, Error>();
    for (const name of names) {
      const have = loaded.get(name);
      if (have !== undefined) {
        loadable.push(have);
        continue;
      }
      const dir = join(this.#dir, name);
      try {
        await readMetaFile(dir);
      } catch (e) {
        this.#logger.error('Failed to read meta.json for a block during reloadBlocks. Skipping', { dir, err: (e as Error).message });
        continue;
      }
      try {
        const block = await Block.open(dir);
        loadable.push({ block, size: block.size(), readers: 0, retired: false });
      } catch (e) {
        corrupted.set(name, e as Error);
      }
    }
    const deletable = await this.#deletableOf(loadable, corrupted);
    this.#reportDamaged(names, corrupted, loadable);

    const keep = loadable.filter((lb) => !deletable.has(lb.block.ulid)).sort((a, b) => a.block.meta.minTime - b.block.meta.minTime);
    let bytes = 0;
    for (const lb of keep) bytes += lb.size;
    this.#metrics.blocksBytes.labels().set(bytes);
    const old = this.#blocks;
    this.#blocks = keep;
    const kept = new Set(keep);
    for (const lb of old) if (!kept.has(lb)) this.#retire(lb);
    for (const lb of loadable) if (!kept.has(lb) && !old.includes(lb)) this.#retire(lb);
    if (this.#opts.warnOverlaps) this.#warnOverlaps(keep);
    for (const u of deletable) {
      if (this.#damaged.has(u)) continue;
      if (await deleteBlockDir(this.#dir, u)) this.#logger.info('Deleting obsolete block', { block: u });
      this.#deletable.delete(u);
    }
  }

  async #deletableOf(loadable: readonly LoadedBlock[], corrupted: Map<string, Error>): Promise<Set<string>> {
    const deletable = new Set<string>();
    for (const lb of loadable) {
      const meta = lb.block.meta;
      if (meta.compaction.deletable || this.#deletable.has(meta.ulid)) deletable.add(meta.ulid);
    }
    const sized = loadable.map((lb) => ({ meta: lb.block.meta, size: lb.size }));
    const byTime = beyondTimeRetention(sized, this.#opts.retentionMs);
    if (byTime.length > 0) this.#metrics.timeRetentions.labels().inc();
    const maxBytes = sized.length > 0 ? await this.#sizeLimit() : 0;
    const headBytes = maxBytes > 0 ? await this.#opts.headBytes() : 0;
    const bySize = beyondSizeRetention(sized, maxBytes, headBytes);
    if (bySize.length > 0) this.#metrics.sizeRetentions.labels().inc();
    for (const u of byTime) deletable.add(u);
    for (const u of bySize) deletable.add(u);
    // Parents of a loaded block were compacted into it: resume deletions cut short by a crash.
    for (const lb of loadable) {
      for (const p of lb.block.meta.compaction.parents) {
        if (corrupted.delete(p.ulid)) this.#logger.warn('Found corrupted block, but replaced by compacted one so it\'s safe to delete. This should not happen with atomic deletes.', { block: p.ulid });
        deletable.add(p.ulid);
      }
    }
    return deletable;
  }

  #retire(lb: LoadedBlock): void {
    if (lb.retired) return;
    lb.retired = true;
    if (lb.readers === 0) void lb.block.close().catch(() => undefined);
  }

  #reportDamaged(names: readonly string[], corrupted: ReadonlyMap<string, Error>, loadable: readonly LoadedBlock[]): void {
    const present = new Set(names);
    const ok = new Set(loadable.map((lb) => lb.block.ulid));
    for (const u of [...this.#damaged.keys()]) if (!present.has(u) || ok.has(u)) this.#damaged.delete(u);
    for (const [ulid, err] of corrupted) {
      if (this.#damaged.has(ulid)) continue;
      this.#damaged.set(ulid, { ulid, dir: join(this.#dir, ulid), error: err.message });
      this.#logger.error('Found a damaged block; it is left on disk and not served', { block: ulid, err: err.message });
    }
    if (corrupted.size > 0) this.#metrics.reloadsFailed.labels().inc();
  }

  #warnOverlaps(blocks: readonly LoadedBlock[]): void {
    let maxt = -Infinity;
    for (const lb of blocks) {
      if (lb.block.meta.minTime < maxt) {
        this.#logger.warn('Overlapping blocks found during reloadBlocks', { block: lb.block.ulid });
        return;
      }
      maxt = Math.max(maxt, lb.block.meta.maxTime);
    }
  }
}
