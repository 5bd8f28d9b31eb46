/**
 * Regular expressions for label matchers and relabeling: RE2 syntax, fully anchored, `.`
 * matching newlines (as in Prometheus 3, whose patterns behave like `^(?s:<pattern>)$`),
 * evaluated by a linear-time engine (re2js) so that no pattern can stall the process.
 * Common shapes take fast paths that never reach the engine; see `regex-plan.ts`.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { parseRegex, type RegexNode } from './regex-syntax.js';
import { preChecks, simplify, toMatcher, type PreChecks } from './regex-plan.js';
import { foldEqualAt, type StringMatcher } from './regex-matchers.js';

/** An invalid pattern; the message reads like Go's (`error parsing regexp: missing closing ): ...`). */
export class RegexError extends Error {
  override readonly name = 'RegexError';
}

/** Go's `regexp.QuoteMeta` set: a pattern without these is a plain literal. */
const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '[', ']', '{', '}', '^', '$']);

/**
 * How `exec` can answer without the engine: `none` (the pattern has no capture groups, so a
 * match has the whole string as its only group) or `around` (a single capture of `.*`/`.+`
 * between optional case-sensitive literals, e.g. `(.*)` or `__meta_(.+)`).
 */
type ExecPlan =
  | { readonly kind: 'engine' }
  | { readonly kind: 'none' }
  | { readonly kind: 'around'; readonly prefix: string; readonly suffix: string; readonly nonEmpty: boolean; readonly nl: boolean };

/**
 * A compiled, anchored regex. Immutable and safe to share.
 * `matches(s)` tests the whole string; `exec(s)` returns capture groups for `replace`.
 */
export class FastRegexMatcher {
  readonly source: string;
  #re: RE2JS | null;
  /** Exact answer for the whole pattern, when its shape allows; else null. */
  readonly #fast: StringMatcher | null;
  /** Cheap necessary conditions checked before the engine runs. */
  readonly #pre: PreChecks | null;
  readonly #exec: ExecPlan;

  constructor(source: string) {
    this.source = source;
    const lits = literalAlternation(source);
    if (lits !== null) {
      // Always valid: the engine is only built if capture groups are asked for.
      this.#re = null;
      this.#fast = lits.length === 1 ? new EqualMatcherLite(lits[0]!) : new SetMatcherLite(lits);
      this.#pre = null;
      this.#exec = { kind: 'none' };
      return;
    }
    this.#re = compile(source);
    const parsed = parseRegex(source);
    if (parsed === null) {
      this.#fast = null;
      this.#pre = null;
      this.#exec = { kind: 'engine' };
      return;
    }
    const root = simplify(parsed.root, true, true);
    this.#fast = toMatcher(root);
    this.#pre = this.#fast === null ? preChecks(root) : null;
    this.#exec = execPlan(parsed.root, parsed.captures);
  }

