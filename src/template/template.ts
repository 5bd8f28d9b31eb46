/**
 * Template sets, as Go's `*template.Template`: a set of named trees sharing functions, options
 * and delimiters; `parse` adds definitions, `lookup` finds one, `execute` runs one.
 */
import { BUILTINS } from './builtins.js';
import { DEFAULT_LIMITS, type ExecConfig, type ExecLimits, ExecError, type HTMLContextEscaper, type MissingKey, runAsync, runSync } from './exec.js';
import { Tree, parseTrees } from './parse.js';
import { isEmptyTree } from './ast.js';
import { quote } from './strconv.js';
import { type NativeFunction, type Value, GoFunc, NATIVE_FUNC_SIG } from './types.js';

/** Functions by name: `GoFunc`s with signatures, or plain functions taking and returning any values. */
export type FuncMap = Readonly<Record<string, GoFunc | NativeFunction>>;

export interface TemplateOptions {
  /** Functions known at parse time (Go checks that called functions exist when parsing). */
  readonly funcs?: FuncMap;
  /** Action delimiters; empty strings mean `{{` and `}}`. */
  readonly delims?: readonly [string, string];
  /** Go's `missingkey` option: `invalid` (default, prints `<no value>`), `zero`, `error`. */
  readonly missingKey?: MissingKey | 'default';
  /** html/template mode: action output is HTML-escaped unless it is `template.HTML` (see `safeHtml`). */
  readonly html?: boolean;
  /** With `html`: contextual escaping (a new escaper per execution); absent: text context only. */
  readonly htmlContext?: () => HTMLContextEscaper;
  readonly limits?: Partial<ExecLimits>;
}

interface Common {
  readonly trees: Map<string, Tree>;
  readonly templates: Map<string, Template>;
  readonly funcs: Map<string, GoFunc>;
  missingKey: MissingKey;
  readonly html: boolean;
  readonly htmlContext: (() => HTMLContextEscaper) | undefined;
  limits: ExecLimits;
}

const IDENT = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

function toGoFunc(name: string, f: GoFunc | NativeFunction): GoFunc {
  if (!IDENT.test(name)) throw new Error(`function name ${quote(name)} is not a valid identifier`);
  if (f instanceof GoFunc) return f;
  return new GoFunc(NATIVE_FUNC_SIG, f as (...a: Value[]) => Value);
}

/** A named template within a set. Safe to execute concurrently; parsing mutates the set. */
export class Template {
  readonly name: string;
  private readonly common: Common;
  private readonly delims: readonly [string, string];

  /** Use `parseTemplate` or `Template.create`. */
  private constructor(name: string, common: Common, delims: readonly [string, string]) {
    this.name = name;
    this.common = common;
    this.delims = delims;
  }

  /** An empty template set whose first member is `name`. */
  static create(name: string, opts: TemplateOptions = {}): Template {
    const funcs = new Map<string, GoFunc>();
    for (const [k, f] of Object.entries(opts.funcs ?? {})) funcs.set(k, toGoFunc(k, f));
    const mk = opts.missingKey ?? 'invalid';
    const common: Common = {
      trees: new Map(), templates: new Map(), funcs, missingKey: mk === 'default' ? 'invalid' : mk,
      html: opts.html === true, htmlContext: opts.htmlContext, limits: { ...DEFAULT_LIMITS, ...opts.limits },
    };
    const t = new Template(name, common, opts.delims ?? ['', '']);
    return t;
  }

  /** Adds functions for later parses and executions (Go's `Funcs`). */
  funcs(m: FuncMap): this {
    for (const [k, f] of Object.entries(m)) this.common.funcs.set(k, toGoFunc(k, f));
    return this;
  }

  /** Go's `Option("missingkey=...")`. */
  option(...opts: string[]): this {
    for (const o of opts) {
      const m = /^missingkey=(invalid|default|zero|error)$/.exec(o);
      if (m === null) throw new Error(`unrecognized option: ${o}`);
      const v = m[1]!;
      this.common.missingKey = v === 'default' ? 'invalid' : (v as MissingKey);
    }
    return this;
  }

