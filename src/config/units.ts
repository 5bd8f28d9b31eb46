/**
 * Sizes as Prometheus's `units.Base2Bytes` reads and prints them: a number with a unit, where
 * KB and KiB both mean 1024 bytes; units B, KB, MB, GB, TB, PB, EB (and the KiB… spellings);
 * several terms may be chained (`1GB512MB`); a bare number has no unit and is an error.
 */

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5, EB: 1024 ** 6,
  KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, PiB: 1024 ** 5, EiB: 1024 ** 6,
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Parses a size into bytes; returns the error text (Prometheus's wording) on failure. */
export function parseBase2Bytes(orig: string): number | string {
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') return `units: invalid ${orig}`;
  let total = 0;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return `units: invalid ${orig}`;
    let i = 0;
    while (isDigit(s[i])) i++;
    const pre = i > 0;
    let num = s.slice(0, i);
    s = s.slice(i);
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      while (isDigit(s[j])) j++;
      post = j > 0;
      num += '.' + s.slice(0, j);
      s = s.slice(j);
    }
    if (!pre && !post) return `units: invalid ${orig}`;
    let k = 0;
    while (k < s.length && s[k] !== '.' && !isDigit(s[k])) k++;
    const unit = s.slice(0, k);
    s = s.slice(k);
    const mult = UNITS[unit];
    if (mult === undefined) return `units: unknown unit ${unit} in ${orig}`;
    total += Number(num === '' || num === '.' ? '0' : num) * mult;
  }
  if (total >= 2 ** 63) return 'units: overflow parsing unit';
  const r = Math.trunc(neg ? -total : total);
  return r;
}

const PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** Prints bytes as Base2Bytes does: `10MiB`, `1GiB512MiB`, `1536B` → `1KiB512B`, 0 → `0B`. */
export function formatBase2Bytes(n: number): string {
  if (n === 0) return '0B';
  const neg = n < 0;
  let rest = Math.abs(n);
  const parts: string[] = [];
  for (let i = 0; i < PREFIXES.length && rest > 0; i++) {
    const r = rest % 1024;
    if (r !== 0) parts.unshift(`${neg ? -r : r}${PREFIXES[i]}${i === 0 ? 'B' : 'iB'}`);
    rest = Math.floor(rest / 1024);
  }
  return parts.join('');
}
