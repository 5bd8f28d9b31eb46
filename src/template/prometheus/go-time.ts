/**
 * Go's time.Time (in UTC) and time.Duration as template values, with the methods templates
 * call on them (`.Format "2006-01-02"`, `.Add`, `.UnixMilli`, `.String`, ...). A Time's raw
 * payload is its Unix time in nanoseconds (bigint); a Duration's is nanoseconds (bigint).
 */
import {
  type GoMethod, type GoType, type Value, GoVal, T, addMethods, namedType, ptrTo, rawOf, sig, structType,
} from '../types.js';

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Civil {
  year: number; month: number; day: number; hour: number; min: number; sec: number; nsec: number; weekday: number; yday: number;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function civil(ns: bigint): Civil {
  const ms = floorDiv(ns, NS_PER_MS);
  const nsec = Number(ns - floorDiv(ns, NS_PER_S) * NS_PER_S);
  const d = new Date(Number(ms));
  const y = d.getUTCFullYear();
  const yday = Math.round((dayStart(y, d.getUTCMonth(), d.getUTCDate()) - dayStart(y, 0, 1)) / 86_400_000) + 1;
  return {
    year: y, month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(), nsec, weekday: d.getUTCDay(), yday,
  };
}

/** Midnight UTC of a civil date (years 0-99 included, which Date.UTC would shift). */
function dayStart(y: number, month0: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, month0, day);
  return t.getTime();
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
}

type Std =
  | 'LongMonth' | 'Month' | 'NumMonth' | 'ZeroMonth' | 'LongWeekDay' | 'WeekDay' | 'Day' | 'UnderDay' | 'ZeroDay'
  | 'UnderYearDay' | 'ZeroYearDay' | 'Hour' | 'Hour12' | 'ZeroHour12' | 'Minute' | 'ZeroMinute' | 'Second' | 'ZeroSecond'
  | 'LongYear' | 'Year' | 'PM' | 'pm' | 'TZ'
  | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ' | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ'
  | 'NumTZ' | 'NumSecondsTz' | 'NumShortTZ' | 'NumColonTZ' | 'NumColonSecondsTZ'
  | { frac: '0' | '9'; n: number; sep: string };

function isLower(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x61 && c <= 0x7a;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

/** Go's nextStdChunk: the text before the next layout element, the element, and the rest. */
function nextStdChunk(layout: string): { prefix: string; std: Std | null; suffix: string } {
  const at = (i: number, s: string): boolean => layout.startsWith(s, i);
  for (let i = 0; i < layout.length; i++) {
    const hit = (std: Std, len: number): { prefix: string; std: Std; suffix: string } =>
      ({ prefix: layout.slice(0, i), std, suffix: layout.slice(i + len) });
    switch (layout[i]) {
      case 'J':
        if (at(i, 'Jan')) {
          if (at(i, 'January')) return hit('LongMonth', 7);
          if (!isLower(layout, i + 3)) return hit('Month', 3);
        }
        break;
      case 'M':
        if (at(i, 'Mon')) {
          if (at(i, 'Monday')) return hit('LongWeekDay', 6);
          if (!isLower(layout, i + 3)) return hit('WeekDay', 3);
        }
        if (at(i, 'MST')) return hit('TZ', 3);
        break;
      case '0': {
        const n = layout.charCodeAt(i + 1);
        if (n >= 0x31 && n <= 0x36) {
          const std0x: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
          return hit(std0x[n - 0x31]!, 2);
        }
        if (at(i + 1, '02')) return hit('ZeroYearDay', 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return hit('Hour', 2);
        return hit('NumMonth', 1);
      case '2':
        if (at(i, '2006')) return hit('LongYear', 4);
        return hit('Day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (at(i + 1, '2006')) return { prefix: layout.slice(0, i + 1), std: 'LongYear', suffix: layout.slice(i + 5) };
          return hit('UnderDay', 2);
        }
        if (at(i + 1, '_2')) return hit('UnderYearDay', 3);
        break;
      case '3': return hit('Hour12', 1);
      case '4': return hit('Minute', 1);
      case '5': return hit('Second', 1);
      case 'P': if (layout[i + 1] === 'M') return hit('PM', 2); break;
      case 'p': if (layout[i + 1] === 'm') return hit('pm', 2); break;
      case '-':
        if (at(i, '-070000')) return hit('NumSecondsTz', 7);
        if (at(i, '-07:00:00')) return hit('NumColonSecondsTZ', 9);
        if (at(i, '-0700')) return hit('NumTZ', 5);
        if (at(i, '-07:00')) return hit('NumColonTZ', 6);
        if (at(i, '-07')) return hit('NumShortTZ', 3);
        break;
      case 'Z':
        if (at(i, 'Z070000')) return hit('ISO8601SecondsTZ', 7);
        if (at(i, 'Z07:00:00')) return hit('ISO8601ColonSecondsTZ', 9);
        if (at(i, 'Z0700')) return hit('ISO8601TZ', 5);
        if (at(i, 'Z07:00')) return hit('ISO8601ColonTZ', 6);
        if (at(i, 'Z07')) return hit('ISO8601ShortTZ', 3);
        break;
      case '.': case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return { prefix: layout.slice(0, i), std: { frac: ch, n: j - (i + 1), sep: layout[i]! }, suffix: layout.slice(j) };
          }
        }
        break;
      }
      default: break;
    }
  }
  return { prefix: layout, std: null, suffix: '' };
}

