/**
 * Byte sizes as Prometheus writes them (`512MB`, `1GB`): base-2 units B, KB, MB, GB, TB, PB,
 * EB (1KB = 1024B); a unit is required.
 */
const UNITS: Readonly<Record<string, number>> = {
  B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5, EB: 1024 ** 6,
};

export function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTPE]?B)$/i.exec(s.trim());
  if (m === null) throw new Error(`units: unknown unit or missing unit in "${s}"`);
  const mult = UNITS[m[2]!.toUpperCase()]!;
  const n = Math.floor(Number(m[1]) * mult);
  if (!Number.isSafeInteger(n)) throw new Error(`units: value out of range: "${s}"`);
  return n;
}
