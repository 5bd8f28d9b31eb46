/**
 * Equality of two query answers in the differential test: the same result type, the same
 * label sets, the same timestamps, and values equal within a relative tolerance of 1e-6 or
 * an absolute one of 1e-9 (two engines may sum in different orders, and Prometheus 3 uses
 * compensated summation where 2.42 did not). Vector order is only compared where the query
 * sorts (`ordered`), and then by values, since ties may legitimately come in either order.
 */
import type { Series, Value } from '../value.js';
import { almostEqual, valueText } from './compare.js';

export function closeEnough(a: number, b: number): boolean {
  if (almostEqual(a, b)) return true;
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) < 1e-9;
}

function floatsText(s: Series): string {
  return s.floats.map((p) => `${p.f}@${p.t}`).join(' ');
}

/** Null when the answers agree, else a short description of the first difference. */
export function diffValues(want: Value, got: Value, ordered: boolean): string | null {
  if (want.kind !== got.kind) return `result type ${got.kind}, want ${want.kind}`;
  switch (want.kind) {
    case 'scalar': {
      const g = got as typeof want;
      return closeEnough(want.f, g.f) ? null : `scalar ${g.f}, want ${want.f}`;
    }
    case 'string': {
      const g = got as typeof want;
      return want.s === g.s ? null : `string ${JSON.stringify(g.s)}, want ${JSON.stringify(want.s)}`;
    }
    case 'vector': {
      const g = (got as typeof want).v;
      if (g.length !== want.v.length) return `${g.length} samples, want ${want.v.length}: got ${valueText(got)}; want ${valueText(want)}`;
      const byKey = new Map(g.map((s) => [s.metric.key(), s]));
      for (const w of want.v) {
        const s = byKey.get(w.metric.key());
        if (s === undefined) return `missing ${w.metric.toString()} (got ${valueText(got)})`;
        if (!closeEnough(w.f, s.f)) return `${w.metric.toString()}: ${s.f}, want ${w.f}`;
      }
      if (ordered) {
        for (let i = 0; i < g.length; i++) {
          if (!closeEnough(g[i]!.f, want.v[i]!.f)) return `order: value ${g[i]!.f} at position ${i}, want ${want.v[i]!.f}`;
        }
      }
      return null;
    }
    case 'matrix': {
      const g = (got as typeof want).m;
      if (g.length !== want.m.length) return `${g.length} series, want ${want.m.length}`;
      const byKey = new Map(g.map((s) => [s.metric.key(), s]));
      for (const w of want.m) {
        const s = byKey.get(w.metric.key());
        if (s === undefined) return `missing series ${w.metric.toString()}`;
        if (s.floats.length !== w.floats.length) return `${w.metric.toString()}: ${s.floats.length} points, want ${w.floats.length} (got ${floatsText(s)}; want ${floatsText(w)})`;
        for (let i = 0; i < w.floats.length; i++) {
          const a = w.floats[i]!, b = s.floats[i]!;
          if (a.t !== b.t) return `${w.metric.toString()}: point ${i} at ${b.t}, want ${a.t}`;
          if (!closeEnough(a.f, b.f)) return `${w.metric.toString()}: ${b.f} at ${b.t}, want ${a.f}`;
        }
        if (s.histograms.length !== 0) return `${w.metric.toString()}: unexpected histogram points`;
      }
      return null;
    }
  }
}
