/**
 * Prometheus's string functions: `title` (x/text/cases title casing without lowering),
 * `toUpper`/`toLower` (Go's per-rune simple case mapping), `stripPort`/`stripDomain` (Go's
 * net.SplitHostPort and net.ParseIP), `graphLink`/`tableLink`, and the RE2 regex functions
 * `match`/`reReplaceAll` (unanchored, Go's `$name` replacement expansion). Patterns run on
 * re2js, a linear-time engine: no user pattern ever reaches JavaScript's RegExp.
 */
import { isIP } from 'node:net';
import { RE2JS } from 're2js';
import { FastRegexMatcher, RegexError } from '../../model/index.js';
import { queryEscape } from '../escape.js';
import { canBackquote, quote } from '../strconv.js';
import { goToLower } from '../../util/go-case.js';

const CASED = /^\p{Cased}$/u;
const LETTER_CLASS = /^[\p{Alphabetic}\p{Nd}\p{M}\p{Pc}\p{Cf}\u200d]$/u;
/** UAX #29 MidLetter, MidNumLet and Single_Quote. */
const MID = new Set([0x27, 0x2e, 0x3a, 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027, 0xfe13, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a]);
const IDEOGRAPHIC = /^[\p{Ideographic}\p{Script=Hiragana}\p{Script=Katakana}]$/u;

/** Title-case mappings that differ from upper-casing. */
const TITLE_SPECIAL: ReadonlyMap<string, string> = new Map([
  ['ß', 'Ss'], ['Ǆ', 'ǅ'], ['ǅ', 'ǅ'], ['ǆ', 'ǅ'], ['Ǉ', 'ǈ'], ['ǈ', 'ǈ'], ['ǉ', 'ǈ'], ['Ǌ', 'ǋ'], ['ǋ', 'ǋ'], ['ǌ', 'ǋ'],
  ['Ǳ', 'ǲ'], ['ǲ', 'ǲ'], ['ǳ', 'ǲ'], ['ﬀ', 'Ff'], ['ﬁ', 'Fi'], ['ﬂ', 'Fl'], ['ﬃ', 'Ffi'], ['ﬄ', 'Ffl'], ['ﬅ', 'St'],
  ['ﬆ', 'St'], ['ŉ', 'ʼN'], ['և', 'Եւ'],
]);

type WordClass = 'letter' | 'mid' | 'break';

function wordClass(ch: string, cp: number): WordClass {
  if (MID.has(cp)) return 'mid';
  if (LETTER_CLASS.test(ch) && !IDEOGRAPHIC.test(ch)) return 'letter';
  return 'break';
}

/**
 * `cases.Title(language.AmericanEnglish, cases.NoLower)`: the first cased letter after a word
 * boundary is title-cased, the rest left as they are. Words are runs of letters, digits and
 * connectors that may contain single mid-word punctuation (`don't`, `a.b`); digits do not
 * start a word, so `1st` becomes `1St` as in Go.
 */
export function title(s: string): string {
  let out = '';
  let midWord = false;
  let prevMid = false;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const cls = wordClass(ch, cp);
    if (prevMid && cls === 'mid') midWord = false;
    if (CASED.test(ch)) {
      if (!midWord) {
        out += TITLE_SPECIAL.get(ch) ?? upperRune(ch);
        midWord = true;
      } else {
        out += ch;
      }
    } else {
      out += ch;
      if (cls === 'break') midWord = false;
    }
    prevMid = cls === 'mid';
  }
  return out;
}

function upperRune(ch: string): string {
  const u = ch.toUpperCase();
  return u.length === ch.length || u.length === (u.codePointAt(0)! > 0xffff ? 2 : 1) ? u : ch;
}

/** Go's `strings.ToUpper`: simple per-rune mapping (no `ß` → `SS`). */
export function toUpper(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) { ascii = false; break; }
  if (ascii) return s.toUpperCase();
  let out = '';
  for (const ch of s) out += upperRune(ch);
  return out;
}

/** Go's `strings.ToLower`: simple per-rune mapping (`İ` → `i`). */
export function toLower(s: string): string {
  return goToLower(s);
}

