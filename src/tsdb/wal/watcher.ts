/**
 * Follows a WAL as it is written, for a reader in the same process (remote-write queues)
 * or another one (a sidecar): the last checkpoint first, then every segment in order,
 * then the segment being written, record by record as records land — Prometheus's WAL
 * watcher.
 *
 * Contract for the handler:
 * - `record(rec, at)` gets every record, in WAL order. `at.tail` is false while replaying
 *   (the checkpoint and segments that were complete when the watcher started) and true
 *   for live data; a remote-write sender takes series and metadata from replayed records
 *   and sends samples only from tail records newer than its start time, as Prometheus
 *   does. The bytes are valid until the call returns, or until its promise settles; a
 *   returned promise is awaited before the next record (that is the backpressure).
 * - `checkpoint(index)` follows the series records of a checkpoint that appeared while
 *   tailing (delivered with `at.source === 'checkpoint-gc'`): series seen only in segments
 *   below `index` are gone and may be forgotten.
 *
 * Latency: `notify()` (wire it to `Wlog.onWrite`) reads at once; without it the tail is
 * polled every `pollIntervalMs`. A damaged segment stops the pass with an error; the
 * watcher logs it and starts over after `restartDelayMs`, as Prometheus's does.
 */
import { stat } from 'node:fs/promises';
import { nopLogger, type Logger } from '../../util/log.js';
import { RecordType } from '../record/index.js';
import { LiveReader } from './live-reader.js';
import { lastCheckpoint, listSegments, segmentName } from './segments.js';

export interface WatchPosition {
  source: 'checkpoint' | 'checkpoint-gc' | 'segment';
  /** Segment index (inside the checkpoint directory for checkpoint sources). */
  segment: number;
  tail: boolean;
}

export interface WatchHandler {
  record(rec: Uint8Array, at: WatchPosition): void | Promise<void>;
  checkpoint?(index: number): void | Promise<void>;
}

export interface WatcherOptions {
  /** How often to look at the tail without a notification. Default 100 ms. */
  pollIntervalMs?: number;
  /** How often to look for a new checkpoint while tailing. Default 5 s. */
  checkpointIntervalMs?: number;
  /** Pause before starting over after an error. Default 5 s. */
  restartDelayMs?: number;
  /** Read up to this segment (to its current end, not tailing it), then return (-1: tail forever). */
  maxSegment?: number;
  logger?: Logger;
}

export class WalWatcher {
  readonly dir: string;
  readonly #handler: WatchHandler;
  readonly #poll: number;
  readonly #cpInterval: number;
  readonly #restart: number;
  readonly #maxSegment: number;
  readonly #logger: Logger;
  #wake: (() => void) | null = null;
  #notified = false;
  #lastCheckpoint = '';
  /** Segment being read (-1 before the first). */
  currentSegment = -1;

  constructor(dir: string, handler: WatchHandler, opts: WatcherOptions = {}) {
    this.dir = dir;
    this.#handler = handler;
    this.#poll = opts.pollIntervalMs ?? 100;
    this.#cpInterval = opts.checkpointIntervalMs ?? 5000;
    this.#restart = opts.restartDelayMs ?? 5000;
    this.#maxSegment = opts.maxSegment ?? -1;
    this.#logger = opts.logger ?? nopLogger;
  }

