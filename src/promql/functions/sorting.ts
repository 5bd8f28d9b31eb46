/**
 * sort, sort_desc, sort_by_label and sort_by_label_desc, and absent's label derivation.
 * Sorting only matters for instant queries (range query results are ordered by labels).
 */
import { Labels, METRIC_NAME, type Matcher } from '../../model/index.js';
import type { Expr, StringLiteral } from '../parser/index.js';
import { goSort, natsortLess } from './go-sort.js';
import type { InstantFn, Sample } from './types.js';

function floatsOnly(v: readonly Sample[]): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < v.length; i++) if (v[i]!.h === null) out.push(v[i]!);
  return out;
}

function emitAll(v: readonly Sample[], ctx: Parameters<InstantFn>[2]): void {
  for (let i = 0; i < v.length; i++) {
    const s = v[i]!;
    ctx.emit(s.metric, s.f, s.h, s.dropName);
  }
}

/** Ascending, NaN last. */
export const funcSort: InstantFn = (vals, _args, ctx) => {
  const v = floatsOnly(vals[0]!);
  goSort(v, (a, b) => Number.isNaN(b.f) || b.f > a.f);
  emitAll(v, ctx);
};

/** Descending, NaN last. */
export const funcSortDesc: InstantFn = (vals, _args, ctx) => {
  const v = floatsOnly(vals[0]!);
  goSort(v, (a, b) => Number.isNaN(b.f) || b.f < a.f);
  emitAll(v, ctx);
};

function labelArgs(args: readonly Expr[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < args.length; i++) out.push((args[i] as StringLiteral).val);
  return out;
}

function byLabels(names: readonly string[], desc: boolean): (a: Sample, b: Sample) => number {
  return (a, b) => {
    for (const n of names) {
      const x = a.metric.get(n), y = b.metric.get(n);
      if (x === y) continue;
      const lt = natsortLess(x, y);
      return desc ? (lt ? 1 : -1) : (lt ? -1 : 1);
    }
    const c = Labels.compare(a.metric, b.metric);
    return desc ? -c : c;
  };
}

export const funcSortByLabel: InstantFn = (vals, args, ctx) => {
  const v = vals[0]!.slice();
  v.sort(byLabels(labelArgs(args), false));
  emitAll(v, ctx);
};

export const funcSortByLabelDesc: InstantFn = (vals, args, ctx) => {
  const v = vals[0]!.slice();
  v.sort(byLabels(labelArgs(args), true));
  emitAll(v, ctx);
};

/**
 * The labels absent()/absent_over_time() give their result: those set by equality matchers,
 * except names matched more than once or by other matcher types.
 */
export function labelsForAbsent(e: Expr): Labels {
  let matchers: readonly Matcher[];
  if (e.kind === 'VectorSelector') matchers = e.matchers;
  else if (e.kind === 'MatrixSelector') matchers = e.vectorSelector.matchers;
  else return Labels.EMPTY;
  const set = new Map<string, string>();
  const has = new Set<string>();
  for (const m of matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !has.has(m.name)) {
      if (m.value === '') set.delete(m.name); else set.set(m.name, m.value);
      has.add(m.name);
    } else {
      set.delete(m.name);
    }
  }
  return Labels.fromMap(set);
}

export const funcAbsent: InstantFn = (vals, args, ctx) => {
  if (vals[0]!.length > 0) return;
  ctx.emit(labelsForAbsent(args[0]!), 1, null, false);
};
