/**
 * A fast path for the common aggregations (sum, avg, count, min, max, group, stddev,
 * stdvar) over float-only input: instead of visiting every series at every step, each
 * series' points are folded in one sequential pass into per-(group, step) state arrays.
 * For every (group, step) the values still arrive in series order, exactly as in the
 * step-by-step evaluation, so the floating-point results are identical.
 */
import type { AggregateExpr } from '../parser/index.js';
import { kahanC, kahanInc } from '../functions/index.js';
import type { Evaluator } from './evaluator.js';
import type { SeriesData } from './types.js';

/** Aggregations this path handles. */
const OPS = new Set(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']);
/** Largest groups × steps state this path allocates (per array). */
const MAX_CELLS = 4_000_000;

export function canAggregateColumnar(ev: Evaluator, e: AggregateExpr, input: readonly SeriesData[], groups: number): boolean {
  if (!OPS.has(e.op) || groups * ev.numSteps > MAX_CELLS) return false;
  for (const s of input) if (s.hT.length > 0) return false;
  return true;
}

/**
 * Aggregates `input` into `result` (one series per group, already labelled). Returns the
 * number of points produced.
 */
export async function aggregateColumnar(
  ev: Evaluator, e: AggregateExpr, input: readonly SeriesData[], seriesToGroup: Int32Array, result: SeriesData[],
): Promise<void> {
  const op = e.op;
  const steps = ev.numSteps;
  const cells = result.length * steps;
  const value = new Float64Array(cells);
  const comp = new Float64Array(cells);
  const count = new Float64Array(cells);
  // Per cell: bit 0 seen, bit 1 drop name, bit 2 incremental mean.
  const flags = new Uint8Array(cells);
  const mean = op === 'avg' || op === 'stddev' || op === 'stdvar' ? new Float64Array(cells) : null;
  const start = ev.start, interval = ev.interval;
  const y = ev.q.yielder;
  for (let si = 0; si < input.length; si++) {
    const s = input[si]!;
    const ft = s.fT, fv = s.fV;
    if (y.tick(ft.length + 1)) await y.pause();
    const base = seriesToGroup[si]! * steps;
    const drop = s.dropName ? 2 : 0;
    for (let i = 0; i < ft.length; i++) {
      const c = base + Math.round((ft[i]! - start) / interval);
      const f = fv[i]!;
      const fl = flags[c]!;
      if ((fl & 1) === 0) {
        flags[c] = 1 | drop;
        count[c] = 1;
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
  for (let g = 0; g < result.length; g++) {
    const out = result[g]!;
    const base = g * steps;
    for (let k = 0; k < steps; k++) {
      const c = base + k;
      const fl = flags[c]!;
      if ((fl & 1) === 0) continue;
      let v: number;
      switch (op) {
        case 'sum': v = value[c]! + comp[c]!; break;
        case 'avg': v = (fl & 4) !== 0 ? mean![c]! + comp[c]! : value[c]! / count[c]! + comp[c]! / count[c]!; break;
        case 'count': v = count[c]!; break;
        case 'stdvar': v = value[c]! / count[c]!; break;
        case 'stddev': v = Math.sqrt(value[c]! / count[c]!); break;
        default: v = value[c]!;
      }
      out.fT.push(start + k * interval);
      out.fV.push(v);
      out.dropName = (fl & 2) !== 0;
    }
  }
}
