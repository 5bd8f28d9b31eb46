/**
 * The function map Prometheus gives templates (template/template.go of Prometheus 3.14), with
 * Go's signatures so that argument checking and error texts match: `query` (asynchronous),
 * `first`, `label`, `value`, `strvalue`, `sortByLabel`, `args`, regex, string, number and time
 * functions, `now`, `pathPrefix`, `externalURL`, `parseDuration`, `urlQueryEscape`, `safeHtml`.
 */
import type { FloatHistogram } from '../../model/index.js';
import { DurationError, parseDuration as parseModelDuration } from '../../model/index.js';
import { floatHistogramString } from '../../promql/histogram/index.js';
import { queryEscape } from '../escape.js';
import { compareUtf8 } from '../../util/utf8-order.js';
import { quote } from '../strconv.js';
import type { FuncMap } from '../template.js';
import {
  type GoType, type Value, GoFunc, GoVal, STRING_MAP, T, addMethods, goFunc, namedType, ptrTo, rawOf, sliceOf, structType,
} from '../types.js';
import { DURATION_PTR, TIME_PTR } from './go-time.js';
import {
  humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp, toDuration, toTime,
} from './humanize.js';
import { graphLink, match, reReplaceAll, stripDomain, stripPort, tableLink, title, toLower, toUpper } from './strings.js';

/** One sample of a query result handed to templates. */
export interface QuerySample {
  readonly labels: Readonly<Record<string, string>>;
  /** The float value; ignored when `histogram` is set. */
  readonly value: number;
  readonly histogram?: FloatHistogram | null;
}

/**
 * Runs an instant query at `timestampMs` (the rule evaluation time). May return a promise; the
 * template engine awaits it (`query` is declared asynchronous, so templates that call it need
 * `execute`, not `executeSync`). Errors are reported as `error calling query: <message>`.
 */
export type QueryFunc = (query: string, timestampMs: number) => readonly QuerySample[] | Promise<readonly QuerySample[]>;

export interface PrometheusFuncOptions {
  /** The query function; without one, `query` fails as Prometheus does with a nil QueryFunc. */
  readonly query?: QueryFunc;
  /** Evaluation time in milliseconds (`now`, `query`). */
  readonly timestampMs: number;
  /** `--web.external-url`, as given. */
  readonly externalURL: string;
}

/** `*histogram.FloatHistogram`, printed as Prometheus prints it. */
export const FLOAT_HISTOGRAM: GoType = structType('histogram.FloatHistogram', [
  { name: 'Schema', type: T.int32 }, { name: 'ZeroThreshold', type: T.float64 }, { name: 'ZeroCount', type: T.float64 },
  { name: 'Count', type: T.float64 }, { name: 'Sum', type: T.float64 },
], {});
addMethods(FLOAT_HISTOGRAM, {
  String: { sig: { params: [], variadic: null, result: T.string, name: 'func() string' }, fn: (r) => floatHistogramString((r as { h: FloatHistogram }).h) },
});
const FLOAT_HISTOGRAM_PTR = ptrTo(FLOAT_HISTOGRAM);

/** A histogram value as templates see it (`*histogram.FloatHistogram`). */
export function histogramValue(h: FloatHistogram): GoVal {
  return new GoVal(FLOAT_HISTOGRAM_PTR, {
    h, Schema: BigInt(h.schema), ZeroThreshold: h.zeroThreshold, ZeroCount: h.zeroCount, Count: h.count, Sum: h.sum,
  });
}

/** Prometheus's `sample` (`.Labels`, `.Value`) and `queryResult` types. */
export const SAMPLE: GoType = structType('template.sample', [{ name: 'Labels', type: STRING_MAP }, { name: 'Value', type: T.any }]);
export const SAMPLE_PTR: GoType = ptrTo(SAMPLE);
export const QUERY_RESULT: GoType = sliceOf(SAMPLE_PTR, 'template.queryResult');
/** html/template's `HTML`: printed without escaping in HTML mode. */
export const HTML: GoType = namedType('template.HTML', 'string');

interface SampleRaw {
  Labels: Readonly<Record<string, string>>;
  Value: Value;
}

/** Converts query results to the template's `queryResult`. */
export function toQueryResult(samples: readonly QuerySample[]): GoVal {
  const raws: SampleRaw[] = samples.map((s) => ({
    Labels: s.labels,
    Value: s.histogram !== undefined && s.histogram !== null ? histogramValue(s.histogram) : s.value,
  }));
  return new GoVal(QUERY_RESULT, raws);
}

function sampleRaw(v: Value): SampleRaw {
  const raw = rawOf(v) as SampleRaw | null;
  if (raw === null || raw === undefined) throw new Error('runtime error: invalid memory address or nil pointer dereference');
  return raw;
}

function resultRaws(v: Value): SampleRaw[] {
  return (rawOf(v) ?? []) as SampleRaw[];
}

const ERR = { error: true } as const;

/**
 * Parses a Prometheus duration that may be negative (`-1h30m`) into seconds, with the error
 * texts of prometheus/common's model.ParseDurationAllowNegative.
 */
