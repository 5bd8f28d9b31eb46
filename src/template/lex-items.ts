/**
 * Lexer tokens (Go's item types), their printed form in parse errors, keywords, and the
 * character classes of the template lexer.
 */
import { isPrint, quote } from './strconv.js';

export const enum It {
  Error, Bool, Char, CharConstant, Comment, Complex, Assign, Declare, EOF, Field, Identifier,
  LeftDelim, LeftParen, Number, Pipe, RawString, RightDelim, RightParen, Space, String, Text, Variable,
  Keyword, Block, Break, Continue, Dot, Define, Else, End, If, Nil, Range, Template, With,
}

export interface Item {
  readonly typ: It;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

export const KEYWORDS: ReadonlyMap<string, It> = new Map([
  ['.', It.Dot], ['block', It.Block], ['break', It.Break], ['continue', It.Continue], ['define', It.Define],
  ['else', It.Else], ['end', It.End], ['if', It.If], ['range', It.Range], ['nil', It.Nil],
  ['template', It.Template], ['with', It.With],
]);

/** Go's `item.String()`, used in "unexpected X in Y" messages. */
export function itemString(i: Item): string {
  if (i.typ === It.EOF) return 'EOF';
  if (i.typ === It.Error) return i.val;
  if (i.typ > It.Keyword) return `<${i.val}>`;
  // %.10q: the first ten runes.
  let end = 0;
  for (let n = 0; n < 10 && end < i.val.length; n++) end += i.val.codePointAt(end)! > 0xffff ? 2 : 1;
  if (end < i.val.length) return `${quote(i.val.slice(0, end))}...`;
  return quote(i.val);
}

export const EOF_RUNE = -1;
export const LEFT_COMMENT = '/*';
export const RIGHT_COMMENT = '*/';
const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

export function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

export function isAlphaNumeric(r: number): boolean {
  if (r === 0x5f) return true;
  if (r < 0) return false;
  if (r < 0x80) return (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  return LETTER_OR_DIGIT.test(String.fromCodePoint(r));
}

export function isPrintASCII(r: number): boolean {
  return r >= 0x20 && r < 0x7f;
}

export function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && s.charCodeAt(at) === 0x2d && isSpace(s.charCodeAt(at + 1));
}

export function hasRightTrimMarker(s: string, at: number): boolean {
  return s.length - at >= 2 && isSpace(s.charCodeAt(at)) && s.charCodeAt(at + 1) === 0x2d;
}

export const TRIM_MARKER_LEN = 2;

/** Go's `%#U` verb: `U+00A0 ' '` for printable runes, `U+0007` otherwise. */
export function runeDesc(r: number): string {
  const hex = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(r) ? `${hex} '${String.fromCodePoint(r)}'` : hex;
}
