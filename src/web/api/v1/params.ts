/**
 * Request parameters of the HTTP API, parsed as Prometheus parses them: timestamps (Unix
 * seconds with fractions, or RFC 3339), durations (float seconds or Prometheus durations),
 * limits (Go's `strconv.Atoi`), booleans (`strconv.ParseBool`) and `match[]` selectors,
 * with Prometheus's error texts.
 */
import { parseDuration as parseModelDuration, parseGoFloat, quoteGoString, type Matcher, type Millis } from '../../../model/index.js';
import { parseMetricSelectorMatchers, ParseErrors } from '../../../promql/parser/index.js';
import { ApiError } from './envelope.js';

/**
 * The defaults of optional time ranges, as Prometheus defines them (`MinTime`/`MaxTime`):
 * not the int64 extremes but close to them. In milliseconds (the nearest doubles); beyond the
 * safe-integer range, so they are only ever compared against, never stepped through.
 */
export const MIN_TIME_MS = -9223309901257974000 as Millis;
export const MAX_TIME_MS = 9223309901257975000 as Millis;
/** The two boundary times as RFC 3339 text; Prometheus accepts them back although their years have more than four digits. */
export const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
export const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';

/** 2^63 as a double: Go's int64 range is [-2^63, 2^63). */
const INT64_MAX = 2 ** 63;

/** A parameter failed to parse; the message is the reason, without the parameter's name. */
export class ParamError extends Error {
  override readonly name = 'ParamError';
}

