/**
 * Time intervals (`time_intervals`, `mute_time_intervals`): whether an instant falls inside
 * any of a named set of intervals, evaluated in the interval's IANA time zone (via Intl) as
 * Alertmanager's timeinterval package does: times of day are half-open, day/month/year
 * ranges inclusive, negative days of month count from the month's end.
 */

export interface InclusiveRange {
  begin: number;
  end: number;
}

export interface TimeRange {
  /** Minutes after midnight; start inclusive, end exclusive. */
  startMinute: number;
  endMinute: number;
}

export interface TimeInterval {
  times: TimeRange[] | null;
  weekdays: InclusiveRange[] | null;
  days_of_month: InclusiveRange[] | null;
  months: InclusiveRange[] | null;
  years: InclusiveRange[] | null;
  /** IANA zone name; null = UTC. */
  location: string | null;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** True when Intl knows the zone (Go's time.LoadLocation accepts it). */
export function isKnownTimeZone(name: string): boolean {
  if (name === '' || name === 'UTC' || name === 'Local') return true;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

function localTime(ms: number, zone: string | null): LocalTime {
  if (zone === null || zone === '' || zone === 'UTC') {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
  }
  if (zone === 'Local') {
    const d = new Date(ms);
    return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes(), weekday: d.getDay() };
  }
  const lt: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, weekday: 0 };
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    switch (p.type) {
      case 'year': lt.year = Number(p.value); break;
      case 'month': lt.month = Number(p.value); break;
      case 'day': lt.day = Number(p.value); break;
      case 'hour': lt.hour = Number(p.value); break;
      case 'minute': lt.minute = Number(p.value); break;
      case 'weekday': lt.weekday = WEEKDAYS[p.value] ?? 0; break;
      default: break;
    }
  }
  return lt;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function clamp(n: number, min: number, max: number): number {
  return n <= min ? min : n >= max ? max : n;
}

/** Whether the instant `ms` lies inside the interval. */
export function containsTime(ti: TimeInterval, ms: number): boolean {
  const t = localTime(ms, ti.location);
  if (ti.times !== null) {
    const m = t.hour * 60 + t.minute;
    if (!ti.times.some((r) => m >= r.startMinute && m < r.endMinute)) return false;
  }
  if (ti.days_of_month !== null) {
    const dim = daysInMonth(t.year, t.month);
    let inside = false;
    for (const r of ti.days_of_month) {
      let begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      let end = r.end < 0 ? dim + r.end + 1 : r.end;
      if (begin > dim) continue;
      begin = clamp(begin, -dim, dim);
      end = clamp(end, -dim, dim);
      if (t.day >= begin && t.day <= end) { inside = true; break; }
    }
    if (!inside) return false;
  }
  if (ti.months !== null && !ti.months.some((r) => t.month >= r.begin && t.month <= r.end)) return false;
  if (ti.weekdays !== null && !ti.weekdays.some((r) => t.weekday >= r.begin && t.weekday <= r.end)) return false;
  if (ti.years !== null && !ti.years.some((r) => t.year >= r.begin && t.year <= r.end)) return false;
  return true;
}

/** Named interval sets, as configured. */
export class Intervener {
  readonly #intervals: ReadonlyMap<string, readonly TimeInterval[]>;

  constructor(intervals: ReadonlyMap<string, readonly TimeInterval[]>) {
    this.#intervals = intervals;
  }

  /** The names among `names` whose intervals contain `ms`. Unknown names throw. */
  activeAmong(names: readonly string[], ms: number): string[] {
    const out: string[] = [];
    for (const name of names) {
      const set = this.#intervals.get(name);
      if (set === undefined) throw new Error(`time interval ${name} doesn't exist in config`);
      if (set.some((ti) => containsTime(ti, ms))) out.push(name);
    }
    return out;
  }
}
