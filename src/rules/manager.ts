/**
 * The rule manager: loads rule files into groups and runs them. A reload (`update`) parses
 * every file first and keeps the old rule set if anything fails; groups whose definition did
 * not change keep running untouched, changed ones are replaced and take over their
 * predecessor's state (alerts, series for staleness), removed ones stop and mark their series
 * stale. Groups are identified by file and name, as in Prometheus.
 */
import { Labels } from '../model/index.js';
import type { Registry } from '../instrument/index.js';
import { parseExpr, type ParseOptions } from '../promql/parser/index.js';
import type { Appendable, Queryable } from '../storage/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import { AlertingRule, type NotifyFunc } from './alerting-rule.js';
import { BoundedConcurrency, SEQUENTIAL, analyseDependencies } from './concurrency.js';
import { Group, groupKey } from './group.js';
import { RuleMetrics } from './metrics.js';
import type { GroupContext } from './options.js';
import { RecordingRule } from './recording-rule.js';
import type { QueryFunc, Rule } from './rule.js';
import { RuleFormatError, parseRuleFile, type NameValidation } from './rulefmt.js';

export interface RuleManagerOptions {
  appendable: Appendable;
  queryable: Queryable;
  query: QueryFunc;
  notify: NotifyFunc;
  /** `--web.external-url`. */
  externalURL: string;
  registry: Registry;
  logger?: Logger;
  /** Defaults: 1h, 10m, 1m, as Prometheus's flags. */
  outageToleranceMs?: number;
  forGracePeriodMs?: number;
  resendDelayMs?: number;
  /** The global `rule_query_offset` (ms), read at each evaluation. */
  defaultRuleQueryOffsetMs?: () => number;
  /** `--enable-feature=concurrent-rule-eval` and `--rules.max-concurrent-evals`. */
  concurrentEvals?: boolean;
  maxConcurrentEvals?: number;
  parseOptions?: ParseOptions;
  nameValidation?: NameValidation;
  /** Also restore `for` state for groups added by later reloads (Prometheus's RestoreNewRuleGroups). */
  restoreNewRuleGroups?: boolean;
}

/** The groups of a load, or the errors that stopped it. */
export type LoadResult = { ok: true; groups: Map<string, Group> } | { ok: false; errors: Error[] };

function mergeLabels(...maps: Readonly<Record<string, string>>[]): Labels {
  const m: Record<string, string> = {};
  for (const x of maps) Object.assign(m, x);
  return Labels.fromObject(m);
}

export class RuleManager {
  readonly #o: RuleManagerOptions;
  readonly #ctx: GroupContext;
  readonly #logger: Logger;
  readonly #managerDone = new AbortController();
  #groups = new Map<string, Group>();
  #restored = false;
  #started = false;
  #stopped = false;
  /** Groups created before `run`, started by it. */
  #waiting: Group[] = [];
  #updating: Promise<void> = Promise.resolve();

