/**
 * Regular expressions for label matchers and relabeling: RE2 syntax, fully anchored, `.`
 * matching newlines (as in Prometheus 3), evaluated by a linear-time engine so that no
 * pattern can stall the process. Common shapes take fast paths that never reach the engine.
 */
import { RE2JS } from 're2js';

export class RegexError extends Error {
  override readonly name = 'RegexError';
}

/**
 * A compiled, anchored regex. Immutable and safe to share.
 * `matches(s)` tests the whole string; `exec(s)` returns capture groups for `replace`.
 */
export class FastRegexMatcher {
  readonly source: string;
  readonly #re: RE2JS;
  /** Set when the pattern is a plain alternation of literals. */
  readonly #set: ReadonlySet<string> | null;
  readonly #kind: 'any' | 'nonempty' | 'set' | 'engine';

  constructor(source: string) {
    this.source = source;
    try {
      this.#re = RE2JS.compile(`^(?s:${source})$`);
    } catch (e) {
      throw new RegexError(`error parsing regexp: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (source === '.*') { this.#kind = 'any'; this.#set = null; }
    else if (source === '.+') { this.#kind = 'nonempty'; this.#set = null; }
    else {
      const lits = literalAlternation(source);
      if (lits !== null) { this.#kind = 'set'; this.#set = new Set(lits); }
      else { this.#kind = 'engine'; this.#set = null; }
    }
  }

  matches(s: string): boolean {
    switch (this.#kind) {
      case 'any': return true;
      case 'nonempty': return s.length > 0;
      case 'set': return this.#set!.has(s);
      case 'engine': return this.#re.matches(s);
    }
  }

  /** Capture groups of a whole-string match (index 0 is the whole string), or null. */
  exec(s: string): (string | null)[] | null {
    const m = this.#re.matcher(s);
    if (!m.matches()) return null;
    const n = m.groupCount();
    const out: (string | null)[] = new Array<string | null>(n + 1);
    for (let i = 0; i <= n; i++) out[i] = m.group(i);
    return out;
  }

  /** Named groups: name → group index. */
  namedGroups(): Record<string, number> {
    return this.#re.namedGroups();
  }
}

const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '[', ']', '{', '}', '^', '$']);

/** `a|b|c` of plain literals (no metacharacters) → the literals; otherwise null. */
function literalAlternation(src: string): string[] | null {
  const parts = src.split('|');
  for (const p of parts) {
    for (const ch of p) if (META.has(ch)) return null;
  }
  return parts;
}
