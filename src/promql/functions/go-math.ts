/**
 * Go `math` semantics where they differ from JavaScript's: `math.Pow` returns 1 for
 * `Pow(1, y)` and `Pow(x, 0)` and for `Pow(-1, ±Inf)`, where `**` gives NaN; `math.Max` and
 * `math.Min` let an infinity win over NaN; `math.Exp`
 * (and `Cosh` and `Sinh`, which use it) overflows and underflows a little early.
 */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** `Overflow` of Go's `math.Exp`: above it, +Inf. */
const EXP_OVERFLOW = 7.09782712893384e+02;

/**
 * Go's `math.Exp` as Prometheus runs it on amd64 (and arm64): the assembly implementation
 * splits x into k·ln 2 + r with k = x·log2(e) rounded to the nearest integer, and builds 2^k
 * from its exponent bits, so it answers +Inf once k reaches 1024 (x ≥ 709.436…), where the
 * true value is still finite up to 709.78. Elsewhere `Math.exp`, which agrees to the last bit
 * or two (subnormal results included: Go builds those in two steps).
 */
export function goExp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return 0;
  if (x > EXP_OVERFLOW) return Infinity;
  // k = x·log2(e) rounded (CVTSD2SL, half to even: at 1023.5 that is 1024 too, as Math.round
  // gives); below the overflow check only k = 1024 is out of the exponent's range.
  if (Math.round(x * Math.LOG2E) >= 1024) return Infinity;
  return Math.exp(x);
}

/** Go's `math.Cosh`: `Exp(|x|)/2` from |x| > 21, so it overflows where `Exp` does. */
export function goCosh(x: number): number {
  const a = Math.abs(x);
  if (a > 21) return goExp(a) * 0.5;
  return Math.cosh(x);
}

/** Go's `math.Sinh`: `±Exp(|x|)/2` from |x| > 21, so it overflows where `Exp` does. */
export function goSinh(x: number): number {
  const a = Math.abs(x);
  if (a > 21) return x < 0 ? -goExp(a) * 0.5 : goExp(a) * 0.5;
  return Math.sinh(x);
}

/** Go's `math.Max`: +Inf if either is +Inf (even against NaN), else NaN if either is NaN. */
export function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  return Math.max(x, y);
}

/** Go's `math.Min`: -Inf if either is -Inf (even against NaN), else NaN if either is NaN. */
export function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  return Math.min(x, y);
}