  constructor(o: RuleManagerOptions) {
    this.#o = o;
    this.#logger = o.logger ?? nopLogger;
    this.#ctx = {
      appendable: o.appendable,
      queryable: o.queryable,
      query: o.query,
      notify: o.notify,
      externalURL: o.externalURL,
      logger: this.#logger,
      metrics: RuleMetrics.for(o.registry),
      outageToleranceMs: o.outageToleranceMs ?? 3_600_000,
      forGracePeriodMs: o.forGracePeriodMs ?? 600_000,
      resendDelayMs: o.resendDelayMs ?? 60_000,
      defaultRuleQueryOffsetMs: o.defaultRuleQueryOffsetMs ?? (() => 0),
      concurrency: o.concurrentEvals === true ? new BoundedConcurrency(o.maxConcurrentEvals ?? 4) : SEQUENTIAL,
      managerDone: this.#managerDone.signal,
    };
  }

  /** Starts evaluating: groups loaded so far start now, later ones as they load. */
  run(): void {
    if (this.#started || this.#stopped) return;
    this.#logger.info('Starting rule manager...');
    this.#started = true;
    for (const g of this.#waiting) g.start();
    this.#waiting = [];
  }

  /** Stops every group and waits for their evaluations to finish. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#logger.info('Stopping rule manager...');
    this.#stopped = true;
    await this.#updating.catch(() => undefined);
    for (const g of this.#groups.values()) g.stopAsync();
    await Promise.all([...this.#groups.values()].map((g) => g.stop()));
    this.#managerDone.abort();
    this.#logger.info('Rule manager stopped');
  }

  #launch(g: Group): void {
    if (this.#stopped) return;
    if (this.#started) g.start();
    else this.#waiting.push(g);
  }

  /**
   * Applies a configuration: `files` are the rule files (globs already expanded), `intervalMs`
   * the global evaluation interval. Rejects, keeping the running rules, when a file is bad.
   */
  update(intervalMs: number, files: readonly string[], externalLabels: Readonly<Record<string, string>>, externalURL: string): Promise<void> {
    const run = (): Promise<void> => this.#update(intervalMs, files, externalLabels, externalURL);
    const p = this.#updating.then(run, run);
    this.#updating = p.catch(() => undefined);
    return p;
  }

  async #update(intervalMs: number, files: readonly string[], externalLabels: Readonly<Record<string, string>>, externalURL: string): Promise<void> {
    if (this.#stopped) return;
    const res = await this.loadGroups(intervalMs, externalLabels, externalURL, false, files);
    if (!res.ok) {
      for (const e of res.errors) this.#logger.error('loading groups failed', { err: e.message });
      throw new Error('error loading rules, previous rule set restored');
    }
    this.#restored = true;
    const next = res.groups;
    const old = new Map(this.#groups);
    const pending: Promise<void>[] = [];
    for (const [key, g] of next) {
      const prev = old.get(key);
      old.delete(key);
      if (prev !== undefined && prev.equals(g)) {
        next.set(key, prev);
        continue;
      }
      pending.push((async () => {
        if (prev !== undefined) {
          await prev.stop();
          g.copyState(prev);
        }
        this.#launch(g);
      })());
    }
    for (const [key, g] of old) {
      g.markStale = true;
      pending.push(g.stop().then(() => { this.#ctx.metrics.deleteGroup(key); }));
      this.#waiting = this.#waiting.filter((w) => w !== g);
    }
    await Promise.all(pending);
    this.#groups = next;
  }

  /** Parses the files into groups, without running them (the rule unit tests use this directly). */
  async loadGroups(
    intervalMs: number, externalLabels: Readonly<Record<string, string>>, externalURL: string, ignoreUnknownFields: boolean, files: readonly string[],
  ): Promise<LoadResult> {
    const groups = new Map<string, Group>();
    const shouldRestore = !this.#restored || this.#o.restoreNewRuleGroups === true;
    const popts = this.#o.parseOptions ?? {};
    for (const fn of files) {
      const parsed = await parseRuleFile(fn, { ignoreUnknownFields, nameValidation: this.#o.nameValidation ?? 'utf8', parseOptions: popts, logger: this.#logger });
      if (!parsed.ok) return { ok: false, errors: parsed.errors };
      for (const rg of parsed.groups.groups) {
        const rules: Rule[] = [];
        for (const r of rg.rules) {
          let expr;
          try {
            expr = parseExpr(r.expr, popts);
          } catch (e) {
            return { ok: false, errors: [new RuleFormatError(`${fn}: ${e instanceof Error ? e.message : String(e)}`)] };
          }
          const labels = mergeLabels(rg.labels, r.labels);
          if (r.alert !== '') {
            rules.push(new AlertingRule({
              name: r.alert, expr, holdDurationMs: r.for, keepFiringForMs: r.keep_firing_for, labels,
              annotations: Labels.fromObject(r.annotations), externalLabels, externalURL, restored: !shouldRestore,
              logger: this.#logger.with({ alert: r.alert }),
            }));
          } else {
            rules.push(new RecordingRule(r.record, expr, labels));
          }
        }
        analyseDependencies(rules);
        groups.set(groupKey(fn, rg.name), new Group({
          name: rg.name, file: fn, intervalMs: rg.interval !== 0 ? rg.interval : intervalMs, limit: rg.limit, rules,
          queryOffsetMs: rg.query_offset, shouldRestore, ctx: this.#ctx,
        }));
      }
    }
    return { ok: true, groups };
  }

  /** The groups, ordered by file and then name, as Prometheus lists them. */
  ruleGroups(): Group[] {
    return [...this.#groups.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  rules(): Rule[] {
    const out: Rule[] = [];
    for (const g of this.ruleGroups()) out.push(...g.rules);
    return out;
  }

  alertingRules(): AlertingRule[] {
    const out: AlertingRule[] = [];
    for (const r of this.rules()) if (r.kind === 'alerting') out.push(r);
    return out;
  }
}
