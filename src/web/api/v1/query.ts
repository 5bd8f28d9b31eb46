/**
 * `/api/v1/query` and `/api/v1/query_range` (GET and form-encoded POST): parameters checked
 * in Prometheus's order with its texts, the query run by the engine with the request's
 * signal (a client that goes away cancels it) and an optional `timeout`, engine errors
 * mapped to API error types, results written as Prometheus writes them, with `limit`
 * truncation, `stats` and the annotations.
 */
import type { Millis } from '../../../model/index.js';
import type { Queryable } from '../../../storage/index.js';
import { QueryError, type Engine, type Query, type QueryOptions, type QueryResult, type QueryStats } from '../../../promql/value.js';
import type { Router } from '../../router.js';
import type { Form } from '../../form.js';
import { walk, type Expr } from '../../../promql/parser/index.js';
import { ApiError } from './envelope.js';
import { apiHandler, type ApiResult } from './handler.js';
import { jsonTimestamp, resultSizeHint, resultType, seriesCount, writeResult } from './json-values.js';
import { JsonWriter } from './json-writer.js';
import {
  invalidParam, parseDuration, parseLimitParam, parseTime, parseTimeParam, ParamError, TRUNCATED_WARNING,
} from './params.js';

export interface QueryDeps {
  engine: Engine;
  queryable: Queryable;
  /** The clock for a missing `time` (tests pin it). */
  now?: () => number;
}

/** At most this many points per series in a range query, as Prometheus allows. */
const MAX_POINTS = 11000;

export function registerQuery(r: Router, d: QueryDeps): void {
  const instant = apiHandler((c, f) => runInstant(d, f, c.signal));
  const range = apiHandler((c, f) => runRange(d, f, c.signal));
  r.get('/api/v1/query', instant).post('/api/v1/query', instant);
  r.get('/api/v1/query_range', range).post('/api/v1/query_range', range);
}

/** The `timeout` parameter in ms, or null when absent. */
function timeoutParam(f: Form): number | null {
  const to = f.get('timeout');
  if (to === '') return null;
  try {
    return parseDuration(to);
  } catch (e) {
    throw invalidParam('timeout', e as Error);
  }
}

function queryOptions(f: Form, timeoutMs: number | null): QueryOptions {
  let lookbackDelta = 0;
  const lb = f.get('lookback_delta');
  if (lb !== '') {
    try {
      lookbackDelta = parseDuration(lb);
    } catch (e) {
      throw new ApiError('bad_data', `error parsing lookback delta duration: ${(e as Error).message}`);
    }
  }
  const o: QueryOptions = { lookbackDelta: Math.trunc(lookbackDelta), enablePerStepStats: f.get('stats') === 'all' };
  // A deadline under a millisecond has passed before parsing starts; execute() reports it.
  if (timeoutMs !== null && timeoutMs >= 1) o.timeoutMs = timeoutMs;
  return o;
}

async function runInstant(d: QueryDeps, f: Form, signal: AbortSignal): Promise<ApiResult> {
  const limit = parseLimitParam(f.get('limit'));
  const ts = parseTimeParam(f.get('time'), 'time', (d.now?.() ?? Date.now()) as Millis);
  const timeoutMs = timeoutParam(f);
  const opts = queryOptions(f, timeoutMs);
  const q = newQuery(() => d.engine.newInstantQuery(d.queryable, f.get('query'), ts, opts));
  return execute(q, f, limit, timeoutMs, signal, true);
}

