/**
 * Content negotiation from an Accept header, as Prometheus 3.14 does it (expfmt's `Negotiate`
 * and `NegotiateIncludingOpenMetrics`): clauses are parsed and ordered as goautoneg does,
 * the first clause naming a format the server offers wins, and the `escaping=` parameter of
 * any clause read up to that point picks the name-escaping scheme. Without a match the text
 * format is served. The result is the Content-Type to answer with.
 */
import { parseGoFloat } from '../model/index.js';
import { DEFAULT_ESCAPING_SCHEME, isEscapingScheme, type EscapingScheme } from './escape.js';
import {
  FMT_OPENMETRICS_0_0_1, FMT_OPENMETRICS_1_0_0, FMT_PROTO_COMPACT, FMT_PROTO_DELIM, FMT_PROTO_TEXT, FMT_TEXT,
  OPENMETRICS_TYPE, PROTO_PROTOCOL, PROTO_TYPE, TEXT_VERSION, type Format,
} from './format.js';

/** One clause of an Accept header. Type names and parameter names keep their case. */
export interface AcceptClause {
  type: string;
  subType: string;
  /** Weight, parsed as a float32 (0 when unparsable, as goautoneg leaves it). */
  q: number;
  params: Map<string, string>;
}

/** Splits at the first `sep`: [before, after] ('' after when there is none). */
function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** Trims spaces only (not tabs), as goautoneg does. */
function trimSpaces(s: string): string {
  let a = 0, b = s.length;
  while (a < b && s.charCodeAt(a) === 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) === 0x20) b--;
  return s.slice(a, b);
}

function parseQ(s: string): number {
  const v = parseGoFloat(s);
  return v === undefined ? 0 : Math.fround(v);
}

/** goautoneg's ordering: a higher q first; a concrete type before `*`; a concrete subtype before `*`. */
function less(a: AcceptClause, b: AcceptClause): boolean {
  if (a.q > b.q) return true;
  if (a.type !== '*' && b.type === '*') return true;
  if (a.subType !== '*' && b.subType === '*') return true;
  return false;
}

/**
 * The clauses of an Accept header in goautoneg's order. Clauses without a subtype (other than
 * `*`) or with more than one `/` are dropped; parameters without exactly one `=` are ignored.
 * The order is that of Go's sort for headers of up to 12 clauses (an insertion sort by the
 * comparison above); longer headers may order equal-weight clauses differently than Go.
 */
export function parseAccept(header: string): AcceptClause[] {
  const out: AcceptClause[] = [];
  let remaining = header;
  while (remaining.length > 0) {
    let part: string;
    [part, remaining] = cut(remaining, ',');
    part = trimSpaces(part);
    const [range, paramText] = cut(part, ';');
    const [t, rest] = cut(range, '/');
    const type = trimSpaces(t);
    let subType: string;
    if (rest.length === 0) {
      if (type !== '*') continue;
      subType = '*';
    } else {
      const [st, extra] = cut(rest, '/');
      if (extra.length > 0) continue;
      subType = trimSpaces(st);
    }
    const clause: AcceptClause = { type, subType, q: 1, params: new Map() };
    let p = paramText;
    while (p.length > 0) {
      let kv: string;
      [kv, p] = cut(p, ';');
      const [k, v] = cut(kv, '=');
      if (v.length === 0) continue;
      const [value, more] = cut(v, '=');
      if (more.length !== 0) continue;
      const key = trimSpaces(k);
      if (key === 'q') clause.q = parseQ(value);
      else clause.params.set(key, trimSpaces(value));
    }
    out.push(clause);
  }
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j]!, out[j - 1]!); j--) {
      const x = out[j]!;
      out[j] = out[j - 1]!;
      out[j - 1] = x;
    }
  }
  return out;
}

function negotiateWith(accept: string, openMetrics: boolean): Format {
  let escaping: EscapingScheme = DEFAULT_ESCAPING_SCHEME;
  for (const ac of parseAccept(accept)) {
    const esc = ac.params.get('escaping') ?? '';
    if (isEscapingScheme(esc)) escaping = esc;
    const ver = ac.params.get('version') ?? '';
    const full = ac.type + '/' + ac.subType;
    if (full === PROTO_TYPE && ac.params.get('proto') === PROTO_PROTOCOL) {
      switch (ac.params.get('encoding')) {
        case 'delimited': return FMT_PROTO_DELIM + '; escaping=' + escaping;
        case 'text': return FMT_PROTO_TEXT + '; escaping=' + escaping;
        case 'compact-text': return FMT_PROTO_COMPACT + '; escaping=' + escaping;
        default: break;
      }
    }
    if (ac.type === 'text' && ac.subType === 'plain' && (ver === TEXT_VERSION || ver === '')) {
      return FMT_TEXT + '; escaping=' + escaping;
    }
    if (openMetrics && full === OPENMETRICS_TYPE && (ver === '0.0.1' || ver === '1.0.0' || ver === '')) {
      return (ver === '1.0.0' ? FMT_OPENMETRICS_1_0_0 : FMT_OPENMETRICS_0_0_1) + '; escaping=' + escaping;
    }
  }
  return FMT_TEXT + '; escaping=' + escaping;
}

/**
 * The format to answer with for an Accept header (undefined or '' when the request had
 * none): protobuf (delimited, text or compact text) or the text format, never OpenMetrics.
 * This is what `/federate` serves.
 */
export function negotiate(accept: string | undefined): Format {
  return negotiateWith(accept ?? '', false);
}

/** As `negotiate`, with OpenMetrics 1.0.0 / 0.0.1 among the offered formats (what `/metrics` serves). */
export function negotiateIncludingOpenMetrics(accept: string | undefined): Format {
  return negotiateWith(accept ?? '', true);
}