  /** Parses `text` as this template's body, adding its `{{define}}`s to the set (Go's `Parse`). */
  parse(text: string): this {
    const trees = parseTrees(this.name, text, {
      leftDelim: this.delims[0], rightDelim: this.delims[1],
      hasFunction: (n) => this.common.funcs.has(n) || BUILTINS.has(n),
    });
    for (const [name, tree] of trees) {
      const old = this.common.trees.get(name);
      // An empty definition does not replace an existing one.
      if (old !== undefined && old.root !== null && isEmptyTree(tree.root)) continue;
      this.common.trees.set(name, tree);
      if (!this.common.templates.has(name)) {
        this.common.templates.set(name, name === this.name ? this : new Template(name, this.common, this.delims));
      }
    }
    if (!this.common.templates.has(this.name)) this.common.templates.set(this.name, this);
    return this;
  }

  /** A new, empty template in the same set. */
  new(name: string): Template {
    const t = new Template(name, this.common, this.delims);
    return t;
  }

  lookup(name: string): Template | undefined {
    return this.common.trees.has(name) ? (this.common.templates.get(name) ?? new Template(name, this.common, this.delims)) : undefined;
  }

  /** Names of the templates in the set that have a body. */
  templateNames(): string[] {
    return [...this.common.trees.entries()].filter(([, t]) => t.root !== null).map(([n]) => n).sort();
  }

  /** Go's `DefinedTemplates`: `; defined templates are: "a", "b"` or ''. */
  definedTemplates(): string {
    const names = this.templateNames();
    return names.length === 0 ? '' : `; defined templates are: ${names.map((n) => quote(n)).join(', ')}`;
  }

  private config(funcs: FuncMap | undefined): ExecConfig {
    const base = this.common.funcs;
    let lookupFunc = (n: string): GoFunc | undefined => base.get(n);
    if (funcs !== undefined) {
      // Looked up lazily: building a map per execution would cost more than most executions.
      lookupFunc = (n) => {
        if (Object.prototype.hasOwnProperty.call(funcs, n)) {
          const f = funcs[n]!;
          return f instanceof GoFunc ? f : new GoFunc(NATIVE_FUNC_SIG, f as (...a: Value[]) => Value);
        }
        return base.get(n);
      };
    }
    const cfg: ExecConfig = { trees: this.common.trees, lookupFunc, missingKey: this.common.missingKey, html: this.common.html, limits: this.common.limits };
    return this.common.htmlContext === undefined ? cfg : { ...cfg, htmlContext: this.common.htmlContext };
  }

  private tree(): Tree {
    const t = this.common.trees.get(this.name);
    if (t === undefined || t.root === null) {
      throw new ExecError(this.name, `template: ${this.name}: ${quote(this.name)} is an incomplete or empty template`);
    }
    return t;
  }

  /**
   * Executes with `data` as dot. `funcs` override the set's functions by name for this run
   * (they must have been known by name when parsing). Asynchronous functions are awaited.
   * Rejects with `ExecError` carrying Go's message.
   */
  async execute(data: Value, funcs?: FuncMap): Promise<string> {
    return runAsync(this.config(funcs), this.tree(), topLevel(data));
  }

  /** `execute` without asynchronous functions (they fail with an error); throws `ExecError`. */
  executeSync(data: Value, funcs?: FuncMap): string {
    return runSync(this.config(funcs), this.tree(), topLevel(data));
  }

  /** Executes the named template of the set (Go's `ExecuteTemplate`). */
  async executeTemplate(name: string, data: Value, funcs?: FuncMap): Promise<string> {
    return this.member(name).execute(data, funcs);
  }

  executeTemplateSync(name: string, data: Value, funcs?: FuncMap): string {
    return this.member(name).executeSync(data, funcs);
  }

  private member(name: string): Template {
    const t = this.lookup(name);
    if (t === undefined) throw new ExecError(name, `template: no template ${quote(name)} associated with template ${quote(this.name)}`);
    return t;
  }
}

/** Executing with nil data gives dot no value, as `reflect.ValueOf(nil)` does in Go. */
function topLevel(data: Value): Value {
  return data === null ? undefined : data;
}

/** Parses `text` into a new template set named `name` (Go's `template.New(name).Funcs(...).Parse(text)`). */
export function parseTemplate(name: string, text: string, opts: TemplateOptions = {}): Template {
  return Template.create(name, opts).parse(text);
}
