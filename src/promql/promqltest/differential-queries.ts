/**
 * The queries of the differential test: every PromQL function Prometheus 2.42 has (except
 * the ones for native histograms, which the dataset lacks), every aggregation, every binary
 * operator and vector-matching mode, subqueries, `offset` and `@`, and the errors both must
 * raise. Each runs as an instant query at INSTANT_TIMES and, unless it yields a range
 * vector or string, as a range query over RANGE.
 *
 * EXCEPTIONS names each place where Prometheus 3 deliberately answers differently from
 * 2.42 (its migration guide), with what each version must answer.
 */
import { BASE } from './differential-data.js';

export interface DiffQuery {
  expr: string;
  /** Range vector or string result: no range query. */
  instantOnly?: boolean;
  /** The query sorts: compare the order of values too. */
  ordered?: boolean;
  /** Both must fail (as bad_data or execution errors). */
  error?: boolean;
}

const MIN = 60_000;
/**
 * Evaluation times sit 7 s past a 15 s boundary: never on a sample (3 s past), and never on
 * a subquery step (multiples of 15 s), so no window boundary of any query coincides with a
 * point, where Prometheus 2 (closed) and 3 (left-open) would differ.
 */
const OFF = 7_000;
export const INSTANT_TIMES = [BASE + 37 * MIN + OFF, BASE + 108 * MIN + OFF];
export const RANGE = { start: BASE + 10 * MIN + OFF, end: BASE + 115 * MIN + OFF, step: MIN };
/** An `@` time (seconds) inside the data, 7 s past a 15 s boundary as well. */
const AT = (BASE + 50 * MIN + OFF) / 1000;

const C = 'dt_http_requests_total';
const G = 'dt_cpu_temperature_celsius';
const Q = 'dt_queue_length';
const H = 'dt_request_duration_seconds';

function q(expr: string, opts: Omit<DiffQuery, 'expr'> = {}): DiffQuery {
  return { expr, ...opts };
}

const selectors: DiffQuery[] = [
  q(C), q(`${C}{job="api"}`), q(`${C}{job!="api", code=~"5.."}`), q(`${C}{method!~"G.*"}`),
  q(`{__name__=~"dt_cpu.*"}`), q(`{__name__=~"dt_(queue|cpu).*", instance="i3"}`), q(`{instance="i1", job=~"a.*|w.*"}`),
  q(`${G}{sensor=~"a|b", instance=~"i[0-4]"}`), q(`${C}{code=""}`), q(`${C}{code!=""}`), q(`${G}{sensor=~"(?i)A"}`),
  q(`${G} offset 10m`), q(`${G} offset -10m`), q(`${G} @ ${AT}`), q(`${G} @ ${AT} offset 5m`),
  q('dt_gappy'), q('dt_special'), q(Q), q(`${H}_bucket{le="0.1"}`), q('dt_build_info'),
  q(`${G}{instance="i0"}[2m]`, { instantOnly: true }), q(`${C}{job="api", code="200"}[1m] offset 5m`, { instantOnly: true }),
  q(`${H}_count{job="web"}[45s] @ ${AT}`, { instantOnly: true }), q(`${Q}[5m]`, { instantOnly: true }),
  q(`${G} @ start()`), q(`${G} @ end()`), q(`rate(${C}[5m] @ end())`),
];

const literals: DiffQuery[] = [
  q('1'), q('-2.5'), q('1e3'), q('0x1F'), q('Inf'), q('-Inf'), q('NaN'), q('"a string"', { instantOnly: true }),
  q('1 + 2 * 3'), q('2 ^ 3 ^ 2'), q('10 % 3'), q('-7 % 3'), q('5 == bool 5'), q('1 / 0'), q('-1 / 0'), q('0 / 0'),
  q('2 > bool 1'), q('(1 + 2) * -3'), q('2 atan2 1'),
];

const rangeFuncs = ['rate', 'irate', 'increase', 'delta', 'idelta', 'resets', 'changes'];
const counterFuncs: DiffQuery[] = rangeFuncs.flatMap((f) => [
  q(`${f}(${C}[1m])`), q(`${f}(${C}[5m])`), q(`${f}(${C}{code="500"}[10m])`),
]);

