/**
 * The PromQL engine: parses and prepares queries, and runs them against a Queryable with
 * Prometheus 3.14's semantics and limits (timeout, max samples, max concurrency).
 */
import { performance } from 'node:perf_hooks';
import type { Millis } from '../../model/index.js';
import type { Queryable, Series as StorageSeries } from '../../storage/index.js';
import {
  DurationEvalError, documentedType, parseExpr, ParseErrors, ParseTimeout, typeOf, walk, type Expr, type ParseOptions, type VectorSelector,
} from '../parser/index.js';
import { QueryError, type Engine, type Query, type QueryOptions, type QueryResult, type QueryStats, type Value } from '../value.js';
import { Annotations, StorageWarning } from './annotations.js';
import { canceledError, EvalError, timeoutError, toQueryError } from './errors.js';
import { Evaluator, type EvaluatorOptions, type QueryContext } from './evaluator.js';
import type { ActiveQueryTracker } from './active-queries.js';
import { Gate, GateError } from './gate.js';
import {
  findMinMaxTime, forEachSelector, funcFromPath, lastSubqueryInterval, preprocessExpr, setOffsetForAtModifier, timeRangeForSelector,
} from './preprocess.js';
import { cleanupMetricLabels, instantResult, rangeResult } from './result.js';
import { QuerySamples } from './stats.js';
import { Yielder } from './yielder.js';

export interface PromQLEngineOptions {
  /** Query timeout in ms (--query.timeout); default 2 minutes. */
  timeoutMs?: number;
  /** Most samples a query may hold in memory (--query.max-samples); default 50,000,000. */
  maxSamples?: number;
  /** Lookback delta in ms (--query.lookback-delta); default 5 minutes. */
  lookbackDelta?: number;
  /** Queries running at once (--query.max-concurrency); others wait. Default 20; <= 0 unlimited. */
  maxConcurrency?: number;
  /** Always on in Prometheus 3; switchable for embedders. */
  enableAtModifier?: boolean;
  enableNegativeOffset?: boolean;
  /** promql-experimental-functions. */
  experimentalFunctions?: boolean;
  /** promql-extended-range-selectors (`anchored`, `smoothed`). */
  extendedRangeSelectors?: boolean;
  /** promql-binop-fill-modifiers. */
  binopFillModifiers?: boolean;
  /** promql-delayed-name-removal. */
  delayedNameRemoval?: boolean;
  /** use-start-timestamps. */
  enableStartTimestamps?: boolean;
  /** Allows per-step statistics when a query asks for them. */
  enablePerStepStats?: boolean;
  /** type-and-unit-labels: rate/increase judge counters by `__type__`. */
  typeAndUnitLabels?: boolean;
  /** Step of subqueries written without one (`[1h:]`), from their range; default 1 minute. */
  noStepSubqueryIntervalFn?: (rangeMs: number) => number;
}

const DEFAULT_TIMEOUT = 2 * 60 * 1000;
const DEFAULT_MAX_SAMPLES = 50_000_000;
const DEFAULT_LOOKBACK = 5 * 60 * 1000;

export class PromQLEngine implements Engine {
  readonly #timeout: number;
  readonly #maxSamples: number;
  readonly #lookback: number;
  readonly #gate: Gate;
  readonly #o: PromQLEngineOptions;
  readonly #parseOpts: ParseOptions;

