/**
 * Floating-point primitives with the exact results Prometheus gets from Go's `math` package
 * on amd64, where results feed into PromQL output (bucket bounds, quantile interpolation).
 * V8's `Math.log2`/`Math.pow` use different polynomial approximations and differ from Go's
 * in the last bit for many inputs; these ports follow Go's algorithms step by step (FreeBSD's
 * `e_log.c` reduction for the logarithm, Go's `exp2`/`expmulti` for the power of two), with
 * the same constants and the same order of operations, so the roundings are identical.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Index of the high word in the scratch pair (Node runs little-endian everywhere it is
// supported, but checking once costs nothing).
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The largest finite float64 (Go's math.MaxFloat64). */
export const MAX_FLOAT64 = Number.MAX_VALUE;

const TWO52 = 4503599627370496; // 2^52
const TWO_M53 = 1.1102230246251565e-16; // 2^-53

/** The float64 whose biased exponent field is `biased` and whose mantissa is `frac`'s. */
function withExponent(frac: number, biased: number): number {
  f64[0] = frac;
  u32[HI] = (u32[HI]! & 0x800fffff) | (biased << 20);
  return f64[0];
}

/** `frac × 2^exp`, rounded once as Go's `math.Ldexp` does (including subnormal results). */
export function ldexp(frac: number, exp: number): number {
  if (frac === 0 || !Number.isFinite(frac)) return frac;
  let m = frac;
  f64[0] = m;
  let e = (u32[HI]! >>> 20) & 0x7ff;
  if (e === 0) {
    // Subnormal input: normalise first.
    m = frac * TWO52;
    f64[0] = m;
    e = ((u32[HI]! >>> 20) & 0x7ff) - 52;
  }
  const unbiased = exp + e - 1023;
  if (unbiased < -1075) return frac < 0 ? -0 : 0;
  if (unbiased > 1023) return frac < 0 ? -Infinity : Infinity;
  if (unbiased < -1022) return withExponent(m, unbiased + 53 + 1023) * TWO_M53;
  return withExponent(m, unbiased + 1023);
}

/** 2^n for an integer n, exactly (0 or Infinity outside the float64 range). */
export function pow2(n: number): number {
  return ldexp(1, n);
}

// Exponent of the last `frexpMantissa` call: frexp returns two values, and a module-level
// slot avoids allocating a pair on the hot path.
let frexpExp = 0;

/** Go's `math.Frexp` mantissa in [0.5, 1); the exponent is left in `frexpExp`. */
function frexpMantissa(f: number): number {
  frexpExp = 0;
  if (f === 0 || !Number.isFinite(f)) return f;
  f64[0] = f;
  let e = (u32[HI]! >>> 20) & 0x7ff;
  if (e === 0) {
    f64[0] = f * TWO52;
    e = ((u32[HI]! >>> 20) & 0x7ff) - 52;
  }
  frexpExp = e - 1022;
  u32[HI] = (u32[HI]! & 0x800fffff) | (1022 << 20);
  return f64[0];
}

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const L1 = 6.666666666666735130e-01;
const L2 = 3.999999999940941908e-01;
const L3 = 2.857142874366239149e-01;
const L4 = 2.222219843214978396e-01;
const L5 = 1.818357216161805012e-01;
const L6 = 1.531383769920937332e-01;
const L7 = 1.479819860511658591e-01;
const SQRT1_2 = 0.7071067811865476;
const INV_LN2 = 1.4426950408889634;

/** Natural logarithm as Go computes it. */
export function goLog(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  let f1 = frexpMantissa(x);
  let ki = frexpExp;
  if (f1 < SQRT1_2) {
    f1 *= 2;
    ki--;
  }
  const f = f1 - 1;
  const k = ki;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
  const t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
  const R = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
}

/** Binary logarithm as Go's `math.Log2` computes it (exact for powers of two). */
export function goLog2(x: number): number {
  const frac = frexpMantissa(x);
  const exp = frexpExp;
  if (frac === 0.5) return exp - 1;
  return goLog(frac) * INV_LN2 + exp;
}

const P1 = 1.66666666666666657415e-01;
const P2 = -2.77777777770155933842e-03;
const P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06;
const P5 = 4.13813679705723846039e-08;

function expmulti(hi: number, lo: number, k: number): number {
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  return ldexp(y, k);
}

/** 2^x as Go's `math.Exp2` computes it on amd64. */
export function goExp2(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return 0;
  if (x > 1.0239999999999999e+03) return Infinity;
  if (x < -1.0740e+03) return 0;
  let k = 0;
  if (x > 0) k = Math.trunc(x + 0.5);
  else if (x < 0) k = Math.trunc(x - 0.5);
  const t = x - k;
  const hi = t * LN2_HI;
  const lo = -t * LN2_LO;
  return expmulti(hi, lo, k);
}
