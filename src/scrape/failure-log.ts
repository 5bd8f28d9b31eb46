/**
 * `scrape_failure_log_file`: every failed scrape (a fetch that failed, not a body that was
 * rejected) is logged as one JSON line to the job's file, with `job_name` and `target`, as
 * Prometheus does. Files are opened for appending and reopened on every config reload, so
 * that they can be rotated.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface FailureLogger {
  log(jobName: string, target: string, msg: string): void;
}

class FileFailureLogger implements FailureLogger {
  readonly #fd: number;
  #closed = false;
  constructor(fd: number) {
    this.#fd = fd;
  }
  log(jobName: string, target: string, msg: string): void {
    if (this.#closed) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: 'ERROR', source: 'scrape/loop.ts', msg, job_name: jobName, target }) + '\n';
    try {
      writeSync(this.#fd, line);
    } catch {
      // A full disk must not break scraping.
    }
  }
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try { closeSync(this.#fd); } catch { /* already gone */ }
  }
}

/** The open failure log files, by path. */
export class FailureLogs {
  #files = new Map<string, FileFailureLogger>();

  /**
   * Opens the files for these paths ('' means none), closing the previous ones. Throws
   * `can't create json log file: ...` and keeps the previous files when one cannot be opened.
   */
  reopen(paths: Iterable<string>): void {
    const next = new Map<string, FileFailureLogger>();
    try {
      for (const p of paths) {
        if (p === '' || next.has(p)) continue;
        next.set(p, new FileFailureLogger(openSync(p, 'a', 0o666)));
      }
    } catch (e) {
      for (const f of next.values()) f.close();
      throw new Error(`can't create json log file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const old = this.#files;
    this.#files = next;
    for (const f of old.values()) f.close();
  }

  get(path: string): FailureLogger | null {
    return this.#files.get(path) ?? null;
  }

  close(): void {
    for (const f of this.#files.values()) f.close();
    this.#files.clear();
  }
}
