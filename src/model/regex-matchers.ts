/**
 * String matchers that answer whole-string regex matches without the regex engine, for the
 * shapes Prometheus also optimises: literal sets, prefixes and suffixes around `.*`/`.+`,
 * substrings between them. Each one is exact for the regex it was built from (the
 * differential test checks every one against the engine); `regex-plan.ts` decides which
 * regex becomes which matcher.
 */

export interface StringMatcher {
  matches(s: string): boolean;
}

function isSurrogatePair(s: string, i: number): boolean {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  return a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff;
}

/**
 * `.*` (min 0, max -1), `.+` (1, -1), `.?` (0, 1) or `.` (1, 1); `nl` says whether `.`
 * matches a newline. Sizes count code points, as the engine does.
 */
export class AnyMatcher implements StringMatcher {
  readonly min: 0 | 1;
  readonly max: 1 | -1;
  readonly nl: boolean;

  constructor(min: 0 | 1, max: 1 | -1, nl: boolean) {
    this.min = min;
    this.max = max;
    this.nl = nl;
  }

  matches(s: string): boolean {
    return this.range(s, 0, s.length);
  }

  /** Whether `s.slice(from, to)` matches; `hasNL` may be passed when the caller knows it. */
  range(s: string, from: number, to: number, hasNL?: boolean): boolean {
    const n = to - from;
    if (n < this.min) return false;
    if (this.max === 1 && n > 1 && !(n === 2 && isSurrogatePair(s, from))) return false;
    if (this.nl || n === 0) return true;
    if (hasNL !== undefined) return !hasNL;
    const i = s.indexOf('\n', from);
    return i < 0 || i >= to;
  }
}

export class TrueMatcher implements StringMatcher {
  matches(): boolean {
    return true;
  }
}

export class EqualMatcher implements StringMatcher {
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }
  matches(s: string): boolean {
    return s === this.s;
  }
}

export class SetMatcher implements StringMatcher {
  readonly set: ReadonlySet<string>;
  constructor(values: Iterable<string>) {
    this.set = new Set(values);
  }
  matches(s: string): boolean {
    return this.set.has(s);
  }
}

/**
 * Whether the code unit `c` of a subject equals the ASCII pattern character `p` (lower case)
 * under RE2's simple case folding.
 */
export function foldEq(c: number, p: number): boolean {
  if (c === p) return true;
  if (p >= 0x61 && p <= 0x7a) {
    if (c === p - 0x20) return true;
    if (p === 0x6b) return c === 0x212a; // k, Kelvin sign
    if (p === 0x73) return c === 0x17f; // s, long s
  }
  return false;
}

/** `s` with ASCII letters lower-cased and the two non-ASCII folds of k and s mapped; null if other non-ASCII. */
export function foldKey(s: string): string | null {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      if (c !== 0x212a && c !== 0x17f) return null;
      plain = false;
    } else if (c >= 0x41 && c <= 0x5a) plain = false;
  }
  if (plain) return s;
  return s.toLowerCase().replace(/\u212a/g, 'k').replace(/\u017f/g, 's');
}

/** Compares `s[at, at+p.length)` with the lower-case ASCII pattern text `p` under folding. */
export function foldEqualAt(s: string, at: number, p: string): boolean {
  if (at < 0 || at + p.length > s.length) return false;
  for (let i = 0; i < p.length; i++) if (!foldEq(s.charCodeAt(at + i), p.charCodeAt(i))) return false;
  return true;
}

/** Case-insensitive set of ASCII strings (stored lower-case). */
export class FoldSetMatcher implements StringMatcher {
  readonly set: ReadonlySet<string>;
  constructor(values: Iterable<string>) {
    this.set = new Set(values);
  }
  matches(s: string): boolean {
    const k = foldKey(s);
    return k !== null && this.set.has(k);
  }
}

/** A literal prefix (case-sensitive or folded) followed by whatever `right` accepts. */
export class PrefixMatcher implements StringMatcher {
  readonly prefix: string;
  readonly fold: boolean;
  readonly right: StringMatcher;
  constructor(prefix: string, fold: boolean, right: StringMatcher) {
    this.prefix = prefix;
    this.fold = fold;
    this.right = right;
  }
  matches(s: string): boolean {
    const p = this.prefix;
    if (this.fold ? !foldEqualAt(s, 0, p) : !s.startsWith(p)) return false;
    const r = this.right;
    if (r instanceof AnyMatcher) return r.range(s, p.length, s.length);
    return r.matches(s.slice(p.length));
  }
}

