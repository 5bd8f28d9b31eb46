/**
 * A block's `meta.json`, read and written as Prometheus does: Go's `MarshalIndent` layout
 * with tabs, fields in Prometheus's order, zero stats and empty compaction lists omitted.
 * Unknown fields (Thanos adds its own) are accepted and not kept.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidULID } from './ulid.js';
import { syncDir } from './fsutil.js';

export const META_FILENAME = 'meta.json';
export const META_VERSION_1 = 1;

/** Counts over the block; 0 values are omitted from the file. */
export interface BlockStats {
  numSamples: number;
  numFloatSamples: number;
  numHistogramSamples: number;
  numSeries: number;
  numChunks: number;
  numTombstones: number;
}

/** A parent block of a compacted block. */
export interface BlockDesc {
  ulid: string;
  minTime: number;
  maxTime: number;
}

export interface BlockMetaCompaction {
  /** 1 for blocks cut from the head, +1 per compaction. */
  level: number;
  /** ULIDs of the level-1 blocks this block was compacted from (itself at level 1). */
  sources: string[];
  deletable: boolean;
  parents: BlockDesc[];
  failed: boolean;
  /** e.g. "from-out-of-order"; sorted. */
  hints: string[];
}

/** Prometheus's compaction hints. */
export const HINT_FROM_OUT_OF_ORDER = 'from-out-of-order';
/** A block written from the head's stale series only (Prometheus 3.x's stale series compaction). */
export const HINT_FROM_STALE_SERIES = 'from-stale-series';
/** A block written from a caller's list of head series (Prometheus 3.x's selected series compaction). */
export const HINT_FROM_SELECTED_SERIES = 'from-selected-series';

/**
 * Whether the block holds only part of the head's series for its range (stale or selected
 * series compaction): such blocks say nothing about which WAL samples are in blocks, and are
 * compacted only with blocks of their own kind, as in Prometheus.
 */
export function partialHeadHint(c: Pick<BlockMetaCompaction, 'hints'>): string | null {
  if (c.hints.includes(HINT_FROM_STALE_SERIES)) return HINT_FROM_STALE_SERIES;
  if (c.hints.includes(HINT_FROM_SELECTED_SERIES)) return HINT_FROM_SELECTED_SERIES;
  return null;
}

/** `meta.json`. Times are ms; the block covers [minTime, maxTime). */
export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: BlockStats;
  compaction: BlockMetaCompaction;
  version: number;
}

export class BlockMetaError extends Error {
  override readonly name = 'BlockMetaError';
}

export function emptyStats(): BlockStats {
  return { numSamples: 0, numFloatSamples: 0, numHistogramSamples: 0, numSeries: 0, numChunks: 0, numTombstones: 0 };
}

/** The file's text, byte for byte what Prometheus writes for the same meta. */
export function encodeMeta(m: BlockMeta): string {
  const stats: Record<string, number> = {};
  const s = m.stats;
  if (s.numSamples !== 0) stats['numSamples'] = s.numSamples;
  if (s.numFloatSamples !== 0) stats['numFloatSamples'] = s.numFloatSamples;
  if (s.numHistogramSamples !== 0) stats['numHistogramSamples'] = s.numHistogramSamples;
  if (s.numSeries !== 0) stats['numSeries'] = s.numSeries;
  if (s.numChunks !== 0) stats['numChunks'] = s.numChunks;
  if (s.numTombstones !== 0) stats['numTombstones'] = s.numTombstones;
  const c = m.compaction;
  const comp: Record<string, unknown> = { level: c.level };
  if (c.sources.length > 0) comp['sources'] = c.sources;
  if (c.deletable) comp['deletable'] = true;
  if (c.parents.length > 0) comp['parents'] = c.parents.map((p) => ({ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime }));
  if (c.failed) comp['failed'] = true;
  if (c.hints.length > 0) comp['hints'] = c.hints;
  const out = { ulid: m.ulid, minTime: m.minTime, maxTime: m.maxTime, stats, compaction: comp, version: m.version };
  return JSON.stringify(out, null, '\t');
}

/** Parses and checks `meta.json` text. */
export function parseMeta(text: string): BlockMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BlockMetaError(`parse meta.json: ${(e as Error).message}`, { cause: e });
  }
  const o = obj(raw, 'meta');
  const ulid = ulidField(o['ulid'], 'ulid');
  const st = o['stats'] === undefined ? {} : obj(o['stats'], 'stats');
  const cp = obj(o['compaction'] ?? {}, 'compaction');
  const meta: BlockMeta = {
    ulid,
    minTime: int(o['minTime'], 'minTime'),
    maxTime: int(o['maxTime'], 'maxTime'),
    stats: {
      numSamples: int(st['numSamples'] ?? 0, 'numSamples'),
      numFloatSamples: int(st['numFloatSamples'] ?? 0, 'numFloatSamples'),
      numHistogramSamples: int(st['numHistogramSamples'] ?? 0, 'numHistogramSamples'),
      numSeries: int(st['numSeries'] ?? 0, 'numSeries'),
      numChunks: int(st['numChunks'] ?? 0, 'numChunks'),
      numTombstones: int(st['numTombstones'] ?? 0, 'numTombstones'),
    },
    compaction: {
      level: int(cp['level'] ?? 0, 'level'),
      sources: arr(cp['sources'], 'sources').map((u) => ulidField(u, 'sources')),
      deletable: cp['deletable'] === true,
      parents: arr(cp['parents'], 'parents').map((p) => {
        const po = obj(p, 'parents');
        return { ulid: ulidField(po['ulid'], 'parents.ulid'), minTime: int(po['minTime'], 'parents.minTime'), maxTime: int(po['maxTime'], 'parents.maxTime') };
      }),
      failed: cp['failed'] === true,
      hints: arr(cp['hints'], 'hints').map((h) => {
        if (typeof h !== 'string') throw new BlockMetaError('parse meta.json: hints must be strings');
        return h;
      }),
    },
    version: int(o['version'] ?? 0, 'version'),
  };
  if (meta.version !== META_VERSION_1) throw new BlockMetaError(`unexpected meta file version ${meta.version}`);
  return meta;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BlockMetaError(`parse meta.json: ${what} must be an object`);
  return v as Record<string, unknown>;
}

function arr(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BlockMetaError(`parse meta.json: ${what} must be an array`);
  return v;
}

function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new BlockMetaError(`parse meta.json: ${what} must be an integer`);
  return v;
}

function ulidField(v: unknown, what: string): string {
  if (typeof v !== 'string' || !isValidULID(v)) throw new BlockMetaError(`parse meta.json: ${what}: invalid ULID ${JSON.stringify(v)}`);
  return v.toUpperCase();
}

/** Reads `<dir>/meta.json`; returns it and the file size. */
export async function readMetaFile(dir: string): Promise<{ meta: BlockMeta; size: number }> {
  const text = await readFile(join(dir, META_FILENAME), 'utf8');
  return { meta: parseMeta(text), size: Buffer.byteLength(text) };
}

/** Writes `<dir>/meta.json` atomically (temporary file, fsync, rename, directory fsync); returns its size. */
export async function writeMetaFile(dir: string, meta: BlockMeta): Promise<number> {
  const path = join(dir, META_FILENAME);
  const tmp = path + '.tmp';
  const text = Buffer.from(encodeMeta({ ...meta, version: META_VERSION_1 }));
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await syncDir(dir);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return text.length;
}
