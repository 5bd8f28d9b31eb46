/**
 * A structural parser of RE2 syntax, used only to find the shapes that `FastRegexMatcher`
 * can answer without the regex engine. It runs on patterns that re2js has already accepted,
 * so it does not report errors: whatever it does not model exactly becomes an `opaque`
 * node (which only the engine can evaluate), and anything unexpected makes `parseRegex`
 * return null (no fast path at all). Both outcomes are always safe.
 *
 * Case-insensitive (`(?i)`) literals are modelled only for ASCII text, where RE2's simple
 * case folding is small and known: a letter folds to its other ASCII case, and additionally
 * `k` to U+212A (Kelvin sign) and `s` to U+017F (long s).
 */

/**
 * How a literal compares: `neutral` text has no case variants at all (ASCII non-letters),
 * `sensitive` compares exactly, `fold` compares ASCII-case-insensitively (text is lower-case).
 */
export type CaseMode = 'neutral' | 'sensitive' | 'fold';

export type RegexNode =
  | { readonly op: 'lit'; readonly s: string; readonly mode: CaseMode }
  /** `.`: one code point; `nl` says whether `\n` is included. */
  | { readonly op: 'any'; readonly nl: boolean }
  /** A case-sensitive, non-negated class: code point ranges as [lo0, hi0, lo1, hi1, ...]. */
  | { readonly op: 'class'; readonly ranges: readonly number[] }
  | { readonly op: 'empty' }
  /** Beginning of text (`\A`, or `^` outside multi-line mode). */
  | { readonly op: 'begin' }
  /** End of text (`\z`, or `$` outside multi-line mode). */
  | { readonly op: 'end' }
  /** `max` -1 means unbounded. Greediness does not matter for whole-string matching. */
  | { readonly op: 'repeat'; readonly sub: RegexNode; readonly min: number; readonly max: number }
  | { readonly op: 'capture'; readonly sub: RegexNode }
  | { readonly op: 'concat'; readonly subs: readonly RegexNode[] }
  | { readonly op: 'alt'; readonly subs: readonly RegexNode[] }
  /** Something only the engine evaluates (word boundaries, Unicode classes, folded non-ASCII, ...). */
  | { readonly op: 'opaque' };

export interface ParsedRegex {
  readonly root: RegexNode;
  readonly captures: number;
}

const OPAQUE: RegexNode = { op: 'opaque' };
const EMPTY: RegexNode = { op: 'empty' };

class Bail extends Error {}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

