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
import type { ActionNode, BranchNode, Node, TemplateNode } from './ast.js';
import { nodeString } from './ast.js';
import { htmlTemplateEscape } from './escape.js';
import { Evaluator } from './exec-eval.js';
import { type ExecConfig, Flow, type HTMLContextEscaper, type Settled, Suspend, isStackOverflow } from './exec-state.js';
import { formatValue, sortedMapEntries } from './fmt.js';
import type { Tree } from './parse.js';
import { quote } from './strconv.js';
import { type Value, GoVal, fromRaw, isIntKind, isUintKind, typeOf } from './types.js';
import { elements, indirect, indirectInterface, isTrue } from './values.js';

export {
  ExecError, DEFAULT_LIMITS, type ExecLimits, type ExecConfig, type MissingKey, type HTMLContextEscaper,
} from './exec-state.js';

class State extends Evaluator {
  /** The contextual escaper of this execution (HTML mode with `htmlContext`), made on first use. */
  private htmlCtx: HTMLContextEscaper | null = null;

  private contextEscaper(): HTMLContextEscaper | null {
    if (this.htmlCtx === null && this.cfg.html && this.cfg.htmlContext !== undefined) this.htmlCtx = this.cfg.htmlContext();
    return this.htmlCtx;
  }

  // --- walking ----------------------------------------------------------------------------

  run(tree: Tree, data: Value): void {
    this.push('$', data);
    if (tree.root === null) this.errorf(`${quote(tree.name)} is an incomplete or empty template`);
    this.walk(data, tree.root);
  }

  protected walk(dot: Value, node: Node): Flow {
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
      case 'text': {
        const ce = this.contextEscaper();
        this.write(ce === null ? node.text : ce.text(node.text));
        return Flow.Normal;
      }
      default: return this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  // Control structures pop their variables on the way out. Errors abort the whole execution,
  // so no unwinding (try/finally) is needed, which keeps stack frames small for recursion.
  protected walkIfOrWith(node: BranchNode, dot: Value): Flow {
    const mark = this.mark();
    const val = this.evalPipeline(dot, node.pipe);
    let f = Flow.Normal;
    if (isTrue(indirectInterface(val))) f = this.walk(node.type === 'with' ? val : dot, node.list);
    else if (node.elseList !== null) f = this.walk(dot, node.elseList);
    this.pop(mark);
    return f;
  }

  protected walkRange(dot: Value, r: BranchNode): Flow {
    this.at(r);
    const outer = this.mark();
    const result = this.rangeBody(dot, r);
    this.pop(outer);
    return result;
  }

  protected rangeBody(dot: Value, r: BranchNode): Flow {
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

  protected walkTemplate(dot: Value, t: TemplateNode): void {
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

  protected printValue(n: ActionNode, v: Value): void {
    this.at(n);
    let p = v;
    if (p instanceof GoVal && p.type.kind === 'ptr') {
      const r = indirect(p);
      if (!r.isNil) p = r.v;
    }
    const ce = this.contextEscaper();
    if (ce !== null) {
      const last = n.pipe.cmds[n.pipe.cmds.length - 1]?.args[0];
      this.write(ce.value(p, last?.type === 'identifier' && (last.ident === 'html' || last.ident === 'urlquery') ? last.ident : null));
      return;
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