/** `invalid parameter "<name>": <reason>` as a bad_data error. */
export function invalidParam(name: string, reason: string | Error): ApiError {
  const msg = typeof reason === 'string' ? reason : reason.message;
  return new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${msg}`);
}

/** Go's `math.Round`: halves away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Parses an API timestamp into milliseconds: a float number of Unix seconds (fractions
 * rounded to the millisecond), an RFC 3339 time, or one of the two boundary texts.
 */
export function parseTime(s: string): Millis {
  const f = parseGoFloat(s);
  if (f !== undefined) {
    const sec = Math.trunc(f);
    const frac = goRound((f - sec) * 1000) / 1000;
    const nsec = Math.trunc(frac * 1e9);
    if (!Number.isFinite(sec)) return (f > 0 ? MAX_TIME_MS : MIN_TIME_MS);
    // Nanoseconds of either sign are normalised into the second below, so floor.
    return (sec * 1000 + Math.floor(nsec / 1e6)) as Millis;
  }
  const t = parseRFC3339(s);
  if (t !== null) return t;
  if (s === MIN_TIME_TEXT) return MIN_TIME_MS;
  if (s === MAX_TIME_TEXT) return MAX_TIME_MS;
  throw new ParamError(`cannot parse ${quoteGoString(s)} to a valid timestamp`);
}

/** An optional time parameter: the default when empty; errors name the parameter twice, as Prometheus's do. */
export function parseTimeParam(value: string, name: string, dflt: Millis): Millis {
  if (value === '') return dflt;
  try {
    return parseTime(value);
  } catch (e) {
    throw invalidParam(name, `invalid time value for '${name}': ${(e as Error).message}`);
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Go's `time.Parse(time.RFC3339Nano, s)` in milliseconds (sub-millisecond digits dropped), or null. */
function parseRFC3339(s: string): Millis | null {
  const m = RFC3339.exec(s);
  if (m === null) return null;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  const hour = Number(m[4]), min = Number(m[5]), sec = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59) return null;
  const ms = m[7] === undefined ? 0 : Number((m[7] + '00').slice(0, 3));
  let offsetMin = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]), om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (oh * 60 + om) * (m[9] === '-' ? -1 : 1);
  }
  const utc = Date.UTC(year, month - 1, day, hour, min, sec, ms);
  // Date.UTC maps years 0-99 to 1900-1999; Go does not.
  const fixed = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return (fixed - offsetMin * 60_000) as Millis;
}

/**
 * Parses an API duration into milliseconds, with a fraction for sub-millisecond float
 * seconds (Go keeps nanoseconds; callers truncate where the engine would): float seconds, or
 * a Prometheus duration (`5m`, `1h30m`).
 */
export function parseDuration(s: string): number {
  const f = parseGoFloat(s);
  if (f !== undefined) {
    const ns = f * 1e9;
    if (ns > INT64_MAX || ns < -INT64_MAX) {
      throw new ParamError(`cannot parse ${quoteGoString(s)} to a valid duration. It overflows int64`);
    }
    return Math.trunc(ns) / 1e6;
  }
  try {
    return parseModelDuration(s);
  } catch {
    throw new ParamError(`cannot parse ${quoteGoString(s)} to a valid duration`);
  }
}

/** Go's `strconv.Atoi` with its error texts. */
export function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new ParamError(`strconv.Atoi: parsing ${quoteGoString(s)}: invalid syntax`);
  const b = BigInt(s);
  if (b > 9223372036854775807n || b < -9223372036854775808n) throw new ParamError(`strconv.Atoi: parsing ${quoteGoString(s)}: value out of range`);
  return Number(b);
}

/** Go's `strconv.ParseInt(s, 10, 32)`. */
export function parseInt32(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new ParamError(`strconv.ParseInt: parsing ${quoteGoString(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 2147483647 || n < -2147483648) throw new ParamError(`strconv.ParseInt: parsing ${quoteGoString(s)}: value out of range`);
  return n;
}

/** Go's `strconv.ParseBool`. */
export function parseBool(s: string): boolean {
  switch (s) {
    case '1': case 't': case 'T': case 'TRUE': case 'true': case 'True': return true;
    case '0': case 'f': case 'F': case 'FALSE': case 'false': case 'False': return false;
    default: throw new ParamError(`strconv.ParseBool: parsing ${quoteGoString(s)}: invalid syntax`);
  }
}

/** The `limit` parameter: 0 (no limit) when empty; a negative or malformed one is `invalid parameter "limit"`. */
export function parseLimitParam(s: string): number {
  if (s === '') return 0;
  let n: number;
  try {
    n = atoi(s);
  } catch (e) {
    throw invalidParam('limit', e as Error);
  }
  if (n < 0) throw invalidParam('limit', 'limit must be non-negative');
  return n;
}

/** The limit asked of storage: one more than the API's, so that truncation can be noticed. */
export function toHintLimit(limit: number): number {
  return limit > 0 && limit < Number.MAX_SAFE_INTEGER ? limit + 1 : limit;
}

/** The warning Prometheus adds when a `limit` cut the result. */
export const TRUNCATED_WARNING = 'results truncated due to limit';

/**
 * Parses `match[]` selectors. A syntax error throws ParamError with the parser's message;
 * a selector whose matchers all match the empty string is refused as Prometheus refuses it.
 */
export function parseMatchersParam(values: readonly string[]): Matcher[][] {
  const sets: Matcher[][] = [];
  for (const v of values) {
    try {
      sets.push(parseMetricSelectorMatchers(v));
    } catch (e) {
      if (e instanceof ParseErrors) throw new ParamError(e.message);
      throw e;
    }
  }
  for (const ms of sets) {
    if (!ms.some((m) => !m.matchesEmpty())) throw new ParamError('match[] must contain at least one non-empty matcher');
  }
  return sets;
}

/** Prometheus's `UnescapeName` for the values-escaping scheme (`U__` names); the input unchanged when it is not a valid escape. */
export function unescapeValuesName(name: string): string {
  if (!name.startsWith('U__')) return name;
  const esc = name.slice(3);
  let out = '';
  for (let i = 0; i < esc.length; i++) {
    if (esc[i] !== '_') {
      out += esc.charAt(i);
      continue;
    }
    i++;
    if (i >= esc.length) return name;
    if (esc[i] === '_') {
      out += '_';
      continue;
    }
    let cp = 0;
    let closed = false;
    for (let j = 0; i < esc.length; j++) {
      if (j >= 6) return name;
      if (esc[i] === '_') {
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return name;
        out += String.fromCodePoint(cp);
        closed = true;
        break;
      }
      const c = esc[i]!.toLowerCase();
      if (c >= '0' && c <= '9') cp = cp * 16 + (c.charCodeAt(0) - 48);
      else if (c >= 'a' && c <= 'f') cp = cp * 16 + (c.charCodeAt(0) - 87);
      else return name;
      i++;
    }
    if (!closed) return name;
  }
  return out;
}
