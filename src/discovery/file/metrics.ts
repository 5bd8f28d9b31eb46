/**
 * File SD's own metrics, under Prometheus's names. They are registered once per registry and
 * shared by every file discoverer on it (the scrape and the notify managers alike), as in
 * Prometheus where mechanism metrics live for the whole process.
 *
 * `prometheus_sd_file_scan_duration_seconds` is a summary as in Prometheus, with the same
 * quantiles (0.5, 0.9, 0.99); they are computed exactly over the last 1024 scans instead of
 * Prometheus's ten-minute decaying window.
 */
import type { CollectedSample, Counter, Registry } from '../../instrument/index.js';

const QUANTILES: readonly number[] = [0.5, 0.9, 0.99];
const WINDOW = 1024;

/** A summary over a sliding window of the most recent observations. */
export class WindowSummary {
  readonly #window = new Float64Array(WINDOW);
  #filled = 0;
  #next = 0;
  sum = 0;
  count = 0;

  observe(v: number): void {
    this.#window[this.#next] = v;
    this.#next = (this.#next + 1) % WINDOW;
    if (this.#filled < WINDOW) this.#filled++;
    this.sum += v;
    this.count++;
  }

  /** The quantile over the window (nearest rank), NaN before the first observation. */
  quantile(q: number): number {
    if (this.#filled === 0) return NaN;
    const sorted = this.#window.slice(0, this.#filled).sort();
    return sorted[Math.min(this.#filled - 1, Math.max(0, Math.ceil(q * this.#filled) - 1))]!;
  }

  samples(): CollectedSample[] {
    const out: CollectedSample[] = [];
    for (const q of QUANTILES) out.push({ suffix: '', labels: [['quantile', String(q)]], value: this.quantile(q) });
    out.push({ suffix: '_sum', labels: [], value: this.sum });
    out.push({ suffix: '_count', labels: [], value: this.count });
    return out;
  }
}

export class FileSDMetrics {
  readonly readErrors: Counter;
  readonly scanDuration = new WindowSummary();
  readonly watcherErrors: Counter;
  /** Modification times in Unix seconds, by discoverer, then by file name. */
  readonly #mtimes = new Map<object, Map<string, number>>();

  private constructor(reg: Registry) {
    this.readErrors = reg.counter({ name: 'prometheus_sd_file_read_errors_total', help: 'The number of File-SD read errors.' });
    reg.collector('prometheus_sd_file_scan_duration_seconds', 'The duration of the File-SD scan in seconds.', 'summary', () => this.scanDuration.samples());
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
