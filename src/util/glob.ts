/**
 * File name patterns with Go's `filepath.Match` / `filepath.Glob` semantics on Unix, which
 * Prometheus uses for `rule_files`, `scrape_config_files` and file SD: `*` any run of
 * non-separator characters, `?` one non-separator character, `[...]` / `[^...]` a character
 * class with `a-z` ranges, `\` escaping the next character; no `**`. A malformed pattern is
 * an error ("syntax error in pattern", Go's ErrBadPattern text), never a silent mismatch.
 * Matching is hand-written and linear in practice, so no pattern can stall the process.
 *
 * `glob` (async) and `globSync` expand a pattern the same way; only their I/O differs.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A malformed pattern. The message is Go's `filepath.ErrBadPattern` text. */
export class GlobPatternError extends Error {
  override readonly name = 'GlobPatternError';
  readonly pattern: string;
  constructor(pattern: string) {
    super('syntax error in pattern');
    this.pattern = pattern;
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

  /** Throws `GlobPatternError` when the pattern is malformed anywhere, as Go's Match does. */
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
          }
          // A reversed range (`[z-a]`) is not an error in Go; it simply matches nothing.
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

/** What expanding a pattern takes: shared by `glob` and `globSync`, which only do the I/O. */
type GlobPlan =
  /** No metacharacters: the pattern itself, if it exists. */
  | { kind: 'literal' }
  /** Match `base` against the entries of one directory. */
  | { kind: 'dir'; dir: string; base: GlobPattern }
  /** Expand `dir` as a pattern first, then match `base` in each directory found. */
  | { kind: 'dirs'; dir: string; base: GlobPattern };

function planGlob(pattern: string): GlobPlan {
  if (!hasGlobMeta(pattern)) return { kind: 'literal' };
  compile(pattern); // a malformed pattern is an error even where no directory exists
  const [d, file] = splitPath(pattern);
  const dir = cleanGlobDir(d);
  const base = new GlobPattern(file);
  if (!hasGlobMeta(dir)) return { kind: 'dir', dir, base };
  if (dir === pattern) throw new GlobPatternError(pattern); // cannot recurse on the same pattern
  return { kind: 'dirs', dir, base };
}

/** The matching entries of one directory, sorted and joined to it, appended to `out`. */
function collectMatches(dir: string, names: string[], base: GlobPattern, out: string[]): void {
  names.sort();
  for (const n of names) if (base.matches(n)) out.push(join(dir, n));
}

/**
 * The paths matching a pattern, as Go's `filepath.Glob` returns them: a pattern without
 * metacharacters yields itself when it exists; otherwise matches are joined to the cleaned
 * directory, sorted per directory. I/O errors (a missing or unreadable directory) yield no
 * matches; only a malformed pattern throws (`GlobPatternError`).
 */
export async function glob(pattern: string): Promise<string[]> {
  const plan = planGlob(pattern);
  const out: string[] = [];
  switch (plan.kind) {
    case 'literal':
      try {
        await lstat(pattern);
        out.push(pattern);
      } catch { /* a missing file matches nothing */ }
      return out;
    case 'dir':
      await globDir(plan.dir, plan.base, out);
      return out;
    case 'dirs':
      for (const sub of await glob(plan.dir)) await globDir(sub, plan.base, out);
      return out;
  }
}

async function globDir(dir: string, base: GlobPattern, out: string[]): Promise<void> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return;
    names = await readdir(dir);
  } catch {
    return;
  }
  collectMatches(dir, names, base, out);
}

/** `glob`, synchronously: for the config loader, which reads its files synchronously. */
export function globSync(pattern: string): string[] {
  const plan = planGlob(pattern);
  const out: string[] = [];
  switch (plan.kind) {
    case 'literal':
      try {
        lstatSync(pattern);
        out.push(pattern);
      } catch { /* a missing file matches nothing */ }
      return out;
    case 'dir':
      globDirSync(plan.dir, plan.base, out);
      return out;
    case 'dirs':
      for (const sub of globSync(plan.dir)) globDirSync(sub, plan.base, out);
      return out;
  }
}

function globDirSync(dir: string, base: GlobPattern, out: string[]): void {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return;
    names = readdirSync(dir);
  } catch {
    return;
  }
  collectMatches(dir, names, base, out);
}
