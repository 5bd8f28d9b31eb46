/**
 * Kahan–Babuška (Neumaier) compensated summation, as PromQL uses it for sum, avg and the
 * histogram statistics. The running state is a (sum, compensation) pair; the final value is
 * sum + compensation. A sum that overflows to ±Inf resets the compensation to 0 so that the
 * result stays ±Inf instead of turning NaN.
 */

/** A (sum, compensation) pair. Mutable: `kahanIncInto` updates it in place. */
export interface KahanPair {
  sum: number;
  c: number;
}

/** Adds `inc` to the pair in place. No allocation. */
export function kahanIncInto(p: KahanPair, inc: number): void {
  const sum = p.sum;
  const t = sum + inc;
  if (t > Number.MAX_VALUE || t < -Number.MAX_VALUE) {
    p.c = 0;
  } else if (Math.abs(sum) >= Math.abs(inc)) {
    p.c += (sum - t) + inc;
  } else {
    p.c += (inc - t) + sum;
  }
  p.sum = t;
}

// Compensation produced by the last `kahanInc`/`kahanDec` call: the pair-returning form
// would allocate on every step of a hot loop.
let lastC = 0;

/**
 * One compensated step: returns the new sum; the new compensation is read with
 * `kahanLastC()` right after the call. Use `kahanIncInto` where a pair object is handy.
 */
export function kahanInc(inc: number, sum: number, c: number): number {
  const t = sum + inc;
  if (t > Number.MAX_VALUE || t < -Number.MAX_VALUE) {
    c = 0;
  } else if (Math.abs(sum) >= Math.abs(inc)) {
    c += (sum - t) + inc;
  } else {
    c += (inc - t) + sum;
  }
  lastC = c;
  return t;
}

/** Subtracting form of `kahanInc`. */
export function kahanDec(dec: number, sum: number, c: number): number {
  return kahanInc(-dec, sum, c);
}

/** The compensation computed by the most recent `kahanInc`/`kahanDec` call. */
export function kahanLastC(): number {
  return lastC;
}
