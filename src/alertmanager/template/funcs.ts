/**
 * Alertmanager's template functions (`template.DefaultFuncs`): those of 0.25 (`toUpper`,
 * `toLower`, `title`, `join`, `match`, `safeHtml`, `reReplaceAll`, `stringSlice`) and the
 * ones later releases added (`trimSpace`, `safeUrl`, `urlUnescape`, `date`, `tz`, `now`,
 * `since`, `humanizeDuration`, `toDate`, `mustToDate`, `base64encode`, `base64decode`), with
 * Go's signatures so that argument checks and errors read as Alertmanager's.
 */
import {
  type FuncMap, type GoMethod, type GoType, type Value, DURATION, GoVal, HTML, T, TIME, addMethods, formatTime, goFunc,
  humanizeDuration, match, namedType, reReplaceAll, sig, sliceOf, structType, timeValue, title, toLower, toUpper,
  type TimeZoneOffset,
} from '../../template/index.js';

const ERR = { error: true } as const;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** html/template's `URL`: trusted in URL contexts. */
export const URL_TYPE: GoType = namedType('template.URL', 'string');

/**
 * A time in a named location (what `tz` returns): type `time.Time` like alert times, with a
 * payload `{ ns, loc }`. It formats in its location; the methods templates use on it are
 * declared below.
 */
export const ZONED_TIME: GoType = structType('time.Time', [], {});

interface ZonedRaw { ns: bigint; loc: string }

const zoneFormatters = new Map<string, { offset: Intl.DateTimeFormat; abbr: readonly Intl.DateTimeFormat[] }>();

/** Locales whose short zone names include the usual abbreviations (EST, CET, IST, ...). */
const ABBR_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU'];

/** Validates a location name as time.LoadLocation does; returns the IANA name to use. */
export function loadLocation(name: string): string {
  if (name === '' || name === 'UTC') return 'UTC';
  if (name === 'Local') return Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zoneFormatters.has(name)) {
    try {
      zoneFormatters.set(name, {
        offset: new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' }),
        abbr: ABBR_LOCALES.map((l) => new Intl.DateTimeFormat(l, { timeZone: name, timeZoneName: 'short' })),
      });
    } catch {
      throw new Error(`unknown time zone ${name}`);
    }
  }
  return name;
}

/** The offset and abbreviation of a location at an instant. */
export function zoneAt(loc: string, ns: bigint): TimeZoneOffset {
  if (loc === 'UTC') return { offsetSec: 0, name: 'UTC' };
  loadLocation(loc);
  const f = zoneFormatters.get(loc)!;
  const ms = Number(ns / NS_PER_MS);
  const part = (df: Intl.DateTimeFormat): string => df.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const off = part(f.offset);
  const m = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(off);
  const offsetSec = m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
  // Intl names some zones only, each locale its own; Go's tzdata uses numeric names (`+03`) for the rest.
  let name = '';
  for (const df of f.abbr) {
    const a = part(df);
    if (!/^(GMT|UTC)([+-]|$)/.test(a)) {
      name = a;
      break;
    }
  }
  if (name === '') name = offsetSec === 0 ? 'GMT' : numericAbbr(offsetSec);
  return { offsetSec, name };
}

function numericAbbr(off: number): string {
  const a = Math.abs(off);
  const h = String(Math.floor(a / 3600)).padStart(2, '0');
  const mm = Math.floor(a / 60) % 60;
  return (off < 0 ? '-' : '+') + h + (mm === 0 ? '' : String(mm).padStart(2, '0'));
}

function zoned(ns: bigint, loc: string): GoVal {
  return new GoVal(ZONED_TIME, { ns, loc } satisfies ZonedRaw);
}

/** A time value's instant and location, whichever of the two representations it has. */
function timeParts(v: Value): { ns: bigint; loc: string } {
  const raw = v instanceof GoVal ? v.raw : v;
  if (typeof raw === 'bigint') return { ns: raw, loc: 'UTC' };
  const z = raw as ZonedRaw;
  return { ns: z.ns, loc: z.loc };
}

function formatIn(v: Value, layout: string): string {
  const { ns, loc } = timeParts(v);
  return formatTime(ns, layout, zoneAt(loc, ns));
}

function m(params: readonly GoType[], result: GoType, fn: (recv: unknown, ...a: Value[]) => Value): GoMethod {
  return { sig: sig(params, result), fn };
}