/** Whatever `left` accepts followed by a literal suffix (case-sensitive or folded). */
export class SuffixMatcher implements StringMatcher {
  readonly suffix: string;
  readonly fold: boolean;
  readonly left: StringMatcher;
  constructor(suffix: string, fold: boolean, left: StringMatcher) {
    this.suffix = suffix;
    this.fold = fold;
    this.left = left;
  }
  matches(s: string): boolean {
    const p = this.suffix;
    const at = s.length - p.length;
    if (this.fold ? !foldEqualAt(s, at, p) : !s.endsWith(p)) return false;
    const l = this.left;
    if (l instanceof AnyMatcher) return l.range(s, 0, at);
    return l.matches(s.slice(0, at));
  }
}

/**
 * `left? (lit1|lit2|...) right?` with `.`-style sides: tries every occurrence of every
 * literal, so it is exact whatever the sides are. Newline positions are computed once so
 * that each occurrence costs O(1) beyond the search.
 */
export class ContainsMatcher implements StringMatcher {
  readonly subs: readonly string[];
  readonly left: AnyMatcher | null;
  readonly right: AnyMatcher | null;
  constructor(subs: readonly string[], left: AnyMatcher | null, right: AnyMatcher | null) {
    this.subs = subs;
    this.left = left;
    this.right = right;
  }
  matches(s: string): boolean {
    const { left, right } = this;
    let firstNL = -2;
    let lastNL = -2;
    if ((left !== null && !left.nl) || (right !== null && !right.nl)) {
      firstNL = s.indexOf('\n');
      lastNL = s.lastIndexOf('\n');
    }
    for (const sub of this.subs) {
      if (left === null) {
        if (!s.startsWith(sub)) continue;
        if (right!.range(s, sub.length, s.length, lastNL >= sub.length)) return true;
        continue;
      }
      if (right === null) {
        if (!s.endsWith(sub)) continue;
        const at = s.length - sub.length;
        if (left.range(s, 0, at, firstNL >= 0 && firstNL < at)) return true;
        continue;
      }
      for (let pos = s.indexOf(sub); pos >= 0; pos = pos < s.length ? s.indexOf(sub, pos + 1) : -1) {
        // An empty literal may be found between the halves of a surrogate pair: not a boundary.
        if (sub.length === 0 && pos > 0 && isSurrogatePair(s, pos - 1)) continue;
        const end = pos + sub.length;
        if (left.range(s, 0, pos, firstNL >= 0 && firstNL < pos) && right.range(s, end, s.length, lastNL >= end)) return true;
      }
    }
    return false;
  }
}

/** `.*lit1.*lit2.*` (with `.` matching newline): the literals occur in order without overlap. */
export class ContainsInOrderMatcher implements StringMatcher {
  readonly subs: readonly string[];
  constructor(subs: readonly string[]) {
    this.subs = subs;
  }
  matches(s: string): boolean {
    let at = 0;
    for (const sub of this.subs) {
      const i = s.indexOf(sub, at);
      if (i < 0) return false;
      at = i + sub.length;
    }
    return true;
  }
}

/**
 * An alternation. Case-sensitive equalities are merged into one set; with many
 * case-sensitive prefixes they are grouped by their first characters, so that a string is
 * tried only against the prefixes that can match it.
 */
export class OrMatcher implements StringMatcher {
  readonly values: ReadonlySet<string> | null;
  readonly prefixes: ReadonlyMap<string, PrefixMatcher[]> | null;
  readonly prefixLen: number;
  readonly rest: readonly StringMatcher[];

  constructor(subs: readonly StringMatcher[]) {
    const values = new Set<string>();
    const pre: PrefixMatcher[] = [];
    const rest: StringMatcher[] = [];
    for (const m of subs) {
      if (m instanceof EqualMatcher) values.add(m.s);
      else if (m instanceof SetMatcher) for (const v of m.set) values.add(v);
      else if (m instanceof PrefixMatcher && !m.fold) pre.push(m);
      else rest.push(m);
    }
    this.values = values.size > 0 ? values : null;
    if (pre.length >= 16) {
      let len = Infinity;
      for (const p of pre) len = Math.min(len, p.prefix.length);
      const map = new Map<string, PrefixMatcher[]>();
      for (const p of pre) {
        const k = p.prefix.slice(0, len);
        const list = map.get(k);
        if (list === undefined) map.set(k, [p]); else list.push(p);
      }
      this.prefixes = map;
      this.prefixLen = len;
    } else {
      this.prefixes = null;
      this.prefixLen = 0;
      rest.unshift(...pre);
    }
    this.rest = rest;
  }

  matches(s: string): boolean {
    if (this.values !== null && this.values.has(s)) return true;
    if (this.prefixes !== null && s.length >= this.prefixLen) {
      const list = this.prefixes.get(s.slice(0, this.prefixLen));
      if (list !== undefined) for (const m of list) if (m.matches(s)) return true;
    }
    for (const m of this.rest) if (m.matches(s)) return true;
    return false;
  }
}