const overTime = ['avg', 'min', 'max', 'sum', 'count', 'stddev', 'stdvar', 'last', 'present'];
const overTimeFuncs: DiffQuery[] = [
  ...overTime.flatMap((f) => [q(`${f}_over_time(${G}[5m])`), q(`${f}_over_time(${Q}[10m])`)]),
  q(`quantile_over_time(0.3, ${G}[10m])`), q(`quantile_over_time(0.95, ${Q}[5m])`), q(`quantile_over_time(0, ${G}[1m])`),
  q(`quantile_over_time(1.5, ${G}[1m])`), q(`quantile_over_time(-1, ${Q}[1m])`),
  q('absent_over_time(dt_nonexistent[5m])'), q(`absent_over_time(${G}[5m])`), q('absent_over_time(dt_nonexistent{job="x", instance=~"y"}[5m])'),
  q(`avg_over_time(dt_special[1m])`), q(`max_over_time(dt_gappy[10m])`), q(`changes(${G}[10m])`), q(`resets(${Q}[10m])`),
  q(`deriv(${G}[5m])`), q(`deriv(${Q}[10m])`), q(`predict_linear(${G}[10m], 600)`), q(`predict_linear(${Q}[5m], 3600)`),
  q(`rate(${H}_sum[5m]) / rate(${H}_count[5m])`),
];

const mathFuncs: DiffQuery[] = [
  q(`abs(${G})`), q(`ceil(${G})`), q(`floor(${G})`), q(`round(${G})`), q(`round(${G}, 5)`), q(`round(${G}, 0.3)`),
  q(`exp(${G} / 10)`), q(`ln(abs(${G}) + 1)`), q(`log2(${Q} + 1)`), q(`log10(${Q} + 1)`), q(`sqrt(abs(${G}))`),
  q(`sgn(${G} - 25)`), q(`clamp(${G}, 15, 25)`), q(`clamp(${G}, 25, 15)`), q(`clamp_min(${G}, 20)`), q(`clamp_max(${G}, 20)`),
  q(`-${G}`), q(`+${G}`), q(`ln(${Q})`), q(`sqrt(-${Q})`), q('abs(dt_special)'), q('dt_special * 0'),
  q(`sin(${G})`), q(`cos(${G})`), q(`tan(${G})`), q(`asin(${G} / 100)`), q(`acos(${G} / 100)`), q(`atan(${G})`),
  q(`sinh(${G} / 10)`), q(`cosh(${G} / 10)`), q(`tanh(${G})`), q(`asinh(${G})`), q(`acosh(abs(${G}) + 1)`), q(`atanh(${G} / 100)`),
  q(`deg(${G})`), q(`rad(${G})`), q('pi()'), q(`(${G} atan2 ${G} offset 5m) * 1`),
];

const timeFuncs: DiffQuery[] = [
  q('time()'), q(`timestamp(${G})`), q(`timestamp(${G} offset 3m)`), q(`timestamp(${G} @ ${AT})`),
  ...['year', 'month', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute'].flatMap((f) => [
    q(`${f}()`), q(`${f}(timestamp(${Q}))`),
  ]),
  q('vector(1)'), q('vector(time())'), q(`scalar(sum(${G}))`), q(`scalar(${G})`), q(`${G} * scalar(${Q}{instance="i1"})`),
];

const labelFuncs: DiffQuery[] = [
  q(`label_replace(${G}, "foo", "$1", "instance", "i(.*)")`), q(`label_replace(${G}, "instance", "", "", "")`, { error: true }),
  q(`label_replace(${C}, "x", "$1-$2", "job", "(.)(.*)")`), q(`label_replace(${G}, "foo", "bar", "nonexistent", "")`),
  q(`label_replace(${G}, "foo", "$1", "instance", "nomatch(.*)")`),
  q(`label_join(${G}, "joined", "-", "instance", "sensor")`), q(`label_join(${G}, "sensor", ",", "instance")`, { error: true }), q(`label_join(${G}, "instance", ",", "sensor", "instance")`),
  q(`label_join(${Q}, "empty", "-")`),
  q('absent(dt_nonexistent)'), q('absent(dt_nonexistent{job="a", instance=~"x"})'), q(`absent(${G})`), q(`absent(sum(dt_nonexistent))`),
  q(`sort(${G})`, { ordered: true }), q(`sort_desc(${G})`, { ordered: true }), q(`sort(rate(${C}[5m]))`),
];

