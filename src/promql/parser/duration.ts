/**
 * Duration literals in PromQL (`1h30m`, `5m`, `1y`), parsed with the rules and error texts
 * of Prometheus's `model.ParseDuration`, and the float-seconds round trips the parser does.
 */
import { formatDuration } from '../../model/index.js';

const UNITS: ReadonlyMap<string, { pos: number; ms: bigint }> = new Map([
  ['ms', { pos: 7, ms: 1n }],
  ['s', { pos: 6, ms: 1000n }],
  ['m', { pos: 5, ms: 60_000n }],
  ['h', { pos: 4, ms: 3_600_000n }],
  ['d', { pos: 3, ms: 86_400_000n }],
  ['w', { pos: 2, ms: 604_800_000n }],
  ['y', { pos: 1, ms: 31_536_000_000n }],
]);

const MAX_NS = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

export class DurationParseError extends Error {
  override readonly name = 'DurationParseError';
}

/**
 * Parses a duration such as `1h30m` into milliseconds. Units go from biggest to smallest,
 * each at most once; `0` alone is allowed. Throws `DurationParseError` with Prometheus's text.
 */
export function parsePromDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new DurationParseError('empty duration string');
  const invalid = (): DurationParseError => new DurationParseError(`not a valid duration string: ${JSON.stringify(s)}`);
  let ns = 0n;
  let lastPos = 0;
  let i = 0;
  while (i < s.length) {
    const d0 = i;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    if (i === d0) throw invalid();
    const v = BigInt(s.slice(d0, i));
    if (v > MAX_UINT64) throw invalid();
    const u0 = i;
    while (i < s.length && !(s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39)) i++;
    if (i === u0) throw invalid();
    const u = s.slice(u0, i);
    const unit = UNITS.get(u);
    if (unit === undefined) throw new DurationParseError(`unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(s)}`);
    if (unit.pos <= lastPos) throw invalid();
    lastPos = unit.pos;
    const mult = unit.ms * 1_000_000n;
    if (v > (1n << 63n) / mult) throw new DurationParseError('duration out of range');
    ns += v * mult;
    if (ns > MAX_NS) throw new DurationParseError('duration out of range');
  }
  return Number(ns / 1_000_000n);
}

/**
 * Go's `time.Duration.Seconds()` of a whole number of milliseconds: whole seconds plus the
 * fraction, added as floats in that order (which decides the last bit for huge values).
 */
export function msToSeconds(ms: number): number {
  const sec = Math.trunc(ms / 1000);
  const rest = ms - sec * 1000;
  return sec + (rest * 1e6) / 1e9;
}

/**
 * Seconds (float) to whole milliseconds the way Prometheus stores a literal duration:
 * rounded to nanoseconds, then truncated to milliseconds.
 */
export function secondsToMs(sec: number): number {
  const ns = goRound(sec * 1e9);
  return nsToMs(ns);
}

/** Truncating conversion of a float nanosecond count to milliseconds (Go's int64 / 1e6). */
export function nsToMs(ns: number): number {
  if (!Number.isFinite(ns)) return 0;
  if (Math.abs(ns) < 2 ** 53) return Math.trunc(ns / 1e6) + 0;
  const big = BigInt(Math.trunc(ns));
  return Number(big / 1_000_000n);
}

/** Go's `math.Round`: half away from zero. */
export function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(Math.abs(x));
  // Math.round rounds .5 up; away from zero for negatives needs the sign applied after.
  return x < 0 ? -r : r;
}

/** Prints a duration given as float seconds, as Prometheus prints a duration literal. */
export function formatSecondsDuration(sec: number): string {
  if (sec < 0) return `-${formatDuration(nsToMs(Math.trunc(-sec * 1e9)))}`;
  return formatDuration(nsToMs(Math.trunc(sec * 1e9)));
}
