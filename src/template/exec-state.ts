/**
 * Execution state shared by the evaluator and the walker: the error form Go uses
 * (`template: NAME:L:C: executing "NAME" at <NODE>: ...`), the variable stack, step and output
 * accounting, and the configuration and limits of one execution.
 */
import { errorContext } from './ast.js';
import type { Node } from './ast.js';
import type { Tree } from './parse.js';
import { quote } from './strconv.js';
import type { GoFunc, Value } from './types.js';

/** An execution failure; the message is Go's. */
export class ExecError extends Error {
  override readonly name = 'ExecError';
  /** The template that was executing. */
  readonly templateName: string;
  /** Set when a synchronous execution called an asynchronous function (use `execute`). */
  readonly asyncRequired: boolean;
  constructor(templateName: string, message: string, opts?: ErrorOptions & { asyncRequired?: boolean }) {
    super(message, opts);
    this.templateName = templateName;
    this.asyncRequired = opts?.asyncRequired === true;
  }
}

export type MissingKey = 'invalid' | 'zero' | 'error';

export interface ExecLimits {
  /** Nodes and commands evaluated before execution fails (guards against hostile loops). */
  readonly maxSteps: number;
  /** Output length in UTF-16 code units before execution fails. */
  readonly maxOutput: number;
  /** Nested `{{template}}` calls (Go: 100000; deep recursion also ends at JavaScript's stack). */
  readonly maxDepth: number;
  /** Asynchronous calls per execution (each one replays the template). */
  readonly maxAsyncCalls: number;
}

export const DEFAULT_LIMITS: ExecLimits = { maxSteps: 10_000_000, maxOutput: 16 << 20, maxDepth: 100_000, maxAsyncCalls: 1000 };

export interface ExecConfig {
  readonly trees: ReadonlyMap<string, Tree>;
  readonly lookupFunc: (name: string) => GoFunc | undefined;
  readonly missingKey: MissingKey;
  readonly html: boolean;
  readonly limits: ExecLimits;
  /** Contextual escaping for HTML mode (see `HTMLContextEscaper`); absent: text-context escaping only. */
  readonly htmlContext?: () => HTMLContextEscaper;
}

/**
 * html/template's contextual escaping, followed at run time: one instance per execution sees
 * the template's literal text and each action's value in output order, and decides what is
 * written (html/template drops HTML comments from the template text and escapes each value
 * for the context it lands in: text, attribute, URL, ...).
 */
export interface HTMLContextEscaper {
  /** Literal template text about to be written; returns the text to write. */
  text(s: string): string;
  /**
   * The text to write for an action's value. `lastFn` names the pipeline's final function
   * when it is a predefined escaper (`html`, `urlquery`): html/template lets it stand for an
   * equivalent contextual escaper instead of escaping twice.
   */
  value(v: Value, lastFn: string | null): string;
}

export type Settled = { ok: true; v: Value } | { ok: false; err: unknown };

/** Thrown through the executor when a function returns a promise under `runAsync`. */
export class Suspend extends Error {
  readonly seq: number;
  readonly promise: PromiseLike<Value>;
  constructor(seq: number, promise: PromiseLike<Value>) {
    super('suspended on an asynchronous call');
    this.seq = seq;
    this.promise = promise;
  }
}

export const MISSING: unique symbol = Symbol('missing');
export type Final = Value | typeof MISSING;

export const enum Flow { Normal, Break, Continue }

export function isThenable(v: unknown): v is PromiseLike<Value> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}

export function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}


/** The state of one execution; the evaluator and the walker extend it. */
export abstract class StateBase {
  protected tmplName: string;
  protected node: Node | null = null;
  protected readonly varNames: string[] = [];
  protected readonly varValues: Value[] = [];
  protected depth = 0;
  protected steps = 0;
  protected callSeq = 0;
  out = '';

  constructor(protected readonly cfg: ExecConfig, name: string, protected readonly record: Map<number, Settled> | null) {
    this.tmplName = name;
  }

  // --- errors and bookkeeping -----------------------------------------------------------

  errorf(msg: string, asyncRequired = false): never {
    const name = this.tmplName;
    if (this.node === null) throw new ExecError(name, `template: ${name}: ${msg}`, { asyncRequired });
    const { location, context } = errorContext(this.node);
    throw new ExecError(name, `template: ${location}: executing ${quote(name)} at <${context}>: ${msg}`, { asyncRequired });
  }

  protected at(n: Node): void {
    this.node = n;
  }

  protected step(): void {
    if (++this.steps > this.cfg.limits.maxSteps) this.errorf(`exceeded maximum execution steps (${this.cfg.limits.maxSteps})`);
  }

  protected write(s: string): void {
    this.out += s;
    if (this.out.length > this.cfg.limits.maxOutput) this.errorf(`exceeded maximum output size (${this.cfg.limits.maxOutput})`);
  }

  protected push(name: string, v: Value): void {
    this.varNames.push(name);
    this.varValues.push(v);
  }

  protected mark(): number {
    return this.varNames.length;
  }

  protected pop(mark: number): void {
    this.varNames.length = mark;
    this.varValues.length = mark;
  }

  protected setVar(name: string, v: Value): void {
    for (let i = this.varNames.length - 1; i >= 0; i--) {
      if (this.varNames[i] === name) {
        this.varValues[i] = v;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  protected setTopVar(n: number, v: Value): void {
    this.varValues[this.varValues.length - n] = v;
  }

  protected varValue(name: string): Value {
    for (let i = this.varNames.length - 1; i >= 0; i--) {
      if (this.varNames[i] === name) return this.varValues[i];
    }
    return this.errorf(`undefined variable: ${name}`);
  }

}
