/**
 * Runs parsed scripts against an engine, as Prometheus's reference runner does (FORMAT.md
 * section 4), and reports per eval instead of stopping at the first failure:
 *
 * - plain: the range query, or the instant query at its time, with the fail, annotation and
 *   result checks;
 * - `@` variants (instant evals): the query rewritten with `@ <time>` on every selector and
 *   run at other times, each also in range mode (at-modifier.ts);
 * - range mode (instant evals): the query run from t-1m to t+1m step 1m, the points at t
 *   compared with the same expectations.
 *
 * Variants only run when the plain check passed: a failing eval is reported once.
 */
import type { Millis } from '../../model/index.js';
import { QueryError, type Engine, type Query, type QueryResult, type Value, type Vector } from '../value.js';
import { atModifierVariants, usesQueryContextFunctions } from './at-modifier.js';
import { checkMatrixSorted, compareResult, valueText, type MatrixGrid } from './compare.js';
import { TestStorage } from './load.js';
import { matchText } from './parse-script.js';
import { expectsFailure, isOrdered, type EvalCmd, type Script, type TextMatcher } from './script.js';

/** The outcome of one check: null when it passed, else why it failed. */
export type Failure = string | null;

export interface EvalResult {
  file: string;
  line: number;
  expr: string;
  plain: Failure;
  /** `@` variants: null when they do not apply (range eval, @-unsafe expression) or did not run. */
  at: { queries: number; failure: Failure } | null;
  /** Range mode: null when it does not apply or did not run. */
  rangeMode: Failure | undefined;
}

export interface ScriptResult {
  file: string;
  evals: EvalResult[];
  /** Load commands that failed (their samples were rolled back), by 1-based line. */
  loadErrors: { line: number; error: string }[];
}

export interface RunOptions {
  /** Run the `@` and range-mode passes of instant evals (default true). */
  variants?: boolean;
}

type Outcome = { ok: true; res: QueryResult } | { ok: false; error: QueryError } | { ok: false; crash: string };

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Creates and runs a query; engine errors that are not QueryErrors are crashes, never expected failures. */
async function run(make: () => Query): Promise<Outcome> {
  let q: Query;
  try {
    q = make();
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: e };
    return { ok: false, crash: `engine crashed creating the query: ${errText(e)}` };
  }
  try {
    return { ok: true, res: await q.exec() };
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, error: e };
    return { ok: false, crash: `engine crashed evaluating the query: ${errText(e)}` };
  } finally {
    q.close();
  }
}

function checkFailure(ev: EvalCmd, msg: string): Failure {
  if (ev.failMessage !== null && ev.failMessage !== msg) return `expected error ${JSON.stringify(ev.failMessage)}, but got: ${msg}`;
  if (ev.failRegexp !== null && !matchText(ev.failRegexp, msg)) return `expected error matching pattern ${JSON.stringify(describe(ev.failRegexp))}, but got: ${msg}`;
  if (ev.fail !== null && !matchText(ev.fail, msg)) return `expected error matching ${JSON.stringify(describe(ev.fail))}, but got: ${msg}`;
  return null;
}

function describe(m: TextMatcher): string {
  switch (m.kind) {
    case 'any': return '.*';
    case 'msg': return m.text;
    case 'regex': return m.source;
  }
}

function checkKind(expected: readonly TextMatcher[], actual: readonly string[], kind: string): Failure {
  if (expected.length === 0) return null;
  if (actual.length === 0) return `expected ${kind} annotations but none were found`;
  for (const e of expected) {
    if (!actual.some((a) => matchText(e, a))) {
      return `expected ${kind} annotation matching ${JSON.stringify(describe(e))} but no matching annotation was found, found: ${JSON.stringify(actual)}`;
    }
  }
  for (const a of actual) {
    if (!expected.some((e) => matchText(e, a))) return `unexpected ${kind} annotation ${JSON.stringify(a)}`;
  }
  return null;
}

export function checkAnnotations(ev: EvalCmd, warnings: readonly string[], infos: readonly string[]): Failure {
  if (ev.legacyWarn && warnings.length === 0) return 'expected warnings but got none';
  if (ev.legacyInfo && infos.length === 0) return 'expected info annotations but got none';
  const w = checkKind(ev.warn, warnings, 'warn');
  if (w !== null) return w;
  const i = checkKind(ev.info, infos, 'info');
  if (i !== null) return i;
  if (ev.noWarn && warnings.length > 0) return `unexpected warning annotations: ${JSON.stringify(warnings)}`;
  if (ev.noInfo && infos.length > 0) return `unexpected info annotations: ${JSON.stringify(infos)}`;
  return null;
}

/** The fail/annotation/result checks shared by range evals and instant queries. */
function judge(ev: EvalCmd, out: Outcome, grid: MatrixGrid, what: string): Failure {
  if (!out.ok) {
    if ('crash' in out) return out.crash;
    if (expectsFailure(ev)) return checkFailure(ev, out.error.message);
    return `error evaluating ${what}: ${out.error.message}`;
  }
  if (expectsFailure(ev)) return `expected error evaluating ${what} but got none (result: ${valueText(out.res.value)})`;
  const a = checkAnnotations(ev, out.res.warnings, out.res.infos);
  if (a !== null) return a;
  return compareResult(ev, out.res.value, grid);
}

