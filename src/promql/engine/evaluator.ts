/**
 * The evaluator: evaluates an expression over a fixed step grid [start, end] every
 * `interval` ms (an instant query is a grid of one step), node by node, each node once for
 * the whole grid. Values are `EvalValue`s (see types.ts). It counts the samples held in
 * memory as Prometheus does (current + peak, against max-samples), and yields to the event
 * loop from its loops through the shared `Yielder`.
 */
import type { Querier, Series as StorageSeries } from '../../storage/index.js';
import { unreachable, typeOf, type Expr, type VectorSelector } from '../parser/index.js';
import { Annotations } from './annotations.js';
import { EvalError, tooManySamplesError } from './errors.js';
import type { QuerySamples } from './stats.js';
import { matrixValue, type EvalValue, type SeriesData } from './types.js';
import type { Yielder } from './yielder.js';
import { evalAggregate } from './eval-aggregate.js';
import { evalBinary } from './eval-binary.js';
import { evalCall } from './eval-call.js';
import { evalMatrixSelector, evalVectorSelector } from './eval-selectors.js';
import { evalStepInvariant, evalSubqueryExpr } from './eval-subquery.js';
import { negateMatrix } from './eval-unary.js';

export interface EvaluatorOptions {
  lookbackDelta: number;
  maxSamples: number;
  delayedNameRemoval: boolean;
  typeAndUnitLabels: boolean;
  useStartTimestamps: boolean;
  noStepSubqueryInterval: (rangeMs: number) => number;
}

/** What the evaluators of one query share. */
export interface QueryContext {
  readonly opts: EvaluatorOptions;
  readonly yielder: Yielder;
  readonly annos: Annotations;
  readonly querier: Querier;
  /** The series each selector selected before evaluation started. */
  readonly selected: Map<VectorSelector, StorageSeries[]>;
  /**
   * Nesting depth of the `eval` calls in progress (children are evaluated one after the
   * other, never concurrently, so this is the depth of the node being evaluated). Starts at 0.
   */
  evalDepth: number;
}

/**
 * Every this many levels of nesting, `eval` suspends (one microtask) before descending.
 * Suspending returns a pending promise up the whole synchronous chain of async frames, and
 * the evaluation resumes from the microtask queue on an empty stack: the native stack then
 * holds at most this many levels, so expressions of any depth (10,000 nested parentheses or
 * calls, 5,000-term chains, as Prometheus evaluates them) do not overflow it. One level can
 * take several frames (eval, evalCall, rangeEval, ...), hence a small number.
 */
const SUSPEND_EVERY_LEVELS = 64;
/** Work units (see Yielder) one node's evaluation counts for, beside its samples. */
const NODE_UNITS = 32;

export class Evaluator {
  readonly start: number;
  readonly end: number;
  readonly interval: number;
  readonly numSteps: number;
  readonly q: QueryContext;
  readonly stats: QuerySamples;
  currentSamples: number;

  constructor(q: QueryContext, start: number, end: number, interval: number, stats: QuerySamples, currentSamples: number) {
    this.q = q;
    this.start = start;
    this.end = end;
    this.interval = interval;
    this.numSteps = end < start ? 0 : Math.floor((end - start) / interval) + 1;
    this.stats = stats;
    this.currentSamples = currentSamples;
  }

  get opts(): EvaluatorOptions {
    return this.q.opts;
  }

  get annos(): Annotations {
    return this.q.annos;
  }

  get isInstant(): boolean {
    return this.start === this.end;
  }

  /** The timestamp of step i. */
  stepTs(i: number): number {
    return this.start + i * this.interval;
  }

  /** A child evaluator over another grid, sharing the sample count (copy it back when done). */
  child(start: number, end: number, interval: number, stats: QuerySamples): Evaluator {
    return new Evaluator(this.q, start, end, interval, stats, this.currentSamples);
  }

  /** Adds n samples held in memory; throws when over the limit. */
  addSamples(n: number): void {
    this.currentSamples += n;
    if (this.currentSamples > this.opts.maxSamples) throw tooManySamplesError();
  }

  /**
   * A value per step. Refused, as too many samples, when the grid has more steps than the
   * sample limit: such a series could never be held (and a subquery's step may be tiny).
   */
  stepArray(): Float64Array {
    if (this.numSteps > this.opts.maxSamples) throw tooManySamplesError();
    return new Float64Array(this.numSteps);
  }

  checkSamples(): void {
    if (this.currentSamples > this.opts.maxSamples) throw tooManySamplesError();
  }

  /** The series a selector selected. */
  selectedSeries(vs: VectorSelector): StorageSeries[] {
    return this.q.selected.get(vs) ?? [];
  }

  async eval(e: Expr): Promise<EvalValue> {
    const q = this.q;
    const depth = q.evalDepth + 1;
    q.evalDepth = depth;
    try {
      // A node costs as much as many samples: weigh it so that a tree of a million nodes
      // still gives the event loop its turns.
      if (q.yielder.tick(NODE_UNITS)) await q.yielder.pause();
      else if (depth % SUSPEND_EVERY_LEVELS === 0) await Promise.resolve();
      return await this.#evalNode(e);
    } finally {
      q.evalDepth = depth - 1;
    }
  }

  async #evalNode(e: Expr): Promise<EvalValue> {
    this.q.yielder.check();
    if (this.end < this.start) return matrixValue([]);
    switch (e.kind) {
      case 'AggregateExpr': return matrixValue(await evalAggregate(this, e));
      case 'Call': return evalCall(this, e);
      case 'ParenExpr': return this.eval(e.expr);
      case 'UnaryExpr': {
        const v = await this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') {
          const out = this.stepArray();
          for (let i = 0; i < out.length; i++) out[i] = -v.v[i]!;
          return { kind: 'scalar', v: out };
        }
        if (v.kind !== 'matrix') throw new EvalError('unary minus on a string');
        return matrixValue(negateMatrix(this, v.m));
      }
      case 'BinaryExpr': return evalBinary(this, e);
      case 'NumberLiteral': return { kind: 'scalar', v: this.stepArray().fill(e.val) };
      case 'StringLiteral': return { kind: 'string', s: e.val };
      case 'VectorSelector': return matrixValue(await evalVectorSelector(this, e));
      case 'MatrixSelector':
        if (!this.isInstant) throw new EvalError('cannot do range evaluation of matrix selector');
        return matrixValue(await evalMatrixSelector(this, e));
      case 'SubqueryExpr': return matrixValue(await evalSubqueryExpr(this, e));
      case 'StepInvariantExpr': return evalStepInvariant(this, e);
      default: return unreachable(e);
    }
  }

  /** Evaluates an expression of vector type. */
  async evalMatrix(e: Expr): Promise<SeriesData[]> {
    const v = await this.eval(e);
    if (v.kind === 'matrix') return v.m;
    throw new EvalError(`unexpected ${v.kind} value for ${typeOf(e)} expression`);
  }

  /** Evaluates an expression of scalar type: one value per step. */
  async evalScalar(e: Expr): Promise<Float64Array> {
    const v = await this.eval(e);
    if (v.kind === 'scalar') return v.v;
    if (v.kind === 'matrix') {
      // A scalar computed through the generic per-step path: one label-less series.
      const out = this.stepArray().fill(NaN);
      const s = v.m[0];
      if (s !== undefined) for (let i = 0; i < s.fT.length; i++) out[Math.round((s.fT[i]! - this.start) / this.interval)] = s.fV[i]!;
      return out;
    }
    throw new EvalError('unexpected string value for scalar expression');
  }
}
