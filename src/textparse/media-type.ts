/**
 * Content negotiation for scrapes: parsing a Content-Type as Go's `mime.ParseMediaType`
 * does, choosing the exposition format from it with the target's fallback protocol as
 * Prometheus 3 does, and the media types of the scrape protocols.
 */
import type { ScrapeProtocol } from '../config/types.js';
import { goQuote } from './bytes.js';
import { ParseError } from './interface.js';

/** The exposition formats a body can be parsed as, by media type. */
export type ExpositionMediaType = 'application/openmetrics-text' | 'application/vnd.google.protobuf' | 'text/plain';

/** Accept header values of the scrape protocols, as Prometheus sends them. */
export const SCRAPE_PROTOCOL_HEADERS: Readonly<Record<ScrapeProtocol, string>> = {
  PrometheusProto: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

/** The media type (no parameters) a scrape protocol stands for. */
export function protocolMediaType(p: ScrapeProtocol): ExpositionMediaType {
  switch (p) {
    case 'PrometheusProto':
      return 'application/vnd.google.protobuf';
    case 'PrometheusText0.0.4':
    case 'PrometheusText1.0.0':
      return 'text/plain';
    case 'OpenMetricsText0.0.1':
    case 'OpenMetricsText1.0.0':
      return 'application/openmetrics-text';
    default:
      return unreachable(p);
  }
}

function unreachable(x: never): never {
  throw new Error(`unexpected scrape protocol ${String(x)}`);
}

/** Shared between calls: do not modify. */
export interface MediaTypeChoice {
  readonly mediaType: ExpositionMediaType;
  /** Set when the fallback protocol was used: why, in Prometheus's words (Prometheus logs it at debug level). */
  readonly warning: string | undefined;
}

/**
 * Picks the parser's media type from a response Content-Type. A blank, unparsable or
 * unsupported Content-Type uses the fallback protocol when there is one (with a warning),
 * and is an error otherwise, with Prometheus 3's messages.
 */
export function chooseMediaType(contentType: string, fallback: ScrapeProtocol | ''): MediaTypeChoice {
  // Every scrape of a target asks about the same Content-Type: answer from the last choice.
  if (contentType === lastContentType && fallback === lastFallback && lastChoice !== null) return lastChoice;
  const c = chooseUncached(contentType, fallback);
  lastContentType = contentType;
  lastFallback = fallback;
  lastChoice = c;
  return c;
}

let lastContentType = '';
let lastFallback: ScrapeProtocol | '' = '';
let lastChoice: MediaTypeChoice | null = null;

function chooseUncached(contentType: string, fallback: ScrapeProtocol | ''): MediaTypeChoice {
  const fb = fallback === '' ? undefined : protocolMediaType(fallback);
  if (contentType === '') {
    if (fb === undefined) {
      throw new ParseError('non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target');
    }
    return { mediaType: fb, warning: `non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol ${goQuote(fb)}` };
  }
  const parsed = parseMediaType(contentType);
  if (parsed.error !== undefined) {
    if (fb === undefined) {
      throw new ParseError(`cannot parse Content-Type ${goQuote(contentType)} and no fallback_scrape_protocol for target\n${parsed.error}`);
    }
    return {
      mediaType: fb,
      warning: `could not parse received Content-Type ${goQuote(contentType)}, using fallback_scrape_protocol ${goQuote(fb)}\n${parsed.error}`,
    };
  }
  switch (parsed.mediaType) {
    case 'application/openmetrics-text':
    case 'application/vnd.google.protobuf':
    case 'text/plain':
      return { mediaType: parsed.mediaType, warning: undefined };
    default:
      break;
  }
  if (fb === undefined) {
    throw new ParseError(`received unsupported Content-Type ${goQuote(contentType)} and no fallback_scrape_protocol specified for target`);
  }
  return { mediaType: fb, warning: `received unsupported Content-Type ${goQuote(contentType)}, using fallback_scrape_protocol ${goQuote(fb)}` };
}

export interface ParsedMediaType {
  /** Lower-cased `type/subtype` (or a lone type token, which Go accepts). */
  mediaType: string;
  params: Map<string, string>;
  /** Go's error text (`mime: ...`) when the value does not parse. */
  error: string | undefined;
}

const TSPECIALS = '()<>@,;:\\"/[]?=';

function isTokenChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && !TSPECIALS.includes(String.fromCharCode(c));
}

/** Go's `unicode.IsSpace` restricted to what can appear in a header value. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
}

function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return s.slice(i);
}

function consumeToken(s: string): [string, string] {
  let i = 0;
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return [s.slice(0, i), s.slice(i)];
}

/** A token or a quoted string (backslash escapes only a special character; no CR/LF inside). */
function consumeValue(s: string): [string, string] {
  if (s === '') return ['', s];
  if (s[0] !== '"') return consumeToken(s);
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') return [out, s.slice(i + 1)];
    if (ch === '\\' && i + 1 < s.length && TSPECIALS.includes(s[i + 1]!)) {
      out += s.charAt(i + 1);
      i++;
    } else if (ch === '\r' || ch === '\n') {
      return ['', s];
    } else {
      out += ch;
    }
  }
  return ['', s];
}

function consumeParam(v: string): [string, string, string] {
  let rest = trimLeftSpace(v);
  if (!rest.startsWith(';')) return ['', '', v];
  rest = trimLeftSpace(rest.slice(1));
  let param: string;
  [param, rest] = consumeToken(rest);
  param = param.toLowerCase();
  if (param === '') return ['', '', v];
  rest = trimLeftSpace(rest);
  if (!rest.startsWith('=')) return ['', '', v];
  rest = trimLeftSpace(rest.slice(1));
  const [value, rest2] = consumeValue(rest);
  if (value === '' && rest2 === rest) return ['', '', v];
  return [param, value, rest2];
}

/** Go's `mime.ParseMediaType`, without RFC 2231 parameter continuations. */
export function parseMediaType(v: string): ParsedMediaType {
  const semi = v.indexOf(';');
  const base = semi < 0 ? v : v.slice(0, semi);
  const mediaType = base.toLowerCase().trim();
  const params = new Map<string, string>();
  const [typ, rest] = consumeToken(mediaType);
  if (typ === '') return { mediaType: '', params, error: 'mime: no media type' };
  if (rest !== '') {
    if (!rest.startsWith('/')) return { mediaType: '', params, error: 'mime: expected slash after first token' };
    const [sub, rest2] = consumeToken(rest.slice(1));
    if (sub === '') return { mediaType: '', params, error: 'mime: expected token after slash' };
    if (rest2 !== '') return { mediaType: '', params, error: 'mime: unexpected content after media subtype' };
  }
  let p = v.slice(base.length);
  while (p.length > 0) {
    p = trimLeftSpace(p);
    if (p === '') break;
    const [key, value, rest3] = consumeParam(p);
    if (key === '') {
      if (p.trim() === ';') break; // a trailing semicolon is tolerated
      return { mediaType, params, error: 'mime: invalid media parameter' };
    }
    const prev = params.get(key);
    if (prev !== undefined && prev !== value) return { mediaType: '', params, error: 'mime: duplicate parameter name' };
    params.set(key, value);
    p = rest3;
  }
  return { mediaType, params, error: undefined };
}