/** The points of a range result at t, as a vector (the range-mode pass). */
function pointsAt(v: Value, t: number): Vector | string {
  if (v.kind !== 'matrix') return `range query returned a ${v.kind}, not a matrix`;
  const sorted = checkMatrixSorted(v.m);
  if (sorted !== null) return sorted;
  const out: Vector = [];
  for (const s of v.m) {
    const f = s.floats.find((p) => p.t === t);
    if (f !== undefined) out.push({ metric: s.metric, t: f.t, f: f.f, h: null });
    const h = s.histograms.find((p) => p.t === t);
    if (h !== undefined) out.push({ metric: s.metric, t: h.t, f: 0, h: h.h });
  }
  return out;
}

export class ScriptRunner {
  readonly #engine: Engine;
  readonly #variants: boolean;
  #storage = new TestStorage();

  constructor(engine: Engine, opts: RunOptions = {}) {
    this.#engine = engine;
    this.#variants = opts.variants ?? true;
  }

  async run(script: Script): Promise<ScriptResult> {
    this.#storage = new TestStorage();
    const result: ScriptResult = { file: script.name, evals: [], loadErrors: [] };
    for (const cmd of script.commands) {
      switch (cmd.kind) {
        case 'clear':
          this.#storage = new TestStorage();
          break;
        case 'load':
          try {
            await this.#storage.load(cmd);
          } catch (e) {
            result.loadErrors.push({ line: cmd.line, error: errText(e) });
          }
          break;
        case 'eval':
          result.evals.push(await this.#eval(script.name, cmd));
          break;
      }
    }
    return result;
  }

  async #eval(file: string, ev: EvalCmd): Promise<EvalResult> {
    const r: EvalResult = { file, line: ev.line, expr: ev.expr, plain: null, at: null, rangeMode: undefined };
    if (ev.parseError !== null) {
      r.plain = `expression does not parse: ${ev.parseError}`;
      return r;
    }
    const q = this.#storage.queryable;
    if (ev.mode.kind === 'range') {
      const { start, end, step } = ev.mode;
      const out = await run(() => this.#engine.newRangeQuery(q, ev.expr, start as Millis, end as Millis, step));
      r.plain = judge(ev, out, ev.mode, 'range query');
      return r;
    }
    const t = ev.rangeVector !== null ? ev.rangeVector.end : ev.mode.at;
    const instant = await this.#instant(ev, ev.expr, t);
    r.plain = instant.failure;
    if (r.plain !== null || !this.#variants) return r;
    if (instant.result !== null) r.rangeMode = await this.#rangeMode(ev, ev.expr, t, instant.result.value);
    let variants;
    try {
      variants = atModifierVariants(ev.expr, t);
    } catch (e) {
      r.at = { queries: 0, failure: `rewriting with @: ${errText(e)}` };
      return r;
    }
    if (variants === null) return r;
    r.at = { queries: variants.times.length, failure: null };
    for (const at of variants.times) {
      const v = await this.#instant(ev, variants.expr, at);
      let failure = v.failure;
      if (failure === null && v.result !== null) failure = (await this.#rangeMode(ev, variants.expr, at, v.result.value)) ?? null;
      if (failure !== null) {
        r.at.failure = `${variants.expr} at ${at}ms: ${failure}`;
        break;
      }
    }
    return r;
  }

  /** An instant query with all checks; `result` is set when it succeeded (for the range-mode pass). */
  async #instant(ev: EvalCmd, expr: string, t: number): Promise<{ failure: Failure; result: QueryResult | null }> {
    const q = this.#storage.queryable;
    const out = await run(() => this.#engine.newInstantQuery(q, expr, t as Millis));
    const grid: MatrixGrid = ev.rangeVector ?? { start: t, end: -Infinity, step: 0 };
    return { failure: judge(ev, out, grid, 'instant query'), result: out.ok ? out.res : null };
  }

  /** The range-mode pass; undefined when it does not apply. */
  async #rangeMode(ev: EvalCmd, expr: string, t: number, instantValue: Value): Promise<Failure | undefined> {
    if (expectsFailure(ev) || ev.excludeFromRangeQuery || usesQueryContextFunctions(expr)) return undefined;
    const q = this.#storage.queryable;
    const out = await run(() => this.#engine.newRangeQuery(q, expr, (t - 60_000) as Millis, (t + 60_000) as Millis, 60_000));
    if (!out.ok) return 'crash' in out ? out.crash : `error evaluating in range mode: ${out.error.message}`;
    // Range results are always sorted by labels, so an ordered expectation cannot be checked.
    if (isOrdered(ev)) return null;
    const vec = pointsAt(out.res.value, t);
    if (typeof vec === 'string') return `range mode: ${vec}`;
    let f: Failure;
    if (instantValue.kind === 'scalar') {
      const first = vec[0];
      f = first === undefined
        ? 'range mode: no point at the evaluation time for a scalar result'
        : compareResult(ev, { kind: 'scalar', t: t as Millis, f: first.f }, { start: t, end: -Infinity, step: 0 });
    } else {
      f = compareResult(ev, { kind: 'vector', v: vec }, { start: t, end: -Infinity, step: 0 });
    }
    return f === null ? null : `range mode: ${f}`;
  }
}
