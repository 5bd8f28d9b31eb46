/**
 * The active query log, `<data dir>/queries.active`, in Prometheus's format: a JSON array of
 * up to `--query.max-concurrency` slots of 1,000 bytes, each holding the running query
 * (`{"query":"...","timestamp_sec":...}`, NUL-padded, ending in a comma) or only NULs. The
 * file is `[` followed by the slots. A query writes its slot when it starts running and clears
 * it when it ends, so after a crash the file names the queries that were running; the next
 * start logs them ("These queries didn't finish in the last run:") before starting afresh.
 *
 * Prometheus maps the file into memory; here a slot is a positioned write(2) to the page
 * cache (no fsync): a process crash keeps it, as with the mapping. Writes wait for the event
 * loop's next turn and are coalesced: a query still running then has its slot written (a long
 * query yields within its first 10 ms of evaluation, before anything it does could bring the
 * process down), and a query that started and ended before it costs no write at all, where
 * writing it and clearing it cost two system calls per query.
 */
import { closeSync, existsSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
// Go 1.22+'s escapes (\b, \f), as Prometheus 3 writes them.
import { goJSONString } from '../../tsdb/tools/go-format.js';
import type { Logger } from '../../util/log.js';

export const ACTIVE_QUERIES_FILENAME = 'queries.active';
/** Bytes per slot, as in Prometheus. */
export const ENTRY_SIZE = 1000;

const enc = new TextEncoder();

/**
 * The array a (possibly crashed) run left: NULs removed, its last byte (a comma after the
 * last entry, or the `[`) made a `]`. Null when it names no query.
 */
export function unfinishedQueries(file: Uint8Array): string | null {
  // A NUL byte is never part of a UTF-8 sequence: decoding first and dropping NULs after is
  // the same as dropping the bytes.
  const s = Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('utf8').replaceAll('\0', '');
  if (s.length <= 1) return null;
  return s.slice(0, -1) + ']';
}

/**
 * One slot's bytes: the entry, the query cut (at a character boundary) so that the JSON
 * fits before the slot's final comma, NULs, and the comma.
 */
export function slotBytes(query: string, timestampSec: number): Uint8Array {
  const out = new Uint8Array(ENTRY_SIZE);
  const entry = (q: string): string => `{"query":${goJSONString(q)},"timestamp_sec":${timestampSec}}`;
  let json = enc.encode(entry(query));
  if (json.length > ENTRY_SIZE - 1) {
    // Cut the query until its JSON fits: escapes make the JSON longer than the query. No
    // more than ENTRY_SIZE code units can fit (a long query costs no more than a short one);
    // a surrogate pair is not split.
    let head = query.slice(0, ENTRY_SIZE);
    const last = head.charCodeAt(head.length - 1);
    if (head.length < query.length && last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
    const chars = Array.from(head);
    let lo = 0, hi = chars.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (enc.encode(entry(chars.slice(0, mid).join(''))).length <= ENTRY_SIZE - 1) lo = mid;
      else hi = mid - 1;
    }
    json = enc.encode(entry(chars.slice(0, lo).join('')));
  }
  out.set(json, 0);
  out[ENTRY_SIZE - 1] = 0x2c;
  return out;
}

/** What a slot should hold: a query and the second it started, or nothing. */
interface Entry { query: string; timestampSec: number }

export class ActiveQueryTracker {
  readonly path: string;
  readonly #fd: number;
  readonly #free: number[] = [];
  readonly #logger: Logger;
  readonly #zeros = new Uint8Array(ENTRY_SIZE);
  /** Per slot index: what it should hold, and whether the file holds an entry there now. */
  readonly #want: (Entry | null)[];
  readonly #written: boolean[];
  /** Slot indexes whose wanted content may differ from the file's, each once (#queued). */
  #dirty: number[] = [];
  readonly #queued: boolean[];
  #scheduled = false;
  #writes = 0;
  #failed = false;
  #closed = false;

  private constructor(path: string, fd: number, slots: number, logger: Logger) {
    this.path = path;
    this.#fd = fd;
    this.#logger = logger;
    this.#want = new Array<Entry | null>(slots).fill(null);
    this.#written = new Array<boolean>(slots).fill(false);
    this.#queued = new Array<boolean>(slots).fill(false);
    for (let i = slots - 1; i >= 0; i--) this.#free.push(1 + i * ENTRY_SIZE);
  }

  /**
   * Logs what the last run left in `dir`'s file, then starts it afresh for `slots`
   * concurrent queries. Returns null (after logging why) when the file cannot be made.
   */
  static open(dir: string, slots: number, logger: Logger): ActiveQueryTracker | null {
    const path = join(dir, ACTIVE_QUERIES_FILENAME);
    const size = 1 + slots * ENTRY_SIZE;
    if (existsSync(path)) {
      try {
        const fd = openSync(path, 'r');
        try {
          // As much as this run's file holds, like Prometheus.
          const b = new Uint8Array(size);
          let n = 0;
          while (n < size) {
            const r = readSync(fd, b, n, size - n, n);
            if (r === 0) break;
            n += r;
          }
          const q = unfinishedQueries(b.subarray(0, n));
          if (q !== null) logger.info("These queries didn't finish in the last run:", { queries: q });
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        logger.error('Failed to read query log file', { err: e instanceof Error ? e.message : String(e) });
      }
    }
    let fd = -1;
    try {
      fd = openSync(path, 'w+');
      const zeros = new Uint8Array(Math.min(size, 32 * 1024));
      for (let off = 0; off < size;) {
        const n = Math.min(zeros.length, size - off);
        off += writeSync(fd, zeros, 0, n, off);
      }
      fsyncSync(fd);
      writeSync(fd, Uint8Array.of(0x5b), 0, 1, 0);
      return new ActiveQueryTracker(path, fd, slots, logger);
    } catch (e) {
      if (fd >= 0) closeSync(fd);
      logger.error('Error opening query log file', { file: path, err: e instanceof Error ? e.message : String(e) });
      return null;
    }
  }

  /**
   * Notes `query` as running; returns its slot (for `delete`), or -1 when it is not noted. The
   * slot is written at the event loop's next turn if the query is still running then.
   */
  insert(query: string): number {
    if (this.#failed || this.#closed) return -1;
    const slot = this.#free.pop();
    if (slot === undefined) return -1;
    this.#mark((slot - 1) / ENTRY_SIZE, { query, timestampSec: Math.floor(Date.now() / 1000) });
    return slot;
  }

  /** Clears a slot `insert` returned (in the file at the next turn, if it was written). */
  delete(slot: number): void {
    if (slot < 0) return;
    this.#mark((slot - 1) / ENTRY_SIZE, null);
    this.#free.push(slot);
  }

  /** Positioned writes made so far (each one slot). */
  get writes(): number {
    return this.#writes;
  }

  #mark(i: number, e: Entry | null): void {
    this.#want[i] = e;
    if (!this.#queued[i]) {
      this.#queued[i] = true;
      this.#dirty.push(i);
    }
    if (this.#scheduled || this.#failed || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => { this.flush(); }).unref();
  }

  /** Writes every slot whose content changed since the last flush; the turn's writes happen here. */
  flush(): void {
    this.#scheduled = false;
    const dirty = this.#dirty;
    if (dirty.length === 0) return;
    this.#dirty = [];
    for (const i of dirty) {
      this.#queued[i] = false;
      if (this.#failed || this.#closed) continue;
      const e = this.#want[i] ?? null;
      // Written once per flush, however often the slot changed in between.
      if (e === null && !this.#written[i]) continue;
      const at = 1 + i * ENTRY_SIZE;
      if (e === null) {
        if (this.#write(this.#zeros, at)) this.#written[i] = false;
      } else if (this.#write(slotBytes(e.query, e.timestampSec), at)) {
        this.#written[i] = true;
      }
    }
  }

  #write(b: Uint8Array, at: number): boolean {
    if (this.#failed || this.#closed) return false;
    try {
      for (let off = 0; off < b.length;) off += writeSync(this.#fd, b, off, b.length - off, at + off);
      this.#writes++;
      return true;
    } catch (e) {
      // Queries go on without the log; said once.
      this.#failed = true;
      this.#logger.error('Writing the active query log failed; queries are no longer logged', { file: this.path, err: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    closeSync(this.#fd);
  }
}
