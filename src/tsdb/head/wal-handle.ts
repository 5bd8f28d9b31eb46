/**
 * The head's handle on a write log (the WAL, or the WBL for out-of-order samples) that
 * survives a failed write. A `Wlog` refuses every write after one failed (e.g. ENOSPC), and
 * the failed write may have left a torn record at the end of its segment. Before the next
 * write the handle closes the broken log, cuts that segment back to its last complete record
 * (as a repair at start-up would, so a later replay does not stop there and drop everything
 * after it), and opens a fresh log, which continues in a new segment. If recovery fails (the
 * disk is still full), the write fails and the next one tries again.
 */
import { CorruptionError, WalReader, Wlog, repair, segmentRange, type WlogOptions, type WlogStats } from '../wal/index.js';
import type { Logger } from '../../util/log.js';

export class WalHandle {
  readonly dir: string;
  #wal: Wlog;
  readonly #opts: WlogOptions;
  readonly #logger: Logger;
  #broken: Error | null = null;
  #recovering: Promise<void> | null = null;
  /** Stats of logs closed after a failure, so counters do not go backwards. */
  #carried: WlogStats | null = null;
  recoveries = 0;

  private constructor(dir: string, wal: Wlog, opts: WlogOptions, logger: Logger) {
    this.dir = dir;
    this.#wal = wal;
    this.#opts = opts;
    this.#logger = logger;
  }

  static async open(dir: string, opts: WlogOptions, logger: Logger): Promise<WalHandle> {
    return new WalHandle(dir, await Wlog.open(dir, opts), opts, logger);
  }

  get wal(): Wlog {
    return this.#wal;
  }

  get broken(): boolean {
    return this.#broken !== null;
  }

  /** Writes the records; resolves when they are durable per the sync policy. */
  async log(records: readonly Uint8Array[]): Promise<void> {
    if (this.#broken !== null) await this.recover();
    try {
      await this.#wal.log(records);
    } catch (e) {
      this.#broken ??= e instanceof Error ? e : new Error(String(e));
      throw e;
    }
  }

  /** Makes a broken log writable again (shared by concurrent callers). */
  recover(): Promise<void> {
    return (this.#recovering ??= this.#recover().finally(() => { this.#recovering = null; }));
  }

  async #recover(): Promise<void> {
    if (this.#broken === null) return;
    const old = this.#wal;
    const st = old.stats();
    await old.close().catch(() => undefined);
    const { first, last } = await segmentRange(this.dir);
    if (last >= 0) {
      // The failed write was in the last segment, or in the one before when it failed while
      // the next file was being started.
      const r = await WalReader.open({ dir: this.dir, first: Math.max(first, last - 1), last });
      try {
        while (r.nextBuffered() || await r.next()) { /* to the end */ }
      } finally {
        await r.close();
      }
      const err = r.err();
      if (err instanceof CorruptionError) {
        this.#logger.warn('Repairing the write log after a failed write', { dir: this.dir, segment: err.segment, offset: err.offset });
        await repair(this.dir, err, this.#logger);
      }
    }
    this.#wal = await Wlog.open(this.dir, this.#opts);
    this.#carried = addStats(this.#carried, st);
    this.#broken = null;
    this.recoveries++;
    this.#logger.info('Write log writable again after a failed write', { dir: this.dir });
  }

  stats(): WlogStats {
    const s = this.#wal.stats();
    return this.#carried === null ? s : { ...addStats(this.#carried, s), currentSegment: s.currentSegment };
  }

  async close(): Promise<void> {
    if (this.#recovering !== null) await this.#recovering.catch(() => undefined);
    await this.#wal.close();
  }
}

function addStats(a: WlogStats | null, b: WlogStats): WlogStats {
  if (a === null) return { ...b };
  return {
    recordPartWrites: a.recordPartWrites + b.recordPartWrites,
    recordPartBytes: a.recordPartBytes + b.recordPartBytes,
    completedPages: a.completedPages + b.completedPages,
    recordBytesSaved: a.recordBytesSaved + b.recordBytesSaved,
    fsyncs: a.fsyncs + b.fsyncs,
    fsyncSeconds: a.fsyncSeconds + b.fsyncSeconds,
    pageFlushes: a.pageFlushes + b.pageFlushes,
    writesFailed: a.writesFailed + b.writesFailed,
    truncations: a.truncations + b.truncations,
    truncationsFailed: a.truncationsFailed + b.truncationsFailed,
    peakPendingBytes: Math.max(a.peakPendingBytes, b.peakPendingBytes),
    currentSegment: b.currentSegment,
  };
}