export function parseDurationSeconds(d: string): number {
  const neg = d.startsWith('-');
  const body = neg ? d.slice(1) : d;
  try {
    if (body === '') throw new DurationError('empty duration string');
    const ms: number = parseModelDuration(body);
    return (neg ? -ms : ms) / 1000;
  } catch (e) {
    if (e instanceof DurationError) {
      if (e.message === 'empty duration string' || body === '') throw new Error('empty duration string', { cause: e });
      if (e.message.startsWith('duration out of range')) throw new Error(`duration out of range: ${quote(d)}`, { cause: e });
      throw new Error(`not a valid duration string: ${quote(d)}`, { cause: e });
    }
    throw e;
  }
}

/** The path of a URL as Go's url.URL.Path holds it (decoded; '' when absent). */
function urlPath(u: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(u);
  const p = m === null ? u.replace(/[?#].*$/, '') : m[1]!;
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** Prometheus's template functions bound to one evaluation (time, query function, URL). */
export function prometheusFuncs(opts: PrometheusFuncOptions): Record<string, GoFunc> {
  const { timestampMs, externalURL } = opts;
  const query = opts.query;
  return {
    query: goFunc([T.string], QUERY_RESULT, (q) => {
      if (query === undefined) throw new Error('runtime error: invalid memory address or nil pointer dereference');
      const r = query(q as string, timestampMs);
      if (r instanceof Promise) return r.then((s) => toQueryResult(s));
      return toQueryResult(r);
    }, { error: true, async: true }),
    first: goFunc([QUERY_RESULT], SAMPLE_PTR, (v) => {
      const raws = resultRaws(v);
      if (raws.length > 0) return new GoVal(SAMPLE_PTR, raws[0]);
      throw new Error('first() called on vector with no elements');
    }, ERR),
    label: goFunc([T.string, SAMPLE_PTR], T.string, (l, s) => sampleRaw(s).Labels[l as string] ?? ''),
    value: goFunc([SAMPLE_PTR], T.any, (s) => sampleRaw(s).Value),
    strvalue: goFunc([SAMPLE_PTR], T.string, (s) => sampleRaw(s).Labels['__value__'] ?? ''),
    args: goFunc([], T.any, (...a) => {
      const m: Record<string, Value> = {};
      a.forEach((x, i) => { m[`arg${i}`] = x; });
      return m;
    }, { variadic: T.any }),
    reReplaceAll: goFunc([T.string, T.string, T.string], T.string, (p, r, t) => reReplaceAll(p as string, r as string, t as string)),
    safeHtml: goFunc([T.string], HTML, (s) => new GoVal(HTML, s)),
    match: goFunc([T.string, T.string], T.bool, (p, s) => match(p as string, s as string), ERR),
    title: goFunc([T.string], T.string, (s) => title(s as string)),
    toUpper: goFunc([T.string], T.string, (s) => toUpper(s as string)),
    toLower: goFunc([T.string], T.string, (s) => toLower(s as string)),
    graphLink: goFunc([T.string], T.string, (s) => graphLink(s as string)),
    tableLink: goFunc([T.string], T.string, (s) => tableLink(s as string)),
    sortByLabel: goFunc([T.string, QUERY_RESULT], QUERY_RESULT, (l, v) => {
      const raws = resultRaws(v);
      const label = l as string;
      // Sorts in place, as Go's sort.Stable on the shared slice does; stable by construction.
      const sorted = raws.map((r, i) => ({ r, i, k: r.Labels[label] ?? '' }))
        .sort((a, b) => compareUtf8(a.k, b.k) || a.i - b.i);
      for (let i = 0; i < sorted.length; i++) raws[i] = sorted[i]!.r;
      return v;
    }),
    stripPort: goFunc([T.string], T.string, (s) => stripPort(s as string)),
    stripDomain: goFunc([T.string], T.string, (s) => stripDomain(s as string)),
    humanize: goFunc([T.any], T.string, (i) => humanize(i), ERR),
    humanize1024: goFunc([T.any], T.string, (i) => humanize1024(i), ERR),
    humanizeDuration: goFunc([T.any], T.string, (i) => humanizeDuration(i), ERR),
    humanizePercentage: goFunc([T.any], T.string, (i) => humanizePercentage(i), ERR),
    humanizeTimestamp: goFunc([T.any], T.string, (i) => humanizeTimestamp(i), ERR),
    toTime: goFunc([T.any], TIME_PTR, (i) => toTime(i), ERR),
    toDuration: goFunc([T.any], DURATION_PTR, (i) => toDuration(i), ERR),
    now: goFunc([], T.float64, () => timestampMs / 1000),
    pathPrefix: goFunc([], T.string, () => urlPath(externalURL)),
    externalURL: goFunc([], T.string, () => externalURL),
    parseDuration: goFunc([T.string], T.float64, (d) => parseDurationSeconds(d as string), ERR),
    urlQueryEscape: goFunc([T.string], T.string, (s) => queryEscape(s as string)),
  };
}

/** The names of Prometheus's template functions (for parsing without binding an evaluation). */
export const PROMETHEUS_FUNC_NAMES: readonly string[] = Object.keys(prometheusFuncs({ timestampMs: 0, externalURL: '' }));

/** A function map for parse-time checks only. */
export function prometheusFuncNames(): FuncMap {
  return prometheusFuncs({ timestampMs: 0, externalURL: '' });
}