/** Parses an RE2 pattern (already validated by the engine) with `.` matching newline by default. */
export function parseRegex(src: string): ParsedRegex | null {
  const p = new Parser(src);
  try {
    const root = p.parseAlt();
    if (p.pos !== src.length) return null;
    return { root, captures: p.captures };
  } catch (e) {
    if (e instanceof Bail) return null;
    throw e;
  }
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

class Parser {
  readonly src: string;
  pos = 0;
  captures = 0;
  flags: Flags = { i: false, m: false, s: true };

  constructor(src: string) {
    this.src = src;
  }

  parseAlt(): RegexNode {
    const subs = [this.parseConcat()];
    while (this.src.charCodeAt(this.pos) === 0x7c /* | */) {
      this.pos++;
      subs.push(this.parseConcat());
    }
    return subs.length === 1 ? subs[0]! : { op: 'alt', subs };
  }

  parseConcat(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      if (this.pos >= this.src.length) break;
      const c = this.src.charCodeAt(this.pos);
      if (c === 0x7c || c === 0x29 /* ) */) break;
      this.parseAtom(items);
      this.parseQuantifiers(items);
    }
    return concatOf(items);
  }

  /** Applies every quantifier that follows to the last item (as RE2 does, one character of a literal run). */
  parseQuantifiers(items: RegexNode[]): void {
    for (;;) {
      const c = this.src.charCodeAt(this.pos);
      let min: number, max: number;
      if (c === 0x2a /* * */) { min = 0; max = -1; this.pos++; }
      else if (c === 0x2b /* + */) { min = 1; max = -1; this.pos++; }
      else if (c === 0x3f /* ? */) { min = 0; max = 1; this.pos++; }
      else if (c === 0x7b /* { */) {
        const r = this.tryRepeatCount();
        if (r === null) return; // a literal '{', handled as an atom
        [min, max] = r;
      } else return;
      if (this.src.charCodeAt(this.pos) === 0x3f) this.pos++; // non-greedy: same language
      const last = items.pop();
      if (last === undefined) throw new Bail();
      items.push({ op: 'repeat', sub: last, min, max });
    }
  }

  /** `{n}`, `{n,}`, `{n,m}` at pos → [min, max] and advance; anything else → null, pos unchanged. */
  tryRepeatCount(): [number, number] | null {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 16));
    if (m === null) return null;
    this.pos += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    return [min, max];
  }

  parseAtom(items: RegexNode[]): void {
    const src = this.src;
    const c = src.codePointAt(this.pos)!;
    switch (c) {
      case 0x28: /* ( */ {
        this.parseGroup(items);
        return;
      }
      case 0x5b: /* [ */
        items.push(this.parseClass());
        return;
      case 0x2e: /* . */
        this.pos++;
        items.push({ op: 'any', nl: this.flags.s });
        return;
      case 0x5e: /* ^ */
        this.pos++;
        items.push(this.flags.m ? OPAQUE : { op: 'begin' });
        return;
      case 0x24: /* $ */
        this.pos++;
        items.push(this.flags.m ? OPAQUE : { op: 'end' });
        return;
      case 0x5c: /* \ */
        this.parseEscapeAtom(items);
        return;
      case 0x7b: /* { that is not a repeat count */
        this.pos++;
        items.push(this.literal(c));
        return;
      case 0x2a: case 0x2b: case 0x3f:
        throw new Bail();
      default:
        this.pos += c > 0xffff ? 2 : 1;
        items.push(this.literal(c));
    }
  }

  parseGroup(items: RegexNode[]): void {
    const src = this.src;
    const saved = { ...this.flags };
    let capture = true;
    if (src.charCodeAt(this.pos + 1) === 0x3f /* ? */) {
      const rest = src.slice(this.pos + 2, this.pos + 4);
      if (rest.startsWith('P<') || rest.startsWith('<')) {
        const close = src.indexOf('>', this.pos);
        if (close < 0) throw new Bail();
        this.pos = close + 1;
      } else {
        // Flags: (?flags) changes the rest of the enclosing group; (?flags:re) only re.
        let i = this.pos + 2;
        let neg = false;
        const f = { ...this.flags };
        for (;; i++) {
          const ch = src[i];
          if (ch === 'i') f.i = !neg;
          else if (ch === 'm') f.m = !neg;
          else if (ch === 's') f.s = !neg;
          else if (ch === 'U') { /* ungreedy: same language */ }
          else if (ch === '-') neg = true;
          else break;
        }
        const end = src[i];
        this.pos = i + 1;
        if (end === ')') {
          this.flags = f;
          return;
        }
        if (end !== ':') throw new Bail();
        this.flags = f;
        capture = false;
      }
    } else {
      this.pos++;
    }
    if (capture) this.captures++;
    const sub = this.parseAlt();
    if (src.charCodeAt(this.pos) !== 0x29) throw new Bail();
    this.pos++;
    this.flags = saved;
    items.push(capture ? { op: 'capture', sub } : sub);
  }

  parseEscapeAtom(items: RegexNode[]): void {
    const src = this.src;
    const e = src[this.pos + 1];
    switch (e) {
      case 'A': this.pos += 2; items.push({ op: 'begin' }); return;
      case 'z': this.pos += 2; items.push({ op: 'end' }); return;
      case 'b': case 'B': this.pos += 2; items.push(OPAQUE); return;
      case 'Q': {
        // Literal text up to \E or the end of the pattern, one literal per character.
        const start = this.pos + 2;
        let end = src.indexOf('\\E', start);
        const stop = end < 0 ? src.length : end;
        for (let i = start; i < stop;) {
          const cp = src.codePointAt(i)!;
          items.push(this.literal(cp));
          i += cp > 0xffff ? 2 : 1;
        }
        if (end < 0) end = src.length - 2;
        this.pos = end + 2;
        return;
      }
      default: {
        const perl = this.tryPerlClass();
        if (perl !== null) { items.push(perl); return; }
        if (e === 'p' || e === 'P') { this.skipUnicodeClass(); items.push(OPAQUE); return; }
        items.push(this.literal(this.parseEscapeChar()));
      }
    }
  }

  /** `\d \s \w` (ASCII, as in RE2) → class; `\D \S \W` → opaque. Advances on success. */
  tryPerlClass(): RegexNode | null {
    const e = this.src[this.pos + 1];
    let ranges: number[];
    switch (e) {
      case 'd': ranges = [0x30, 0x39]; break;
      case 's': ranges = [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20]; break;
      // Under (?i), \w also matches the non-ASCII folds of k and s: leave it to the engine.
      case 'w': ranges = this.flags.i ? [] : [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]; break;
      case 'D': case 'S': case 'W': ranges = []; break;
      default: return null;
    }
    this.pos += 2;
    return ranges.length === 0 ? OPAQUE : { op: 'class', ranges };
  }

  skipUnicodeClass(): void {
    // \pL or \p{Name} / \p{^Name}
    if (this.src[this.pos + 2] === '{') {
      const close = this.src.indexOf('}', this.pos);
      if (close < 0) throw new Bail();
      this.pos = close + 1;
    } else {
      this.pos += 3;
    }
  }

  /** A single-character escape at pos (`\x41`, `\x{263a}`, `\101`, `\n`, `\.`) → its code point. */
  parseEscapeChar(): number {
    const src = this.src;
    const e = src.charCodeAt(this.pos + 1);
    this.pos += 2;
    switch (e) {
      case 0x61: return 7; // \a
      case 0x66: return 12; // \f
      case 0x6e: return 10; // \n
      case 0x72: return 13; // \r
      case 0x74: return 9; // \t
      case 0x76: return 11; // \v
      case 0x78: { // \x
        if (src[this.pos] === '{') {
          const close = src.indexOf('}', this.pos);
          if (close < 0) throw new Bail();
          const v = parseInt(src.slice(this.pos + 1, close), 16);
          this.pos = close + 1;
          if (!Number.isFinite(v)) throw new Bail();
          return v;
        }
        const v = parseInt(src.slice(this.pos, this.pos + 2), 16);
        this.pos += 2;
        if (!Number.isFinite(v)) throw new Bail();
        return v;
      }
      default:
        if (e >= 0x30 && e <= 0x37) {
          // Octal: the first digit plus up to two more.
          let v = e - 0x30;
          for (let k = 0; k < 2; k++) {
            const d = src.charCodeAt(this.pos);
            if (!(d >= 0x30 && d <= 0x37)) break;
            v = v * 8 + (d - 0x30);
            this.pos++;
          }
          return v;
        }
        // Escaped ASCII punctuation is itself.
        if (e < 0x80 && !isAsciiLetter(e) && !isDigit(e)) return e;
        throw new Bail();
    }
  }

  literal(cp: number): RegexNode {
    const s = String.fromCodePoint(cp);
    if (cp < 0x80) {
      if (!isAsciiLetter(cp)) return { op: 'lit', s, mode: 'neutral' };
      return this.flags.i ? { op: 'lit', s: s.toLowerCase(), mode: 'fold' } : { op: 'lit', s, mode: 'sensitive' };
    }
    return this.flags.i ? OPAQUE : { op: 'lit', s, mode: 'sensitive' };
  }

  parseClass(): RegexNode {
    const src = this.src;
    this.pos++; // [
    let negated = false;
    if (src[this.pos] === '^') { negated = true; this.pos++; }
    let opaque = negated || this.flags.i;
    const ranges: number[] = [];
    let first = true;
    for (;;) {
      if (this.pos >= src.length) throw new Bail();
      if (src[this.pos] === ']' && !first) break;
      first = false;
      if (src.startsWith('[:', this.pos)) {
        const close = src.indexOf(':]', this.pos + 2);
        if (close >= 0) { this.pos = close + 2; opaque = true; continue; }
      }
      if (src[this.pos] === '\\') {
        const perl = this.tryPerlClass();
        if (perl !== null) {
          if (perl.op === 'class') ranges.push(...perl.ranges); else opaque = true;
          continue;
        }
        const e = src[this.pos + 1];
        if (e === 'p' || e === 'P') { this.skipUnicodeClass(); opaque = true; continue; }
      }
      const lo = this.classChar();
      let hi = lo;
      if (src[this.pos] === '-' && this.pos + 1 < src.length && src[this.pos + 1] !== ']') {
        this.pos++;
        hi = this.classChar();
      }
      if (hi < lo) throw new Bail();
      ranges.push(lo, hi);
    }
    this.pos++; // ]
    return opaque ? OPAQUE : { op: 'class', ranges };
  }

  classChar(): number {
    if (this.src[this.pos] === '\\') return this.parseEscapeChar();
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

/** Merges adjacent literals whose case modes agree (a neutral literal agrees with any). */
function concatOf(items: RegexNode[]): RegexNode {
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
  if (out.length === 0) return EMPTY;
  return out.length === 1 ? out[0]! : { op: 'concat', subs: out };
}

/** The mode of a concatenation or union of two parts, or null when they cannot share one. */
export function combineModes(a: CaseMode, b: CaseMode): CaseMode | null {
  if (a === b || b === 'neutral') return a;
  if (a === 'neutral') return b;
  return null;
}
