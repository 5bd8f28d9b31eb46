/**
 * info(v [, data-label-selector]) (experimental): enriches each series with the data labels
 * of the info series (`target_info` by default) that share its identifying labels
 * (`instance`, `job`), evaluated at the time the first argument's `@`/offset selects.
 */
import { Labels, Matcher, METRIC_NAME, type Millis } from '../../model/index.js';
import { walk, type Expr, type VectorSelector } from '../parser/index.js';
import { DUPLICATE_LABELSET, EvalError, tooManySamplesError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { evalSeries } from './eval-selectors.js';
import { StepCursor } from './aggregate-state.js';
import { histogramSize, SeriesData } from './types.js';

const TARGET_INFO = 'target_info';
const IDENTIFYING_LABELS = ['instance', 'job'];

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** The @ time and offset governing the first argument: from its first selector and enclosing subqueries. */
function infoTimestampAndOffset(e: Expr): { ts: number | null; offset: number } {
  let ts: number | null = null, offset = 0, found = false;
  walk(e, (n, path) => {
    if (found) return false;
    if (n.kind !== 'VectorSelector') return true;
    found = true;
    ts = n.timestamp;
    offset = n.originalOffset;
    for (let i = path.length - 1; ts === null && i >= 0; i--) {
      const p = path[i]!;
      if (p.kind === 'SubqueryExpr') {
        offset += p.originalOffset;
        ts = p.timestamp;
      }
    }
    return false;
  });
  return { ts, offset };
}

function effectiveNameMatchers(ms: readonly Matcher[]): Matcher[] {
  for (const m of ms) if (m.type === '=' || m.type === '=~') return ms.slice();
  if (ms.length > 0) return [new Matcher('=~', METRIC_NAME, '.+_info'), ...ms];
  return [new Matcher('=', METRIC_NAME, TARGET_INFO)];
}

export async function evalInfo(ev: Evaluator, args: readonly Expr[]): Promise<SeriesData[]> {
  const { ts: atTs, offset } = infoTimestampAndOffset(args[0]!);
  const mat = await ev.evalMatrix(args[0]!);
  const dataMatchers = new Map<string, Matcher[]>();
  let infoNameMatchers: Matcher[] = [];
  if (args.length > 1) {
    for (const m of (args[1] as VectorSelector).matchers) {
      const l = dataMatchers.get(m.name);
      if (l === undefined) dataMatchers.set(m.name, [m]); else l.push(m);
      if (m.name === METRIC_NAME) infoNameMatchers.push(m);
    }
  } else {
    infoNameMatchers = [new Matcher('=', METRIC_NAME, TARGET_INFO)];
  }
  const effective = effectiveNameMatchers(infoNameMatchers);
  const ignore = new Set<string>();
  for (const s of mat) {
    const name = s.metric.metricName();
    if (effective.every((m) => m.matches(name))) ignore.add(s.metric.key());
  }
  const infoMat = await fetchInfoSeries(ev, mat, ignore, dataMatchers, atTs, offset);
  return combine(ev, mat, infoMat, ignore, dataMatchers);
}

async function fetchInfoSeries(
  ev: Evaluator, mat: readonly SeriesData[], ignore: ReadonlySet<string>, dataMatchers: Map<string, Matcher[]>, atTs: number | null, offset: number,
): Promise<SeriesData[]> {
  const nameMatchers: Matcher[] = [];
  for (const ms of dataMatchers.values()) for (const m of ms) if (m.name === METRIC_NAME) nameMatchers.push(m);
  const others: Matcher[] = [];
  for (const ms of dataMatchers.values()) for (const m of ms) if (m.name !== METRIC_NAME) others.push(m);
  dataMatchers.delete(METRIC_NAME);
  const idValues = new Map<string, Set<string>>();
  for (const s of mat) {
    if (ignore.has(s.metric.key())) continue;
    for (const l of IDENTIFYING_LABELS) {
      const v = s.metric.get(l);
      if (v === '') continue;
      let set = idValues.get(l);
      if (set === undefined) { set = new Set(); idValues.set(l, set); }
      set.add(v);
    }
  }
  if (idValues.size === 0) return [];
  const matchers: Matcher[] = [];
  for (const [name, vals] of idValues) matchers.push(new Matcher('=~', name, [...vals].map(quoteMeta).join('|')));
  matchers.push(...others, ...effectiveNameMatchers(nameMatchers));
  let start = atTs ?? ev.start, end = atTs ?? ev.end;
  start -= ev.opts.lookbackDelta - 1;
  start -= offset;
  end -= offset;
  const set = await ev.q.querier.select(false, { start: start as Millis, end: end as Millis, step: ev.interval, func: 'info', range: 0, limit: 0 }, matchers);
  const series = [];
  while (set.next()) series.push(set.at());
  const err = set.err();
  if (err !== null) throw new EvalError(`expanding series: ${err.message}`);
  return evalSeries(ev, series, offset, 'info', atTs);
}

/** The signature of a series against an info metric: that metric's name and the identifying labels. */
function infoSig(name: string, l: Labels): string {
  let s = name;
  for (const n of IDENTIFYING_LABELS) s += '\xff' + l.get(n);
  return s;
}

async function combine(
  ev: Evaluator, mat: SeriesData[], infoMat: SeriesData[], ignore: ReadonlySet<string>, dataMatchers: ReadonlyMap<string, Matcher[]>,
): Promise<SeriesData[]> {
  const infoNames = new Set<string>();
  for (const s of infoMat) infoNames.add(s.metric.metricName());
  const baseCur = new StepCursor(mat), infoCur = new StepCursor(infoMat);
  const out = new Map<string, { sd: SeriesData; lastTs: number }>();
  const allMatchEmpty = [...dataMatchers.values()].every((ms) => ms.every((m) => m.matches('')));
  const original = ev.currentSamples;
  let total = 0;
  const y = ev.q.yielder;
  for (let step = 0; step < ev.numSteps; step++) {
    if (y.tick(mat.length + infoMat.length + 1)) await y.pause();
    const ts = ev.stepTs(step);
    // The newest info sample per signature (its original timestamp is carried as its value).
    const right = new Map<string, { metric: Labels; origT: number }>();
    for (let i = 0; i < infoMat.length; i++) {
      if (!infoCur.next(i, ts)) continue;
      const m = infoMat[i]!.metric;
      const sig = infoSig(m.metricName(), m);
      const origT = infoCur.f;
      const ex = right.get(sig);
      if (ex === undefined || ex.origT < origT) right.set(sig, { metric: m, origT });
      else if (ex.origT === origT) {
        throw new EvalError(`found duplicate series for info metric: existing ${ex.metric.toString()} @ ${ex.origT}, new ${m.toString()} @ ${origT}`);
      }
    }
    for (let i = 0; i < mat.length; i++) {
      if (!baseCur.next(i, ts)) continue;
      const bs = mat[i]!;
      let metric = bs.metric;
      if (!ignore.has(metric.key())) {
        const add = new Map<string, string>();
        let seen = 0;
        for (const name of infoNames) {
          const is = right.get(infoSig(name, metric));
          if (is === undefined) continue;
          seen++;
          const il = is.metric;
          for (let k = 0; k < il.length; k++) {
            const n = il.nameAt(k), v = il.valueAt(k);
            if (n === METRIC_NAME) continue;
            if (dataMatchers.size > 0 && !dataMatchers.has(n)) continue;
            const cur = add.get(n);
            if (cur !== undefined && cur !== v) throw new EvalError(`conflicting label: ${n}`);
            if (metric.has(n)) continue;
            add.set(n, v);
          }
        }
        if (seen === 0 && !allMatchEmpty) continue;
        if (add.size > 0) {
          const a = metric.toArray();
          for (const [n, v] of add) a.push(n, v);
          metric = Labels.fromUnsortedArray(a);
        }
      }
      const k = metric.key();
      let o = out.get(k);
      if (o === undefined) {
        o = { sd: new SeriesData(metric, bs.dropName), lastTs: NaN };
        out.set(k, o);
      } else if (o.lastTs === ts) {
        throw new EvalError(DUPLICATE_LABELSET);
      }
      o.lastTs = ts;
      if (baseCur.h === null) { o.sd.fT.push(ts); o.sd.fV.push(baseCur.f); total++; } else { o.sd.hT.push(ts); o.sd.hV.push(baseCur.h); total += histogramSize(baseCur.h); }
      if (original + total > ev.opts.maxSamples) throw tooManySamplesError();
    }
  }
  ev.currentSamples = original + total;
  ev.stats.updatePeak(ev.currentSamples);
  return [...out.values()].map((o) => o.sd);
}
