/**
 * Value kinds of alertmanager.yml beyond the shared scalars: Alertmanager's URLs (http/https
 * with a host, `<secret>` accepted where a URL is secret), `host:port`, matcher lists in both
 * syntaxes, `match_re` maps, Go `time.Duration`s, and optional (pointer) values.
 */
import { DecodeError } from '../../config/errors.js';
import { secret, string } from '../../config/scalars.js';
import { dict, list, typeError, struct } from '../../config/schema.js';
import type { Kind, StructKind } from '../../config/schema.js';
import { httpClientFields, validateHTTPClient } from '../../config/http-client.js';
import { splitURL } from '../../config/url.js';
import type { HTTPClientConfig, Secret } from '../../config/types.js';
import { formatGoDuration, quoteGoString } from '../../model/index.js';
import { AMMatcher, compileAMRegex, isValidLabelName, parseMatchers, sortMatchers } from '../labels/index.js';

export type { Kind, StructKind };

/** A pointer-like optional value: absent or null is `null`. */
export function nullable<T>(k: Kind<T>): Kind<T | null> {
  return {
    goType: '*' + k.goType,
    decode: (n, d, path) => k.decode(n, d, path, k.zero()),
    zero: () => null,
    isZero: (v) => v === null,
    encode: (v, flow) => (v === null ? { t: 'raw', v: 'null' } : k.encode(v, flow)),
  };
}

/** Alertmanager's URL check: parseable, http or https, with a host. Returns the reason or null. */
export function checkAMURL(s: string): string | null {
  const p = splitURL(s);
  if (typeof p === 'string') return p;
  if (p.scheme !== 'http' && p.scheme !== 'https') return `unsupported scheme ${quoteGoString(p.scheme)} for URL`;
  if (p.host === '') return 'missing host for URL';
  return null;
}

/** `config.URL` of Alertmanager. */
export const amURL: Kind<string> = {
  goType: 'config.URL',
  decode(n, d, path) {
    const s = string.decode(n, d, path, '');
    const why = checkAMURL(s);
    if (why !== null) throw new DecodeError(n.line, path, why);
    return s;
  },
  zero: () => '',
  isZero: (v) => v === '',
  encode: (v) => ({ t: 'str', v }),
};

export const SECRET_TOKEN = '<secret>';

/** `config.SecretURL`: a URL printed as `<secret>`; `<secret>` itself is accepted as written. */
export const secretURL: Kind<string> = {
  goType: 'config.SecretURL',
  decode(n, d, path) {
    const s = string.decode(n, d, path, '');
    if (s === SECRET_TOKEN) return s;
    const why = checkAMURL(s);
    if (why !== null) throw new DecodeError(n.line, path, why);
    return s;
  },
  zero: () => '',
  isZero: (v) => v === '',
  encode: () => ({ t: 'str', v: SECRET_TOKEN }),
};

/** A secret string. */
export const amSecret: Kind<Secret | ''> = secret;

export interface HostPort {
  host: string;
  port: string;
}

/** `host:port` as net.SplitHostPort reads it; '' is the zero value. */
export const hostPort: Kind<HostPort> = {
  goType: 'config.HostPort',
  decode(n, d, path) {
    const s = string.decode(n, d, path, '');
    if (s === '') return { host: '', port: '' };
    const r = splitHostPort(s);
    if (typeof r === 'string') throw new DecodeError(n.line, path, r);
    if (r.port === '') throw new DecodeError(n.line, path, `address ${quoteGoString(s)}: port cannot be empty`);
    return r;
  },
  zero: () => ({ host: '', port: '' }),
  isZero: (v) => v.host === '' && v.port === '',
  encode: (v) => ({ t: 'str', v: hostPortString(v) }),
};

export function hostPortString(v: HostPort): string {
  if (v.host === '' && v.port === '') return '';
  return v.host.includes(':') ? `[${v.host}]:${v.port}` : `${v.host}:${v.port}`;
}

