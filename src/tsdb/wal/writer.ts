/**
 * The WAL writer: appends records to segment files in Prometheus's format, with group
 * commit. See `Wlog.log` for the durability contract.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { nopLogger, type Logger } from '../../util/log.js';
import { ZSTD_AVAILABLE, type CompressionType } from './compression.js';
import { DEFAULT_SEGMENT_SIZE, PAGE_SIZE } from './constants.js';
import { PageLayout, type LayoutStats, type TakenOutbox } from './page-layout.js';
import { deleteSegmentsBefore, dirSize, segmentName, segmentRange } from './segments.js';

/**
 * When `await log()` resolves:
 * - `fsync`: the records are on stable storage (fdatasync of the segment; a new segment's
 *   directory entry is synced too). Concurrent `log()` calls share one fsync.
 * - `write`: the records were handed to the OS (write(2) returned), as Prometheus's own
 *   WAL does; segments are fsynced when they are closed. Survives a process crash, not a
 *   machine crash.
 */
export type SyncPolicy = 'fsync' | 'write';

export interface WlogOptions {
  /** Segment size in bytes, a multiple of 32 KiB. Default 128 MiB. */
  segmentSize?: number;
  /** Default 'snappy', Prometheus's default. */
  compression?: CompressionType;
  /** Default 'fsync'. */
  sync?: SyncPolicy;
  /**
   * Bound on bytes laid out but not yet written. A `log()` arriving when the bound is
   * reached waits (in arrival order) until the writer has caught up. Default 16 MiB.
   */
  maxPendingBytes?: number;
  logger?: Logger;
}

export interface WlogStats extends LayoutStats {
  fsyncs: number;
  fsyncSeconds: number;
  pageFlushes: number;
  writesFailed: number;
  truncations: number;
  truncationsFailed: number;
  /** Most bytes ever waiting in memory to be written (the bounded-memory check). */
  peakPendingBytes: number;
  currentSegment: number;
}

interface Cycle {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function newCycle(): Cycle {
  let resolve!: () => void, reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  // A cycle nobody awaits (e.g. the one close() flushes) must not raise an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class Wlog {
  readonly dir: string;
  readonly segmentSize: number;
  readonly compression: CompressionType;
  readonly sync: SyncPolicy;
  readonly maxPendingBytes: number;
  readonly #logger: Logger;
  readonly #layout: PageLayout;
  /** File of the segment the I/O loop appends to, and its index. */
  #fh: FileHandle;
  #fileSegment: number;
  /** Waiters of the records currently in the outbox. */
  #cycle: Cycle | null = null;
  /** Waiters of the records being written right now. */
  #inflight: Cycle | null = null;
  #flushing: Promise<void> | null = null;
  #admission: (() => void)[] = [];
  #failed: Error | null = null;
  #closed = false;
  readonly #listeners = new Set<() => void>();
  /** Syncs of finished segments still running (write policy). */
  #background: Promise<void>[] = [];
  readonly #stats = { fsyncs: 0, fsyncSeconds: 0, pageFlushes: 0, writesFailed: 0, truncations: 0, truncationsFailed: 0, peakPendingBytes: 0 };

  private constructor(dir: string, fh: FileHandle, segment: number, o: Required<Omit<WlogOptions, 'logger'>> & { logger: Logger }) {
    this.dir = dir;
    this.segmentSize = o.segmentSize;
    this.compression = o.compression;
    this.sync = o.sync;
    this.maxPendingBytes = o.maxPendingBytes;
    this.#logger = o.logger;
    this.#fh = fh;
    this.#fileSegment = segment;
    this.#layout = new PageLayout(segment, o.segmentSize, o.compression, Math.min(1 << 20, o.maxPendingBytes));
  }

