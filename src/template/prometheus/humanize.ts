/**
 * Prometheus's number and time formatting functions (`humanize`, `humanize1024`,
 * `humanizeDuration`, `humanizePercentage`, `humanizeTimestamp`, `toTime`, `toDuration`),
 * with the input conversions and error texts of prometheus/common's helpers/templates.
 */
import { sprintf } from '../fmt.js';
import { parseFloat64, parseFloatError } from '../strconv.js';
import { type Value, GoVal, T, rawOf, typeOf } from '../types.js';
import { DURATION, DURATION_PTR, TIME_PTR } from './go-time.js';

/** prometheus/common's `ConvertToFloat`: float64, string, int, uint, int64, uint64, time.Duration. */
export function convertToFloat(i: Value): number {
  const t = typeOf(i);
  if (t !== null) {
    switch (t.name) {
      case 'float64': return rawOf(i) as number;
      case 'string': {
        const s = rawOf(i) as string;
        const r = parseFloat64(s);
        if (!r.ok) throw new Error(parseFloatError(s, r.err));
        return r.v;
      }
      case 'int': case 'uint': case 'int64': case 'uint64': return Number(rawOf(i));
      case 'time.Duration': return Number(rawOf(i)) / 1e9;
      default: break;
    }
  }
  throw new Error(`can't convert ${t === null ? '<nil>' : t.name} to float`);
}

function g4(v: number): string {
  return sprintf('%.4g', [v]);
}

export function humanize(i: Value): string {
  let v = convertToFloat(i);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

export function humanize1024(i: Value): string {
  let v = convertToFloat(i);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

export function humanizeDuration(i: Value): string {
  let v = convertToFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = goFloatToInt64(v);
    const seconds = duration % 60n;
    const minutes = (duration / 60n) % 60n;
    const hours = (duration / 3600n) % 24n;
    const days = duration / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

export function humanizePercentage(i: Value): string {
  return sprintf('%.4g%%', [convertToFloat(i) * 100]);
}

const MAX_INT64_F = 2 ** 63;

/**
 * Go's `int64(f)`: truncation toward zero; NaN and out-of-range values give MinInt64, as
 * Prometheus's amd64 builds do.
 */
export function goFloatToInt64(f: number): bigint {
  if (!(f < MAX_INT64_F && f >= -MAX_INT64_F)) return -(2n ** 63n);
  return BigInt(Math.trunc(f));
}

class NaNOrInf extends Error {}

/**
 * `FloatToTime`: seconds to a time, truncated to milliseconds as Prometheus's model.Time does.
 * Returns Unix nanoseconds.
 */
export function floatToTimeNs(v: number): bigint {
  if (!Number.isFinite(v)) throw new NaNOrInf('value is NaN or Inf');
  const ts = v * 1e9;
  if (ts > MAX_INT64_F || ts < -MAX_INT64_F) {
    throw new Error(`${sprintf('%v', [v])} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  const ns = goFloatToInt64(ts);
  return (ns / 1_000_000n) * 1_000_000n;
}

export function humanizeTimestamp(i: Value): string {
  const v = convertToFloat(i);
  let ns: bigint;
  try {
    ns = floatToTimeNs(v);
  } catch (e) {
    if (e instanceof NaNOrInf) return g4(v);
    throw e;
  }
  return sprintf('%v', [new GoVal(TIME_PTR, ns)]);
}

export function toTime(i: Value): Value {
  return new GoVal(TIME_PTR, floatToTimeNs(convertToFloat(i)));
}

/** `time.Duration(v * 1e9)`: float to int64 conversion truncates; out of range yields MinInt64 as on amd64. */
export function toDuration(i: Value): Value {
  return new GoVal(DURATION_PTR, goFloatToInt64(convertToFloat(i) * 1e9));
}

export { DURATION, T };