/** A fixed zone for `formatTime`: seconds east of UTC and the abbreviation (`MST` in layouts). */
export interface TimeZoneOffset {
  readonly offsetSec: number;
  readonly name: string;
}

const UTC_ZONE: TimeZoneOffset = { offsetSec: 0, name: 'UTC' };

/** Go's numeric zone forms: `-0700`, `-07:00`, `-07`, with seconds when asked. */
function numericZone(off: number, colon: boolean, short: boolean, secs: boolean): string {
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const h = pad(Math.floor(a / 3600), 2);
  const m = pad(Math.floor(a / 60) % 60, 2);
  let out = sign + h;
  if (!short) out += (colon ? ':' : '') + m;
  if (secs) out += (colon ? ':' : '') + pad(a % 60, 2);
  return out;
}

/**
 * Go's `Time.Format` for a time given in Unix nanoseconds, in UTC or, when `zone` is given,
 * in that fixed zone (wall clock shifted by its offset; `MST` prints its name, as Go does for
 * a location's abbreviation).
 */
export function formatTime(ns: bigint, layout: string, zone: TimeZoneOffset = UTC_ZONE): string {
  const off = zone.offsetSec;
  const c = civil(ns + BigInt(off) * NS_PER_S);
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const { prefix, std, suffix } = nextStdChunk(rest);
    out += prefix;
    if (std === null) break;
    rest = suffix;
    if (typeof std === 'object') {
      const digits = String(c.nsec).padStart(9, '0');
      if (std.frac === '0') {
        out += std.sep + digits.slice(0, Math.min(std.n, 9));
      } else {
        let d = digits.slice(0, Math.min(std.n, 9));
        d = d.replace(/0+$/, '');
        if (d !== '') out += std.sep + d;
      }
      continue;
    }
    switch (std) {
      case 'Year': out += pad(Math.abs(c.year) % 100, 2); break;
      case 'LongYear': out += pad(c.year, 4); break;
      case 'Month': out += MONTHS[c.month - 1]!.slice(0, 3); break;
      case 'LongMonth': out += MONTHS[c.month - 1]!; break;
      case 'NumMonth': out += String(c.month); break;
      case 'ZeroMonth': out += pad(c.month, 2); break;
      case 'WeekDay': out += DAYS[c.weekday]!.slice(0, 3); break;
      case 'LongWeekDay': out += DAYS[c.weekday]!; break;
      case 'Day': out += String(c.day); break;
      case 'UnderDay': out += (c.day < 10 ? ' ' : '') + String(c.day); break;
      case 'ZeroDay': out += pad(c.day, 2); break;
      case 'UnderYearDay': out += String(c.yday).padStart(3, ' '); break;
      case 'ZeroYearDay': out += pad(c.yday, 3); break;
      case 'Hour': out += pad(c.hour, 2); break;
      case 'Hour12': out += String(c.hour % 12 === 0 ? 12 : c.hour % 12); break;
      case 'ZeroHour12': out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2); break;
      case 'Minute': out += String(c.min); break;
      case 'ZeroMinute': out += pad(c.min, 2); break;
      case 'Second': out += String(c.sec); break;
      case 'ZeroSecond': out += pad(c.sec, 2); break;
      case 'PM': out += c.hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += c.hour >= 12 ? 'pm' : 'am'; break;
      case 'ISO8601TZ': out += off === 0 ? 'Z' : numericZone(off, false, false, false); break;
      case 'ISO8601SecondsTZ': out += off === 0 ? 'Z' : numericZone(off, false, false, true); break;
      case 'ISO8601ShortTZ': out += off === 0 ? 'Z' : numericZone(off, false, true, false); break;
      case 'ISO8601ColonTZ': out += off === 0 ? 'Z' : numericZone(off, true, false, false); break;
      case 'ISO8601ColonSecondsTZ': out += off === 0 ? 'Z' : numericZone(off, true, false, true); break;
      case 'NumTZ': out += numericZone(off, false, false, false); break;
      case 'NumSecondsTz': out += numericZone(off, false, false, true); break;
      case 'NumShortTZ': out += numericZone(off, false, true, false); break;
      case 'NumColonTZ': out += numericZone(off, true, false, false); break;
      case 'NumColonSecondsTZ': out += numericZone(off, true, false, true); break;
      case 'TZ': out += zone.name !== '' ? zone.name : numericZone(off, false, false, false); break;
    }
  }
  return out;
}

