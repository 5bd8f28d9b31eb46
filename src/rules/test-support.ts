/** Helpers for the rules tests: a fake query function, a memory storage and a group context. */
import { Labels, type Millis } from '../model/index.js';
import { Registry } from '../instrument/index.js';
import { parseExpr } from '../promql/parser/index.js';
import type { Sample, Vector } from '../promql/value.js';
import { MemoryStorage, ValueType, type Queryable } from '../storage/index.js';
import { Matcher } from '../model/index.js';
import type { Alert } from './alert.js';
import { AlertingRule, type AlertingRuleOptions } from './alerting-rule.js';
import { SEQUENTIAL } from './concurrency.js';
import { RuleMetrics } from './metrics.js';
import type { GroupContext } from './options.js';
import type { QueryFunc } from './rule.js';
import { nopLogger } from '../util/log.js';

/** A query function answering from a table of results per query text (a function of time). */
export function fakeQuery(results: Record<string, (t: number) => { labels: Record<string, string>; value: number }[] | Error>): QueryFunc {
  return (q: string, t: Millis) => {
    const f = results[q];
    if (f === undefined) return Promise.reject(new Error(`unexpected query ${q}`));
    const r = f(t);
    if (r instanceof Error) return Promise.reject(r);
    const v: Vector = r.map((s): Sample => ({ metric: Labels.fromObject(s.labels), t, f: s.value, h: null }));
    return Promise.resolve(v);
  };
}

export function newStorage(): MemoryStorage {
  return new MemoryStorage({ gcIntervalMs: 0, maxExemplars: 0 });
}

export function groupContext(o: Partial<GroupContext> & { query: QueryFunc; storage?: MemoryStorage }): GroupContext & { sent: { expr: string; alerts: Alert[] }[] } {
  const storage = o.storage ?? newStorage();
  const sent: { expr: string; alerts: Alert[] }[] = [];
  return {
    appendable: storage, queryable: storage, notify: (expr, alerts) => { if (alerts.length > 0) sent.push({ expr, alerts: [...alerts] }); },
    externalURL: 'http://localhost:9090', logger: nopLogger, metrics: RuleMetrics.for(new Registry()),
    outageToleranceMs: 3_600_000, forGracePeriodMs: 600_000, resendDelayMs: 60_000, defaultRuleQueryOffsetMs: () => 0,
    concurrency: SEQUENTIAL, managerDone: new AbortController().signal, ...o, sent,
  };
}

export function alertingRule(o: Partial<Omit<AlertingRuleOptions, 'expr'>> & { expr: string }): AlertingRule {
  return new AlertingRule({
    name: 'A', holdDurationMs: 0, keepFiringForMs: 0, labels: Labels.EMPTY, annotations: Labels.EMPTY, externalLabels: {}, externalURL: '',
    restored: true, ...o, expr: parseExpr(o.expr),
  });
}

/** Every float sample of the series matching `name` (stale markers as 'stale'), by series. */
export async function readSeries(q: Queryable, name: string, mint = 0, maxt = Number.MAX_SAFE_INTEGER): Promise<Map<string, (number | 'stale')[][]>> {
  const qr = await q.querier(mint as Millis, maxt as Millis);
  const set = await qr.select(true, null, [new Matcher('=', '__name__', name)]);
  const out = new Map<string, (number | 'stale')[][]>();
  while (set.next()) {
    const s = set.at();
    const it = s.iterator(null);
    const pts: (number | 'stale')[][] = [];
    while (it.next() === ValueType.Float) pts.push([it.atT(), it.atStale() ? 'stale' : it.atF()]);
    out.set(s.labels.toString(), pts);
  }
  await qr.close();
  return out;
}
