/**
 * The TSDB settings of a server from its flags and configuration file, as Prometheus
 * resolves them: a `storage.tsdb.retention` section with values in the config file replaces
 * the (deprecated) retention flags, which act as defaults when it has none; with neither time
 * nor size set by the flags, the time retention is 15d; a percentage comes only from the
 * config file; the largest compacted block is 10% of the time retention, at most 31d; the WAL
 * segment size must be within 10MB..256MB and the block chunk segment size over 1MB.
 */
import { DEFAULT_RETENTION_MS } from './db.js';

const MiB = 1024 * 1024;
const MAX_BLOCK_MS = 31 * 24 * 3600 * 1000;
const MAX_RETENTION_MS = 100 * 365 * 24 * 3600 * 1000;

export interface TSDBFlags {
  /** `--storage.tsdb.retention.time` in ms (0: unset). */
  retentionMs: number;
  /** `--storage.tsdb.retention.size` in bytes (0: unset). */
  retentionBytes: number;
  minBlockDurationMs: number;
  /** 0: unset. */
  maxBlockDurationMs: number;
  /** 0: unset. */
  walSegmentSize: number;
  /** 0: unset. */
  maxBlockChunkSegmentSize: number;
}

export interface TSDBSettings {
  retentionMs: number;
  maxBytes: number;
  /** `storage.tsdb.retention.percentage` (0: off). */
  maxPercentage: number;
  minBlockDurationMs: number;
  maxBlockDurationMs: number;
}

/** Resolves the settings; throws with Prometheus's texts for out-of-range segment sizes. */
export function resolveTSDBSettings(f: TSDBFlags, cfgRetention: { time: number; size: number; percentage?: number } | null): TSDBSettings {
  if (f.walSegmentSize !== 0 && (f.walSegmentSize < 10 * MiB || f.walSegmentSize > 256 * MiB)) {
    throw new Error("flag 'storage.tsdb.wal-segment-size' must be set between 10MB and 256MB");
  }
  if (f.maxBlockChunkSegmentSize !== 0 && f.maxBlockChunkSegmentSize < MiB) {
    throw new Error("flag 'storage.tsdb.max-block-chunk-segment-size' must be set over 1MB");
  }
  const { retentionMs, maxBytes, maxPercentage } = resolveRetention(f, cfgRetention);
  const minBlock = f.minBlockDurationMs > 0 ? f.minBlockDurationMs : 2 * 3600 * 1000;
  let maxBlock = f.maxBlockDurationMs;
  if (maxBlock === 0) {
    maxBlock = MAX_BLOCK_MS;
    if (retentionMs !== 0 && retentionMs / 10 < maxBlock) maxBlock = retentionMs / 10;
  }
  return { retentionMs, maxBytes, maxPercentage, minBlockDurationMs: minBlock, maxBlockDurationMs: Math.max(maxBlock, minBlock) };
}

/**
 * The retention alone (also on a configuration reload): the config file's section when it
 * sets anything (its unset fields are then off, as a present section replaces the defaults
 * in Prometheus), else the flags, with 15d when they set neither time nor size.
 */
export function resolveRetention(f: Pick<TSDBFlags, 'retentionMs' | 'retentionBytes'>, cfgRetention: { time: number; size: number; percentage?: number } | null): { retentionMs: number; maxBytes: number; maxPercentage: number } {
  const pct = cfgRetention?.percentage ?? 0;
  if (cfgRetention !== null && (cfgRetention.time > 0 || cfgRetention.size > 0 || pct > 0)) {
    return { retentionMs: Math.min(cfgRetention.time, MAX_RETENTION_MS), maxBytes: cfgRetention.size, maxPercentage: pct };
  }
  let retentionMs = f.retentionMs;
  if (retentionMs === 0 && f.retentionBytes === 0) retentionMs = DEFAULT_RETENTION_MS;
  return { retentionMs: Math.min(retentionMs, MAX_RETENTION_MS), maxBytes: f.retentionBytes, maxPercentage: 0 };
}