/** Go's `Duration.String`: `1h2m3.5s`, `150ms`, `1.5µs`, `0s`. */
export function durationString(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  const frac = (v: bigint, prec: number): { s: string; v: bigint } => {
    let s = '';
    let print = false;
    for (let i = 0; i < prec; i++) {
      const digit = v % 10n;
      print = print || digit !== 0n;
      if (print) s = String(digit) + s;
      v /= 10n;
    }
    if (print) s = '.' + s;
    return { s, v };
  };
  if (u < NS_PER_S) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) { prec = 0; unit = 'ns'; }
    else if (u < 1_000_000n) { prec = 3; unit = 'µs'; }
    else { prec = 6; unit = 'ms'; }
    const f = frac(u, prec);
    out = String(f.v) + f.s + unit;
  } else {
    const f = frac(u, 9);
    u = f.v;
    out = String(u % 60n) + f.s + 's';
    u /= 60n;
    if (u > 0n) {
      out = String(u % 60n) + 'm' + out;
      u /= 60n;
      if (u > 0n) out = String(u) + 'h' + out;
    }
  }
  return neg ? '-' + out : out;
}

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

function wrap64(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

function m(params: readonly GoType[], result: GoType, fn: (recv: unknown, ...a: Value[]) => Value): GoMethod {
  return { sig: sig(params, result), fn };
}

export const DURATION: GoType = namedType('time.Duration', 'int64', {});
export const MONTH: GoType = namedType('time.Month', 'int', { String: m([], T.string, (r) => MONTHS[Number(r) - 1] ?? `%!Month(${String(r)})`) });
export const WEEKDAY: GoType = namedType('time.Weekday', 'int', { String: m([], T.string, (r) => DAYS[Number(r)] ?? `%!Weekday(${String(r)})`) });

addMethods(DURATION, {
  String: m([], T.string, (r) => durationString(r as bigint)),
  Seconds: m([], T.float64, (r) => Number(r) / 1e9),
  Minutes: m([], T.float64, (r) => Number(r) / 6e10),
  Hours: m([], T.float64, (r) => Number(r) / 3.6e12),
  Milliseconds: m([], T.int64, (r) => new GoVal(T.int64, (r as bigint) / NS_PER_MS)),
  Microseconds: m([], T.int64, (r) => new GoVal(T.int64, (r as bigint) / 1000n)),
  Nanoseconds: m([], T.int64, (r) => new GoVal(T.int64, r)),
  Abs: m([], DURATION, (r) => {
    const d = r as bigint;
    return new GoVal(DURATION, d >= 0n ? d : d === MIN_INT64 ? MAX_INT64 : -d);
  }),
  Truncate: m([DURATION], DURATION, (r, x) => {
    const d = r as bigint, u = rawOf(x) as bigint;
    return new GoVal(DURATION, u <= 0n ? d : d - (d % u));
  }),
});

/** `time.Time`, as a struct type without exported fields. */
export const TIME: GoType = structType('time.Time', [], {});

export function timeValue(ns: bigint): GoVal {
  return new GoVal(TIME, ns);
}

export function durationValue(ns: bigint): GoVal {
  return new GoVal(DURATION, ns);
}

const STRING_LAYOUT = '2006-01-02 15:04:05.999999999 -0700 MST';

addMethods(TIME, {
  String: m([], T.string, (r) => formatTime(r as bigint, STRING_LAYOUT)),
  Format: m([T.string], T.string, (r, layout) => formatTime(r as bigint, layout as string)),
  Add: m([DURATION], TIME, (r, d) => timeValue((r as bigint) + (rawOf(d) as bigint))),
  Sub: m([TIME], DURATION, (r, u) => {
    const d = (r as bigint) - (rawOf(u) as bigint);
    return durationValue(d > MAX_INT64 ? MAX_INT64 : d < MIN_INT64 ? MIN_INT64 : d);
  }),
  Unix: m([], T.int64, (r) => new GoVal(T.int64, floorDiv(r as bigint, NS_PER_S))),
  UnixMilli: m([], T.int64, (r) => new GoVal(T.int64, floorDiv(r as bigint, NS_PER_MS))),
  UnixMicro: m([], T.int64, (r) => new GoVal(T.int64, floorDiv(r as bigint, 1000n))),
  UnixNano: m([], T.int64, (r) => new GoVal(T.int64, wrap64(r as bigint))),
  Year: m([], T.int, (r) => BigInt(civil(r as bigint).year)),
  Month: m([], MONTH, (r) => new GoVal(MONTH, BigInt(civil(r as bigint).month))),
  Day: m([], T.int, (r) => BigInt(civil(r as bigint).day)),
  Hour: m([], T.int, (r) => BigInt(civil(r as bigint).hour)),
  Minute: m([], T.int, (r) => BigInt(civil(r as bigint).min)),
  Second: m([], T.int, (r) => BigInt(civil(r as bigint).sec)),
  Nanosecond: m([], T.int, (r) => BigInt(civil(r as bigint).nsec)),
  YearDay: m([], T.int, (r) => BigInt(civil(r as bigint).yday)),
  Weekday: m([], WEEKDAY, (r) => new GoVal(WEEKDAY, BigInt(civil(r as bigint).weekday))),
  UTC: m([], TIME, (r) => timeValue(r as bigint)),
  Local: m([], TIME, (r) => timeValue(r as bigint)),
  IsZero: m([], T.bool, (r) => (r as bigint) === ZERO_TIME_NS),
  Before: m([TIME], T.bool, (r, u) => (r as bigint) < (rawOf(u) as bigint)),
  After: m([TIME], T.bool, (r, u) => (r as bigint) > (rawOf(u) as bigint)),
  Equal: m([TIME], T.bool, (r, u) => (r as bigint) === (rawOf(u) as bigint)),
  Truncate: m([DURATION], TIME, (r, d) => {
    const u = rawOf(d) as bigint;
    const t = r as bigint;
    // Go truncates relative to the zero time (year 1), which differs from Unix epoch only by whole days.
    return timeValue(u <= 0n ? t : t - mod(t - ZERO_TIME_NS, u));
  }),
});

function mod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r < 0n ? r + b : r;
}

/** Go's zero Time (January 1, year 1, 00:00:00 UTC) in Unix nanoseconds. */
const ZERO_TIME_NS = -62135596800n * NS_PER_S;

export const TIME_PTR: GoType = ptrTo(TIME);
export const DURATION_PTR: GoType = ptrTo(DURATION);