  /** Whether the whole of `s` matches. */
  matches(s: string): boolean {
    if (this.#fast !== null) return this.#fast.matches(s);
    const p = this.#pre;
    if (p !== null) {
      if (p.prefix !== '' && (p.prefixFold ? !foldEqualAt(s, 0, p.prefix) : !s.startsWith(p.prefix))) return false;
      if (p.suffix !== '' && !s.endsWith(p.suffix)) return false;
      if (p.contains.length > 0 && !containsInOrder(s, p.contains)) return false;
    }
    return this.#engine().testExact(s);
  }

  /**
   * Capture groups of a whole-string match (index 0 is the whole string), or null when `s`
   * does not match. A group that did not take part in the match is null. The array is new.
   */
  exec(s: string): (string | null)[] | null {
    const plan = this.#exec;
    switch (plan.kind) {
      case 'none':
        return this.matches(s) ? [s] : null;
      case 'around': {
        const { prefix, suffix } = plan;
        if (s.length < prefix.length + suffix.length || !s.startsWith(prefix) || !s.endsWith(suffix)) return null;
        const mid = s.slice(prefix.length, s.length - suffix.length);
        if (plan.nonEmpty && mid.length === 0) return null;
        if (!plan.nl && mid.includes('\n')) return null;
        return [s, mid];
      }
      case 'engine': {
        const m = this.#engine().matcher(s);
        if (!m.matches()) return null;
        const n = m.groupCount();
        const out = new Array<string | null>(n + 1);
        for (let i = 0; i <= n; i++) out[i] = m.group(i);
        return out;
      }
    }
  }

  /** Named groups: name → group index. */
  namedGroups(): Record<string, number> {
    return this.#engine().namedGroups();
  }

  /** Whether matching some strings avoids the regex engine (for tests and benchmarks). */
  isOptimized(): boolean {
    return this.#fast !== null || this.#pre !== null;
  }

  #engine(): RE2JS {
    if (this.#re === null) this.#re = compile(this.source);
    return this.#re;
  }
}

function compile(source: string): RE2JS {
  try {
    // Compiled as written, anchored by the full-match calls, so that error messages quote
    // the pattern itself as Go's regexp/syntax does. Lookbehinds stay disabled: RE2 has none.
    return RE2JS.compile(source, RE2JS.DOTALL);
  } catch (e) {
    throw new RegexError(goErrorMessage(e, source), { cause: e });
  }
}

/**
 * Go's `*syntax.Error` text: "error parsing regexp: <code>: `<expr>`". re2js uses the same
 * codes, but quotes the pattern with the flag prefix it added, and leaves out the expression
 * where Go quotes the whole pattern (too deep, too large) or nothing (trailing backslash).
 */
function goErrorMessage(e: unknown, source: string): string {
  if (!(e instanceof RE2JSSyntaxException)) {
    const msg = e instanceof Error ? e.message : String(e);
    return msg.startsWith('error parsing regexp: ') ? msg : `error parsing regexp: ${msg}`;
  }
  let expr = e.input;
  if (expr === null) expr = e.error === 'trailing backslash at end of expression' ? '' : source;
  else if (expr === `(?s)${source}`) expr = source;
  return `error parsing regexp: ${e.error}: \`${expr}\``;
}

function containsInOrder(s: string, subs: readonly string[]): boolean {
  let at = 0;
  for (const sub of subs) {
    const i = s.indexOf(sub, at);
    if (i < 0) return false;
    at = i + sub.length;
  }
  return true;
}

/** `a|b|c` of plain literals (no metacharacters) → the literals; otherwise null. */
function literalAlternation(src: string): string[] | null {
  const parts = src.split('|');
  for (const p of parts) {
    for (const ch of p) if (META.has(ch)) return null;
  }
  return parts;
}

class EqualMatcherLite implements StringMatcher {
  readonly s: string;
  constructor(s: string) { this.s = s; }
  matches(s: string): boolean { return s === this.s; }
}

class SetMatcherLite implements StringMatcher {
  readonly set: ReadonlySet<string>;
  constructor(values: readonly string[]) { this.set = new Set(values); }
  matches(s: string): boolean { return this.set.has(s); }
}

/** Recognises `lit? (.*|.+) lit?` with exactly one capture around the dots (on the unsimplified tree). */
function execPlan(root: RegexNode, captures: number): ExecPlan {
  if (captures === 0) return { kind: 'none' };
  if (captures !== 1) return { kind: 'engine' };
  const subs = root.op === 'concat' ? root.subs : [root];
  let prefix = '', suffix = '';
  let i = 0, j = subs.length;
  const head = subs[0];
  if (head !== undefined && head.op === 'lit' && head.mode !== 'fold' && subs.length > 1) { prefix = head.s; i++; }
  const tail = subs[subs.length - 1];
  if (tail !== undefined && tail.op === 'lit' && tail.mode !== 'fold' && j - i > 1) { suffix = tail.s; j--; }
  if (j - i !== 1) return { kind: 'engine' };
  const cap = subs[i]!;
  if (cap.op !== 'capture') return { kind: 'engine' };
  const r = cap.sub;
  if (r.op !== 'repeat' || r.sub.op !== 'any' || r.max !== -1 || r.min > 1) return { kind: 'engine' };
  return { kind: 'around', prefix, suffix, nonEmpty: r.min === 1, nl: r.sub.nl };
}