  /** New data was written: read it now. Cheap; coalesces. */
  notify(): void {
    this.#notified = true;
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  /** Watches until `signal` aborts (or `maxSegment` is done). Never rejects for WAL errors: it logs and retries. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (await this.#pass(signal)) return;
      } catch (e) {
        this.#logger.error('error tailing WAL', { err: e instanceof Error ? e.message : String(e) });
      }
      await this.#sleep(this.#restart, signal);
    }
  }

  /** One pass from the last checkpoint; true when `maxSegment` was reached. */
  async #pass(signal: AbortSignal): Promise<boolean> {
    const segs = await listSegments(this.dir);
    const lastSeg = segs.length === 0 ? -1 : segs[segs.length - 1]!.index;
    const cp = await lastCheckpoint(this.dir);
    if (cp !== null) await this.#readCheckpoint(cp.dir, 'checkpoint', signal);
    this.#lastCheckpoint = cp?.dir ?? '';
    const from = cp?.index ?? 0;
    const first = segs.find((s) => s.index >= from);
    if (first === undefined) throw new Error('failed to find segment for index');
    let cur = first.index;
    while (!signal.aborted) {
      this.currentSegment = cur;
      // The last segment to read is read to its current end, not tailed.
      await this.#watch(cur, cur >= lastSeg && cur !== this.#maxSegment, signal);
      if (cur === this.#maxSegment) return true;
      cur++;
    }
    return false;
  }

  async #readCheckpoint(dir: string, source: 'checkpoint' | 'checkpoint-gc', signal: AbortSignal): Promise<void> {
    for (const s of await listSegments(dir)) {
      const r = await LiveReader.open(dir, s.index);
      try {
        await this.#drain(r, { source, segment: s.index, tail: false }, signal);
        const size = (await stat(segmentName(dir, s.index))).size;
        if (r.err() === null && r.offset() < size && r.bytesRead() >= size) {
          throw new Error(`readCheckpoint wasn't able to read all data from the checkpoint ${dir}/${s.name}, size: ${size}, totalRead: ${r.offset()}`);
        }
        const err = r.err();
        if (err !== null) throw err;
      } finally {
        await r.close();
      }
    }
  }

  /** Delivers every record the reader can read now; polls until no new bytes come. */
  async #drain(r: LiveReader, at: WatchPosition, signal: AbortSignal): Promise<void> {
    const gcOnly = at.source === 'checkpoint-gc';
    for (;;) {
      const n = await r.poll();
      while (r.next()) {
        if (signal.aborted) return;
        const rec = r.record();
        if (gcOnly && rec[0] !== RecordType.Series) continue;
        const p = this.#handler.record(rec, at);
        if (p !== undefined) await p;
      }
      if (r.err() !== null || n === 0) return;
    }
  }

  async #watch(seg: number, tail: boolean, signal: AbortSignal): Promise<void> {
    const r = await LiveReader.open(this.dir, seg);
    const at: WatchPosition = { source: 'segment', segment: seg, tail };
    try {
      if (!tail) {
        await this.#drain(r, at, signal);
        this.#warnIfShort(r, seg);
        return;
      }
      let nextCheckpointCheck = Date.now() + this.#cpInterval;
      while (!signal.aborted) {
        this.#notified = false;
        await this.#drain(r, at, signal);
        const err = r.err();
        if (err !== null) throw err;
        // A newer segment means this one is finished: read what is left, then move on.
        const segs = await listSegments(this.dir);
        if (segs.length > 0 && segs[segs.length - 1]!.index > seg) {
          await this.#drain(r, at, signal);
          this.#warnIfShort(r, seg);
          return;
        }
        if (Date.now() >= nextCheckpointCheck) {
          nextCheckpointCheck = Date.now() + this.#cpInterval;
          await this.#collectCheckpoint(seg, signal);
        }
        if (!this.#notified) await this.#sleep(this.#poll, signal);
      }
    } finally {
      await r.close();
    }
  }

  #warnIfShort(r: LiveReader, seg: number): void {
    const err = r.err();
    if (err !== null) this.#logger.warn('Ignoring error reading to end of segment, may have dropped data', { segment: seg, err: err.message });
    else if (r.offset() !== r.bytesRead()) this.#logger.warn('Expected to have read whole segment, may have dropped data', { segment: seg, read: r.offset(), size: r.bytesRead() });
  }

  async #collectCheckpoint(seg: number, signal: AbortSignal): Promise<void> {
    const cp = await lastCheckpoint(this.dir);
    if (cp === null || cp.dir === this.#lastCheckpoint) return;
    this.#lastCheckpoint = cp.dir;
    if (cp.index >= seg) return; // We are behind it; its data comes through the segments anyway.
    await this.#readCheckpoint(cp.dir, 'checkpoint-gc', signal);
    const p = this.#handler.checkpoint?.(cp.index);
    if (p !== undefined) await p;
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        if (this.#wake === done) this.#wake = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }
}
