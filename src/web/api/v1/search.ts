/**
 * The experimental search API of Prometheus 3.14 (`--enable-feature=search-api`):
 * `GET/POST /api/v1/search/metric_names`, `.../label_names` and `.../label_values`, for
 * autocompletion. Values are filtered and scored by the `search[]` terms (search-filters.ts),
 * ordered, cut to `limit` and streamed as newline-delimited JSON
 * (`application/x-ndjson; charset=utf-8`):
 *
 *   {"results":[{"name":"up"},...],"warnings":[...]}     one line per batch of `batch_size`
 *   {"status":"success","has_more":false}                 the trailer
 *
 * The first batch line is always written, even empty, and carries the warnings (sorted, each
 * once). `has_more` says whether the limit cut the results. A failure before anything is
 * written answers with the usual JSON error envelope; a failure after results were found
 * (some `match[]` selectors failed, others did not) ends the stream with
 * `{"status":"error","errorType":...,"error":...}` in place of the trailer. With the feature
 * off every route answers 500 `unavailable` `search API disabled`, as Prometheus does.
 *
 * Every lookup is done before the first line is written (label lookups are not incremental
 * here), so the stream differs from Prometheus's only in when its lines arrive.
 */
import type { ServerResponse } from 'node:http';
import type { Querier, Queryable, SearchHints, SearchResult } from '../../../storage/index.js';
import { mergeSearchResults, searchLabelNames, searchLabelValues } from '../../../storage/index.js';
import type { Millis } from '../../../model/index.js';
import { quoteGoString } from '../../../model/index.js';
import { compareUtf8 } from '../../../util/utf8-order.js';
import type { Handler, RequestContext, Router } from '../../router.js';
import { ApiError, respondError, type ErrorType } from './envelope.js';
import { strictForm } from './handler.js';
import { jsonString } from './json-values.js';
import { buildSearchFilter } from './search-filters.js';
import { parseSearchParams, searchBoolParam, searchHintsLimit, searchOrdering, type SearchParams } from './search-params.js';
import type { TargetSource } from './targets.js';

export interface SearchDeps {
  queryable: Queryable;
  /** Where `include_metadata` finds metric metadata: what the active targets exposed. */
  targets: TargetSource;
  /** `--enable-feature=search-api`. */
  enabled: boolean;
  /** `--web.search.max-limit`; 0 for no cap. */
  maxLimit: number;
  /** The clock of the default time range, in ms. */
  now: () => number;
}

type Endpoint = 'metric_names' | 'label_names' | 'label_values';


export function registerSearch(r: Router, d: SearchDeps): void {
  const metadata = new MetadataCache(d.targets, d.now);
  for (const endpoint of ['metric_names', 'label_names', 'label_values'] as const) {
    const h: Handler = (c) => serveSearch(c, d, endpoint, metadata);
    r.get(`/api/v1/search/${endpoint}`, h).post(`/api/v1/search/${endpoint}`, h);
  }
}

/** Metric metadata by family name: the first entry the active targets list for each. */
interface MetricMeta {
  type: string;
  help: string;
  unit: string;
}

/** How long a metadata snapshot serves: autocompletion asks on every keystroke. */
const METADATA_TTL_MS = 5000;

/**
 * The metadata of all active targets, rebuilt at most every METADATA_TTL_MS: new targets show
 * within seconds, and a burst of searches walks the targets once.
 */
class MetadataCache {
  #built = -Infinity;
  #map: ReadonlyMap<string, MetricMeta> = new Map();

  constructor(private readonly targets: TargetSource, private readonly now: () => number) {}

  get(): ReadonlyMap<string, MetricMeta> {
    const now = this.now();
    if (now - this.#built < METADATA_TTL_MS) return this.#map;
    const m = new Map<string, MetricMeta>();
    const active = this.targets.active();
    for (const pool of [...active.keys()].sort()) {
      for (const t of active.get(pool)!) {
        for (const md of t.metadata()) {
          if (!m.has(md.metric)) m.set(md.metric, { type: md.type, help: md.help, unit: md.unit });
        }
      }
    }
    this.#map = m;
    this.#built = now;
    return m;
  }
}

/** A storage error's API type, as Prometheus maps it: unavailable while the storage opens, else execution. */
function searchError(errors: readonly unknown[]): ApiError {
  let type: ErrorType = 'execution';
  for (const e of errors) {
    if (isNotReady(e)) {
      type = 'unavailable';
      break;
    }
    if (e instanceof ApiError && type === 'execution') type = e.errorType;
  }
  const msg = errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n');
  return new ApiError(type, msg, { cause: errors[0] });
}

function isNotReady(e: unknown): boolean {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    if (c.message === 'TSDB not ready') return true;
  }
  return false;
}

async function serveSearch(c: RequestContext, d: SearchDeps, endpoint: Endpoint, metadata: MetadataCache): Promise<void> {
  let out: Outcome;
  try {
    out = await search(c, d, endpoint, metadata);
  } catch (e) {
    if (c.res.headersSent) return;
    respondError(c.res, e instanceof ApiError ? e : searchError([e]));
    return;
  }
  await stream(c, out);
}

/** What a search found, ready to stream. */
interface Outcome {
  /** In order; at most one more than `limit` (the extra one only tells that there is more). */
  results: SearchResult[];
  limit: number;
  batchSize: number;
  warnings: string[];
  /** The failures of some lookups (null: none). */
  error: ApiError | null;
  /** One result as a JSON object. */
  toJSON: (r: SearchResult) => string;
}

