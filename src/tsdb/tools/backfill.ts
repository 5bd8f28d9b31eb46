/**
 * `tsdb create-blocks-from openmetrics`: blocks from an OpenMetrics file with a timestamp on
 * every sample, as promtool makes them: one block per aligned window of the block duration
 * (2h, or the largest of 2h·3^k within `--max-block-duration`), chunks cut as its head cuts
 * them, its errors for out-of-order and duplicate samples, and its table of written blocks.
 *
 * Unlike promtool, which reads the file once for the time range and once more per window,
 * the file is read once and every window is built in that pass, as long as the chunks fit
 * in `memoryBudget`; beyond it the highest windows are left for further passes. Windows are
 * written in time order; the first window with an error stops the backfill there, after the
 * blocks before it were written, as with promtool.
 */
import { lstat, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Labels } from '../../model/index.js';
import { ParseError } from '../../textparse/index.js';
import { errnoText } from '../../util/errno.js';
import { Block, writeBlock, type SeriesToWrite } from '../block/index.js';
import { XorChunk } from '../chunkenc/index.js';
import { compareLabelsUtf8, compareUtf8 } from '../index/index.js';
import { BackfillWindow } from './backfill-window.js';
import { formatBlockTable } from './list.js';
import { MissingTimestampError, OpenMetricsFileReader, type SampleSink } from './om-file-reader.js';

/** Prometheus's default (and smallest) block duration: 2h in ms. */
export const DEFAULT_BLOCK_DURATION = 2 * 3600 * 1000;

/** The block duration promtool uses for `--max-block-duration`: the largest of 2h·3^k (k < 10) not above it. */
export function compatibleBlockDuration(maxBlockDuration: number): number {
  if (maxBlockDuration <= DEFAULT_BLOCK_DURATION) return DEFAULT_BLOCK_DURATION;
  let r = DEFAULT_BLOCK_DURATION;
  for (let i = 1; i < 10; i++) {
    const next = r * 3;
    if (next > maxBlockDuration) return r;
    r = next;
  }
  return r;
}

export interface BackfillOptions {
  input: string;
  outputDir: string;
  humanReadable: boolean;
  /** Print nothing about the blocks written. */
  quiet: boolean;
  /** `--max-block-duration` in ms (0: the default). */
  maxBlockDuration: number;
  /** `--label` name=value pairs: set on every series (an empty value removes the label). */
  customLabels: ReadonlyMap<string, string>;
  /** Bytes of chunks to hold before leaving windows for another pass (default 1 GiB). */
  memoryBudget?: number;
  /** Bytes of the file parsed at a time (default 4 MiB; small values are for tests). */
  pieceSize?: number;
  signal?: AbortSignal;
  /** Updated as the backfill runs, for a progress display. */
  progress?: BackfillProgress;
}

export interface BackfillProgress {
  /** 1 for the first reading of the file. */
  pass: number;
  bytesRead: number;
  totalBytes: number;
  samples: number;
  blocks: number;
}

/** A backfill failure, with promtool's message. */
export class BackfillError extends Error {
  override readonly name = 'BackfillError';
}

const DEFAULT_BUDGET = 1 << 30;
/** How often (in samples) the memory budget is checked. */
const BUDGET_CHECK = 1 << 12;

/** Collects one pass's samples into the windows it holds. */
class WindowCollector implements SampleSink {
  readonly bd: number;
  readonly windows = new Map<number, BackfillWindow>();
  readonly #invalid: readonly (string | null)[];
  readonly #budget: number;
  /** Windows below this index were written in an earlier pass. */
  readonly fromIndex: number;
  /** Windows from this index on are left for a later pass. */
  deferFrom = Infinity;
  /** The lowest window with an error; windows above it will never be written. */
  failedAt = Infinity;
  mint = Infinity;
  maxt = -Infinity;
  #lo = Infinity;
  #hi = -Infinity;
  #cur: BackfillWindow | null = null;
  #n = 0;

