/**
 * Go's `strconv.FormatFloat`: shortest round-trip digits, or a fixed number of digits rounded
 * from the exact binary value with ties to even (JavaScript's toFixed/toPrecision break exact
 * ties away from zero, so they are not used for fixed precision).
 */

/** Decimal digits `d` (no leading or trailing zeros; '' for zero) with the point after `dp` digits. */
interface Decimal {
  d: string;
  dp: number;
}

const view = new DataView(new ArrayBuffer(8));

/** Mantissa (with the implicit bit) and binary exponent such that |v| = mant * 2**exp. */
function decompose64(v: number): { mant: bigint; exp: number } {
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  return { mant, exp };
}

function trimZeros(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x30) end--;
  return s.slice(0, end);
}

/** The exact decimal expansion of |v| (finite). */
function exact(v: number): Decimal {
  if (v === 0) return { d: '', dp: 0 };
  const { mant, exp } = decompose64(Math.abs(v));
  if (exp >= 0) {
    const s = (mant << BigInt(exp)).toString();
    return { d: trimZeros(s), dp: s.length };
  }
  const s = (mant * 5n ** BigInt(-exp)).toString();
  return { d: trimZeros(s), dp: s.length + exp };
}

/** Shortest digits that read back as the same float64 (JavaScript's Number-to-String digits). */
function shortest64(v: number): Decimal {
  if (v === 0) return { d: '', dp: 0 };
  const s = Math.abs(v).toExponential();
  const e = s.indexOf('e');
  const digits = s.slice(0, e).replace('.', '');
  return { d: trimZeros(digits), dp: Number(s.slice(e + 1)) + 1 };
}

/** Shortest digits that read back as the same float32. */
function shortest32(v: number): Decimal {
  if (v === 0) return { d: '', dp: 0 };
  const a = Math.abs(v);
  for (let p = 1; p <= 9; p++) {
    const s = a.toExponential(p - 1);
    if (Math.fround(Number(s)) === a) {
      const e = s.indexOf('e');
      return { d: trimZeros(s.slice(0, e).replace('.', '')), dp: Number(s.slice(e + 1)) + 1 };
    }
  }
  return shortest64(a);
}

/** Digits of a JavaScript number string (`123.45`, `1.2e+5`, `0.001`) as a Decimal. */
function parseDigits(s: string): Decimal {
  let mant = s;
  let exp = 0;
  const e = s.indexOf('e');
  if (e >= 0) {
    mant = s.slice(0, e);
    exp = Number(s.slice(e + 1));
  }
  const dot = mant.indexOf('.');
  let digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  let dp = (dot < 0 ? mant.length : dot) + exp;
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 0x30) lead++;
  digits = digits.slice(lead);
  dp -= lead;
  digits = trimZeros(digits);
  return digits === '' ? { d: '', dp: 0 } : { d: digits, dp };
}

/**
 * Fixed-precision digits from JavaScript's correctly rounded conversions, or null when the
 * value may be an exact tie (where JavaScript rounds away from zero and Go to even) or is out
 * of the conversions' range. Twenty more digits decide: an exact tie shows as 5 then zeros.
 */
function fixedFast(v: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): Decimal | null {
  const a = Math.abs(v);
  if (a === 0) return { d: '', dp: 0 };
  if (fmt === 'f') {
    if (a >= 1e21 || prec > 80) return null;
    const probe = a.toFixed(prec + 20);
    const tail = probe.slice(probe.length - 20);
    if (tail.charCodeAt(0) === 0x35 && /^50*$/.test(tail)) return null;
    return parseDigits(a.toFixed(prec));
  }
  const nd = fmt === 'e' || fmt === 'E' ? prec + 1 : prec;
  if (nd < 1 || nd > 80) return null;
  const probe = a.toExponential(nd + 19);
  const tail = probe.slice(nd + 1, nd + 21);
  if (tail.charCodeAt(0) === 0x35 && /^50*$/.test(tail)) return null;
  return parseDigits(a.toExponential(nd - 1));
}

/** Go's `decimal.Round(nd)`: ties (exactly half) go to the even digit. */
function round(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const c = a.d.charCodeAt(nd);
  let up: boolean;
  if (c === 0x35 && nd + 1 === a.d.length) up = nd > 0 && (a.d.charCodeAt(nd - 1) - 0x30) % 2 === 1;
  else up = c >= 0x35;
  if (!up) return { d: trimZeros(a.d.slice(0, nd)), dp: a.dp };
  let i = nd - 1;
  while (i >= 0 && a.d.charCodeAt(i) === 0x39) i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
}

function fmtE(neg: boolean, digs: Decimal, prec: number, upper: boolean): string {
  let out = neg ? '-' : '';
  out += digs.d.length === 0 ? '0' : digs.d[0]!;
  if (prec > 0) {
    out += '.';
    let i = 1;
    const m = Math.min(digs.d.length, prec + 1);
    if (i < m) {
      out += digs.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) out += '0';
  }
  out += upper ? 'E' : 'e';
  let exp = digs.dp - 1;
  if (digs.d.length === 0) exp = 0;
  out += exp < 0 ? '-' : '+';
  const e = Math.abs(exp);
  out += e < 10 ? `0${e}` : String(e);
  return out;
}

