/**
 * Go `math` semantics where they differ from JavaScript's: `math.Pow` returns 1 for
 * `Pow(1, y)` and `Pow(x, 0)` and for `Pow(-1, ±Inf)`, where `**` gives NaN.
 */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}
