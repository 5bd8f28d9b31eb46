/**
 * Evaluation of pipelines, commands, fields, function and method calls and arguments, node by
 * node as Go's executor does (including which node an error points at).
 */
import type {
  ArgNode, ChainNode, CommandNode, FieldNode, IdentifierNode, Node, NumberNode, PipeNode, VariableNode,
} from './ast.js';
import { nodeString } from './ast.js';
import { BUILTINS, prepareArg } from './builtins.js';
import { ExecError, type Final, MISSING, StateBase, Suspend, isHexInt, isStackOverflow, isThenable } from './exec-state.js';
import { quote } from './strconv.js';
import {
  type GoType, type Value, GoFunc, GoVal, NATIVE_FUNC_SIG, T, assignable, fromRaw, isComplexKind, isFloatKind, isIntKind,
  isUintKind, mapGet, typeOf,
} from './types.js';
import { canBeNil, indirect, indirectInterface, isTrue, typeName, zeroOf } from './values.js';

export abstract class Evaluator extends StateBase {
  // --- evaluation ---------------------------------------------------------------------------

  protected evalPipeline(dot: Value, pipe: PipeNode | null): Value {
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

  protected notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  protected evalCommand(dot: Value, cmd: CommandNode, final: Final): Value {
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

  protected idealConstant(c: NumberNode): Value {
    this.at(c);
    if (c.isComplex) return new GoVal(T.complex128, c.complex);
    if (c.isFloat && !isHexInt(c.text) && c.text[0] !== "'" && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return c.int64;
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  protected evalFieldNode(dot: Value, field: FieldNode, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  protected evalChainNode(dot: Value, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  protected evalVariableNode(dot: Value, v: VariableNode, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      if (args !== null) this.notAFunction(args, final);
      else if (final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(v)}`);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  protected evalFieldChain(dot: Value, receiver: Value, node: Node, ident: readonly string[], args: readonly ArgNode[] | null, final: Final): Value {
    const n = ident.length;
    let r = receiver;
    for (let i = 0; i < n - 1; i++) r = this.evalField(dot, ident[i]!, node, null, MISSING, r);
    return this.evalField(dot, ident[n - 1]!, node, args, final, r);
  }

  protected evalFunction(dot: Value, node: IdentifierNode, cmd: Node, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(node);
    const name = node.ident;
    const user = this.cfg.lookupFunc(name);
    if (user !== undefined) return this.evalCall(dot, user, false, cmd, name, args, final);
    const builtin = BUILTINS.get(name);
    if (builtin === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, builtin, true, cmd, name, args, final);
  }

  protected evalField(dot: Value, fieldName: string, node: Node, args: readonly ArgNode[] | null, final: Final, receiver: Value): Value {
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
  protected evalCall(dot: Value, fun: GoFunc, isBuiltin: boolean, node: Node, name: string, argNodes: readonly ArgNode[] | null, final: Final): Value {
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
  protected safeCall(node: Node, name: string, fun: GoFunc, argv: Value[]): Value {
    const seq = this.callSeq++;
    const rec = this.record?.get(seq);
    let result: unknown;
    if (rec !== undefined) {
      if (!rec.ok) return this.callFailed(node, name, rec.err);
      // A replayed slice is copied: functions like sortByLabel reorder their argument in place.
      result = rec.v instanceof GoVal && Array.isArray(rec.v.raw) ? new GoVal(rec.v.type, rec.v.raw.slice()) : rec.v;
    } else {
      if (fun.isAsync && this.record === null) {
        this.at(node);
        return this.errorf(`error calling ${name}: asynchronous function called during synchronous execution`, true);
      }
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

  protected callFailed(node: Node, name: string, e: unknown): never {
    this.at(node);
    return this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** The `call` builtin: calls a function value with Go's checks. */
  protected callValue(node: Node, name: string, callee: string, argv: Value[]): Value {
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

  protected validateType(value: Final, typ: GoType | null): Value {
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

  protected evalArg(dot: Value, typ: GoType | null, n: ArgNode): Value {
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

}