  constructor(bd: number, fromIndex: number, invalid: readonly (string | null)[], budget: number) {
    this.bd = bd;
    this.fromIndex = fromIndex;
    this.#invalid = invalid;
    this.#budget = budget;
  }

  sample(id: number, t: number, v: number): void {
    if (t < this.mint) this.mint = t;
    if (t > this.maxt) this.maxt = t;
    if (t < this.#lo || t >= this.#hi) this.#select(t);
    const w = this.#cur;
    if (w === null) return;
    const bad = this.#invalid[id];
    if (bad !== null && bad !== undefined) w.fail(bad);
    else w.add(id, t, v);
    if (w.error !== null) this.#failed(w.index);
    if ((++this.#n & (BUDGET_CHECK - 1)) === 0) this.#checkBudget();
  }

  #select(t: number): void {
    const idx = Math.floor(t / this.bd);
    this.#lo = idx * this.bd;
    this.#hi = this.#lo + this.bd;
    if (idx < this.fromIndex || idx >= this.deferFrom || idx > this.failedAt) {
      this.#cur = null;
      return;
    }
    let w = this.windows.get(idx);
    if (w === undefined) {
      this.windows.set(idx, (w = new BackfillWindow(idx, this.bd)));
      this.#checkBudget();
      if (idx >= this.deferFrom) {
        this.#cur = null;
        return;
      }
    }
    this.#cur = w;
  }

  #forget(): void {
    this.#lo = Infinity;
    this.#hi = -Infinity;
    this.#cur = null;
  }

  #failed(idx: number): void {
    if (idx >= this.failedAt) return;
    this.failedAt = idx;
    for (const k of [...this.windows.keys()]) if (k > idx) this.windows.delete(k);
    this.#forget();
  }

  #checkBudget(): void {
    let total = 0;
    for (const w of this.windows.values()) total += w.memory();
    while (total > this.#budget && this.windows.size > 1) {
      const top = Math.max(...this.windows.keys());
      total -= this.windows.get(top)!.memory();
      this.windows.delete(top);
      this.deferFrom = top;
      this.#forget();
    }
  }
}

/**
 * Go's `os.MkdirAll`, with its error text (`mkdir <path>: <why>`). Node's recursive mkdir is
 * not used: it never returns for some paths (under /proc).
 */
async function mkdirAll(path: string): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch {
    st = null; // Does not exist (or cannot be reached): create the parents, then it.
  }
  if (st !== null) {
    if (st.isDirectory()) return;
    throw new Error(`mkdir ${path}: not a directory`);
  }
  const trimmed = path.replace(/\/+$/, '');
  const parent = dirname(trimmed);
  if (parent !== trimmed && parent !== '.' && parent !== '/') await mkdirAll(parent);
  try {
    await mkdir(path);
  } catch (e) {
    try {
      if ((await lstat(path)).isDirectory()) return;
    } catch { /* report the mkdir error */ }
    throw new Error(`mkdir ${path}: ${errnoText(e)}`, { cause: e });
  }
}

async function checkInput(path: string): Promise<{ size: number; regular: boolean }> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new BackfillError(`stat ${path}: ${errnoText(e)}`, { cause: e });
  }
  if (st.isDirectory()) throw new BackfillError(`mmap, size ${st.size}: no such device`);
  if (st.isFile() && st.size === 0) throw new BackfillError('mmap, size 0: invalid argument');
  return { size: st.size, regular: st.isFile() };
}

