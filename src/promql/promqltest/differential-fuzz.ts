/**
 * Random queries for the differential test: expressions drawn from a seeded grammar over the
 * differential dataset (differential-data.ts), nesting selectors, range functions,
 * subqueries, math, label and histogram functions, aggregations and binary operators with
 * every matching mode, so that combinations nobody wrote down by hand are asked of both
 * engines too.
 *
 * The grammar keeps to what Prometheus 2.42 and 3 answer alike (see differential-queries.ts):
 * - durations, offsets and subquery steps are multiples of 15 s and `@` times sit 7 s past a
 *   15 s boundary, so no window edge meets a sample (left-open windows, 3.0);
 * - no window reaches back to the start of the data: since 2.51 the counter zero point limits
 *   `rate`'s extrapolation to a series start after, not before, the half-interval guess
 *   (prometheus#13725), so the two versions differ on windows that begin before a series
 *   does. Every expression carries how far back its windows may reach, and `rate` and
 *   `increase` do not take subqueries, whose series may begin inside a window;
 * - the series with a newline in a label value is left out (regex `.`, 3.0); functions that 3
 *   renamed, added or put behind feature flags are not used;
 * - `predict_linear` takes no `@`: in a range evaluation Prometheus moves such a window with
 *   the step and cuts it at the `@` time (prometheus#11708), where Watchfire keeps the window
 *   at the `@` time, as an instant query at each step does (docs/promql.md);
 * - `atan2` is only asked of scalars: since 2.47 it drops the metric name of vectors;
 * - date functions only take the dataset's finite values: Prometheus answers NaN and ±Inf with
 *   the fields of an overflowed Go time (year 292277026596), where Watchfire answers NaN;
 * - `stddev` and `stdvar` only take finite values: since 3.0 a group that starts with NaN or
 *   ±Inf is NaN (prometheus#14941), where 2.42 answered 0;
 * - comparisons between two vectors filter with `bool` only: since 3.10 a filter checks that
 *   matching is one-to-one before it drops samples, where 2.42 checked only the kept ones;
 * - `count_values` only counts the dataset's own values, without grouping: a computed value
 *   differs in its last bits between engines and so names another label value, and 2.42
 *   repeats a grouped value series across the steps of a range query;
 * - `topk` and `bottomk` only rank the temperature gauge, whose values never tie, since which
 *   of two equal series they keep is not specified.
 */
import { BASE, T0 } from './differential-data.js';
import { seededRandom } from '../../util/bench.js';

export interface FuzzQuery {
  expr: string;
  /** The expression sorts its result at the top: compare the order of an instant vector too. */
  ordered: boolean;
}

const MIN = 60_000;
const SEC = 1_000;

/** Evaluation times of the random queries: late enough that windows of up to an hour fit. */
export const FUZZ_INSTANT_TIMES = [BASE + 62 * MIN + 7_000, BASE + 93 * MIN + 37_000, BASE + 108 * MIN + 7_000];
/** The range query: 45 s steps, so that steps and the minute grid of subqueries do not coincide. */
export const FUZZ_RANGE = { start: BASE + 60 * MIN + 7_000, end: BASE + 115 * MIN + 7_000, step: 45_000 };
/** How far windows may reach back from the earliest evaluation time (ms), keeping 20 s from the data's start. */
const TOP_BUDGET = FUZZ_RANGE.start - T0 - 20 * SEC;

