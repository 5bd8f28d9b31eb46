/**
 * File globs as Prometheus expands `rule_files` and `scrape_config_files` (Go's
 * filepath.Glob): `*`, `?`, `[...]` and `\` escapes within one path element, no `**`;
 * matches sorted; a pattern without meta characters matches itself if the file exists.
 * Matching is hand-written and linear per element, so a pattern cannot stall the process.
 */
import { readdirSync, lstatSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class GlobPatternError extends Error {
  override readonly name = 'GlobPatternError';
}

const hasMeta = (p: string): boolean => /[*?[\\]/.test(p);

/** Go's path.Match for one element; throws GlobPatternError on a malformed pattern. */
export function matchElement(pattern: string, name: string): boolean {
  // Dynamic programming over (pattern position, name position) keeps this linear-ish and safe.
  const tokens = tokenize(pattern);
  let states = new Set<number>([0]);
  const closure = (set: Set<number>): Set<number> => {
    const out = new Set(set);
    for (const s of set) {
      let k = s;
      while (k < tokens.length && tokens[k]!.t === 'star') { k++; out.add(k); }
    }
    return out;
  };
  states = closure(states);
  for (const ch of name) {
    const next = new Set<number>();
    for (const s of states) {
      const tok = tokens[s];
      if (tok === undefined) continue;
      switch (tok.t) {
        case 'star': if (ch !== '/') next.add(s); break;
        case 'any': if (ch !== '/') next.add(s + 1); break;
        case 'lit': if (ch === tok.c) next.add(s + 1); break;
        case 'class': if (ch !== '/' && tok.test(ch)) next.add(s + 1); break;
      }
    }
    states = closure(next);
    if (states.size === 0) return false;
  }
  return states.has(tokens.length);
}

type Token = { t: 'star' } | { t: 'any' } | { t: 'lit'; c: string } | { t: 'class'; test: (c: string) => boolean };

function tokenize(p: string): Token[] {
  const chars = Array.from(p);
  const out: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out.push({ t: 'star' });
    else if (c === '?') out.push({ t: 'any' });
    else if (c === '\\') {
      i++;
      if (i >= chars.length) throw new GlobPatternError('syntax error in pattern');
      out.push({ t: 'lit', c: chars[i]! });
    } else if (c === '[') {
      i++;
      let negate = false;
      if (chars[i] === '^') { negate = true; i++; }
      const ranges: [string, string][] = [];
      for (;;) {
        if (i >= chars.length) throw new GlobPatternError('syntax error in pattern');
        if (chars[i] === ']' && ranges.length > 0) break;
        let lo = chars[i]!;
        if (lo === '\\') { i++; lo = chars[i] ?? ''; }
        if (lo === '' || lo === '-' || lo === ']') throw new GlobPatternError('syntax error in pattern');
        let hi = lo;
        if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
          hi = chars[i + 2]!;
          i += 2;
          if (hi === '\\') { i++; hi = chars[i] ?? ''; }
          if (hi === '') throw new GlobPatternError('syntax error in pattern');
        }
        ranges.push([lo, hi]);
        i++;
      }
      out.push({ t: 'class', test: (ch) => ranges.some(([a, b]) => ch >= a && ch <= b) !== negate });
    } else out.push({ t: 'lit', c });
  }
  return out;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Expands `pattern` against the file system, synchronously. */
export function globSync(pattern: string): string[] {
  if (!hasMeta(pattern)) return exists(pattern) ? [pattern] : [];
  const dir = dirname(pattern);
  const file = basename(pattern);
  tokenize(file); // reject malformed patterns even when the directory is missing
  const dirs = hasMeta(dir) && dir !== pattern ? globSync(dir) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    names.sort();
    for (const n of names) if (matchElement(file, n)) out.push(join(d, n));
  }
  return out;
}
