/**
 * Test support: a stand-in head over the memory storage (for DB tests that must not depend
 * on the real head), building blocks from plain samples, and reading a storage back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { after } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, type Millis } from '../../model/index.js';
import type { Appender, ExemplarQueryResult, Querier, Queryable, SampleIterator } from '../../storage/interface.js';
import { ValueType } from '../../storage/interface.js';
import { MemoryStorage } from '../../storage/memory/index.js';
import type { BlockMeta } from '../block/index.js';
import { writeLevel1Block } from './compactor.js';
import { queryableBlockSource, type DBHead } from './head-seam.js';

export const ms = (n: number): Millis => n as Millis;
export const HOUR = 3_600_000;

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => { rmSync(dir, { recursive: true, force: true }); } };
}

/**
 * A maker of temporary directories named with `prefix`, all removed after the test file's
 * tests (call it at the top level of the file).
 */
export function scratchDirs(prefix: string): () => string {
  const cleanups: (() => void)[] = [];
  after(() => { for (const c of cleanups) c(); });
  return () => {
    const t = tempDir(prefix);
    cleanups.push(t.cleanup);
    return t.dir;
  };
}

/**
 * A head made of a memory storage: truncation hides samples before the truncation point,
 * and blocks are re-encoded from samples. No WAL: nothing survives a reopen.
 */
export class FakeHead implements DBHead {
  readonly mem = new MemoryStorage();
  #cut = -Infinity;
  truncations: number[] = [];
  walTruncations: number[] = [];
  closed = false;

  appender(): Appender {
    return this.mem.appender();
  }

  querier(mint: Millis, maxt: Millis): Promise<Querier> {
    return this.mem.querier(ms(Math.max(mint, this.#cut)), maxt);
  }

  exemplars(mint: Millis, maxt: Millis, sets: readonly (readonly Matcher[])[]): Promise<ExemplarQueryResult[]> {
    return this.mem.exemplars(mint, maxt, sets);
  }

  minTime(): number {
    const s = this.mem.stats();
    if (s.minTime === null) return Infinity;
    return Math.max(s.minTime, this.#cut);
  }

  maxTime(): number {
    const s = this.mem.stats();
    return s.maxTime === null || s.maxTime < this.#cut ? -Infinity : s.maxTime;
  }

  blockSource(mint: number, maxt: number): ReturnType<DBHead['blockSource']> {
    const pending = queryableBlockSource(this, mint, maxt);
    return {
      symbols: (async function* () { for await (const s of (await pending).symbols) yield s; })(),
      series: (async function* () { for await (const s of (await pending).series) yield s; })(),
    };
  }

  truncateMemory(mint: number): Promise<void> {
    this.truncations.push(mint);
    if (mint > this.#cut) this.#cut = mint;
    return Promise.resolve();
  }

  truncateWAL(mint: number): Promise<void> {
    this.walTruncations.push(mint);
    return Promise.resolve();
  }

  delete(): Promise<void> {
    return Promise.reject(new Error('the fake head does not delete'));
  }

  size(): number {
    return 0;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

export interface PlainSeries {
  labels: Labels;
  samples: [number, number][];
}

/** Writes a level-1 block of [mint, maxt) holding `series` (samples outside are dropped). */
export async function buildBlock(parent: string, series: readonly PlainSeries[], mint: number, maxt: number): Promise<BlockMeta> {
  const mem = new MemoryStorage();
  const app = mem.appender();
  for (const s of series) {
    let ref = 0;
    for (const [t, v] of s.samples) ref = app.append(ref, s.labels, ms(t), v);
  }
  await app.commit();
  const meta = await writeLevel1Block(parent, await queryableBlockSource(mem, mint, maxt - 1), mint, maxt);
  if (meta === null) throw new Error('building a test block: no samples');
  return meta;
}

/** Every series with its float samples, as `{labels} [[t, v], ...]` strings sorted. */
export async function dump(q: Queryable, mint = -1e15, maxt = 1e15, matchers: Matcher[] = [new Matcher('=~', '__name__', '.+')]): Promise<Map<string, [number, number][]>> {
  const querier = await q.querier(ms(mint), ms(maxt));
  const out = new Map<string, [number, number][]>();
  try {
    const set = await querier.select(true, null, matchers);
    let it: SampleIterator | null = null;
    while (set.next()) {
      const s = set.at();
      it = s.iterator(it);
      const samples: [number, number][] = [];
      for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) samples.push([it.atT(), it.atF()]);
      const e = it.err();
      if (e !== null) throw e;
      out.set(s.labels.toString(), samples);
    }
    const e = set.err();
    if (e !== null) throw e;
  } finally {
    await querier.close();
  }
  return out;
}

export const L = (...nv: string[]): Labels => Labels.fromStrings(...nv);

/** Samples every `step` ms in [from, to) with value f(t). */
export function samplesEvery(from: number, to: number, step: number, f: (t: number) => number = (t) => t / 1000): [number, number][] {
  const out: [number, number][] = [];
  for (let t = from; t < to; t += step) out.push([t, f(t)]);
  return out;
}
