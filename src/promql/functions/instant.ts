/**
 * Instant-vector functions that act on each float sample on its own (math, rounding,
 * clamping, dates, timestamps) and the scalar/vector conversions. They drop the metric name
 * (at once, or flagged for the end under delayed name removal) and skip histogram samples.
 */
import { Labels } from '../../model/index.js';
import { dropMetadata } from '../engine/labels-util.js';
import { goCosh, goExp, goMax, goMin, goSinh } from './go-math.js';
import type { FnContext, InstantFn, Sample } from './types.js';

type FloatFn = (f: number) => number;

function simpleFloat(vec: readonly Sample[], ctx: FnContext, fn: FloatFn): void {
  const delayed = ctx.delayedNameRemoval;
  for (let i = 0; i < vec.length; i++) {
    const s = vec[i]!;
    if (s.h !== null) continue;
    ctx.emit(delayed ? s.metric : dropMetadata(s.metric), fn(s.f), null, true);
  }
}

function floatFunc(fn: FloatFn): InstantFn {
  return (vals, _args, ctx) => { simpleFloat(vals[0]!, ctx, fn); };
}

const sgn: FloatFn = (v) => (v < 0 ? -1 : v > 0 ? 1 : v);

export const MATH_FUNCTIONS: ReadonlyMap<string, InstantFn> = new Map<string, InstantFn>([
  ['abs', floatFunc(Math.abs)],
  ['ceil', floatFunc(Math.ceil)],
  ['floor', floatFunc(Math.floor)],
  ['exp', floatFunc(goExp)],
  ['sqrt', floatFunc(Math.sqrt)],
  ['ln', floatFunc(Math.log)],
  ['log2', floatFunc(Math.log2)],
  ['log10', floatFunc(Math.log10)],
  ['sin', floatFunc(Math.sin)],
  ['cos', floatFunc(Math.cos)],
  ['tan', floatFunc(Math.tan)],
  ['asin', floatFunc(Math.asin)],
  ['acos', floatFunc(Math.acos)],
  ['atan', floatFunc(Math.atan)],
  ['sinh', floatFunc(goSinh)],
  ['cosh', floatFunc(goCosh)],
  ['tanh', floatFunc(Math.tanh)],
  ['asinh', floatFunc(Math.asinh)],
  ['acosh', floatFunc(Math.acosh)],
  ['atanh', floatFunc(Math.atanh)],
  ['rad', floatFunc((v) => v * Math.PI / 180)],
  ['deg', floatFunc((v) => v * 180 / Math.PI)],
  ['sgn', floatFunc(sgn)],
]);

function clamp(vec: readonly Sample[], min: number, max: number, ctx: FnContext): void {
  if (max < min) return;
  const delayed = ctx.delayedNameRemoval;
  for (let i = 0; i < vec.length; i++) {
    const s = vec[i]!;
    if (s.h !== null) continue;
    ctx.emit(delayed ? s.metric : dropMetadata(s.metric), goMax(min, goMin(max, s.f)), null, true);
  }
}

export const funcClamp: InstantFn = (vals, _args, ctx) => { clamp(vals[0]!, vals[1]![0]!.f, vals[2]![0]!.f, ctx); };
export const funcClampMax: InstantFn = (vals, _args, ctx) => { clamp(vals[0]!, -Infinity, vals[1]![0]!.f, ctx); };
export const funcClampMin: InstantFn = (vals, _args, ctx) => { clamp(vals[0]!, vals[1]![0]!.f, Infinity, ctx); };

/** round(v, to_nearest=1): ties round up; the inverse is used as Prometheus does, for accuracy. */
export const funcRound: InstantFn = (vals, args, ctx) => {
  const toNearest = args.length >= 2 ? vals[1]![0]!.f : 1;
  const inv = 1 / toNearest;
  simpleFloat(vals[0]!, ctx, (f) => Math.floor(f * inv + 0.5) / inv);
};