const histogramFuncs: DiffQuery[] = [
  ...[0, 0.5, 0.9, 0.99, 1, -1, 2].map((p) => q(`histogram_quantile(${p}, sum by (le) (rate(${H}_bucket[5m])))`)),
  q(`histogram_quantile(0.9, sum by (job, le) (rate(${H}_bucket[5m])))`), q(`histogram_quantile(0.9, rate(${H}_bucket[10m]))`),
  q(`histogram_quantile(0.5, ${H}_bucket)`), q(`histogram_quantile(0.75, sum without (instance) (${H}_bucket))`),
  q(`histogram_quantile(0.5, rate(${H}_bucket{le!="+Inf"}[5m]))`), q(`histogram_quantile(0.5, ${C})`),
  // These native-histogram functions ignore float samples: empty answers on both sides.
  q(`histogram_count(${H}_count)`), q(`histogram_sum(rate(${H}_sum[5m]))`),
];

const aggs = ['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar'];
const aggregations: DiffQuery[] = [
  ...aggs.flatMap((a) => [
    q(`${a}(${G})`), q(`${a} by (sensor) (${G})`), q(`${a} without (method, code) (rate(${C}[5m]))`), q(`${a}(rate(${C}[5m])) by (job)`),
  ]),
  q(`topk(3, ${G})`), q(`topk by (sensor) (2, ${G})`), q(`bottomk(2, ${G})`), q(`bottomk by (sensor) (1, ${G})`),
  q(`topk(scalar(count(${Q})) / 4, ${G})`), q(`topk(0, ${G})`),
  q(`quantile(0.5, ${G})`), q(`quantile by (sensor) (0.9, ${G})`), q(`quantile(0, ${Q})`), q(`quantile(1.5, ${Q})`),
  q(`count_values("v", ${Q})`), q(`count_values by (sensor) ("value", round(${G}))`),
  q(`sum(${C}) by (code)`), q(`sum without (job, instance, method, code) (${C})`), q(`count by (__name__) ({__name__=~"dt_(queue|cpu).*"})`),
  q('max(dt_special)'), q('min(dt_special)'), q('sum(dt_special)'), q('avg(dt_special{kind!="nan"})'), q('count(dt_special == dt_special)'),
  q(`avg by (instance) (${G}) > 25`), q(`sum(sum by (job) (rate(${C}[5m])))`), q(`count(count by (instance) (${G}))`),
];

