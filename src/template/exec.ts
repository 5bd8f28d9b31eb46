/**
 * The executor: walks a parsed tree against data as Go's text/template does, node by node, so
 * that results and error texts (`template: NAME:L:C: executing "NAME" at <NODE>: ...`) match,
 * including which node an error points at.
 *
 * Execution is synchronous. A function that returns a promise suspends it: the asynchronous
 * driver (`runAsync`) awaits the promise, records the result under the call's sequence number
 * and runs the template again from the start, answering recorded calls from the record. Hence
 * template functions must be deterministic within one execution.
 */
import type {
  ActionNode, ArgNode, BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode, Node, NumberNode, PipeNode,
  TemplateNode, VariableNode,
} from './ast.js';
import { errorContext, nodeString } from './ast.js';
import { BUILTINS, prepareArg } from './builtins.js';
import { htmlTemplateEscape } from './escape.js';
import { formatValue } from './fmt.js';
import type { Tree } from './parse.js';
import { quote } from './strconv.js';
import {
  type GoType, type Value, GoFunc, GoVal, NATIVE_FUNC_SIG, T, assignable, fromRaw, isComplexKind, isFloatKind, isIntKind,
  isUintKind, mapGet, typeOf,
} from './types.js';
import { canBeNil, elements, indirect, indirectInterface, isTrue, typeName, zeroOf } from './values.js';
import { sortedMapEntries } from './fmt.js';

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
}

type Settled = { ok: true; v: Value } | { ok: false; err: unknown };

/** Thrown through the executor when a function returns a promise under `runAsync`. */
class Suspend extends Error {
  readonly seq: number;
  readonly promise: PromiseLike<Value>;
  constructor(seq: number, promise: PromiseLike<Value>) {
    super('suspended on an asynchronous call');
    this.seq = seq;
    this.promise = promise;
  }
}

const MISSING: unique symbol = Symbol('missing');
type Final = Value | typeof MISSING;

const enum Flow { Normal, Break, Continue }

function isThenable(v: unknown): v is PromiseLike<Value> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}

class State {
  private tmplName: string;
  private node: Node | null = null;
  private readonly varNames: string[] = [];
  private readonly varValues: Value[] = [];
  private depth = 0;
  private steps = 0;
  private callSeq = 0;
  out = '';

  constructor(private readonly cfg: ExecConfig, name: string, private readonly record: Map<number, Settled> | null) {
    this.tmplName = name;
  }

  // --- errors and bookkeeping -----------------------------------------------------------

  errorf(msg: string, asyncRequired = false): never {
    const name = this.tmplName;
    if (this.node === null) throw new ExecError(name, `template: ${name}: ${msg}`, { asyncRequired });
    const { location, context } = errorContext(this.node);
    throw new ExecError(name, `template: ${location}: executing ${quote(name)} at <${context}>: ${msg}`, { asyncRequired });
  }

  private at(n: Node): void {
    this.node = n;
  }

  private step(): void {
    if (++this.steps > this.cfg.limits.maxSteps) this.errorf(`exceeded maximum execution steps (${this.cfg.limits.maxSteps})`);
  }

  private write(s: string): void {
    this.out += s;
    if (this.out.length > this.cfg.limits.maxOutput) this.errorf(`exceeded maximum output size (${this.cfg.limits.maxOutput})`);
  }

  private push(name: string, v: Value): void {
    this.varNames.push(name);
    this.varValues.push(v);
  }

  private mark(): number {
    return this.varNames.length;
  }

  private pop(mark: number): void {
    this.varNames.length = mark;
    this.varValues.length = mark;
  }