export const funcTime: InstantFn = (_vals, _args, ctx) => { ctx.emit(Labels.EMPTY, ctx.ts / 1000, null, false); };
export const funcPi: InstantFn = (_vals, _args, ctx) => { ctx.emit(Labels.EMPTY, Math.PI, null, false); };
export const funcVector: InstantFn = (vals, _args, ctx) => { ctx.emit(Labels.EMPTY, vals[0]![0]!.f, null, false); };
export const funcMaxOf: InstantFn = (vals, _args, ctx) => { ctx.emit(Labels.EMPTY, Math.max(vals[0]![0]!.f, vals[1]![0]!.f), null, false); };
export const funcMinOf: InstantFn = (vals, _args, ctx) => { ctx.emit(Labels.EMPTY, Math.min(vals[0]![0]!.f, vals[1]![0]!.f), null, false); };

/** scalar(v): the single float sample's value, NaN for none or several. */
export const funcScalar: InstantFn = (vals, _args, ctx) => {
  const v = vals[0]!;
  let value = NaN;
  let found = false;
  for (let i = 0; i < v.length; i++) {
    const s = v[i]!;
    if (s.h !== null) continue;
    if (found) { value = NaN; break; }
    found = true;
    value = s.f;
  }
  ctx.emit(Labels.EMPTY, value, null, false);
};

/** timestamp(v): the sample timestamps in seconds (of the samples themselves for a selector argument). */
export const funcTimestamp: InstantFn = (vals, _args, ctx) => {
  const v = vals[0]!;
  const delayed = ctx.delayedNameRemoval;
  for (let i = 0; i < v.length; i++) {
    const s = v[i]!;
    ctx.emit(delayed ? s.metric : dropMetadata(s.metric), s.t / 1000, null, true);
  }
};

/** start_timestamp(v): the samples' start timestamps in seconds, where tracked. */
export const funcStartTimestamp: InstantFn = (vals, _args, ctx) => {
  const v = vals[0]!;
  const sts = ctx.vectorStartTimestamps;
  if (sts === null) return;
  const delayed = ctx.delayedNameRemoval;
  for (let i = 0; i < v.length && i < sts.length; i++) {
    const s = v[i]!;
    ctx.emit(delayed ? s.metric : dropMetadata(s.metric), sts[i]! / 1000, null, true);
  }
};

type DateFn = (d: Date) => number;

/** A UTC midnight; unlike Date.UTC, years 0-99 are not taken as 19xx. */
function utcDate(year: number, month: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d;
}

function dateFunc(fn: DateFn): InstantFn {
  return (vals, _args, ctx) => {
    if (vals.length === 0) {
      ctx.emit(Labels.EMPTY, fn(new Date(Math.trunc(ctx.ts / 1000) * 1000)), null, false);
      return;
    }
    const v = vals[0]!;
    const delayed = ctx.delayedNameRemoval;
    for (let i = 0; i < v.length; i++) {
      const s = v[i]!;
      if (s.h !== null) continue;
      const d = new Date(Math.trunc(s.f) * 1000);
      const r = Number.isNaN(d.getTime()) ? NaN : fn(d);
      ctx.emit(delayed ? s.metric : dropMetadata(s.metric), r, null, true);
    }
  };
}

export const DATE_FUNCTIONS: ReadonlyMap<string, InstantFn> = new Map<string, InstantFn>([
  ['days_in_month', dateFunc((d) => utcDate(d.getUTCFullYear(), d.getUTCMonth() + 1, 0).getUTCDate())],
  ['day_of_month', dateFunc((d) => d.getUTCDate())],
  ['day_of_week', dateFunc((d) => d.getUTCDay())],
  ['day_of_year', dateFunc((d) => {
    const start = utcDate(d.getUTCFullYear(), 0, 1).getTime();
    return Math.floor((d.getTime() - start) / 86400000) + 1;
  })],
  ['hour', dateFunc((d) => d.getUTCHours())],
  ['minute', dateFunc((d) => d.getUTCMinutes())],
  ['month', dateFunc((d) => d.getUTCMonth() + 1)],
  ['year', dateFunc((d) => d.getUTCFullYear())],
]);
