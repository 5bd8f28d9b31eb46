/**
 * Turns a parsed regex into the cheapest exact way to answer whole-string matches: a
 * `StringMatcher` when the whole regex has a known shape, otherwise cheap necessary
 * conditions (literal prefix, suffix, substrings in order) checked before the engine runs.
 * Shapes follow Prometheus's regex optimisations; sets are capped at 256 strings as there.
 */
import { combineModes, type CaseMode, type RegexNode } from './regex-syntax.js';
import {
  AnyMatcher, ContainsInOrderMatcher, ContainsMatcher, EqualMatcher, FoldSetMatcher, OrMatcher,
  PrefixMatcher, SetMatcher, SuffixMatcher, TrueMatcher, type StringMatcher,
} from './regex-matchers.js';

const MAX_SET = 256;

/** Necessary conditions for a match, from the top-level concatenation. */
export interface PreChecks {
  prefix: string;
  prefixFold: boolean;
  suffix: string;
  contains: string[];
}

/**
 * Removes captures, flattens nested concatenations and alternations, and replaces `^`/`\A`
 * at the start and `$`/`\z` at the end of the (anchored) whole with empty matches.
 */
export function simplify(n: RegexNode, atStart: boolean, atEnd: boolean): RegexNode {
  switch (n.op) {
    case 'capture':
      return simplify(n.sub, atStart, atEnd);
    case 'begin':
      return atStart ? { op: 'empty' } : n;
    case 'end':
      return atEnd ? { op: 'empty' } : n;
    case 'repeat':
      return { op: 'repeat', sub: simplify(n.sub, false, false), min: n.min, max: n.max };
    case 'alt': {
      const subs: RegexNode[] = [];
      for (const s of n.subs) {
        const x = simplify(s, atStart, atEnd);
        if (x.op === 'alt') subs.push(...x.subs); else subs.push(x);
      }
      return { op: 'alt', subs };
    }
    case 'concat': {
      const out: RegexNode[] = [];
      const last = n.subs.length - 1;
      n.subs.forEach((s, i) => {
        const x = simplify(s, atStart && i === 0, atEnd && i === last);
        if (x.op === 'concat') out.push(...x.subs);
        else if (x.op !== 'empty') out.push(x);
      });
      return mergeLiterals(out);
    }
    case 'lit': case 'any': case 'class': case 'empty': case 'opaque':
      return n;
  }
}

function mergeLiterals(items: RegexNode[]): RegexNode {
  const out: RegexNode[] = [];
  for (const it of items) {
    const prev = out[out.length - 1];
    if (it.op === 'lit' && prev !== undefined && prev.op === 'lit') {
      const mode = combineModes(prev.mode, it.mode);
      if (mode !== null) {
        out[out.length - 1] = { op: 'lit', s: prev.s + it.s, mode };
        continue;
      }
    }
    out.push(it);
  }
  if (out.length === 0) return { op: 'empty' };
  return out.length === 1 ? out[0]! : { op: 'concat', subs: out };
}

interface Finite {
  strs: string[];
  mode: CaseMode;
}

/** Every string the node matches, when there are at most 256 and they share one case mode. */
function finite(n: RegexNode): Finite | null {
  switch (n.op) {
    case 'lit': return { strs: [n.s], mode: n.mode };
    case 'empty': return { strs: [''], mode: 'neutral' };
    case 'class': {
      let total = 0;
      let letters = false;
      for (let i = 0; i < n.ranges.length; i += 2) {
        const lo = n.ranges[i]!, hi = n.ranges[i + 1]!;
        total += hi - lo + 1;
        if (hi >= 0x41) letters = true; // conservatively sensitive
      }
      if (total > MAX_SET) return null;
      const strs: string[] = [];
      for (let i = 0; i < n.ranges.length; i += 2) {
        for (let c = n.ranges[i]!; c <= n.ranges[i + 1]!; c++) strs.push(String.fromCodePoint(c));
      }
      return { strs, mode: letters ? 'sensitive' : 'neutral' };
    }
    case 'alt': {
      const strs: string[] = [];
      let mode: CaseMode | null = 'neutral';
      for (const s of n.subs) {
        const f = finite(s);
        if (f === null) return null;
        mode = combineModes(mode, f.mode);
        if (mode === null || strs.length + f.strs.length > MAX_SET) return null;
        strs.push(...f.strs);
      }
      return { strs, mode };
    }
    case 'concat': {
      let acc: Finite = { strs: [''], mode: 'neutral' };
      for (const s of n.subs) {
        const f = finite(s);
        if (f === null) return null;
        acc = product(acc, f) ?? { strs: [], mode: 'neutral' };
        if (acc.strs.length === 0) return null;
      }
      return acc;
    }
    case 'repeat': {
      if (n.max < 0 || n.max > 16) return null;
      const f = finite(n.sub);
      if (f === null) return null;
      const strs: string[] = [];
      let power: Finite = { strs: [''], mode: 'neutral' };
      for (let k = 0; k <= n.max; k++) {
        if (k >= n.min) {
          if (strs.length + power.strs.length > MAX_SET) return null;
          strs.push(...power.strs);
        }
        if (k < n.max) {
          const next = product(power, f);
          if (next === null) return null;
          power = next;
        }
      }
      return { strs, mode: power.mode === 'neutral' ? f.mode : power.mode };
    }
    case 'any': case 'begin': case 'end': case 'capture': case 'opaque':
      return null;
  }
}

