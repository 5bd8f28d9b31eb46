/**
 * Exposition formats as the Content-Type strings Prometheus's expfmt uses for them, and how a
 * format string is read back: its family (`formatType`) and its name-escaping scheme.
 */
import { DEFAULT_ESCAPING_SCHEME, isEscapingScheme, type EscapingScheme } from './escape.js';

/** A Content-Type value naming an exposition format, e.g. `FMT_TEXT + '; escaping=underscores'`. */
export type Format = string;

export const TEXT_VERSION = '0.0.4';
export const PROTO_TYPE = 'application/vnd.google.protobuf';
export const PROTO_PROTOCOL = 'io.prometheus.client.MetricFamily';
export const OPENMETRICS_TYPE = 'application/openmetrics-text';

export const FMT_TEXT: Format = `text/plain; version=${TEXT_VERSION}; charset=utf-8`;
export const FMT_PROTO_DELIM: Format = `${PROTO_TYPE}; proto=${PROTO_PROTOCOL}; encoding=delimited`;
export const FMT_PROTO_TEXT: Format = `${PROTO_TYPE}; proto=${PROTO_PROTOCOL}; encoding=text`;
export const FMT_PROTO_COMPACT: Format = `${PROTO_TYPE}; proto=${PROTO_PROTOCOL}; encoding=compact-text`;
export const FMT_OPENMETRICS_1_0_0: Format = `${OPENMETRICS_TYPE}; version=1.0.0; charset=utf-8`;
export const FMT_OPENMETRICS_0_0_1: Format = `${OPENMETRICS_TYPE}; version=0.0.1; charset=utf-8`;

export type FormatType = 'unknown' | 'proto-compact' | 'proto-delim' | 'proto-text' | 'text-plain' | 'openmetrics';

/** `;`-separated `key=value` terms after the first, trimmed; terms without exactly one `=` are ignored. */
function params(f: Format): Map<string, string> {
  const out = new Map<string, string>();
  const toks = f.split(';');
  for (let i = 1; i < toks.length; i++) {
    const kv = toks[i]!.split('=');
    if (kv.length !== 2) continue;
    out.set(kv[0]!.trim(), kv[1]!.trim());
  }
  return out;
}

/**
 * The format family of a Content-Type string, read as expfmt reads it: protobuf needs the
 * MetricFamily `proto` and a known `encoding`; OpenMetrics needs `charset=utf-8`; text/plain
 * takes no version or 0.0.4.
 */
export function formatType(f: Format): FormatType {
  const p = params(f);
  switch (f.split(';')[0]!.trim()) {
    case PROTO_TYPE:
      if (p.get('proto') !== PROTO_PROTOCOL) return 'unknown';
      switch (p.get('encoding')) {
        case 'delimited': return 'proto-delim';
        case 'text': return 'proto-text';
        case 'compact-text': return 'proto-compact';
        default: return 'unknown';
      }
    case OPENMETRICS_TYPE:
      return p.get('charset') === 'utf-8' ? 'openmetrics' : 'unknown';
    case 'text/plain': {
      const v = p.get('version');
      return v === undefined || v === TEXT_VERSION ? 'text-plain' : 'unknown';
    }
    default:
      return 'unknown';
  }
}

/**
 * The escaping scheme a format string names in its `escaping=` term; the default
 * (`underscores`) when it names none or an unknown one.
 */
export function formatEscapingScheme(f: Format): EscapingScheme {
  for (const term of f.split(';')) {
    const kv = term.split('=');
    if (kv.length !== 2) continue;
    if (kv[0]!.trim() !== 'escaping') continue;
    const v = kv[1]!.trim();
    return isEscapingScheme(v) ? v : DEFAULT_ESCAPING_SCHEME;
  }
  return DEFAULT_ESCAPING_SCHEME;
}

/** The format with its `escaping=` term replaced by (or added as) the scheme, terms joined by `; `. */
export function withEscapingScheme(f: Format, scheme: EscapingScheme): Format {
  const terms: string[] = [];
  for (const p of f.split(';')) {
    const kv = p.split('=');
    if (kv.length !== 2) {
      const t = p.trim();
      if (t !== '') terms.push(t);
      continue;
    }
    if (kv[0]!.trim() !== 'escaping') terms.push(p.trim());
  }
  terms.push('escaping=' + scheme);
  return terms.join('; ');
}