async function search(c: RequestContext, d: SearchDeps, endpoint: Endpoint, metadata: MetadataCache): Promise<Outcome> {
  if (!d.enabled) throw new ApiError('unavailable', 'search API disabled');
  const f = await strictForm(c);
  const p = parseSearchParams(f, d.now() as Millis, d.maxLimit);
  if (p.sortBy !== '' && p.sortBy !== 'alpha' && p.sortBy !== 'score') {
    throw new ApiError('bad_data', `invalid sort_by ${quoteGoString(p.sortBy)} for ${endpoint}: must be "alpha" or "score"`);
  }
  let q: Querier;
  try {
    q = await d.queryable.querier(p.start, p.end);
  } catch (e) {
    throw searchError([e]);
  }
  try {
    // The route's own parameters come after the querier, in Prometheus's order of checks.
    let lookup: (hints: SearchHints, ms: SearchParams['matcherSets'][number]) => ReturnType<typeof searchLabelValues>;
    let toJSON: (r: SearchResult) => string;
    switch (endpoint) {
      case 'metric_names': {
        const withMeta = searchBoolParam(f, 'include_metadata', false);
        lookup = (h, ms) => searchLabelValues(q, '__name__', h, ms);
        toJSON = metricNameJSON(p.includeScore, withMeta ? metadata : null);
        break;
      }
      case 'label_names':
        lookup = (h, ms) => searchLabelNames(q, h, ms);
        toJSON = (r) => `{"name":${jsonString(r.value)}${scoreJSON(p.includeScore, r)}}`;
        break;
      case 'label_values': {
        const label = f.get('label');
        if (label === '') throw new ApiError('bad_data', 'missing required parameter "label"');
        lookup = (h, ms) => searchLabelValues(q, label, h, ms);
        toJSON = (r) => `{"value":${jsonString(r.value)}${scoreJSON(p.includeScore, r)}}`;
        break;
      }
    }
    const sets = p.matcherSets.length > 0 ? p.matcherSets : [[]];
    const hints: SearchHints = {
      // One label lookup gives each value once; several selectors may give a value again.
      filter: buildSearchFilter(p.searches, p.fuzzThreshold, p.fuzzAlg, p.caseSensitive, sets.length > 1),
      limit: searchHintsLimit(p.limit),
      orderBy: searchOrdering(p),
    };
    const lists: SearchResult[][] = [];
    const warnings = new Set<string>();
    const errors: unknown[] = [];
    for (const ms of sets) {
      try {
        const r = await lookup(hints, ms);
        lists.push(r.results);
        for (const w of r.warnings) warnings.add(w);
      } catch (e) {
        // The other selectors' results are still answered, followed by the error.
        errors.push(e);
      }
    }
    const results = lists.length === 1 ? lists[0]! : mergeSearchResults(lists, hints.orderBy, hints.limit);
    const error = errors.length === 0 ? null : searchError(errors);
    if (error !== null && results.length === 0) throw error;
    return { results, limit: p.limit, batchSize: p.batchSize, warnings: [...warnings].sort(compareUtf8), error, toJSON };
  } finally {
    await q.close();
  }
}

function scoreJSON(include: boolean, r: SearchResult): string {
  return include ? `,"score":${String(r.score)}` : '';
}

/** Metric name results; with metadata, `type`, `help` and `unit` where the metadata has them. */
function metricNameJSON(includeScore: boolean, metadata: MetadataCache | null): (r: SearchResult) => string {
  // Looked up on the first result: a search without results never walks the targets.
  let meta: ReadonlyMap<string, MetricMeta> | null = null;
  return (r) => {
    let s = `{"name":${jsonString(r.value)}${scoreJSON(includeScore, r)}`;
    if (metadata !== null) {
      meta ??= metadata.get();
      const m = meta.get(r.value);
      if (m !== undefined) {
        if (m.type !== '') s += `,"type":${jsonString(m.type)}`;
        if (m.help !== '') s += `,"help":${jsonString(m.help)}`;
        if (m.unit !== '') s += `,"unit":${jsonString(m.unit)}`;
      }
    }
    return s + '}';
  };
}

/** Writes one line; resolves false when the client is gone. Waits while the socket's buffer is full. */
function writeLine(res: ServerResponse, line: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(line + '\n')) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = (): void => { done(true); };
    const onClose = (): void => { done(false); };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

async function stream(c: RequestContext, o: Outcome): Promise<void> {
  const res = c.res;
  const emitted = Math.min(o.results.length, o.limit);
  const hasMore = o.results.length > o.limit;
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8' });
  let i = 0;
  let first = true;
  // The first batch is written even when empty, so that warnings always reach the client.
  while (first || i < emitted) {
    const end = Math.min(i + o.batchSize, emitted);
    let line = '{"results":[';
    for (let k = i; k < end; k++) line += (k > i ? ',' : '') + o.toJSON(o.results[k]!);
    line += ']';
    if (first && o.warnings.length > 0) line += ',"warnings":[' + o.warnings.map(jsonString).join(',') + ']';
    if (!(await writeLine(res, line + '}'))) return;
    i = end;
    first = false;
    // A client that went away stops the stream.
    if (res.destroyed) return;
  }
  const last = o.error === null
    ? `{"status":"success","has_more":${hasMore}}`
    : `{"status":"error","errorType":${jsonString(o.error.errorType)},"error":${jsonString(o.error.message)}}`;
  if (await writeLine(res, last)) res.end();
}
