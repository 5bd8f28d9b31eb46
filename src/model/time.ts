/** Milliseconds since the Unix epoch, or a span of milliseconds. Always a safe integer. */
export type Millis = number & { readonly __unit: 'ms' };

export const asMillis = (n: number): Millis => n as Millis;

export function nowMillis(): Millis {
  return Date.now() as Millis;
}

const UNITS: readonly [string, number][] = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

/**
 * Parses a Prometheus duration (`1y2w3d4h5m6s7ms`, units in that order, each at most once,
 * or `0`) into milliseconds, as Prometheus's `model.ParseDuration` does.
 */
export function parseDuration(s: string): Millis {
  if (s === '') throw new DurationError('empty duration string');
  if (s === '0') return 0 as Millis;
  const m = DURATION_RE.exec(s);
  if (m === null) throw new DurationError(`not a valid duration string: ${JSON.stringify(s)}`);
  let total = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g === undefined) continue;
    total += Number(g) * UNITS[i]![1];
  }
  if (!Number.isSafeInteger(total)) throw new DurationError(`duration out of range: ${JSON.stringify(s)}`);
  return total as Millis;
}

/** Formats milliseconds as Prometheus does (`90d`, `1h30m`, `0s`); years and weeks only when exact. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let r = '';
  let rest = ms;
  if (rest < 0) { r = '-'; rest = -rest; }
  for (const [unit, mult] of UNITS) {
    const exact = unit === 'y' || unit === 'w';
    if (exact && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      r += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return r;
}

/** Go's `time.Duration.String()` for a span in milliseconds, e.g. `1m30s`, `500ms`, `2h0m0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let x = Math.abs(ms);
  if (x < 1000) return (neg ? '-' : '') + `${x}ms`;
  const h = Math.floor(x / 3600000); x -= h * 3600000;
  const m = Math.floor(x / 60000); x -= m * 60000;
  const s = x / 1000;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${s}s`;
  return (neg ? '-' : '') + out;
}
