/**
 * The commands of a PromQL test script (`*.test`), as the script parser produces them and
 * the runner executes them. The language is Prometheus's promqltest format (see
 * ../shared/conformance/promql/FORMAT.md). All times are integer milliseconds from the Unix
 * epoch, which is the scripts' time origin.
 */
import type { FloatHistogram, Labels } from '../../model/index.js';

/** One position of an expanded value sequence. */
export interface SequenceValue {
  /** `_`: the position has no sample (time still advances). */
  omitted: boolean;
  /** The float value; NaN for a stale marker. 0 for histograms and omitted positions. */
  value: number;
  /** `stale`: a staleness marker. */
  stale: boolean;
  histogram: FloatHistogram | null;
  /** The histogram literal spelled out `counter_reset_hint:`, so the hint is compared. */
  hintSet: boolean;
}

/** A series line: labels and the expanded values. */
export interface SeriesDesc {
  labels: Labels;
  values: SequenceValue[];
}

export interface LoadSeries extends SeriesDesc {
  /** Start-timestamp offsets (ms) per position from a preceding `@st` line, null where none. */
  st: (number | null)[] | null;
  line: number;
}

export interface ClearCmd {
  kind: 'clear';
  line: number;
}

export interface LoadCmd {
  kind: 'load';
  line: number;
  intervalMs: number;
  withNHCB: boolean;
  /** One entry per distinct label set (a repeated label set replaces the earlier line), in first-seen order. */
  series: LoadSeries[];
}

/** How an `expect` line matches an error or annotation text. */
export type TextMatcher =
  | { kind: 'any' }
  | { kind: 'msg'; text: string }
  | { kind: 'regex'; source: string; test: (s: string) => boolean };

export interface ExpectedSeries {
  labels: Labels;
  values: SequenceValue[];
  /** 1-based position among the eval's series lines (for `ordered`). */
  pos: number;
}

export type EvalMode =
  | { kind: 'instant'; at: number }
  | { kind: 'range'; start: number; end: number; step: number };

export interface EvalCmd {
  kind: 'eval';
  /** 1-based line of the `eval` command. */
  line: number;
  expr: string;
  mode: EvalMode;
  /** `expect range vector from .. to .. step ..`: the instant query runs at `end` and returns a matrix. */
  rangeVector: { start: number; end: number; step: number } | null;
  /** Legacy command suffixes (`eval_fail`, `eval_warn`, `eval_info`, `eval_ordered`). */
  legacyFail: boolean;
  legacyWarn: boolean;
  legacyInfo: boolean;
  legacyOrdered: boolean;
  /** `expect fail` (at most one). */
  fail: TextMatcher | null;
  /** `expected_fail_message` / `expected_fail_regexp` (deprecated forms). */
  failMessage: string | null;
  failRegexp: TextMatcher | null;
  warn: TextMatcher[];
  noWarn: boolean;
  info: TextMatcher[];
  noInfo: boolean;
  ordered: boolean;
  /** A number line: the result must be this scalar. */
  scalar: SequenceValue | null;
  /** `expect string "..."`. */
  string: string | null;
  series: ExpectedSeries[];
  /** Skipped by the range-mode pass (`expect range vector`, `expect string`). */
  excludeFromRangeQuery: boolean;
  /** Set when the expression does not parse (the reference runner then fails the whole file). */
  parseError: string | null;
}

export type Command = ClearCmd | LoadCmd | EvalCmd;

export interface Script {
  name: string;
  commands: Command[];
}

/** Whether the eval expects the query to fail. */
export function expectsFailure(ev: EvalCmd): boolean {
  return ev.legacyFail || ev.fail !== null;
}

export function isOrdered(ev: EvalCmd): boolean {
  return ev.legacyOrdered || ev.ordered;
}

/** A script that cannot be parsed, with its 1-based line. */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
  readonly line: number;
  constructor(line: number, message: string, opts: { cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.line = line;
  }
}
