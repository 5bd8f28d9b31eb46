/**
 * Matchers as Alertmanager reads them from configuration, the API and amtool: the UTF-8
 * parser first, falling back to the classic parser for input only the classic one accepts
 * (Alertmanager's default "fallback" mode, a superset of 0.25's classic behaviour).
 */
import { AMMatcher, compareMatchers } from './matcher.js';
import { MatcherParseError, parseClassicMatcher, parseClassicMatchers } from './parse-classic.js';
import { parseUTF8Matchers } from './parse-utf8.js';

export { MatcherParseError };

/** Parses a matchers expression (`{a="b", c=~"d"}` or `a=b,c=~d`). Throws MatcherParseError. */
export function parseMatchers(input: string): AMMatcher[] {
  let utf8: AMMatcher[] | null = null;
  let classic: AMMatcher[] | null = null;
  let classicErr: unknown = null;
  try { utf8 = parseUTF8Matchers(input); } catch { utf8 = null; }
  try { classic = parseClassicMatchers(input); } catch (e) { classicErr = e; }
  if (utf8 === null) {
    if (classic === null) throw asParseError(classicErr);
    return classic;
  }
  // Where both parse but disagree, Alertmanager keeps the classic reading.
  if (classic !== null && !sameMatchers(utf8, classic)) return classic;
  return utf8;
}

/** Parses exactly one matcher (an API filter, an amtool argument). */
export function parseMatcher(input: string): AMMatcher {
  if (input.startsWith('{') || input.endsWith('}')) throw new MatcherParseError(`unexpected open or close brace: ${input}`);
  let utf8: AMMatcher | null = null;
  try {
    const ms = parseUTF8Matchers(input);
    if (ms.length === 1) utf8 = ms[0]!;
  } catch {
    utf8 = null;
  }
  let classic: AMMatcher | null = null;
  let classicErr: unknown = null;
  try { classic = parseClassicMatcher(input); } catch (e) { classicErr = e; }
  if (utf8 === null) {
    if (classic === null) throw asParseError(classicErr);
    return classic;
  }
  if (classic !== null && !classic.equals(utf8)) return classic;
  return utf8;
}

function asParseError(e: unknown): MatcherParseError {
  if (e instanceof MatcherParseError) return e;
  return new MatcherParseError(e instanceof Error ? e.message : String(e));
}

function sameMatchers(a: readonly AMMatcher[], b: readonly AMMatcher[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!a[i]!.equals(b[i]!)) return false;
  return true;
}

export function sortMatchers(ms: AMMatcher[]): AMMatcher[] {
  return ms.sort(compareMatchers);
}
