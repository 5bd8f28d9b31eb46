/**
 * The storage-administration routes: `/api/v1/status/tsdb` (head statistics and top
 * cardinalities), `/api/v1/status/tsdb/blocks`, `/api/v1/status/walreplay`, and the admin
 * routes `/api/v1/admin/tsdb/{delete_series,clean_tombstones,snapshot}` (POST and PUT), which
 * answer Prometheus's "admin APIs disabled" unless `--web.enable-admin-api` is set.
 *
 * The storage is seen through `AdminStorage`, which the TSDB implements; `memoryAdminStorage`
 * adapts the in-memory storage (deletion by matchers, no tombstones, no snapshots).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Matcher, Millis } from '../../../model/index.js';
import { parseMetricSelectorMatchers, ParseErrors } from '../../../promql/parser/index.js';
import type { Router } from '../../router.js';
import { ApiError } from './envelope.js';
import { apiHandler, data, NO_CONTENT, strictForm } from './handler.js';
import { atoi, invalidParam, MAX_TIME_MS, MIN_TIME_MS, parseBool, parseTimeParam } from './params.js';

export interface NameCount {
  name: string;
  value: number;
}

/** Head statistics as `/api/v1/status/tsdb` reports them. */
export interface TSDBStats {
  numSeries: number;
  numLabelPairs: number;
  /** Chunks in the head; null when the storage has no such notion (Prometheus then shows its "unknown" value). */
  chunkCount: number | null;
  /** Oldest and newest sample timestamps in ms; null when the head holds no sample. */
  minTime: number | null;
  maxTime: number | null;
  seriesCountByMetricName: NameCount[];
  labelValueCountByLabelName: NameCount[];
  memoryInBytesByLabelName: NameCount[];
  seriesCountByLabelValuePair: NameCount[];
}

/** Progress of the WAL replay at startup, in segments; all equal once replay is done. */
export interface WALReplayStatus {
  min: number;
  max: number;
  current: number;
}

/**
 * What the admin and TSDB-status routes need of the storage (Prometheus's TSDBAdminStats).
 * Errors thrown are reported as `internal` errors, with Prometheus's prefixes.
 */
export interface AdminStorage {
  /** Head statistics, each top list cut to `limit` entries (largest first). */
  stats(limit: number): TSDBStats | Promise<TSDBStats>;
  walReplayStatus(): WALReplayStatus;
  /** Metadata of the persisted blocks, as their `meta.json` has it. */
  blockMetas(): readonly unknown[] | Promise<readonly unknown[]>;
  /** Marks the samples in [mint, maxt] of the series matching all matchers as deleted. */
  delete(mint: Millis, maxt: Millis, matchers: readonly Matcher[], signal: AbortSignal): Promise<void>;
  /** Rewrites data to drop deleted samples and removes the tombstones. */
  cleanTombstones(): Promise<void>;
  /** Writes a snapshot (blocks, and the head when `withHead`) into `dir`, which it creates. */
  snapshot(dir: string, withHead: boolean): Promise<void>;
}

export interface AdminDeps {
  storage: AdminStorage;
  enableAdmin: boolean;
  /** The data directory; snapshots go to `<dataDir>/snapshots/<name>`. */
  dataDir: string;
}

const adminDisabled = (): ApiError => new ApiError('unavailable', 'admin APIs disabled');

const internal = (msg: string, cause: unknown): ApiError => new ApiError('internal', msg, { cause });

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const MAX_TSDB_LIMIT = 10000;

/** Go's int64 extremes, which Prometheus writes for an empty head and an unknown chunk count. */
const INT64_MAX_TEXT = '9223372036854775807';
const INT64_MIN_TEXT = '-9223372036854775808';

function statsJSON(s: TSDBStats): string {
  const list = (l: readonly NameCount[]): string => JSON.stringify(l.map((e) => ({ name: e.name, value: e.value })));
  return '{"headStats":{"numSeries":' + String(s.numSeries) + ',"numLabelPairs":' + String(s.numLabelPairs) +
    ',"chunkCount":' + (s.chunkCount === null ? INT64_MIN_TEXT : String(s.chunkCount)) +
    ',"minTime":' + (s.minTime === null ? INT64_MAX_TEXT : String(s.minTime)) +
    ',"maxTime":' + (s.maxTime === null ? INT64_MIN_TEXT : String(s.maxTime)) + '}' +
    ',"seriesCountByMetricName":' + list(s.seriesCountByMetricName) +
    ',"labelValueCountByLabelName":' + list(s.labelValueCountByLabelName) +
    ',"memoryInBytesByLabelName":' + list(s.memoryInBytesByLabelName) +
    ',"seriesCountByLabelValuePair":' + list(s.seriesCountByLabelValuePair) + '}';
}

