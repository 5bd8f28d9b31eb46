/**
 * Timestamps in API output as Go's `time.Time` marshals them: RFC 3339 with fractional
 * seconds trimmed of trailing zeros, and Go's zero time for "never".
 */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export function formatRFC3339(d: Date | null): string {
  if (d === null || Number.isNaN(d.getTime())) return GO_ZERO_TIME;
  const iso = d.toISOString(); // 2024-01-02T03:04:05.678Z
  const dot = iso.indexOf('.');
  let frac = iso.slice(dot + 1, iso.length - 1).replace(/0+$/, '');
  if (frac !== '') frac = '.' + frac;
  return iso.slice(0, dot) + frac + 'Z';
}
