/**
 * File name patterns with Go's `filepath.Match` / `filepath.Glob` semantics (which file SD
 * uses): `*` any run of non-separator characters, `?` one non-separator character,
 * `[...]` / `[^...]` a character class with `a-z` ranges, `\` escaping the next character.
 * A malformed pattern is an error ("syntax error in pattern"), never a silent mismatch.
 */
import { readdir, lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';

export class GlobPatternError extends Error {
  override readonly name = 'GlobPatternError';
  constructor(pattern: string) {
    super(`syntax error in pattern: ${JSON.stringify(pattern)}`);
  }
}

type Token =
  | { kind: 'lit'; cp: number }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; negated: boolean; ranges: number[] /* lo0, hi0, lo1, hi1, ... */ };

const SLASH = 0x2f;

/** A compiled pattern for one path element or a whole path. Immutable. */
export class GlobPattern {
  readonly source: string;
  readonly #tokens: readonly Token[];

  /** Throws `GlobPatternError` when the pattern is malformed. */
  constructor(pattern: string) {
    this.source = pattern;
    this.#tokens = compile(pattern);
  }

  /** Whether the whole of `name` matches. */
  matches(name: string): boolean {
    const cps = codePoints(name);
    const tk = this.#tokens;
    // Greedy matching with backtracking to the last star: linear in practice, and correct
    // because every token other than a star consumes exactly one character.
    let ti = 0, ni = 0, starTi = -1, starNi = 0;
    while (ni < cps.length) {
      const t = tk[ti];
      if (t !== undefined && t.kind !== 'star' && matchOne(t, cps[ni]!)) { ti++; ni++; continue; }
      if (t !== undefined && t.kind === 'star') { starTi = ti++; starNi = ni; continue; }
      if (starTi >= 0 && cps[starNi] !== SLASH) { ti = starTi + 1; ni = ++starNi; continue; }
      return false;
    }
    while (ti < tk.length && tk[ti]!.kind === 'star') ti++;
    return ti === tk.length;
  }
}

function matchOne(t: Token, cp: number): boolean {
  switch (t.kind) {
    case 'lit': return t.cp === cp;
    case 'any': return cp !== SLASH;
    case 'star': return false;
    case 'class': {
      if (cp === SLASH) return false;
      let hit = false;
      for (let i = 0; i < t.ranges.length; i += 2) {
        if (cp >= t.ranges[i]! && cp <= t.ranges[i + 1]!) { hit = true; break; }
      }
      return hit !== t.negated;
    }
  }
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

function compile(pattern: string): Token[] {
  const p = codePoints(pattern);
  const out: Token[] = [];
  let i = 0;
  const bad = (): never => { throw new GlobPatternError(pattern); };
  // One possibly escaped class member; ']' and '-' must be escaped inside a class, as in Go.
  const classChar = (): number => {
    let c = p[i];
    if (c === undefined || c === 0x5d /* ] */ || c === 0x2d /* - */) return bad();
    if (c === 0x5c /* \ */) {
      i++;
      c = p[i];
      if (c === undefined) return bad();
    }
    i++;
    return c;
  };
  while (i < p.length) {
    const c = p[i]!;
    switch (c) {
      case 0x2a: // *
        i++;
        if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
        break;
      case 0x3f: // ?
        i++;
        out.push({ kind: 'any' });
        break;
      case 0x5c: // \
        i++;
        if (i >= p.length) bad();
        out.push({ kind: 'lit', cp: p[i++]! });
        break;
      case 0x5b: { // [
        i++;
        let negated = false;
        if (p[i] === 0x5e /* ^ */) { negated = true; i++; }
        const ranges: number[] = [];
        for (;;) {
          if (p[i] === 0x5d && ranges.length > 0) { i++; break; }
          const lo = classChar();
          let hi = lo;
          if (p[i] === 0x2d) {
            i++;
            hi = classChar();
            if (hi < lo) bad();
          }
          ranges.push(lo, hi);
        }
        out.push({ kind: 'class', negated, ranges });
        break;
      }
      default:
        i++;
        out.push({ kind: 'lit', cp: c });
    }
  }
  return out;
}

/** Whether a path contains glob metacharacters (Go's `hasMeta` on Unix). */
export function hasGlobMeta(path: string): boolean {
  return /[*?[\\]/.test(path);
}

/** Splits like Go's `filepath.Split`: everything up to and including the last '/', and the rest. */
export function splitPath(path: string): [dir: string, file: string] {
  const i = path.lastIndexOf('/');
  return [path.slice(0, i + 1), path.slice(i + 1)];
}

function cleanGlobDir(dir: string): string {
  if (dir === '') return '.';
  if (dir === '/') return dir;
  return dir.slice(0, -1);
}

/**
 * The paths matching a pattern, as Go's `filepath.Glob` returns them: a pattern without
 * metacharacters yields itself when it exists; otherwise matches are joined to the cleaned
 * directory, sorted per directory. I/O errors (a missing or unreadable directory) yield no
 * matches; only a malformed pattern throws.
 */
export async function glob(pattern: string): Promise<string[]> {
  if (!hasGlobMeta(pattern)) {
    try {
      await lstat(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const [d, file] = splitPath(pattern);
  const dir = cleanGlobDir(d);
  const base = new GlobPattern(file);
  if (!hasGlobMeta(dir)) return globDir(dir, base);
  if (dir === pattern) throw new GlobPatternError(pattern); // cannot recurse on the same pattern
  const out: string[] = [];
  for (const sub of await glob(dir)) out.push(...await globDir(sub, base));
  return out;
}

async function globDir(dir: string, base: GlobPattern): Promise<string[]> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return [];
    names = await readdir(dir);
  } catch {
    return [];
  }
  names.sort();
  const out: string[] = [];
  for (const n of names) if (base.matches(n)) out.push(join(dir, n));
  return out;
}