async function runRange(d: QueryDeps, f: Form, signal: AbortSignal): Promise<ApiResult> {
  const limit = parseLimitParam(f.get('limit'));
  const start = requiredTime(f, 'start');
  const end = requiredTime(f, 'end');
  if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
  let step: number;
  try {
    step = parseDuration(f.get('step'));
  } catch (e) {
    throw invalidParam('step', e as Error);
  }
  if (step <= 0) throw invalidParam('step', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (Math.trunc((end - start) / step) > MAX_POINTS) {
    throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const timeoutMs = timeoutParam(f);
  const opts = queryOptions(f, timeoutMs);
  // The engine steps in whole milliseconds, as Prometheus's engine truncates the step.
  const q = newQuery(() => d.engine.newRangeQuery(d.queryable, f.get('query'), start, end, Math.trunc(step), opts));
  return execute(q, f, limit, timeoutMs, signal, !readsWindows(q.statement));
}

function requiredTime(f: Form, name: string): Millis {
  try {
    return parseTime(f.get(name));
  } catch (e) {
    if (e instanceof ParamError) throw invalidParam(name, e);
    throw e;
  }
}

/**
 * Preparing a query fails on the query itself (`invalid parameter "query"`), or when parsing
 * a huge one outlasts the timeout (a timeout, as during evaluation).
 */
function newQuery(make: () => Query): Query {
  try {
    return make();
  } catch (e) {
    if (e instanceof QueryError && e.errorType === 'timeout') throw queryApiError(e, false);
    if (e instanceof QueryError || e instanceof Error) throw invalidParam('query', e);
    throw e;
  }
}

/** Engine errors as the API reports them: their own type (timeouts 503, cancellations 499, ...). */
export function queryApiError(e: unknown, timedOut: boolean): ApiError {
  if (e instanceof QueryError) {
    if (timedOut && e.errorType === 'canceled') {
      // Our own deadline aborted the query: Prometheus reports a context deadline as a timeout.
      return new ApiError('timeout', e.message.replace('query was canceled in', 'query timed out in'), { cause: e });
    }
    return new ApiError(e.errorType, e.message, { cause: e });
  }
  return new ApiError('execution', e instanceof Error ? e.message : String(e), { cause: e });
}

/** Whether an expression has range selectors or subqueries, whose windows a range query re-reads at every step. */
function readsWindows(e: Expr): boolean {
  let found = false;
  walk(e, (n) => {
    if (n.kind === 'MatrixSelector' || n.kind === 'SubqueryExpr') found = true;
    return !found;
  });
  return found;
}

/**
 * Runs the query. A `timeout` parameter is a deadline on top of the engine's timeout: when it
 * passes, the query is aborted and reported as timed out. A deadline under a millisecond
 * (zero and negative ones included) has passed before the query can start. `readEqualsTotal`:
 * the samples read equal the samples loaded (instant queries, range queries without windows).
 */
async function execute(q: Query, f: Form, limit: number, timeoutMs: number | null, signal: AbortSignal, readEqualsTotal: boolean): Promise<ApiResult> {
  let timer: NodeJS.Timeout | null = null;
  let timedOut = false;
  let sig = signal;
  const onAbort = (): void => { ac?.abort(signal.reason); };
  let ac: AbortController | null = null;
  if (timeoutMs !== null) {
    ac = new AbortController();
    const expire = (): void => { timedOut = true; ac?.abort(new Error('query timeout')); };
    if (signal.aborted) ac.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs < 1) expire();
    else timer = setTimeout(expire, timeoutMs);
    sig = ac.signal;
  }
  let res: QueryResult;
  try {
    res = await q.exec(sig);
  } catch (e) {
    throw queryApiError(e, timedOut);
  } finally {
    if (timer !== null) clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    q.close();
  }
  const warnings = [...res.warnings];
  const truncated = limit > 0 && seriesCount(res.value) > limit;
  if (truncated) warnings.push(TRUNCATED_WARNING);
  const stats = f.get('stats');
  if (stats !== '' && stats !== 'true' && stats !== 'all') {
    warnings.push(`value ${JSON.stringify(stats)} for parameter "stats" is deprecated and will be rejected in the next major release, use "true" or "all"`);
  }
  const w = new JsonWriter(resultSizeHint(res.value));
  w.ascii('{"resultType":"' + resultType(res.value) + '","result":');
  writeResult(w, res.value, truncated ? limit : 0);
  if (stats !== '' && res.stats !== null) w.ascii(',"stats":' + jsonStats(res.stats, readEqualsTotal));
  w.ascii('}');
  // A small answer was built as a string: it goes out in one write.
  const text = w.smallText();
  if (text !== null) return { kind: 'raw', json: text, warnings, infos: res.infos };
  return { kind: 'bytes', data: w.bytes(), warnings, infos: res.infos };
}

/**
 * The `stats` object: timings in seconds and the sample counts (per step only when
 * collected). `samplesRead` is the engine's when it counts it; otherwise it is written where
 * Prometheus defines it to equal `totalQueryableSamples`, and left out elsewhere.
 */
export function jsonStats(s: QueryStats, readEqualsTotal: boolean): string {
  const t = s.timings;
  let out = '{"timings":{"evalTotalTime":' + num(t.evalTotalTime) + ',"resultSortTime":' + num(t.resultSortTime) +
    ',"queryPreparationTime":' + num(t.queryPreparationTime) + ',"innerEvalTime":' + num(t.innerEvalTime) +
    ',"execQueueTime":' + num(t.execQueueTime) + ',"execTotalTime":' + num(t.execTotalTime) + '},"samples":{';
  const perStep = s.totalQueryableSamplesPerStep;
  if (perStep !== undefined) {
    out += '"totalQueryableSamplesPerStep":[';
    for (let i = 0; i < perStep.length; i++) {
      const [ts, v] = perStep[i]!;
      if (i > 0) out += ',';
      out += '[' + jsonTimestamp(ts) + ',' + String(v) + ']';
    }
    out += '],';
  }
  out += '"totalQueryableSamples":' + String(s.totalQueryableSamples);
  // Engines that count samples read (I/O) separately report it; others leave it out.
  const read = (s as QueryStats & { samplesRead?: number }).samplesRead ?? (readEqualsTotal ? s.totalQueryableSamples : undefined);
  if (read !== undefined) out += ',"samplesRead":' + String(read);
  return out + ',"peakSamples":' + String(s.peakSamples) + '}}';
}

function num(x: number): string {
  return Number.isFinite(x) ? String(x) : '0';
}
