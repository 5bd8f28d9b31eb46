/**
 * One test group of a rule unit-test file, run as promtool runs it: the input series loaded
 * into a fresh storage, the rule files' groups evaluated at every evaluation interval from the
 * test's start to its last `eval_time` (in `group_eval_order`), firing alerts compared at
 * each `alert_rule_test` time, and `promql_expr_test` queries compared at the end. Returns
 * promtool's error texts; evaluation errors end the group early, as in promtool.
 */
import { Labels, formatDuration, formatGoDuration, quoteGoString, type Millis } from '../../model/index.js';
import { PromQLEngine } from '../../promql/engine/index.js';
import type { ParseOptions } from '../../promql/parser/index.js';
import { TestStorage, parseSeriesDesc, type LoadCmd, type LoadSeries } from '../../promql/promqltest/index.js';
import { floatHistogramString } from '../../promql/histogram/index.js';
import { Registry } from '../../instrument/index.js';
import type { Group } from '../group.js';
import { RuleManager } from '../manager.js';
import { engineQueryFunc } from '../query-func.js';
import { alertsDiff } from './diff.js';
import {
  alertsString, compareLA, histogramTestExpression, indentLines, samplesString, type LabelsAndAnnotations, type ParsedSample,
} from './format.js';
import type { TestGroup } from './test-file.js';

export interface GroupRunOptions {
  testName: string;
  evalIntervalMs: number;
  /** Group name → position in `group_eval_order`. */
  groupOrder: ReadonlyMap<string, number>;
  ruleFiles: readonly string[];
  diff: boolean;
  debug: boolean;
  ignoreUnknownFields: boolean;
  fuzzyCompare: boolean;
  parseOptions: ParseOptions;
  delayedNameRemoval: boolean;
  /** Debug output (stderr). */
  err: (s: string) => void;
}

function nextAfter(x: number, dir: number): number {
  if (Number.isNaN(x) || x === dir) return x;
  if (x === 0) return dir > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const b = new BigInt64Array(f.buffer);
  b[0] = b[0]! + ((dir > x) === (x > 0) ? 1n : -1n);
  return f[0]!;
}

function floatsEqual(x: number, y: number, fuzzy: boolean): boolean {
  if (x === y) return true;
  return fuzzy && (nextAfter(x, -Infinity) === y || nextAfter(x, Infinity) === y);
}

function parseLabels(text: string): Labels {
  if (text.trim() === '') return Labels.EMPTY;
  return parseSeriesDesc(text).labels;
}

/** The input series as one load command, its samples at start + k·interval. */
function loadCommand(tg: TestGroup, intervalMs: number, startMs: number): LoadCmd {
  const series: LoadSeries[] = [];
  const shift = startMs / intervalMs;
  tg.input_series.forEach((is, i) => {
    const d = parseSeriesDesc(`${is.series} ${is.values}`);
    const pad = Array.from({ length: shift }, () => ({ omitted: true, value: 0, stale: false, histogram: null, hintSet: false }));
    series.push({ labels: d.labels, values: [...pad, ...d.values], st: null, line: i + 1 });
  });
  return { kind: 'load', line: 0, intervalMs, withNHCB: false, series };
}

function orderedGroups(groups: Iterable<Group>, order: ReadonlyMap<string, number>): Group[] {
  return [...groups].map((g, i) => ({ g, i })).sort((a, b) => ((order.get(a.g.name) ?? 0) - (order.get(b.g.name) ?? 0)) || a.i - b.i).map((x) => x.g);
}

export async function runTestGroup(tg: TestGroup, o: GroupRunOptions): Promise<string[]> {
  const started = performance.now();
  if (o.debug) o.err(`DEBUG: Starting test ${o.testName}\n`);
  try {
    return await run(tg, o);
  } finally {
    if (o.debug) o.err(`DEBUG: Test ${o.testName} finished, took ${formatGoDuration(Math.round(performance.now() - started))}\n`);
  }
}