  private setVar(name: string, v: Value): void {
    for (let i = this.varNames.length - 1; i >= 0; i--) {
      if (this.varNames[i] === name) {
        this.varValues[i] = v;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, v: Value): void {
    this.varValues[this.varValues.length - n] = v;
  }

  private varValue(name: string): Value {
    for (let i = this.varNames.length - 1; i >= 0; i--) {
      if (this.varNames[i] === name) return this.varValues[i];
    }
    return this.errorf(`undefined variable: ${name}`);
  }

  // --- walking ----------------------------------------------------------------------------

  run(tree: Tree, data: Value): void {
    this.push('$', data);
    if (tree.root === null) this.errorf(`${quote(tree.name)} is an incomplete or empty template`);
    this.walk(data, tree.root);
  }

  private walk(dot: Value, node: Node): Flow {
    this.at(node);
    this.step();
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return Flow.Normal;
      }
      case 'break': return Flow.Break;
      case 'continue': return Flow.Continue;
      case 'comment': return Flow.Normal;
      case 'if': case 'with': return this.walkIfOrWith(node, dot);
      case 'list':
        for (const n of node.nodes) {
          const f = this.walk(dot, n);
          if (f !== Flow.Normal) return f;
        }
        return Flow.Normal;
      case 'range': return this.walkRange(dot, node);
      case 'template': this.walkTemplate(dot, node); return Flow.Normal;
      case 'text': this.write(node.text); return Flow.Normal;
      default: return this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  // Control structures pop their variables on the way out. Errors abort the whole execution,
  // so no unwinding (try/finally) is needed, which keeps stack frames small for recursion.
  private walkIfOrWith(node: BranchNode, dot: Value): Flow {
    const mark = this.mark();
    const val = this.evalPipeline(dot, node.pipe);
    let f = Flow.Normal;
    if (isTrue(indirectInterface(val))) f = this.walk(node.type === 'with' ? val : dot, node.list);
    else if (node.elseList !== null) f = this.walk(dot, node.elseList);
    this.pop(mark);
    return f;
  }

  private walkRange(dot: Value, r: BranchNode): Flow {
    this.at(r);
    const outer = this.mark();
    const result = this.rangeBody(dot, r);
    this.pop(outer);
    return result;
  }

  private rangeBody(dot: Value, r: BranchNode): Flow {
    {
      const val = indirect(this.evalPipeline(dot, r.pipe)).v;
      const mark = this.mark();
      const decl = r.pipe.decl;
      // Returns false when the body executed {{break}}.
      const oneIteration = (index: Value, elem: Value): boolean => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        const f = this.walk(elem, r.list);
        this.pop(mark);
        return f !== Flow.Break;
      };
      const t = typeOf(val);
      if (t !== null && val !== undefined) {
        const k = t.kind;
        if (isIntKind(k) || isUintKind(k)) {
          if (decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
          const n = val instanceof GoVal ? (val.raw as bigint) : (val as bigint);
          if (n > 0n) {
            for (let i = 0n; i < n; i++) if (!oneIteration(undefined, fromRaw(t, i))) break;
            return Flow.Normal;
          }
        } else if (k === 'slice' || k === 'array') {
          const els = elements(val as GoVal | readonly Value[]);
          if (els.length > 0) {
            for (let i = 0; i < els.length; i++) if (!oneIteration(BigInt(i), els[i])) break;
            return Flow.Normal;
          }
        } else if (k === 'map') {
          const entries = sortedMapEntries(t, val instanceof GoVal ? val.raw : val);
          if (entries.length > 0) {
            for (const e of entries) if (!oneIteration(e.key, e.value)) break;
            return Flow.Normal;
          }
        } else {
          this.errorf(`range can't iterate over ${formatValue(val)}`);
        }
      }
      if (r.elseList !== null) this.walk(dot, r.elseList);
      return Flow.Normal;
    }
  }

  private walkTemplate(dot: Value, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.cfg.trees.get(t.name);
    if (tmpl === undefined || tmpl.root === null) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= this.cfg.limits.maxDepth) this.errorf(`exceeded maximum template depth (${this.cfg.limits.maxDepth})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    // A template invocation sees only `$`; the caller's variables come back afterwards.
    const savedNames = this.varNames.splice(0);
    const savedValues = this.varValues.splice(0);
    const savedName = this.tmplName;
    this.depth++;
    this.tmplName = tmpl.name;
    this.push('$', newDot);
    try {
      this.walk(newDot, tmpl.root);
    } catch (e) {
      // Report a stack overflow from the deepest frame that has room to build the message.
      if (isStackOverflow(e)) {
        this.depth--;
        this.tmplName = savedName;
        this.at(t);
        this.depthExceeded();
      }
      throw e;
    }
    this.depth--;
    this.tmplName = savedName;
    this.varNames.length = 0;
    this.varValues.length = 0;
    for (let i = 0; i < savedNames.length; i++) {
      this.varNames.push(savedNames[i]!);
      this.varValues.push(savedValues[i]);
    }
  }

  // --- evaluation ---------------------------------------------------------------------------

  private evalPipeline(dot: Value, pipe: PipeNode | null): Value {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface{} result is "no value", as Go digs into interface values here.
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d.ident[0]!, v);
      else this.push(d.ident[0]!, v);
    }
    return v;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: Value, cmd: CommandNode, final: Final): Value {
    this.step();
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field': return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain': return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariableNode(dot, first, cmd.args, final);
      default: break;
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
  }

  private idealConstant(c: NumberNode): Value {
    this.at(c);
    if (c.isComplex) return new GoVal(T.complex128, c.complex);
    if (c.isFloat && !isHexInt(c.text) && c.text[0] !== "'" && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return c.int64;
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: Value, field: FieldNode, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: Value, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: Value, v: VariableNode, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      if (args !== null) this.notAFunction(args, final);
      else if (final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(v)}`);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: Value, receiver: Value, node: Node, ident: readonly string[], args: readonly ArgNode[] | null, final: Final): Value {
    const n = ident.length;
    let r = receiver;
    for (let i = 0; i < n - 1; i++) r = this.evalField(dot, ident[i]!, node, null, MISSING, r);
    return this.evalField(dot, ident[n - 1]!, node, args, final, r);
  }

  private evalFunction(dot: Value, node: IdentifierNode, cmd: Node, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(node);
    const name = node.ident;
    const user = this.cfg.lookupFunc(name);
    if (user !== undefined) return this.evalCall(dot, user, false, cmd, name, args, final);
    const builtin = BUILTINS.get(name);
    if (builtin === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, builtin, true, cmd, name, args, final);
  }

  private evalField(dot: Value, fieldName: string, node: Node, args: readonly ArgNode[] | null, final: Final, receiver: Value): Value {
    if (receiver === undefined) {
      if (this.cfg.missingKey === 'error') this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    const typ = typeName(receiver);
    const ind = indirect(receiver);
    if (ind.v === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    const rt = typeOf(receiver)!;
    const method = rt.methods?.get(fieldName);
    if (method !== undefined) {
      const recv = ind.isNil ? null : (ind.v instanceof GoVal ? ind.v.raw : ind.v);
      const bound = new GoFunc(method.sig, (...a: Value[]) => method.fn(recv, ...a));
      return this.evalCall(dot, bound, false, node, fieldName, args, final);
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    const v = ind.v;
    const t = typeOf(v)!;
    switch (t.kind) {
      case 'struct': {
        const f = t.fields?.find((x) => x.name === fieldName);
        if (f !== undefined) {
          if (!/^\p{Lu}/u.test(fieldName)) this.errorf(`${fieldName} is an unexported field of struct type ${typ}`);
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          return fromRaw(f.type, ((v as GoVal).raw as Record<string, unknown>)[fieldName]);
        }
        break;
      }
      case 'map': {
        if (assignable(T.string, t.key!)) {
          if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
          const got = mapGet(v instanceof GoVal ? v.raw : v, fieldName);
          if (got.found) return fromRaw(t.elem!, got.raw);
          switch (this.cfg.missingKey) {
            case 'invalid': return undefined;
            case 'zero': return zeroOf(t.elem!);
            case 'error': return this.errorf(`map has no entry for key ${quote(fieldName)}`);
          }
        }
        break;
      }
      case 'ptr': {
        const et = t.elem!;
        if (et.kind === 'struct' && !(et.fields ?? []).some((x) => x.name === fieldName)) break;
        if (ind.isNil) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
        break;
      }
      default: break;
    }
    return this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  /** Calls a function or bound method; `args` includes the function's own node first. */
  private evalCall(dot: Value, fun: GoFunc, isBuiltin: boolean, node: Node, name: string, argNodes: readonly ArgNode[] | null, final: Final): Value {
    const args = argNodes === null ? [] : argNodes.slice(1);
    const s = fun.sig;
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (s.variadic !== null) {
      numFixed = s.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${s.params.length} got ${args.length}`);
    } else if (numIn !== s.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${s.params.length} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      const argType = s.params[0]!;
      let v: Value = undefined;
      for (const arg of args) {
        v = this.evalArg(dot, argType, arg);
        if (isTrue(indirectInterface(v)) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, argType);
      return v;
    }
    const argv: Value[] = new Array<Value>(numIn);
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv[i] = this.evalArg(dot, s.params[i]!, args[i]!);
    if (s.variadic !== null) for (; i < args.length; i++) argv[i] = this.evalArg(dot, s.variadic, args[i]!);
    if (final !== MISSING) {
      let t: GoType;
      if (s.variadic !== null) t = numIn - 1 < numFixed ? s.params[numIn - 1]! : s.variadic;
      else t = s.params[s.params.length - 1]!;
      argv[i] = this.validateType(final, t);
    }
    if (isBuiltin && name === 'call') {
      let callee: string;
      if (args.length === 0) callee = typeof final === 'string' ? final : `<${typeName(final as Value)} Value>`;
      else callee = nodeString(args[0]!);
      return this.callValue(node, name, callee, argv);
    }
    return this.safeCall(node, name, fun, argv);
  }

  /** Invokes `fn`, turning thrown errors into Go's `error calling NAME: ...`. */
  private safeCall(node: Node, name: string, fun: GoFunc, argv: Value[]): Value {
    const seq = this.callSeq++;
    const rec = this.record?.get(seq);
    let result: unknown;
    if (rec !== undefined) {
      if (!rec.ok) return this.callFailed(node, name, rec.err);
      // A replayed slice is copied: functions like sortByLabel reorder their argument in place.
      result = rec.v instanceof GoVal && Array.isArray(rec.v.raw) ? new GoVal(rec.v.type, rec.v.raw.slice()) : rec.v;
    } else {
      try {
        result = fun.fn(...argv);
      } catch (e) {
        if (e instanceof Suspend || e instanceof ExecError || isStackOverflow(e)) throw e;
        return this.callFailed(node, name, e);
      }
      if (isThenable(result)) {
        if (this.record === null) {
          Promise.resolve(result).catch(() => undefined);
          this.at(node);
          return this.errorf(`error calling ${name}: asynchronous function called during synchronous execution`, true);
        }
        if (this.record.size >= this.cfg.limits.maxAsyncCalls) {
          Promise.resolve(result).catch(() => undefined);
          return this.callFailed(node, name, new Error(`exceeded maximum asynchronous calls (${this.cfg.limits.maxAsyncCalls})`));
        }
        throw new Suspend(seq, result);
      }
    }
    return result as Value;
  }

  private callFailed(node: Node, name: string, e: unknown): never {
    this.at(node);
    return this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** The `call` builtin: calls a function value with Go's checks. */
  private callValue(node: Node, name: string, callee: string, argv: Value[]): Value {
    const fn = indirectInterface(argv[0]);
    const rest = argv.slice(1);
    let target: GoFunc;
    try {
      if (fn === undefined) throw new Error('call of nil');
      const t = typeOf(fn)!;
      if (t.kind !== 'func') throw new Error(`non-function ${callee} of type ${t.name}`);
      if (fn instanceof GoVal && (fn.raw === null || fn.raw === undefined)) throw new Error('call of nil');
      target = fn instanceof GoFunc ? fn : fn instanceof GoVal ? (fn.raw as GoFunc)
        : new GoFunc(NATIVE_FUNC_SIG, fn as (...a: Value[]) => Value);
      const s = target.sig;
      if (s.variadic !== null) {
        if (rest.length < s.params.length) throw new Error(`wrong number of args for ${callee}: got ${rest.length} want at least ${s.params.length}`);
      } else if (rest.length !== s.params.length) {
        throw new Error(`wrong number of args for ${callee}: got ${rest.length} want ${s.params.length}`);
      }
      for (let i = 0; i < rest.length; i++) {
        const argType = s.variadic === null || i < s.params.length ? s.params[i]! : s.variadic;
        try {
          rest[i] = prepareArg(indirectInterface(rest[i]), argType);
        } catch (e) {
          throw new Error(`arg ${i}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } catch (e) {
      return this.callFailed(node, name, e);
    }
    return this.safeCall(node, name, target, rest);
  }

  private validateType(value: Final, typ: GoType | null): Value {
    const v = value === MISSING ? undefined : value;
    if (v === undefined) {
      if (typ === null) return undefined;
      if (canBeNil(typ)) return zeroOf(typ);
      return this.errorf(`invalid value; expected ${typ.name}`);
    }
    if (typ === null || typ.kind === 'reflect') return v;
    const vt = typeOf(v) ?? T.any;
    if (assignable(vt, typ)) return v;
    if (vt.kind === 'ptr' && vt.elem !== null && assignable(vt.elem, typ)) {
      const raw = (v as GoVal).raw;
      if (raw === null || raw === undefined) this.errorf(`dereference of nil pointer of type ${typ.name}`);
      return fromRaw(vt.elem, raw);
    }
    return this.errorf(`wrong type for value; expected ${typ.name}; got ${vt.name}`);
  }

  private evalArg(dot: Value, typ: GoType | null, n: ArgNode): Value {
    this.at(n);
    switch (n.type) {
      case 'dot': return this.validateType(dot, typ);
      case 'nil':
        if (typ !== null && canBeNil(typ)) return zeroOf(typ);
        return this.errorf(`cannot assign nil to ${typ?.name ?? 'interface {}'}`);
      case 'field': return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable': return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier': return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain': return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
      default: break;
    }
    const k = typ === null ? 'interface' : typ.kind;
    const t = typ ?? T.any;
    if (k === 'bool') {
      if (n.type === 'bool') return fromRaw(t, n.value);
      return this.errorf(`expected bool; found ${nodeString(n)}`);
    }
    if (isComplexKind(k)) {
      if (n.type === 'number' && n.isComplex) return new GoVal(t, n.complex);
      return this.errorf(`expected complex; found ${nodeString(n)}`);
    }
    if (isFloatKind(k)) {
      if (n.type === 'number' && n.isFloat) return fromRaw(t, k === 'float32' ? Math.fround(n.float64) : n.float64);
      return this.errorf(`expected float; found ${nodeString(n)}`);
    }
    if (isIntKind(k)) {
      if (n.type === 'number' && n.isInt) return fromRaw(t, BigInt.asIntN(k === 'int8' ? 8 : k === 'int16' ? 16 : k === 'int32' ? 32 : 64, n.int64));
      return this.errorf(`expected integer; found ${nodeString(n)}`);
    }
    if (isUintKind(k)) {
      if (n.type === 'number' && n.isUint) return fromRaw(t, BigInt.asUintN(k === 'uint8' ? 8 : k === 'uint16' ? 16 : k === 'uint32' ? 32 : 64, n.uint64));
      return this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
    }
    if (k === 'string') {
      if (n.type === 'string') return fromRaw(t, n.text);
      return this.errorf(`expected string; found ${nodeString(n)}`);
    }
    if ((k === 'interface' && t.name === 'interface {}') || k === 'reflect') {
      this.at(n);
      switch (n.type) {
        case 'bool': return n.value;
        case 'number': return this.idealConstant(n);
        case 'string': return n.text;
      }
    }
    return this.errorf(`can't handle ${nodeString(n)} for arg of type ${t.name}`);
  }

  private printValue(n: ActionNode, v: Value): void {
    this.at(n);
    let p = v;
    if (p instanceof GoVal && p.type.kind === 'ptr') {
      const r = indirect(p);
      if (!r.isNil) p = r.v;
    }
    if (this.cfg.html) {
      if (p === undefined || p === null) return;
      if (p instanceof GoVal && p.type.name === 'template.HTML') {
        this.write(p.raw as string);
        return;
      }
      this.write(htmlTemplateEscape(formatValue(p)));
      return;
    }
    if (p === undefined) {
      this.write('<no value>');
      return;
    }
    const t = typeOf(p);
    if (t !== null && (t.kind === 'func' || t.kind === 'chan') && t.methods?.get('String') === undefined) {
      this.errorf(`can't print ${nodeString(n)} of type ${t.name}`);
    }
    this.write(formatValue(p));
  }

  /** Converts a stack overflow into Go's depth error at the node being executed. */
  depthExceeded(): never {
    return this.errorf(`exceeded maximum template depth (${this.cfg.limits.maxDepth})`);
  }
}

function runOnce(cfg: ExecConfig, tree: Tree, data: Value, record: Map<number, Settled> | null): string {
  const s = new State(cfg, tree.name, record);
  try {
    s.run(tree, data);
  } catch (e) {
    if (isStackOverflow(e)) s.depthExceeded();
    throw e;
  }
  return s.out;
}

/** Executes synchronously; asynchronous functions fail with an error. */
export function runSync(cfg: ExecConfig, tree: Tree, data: Value): string {
  return runOnce(cfg, tree, data, null);
}

/** Executes, awaiting asynchronous functions by replaying the template after each one. */
export async function runAsync(cfg: ExecConfig, tree: Tree, data: Value): Promise<string> {
  const record = new Map<number, Settled>();
  for (;;) {
    try {
      return runOnce(cfg, tree, data, record);
    } catch (e) {
      if (!(e instanceof Suspend)) throw e;
      try {
        record.set(e.seq, { ok: true, v: await e.promise });
      } catch (err) {
        record.set(e.seq, { ok: false, err });
      }
    }
  }
}

