/**
 * The metadata queries over storage: `/api/v1/labels`, `/api/v1/label/<name>/values` and
 * `/api/v1/series`, with `match[]`, `start`, `end` and `limit` as Prometheus takes them.
 * Label names in the values route may be given in the values-escaping form (`U__...`).
 */
import { isValidLabelName, Labels, quoteGoString, type Matcher, type Millis } from '../../../model/index.js';
import type { Querier, Queryable, SeriesSet } from '../../../storage/index.js';
import type { Router } from '../../router.js';
import type { Form } from '../../form.js';
import { ApiError } from './envelope.js';
import { apiHandler, data, strictForm, type ApiResult } from './handler.js';
import { jsonLabels } from './json-values.js';
import {
  invalidParam, MAX_TIME_MS, MIN_TIME_MS, ParamError, parseLimitParam, parseMatchersParam, parseTimeParam,
  toHintLimit, TRUNCATED_WARNING, unescapeValuesName,
} from './params.js';

export interface SeriesDeps {
  queryable: Queryable;
}

export function registerSeries(r: Router, d: SeriesDeps): void {
  const names = apiHandler((_c, f) => labelNames(d, f));
  r.get('/api/v1/labels', names).post('/api/v1/labels', names);
  r.get('/api/v1/label/:name/values', apiHandler((c, f) => labelValues(d, c.params['name'] ?? '', f)));
  const series = apiHandler(async (c) => seriesQuery(d, await strictForm(c), c.signal));
  r.get('/api/v1/series', series).post('/api/v1/series', series);
}

function timeRange(f: Form): [Millis, Millis] {
  return [parseTimeParam(f.get('start'), 'start', MIN_TIME_MS), parseTimeParam(f.get('end'), 'end', MAX_TIME_MS)];
}

/** `match[]` of the label routes: a bad selector is bad_data with the parser's text alone. */
function labelMatchers(f: Form): Matcher[][] {
  try {
    return parseMatchersParam(f.getAll('match[]'));
  } catch (e) {
    if (e instanceof ParamError) throw new ApiError('bad_data', e.message);
    throw e;
  }
}

async function withQuerier<T>(q: Queryable, mint: Millis, maxt: Millis, fn: (qr: Querier) => Promise<T>): Promise<T> {
  let qr: Querier;
  try {
    qr = await q.querier(mint, maxt);
  } catch (e) {
    throw new ApiError('execution', e instanceof Error ? e.message : String(e), { cause: e });
  }
  try {
    return await fn(qr);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError('execution', e instanceof Error ? e.message : String(e), { cause: e });
  } finally {
    await qr.close();
  }
}

/** Sorted union of the lists (each already sorted). */
function union(lists: readonly string[][]): string[] {
  const s = new Set<string>();
  for (const l of lists) for (const v of l) s.add(v);
  return [...s].sort(byBytes);
}

/** Go's string order: by UTF-8 bytes, which for JS strings is code-point order. */
function byBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function truncate(vals: string[], limit: number, warnings: string[]): string[] {
  if (limit > 0 && vals.length > limit) {
    warnings.push(TRUNCATED_WARNING);
    return vals.slice(0, limit);
  }
  return vals;
}

async function labelNames(d: SeriesDeps, f: Form): Promise<ApiResult> {
  const limit = parseLimitParam(f.get('limit'));
  const [start, end] = timeRange(f);
  const sets = labelMatchers(f);
  const hints = { limit: toHintLimit(limit) };
  return withQuerier(d.queryable, start, end, async (q) => {
    const warnings: string[] = [];
    let names: string[];
    if (sets.length > 1) {
      const lists: string[][] = [];
      for (const ms of sets) {
        const r = await q.labelNames(hints, ms);
        warnings.push(...r.warnings);
        lists.push(r.value);
      }
      names = union(lists);
    } else {
      const r = await q.labelNames(hints, sets[0] ?? []);
      warnings.push(...r.warnings);
      names = r.value;
    }
    return data(truncate(names, limit, warnings), warnings);
  });
}

async function labelValues(d: SeriesDeps, raw: string, f: Form): Promise<ApiResult> {
  const name = raw.startsWith('U__') ? unescapeValuesName(raw) : raw;
  if (!isValidLabelName(name)) {
    throw new ApiError('bad_data', `invalid label name: ${quoteGoString(name)}`);
  }
  const limit = parseLimitParam(f.get('limit'));
  const [start, end] = timeRange(f);
  const sets = labelMatchers(f);
  const hints = { limit: toHintLimit(limit) };
  return withQuerier(d.queryable, start, end, async (q) => {
    const warnings: string[] = [];
    let vals: string[];
    if (sets.length > 1) {
      const lists: string[][] = [];
      for (const ms of sets) {
        const r = await q.labelValues(name, hints, ms);
        warnings.push(...r.warnings);
        lists.push(r.value);
      }
      vals = union(lists);
    } else {
      const r = await q.labelValues(name, hints, sets[0] ?? []);
      warnings.push(...r.warnings);
      vals = [...r.value].sort(byBytes);
    }
    return data(truncate(vals, limit, warnings), warnings);
  });
}

async function seriesQuery(d: SeriesDeps, f: Form, signal: AbortSignal): Promise<ApiResult> {
  const raw = f.getAll('match[]');
  if (raw.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const limit = parseLimitParam(f.get('limit'));
  const [start, end] = timeRange(f);
  let sets: Matcher[][];
  try {
    sets = parseMatchersParam(raw);
  } catch (e) {
    if (e instanceof ParamError) throw invalidParam('match[]', e);
    throw e;
  }
  const hints = { start, end, step: 0, func: 'series', range: 0, limit: toHintLimit(limit) };
  return withQuerier(d.queryable, start, end, async (q) => {
    // Series come in label order (as Prometheus's storage gives them); several selectors are
    // merged without duplicates.
    const many = sets.length > 1;
    const results: SeriesSet[] = [];
    for (const ms of sets) results.push(await q.select(true, hints, ms, signal));
    const warnings: string[] = [];
    const out: Labels[] = [];
    if (many) {
      const seen = new Set<string>();
      const all: Labels[] = [];
      for (const set of results) {
        warnings.push(...set.warnings());
        while (set.next()) {
          const l = set.at().labels;
          const k = l.key();
          if (!seen.has(k)) { seen.add(k); all.push(l); }
        }
        checkSet(set);
      }
      all.sort((a, b) => Labels.compare(a, b));
      out.push(...all);
    } else {
      const set = results[0]!;
      warnings.push(...set.warnings());
      while (set.next()) out.push(set.at().labels);
      checkSet(set);
    }
    if (signal.aborted) throw new ApiError('canceled', 'context canceled');
    let list = out;
    if (limit > 0 && list.length > limit) {
      list = list.slice(0, limit);
      warnings.push(TRUNCATED_WARNING);
    }
    let json = '[';
    for (let i = 0; i < list.length; i++) json += (i > 0 ? ',' : '') + jsonLabels(list[i]!);
    return { kind: 'raw', json: json + ']', warnings };
  });
}

function checkSet(set: SeriesSet): void {
  const err = set.err();
  if (err !== null) throw new ApiError('execution', err.message, { cause: err });
}
