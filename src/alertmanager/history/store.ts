/**
 * The alert history on disk: `<storage.path>/history/history-YYYYMMDD.jsonl`, one file per
 * UTC day, one event per line, only ever appended to. Events are buffered and appended
 * about once a second (and at shutdown); queries read the day files overlapping their time
 * range plus the buffer. Whole day files are deleted once their last instant is older than
 * the retention, so history is kept at least that long and at most a day longer.
 *
 * A crash may lose the last second of events and tear the last line; torn lines are skipped.
 */
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { matchesAll, type AMMatcher } from '../labels/index.js';
import { systemClock, type Clock, type TimerHandle } from '../store/index.js';
import { parseEventLine, type HistoryEvent, type HistoryEventKind } from './event.js';

const DAY = 86_400_000;
const FILE_RE = /^history-(\d{4})(\d{2})(\d{2})\.jsonl$/;

export interface HistoryQuery {
  /** Unix ms, inclusive; default: the retention's start. */
  start?: number;
  /** Unix ms, inclusive; default: now. */
  end?: number;
  /** Every matcher must match the alert's labels. */
  matchers?: readonly AMMatcher[];
  kinds?: ReadonlySet<HistoryEventKind>;
  fingerprint?: string;
  /** At most this many events: the most recent ones. 0 = no limit. */
  limit?: number;
}

export interface HistoryStoreOptions {
  /** The history directory; '' keeps history in memory only (bounded by `memoryLimit`). */
  dir: string;
  retentionMs: number;
  logger: Logger;
  clock?: Clock;
  /** Flush interval of the append buffer (default 1 s). */
  flushIntervalMs?: number;
  /** Without a directory: how many events are kept (default 10,000). */
  memoryLimit?: number;
}

function dayFile(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `history-${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}.jsonl`;
}

function fileDayStart(name: string): number | null {
  const m = FILE_RE.exec(name);
  if (m === null) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export class HistoryStore {
  readonly #o: HistoryStoreOptions;
  readonly #clock: Clock;
  #buffer: HistoryEvent[] = [];
  /** In-memory history when there is no directory. */
  readonly #memory: HistoryEvent[] = [];
  #timer: TimerHandle | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #ready: Promise<void> | null = null;
  #closed = false;

  constructor(o: HistoryStoreOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
  }

  /** Records an event (buffered; see `flush`). */
  record(e: HistoryEvent): void {
    if (this.#closed) return;
    if (this.#o.dir === '') {
      this.#memory.push(e);
      const limit = this.#o.memoryLimit ?? 10_000;
      if (this.#memory.length > limit) this.#memory.splice(0, this.#memory.length - limit);
      return;
    }
    this.#buffer.push(e);
    if (this.#timer === null) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        this.flush().catch((err: unknown) => { this.#o.logger.error('writing alert history failed', { err }); });
      }, this.#o.flushIntervalMs ?? 1000);
    }
  }

  /** Appends the buffered events to their day files. Flushes never overlap. */
  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#buffer.length === 0) return;
      const batch = this.#buffer;
      this.#buffer = [];
      this.#ready ??= mkdir(this.#o.dir, { recursive: true }).then(() => undefined);
      await this.#ready;
      const byFile = new Map<string, string>();
      for (const e of batch) {
        const f = dayFile(e.at);
        byFile.set(f, (byFile.get(f) ?? '') + JSON.stringify(e) + '\n');
      }
      for (const [f, text] of byFile) await appendFile(join(this.#o.dir, f), text);
    };
    this.#flushing = this.#flushing.then(run, run);
    return this.#flushing;
  }

  /** Deletes day files entirely older than the retention; returns how many. */
  async gc(): Promise<number> {
    const cutoff = this.#clock.now() - this.#o.retentionMs;
    if (this.#o.dir === '') {
      const keep = this.#memory.filter((e) => e.at >= cutoff);
      this.#memory.splice(0, this.#memory.length, ...keep);
      return 0;
    }
    let n = 0;
    for (const name of await this.#files()) {
      const start = fileDayStart(name)!;
      if (start + DAY <= cutoff) {
        await rm(join(this.#o.dir, name), { force: true });
        n++;
      }
    }
    return n;
  }

  async #files(): Promise<string[]> {
    try {
      return (await readdir(this.#o.dir)).filter((n) => FILE_RE.test(n)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Events matching the query, oldest first. */
  async query(q: HistoryQuery = {}): Promise<HistoryEvent[]> {
    const now = this.#clock.now();
    const start = Math.max(q.start ?? -Infinity, now - this.#o.retentionMs);
    const end = q.end ?? Infinity;
    const out: HistoryEvent[] = [];
    const keep = (e: HistoryEvent): void => {
      if (e.at < start || e.at > end) return;
      if (q.kinds !== undefined && q.kinds.size > 0 && !q.kinds.has(e.kind)) return;
      if (q.fingerprint !== undefined && q.fingerprint !== '' && e.fingerprint !== q.fingerprint) return;
      if (q.matchers !== undefined && !matchesAll(q.matchers, e.labels)) return;
      out.push(e);
    };
    if (this.#o.dir === '') {
      for (const e of this.#memory) keep(e);
    } else {
      await this.#flushing;
      for (const name of await this.#files()) {
        const dayStart = fileDayStart(name)!;
        if (dayStart + DAY <= start || dayStart > end) continue;
        let text: string;
        try {
          text = await readFile(join(this.#o.dir, name), 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw e;
        }
        for (const line of text.split('\n')) {
          if (line === '') continue;
          const e = parseEventLine(line);
          if (e !== null) keep(e);
        }
      }
      for (const e of this.#buffer) keep(e);
    }
    out.sort((a, b) => a.at - b.at);
    const limit = q.limit ?? 0;
    return limit > 0 && out.length > limit ? out.slice(out.length - limit) : out;
  }

  /** Writes what is buffered and stops recording. */
  async close(): Promise<void> {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.flush();
    this.#closed = true;
  }
}
