/**
 * File SD's own metrics, under Prometheus's names. They are registered once per registry and
 * shared by every file discoverer on it (the scrape and the notify managers alike), as in
 * Prometheus where mechanism metrics live for the whole process.
 *
 * `prometheus_sd_file_scan_duration_seconds` is a summary as in Prometheus, with the same
 * quantiles (0.5, 0.9, 0.99) over the last ten minutes; they are computed exactly over at most
 * the last 1024 scans in that window (see instrument's Summary).
 */
import type { CollectedSample, Counter, Registry, Summary } from '../../instrument/index.js';

export class FileSDMetrics {
  readonly readErrors: Counter;
  readonly scanDuration: Summary;
  readonly watcherErrors: Counter;
  /** Modification times in Unix seconds, by discoverer, then by file name. */
  readonly #mtimes = new Map<object, Map<string, number>>();

  private constructor(reg: Registry) {
    this.readErrors = reg.counter({ name: 'prometheus_sd_file_read_errors_total', help: 'The number of File-SD read errors.' });
    this.scanDuration = reg.summary({
      name: 'prometheus_sd_file_scan_duration_seconds', help: 'The duration of the File-SD scan in seconds.', objectives: [0.5, 0.9, 0.99],
    });
    this.watcherErrors = reg.counter({
      name: 'prometheus_sd_file_watcher_errors_total',
      help: 'The number of File-SD errors caused by filesystem watch failures.',
    });
    reg.collector('prometheus_sd_file_mtime_seconds', 'Timestamp (mtime) of files read by FileSD. Timestamp is set at read time.', 'gauge', () => {
      const unique = new Map<string, number>();
      for (const m of this.#mtimes.values()) for (const [f, t] of m) unique.set(f, t);
      const out: CollectedSample[] = [];
      for (const [f, t] of unique) out.push({ suffix: '', labels: [['filename', f]], value: t });
      return out;
    });
  }

  static readonly #byRegistry = new WeakMap<Registry, FileSDMetrics>();

  /** The metrics registered on `reg`, registering them on first use. */
  static for(reg: Registry): FileSDMetrics {
    let m = FileSDMetrics.#byRegistry.get(reg);
    if (m === undefined) {
      m = new FileSDMetrics(reg);
      FileSDMetrics.#byRegistry.set(reg, m);
    }
    return m;
  }

  /** The mtime table of one running discoverer; dropped with `forget`. */
  mtimes(owner: object): Map<string, number> {
    let m = this.#mtimes.get(owner);
    if (m === undefined) {
      m = new Map();
      this.#mtimes.set(owner, m);
    }
    return m;
  }

  forget(owner: object): void {
    this.#mtimes.delete(owner);
  }
}