function fmtF(neg: boolean, digs: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (digs.dp > 0) {
    const m = Math.min(digs.d.length, digs.dp);
    out += digs.d.slice(0, m);
    for (let i = m; i < digs.dp; i++) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = digs.dp + i - 1;
      out += j >= 0 && j < digs.d.length ? digs.d[j]! : '0';
    }
  }
  return out;
}

function fmtX(v: number, prec: number, upper: boolean): string {
  const d = decompose64(v);
  let mant = d.mant;
  const exp = d.exp;
  // Normalise to value = mant * 2**(exp), with the leading one at bit 60.
  let e2 = exp + 52;
  if (mant === 0n) e2 = 0;
  // A float32 converts exactly to float64, so its normalised mantissa is the same.
  mant <<= 8n;
  const ONE60 = 1n << 60n;
  while (mant !== 0n && (mant & ONE60) === 0n) {
    mant <<= 1n;
    e2--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (ONE60 - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      e2++;
    }
  }
  const hex = upper ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = v < 0 || Object.is(v, -0) ? '-' : '';
  out += '0' + (upper ? 'X' : 'x') + String((mant >> 60n) & 1n);
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)]!;
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)]!;
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  out += upper ? 'P' : 'p';
  out += e2 < 0 ? '-' : '+';
  const a = Math.abs(e2);
  out += a < 10 ? `0${a}` : String(a);
  return out;
}

function fmtB(v: number, bitSize: 32 | 64): string {
  if (bitSize === 32) {
    const f = new DataView(new ArrayBuffer(4));
    f.setFloat32(0, v);
    const bits = f.getUint32(0);
    const biased = (bits >>> 23) & 0xff;
    let mant = bits & 0x7fffff;
    let exp = biased === 0 ? -149 : biased - 150;
    if (biased !== 0) mant |= 1 << 23;
    if (mant === 0) exp = -149;
    return `${bits >>> 31 === 1 ? '-' : ''}${mant}p${exp < 0 ? '' : '+'}${exp}`;
  }
  const { mant, exp } = decompose64(v);
  return `${v < 0 || Object.is(v, -0) ? '-' : ''}${mant}p${exp < 0 ? '' : '+'}${exp}`;
}

export type FloatFmt = 'e' | 'E' | 'f' | 'g' | 'G' | 'b' | 'x' | 'X';

/** Go's `strconv.FormatFloat(v, fmt, prec, bitSize)`; `prec < 0` means shortest. */
export function formatFloat(v: number, fmt: FloatFmt, prec: number, bitSize: 32 | 64 = 64): string {
  return format(v, fmt, prec, bitSize, true);
}

/** `formatFloat` always through the exact decimal expansion (the reference for tests). */
export function formatFloatExact(v: number, fmt: FloatFmt, prec: number, bitSize: 32 | 64 = 64): string {
  return format(v, fmt, prec, bitSize, false);
}

function format(v: number, fmt: FloatFmt, prec: number, bitSize: 32 | 64, allowFast: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (bitSize === 32) v = Math.fround(v);
  if (fmt === 'b') return fmtB(v, bitSize);
  if (fmt === 'x' || fmt === 'X') return fmtX(v, prec, fmt === 'X');
  const neg = v < 0 || Object.is(v, -0);
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = bitSize === 32 ? shortest32(v) : shortest64(v);
    switch (fmt) {
      case 'e': case 'E': prec = Math.max(digs.d.length - 1, 0); break;
      case 'f': prec = Math.max(digs.d.length - digs.dp, 0); break;
      case 'g': case 'G': prec = digs.d.length; break;
    }
  } else {
    if ((fmt === 'g' || fmt === 'G') && prec === 0) prec = 1;
    const fast = allowFast ? fixedFast(v, fmt, prec) : null;
    if (fast !== null) {
      digs = fast;
    } else {
      const ex = exact(v);
      switch (fmt) {
        case 'e': case 'E': digs = round(ex, prec + 1); break;
        case 'f': digs = round(ex, ex.dp + prec); break;
        case 'g': case 'G': digs = round(ex, prec); break;
      }
    }
  }
  switch (fmt) {
    case 'e': case 'E': return fmtE(neg, digs, prec, fmt === 'E');
    case 'f': return fmtF(neg, digs, prec);
    case 'g': case 'G': {
      let eprec = prec;
      if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
      // With shortest digits the switch to %e happens at exponent 6, as for %g's default.
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > digs.d.length) prec = digs.d.length;
        return fmtE(neg, digs, prec - 1, fmt === 'G');
      }
      if (prec > digs.dp) prec = digs.d.length;
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
    }
  }
}