const SELECTORS = [
  'dt_http_requests_total', 'dt_http_requests_total{job="api"}', 'dt_http_requests_total{code=~"4..|5.."}',
  'dt_http_requests_total{method!="GET", instance!~"i[01]"}', 'dt_cpu_temperature_celsius',
  'dt_cpu_temperature_celsius{sensor="a"}', 'dt_cpu_temperature_celsius{instance=~"i[0-3]"}', 'dt_queue_length',
  'dt_request_duration_seconds_bucket', 'dt_request_duration_seconds_bucket{job="web"}',
  'dt_request_duration_seconds_sum', 'dt_request_duration_seconds_count{instance="i2"}', 'dt_build_info',
  'dt_special', 'dt_gappy', '{__name__=~"dt_(queue|build).*"}', '{instance="i1", __name__!~"dt_request.*"}',
  '{__name__=~".+_total", code!~"2.."}', 'dt_cpu_temperature_celsius{sensor=~".*", instance!~""}',
  'dt_request_duration_seconds_bucket{le=~"0\\\\.0.*|\\\\+Inf", instance=~"i1|i3"}', 'dt_queue_length{instance=~"(?i)I[5-9]"}',
];
/** Selectors whose values are all finite. */
const FINITE_SELECTORS = SELECTORS.filter((x) => !x.startsWith('dt_special'));
/** Selectors whose values never tie (full-precision random gauges). */
const TIE_FREE = ['dt_cpu_temperature_celsius', 'dt_cpu_temperature_celsius{sensor!="b"}', 'dt_cpu_temperature_celsius{instance=~"i[2-7]"}'];
const RANGES: Array<[string, number]> = [['30s', 30 * SEC], ['1m', MIN], ['2m', 2 * MIN], ['5m', 5 * MIN], ['10m', 10 * MIN], ['1h', 60 * MIN]];
const OFFSETS: Array<[string, number]> = [['1m', MIN], ['5m', 5 * MIN], ['45s', 45 * SEC], ['17m', 17 * MIN], ['-2m', -2 * MIN], ['-30s', -30 * SEC]];
const SUBQUERY_STEPS = ['30s', '1m', '5m'];
const SUBQUERY_RANGES: Array<[string, number]> = [['5m', 5 * MIN], ['10m', 10 * MIN], ['30m', 30 * MIN]];
const LABELS = ['job', 'instance', 'code', 'method', 'sensor', 'le', 'version', 'kind', '__name__'];
const RANGE_FUNCS = [
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'avg_over_time', 'min_over_time',
  'max_over_time', 'sum_over_time', 'count_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time',
  'present_over_time', 'absent_over_time',
];
const MATH_FUNCS = [
  'abs', 'ceil', 'floor', 'round', 'sqrt', 'exp', 'ln', 'log2', 'log10', 'sgn', 'sin', 'cos', 'tan', 'asin',
  'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'deg', 'rad', 'timestamp',
];
const DATE_FUNCS = ['day_of_month', 'day_of_week', 'days_in_month', 'hour', 'minute', 'month', 'year'];
const SIMPLE_AGGREGATIONS = ['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'group'];
const ARITHMETIC = ['+', '-', '*', '/', '%', '^'];
const COMPARISONS = ['==', '!=', '>', '<', '>=', '<='];
const SET_OPS = ['and', 'or', 'unless'];
const QUANTILES = ['0', '0.1', '0.5', '0.9', '0.99', '1', '-0.5', '1.5'];
const NUMBERS = ['0', '1', '2', '0.5', '-3', '100', '1e-3', 'Inf', '-Inf', 'NaN'];

class Generator {
  constructor(private readonly r: () => number) {}

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  chance(p: number): boolean {
    return this.r() < p;
  }

  /** A few distinct labels, comma-separated (possibly none). */
  labelList(max = 3): string {
    const n = Math.floor(this.r() * (max + 1));
    const out = new Set<string>();
    for (let i = 0; i < n; i++) out.add(this.pick(LABELS));
    return [...out].join(', ');
  }

  /** One of `xs` whose duration fits `budget`, or null. */
  fitting(xs: ReadonlyArray<[string, number]>, budget: number): [string, number] | null {
    const ok = xs.filter(([, ms]) => ms <= budget);
    return ok.length === 0 ? null : this.pick(ok);
  }

  /**
   * A range selector `sel[r]` with optional `@` and offset whose window fits `budget`; with
   * `noAt`, no `@`. The shortest range always fits the budgets used here.
   */
  rangeSelector(budget: number, noAt = false): string {
    let b = budget, mod = '';
    if (!noAt && this.chance(0.12)) {
      if (this.chance(0.3)) {
        mod += ` @ ${this.pick(['start()', 'end()'])}`;
        b = TOP_BUDGET;
      } else {
        const at = BASE + (70 + Math.floor(this.r() * 48)) * MIN + 7_000;
        mod += ` @ ${at / 1000}`;
        b = at - T0 - 20 * SEC;
      }
    }
    if (this.chance(0.15)) {
      const o = this.fitting(OFFSETS, b - 30 * SEC);
      if (o !== null) {
        mod += ` offset ${o[0]}`;
        b -= o[1];
      }
    }
    const r = this.fitting(RANGES, b) ?? RANGES[0]!;
    return `${this.pick(SELECTORS)}[${r[0]}]${mod}`;
  }

  /** A range vector whose windows fit `budget`: a range selector, or a subquery unless `noSubquery`. */
  rangeVector(depth: number, budget: number, noSubquery = false): string {
    if (!noSubquery && depth > 0 && this.chance(0.2)) {
      const range = this.fitting(SUBQUERY_RANGES, budget - 2 * MIN);
      if (range !== null) {
        let b = budget - range[1], off = '';
        if (this.chance(0.15)) {
          const o = this.fitting(OFFSETS, b - 2 * MIN);
          if (o !== null) {
            off = ` offset ${o[0]}`;
            b -= o[1];
          }
        }
        const step = this.chance(0.85) ? this.pick(SUBQUERY_STEPS) : '';
        if (off === '' && this.chance(0.15)) {
          // A subquery at a fixed time: its windows reach back from there.
          if (this.chance(0.4)) return `(${this.vector(depth - 1, TOP_BUDGET - range[1])})[${range[0]}:${step}] @ ${this.pick(['start()', 'end()'])}`;
          const at = BASE + (75 + Math.floor(this.r() * 43)) * MIN + 7_000;
          return `(${this.vector(depth - 1, at - T0 - 20 * SEC - range[1])})[${range[0]}:${step}] @ ${at / 1000}`;
        }
        return `(${this.vector(depth - 1, b)})[${range[0]}:${step}]${off}`;
      }
    }
    return this.rangeSelector(budget);
  }

  /** An instant selector with optional `@` and offset (a lookback is not a window that extrapolates). */
  instantSelector(): string {
    let m = '';
    if (this.chance(0.12)) {
      const at = this.chance(0.3) ? this.pick(['start()', 'end()']) : String((BASE + Math.floor(this.r() * 118) * MIN + 7_000) / 1000);
      m += ` @ ${at}`;
    }
    if (this.chance(0.15)) m += ` offset ${this.pick(OFFSETS)[0]}`;
    return `${this.pick(SELECTORS)}${m}`;
  }

  scalar(depth: number, budget: number): string {
    const k = depth > 0 ? this.r() : 0;
    if (k < 0.55) return this.pick(NUMBERS);
    if (k < 0.7) return `scalar(${this.vector(depth - 1, budget)})`;
    if (k < 0.8) return this.pick(['time()', 'pi()']);
    if (k < 0.9) return `(${this.scalar(depth - 1, budget)} ${this.pick([...ARITHMETIC, 'atan2', ...COMPARISONS.map((c) => `${c} bool`)])} ${this.scalar(depth - 1, budget)})`;
    return this.pick(['-1', '+2', '-(4)']);
  }

  /** An instant vector of finite values only. */
  finite(budget: number): string {
    const sel = this.pick(FINITE_SELECTORS);
    if (this.chance(0.4)) return sel;
    const r = this.fitting(RANGES, budget) ?? RANGES[0]!;
    return this.pick([`${this.pick(['rate', 'delta', 'avg_over_time', 'max_over_time', 'stddev_over_time'])}(${sel}[${r[0]}])`, `abs(${sel})`, `${sel} * 2`]);
  }

  /** An instant vector with no ties between its values. */
  tieFree(depth: number, budget: number): string {
    const sel = this.pick(TIE_FREE);
    if (depth === 0 || this.chance(0.5)) return sel;
    const r = this.fitting(RANGES, budget) ?? RANGES[0]!;
    return this.pick([`avg_over_time(${sel}[${r[0]}])`, `-${sel}`, `${sel} * 2`, `abs(${sel})`]);
  }

  vector(depth: number, budget: number): string {
    if (depth <= 0) return this.instantSelector();
    const d = depth - 1;
    switch (Math.floor(this.r() * 11)) {
      case 0: return this.instantSelector();
      case 1: {
        const f = this.pick([...RANGE_FUNCS, 'quantile_over_time', 'predict_linear']);
        if (f === 'quantile_over_time') return `quantile_over_time(${this.pick(QUANTILES)}, ${this.rangeVector(d, budget)})`;
        if (f === 'predict_linear') return `predict_linear(${this.rangeSelector(budget, true)}, ${this.pick(['60', '-300', '3600'])})`;
        return `${f}(${this.rangeVector(d, budget, f === 'rate' || f === 'increase')})`;
      }
      case 2: {
        const f = this.pick([...MATH_FUNCS, ...DATE_FUNCS, 'clamp', 'clamp_min', 'clamp_max', 'round2', 'neg']);
        if (DATE_FUNCS.includes(f)) return `${f}(${this.chance(0.3) ? `timestamp(${this.pick(FINITE_SELECTORS)})` : this.pick(FINITE_SELECTORS)})`;
        if (f === 'clamp') return `clamp(${this.vector(d, budget)}, ${this.pick(NUMBERS)}, ${this.pick(NUMBERS)})`;
        if (f === 'clamp_min' || f === 'clamp_max') return `${f}(${this.vector(d, budget)}, ${this.pick(NUMBERS)})`;
        if (f === 'round2') return `round(${this.vector(d, budget)}, ${this.pick(['0.5', '10', '0.1', '3'])})`;
        if (f === 'neg') return `-${this.vector(d, budget)}`;
        return `${f}(${this.vector(d, budget)})`;
      }
      case 3: {
        if (this.chance(0.5)) return `label_replace(${this.vector(d, budget)}, "${this.pick(['dst', 'job', 'instance'])}", "${this.pick(['$1', 'x-$1', '', '$2'])}", "${this.pick(LABELS)}", "${this.pick(['(.*)', 'i(.)', '(.+)-(.+)', '[0-9]+', ''])}")`;
        return `label_join(${this.vector(d, budget)}, "${this.pick(['dst', 'job'])}", "${this.pick(['-', '', ','])}", ${this.labelList(3).split(', ').filter(Boolean).map((l) => `"${l}"`).join(', ') || '"instance"'})`;
      }
      case 4: {
        const op = this.pick([...SIMPLE_AGGREGATIONS, 'quantile', 'count_values', 'topk', 'bottomk']);
        const grouping = op !== 'count_values' && this.chance(0.75) ? ` ${this.pick(['by', 'without'])} (${this.labelList()})` : '';
        const inner = op === 'topk' || op === 'bottomk' ? this.tieFree(d, budget)
          : op === 'stddev' || op === 'stdvar' ? this.finite(budget)
          : op === 'count_values' ? this.pick(SELECTORS) : this.vector(d, budget);
        const param = op === 'quantile' ? `${this.pick(QUANTILES)}, ` : op === 'count_values' ? '"value", ' : op === 'topk' || op === 'bottomk' ? `${this.pick(['1', '2', '3'])}, ` : '';
        return this.chance(0.5) ? `${op}${grouping} (${param}${inner})` : `${op} (${param}${inner})${grouping}`;
      }
      case 5: {
        const op = this.pick([...ARITHMETIC, ...COMPARISONS, ...COMPARISONS.map((c) => `${c} bool`)]);
        return this.chance(0.5) ? `(${this.vector(d, budget)} ${op} ${this.scalar(d, budget)})` : `(${this.scalar(d, budget)} ${op} ${this.vector(d, budget)})`;
      }
      case 6:
      case 7: {
        const op = this.pick([...ARITHMETIC, ...COMPARISONS.map((c) => `${c} bool`), ...SET_OPS]);
        const set = SET_OPS.includes(op);
        let matching = '';
        if (this.chance(0.6)) {
          matching = ` ${this.pick(['on', 'ignoring'])}(${this.labelList(2)})`;
          if (!set && this.chance(0.4)) matching += ` ${this.pick(['group_left', 'group_right'])}${this.chance(0.5) ? `(${this.labelList(1)})` : ''}`;
        }
        return `(${this.vector(d, budget)} ${op}${matching} ${this.vector(d, budget)})`;
      }
      case 8: {
        const k = this.r();
        if (k < 0.4) return `histogram_quantile(${this.pick(QUANTILES)}, sum by (le${this.chance(0.5) ? `, ${this.pick(['job', 'instance'])}` : ''}) (rate(dt_request_duration_seconds_bucket${this.chance(0.3) ? '{job="api"}' : ''}[${(this.fitting(RANGES, budget) ?? RANGES[0]!)[0]}])))`;
        if (k < 0.55) return `histogram_quantile(${this.pick(QUANTILES)}, ${this.vector(d, budget)})`;
        if (k < 0.75) return `absent(${this.vector(d, budget)})`;
        return `vector(${this.scalar(d, budget)})`;
      }
      case 9: return `(${this.vector(d, budget)})`;
      default: {
        const f = this.pick(RANGE_FUNCS);
        return `${f}(${this.rangeVector(d, budget, f === 'rate' || f === 'increase')})`;
      }
    }
  }

  query(): FuzzQuery {
    const depth = 1 + Math.floor(this.r() * 3);
    const k = this.r();
    if (k < 0.08) return { expr: this.scalar(depth, TOP_BUDGET), ordered: false };
    if (k < 0.14) return { expr: `${this.pick(['sort', 'sort_desc'])}(${this.vector(depth, TOP_BUDGET)})`, ordered: true };
    return { expr: this.vector(depth, TOP_BUDGET), ordered: false };
  }
}

/** `count` random queries from `seed`: the same seed always gives the same queries. */
export function randomQueries(seed: number, count: number): FuzzQuery[] {
  const g = new Generator(seededRandom(seed));
  const out: FuzzQuery[] = [];
  const seen = new Set<string>();
  for (let guard = 0; out.length < count && guard < count * 20; guard++) {
    const q = g.query();
    if (seen.has(q.expr)) continue;
    seen.add(q.expr);
    out.push(q);
  }
  return out;
}