/** Go's `net.SplitHostPort`; null on error. */
export function splitHostPort(hostport: string): { host: string; port: string } | null {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return null;
  let host: string;
  let j = 0, k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) return null;
    if (end + 1 === hostport.length) return null;
    if (end + 1 !== i) return null;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return null;
  }
  if (hostport.indexOf('[', j) >= 0) return null;
  if (hostport.indexOf(']', k) >= 0) return null;
  return { host, port: hostport.slice(i + 1) };
}

/** Go's `net.JoinHostPort`. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Whether Go's `net.ParseIP` accepts `s` (no zones, no leading zeros in IPv4). */
export function isGoIP(s: string): boolean {
  if (s.includes('%')) return false;
  return isIP(s) !== 0;
}

export function stripPort(hostPort: string): string {
  const r = splitHostPort(hostPort);
  return r === null ? hostPort : r.host;
}

export function stripDomain(hostPort: string): string {
  const r = splitHostPort(hostPort);
  let host = r === null ? hostPort : r.host;
  const port = r === null ? '' : r.port;
  if (isGoIP(host)) return hostPort;
  host = host.split('.')[0]!;
  return port !== '' ? joinHostPort(host, port) : host;
}

export function graphLink(expr: string): string {
  return `/graph?g0.expr=${queryEscape(expr)}&g0.tab=0`;
}

export function tableLink(expr: string): string {
  return `/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;
}

const REGEX_CACHE_MAX = 256;
const regexCache = new Map<string, RE2JS>();

/** Compiles a Go (RE2) pattern for unanchored use; throws Go's `error parsing regexp: ...`. */
function compileGo(pattern: string): RE2JS {
  const hit = regexCache.get(pattern);
  if (hit !== undefined) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    // The model's matcher words compile errors as Go's regexp/syntax does.
    try {
      new FastRegexMatcher(pattern);
    } catch (me) {
      if (me instanceof RegexError) throw new Error(me.message, { cause: e });
    }
    throw new Error(`error parsing regexp: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (regexCache.size >= REGEX_CACHE_MAX) regexCache.delete(regexCache.keys().next().value!);
  regexCache.set(pattern, re);
  return re;
}

/** `regexp.MatchString`: whether `s` contains a match. */
export function match(pattern: string, s: string): boolean {
  return compileGo(pattern).matcher(s).find();
}

function goRegexpQuote(s: string): string {
  return canBackquote(s) ? '`' + s + '`' : quote(s);
}

/** `regexp.MustCompile(pattern).ReplaceAllString(text, repl)`. */
export function reReplaceAll(pattern: string, repl: string, text: string): string {
  let re: RE2JS;
  try {
    re = compileGo(pattern);
  } catch (e) {
    throw new Error(`regexp: Compile(${goRegexpQuote(pattern)}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const names = re.namedGroups();
  const m = re.matcher(text);
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  const end = text.length;
  while (searchPos <= end) {
    if (!m.find(searchPos)) break;
    const a0 = m.start(), a1 = m.end();
    out += text.slice(lastMatchEnd, a0);
    // An empty match right after the previous match is not replaced (Go's rule).
    if (a1 > lastMatchEnd || a0 === 0) out += expand(repl, m, names, m.groupCount());
    lastMatchEnd = a1;
    const cp = text.codePointAt(searchPos);
    const width = cp === undefined ? 1 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + text.slice(lastMatchEnd);
}

interface Groups {
  group(g: number): string | null;
}

/** Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown names expand to nothing. */
function expand(template: string, m: Groups, names: Record<string, number>, groups: number): string {
  let out = '';
  let t = template;
  for (;;) {
    const i = t.indexOf('$');
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const ex = extractName(t);
    if (ex === null) {
      out += '$';
      continue;
    }
    t = ex.rest;
    if (ex.num >= 0) {
      if (ex.num <= groups) out += m.group(ex.num) ?? '';
    } else {
      const idx = names[ex.name];
      if (idx !== undefined) out += m.group(idx) ?? '';
    }
  }
  return out + t;
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

function extractName(str: string): { name: string; num: number; rest: string } | null {
  if (str === '') return null;
  let s = str;
  let brace = false;
  if (s[0] === '{') {
    brace = true;
    s = s.slice(1);
  }
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return null;
  const name = s.slice(0, i);
  if (brace) {
    if (i >= s.length || s[i] !== '}') return null;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x30 || c > 0x39 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 0x30);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: s.slice(i) };
}
