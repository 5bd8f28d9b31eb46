/**
 * The classic matchers parser of Alertmanager 0.25 (`pkg/labels.ParseMatchers`): split on
 * commas outside quotes, then `name op value` per part, where values may be quoted or not.
 * Error texts are Alertmanager's.
 */
import { AMMatcher, type MatchType } from './matcher.js';

const MATCHER_RE = /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/;

export class MatcherParseError extends Error {
  override readonly name = 'MatcherParseError';
}

export function parseClassicMatchers(input: string): AMMatcher[] {
  let s = input;
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let inside = false;
  let escaped = false;
  let tok = '';
  for (const r of s) {
    switch (r) {
      case ',':
        if (!inside) {
          tokens.push(tok);
          tok = '';
          continue;
        }
        break;
      case '"':
        if (!escaped) inside = !inside;
        else escaped = false;
        break;
      case '\\':
        escaped = !escaped;
        break;
      default:
        escaped = false;
    }
    tok += r;
  }
  const last = tok.trim();
  if (last !== '') tokens.push(last);
  return tokens.map(parseClassicMatcher);
}

export function parseClassicMatcher(s: string): AMMatcher {
  const ms = MATCHER_RE.exec(s);
  if (ms === null) throw new MatcherParseError(`bad matcher format: ${s}`);
  const raw3 = ms[3]!;
  let raw = raw3;
  let expectTrailingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    if (escaped) {
      escaped = false;
      if (r === 'n') value += '\n';
      else if (r === '"' || r === '\\') value += r;
      else value += '\\' + r;
      continue;
    }
    if (r === '\\') {
      if (i < raw.length - 1) { escaped = true; continue; }
      value += '\\';
    } else if (r === '"') {
      if (!expectTrailingQuote || i < raw.length - 1) throw new MatcherParseError(`matcher value contains unescaped double quote: ${raw3}`);
      expectTrailingQuote = false;
    } else {
      value += r;
    }
  }
  if (expectTrailingQuote) throw new MatcherParseError(`matcher value contains unescaped double quote: ${raw3}`);
  return new AMMatcher(ms[2] as MatchType, ms[1]!, value);
}