  /**
   * Opens the WAL in `dir` for appending, creating the directory if needed. As Prometheus
   * does, writing always starts in a new segment after the last existing one. Read (and if
   * needed repair) the existing segments before opening.
   */
  static async open(dir: string, opts: WlogOptions = {}): Promise<Wlog> {
    const segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (!Number.isSafeInteger(segmentSize) || segmentSize <= 0 || segmentSize % PAGE_SIZE !== 0) throw new Error('invalid segment size');
    // Fail at open, not at the first commit, when this Node cannot write zstd.
    if (opts.compression === 'zstd' && !ZSTD_AVAILABLE) throw new Error('wal compression zstd: node:zlib of this Node.js has no zstd (needs 22.15 or later)');
    await mkdir(dir, { recursive: true });
    const { last } = await segmentRange(dir).catch((e: unknown) => { throw new Error(`get segment range: ${errText(e)}`, { cause: e }); });
    const index = last === -1 ? 0 : last + 1;
    const fh = await open(segmentName(dir, index), 'a');
    await syncDir(dir);
    return new Wlog(dir, fh, index, {
      segmentSize,
      compression: opts.compression ?? 'snappy',
      sync: opts.sync ?? 'fsync',
      maxPendingBytes: opts.maxPendingBytes ?? 16 << 20,
      logger: opts.logger ?? nopLogger,
    });
  }