const binops: DiffQuery[] = [
  q(`${G} * 2`), q(`2 * ${G}`), q(`${G} - 20`), q(`100 / ${Q}`), q(`${Q} % 7`), q(`${G} ^ 2`), q(`${G} > 25`), q(`25 < ${G}`),
  q(`${G} > bool 25`), q(`round(${G}) == 25`), q(`${Q} != 0`), q(`${Q} >= 3`), q(`${Q} <= bool 3`), q(`(${G} atan2 1) * 1`),
  q(`${H}_sum / ${H}_count`), q(`${G} - ${G} offset 5m`), q(`${G} > ${G} offset 5m`), q(`${G} > bool ${G} offset 5m`),
  q(`${Q} == bool ${Q} offset 1m`), q(`${Q} / ${Q}`),
  q(`sum by (job, instance) (rate(${C}[5m])) / on (job, instance) sum by (job, instance) (rate(${H}_count[5m]))`),
  q(`${C} / ignoring (code) group_left sum without (code) (${C})`),
  q(`sum without (code) (${C}) / ignoring (code) group_right ${C}`),
  q(`${G} * on (instance) group_left (version) dt_build_info`), q(`dt_build_info * on (instance) group_right (version) ${G}`),
  q(`${G} / on () group_left sum(${G})`), q(`${Q} + ignoring (instance) group_left ${Q}{instance="i0"}`),
  q(`${Q} * on (instance) group_left dt_build_info`), q(`${Q} > on (instance) group_left ${Q} offset 1m`),
  q(`${G} and ${G} > 25`), q(`${G} or ${Q}`), q(`${G} unless ${G} > 25`), q(`${C} and on (instance) ${G} > 25`),
  q(`rate(${C}[5m]) or on (job) vector(0)`), q(`${G} unless on (instance) dt_build_info`), q(`${Q} and ignoring (instance) ${Q}{instance="i2"}`),
  q(`${Q} or ${Q} offset 10m`), q(`(${G} > 25) or (${G} < 15)`), q(`vector(1) and on () ${Q}{instance="i0"} > 100`),
  q(`${C} + on (job) ${C}`, { error: true }), q(`sum by (job) (${C}) + on (job) ${C}`, { error: true }),
  q(`${G} * on (sensor) group_left dt_build_info`, { error: true }),
  q(`${G} + on (instance) group_left ${Q}`), q(`${Q} + on (instance) group_right ${G}`),
  q(`${Q} + on (instance) group_left ${G}`, { error: true }),
];

const subqueries: DiffQuery[] = [
  q(`max_over_time(rate(${C}[1m])[10m:1m])`), q(`avg_over_time(${G}[10m:30s])`), q(`rate(sum(${C})[5m:])`),
  q(`max_over_time(deriv(${G}[5m])[15m:1m] offset 5m)`), q(`sum_over_time(${Q}[10m:1m] @ ${AT})`),
  q(`min_over_time(min_over_time(${G}[5m30s:1m])[10m:2m])`), q(`count_over_time(${G}[5m:15s])`),
  q(`${G}[5m:1m]`, { instantOnly: true }), q(`rate(${C}[5m])[10m:2m]`, { instantOnly: true }),
  q(`quantile_over_time(0.5, sum by (job) (rate(${C}[1m]))[30m:1m])`), q(`stddev_over_time((${Q} > 2)[20m:1m])`),
  q(`last_over_time(${G}[10m:1m] offset 30m)`), q(`changes(${Q}[20m:1m])`), q(`delta(sum(${G})[10m:1m])`),
];

export const QUERIES: DiffQuery[] = [
  ...selectors, ...literals, ...counterFuncs, ...overTimeFuncs, ...mathFuncs, ...timeFuncs, ...labelFuncs,
  ...histogramFuncs, ...aggregations, ...binops, ...subqueries,
];

/**
 * What one version must answer: a one-element vector with this value (and, if given, exactly
 * these labels) or with any value, an empty vector, or an error.
 */
export type Expected =
  | { kind: 'value'; f: number; metric?: Record<string, string> }
  | { kind: 'any' }
  | { kind: 'empty' }
  | { kind: 'error' };

export interface Exception {
  name: string;
  /** The change, as Prometheus 3's migration guide states it. */
  reason: string;
  expr: string;
  /** Instant query time (ms). */
  at: number;
  v2: Expected;
  v3: Expected;
}

/** A sample time of the dataset: the sample 50 minutes in, at BASE + 50m + 3s. */
const SAMPLE_T = (BASE + 50 * MIN + 3_000) / 1000;

