/**
 * `file_sd_configs`: target groups read from JSON or YAML files named by patterns. Files are
 * re-read when anything changes in a watched directory and every `refresh_interval`, as
 * Prometheus does. Each group gets `__meta_filepath` and the source `<file>:<index>`. A file
 * that fails to read or parse keeps its last good groups (and counts an error); the groups of
 * a deleted file, or the tail of a file that now has fewer groups, are sent empty so that the
 * manager drops them.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { FileSDConfig } from '../../config/types.js';
import { nopLogger, type Logger } from '../../util/log.js';
import type { Discoverer, TargetGroup } from '../interface.js';
import { glob, hasGlobMeta, splitPath } from '../../util/glob.js';
import type { FileSDMetrics } from './metrics.js';
import { fileFormat, parseTargetGroups } from './parse.js';

export const FILE_SD_FILEPATH_LABEL = '__meta_filepath';
/** Files larger than this are refused rather than read into memory. */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

export interface FileDiscovererOptions {
  metrics: FileSDMetrics;
  logger?: Logger;
  maxFileBytes?: number;
}

/**
 * A file name pattern Prometheus accepts in `files`: a `.json`, `.yml` or `.yaml` name,
 * with `*` only in the last path element. For the config loader.
 */
export function isValidFileSDPattern(p: string): boolean {
  return /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/.test(p);
}

/** The source of the i-th group of a file. */
export function fileSource(filename: string, i: number): string {
  return `${filename}:${i}`;
}

export class FileDiscoverer implements Discoverer {
  readonly #patterns: readonly string[];
  readonly #intervalMs: number;
  readonly #metrics: FileSDMetrics;
  readonly #logger: Logger;
  readonly #maxBytes: number;

  constructor(cfg: FileSDConfig, opts: FileDiscovererOptions) {
    this.#patterns = cfg.files.slice();
    this.#intervalMs = cfg.refresh_interval;
    this.#metrics = opts.metrics;
    this.#logger = opts.logger ?? nopLogger;
    this.#maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const watchers = new Map<string, FSWatcher>();
      const mtimes = this.#metrics.mtimes(this);
      let last = new Map<string, number>();
      let running = false;
      let again = false;

      const request = (): void => {
        if (signal.aborted) return;
        if (running) { again = true; return; }
        running = true;
        void loop();
      };
      // Refreshes never overlap: events during a refresh coalesce into one more pass.
      const loop = async (): Promise<void> => {
        do {
          again = false;
          try {
            last = await this.#refresh(signal, send, last, mtimes);
            if (!signal.aborted) this.#watchDirs(watchers, request);
          } catch (e) {
            this.#logger.error('Error refreshing file discovery', { err: e });
          }
        } while (again && !signal.aborted);
        running = false;
        if (signal.aborted) resolve();
      };
      const timer = this.#intervalMs > 0 ? setInterval(request, this.#intervalMs) : null;
      timer?.unref();
      signal.addEventListener('abort', () => {
        if (timer !== null) clearInterval(timer);
        for (const w of watchers.values()) w.close();
        watchers.clear();
        this.#metrics.forget(this);
        if (!running) resolve();
      }, { once: true });
      // Watch before the first read, so that no change between the two goes unnoticed.
      this.#watchDirs(watchers, request);
      request();
    });
  }

  /** One pass over all files; returns the group counts per file to compare with next time. */
  async #refresh(signal: AbortSignal, send: (groups: TargetGroup[]) => void, last: ReadonlyMap<string, number>, mtimes: Map<string, number>): Promise<Map<string, number>> {
    const t0 = performance.now();
    const files = new Set<string>();
    for (const p of this.#patterns) {
      try {
        for (const f of await glob(p)) files.add(f);
      } catch (e) {
        this.#logger.error('Error expanding glob', { glob: p, err: e });
      }
    }
    const ref = new Map<string, number>();
    const groups: TargetGroup[] = [];
    for (const f of files) {
      if (signal.aborted) return last as Map<string, number>;
      try {
        const { text, mtimeMs } = await readCapped(f, this.#maxBytes);
        const format = fileFormat(f);
        if (format === null) throw new Error(`unsupported file extension for file discovery: ${f}`);
        const fgs = parseTargetGroups(text, format);
        for (let i = 0; i < fgs.length; i++) {
          const g = fgs[i]!;
          const targets: Record<string, string>[] = [];
          for (const t of g.targets) targets.push({ __address__: t });
          groups.push({ targets, labels: { ...g.labels, [FILE_SD_FILEPATH_LABEL]: f }, source: fileSource(f, i) });
        }
        ref.set(f, fgs.length);
        mtimes.set(f, Math.floor(mtimeMs / 1000));
      } catch (e) {
        this.#metrics.readErrors.inc();
        this.#logger.error('Error reading file', { path: f, err: e });
        ref.set(f, last.get(f) ?? 0); // keep the last good groups: send nothing for this file
      }
    }
    for (const [f, n] of last) {
      const m = ref.get(f);
      if (m !== undefined && m >= n) continue;
      if (m === undefined) mtimes.delete(f);
      for (let i = m ?? 0; i < n; i++) groups.push({ targets: [], labels: {}, source: fileSource(f, i) });
    }
    if (signal.aborted) return last as Map<string, number>;
    send(groups);
    this.#metrics.scanDuration.observe((performance.now() - t0) / 1000);
    return ref;
  }

  /** Watches the directory of every pattern; retried on each refresh until it succeeds. */
  #watchDirs(watchers: Map<string, FSWatcher>, onEvent: () => void): void {
    for (const p of this.#patterns) {
      const dir = splitPath(p)[0] || './';
      if (watchers.has(dir) || hasGlobMeta(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, onEvent);
        w.on('error', (e) => {
          this.#metrics.watcherErrors.inc();
          this.#logger.error('Error watching file', { path: dir, err: e });
          w.close();
          if (watchers.get(dir) === w) watchers.delete(dir);
        });
        watchers.set(dir, w);
      } catch (e) {
        this.#metrics.watcherErrors.inc();
        this.#logger.error('Error adding file watch', { path: dir, err: e });
      }
    }
  }
}

/** Reads a whole file as UTF-8, refusing files larger than `max` bytes even if they grow while read. */
async function readCapped(path: string, max: number): Promise<{ text: string; mtimeMs: number }> {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new Error(`read ${path}: is a directory`);
    const tooLarge = (n: number): Error => new Error(`reading ${path}: file size ${n} bytes exceeds the limit of ${max} bytes`);
    if (st.size > max) throw tooLarge(st.size);
    let buf = Buffer.allocUnsafe(st.size + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (total > max) throw tooLarge(total);
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, max + 1));
        buf.copy(bigger, 0, 0, total);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, total, buf.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > max) throw tooLarge(total);
    return { text: new TextDecoder('utf-8').decode(buf.subarray(0, total)), mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}