/** `<UTC time as 20060102T150405Z>-<16 hex digits>`, as Prometheus names snapshots. */
export function snapshotName(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const t = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}T${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}Z`;
  const r = randomBytes(8);
  r[0] = r[0]! & 0x7f; // a non-negative int63, as Go's rand.Int63
  return `${t}-${r.toString('hex')}`;
}

export function registerAdmin(r: Router, d: AdminDeps): void {
  r.get('/api/v1/status/tsdb', apiHandler(async (_c, f) => {
    let limit = 10;
    const s = f.get('limit');
    if (s !== '') {
      let n = 0;
      try { n = atoi(s); } catch { n = 0; }
      if (n < 1) throw new ApiError('bad_data', 'limit must be a positive number');
      if (n > MAX_TSDB_LIMIT) throw new ApiError('bad_data', `limit must not exceed ${MAX_TSDB_LIMIT}`);
      limit = n;
    }
    let st: TSDBStats;
    try {
      st = await d.storage.stats(limit);
    } catch (e) {
      throw internal(errText(e), e);
    }
    return { kind: 'raw', json: statsJSON(st) };
  }));

  r.get('/api/v1/status/tsdb/blocks', apiHandler(async () => {
    try {
      return data({ blocks: await d.storage.blockMetas() });
    } catch (e) {
      throw internal(`error getting block metadata: ${errText(e)}`, e);
    }
  }));

  r.get('/api/v1/status/walreplay', apiHandler(() => {
    let st: WALReplayStatus;
    try {
      st = d.storage.walReplayStatus();
    } catch (e) {
      throw internal(errText(e), e);
    }
    return data({ min: st.min, max: st.max, current: st.current });
  }));

  const deleteSeries = apiHandler(async (c) => {
    if (!d.enableAdmin) throw adminDisabled();
    const f = await strictForm(c);
    const raw = f.getAll('match[]');
    if (raw.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
    const start = parseTimeParam(f.get('start'), 'start', MIN_TIME_MS);
    const end = parseTimeParam(f.get('end'), 'end', MAX_TIME_MS);
    for (const sel of raw) {
      let ms: Matcher[];
      try {
        ms = parseMetricSelectorMatchers(sel);
      } catch (e) {
        if (e instanceof ParseErrors) throw invalidParam('match[]', e);
        throw e;
      }
      try {
        await d.storage.delete(start, end, ms, c.signal);
      } catch (e) {
        throw internal(errText(e), e);
      }
    }
    return NO_CONTENT;
  });

  const cleanTombstones = apiHandler(async () => {
    if (!d.enableAdmin) throw adminDisabled();
    try {
      await d.storage.cleanTombstones();
    } catch (e) {
      throw internal(errText(e), e);
    }
    return NO_CONTENT;
  });

  const snapshot = apiHandler(async (_c, f) => {
    if (!d.enableAdmin) throw adminDisabled();
    let skipHead = false;
    const sh = f.get('skip_head');
    if (sh !== '') {
      try {
        skipHead = parseBool(sh);
      } catch (e) {
        throw invalidParam('skip_head', `unable to parse boolean: ${errText(e)}`);
      }
    }
    const name = snapshotName(new Date());
    try {
      await d.storage.snapshot(join(d.dataDir, 'snapshots', name), !skipHead);
    } catch (e) {
      throw internal(`create snapshot: ${errText(e)}`, e);
    }
    return data({ name });
  });

  for (const [path, h] of [['delete_series', deleteSeries], ['clean_tombstones', cleanTombstones], ['snapshot', snapshot]] as const) {
    r.post(`/api/v1/admin/tsdb/${path}`, h).put(`/api/v1/admin/tsdb/${path}`, h);
  }
}