  constructor(o: PromQLEngineOptions = {}) {
    this.#o = o;
    this.#timeout = o.timeoutMs !== undefined && o.timeoutMs > 0 ? o.timeoutMs : DEFAULT_TIMEOUT;
    this.#maxSamples = o.maxSamples ?? DEFAULT_MAX_SAMPLES;
    this.#lookback = o.lookbackDelta !== undefined && o.lookbackDelta > 0 ? o.lookbackDelta : DEFAULT_LOOKBACK;
    this.#gate = new Gate(o.maxConcurrency ?? 20);
    this.#parseOpts = {
      experimentalFunctions: o.experimentalFunctions === true,
      extendedRangeSelectors: o.extendedRangeSelectors === true,
      binopFillModifiers: o.binopFillModifiers === true,
    };
  }

  /**
   * Logs every running query to `tracker` (the data directory's queries.active) from now on,
   * or no longer when null. Its slots must be at least the concurrency limit.
   */
  trackActiveQueries(tracker: ActiveQueryTracker | null): void {
    this.#gate.tracker = tracker;
  }

  /** Queries running now and waiting for a slot. */
  get activeQueries(): { running: number; waiting: number } {
    return { running: this.#gate.running, waiting: this.#gate.waiting };
  }

  newInstantQuery(q: Queryable, query: string, ts: Millis, opts: QueryOptions = {}): Query {
    const expr = this.#parse(query, opts);
    return this.#newQuery(q, query, expr, ts, ts, 0, opts);
  }

  newRangeQuery(q: Queryable, query: string, start: Millis, end: Millis, step: number, opts: QueryOptions = {}): Query {
    const expr = this.#parse(query, opts);
    const t = typeOf(expr);
    if (t !== 'vector' && t !== 'scalar') {
      throw new QueryError('bad_data', `invalid expression type "${documentedType(t)}" for range query, must be Scalar or instant Vector`);
    }
    if (!(step > 0)) throw new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
    if (end < start) throw new QueryError('bad_data', 'end timestamp must not be before start time');
    return this.#newQuery(q, query, expr, start, end, step, opts);
  }

  /**
   * Parses within the query's timeout: Prometheus starts the clock at execution, but a
   * parse of a huge query (megabytes) can take seconds here, and the timeout is what bounds
   * the work one request may cause.
   */
  #parse(query: string, opts: QueryOptions): Expr {
    const timeout = opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? Math.min(opts.timeoutMs, this.#timeout) : this.#timeout;
    try {
      return parseExpr(query, { ...this.#parseOpts, deadline: performance.now() + timeout });
    } catch (e) {
      if (e instanceof ParseErrors) throw new QueryError('bad_data', e.message, { cause: e });
      if (e instanceof ParseTimeout) throw timeoutError('query preparation');
      throw e;
    }
  }

  #newQuery(q: Queryable, query: string, expr: Expr, start: number, end: number, step: number, opts: QueryOptions): Query {
    let prepared: Expr;
    try {
      this.#validate(expr);
      prepared = preprocessExpr(expr, start, end, step);
    } catch (e) {
      if (e instanceof DurationEvalError) throw new QueryError('bad_data', e.message, { cause: e });
      // Expressions nested deeper than the stack allows are refused, not crashed on.
      if (e instanceof RangeError) throw new QueryError('bad_data', 'unexpected error: expression nested too deeply', { cause: e });
      throw e;
    }
    const lookback = opts.lookbackDelta !== undefined && opts.lookbackDelta > 0 ? opts.lookbackDelta : this.#lookback;
    const evalOpts: EvaluatorOptions = {
      lookbackDelta: lookback,
      maxSamples: this.#maxSamples,
      delayedNameRemoval: this.#o.delayedNameRemoval === true,
      typeAndUnitLabels: this.#o.typeAndUnitLabels === true,
      useStartTimestamps: this.#o.enableStartTimestamps === true,
      noStepSubqueryInterval: this.#o.noStepSubqueryIntervalFn ?? ((): number => 60_000),
    };
    const perStep = this.#o.enablePerStepStats === true && opts.enablePerStepStats === true;
    return new PromQLQuery(q, query, prepared, start, end, step, evalOpts, perStep, this.#timeout, this.#gate);
  }

  #validate(expr: Expr): void {
    const at = this.#o.enableAtModifier !== false, neg = this.#o.enableNegativeOffset !== false;
    if (at && neg) return;
    walk(expr, (n) => {
      let vs: { timestamp: number | null; startOrEnd: string | null; originalOffset: number } | null = null;
      if (n.kind === 'VectorSelector' || n.kind === 'SubqueryExpr') vs = n;
      else if (n.kind === 'MatrixSelector') vs = n.vectorSelector;
      if (vs === null) return;
      if (!at && (vs.timestamp !== null || vs.startOrEnd !== null)) throw new QueryError('bad_data', '@ modifier is disabled');
      if (!neg && vs.originalOffset < 0) throw new QueryError('bad_data', 'negative offset is disabled');
    });
  }
}

class PromQLQuery implements Query {
  readonly statement: Expr;
  readonly #q: Queryable;
  readonly #query: string;
  readonly #start: number;
  readonly #end: number;
  readonly #step: number;
  readonly #opts: EvaluatorOptions;
  readonly #perStep: boolean;
  readonly #timeout: number;
  readonly #gate: Gate;
  #executed = false;

  constructor(q: Queryable, query: string, expr: Expr, start: number, end: number, step: number, opts: EvaluatorOptions, perStep: boolean, timeout: number, gate: Gate) {
    this.statement = expr;
    this.#q = q;
    this.#query = query;
    this.#start = start;
    this.#end = end;
    this.#step = step;
    this.#opts = opts;
    this.#perStep = perStep;
    this.#timeout = timeout;
    this.#gate = gate;
  }

  close(): void {
    // Results are plain values; nothing is pooled across queries.
  }

  async exec(signal?: AbortSignal): Promise<QueryResult> {
    if (this.#executed) throw new QueryError('internal', 'query has already been executed');
    this.#executed = true;
    const t0 = performance.now();
    const deadline = t0 + this.#timeout;
    let release: () => void;
    try {
      release = await this.#gate.acquire(signal ?? null, Date.now() + this.#timeout);
    } catch (e) {
      if (e instanceof GateError) throw new QueryError(e.reason, e.message);
      throw e;
    }
    const queued = performance.now();
    const tracker = this.#gate.tracker;
    const slot = tracker?.insert(this.#query) ?? -1;
    try {
      if (signal?.aborted === true) throw canceledError('query execution');
      if (performance.now() >= deadline) throw timeoutError('query execution');
      return await this.#run(signal ?? null, deadline, t0, queued);
    } catch (e) {
      throw toQueryError(e);
    } finally {
      tracker?.delete(slot);
      release();
    }
  }

  async #run(signal: AbortSignal | null, deadline: number, t0: number, queued: number): Promise<QueryResult> {
    const instant = this.#start === this.#end && this.#step === 0;
    const interval = instant ? 1 : this.#step;
    const expr = this.statement;
    const [mint, maxt] = findMinMaxTime(expr, this.#start, this.#end, this.#opts.lookbackDelta);
    const querier = await this.#q.querier(mint as Millis, maxt as Millis);
    try {
      const annos = new Annotations();
      const selected = await this.#populate(querier, expr, annos, signal);
      const prepared = performance.now();
      setOffsetForAtModifier(this.#start, expr);
      const stats = new QuerySamples(this.#perStep, this.#start, this.#end, interval);
      const ctx: QueryContext = { opts: this.#opts, yielder: new Yielder(deadline, signal), annos, querier, selected, evalDepth: 0 };
      const ev = new Evaluator(ctx, this.#start, this.#end, interval, stats, 0);
      let v = await ev.eval(expr);
      if (this.#opts.delayedNameRemoval && v.kind === 'matrix') {
        v = { kind: 'matrix', m: cleanupMetricLabels(v.m, false) };
      }
      const evaluated = performance.now();
      if (performance.now() >= deadline) throw timeoutError('expression evaluation');
      if (signal?.aborted === true) throw canceledError('expression evaluation');
      const value: Value = instant ? instantResult(v, typeOf(expr), this.#start) : rangeResult(v, this.#start, interval);
      const done = performance.now();
      const { warnings, infos } = annos.asStrings(this.#query);
      const perStep = stats.perStep();
      const qs: QueryStats = {
        totalQueryableSamples: stats.totalSamples,
        peakSamples: stats.peakSamples,
        timings: {
          evalTotalTime: (done - queued) / 1000,
          resultSortTime: (done - evaluated) / 1000,
          queryPreparationTime: (prepared - queued) / 1000,
          innerEvalTime: (evaluated - prepared) / 1000,
          execQueueTime: (queued - t0) / 1000,
          execTotalTime: (done - t0) / 1000,
        },
      };
      if (perStep !== undefined) qs.totalQueryableSamplesPerStep = perStep as [Millis, number][];
      return { value, warnings, infos, stats: qs };
    } finally {
      await querier.close();
    }
  }

  /** Selects every selector's series before evaluation, with Prometheus's hints. */
  async #populate(
    querier: Awaited<ReturnType<Queryable['querier']>>, expr: Expr, annos: Annotations, signal: AbortSignal | null,
  ): Promise<Map<VectorSelector, StorageSeries[]>> {
    const jobs: { vs: VectorSelector; start: number; end: number; step: number; func: string; range: number; latestOnly: boolean }[] = [];
    const skip = infoLabelSelectors(expr);
    const instant = this.#start === this.#end && this.#step === 0;
    forEachSelector(expr, (vs, path, evalRange, subqueries) => {
      if (skip.has(vs)) return;
      const r = timeRangeForSelector(this.#start, this.#end, this.#opts.lookbackDelta, vs, subqueries, evalRange);
      let step = lastSubqueryInterval(subqueries, this.#opts.noStepSubqueryInterval);
      if (step === 0) step = this.#step;
      // An instant selector evaluated once reads only each series' latest sample by `end`.
      const latestOnly = instant && evalRange === 0 && subqueries.length === 0 && !vs.smoothed;
      jobs.push({ vs, start: r.start, end: r.end, step, func: funcFromPath(path), range: evalRange, latestOnly });
    });
    const out = new Map<VectorSelector, StorageSeries[]>();
    for (const j of jobs) {
      const set = await querier.select(false, {
        start: j.start as Millis, end: j.end as Millis, step: j.step, func: j.func, range: j.range, limit: 0, latestOnly: j.latestOnly,
      }, j.vs.matchers, signal ?? undefined);
      const list: StorageSeries[] = [];
      while (set.next()) list.push(set.at());
      const err = set.err();
      if (signal?.aborted === true) throw canceledError('query execution');
      if (err !== null) throw new EvalError(`expanding series: ${err.message}`);
      for (const w of set.warnings()) annos.add(new StorageWarning(w));
      out.set(j.vs, list);
    }
    return out;
  }
}

/** The label-selector arguments of info(), which select nothing themselves. */
function infoLabelSelectors(expr: Expr): Set<VectorSelector> {
  const s = new Set<VectorSelector>();
  walk(expr, (n) => {
    if (n.kind === 'Call' && n.func.name === 'info') {
      const a = n.args[1];
      if (a !== undefined && a.kind === 'VectorSelector') s.add(a);
    }
  });
  return s;
}