function splitHostPort(s: string): HostPort | string {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return `address ${s}: missing ']' in address`;
    const rest = s.slice(end + 1);
    if (rest === '') return `address ${s}: missing port in address`;
    if (!rest.startsWith(':')) return `address ${s}: missing port in address`;
    return { host: s.slice(1, end), port: rest.slice(1) };
  }
  const i = s.lastIndexOf(':');
  if (i < 0) return `address ${s}: missing port in address`;
  const host = s.slice(0, i);
  if (host.includes(':')) return `address ${s}: too many colons in address`;
  return { host, port: s.slice(i + 1) };
}

/** `matchers:` — a list of matcher expressions, each possibly several matchers, sorted. */
export const matchersKind: Kind<AMMatcher[]> = {
  goType: 'config.Matchers',
  decode(n, d, path) {
    const lines = list(string).decode(n, d, path, []);
    const out: AMMatcher[] = [];
    for (const line of lines) {
      try {
        out.push(...parseMatchers(line));
      } catch (e) {
        throw new DecodeError(n.line, path, e instanceof Error ? e.message : String(e));
      }
    }
    return sortMatchers(out);
  },
  zero: () => [],
  isZero: (v) => v.length === 0,
  encode: (v) => ({ t: 'seq', items: v.map((m) => ({ t: 'str' as const, v: m.toString() })), flow: false }),
};

/** `match:` — label name to value, names checked with the classic rule. */
export const matchMap: Kind<Record<string, string>> = {
  ...dict(string),
  decode(n, d, path) {
    const m = dict(string).decode(n, d, path, {});
    for (const k of Object.keys(m)) {
      if (!isValidLabelName(k)) throw new DecodeError(n.line, path, `invalid label name ${quoteGoString(k)}`);
    }
    return m;
  },
};

/** `match_re:` — label name to regex (anchored, Go syntax). */
export const matchRegexps: Kind<Record<string, string>> = {
  ...dict(string),
  goType: 'config.MatchRegexps',
  decode(n, d, path) {
    if (n.kind !== 'map') throw typeError(n, 'config.MatchRegexps', path);
    const out: Record<string, string> = {};
    for (const e of n.entries) {
      if (e.value.kind === 'scalar' && e.value.tag === 'null') throw new DecodeError(e.line, path, `invalid regexp value for ${quoteGoString(e.key)}`);
      const s = string.decode(e.value, d, `${path}.${e.key}`, '');
      try {
        compileAMRegex(s);
      } catch (err) {
        throw new DecodeError(e.line, `${path}.${e.key}`, err instanceof Error ? err.message : String(err));
      }
      out[e.key] = s;
    }
    for (const k of Object.keys(out)) {
      if (!isValidLabelName(k)) throw new DecodeError(n.line, path, `invalid label name ${quoteGoString(k)}`);
    }
    return out;
  },
};

/** Go's time.Duration as go-yaml reads it: a string for time.ParseDuration (or an integer of ns). */
export const goDuration: Kind<number> = {
  goType: 'time.Duration',
  decode(n, d, path) {
    if (n.kind === 'scalar' && n.tag === 'int' && typeof n.value === 'number') return n.value / 1e6;
    const s = string.decode(n, d, path, '');
    const ms = parseGoDuration(s);
    if (ms === null) throw new DecodeError(n.line, path, `time: invalid duration ${quoteGoString(s)}`);
    return ms;
  },
  zero: () => 0,
  isZero: (v) => v === 0,
  encode: (v) => ({ t: 'str', v: formatGoDuration(v) }),
};

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** Go's time.ParseDuration, in milliseconds; null when invalid. */
export function parseGoDuration(s: string): number | null {
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const m = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (m === null) return null;
  let total = 0;
  const re = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  for (let p = re.exec(m[2]!); p !== null; p = re.exec(m[2]!)) total += Number(p[1]) * UNIT_MS[p[2]!]!;
  return m[1] === '-' ? -total : total;
}

/** The HTTP client settings of a receiver or `global.http_config`, validated as prometheus/common does. */
export const amHTTPClient: StructKind<HTTPClientConfig> = struct<HTTPClientConfig>('config.HTTPClientConfig', httpClientFields, {
  validate: validateHTTPClient,
});