const zr = (r: unknown): ZonedRaw => r as ZonedRaw;
addMethods(ZONED_TIME, {
  String: m([], T.string, (r) => formatTime(zr(r).ns, '2006-01-02 15:04:05.999999999 -0700 MST', zoneAt(zr(r).loc, zr(r).ns))),
  Format: m([T.string], T.string, (r, layout) => formatTime(zr(r).ns, layout as string, zoneAt(zr(r).loc, zr(r).ns))),
  UTC: m([], TIME, (r) => timeValue(zr(r).ns)),
  Unix: m([], T.int64, (r) => new GoVal(T.int64, floorDiv(zr(r).ns, NS_PER_S))),
  UnixMilli: m([], T.int64, (r) => new GoVal(T.int64, floorDiv(zr(r).ns, NS_PER_MS))),
  Location: m([], T.string, (r) => zr(r).loc),
});

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** Go's url.QueryUnescape. */
function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) {
        let bad = s.slice(i, i + 3);
        if (bad.length < 3) bad = s.slice(i);
        throw new Error(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === '+') {
      bytes.push(0x20);
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `cases.Title(language.AmericanEnglish)`: each word's first letter upper-cased, the rest lowered. */
export function amTitle(s: string): string {
  return title(toLower(s));
}

const STRING_SLICE = sliceOf(T.string);

/** The default function map; `nowMs` is the clock for `now` and `since`. */
export function alertmanagerFuncs(nowMs: () => number = Date.now): FuncMap {
  return {
    toUpper: goFunc([T.string], T.string, (s) => toUpper(s as string)),
    toLower: goFunc([T.string], T.string, (s) => toLower(s as string)),
    title: goFunc([T.string], T.string, (s) => amTitle(s as string)),
    trimSpace: goFunc([T.string], T.string, (s) => (s as string).replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/g, '')),
    join: goFunc([T.string, STRING_SLICE], T.string, (sep, list) => (((list instanceof GoVal ? list.raw : list) as string[] | null) ?? []).join(sep as string)),
    match: goFunc([T.string, T.string], T.bool, (p, s) => match(p as string, s as string), ERR),
    safeHtml: goFunc([T.string], HTML, (s) => new GoVal(HTML, s)),
    safeUrl: goFunc([T.string], URL_TYPE, (s) => new GoVal(URL_TYPE, s)),
    urlUnescape: goFunc([T.string], T.string, (s) => queryUnescape(s as string), ERR),
    reReplaceAll: goFunc([T.string, T.string, T.string], T.string, (p, r, t) => reReplaceAll(p as string, r as string, t as string)),
    stringSlice: goFunc([], STRING_SLICE, (...s) => new GoVal(STRING_SLICE, s), { variadic: T.string }),
    date: goFunc([T.string, TIME], T.string, (layout, t) => formatIn(t, layout as string)),
    tz: goFunc([T.string, TIME], TIME, (name, t) => zoned(timeParts(t).ns, loadLocation(name as string)), ERR),
    now: goFunc([], TIME, () => timeValue(BigInt(nowMs()) * NS_PER_MS)),
    since: goFunc([TIME], DURATION, (t) => new GoVal(DURATION, BigInt(nowMs()) * NS_PER_MS - timeParts(t).ns)),
    humanizeDuration: goFunc([T.any], T.string, (i) => humanizeDuration(i), ERR),
    toDate: goFunc([T.string, T.string], TIME, (layout, s) => {
      const ns = parseLayoutUTC(layout as string, s as string);
      return timeValue(ns ?? -62_135_596_800n * NS_PER_S);
    }),
    mustToDate: goFunc([T.string, T.string], TIME, (layout, s) => {
      const ns = parseLayoutUTC(layout as string, s as string);
      if (ns === null) throw new Error(`parsing time ${JSON.stringify(s)} as ${JSON.stringify(layout)}: cannot parse`);
      return timeValue(ns);
    }, ERR),
    base64encode: goFunc([T.string], T.string, (s) => Buffer.from(s as string, 'utf8').toString('base64url').padEnd(Math.ceil(Buffer.byteLength(s as string) / 3) * 4, '=')),
    base64decode: goFunc([T.string], T.string, (s) => {
      const t = s as string;
      if (!/^[A-Za-z0-9_-]*={0,2}$/.test(t) || t.length % 4 !== 0) throw new Error('illegal base64 data at input byte 0');
      return Buffer.from(t, 'base64url').toString('utf8');
    }, ERR),
  };
}

/**
 * time.ParseInLocation(layout, s, UTC) for the layouts templates use in practice: RFC 3339
 * (`2006-01-02T15:04:05Z07:00`) and plain dates and times built from `2006 01 02 15 04 05`.
 * Returns Unix ns, or null when `s` does not match.
 */
function parseLayoutUTC(layout: string, s: string): bigint | null {
  if (layout === '2006-01-02T15:04:05Z07:00' || layout === '2006-01-02T15:04:05.999999999Z07:00') {
    const ms = Date.parse(s);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) || Number.isNaN(ms)) return null;
    return BigInt(ms) * NS_PER_MS;
  }
  const tokens: [string, string][] = [['2006', '(\\d{4})'], ['01', '(\\d{2})'], ['02', '(\\d{2})'], ['15', '(\\d{2})'], ['04', '(\\d{2})'], ['05', '(\\d{2})']];
  let re = '';
  const order: string[] = [];
  for (let i = 0; i < layout.length;) {
    const t = tokens.find(([k]) => layout.startsWith(k, i));
    if (t !== undefined) {
      re += t[1];
      order.push(t[0]);
      i += t[0].length;
    } else {
      re += layout[i]!.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      i++;
    }
  }
  const mm = new RegExp(`^${re}$`).exec(s);
  if (mm === null) return null;
  const f: Record<string, number> = { '2006': 1, '01': 1, '02': 1, '15': 0, '04': 0, '05': 0 };
  order.forEach((k, i) => { f[k] = Number(mm[i + 1]); });
  const d = new Date(0);
  d.setUTCFullYear(f['2006']!, f['01']! - 1, f['02']);
  d.setUTCHours(f['15']!, f['04'], f['05'], 0);
  return BigInt(d.getTime()) * NS_PER_MS;
}

/** Function names known when parsing (parse-time existence checks). */
export const ALERTMANAGER_FUNC_NAMES: readonly string[] = Object.keys(alertmanagerFuncs());
