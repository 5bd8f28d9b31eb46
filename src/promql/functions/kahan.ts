/**
 * Kahan-Babuška-Neumaier summation, step for step as Prometheus's `kahansum.Inc`: the
 * compensation is reset when the sum becomes infinite. JavaScript never fuses
 * multiply-add, so the roundings match Go's (which forbids fusing across the call).
 *
 * To stay allocation-free, `kahanInc` returns the new sum and leaves the new compensation
 * for `kahanC()`:  `sum = kahanInc(x, sum, c); c = kahanC();`
 */
let compensation = 0;

export function kahanInc(inc: number, sum: number, c: number): number {
  const t = sum + inc;
  if (t > Number.MAX_VALUE || t < -Number.MAX_VALUE) {
    compensation = 0;
  } else if (Math.abs(sum) >= Math.abs(inc)) {
    compensation = c + ((sum - t) + inc);
  } else {
    compensation = c + ((inc - t) + sum);
  }
  return t;
}

/** The compensation left by the last `kahanInc`. */
export function kahanC(): number {
  return compensation;
}