  /**
   * Appends the records, in order and contiguously with respect to other `log()` calls,
   * and resolves as the sync policy says (group commit: calls made while a write is in
   * flight share the next one).
   *
   * Ownership: the records' bytes are copied before `log()` returns, except when it has to
   * wait for room (see `maxPendingBytes`): keep them unchanged until the promise settles.
   * After a write error every pending and later `log()` rejects; reopen the WAL to go on.
   */
  log(records: readonly Uint8Array[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('wlog is closed'));
    if (this.#failed !== null) return Promise.reject(this.#failed);
    if (this.#admission.length === 0 && (this.#layout.pendingBytes === 0 || this.#layout.pendingBytes < this.maxPendingBytes)) {
      return this.#append(records);
    }
    return new Promise<void>((resolve, reject) => {
      this.#admission.push(() => { this.#append(records).then(resolve, reject); });
    });
  }

  #append(records: readonly Uint8Array[]): Promise<void> {
    if (this.#failed !== null) return Promise.reject(this.#failed);
    if (records.length === 0) return this.flush();
    try {
      for (const r of records) this.#layout.append(r);
      if (this.#layout.pendingBytes > this.#stats.peakPendingBytes) this.#stats.peakPendingBytes = this.#layout.pendingBytes;
    } catch (e) {
      this.#stats.writesFailed++;
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return this.#schedule();
  }

  /** Resolves once everything logged so far is written (and synced, per the policy). */
  flush(): Promise<void> {
    if (this.#failed !== null) return Promise.reject(this.#failed);
    return (this.#cycle ?? this.#inflight)?.promise ?? Promise.resolve();
  }

  #schedule(): Promise<void> {
    const c = (this.#cycle ??= newCycle());
    this.#flushing ??= this.#flushLoop();
    return c.promise;
  }

  /** Writes out whatever the outbox gathered, cycle after cycle, until it stays empty. */
  async #flushLoop(): Promise<void> {
    // Let the callers of this tick join the first write.
    await Promise.resolve();
    try {
      while (this.#layout.dirty && this.#failed === null) {
        const cycle = this.#cycle ?? newCycle();
        this.#cycle = null;
        this.#inflight = cycle;
        const taken = this.#layout.take();
        this.#admit();
        try {
          await this.#writeOut(taken);
          this.#layout.giveBack(taken.buf);
          cycle.resolve();
        } catch (e) {
          this.#stats.writesFailed++;
          this.#failed = new Error(`write wal segment: ${errText(e)}`, { cause: e });
          this.#logger.error('WAL write failed; further writes are refused', { err: errText(e) });
          cycle.reject(this.#failed);
          // Records laid out meanwhile will never be written either.
          this.#currentCycle()?.reject(this.#failed);
          this.#cycle = null;
          for (const a of this.#admission.splice(0)) a();
        }
      }
    } finally {
      this.#inflight = null;
      this.#flushing = null;
    }
  }

  #currentCycle(): Cycle | null {
    return this.#cycle;
  }

  /** Lets waiting `log()` calls in, in order, while there is room. */
  #admit(): void {
    while (this.#admission.length > 0 && (this.#layout.pendingBytes === 0 || this.#layout.pendingBytes < this.maxPendingBytes)) {
      this.#admission.shift()!();
    }
  }

  async #writeOut(t: TakenOutbox): Promise<void> {
    for (const part of t.parts) {
      if (part.segment !== this.#fileSegment) await this.#switchFile(part.segment);
      let p = part.start;
      while (p < part.end) {
        const { bytesWritten } = await this.#fh.write(t.buf, p, part.end - p);
        p += bytesWritten;
      }
      if (part.end > part.start) this.#stats.pageFlushes++;
    }
    for (const fn of this.#listeners) fn();
    if (this.sync === 'fsync' && t.bytes > 0) await this.#fsync(this.#fh);
  }

  async #switchFile(segment: number): Promise<void> {
    const prev = this.#fh;
    if (this.sync === 'fsync') {
      await this.#fsync(prev);
      await prev.close();
    } else {
      // As Prometheus does, sync the finished segment off the write path; close() waits.
      this.#background.push(this.#fsync(prev).then(() => prev.close()).catch((e: unknown) => {
        this.#logger.error('sync previous segment', { err: errText(e) });
        return prev.close().catch(() => undefined);
      }));
      if (this.#background.length > 8) await this.#background.shift();
    }
    this.#fh = await open(segmentName(this.dir, segment), 'a');
    this.#fileSegment = segment;
    // The new file's directory entry must survive a crash as much as its content.
    if (this.sync === 'fsync') await syncDir(this.dir);
  }

  async #fsync(fh: FileHandle): Promise<void> {
    const t0 = performance.now();
    await fh.datasync();
    this.#stats.fsyncs++;
    this.#stats.fsyncSeconds += (performance.now() - t0) / 1000;
  }

  /**
   * Closes the current segment and starts the next; resolves with the new index once the
   * new file exists and the old one is complete on disk. Head truncation calls this before
   * checkpointing, so the checkpoint never covers the segment being written.
   */
  async nextSegment(): Promise<number> {
    if (this.#closed) throw new Error('wlog is closed');
    if (this.#failed !== null) throw this.#failed;
    const n = this.#layout.nextSegment();
    await this.#schedule();
    return n;
  }

  /** The segment being written and the offset up to which it is filled (written or queued). */
  lastSegmentAndOffset(): { segment: number; offset: number } {
    return { segment: this.#layout.segment, offset: this.#layout.offset() };
  }

  /** Deletes the segments before `index` (never the one being written). */
  async truncate(index: number): Promise<void> {
    this.#stats.truncations++;
    try {
      await deleteSegmentsBefore(this.dir, Math.min(index, this.#layout.segment, this.#fileSegment));
    } catch (e) {
      this.#stats.truncationsFailed++;
      throw e;
    }
  }

  /** Calls `fn` after every write reaches the OS (a tailing reader's cue to read). */
  onWrite(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => { this.#listeners.delete(fn); };
  }

  /** Bytes of all files in the WAL directory. */
  size(): Promise<number> {
    return dirSize(this.dir);
  }

  stats(): WlogStats {
    return { ...this.#layout.stats, ...this.#stats, currentSegment: this.#layout.segment };
  }

  /** Pads the last page, writes and fsyncs everything, closes the segment. */
  async close(): Promise<void> {
    if (this.#closed) throw new Error('wlog already closed');
    this.#closed = true;
    // Refuse nothing already admitted: waiting calls get in before the final flush.
    for (const a of this.#admission.splice(0)) a();
    if (this.#failed === null && this.#layout.pageOff > 0) {
      this.#layout.padPage();
      void this.#schedule();
    }
    while (this.#flushing !== null) await this.#flushing;
    await Promise.all(this.#background.splice(0));
    try {
      if (this.#failed === null) await this.#fsync(this.#fh);
    } finally {
      await this.#fh.close();
    }
    if (this.#failed !== null) throw this.#failed;
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
