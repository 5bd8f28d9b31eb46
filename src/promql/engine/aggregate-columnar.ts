/**
 * A fast path for the common aggregations (sum, avg, count, min, max, group, stddev,
 * stdvar) over float-only input: instead of visiting every series at every step, each
 * series' points are folded in one sequential pass into its group's per-step state. For
 * every (group, step) the values still arrive in series order, exactly as in the
 * step-by-step evaluation, so the floating-point results are identical.
 */
import type { AggregateOp } from '../parser/index.js';
import { kahanC, kahanInc } from '../functions/index.js';
import type { SeriesData } from './types.js';

/** Aggregations this path handles. */
export const COLUMNAR_OPS: ReadonlySet<string> = new Set(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']);

/** Columns an aggregation that keeps none of its kind uses in their place (never written). */
const NONE = new Float64Array(0);

/**
 * The per-step state of one group. Flags per step: bit 0 seen, bit 1 drop name, bit 2
 * incremental mean. Only the columns the operation uses are allocated (a range query's
 * groups hold one value per step in each): Kahan compensation for sum and avg, counts for
 * count, avg, stddev and stdvar, means for avg, stddev and stdvar; the others are NONE.
 */
class GroupState {
  readonly value: Float64Array;
  readonly comp: Float64Array;
  readonly count: Float64Array;
  readonly flags: Uint8Array;
  readonly mean: Float64Array | null;

  constructor(steps: number, op: AggregateOp) {
    const withMean = op === 'avg' || op === 'stddev' || op === 'stdvar';
    this.value = new Float64Array(steps);
    this.comp = op === 'sum' || op === 'avg' ? new Float64Array(steps) : NONE;
    this.count = withMean || op === 'count' ? new Float64Array(steps) : NONE;
    this.flags = new Uint8Array(steps);
    this.mean = withMean ? new Float64Array(steps) : null;
  }
}

export class ColumnarAggregator {
  readonly #op: AggregateOp;
  readonly #start: number;
  readonly #interval: number;
  readonly #steps: number;
  readonly #groups: GroupState[] = [];

  constructor(op: AggregateOp, start: number, interval: number, steps: number) {
    this.#op = op;
    this.#start = start;
    this.#interval = interval;
    this.#steps = steps;
  }

  /** Folds one float-only series into group `g` (groups are numbered from 0 as they appear). */
  add(s: SeriesData, g: number): void {
    this.addColumns(s.fT, s.fV, s.fT.length, s.dropName, g);
  }

  /** Folds the first `n` points of float columns into group `g`. */
  addColumns(ft: ArrayLike<number>, fv: ArrayLike<number>, n: number, dropName: boolean, g: number): void {
    const op = this.#op;
    while (this.#groups.length <= g) this.#groups.push(new GroupState(this.#steps, op));
    const st = this.#groups[g]!;
    const { value, comp, count, flags, mean } = st;
    const drop = dropName ? 2 : 0;
    const start = this.#start, interval = this.#interval;
    for (let i = 0; i < n; i++) {
      const c = Math.round((ft[i]! - start) / interval);
      const f = fv[i]!;
      const fl = flags[c]!;
      if ((fl & 1) === 0) {
        flags[c] = 1 | drop;
        if (count !== NONE) count[c] = 1;
        switch (op) {
          case 'group': value[c] = 1; break;
          case 'stddev': case 'stdvar':
            value[c] = Number.isNaN(f) || f === Infinity || f === -Infinity ? NaN : 0;
            mean![c] = f;
            break;
          case 'avg': value[c] = f; mean![c] = f; break;
          default: value[c] = f;
        }
        continue;
      }
      flags[c] = fl | drop;
      switch (op) {
        case 'sum':
          value[c] = kahanInc(f, value[c]!, comp[c]!);
          comp[c] = kahanC();
          break;
        case 'avg': {
          const n = ++count[c]!;
          if ((fl & 4) === 0) {
            const nv = kahanInc(f, value[c]!, comp[c]!);
            if (nv !== Infinity && nv !== -Infinity) {
              value[c] = nv;
              comp[c] = kahanC();
              break;
            }
            // The sum would overflow: continue with an incremental mean.
            flags[c] = flags[c] | 4;
            mean![c] = value[c]! / (n - 1);
            comp[c] = comp[c]! / (n - 1);
          }
          const q = (n - 1) / n;
          mean![c] = kahanInc(f / n, q * mean![c]!, q * comp[c]!);
          comp[c] = kahanC();
          break;
        }
        case 'count': count[c]!++; break;
        case 'max': if (value[c]! < f || Number.isNaN(value[c]!)) value[c] = f; break;
        case 'min': if (value[c]! > f || Number.isNaN(value[c]!)) value[c] = f; break;
        case 'stddev': case 'stdvar': {
          const n = ++count[c]!;
          const delta = f - mean![c]!;
          mean![c] = mean![c]! + delta / n;
          value[c] = value[c]! + delta * (f - mean![c]);
          break;
        }
        default: break;
      }
    }
  }

  /** Writes the groups' points into `result` (series g for group g). */
  finish(result: readonly SeriesData[]): void {
    const op = this.#op;
    const steps = this.#steps;
    for (let g = 0; g < this.#groups.length; g++) {
      const out = result[g]!;
      const { value, comp, count, flags, mean } = this.#groups[g]!;
      let n = 0;
      for (let k = 0; k < steps; k++) n += flags[k]! & 1;
      if (n === 0) continue;
      // Exact-size columns filled by index (the series come out of here empty).
      let j = out.fT.length;
      if (j === 0) {
        out.fT = new Array<number>(n);
        out.fV = new Array<number>(n);
      }
      for (let k = 0; k < steps; k++) {
        const fl = flags[k]!;
        if ((fl & 1) === 0) continue;
        let v: number;
        switch (op) {
          case 'sum': v = value[k]! + comp[k]!; break;
          case 'avg': v = (fl & 4) !== 0 ? mean![k]! + comp[k]! : value[k]! / count[k]! + comp[k]! / count[k]!; break;
          case 'count': v = count[k]!; break;
          case 'stdvar': v = value[k]! / count[k]!; break;
          case 'stddev': v = Math.sqrt(value[k]! / count[k]!); break;
          default: v = value[k]!;
        }
        out.fT[j] = this.#start + k * this.#interval;
        out.fV[j++] = v;
        out.dropName = (fl & 2) !== 0;
      }
    }
  }
}