async function run(tg: TestGroup, o: GroupRunOptions): Promise<string[]> {
  const intervalMs = tg.interval;
  const mint = tg.start_timestamp;
  const storage = new TestStorage();
  try {
    if (!Number.isInteger(mint / intervalMs)) throw new Error(`start_timestamp must be a multiple of the test interval ${formatDuration(intervalMs)}`);
    await storage.load(loadCommand(tg, intervalMs, mint));
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
  const engine = new PromQLEngine({
    lookbackDelta: 5 * 60_000, maxSamples: 10_000, timeoutMs: 100_000, maxConcurrency: 0,
    noStepSubqueryIntervalFn: () => o.evalIntervalMs, enableAtModifier: true, enableNegativeOffset: true,
    delayedNameRemoval: o.delayedNameRemoval, ...o.parseOptions,
  });
  const query = engineQueryFunc(engine, storage.queryable);
  const mgr = new RuleManager({
    appendable: storage.memory, queryable: storage.queryable, query, notify: () => undefined, externalURL: tg.external_url,
    registry: new Registry(), parseOptions: o.parseOptions,
  });
  const loaded = await mgr.loadGroups(intervalMs, tg.external_labels, tg.external_url, o.ignoreUnknownFields, o.ruleFiles);
  if (!loaded.ok) return loaded.errors.map((e) => e.message);
  const groups = orderedGroups(loaded.groups.values(), o.groupOrder);

  let maxEval = 0;
  for (const a of tg.alert_rule_test) maxEval = Math.max(maxEval, a.eval_time);
  for (const p of tg.promql_expr_test) maxEval = Math.max(maxEval, p.eval_time);
  const maxt = mint + maxEval;

  for (const a of tg.alert_rule_test) {
    if (a.alertname === '') {
      const where = tg.name !== '' ? ` (in TestGroup ${tg.name})` : '';
      return [`an item under alert_rule_test misses required attribute alertname at eval_time ${formatDuration(a.eval_time)}${where}`];
    }
  }
  const evalTimes = [...new Set(tg.alert_rule_test.map((a) => a.eval_time))].sort((x, y) => x - y);
  // Alerting rules write ALERTS from the first evaluation: there is no state to restore.
  for (const g of groups) for (const r of g.rules) if (r.kind === 'alerting') r.restored = true;

  const errs: string[] = [];
  const testNameLine = tg.name !== '' ? `    name: ${tg.name},\n` : '';
  let curr = 0;
  for (let ts = mint; ts <= maxt; ts += o.evalIntervalMs) {
    const evalErrs: string[] = [];
    for (const g of groups) {
      await g.eval(ts as Millis);
      for (const r of g.rules) {
        if (r.lastError !== null) evalErrs.push(`    rule: ${r.name}, time: ${formatGoDuration(ts)}, err: ${r.lastError.message}`);
      }
    }
    errs.push(...evalErrs);
    if (evalErrs.length > 0) return errs;

    while (curr < evalTimes.length && ts - mint <= evalTimes[curr]! && evalTimes[curr]! < ts + o.evalIntervalMs - mint) {
      const t = evalTimes[curr]!;
      const got = new Map<string, LabelsAndAnnotations[]>();
      const names = new Set(tg.alert_rule_test.filter((a) => a.eval_time === t).map((a) => a.alertname));
      for (const g of groups) {
        for (const r of g.rules) {
          if (r.kind !== 'alerting' || !names.has(r.name)) continue;
          const list = got.get(r.name) ?? [];
          for (const a of r.activeAlerts()) if (a.state === 'firing') list.push({ labels: a.labels, annotations: a.annotations });
          got.set(r.name, list);
        }
      }
      for (const tc of tg.alert_rule_test) {
        if (tc.eval_time !== t) continue;
        const gotAlerts = [...(got.get(tc.alertname) ?? [])].sort(compareLA);
        const exp = tc.exp_alerts.map((a) => ({
          labels: Labels.fromObject({ ...a.exp_labels, alertname: tc.alertname }), annotations: Labels.fromObject(a.exp_annotations),
        })).sort(compareLA);
        const equal = exp.length === gotAlerts.length && exp.every((e, i) => e.labels.equals(gotAlerts[i]!.labels) && e.annotations.equals(gotAlerts[i]!.annotations));
        if (equal) continue;
        if (o.diff) {
          errs.push(`${testNameLine}    alertname: ${tc.alertname}, time: ${formatDuration(tc.eval_time)}, \n        diff: ${indentLines(alertsDiff(exp, gotAlerts), '            ')}`);
        } else {
          errs.push(`${testNameLine}    alertname: ${tc.alertname}, time: ${formatDuration(tc.eval_time)}, \n        exp:${indentLines(alertsString(exp), '            ')}, \n        got:${indentLines(alertsString(gotAlerts), '            ')}`);
        }
      }
      curr++;
    }
  }

  outer: for (const tc of tg.promql_expr_test) {
    let got;
    try {
      got = await query(tc.expr, (mint + tc.eval_time) as Millis);
    } catch (e) {
      errs.push(`    expr: ${quoteGoString(tc.expr)}, time: ${formatDuration(tc.eval_time)}, err: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const gotSamples: ParsedSample[] = got.map((s) => ({ labels: s.metric, value: s.h === null ? s.f : 0, histogram: histogramTestExpression(s.h) }));
    const expSamples: ParsedSample[] = [];
    for (const s of tc.exp_samples) {
      try {
        const labels = parseLabels(s.labels);
        let histogram = '';
        if (s.histogram !== '') {
          const vals = parseSeriesDesc('{} ' + s.histogram).values;
          if (vals.length !== 1) throw new Error(`expected 1 value, got ${vals.length}`);
          if (vals[0]!.histogram === null) throw new Error('expected histogram');
          histogram = histogramTestExpression(vals[0]!.histogram);
        }
        expSamples.push({ labels, value: s.value, histogram });
      } catch (e) {
        errs.push(`    expr: ${quoteGoString(tc.expr)}, time: ${formatDuration(tc.eval_time)}, err: labels ${quoteGoString(s.labels)}: ${e instanceof Error ? e.message : String(e)}`);
        continue outer;
      }
    }
    const byLabels = (a: ParsedSample, b: ParsedSample): number => Labels.compare(a.labels, b.labels);
    expSamples.sort(byLabels);
    gotSamples.sort(byLabels);
    const equal = expSamples.length === gotSamples.length && expSamples.every((e, i) => {
      const g = gotSamples[i]!;
      return e.labels.equals(g.labels) && floatsEqual(e.value, g.value, o.fuzzyCompare) && e.histogram === g.histogram;
    });
    if (!equal) {
      errs.push(`    expr: ${quoteGoString(tc.expr)}, time: ${formatDuration(tc.eval_time)},\n        exp: ${samplesString(expSamples)}\n        got: ${samplesString(gotSamples)}`);
    }
  }

  if (o.debug) await debugDump(engine, storage, mint, maxEval, o.err);
  return errs;
}

async function debugDump(engine: PromQLEngine, storage: TestStorage, mint: number, maxEval: number, err: (s: string) => void): Promise<void> {
  const ts = Math.floor((maxEval + 1000) / 1000) * 1000;
  const expr = `{__name__=~".+"}[${formatGoDuration(ts)}]`;
  try {
    const q = engine.newInstantQuery(storage.queryable, expr, (mint + ts) as Millis);
    const res = await q.exec();
    q.close();
    if (res.value.kind !== 'matrix') {
      err(`DEBUG: Got unexpected type ${res.value.kind}\n`);
      return;
    }
    const text = res.value.m.map((s) => {
      const vals = [
        ...s.floats.map((p) => `${String(p.f)} @[${p.t}]`),
        ...s.histograms.map((p) => `${floatHistogramString(p.h)} @[${p.t}]`),
      ];
      return `${s.metric.toString()} =>\n${vals.join('\n')}`;
    }).join('\n');
    err(`DEBUG: Dump of all data (input_series and rules) at ${formatGoDuration(ts)}:\n${text}\n`);
  } catch (e) {
    err(`DEBUG: Failed querying, expr: ${quoteGoString(expr)}, err: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
