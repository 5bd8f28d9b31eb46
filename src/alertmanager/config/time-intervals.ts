/**
 * `time_intervals` / `mute_time_intervals` in alertmanager.yml: ranges written as `a:b` or
 * single values, weekday and month names, `HH:MM` times, IANA locations. Errors are
 * Alertmanager's.
 */
import { DecodeError } from '../../config/errors.js';
import { string } from '../../config/scalars.js';
import { list, struct, typeError } from '../../config/schema.js';
import type { Kind } from '../../config/schema.js';
import type { YNode } from '../../config/yaml-node.js';
import { isKnownTimeZone, type InclusiveRange, type TimeInterval, type TimeRange } from '../timeinterval/index.js';
import type { NamedTimeInterval } from './types.js';

const DAYS: Readonly<Record<string, number>> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };
const MONTHS: Readonly<Record<string, number>> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};
const MONTH_NAMES = ['', ...Object.keys(MONTHS)];
const DAY_NAMES = Object.keys(DAYS);

type Member = (s: string) => number;

function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

function parseRange(input: string, member: Member): InclusiveRange {
  const s = input.toLowerCase();
  if (s.includes(':')) {
    const parts = s.split(':');
    if (parts.length !== 2) throw new Error(`couldn't parse range ${s}, invalid format`);
    return { begin: member(parts[0]!), end: member(parts[1]!) };
  }
  const v = member(s);
  return { begin: v, end: v };
}

function rangeKind(goType: string, member: Member, check: (r: InclusiveRange, raw: string) => void): Kind<InclusiveRange> {
  return {
    goType,
    decode(n, d, path) {
      const raw = string.decode(n, d, path, '');
      try {
        const r = parseRange(raw, member);
        check(r, raw);
        return r;
      } catch (e) {
        throw new DecodeError(n.line, path, e instanceof Error ? e.message : String(e));
      }
    },
    zero: () => ({ begin: 0, end: 0 }),
    isZero: () => false,
    encode: (v) => ({ t: 'str', v: v.begin === v.end ? String(v.begin) : `${v.begin}:${v.end}` }),
  };
}

const weekdayRange = rangeKind('timeinterval.WeekdayRange', (s) => {
  const v = DAYS[s];
  if (v === undefined) throw new Error(`${s} is not a valid weekday`);
  return v;
}, (r, raw) => {
  if (r.begin > r.end) throw new Error('start day cannot be before end day');
  if (r.begin < 0 || r.begin > 6 || r.end < 0 || r.end > 6) throw new Error(`${raw} is not a valid day of the week: out of range`);
});
weekdayRange.encode = (v) => ({ t: 'str', v: v.begin === v.end ? DAY_NAMES[v.begin]! : `${DAY_NAMES[v.begin]!}:${DAY_NAMES[v.end]!}` });

const dayOfMonthRange = rangeKind('timeinterval.DayOfMonthRange', atoi, (r) => {
  if (r.begin === 0 || r.begin < -31 || r.begin > 31) throw new Error(`${r.begin} is not a valid day of the month: out of range`);
  if (r.end === 0 || r.end < -31 || r.end > 31) throw new Error(`${r.end} is not a valid day of the month: out of range`);
  if (r.begin < 0 && r.end > 0) throw new Error('end day must be negative if start day is negative');
  const b = r.begin < 0 ? 28 + r.begin : r.begin;
  const e = r.end < 0 ? 28 + r.end : r.end;
  if (b > e) throw new Error(`end day ${r.end} is always before start day ${r.begin}`);
});

const monthRange = rangeKind('timeinterval.MonthRange', (s) => {
  const v = MONTHS[s];
  if (v !== undefined) return v;
  try {
    return atoi(s);
  } catch {
    throw new Error(`${s} is not a valid month`);
  }
}, (r) => {
  if (r.begin > r.end) throw new Error(`end month ${MONTH_NAMES[r.end] ?? ''} is before start month ${MONTH_NAMES[r.begin] ?? ''}`);
});

const yearRange = rangeKind('timeinterval.YearRange', atoi, (r) => {
  if (r.begin > r.end) throw new Error(`end year ${r.end} is before start year ${r.begin}`);
});

const VALID_TIME = /^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)/;

function parseTimeOfDay(s: string): number {
  if (!VALID_TIME.test(s)) throw new Error(`couldn't parse timestamp ${s}, invalid format`);
  const [h, m] = s.split(':');
  return Number(h) * 60 + Number(m);
}

const timeRange: Kind<TimeRange> = {
  goType: 'timeinterval.TimeRange',
  decode(n: YNode, d, path) {
    const y = struct<{ start_time: string; end_time: string }>('timeinterval.yamlTimeRange', {
      start_time: { kind: string }, end_time: { kind: string },
    }).decode(n, d, path, { start_time: '', end_time: '' });
    try {
      if (y.end_time === '' || y.start_time === '') throw new Error('both start and end times must be provided');
      const start = parseTimeOfDay(y.start_time);
      const end = parseTimeOfDay(y.end_time);
      if (start >= end) throw new Error('start time cannot be equal or greater than end time');
      return { startMinute: start, endMinute: end };
    } catch (e) {
      throw new DecodeError(n.line, path, e instanceof Error ? e.message : String(e));
    }
  },
  zero: () => ({ startMinute: 0, endMinute: 0 }),
  isZero: () => false,
  encode: (v) => ({
    t: 'map', entries: [['start_time', { t: 'str', v: hhmm(v.startMinute) }], ['end_time', { t: 'str', v: hhmm(v.endMinute) }]],
  }),
};

function hhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

const location: Kind<string | null> = {
  goType: 'timeinterval.Location',
  decode(n, d, path) {
    const s = string.decode(n, d, path, '');
    if (!isKnownTimeZone(s)) throw new DecodeError(n.line, path, `unknown time zone ${s}`);
    return s === '' ? 'UTC' : s;
  },
  zero: () => null,
  isZero: (v) => v === null,
  encode: (v) => ({ t: 'str', v: v ?? 'UTC' }),
};

/** A list that stays null when absent, as Go's nil slices do (nil = "any"). */
function optList<T>(k: Kind<T>): Kind<T[] | null> {
  const l = list(k);
  return {
    goType: l.goType,
    decode: (n, d, path) => {
      if (n.kind !== 'seq') throw typeError(n, l.goType, path);
      return l.decode(n, d, path, []);
    },
    zero: () => null,
    isZero: (v) => v === null || v.length === 0,
    encode: (v, flow) => l.encode(v ?? [], flow),
  };
}

const timeInterval = struct<TimeInterval>('timeinterval.TimeInterval', {
  times: { kind: optList(timeRange), omitempty: true },
  weekdays: { kind: optList(weekdayRange), omitempty: true, flow: true },
  days_of_month: { kind: optList(dayOfMonthRange), omitempty: true, flow: true },
  months: { kind: optList(monthRange), omitempty: true, flow: true },
  years: { kind: optList(yearRange), omitempty: true, flow: true },
  location: { kind: location, omitempty: true },
});

export function namedTimeInterval(missing: string) {
  return struct<NamedTimeInterval>('config.plain', {
    name: { kind: string },
    time_intervals: { kind: list(timeInterval) },
  }, {
    validate(v, d) {
      if (v.name === '') d.fail(v, missing);
    },
  });
}