function product(a: Finite, b: Finite): Finite | null {
  const mode = combineModes(a.mode, b.mode);
  if (mode === null || a.strs.length * b.strs.length > MAX_SET) return null;
  const strs: string[] = [];
  for (const x of a.strs) for (const y of b.strs) strs.push(x + y);
  return { strs, mode };
}

/** `.*`, `.+`, `.?`, `.` as an AnyMatcher; anything else null. */
function anyLike(n: RegexNode): AnyMatcher | null {
  if (n.op === 'any') return new AnyMatcher(1, 1, n.nl);
  if (n.op !== 'repeat' || n.sub.op !== 'any') return null;
  const nl = n.sub.nl;
  if (n.min === 0 && n.max === -1) return new AnyMatcher(0, -1, nl);
  if (n.min === 1 && n.max === -1) return new AnyMatcher(1, -1, nl);
  if (n.min === 0 && n.max === 1) return new AnyMatcher(0, 1, nl);
  if (n.min === 1 && n.max === 1) return new AnyMatcher(1, 1, nl);
  return null;
}

function setMatcher(f: Finite): StringMatcher {
  if (f.mode === 'fold') return new FoldSetMatcher(f.strs);
  return f.strs.length === 1 ? new EqualMatcher(f.strs[0]!) : new SetMatcher(f.strs);
}

/** An exact matcher for a simplified node, or null when only the engine can answer. */
export function toMatcher(n: RegexNode): StringMatcher | null {
  const f = finite(n);
  if (f !== null) return setMatcher(f);
  const any = anyLike(n);
  if (any !== null) return any.min === 0 && any.max === -1 && any.nl ? new TrueMatcher() : any;
  switch (n.op) {
    case 'alt': {
      const subs: StringMatcher[] = [];
      for (const s of n.subs) {
        const m = toMatcher(s);
        if (m === null) return null;
        subs.push(m);
      }
      return new OrMatcher(subs);
    }
    case 'concat':
      return concatMatcher(n.subs);
    default:
      return null;
  }
}

function concatMatcher(subs: readonly RegexNode[]): StringMatcher | null {
  if (subs.length === 0) return new EqualMatcher('');
  if (subs.length === 1) return toMatcher(subs[0]!);
  const first = subs[0]!, last = subs[subs.length - 1]!;

  // .*a.*b.* with newline-matching dots: finding the literals in order is enough.
  if (isDotStar(first) && isDotStar(last)) {
    const lits: string[] = [];
    let ok = true;
    for (let i = 1; i < subs.length - 1 && ok; i++) {
      const s = subs[i]!;
      if (s.op === 'lit' && s.mode !== 'fold') lits.push(s.s);
      else if (!isDotStar(s)) ok = false;
    }
    if (ok) return lits.length === 0 ? new TrueMatcher() : new ContainsInOrderMatcher(lits);
  }

  // left? (finite middle) right? with `.`-style sides.
  const left = anyLike(first);
  const right = subs.length > 1 ? anyLike(last) : null;
  const mid = subs.slice(left !== null ? 1 : 0, right !== null ? subs.length - 1 : subs.length);
  if ((left !== null || right !== null) && mid.length > 0) {
    const f = finite(mid.length === 1 ? mid[0]! : { op: 'concat', subs: mid });
    if (f !== null) {
      const fold = f.mode === 'fold';
      if (left === null && f.strs.length === 1) return new PrefixMatcher(f.strs[0]!, fold, right!);
      if (right === null && f.strs.length === 1) return new SuffixMatcher(f.strs[0]!, fold, left!);
      if (!fold) return new ContainsMatcher(f.strs, left, right);
      return null;
    }
  }

  // A literal prefix or suffix around something else we can match. Only one of the two is
  // tried (prefix first): trying both at every level would be exponential in the length.
  if (first.op === 'lit') {
    const rest = toMatcher(subs.length === 2 ? subs[1]! : { op: 'concat', subs: subs.slice(1) });
    return rest === null ? null : new PrefixMatcher(first.s, first.mode === 'fold', rest);
  }
  if (last.op === 'lit') {
    const rest = toMatcher(subs.length === 2 ? subs[0]! : { op: 'concat', subs: subs.slice(0, -1) });
    if (rest !== null) return new SuffixMatcher(last.s, last.mode === 'fold', rest);
  }
  return null;
}

function isDotStar(n: RegexNode): boolean {
  return n.op === 'repeat' && n.min === 0 && n.max === -1 && n.sub.op === 'any' && n.sub.nl;
}

/** Necessary conditions from the literals directly in a top-level concatenation; null if none. */
export function preChecks(n: RegexNode): PreChecks | null {
  if (n.op !== 'concat') return null;
  const subs = n.subs;
  const first = subs[0]!, last = subs[subs.length - 1]!;
  const c: PreChecks = { prefix: '', prefixFold: false, suffix: '', contains: [] };
  if (first.op === 'lit') { c.prefix = first.s; c.prefixFold = first.mode === 'fold'; }
  if (last.op === 'lit' && last.mode !== 'fold') c.suffix = last.s;
  for (let i = 1; i < subs.length - 1; i++) {
    const s = subs[i]!;
    if (s.op === 'lit' && s.mode !== 'fold') c.contains.push(s.s);
  }
  return c.prefix === '' && c.suffix === '' && c.contains.length === 0 ? null : c;
}