/** Runs the backfill, writing the block table (unless quiet) through `out`. Throws BackfillError. */
export async function backfillOpenMetrics(o: BackfillOptions, out: (s: string) => void): Promise<void> {
  const input = await checkInput(o.input);
  try {
    await mkdirAll(o.outputDir);
  } catch (e) {
    throw new BackfillError(`create output dir: ${(e as Error).message}`, { cause: e });
  }
  const bd = compatibleBlockDuration(o.maxBlockDuration);
  const reader = new OpenMetricsFileReader(o.input, o.customLabels, o.pieceSize);
  // A pipe cannot be read twice: everything stays in memory, as promtool keeps the whole input.
  const budget = input.regular ? (o.memoryBudget ?? DEFAULT_BUDGET) : Infinity;
  const progress = o.progress ?? { pass: 0, bytesRead: 0, totalBytes: 0, samples: 0, blocks: 0 };
  progress.totalBytes = input.size;
  let firstIndex = -Infinity;
  let wroteHeader = false;
  for (let pass = 1; ; pass++) {
    const c = new WindowCollector(bd, Number.isFinite(firstIndex) ? firstIndex : -Infinity, reader.invalid, budget);
    progress.pass = pass;
    const timer = setInterval(() => { progress.bytesRead = reader.bytesRead; progress.samples = reader.samples; }, 100);
    try {
      await reader.pass(c, o.signal);
    } catch (e) {
      if (pass > 1) throw e;
      if (e instanceof ParseError) throw new BackfillError(`getting min and max timestamp: next: ${e.message}`, { cause: e });
      if (e instanceof MissingTimestampError) throw new BackfillError(`getting min and max timestamp: ${e.message}`, { cause: e });
      throw e;
    } finally {
      clearInterval(timer);
    }
    progress.bytesRead = reader.bytesRead;
    progress.samples = reader.samples;
    if (pass === 1) {
      if (c.mint === Infinity) return;
      // promtool aligns the first window by truncating division: a window that starts
      // before it (negative times) is never read.
      firstIndex = Math.trunc(c.mint / bd);
    }
    const order = [...c.windows.keys()].sort((a, b) => a - b);
    for (const idx of order) {
      const w = c.windows.get(idx)!;
      c.windows.delete(idx);
      if (idx < firstIndex) continue;
      if (w.error !== null) throw new BackfillError(`block creation: process blocks: add sample: ${w.error}`);
      if (w.count === 0) continue;
      const row = await writeWindow(w, reader.labels, o);
      progress.blocks++;
      if (!o.quiet) {
        out(formatBlockTable([row], !wroteHeader, o.humanReadable));
        wroteHeader = true;
      }
    }
    if (c.deferFrom === Infinity || c.failedAt < c.deferFrom) return;
    firstIndex = c.deferFrom;
  }
}

async function writeWindow(w: BackfillWindow, labels: readonly Labels[], o: BackfillOptions): Promise<{ meta: Block['meta']; size: number }> {
  w.seal();
  const builders = w.builders.filter((b) => b !== undefined);
  builders.sort((a, b) => compareLabelsUtf8(labels[a.id]!, labels[b.id]!));
  const syms = new Set<string>();
  for (const b of builders) {
    const ls = labels[b.id]!;
    for (let i = 0; i < ls.length; i++) { syms.add(ls.nameAt(i)); syms.add(ls.valueAt(i)); }
  }
  const symbols = [...syms].sort(compareUtf8);
  const arena = w.arena;
  function* series(): Generator<SeriesToWrite> {
    for (const b of builders) {
      const chunks = [];
      const d = b.done;
      for (let i = 0; i < d.length; i += 4) {
        chunks.push({ mint: d[i + 2]!, maxt: d[i + 3]!, chunk: XorChunk.fromBytes(arena.view(d[i]!, d[i + 1]!)), ref: 0 });
      }
      yield { labels: labels[b.id]!, chunks };
    }
  }
  let written;
  try {
    written = await writeBlock({ symbols, series: series() }, {
      parentDir: o.outputDir, minTime: w.minT, maxTime: w.maxT + 1, labelIndices: false,
      ...(o.signal !== undefined ? { signal: o.signal } : {}),
    });
  } catch (e) {
    throw new BackfillError(`block creation: process blocks: flush: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (written === null) throw new BackfillError('block creation: process blocks: flush: no samples written');
  const b = await Block.open(written.dir);
  try {
    return { meta: b.meta, size: b.size() };
  } finally {
    await b.close();
  }
}