export const EXCEPTIONS: Exception[] = [
  {
    name: 'left-open range selectors',
    reason: 'range selectors exclude a sample exactly at the left boundary (3.0)',
    expr: `count_over_time(${G}{instance="i0", sensor="a"}[1m] @ ${SAMPLE_T})`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'value', f: 5 },
    v3: { kind: 'value', f: 4 },
  },
  {
    name: 'left-open lookback',
    reason: 'the lookback window excludes a sample exactly 5m old (3.0)',
    // dt_gappy's last sample before its gap is at T0 + 120 * 15s; 5m later it is exactly 5m old.
    expr: `count(dt_gappy @ ${(BASE + 3_000 + 120 * 15_000 + 5 * MIN) / 1000}) or vector(0)`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'value', f: 1 },
    v3: { kind: 'value', f: 0 },
  },
  {
    name: 'left-open subquery windows',
    reason: 'a subquery [1m:1m] evaluated on a whole minute yields one point instead of two (3.0)',
    expr: 'count_over_time(vector(1)[1m:1m])',
    at: BASE + 37 * MIN,
    v2: { kind: 'value', f: 2 },
    v3: { kind: 'value', f: 1 },
  },
  {
    name: 'regex . matches newlines',
    reason: 'the . of PromQL regular expressions matches \\n (3.0)',
    expr: 'count(dt_multiline{text=~"line1.line2"})',
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'empty' },
    v3: { kind: 'value', f: 1 },
  },
  {
    name: 'regex .* matches newlines',
    reason: 'the . of PromQL regular expressions matches \\n (3.0)',
    expr: 'count(dt_multiline{text!~".*"}) or vector(0)',
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'value', f: 1 },
    v3: { kind: 'value', f: 0 },
  },
  {
    name: 'UTF-8 label names',
    reason: 'any UTF-8 string is a valid label name, so label_replace may create "0bad" (3.0)',
    expr: `count(label_replace(${G}, "0bad", "x", "", ""))`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'error' },
    v3: { kind: 'value', f: 30 },
  },
  {
    name: 'UTF-8 label names in count_values',
    reason: 'any UTF-8 string is a valid label name, also for count_values (3.0)',
    expr: `count(count_values("0bad", ${Q}))`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'error' },
    v3: { kind: 'any' },
  },
  {
    name: 'atan2 drops the metric name',
    reason: 'atan2 changes the meaning of the value, so it drops __name__ like the other arithmetic operators (2.47)',
    expr: `count by (__name__) (${G} atan2 1)`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'value', f: 30, metric: { __name__: 'dt_cpu_temperature_celsius' } },
    v3: { kind: 'value', f: 30, metric: {} },
  },
  {
    name: 'rate extrapolation to a series start',
    reason: 'when a window begins well before a series does, the counter zero point now only shortens the half-interval guess, never lengthens it (2.51, prometheus#13725)',
    // The bucket's first sample (8, at T0) puts the zero point 12.4 s before it: 2.42 extrapolates
    // that far, 3 only the 7.5 s half-interval. Both values follow from the samples by hand.
    expr: `rate(${H}_bucket{instance="i0", job="api", le="+Inf"}[1h])`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'value', f: 0.40210810810810804 },
    v3: { kind: 'value', f: 0.4012344219219219 },
  },
  {
    name: 'stddev of infinities',
    reason: 'stddev and stdvar treat NaN and infinities consistently: a group that starts with one is NaN (3.0, prometheus#14941)',
    expr: 'stddev(vector(Inf))',
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'value', f: 0 },
    v3: { kind: 'value', f: NaN },
  },
  {
    name: 'filters check one-to-one matching first',
    reason: 'a comparison between vectors checks that matching is one-to-one before it drops samples, not only for the kept ones (3.10, with the fill modifiers)',
    expr: `${Q} < on() vector(-1)`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'empty' },
    v3: { kind: 'error' },
  },
  {
    name: 'histogram_fraction on classic histograms',
    reason: 'histogram_fraction also computes fractions from classic bucket series, as histogram_quantile does (3.4)',
    expr: `count(histogram_fraction(0, 0.1, ${H}_bucket))`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'empty' },
    v3: { kind: 'value', f: 12 },
  },
  {
    name: 'holt_winters renamed',
    reason: 'holt_winters is now double_exponential_smoothing, behind promql-experimental-functions (3.0)',
    expr: `holt_winters(${Q}{instance="i0"}[10m], 0.5, 0.5)`,
    at: INSTANT_TIMES[0]!,
    v2: { kind: 'any' },
    v3: { kind: 'error' },
  },
];
