/**
 * `/api/v1/features`: which features the server has, by category, in Prometheus 3's
 * vocabulary (`api`, `prometheus`, `promql`, `promql_functions`, `promql_operators`,
 * `scrape`, `service_discovery_providers`, `tsdb`, ...). Components record theirs in a
 * `FeatureRegistry`; a feature Watchfire lacks is left out (clients read absent as false,
 * as Prometheus documents). `promqlFeatures` derives the PromQL part from the parser's
 * tables and options, as Prometheus's parser and engine register theirs.
 */
import { FUNCTIONS, type ParseOptions } from '../../../promql/parser/index.js';
import type { Router } from '../../router.js';
import { apiHandler, data } from './handler.js';
import { FUZZ_ALGORITHMS } from './search-filters.js';

export class FeatureRegistry {
  readonly #m = new Map<string, Map<string, boolean>>();

  set(category: string, name: string, enabled: boolean): this {
    let c = this.#m.get(category);
    if (c === undefined) {
      c = new Map();
      this.#m.set(category, c);
    }
    c.set(name, enabled);
    return this;
  }

  enable(category: string, name: string): this {
    return this.set(category, name, true);
  }

  /** A copy, categories and names sorted (Go writes map keys sorted). */
  get(): Record<string, Record<string, boolean>> {
    const out: Record<string, Record<string, boolean>> = {};
    for (const cat of [...this.#m.keys()].sort()) {
      const c = this.#m.get(cat)!;
      const o: Record<string, boolean> = {};
      for (const name of [...c.keys()].sort()) o[name] = c.get(name)!;
      out[cat] = o;
    }
    return out;
  }
}

/** The modifier keywords of PromQL (Prometheus registers them under `promql`). */
const KEYWORDS = ['bool', 'by', 'group_left', 'group_right', 'ignoring', 'offset', 'on', 'without'];
/** Binary operators, `@` included, under their Prometheus spelling. */
const OPERATORS = ['+', '/', '==', '=~', '>=', '>', '</', '>/', 'and', 'or', '<', '<=', 'unless', '%', '*', '!=', '!~', '^', '-', '@', 'atan2'];
const AGGREGATORS = ['avg', 'bottomk', 'count', 'count_values', 'group', 'max', 'min', 'quantile', 'stddev', 'stdvar', 'sum', 'topk'];
const EXPERIMENTAL_AGGREGATORS = ['limitk', 'limit_ratio'];

export interface PromQLFeatureOptions {
  parse: ParseOptions;
  perStepStats: boolean;
  delayedNameRemoval: boolean;
  typeAndUnitLabels: boolean;
}

/** Records the PromQL language and engine features as Prometheus 3.14 registers them. */
export function promqlFeatures(r: FeatureRegistry, o: PromQLFeatureOptions): void {
  const p = o.parse;
  for (const k of KEYWORDS) r.enable('promql', k);
  for (const k of ['anchored', 'smoothed']) r.set('promql', k, p.extendedRangeSelectors === true);
  for (const k of ['fill', 'fill_left', 'fill_right']) r.set('promql', k, p.binopFillModifiers === true);
  for (const op of OPERATORS) r.enable('promql_operators', op);
  for (const a of AGGREGATORS) r.enable('promql_operators', a);
  for (const a of EXPERIMENTAL_AGGREGATORS) r.set('promql_operators', a, p.experimentalFunctions === true);
  for (const [name, f] of FUNCTIONS) r.set('promql_functions', name, !f.experimental || p.experimentalFunctions === true);
  r.enable('promql', 'duration_expr');
  r.enable('promql', 'at_modifier');
  r.enable('promql', 'negative_offset');
  r.set('promql', 'per_step_stats', o.perStepStats);
  r.set('promql', 'delayed_name_removal', o.delayedNameRemoval);
  r.set('promql', 'type_and_unit_labels', o.typeAndUnitLabels);
  r.enable('promql', 'per_query_lookback_delta');
  r.enable('promql', 'subqueries');
}

export interface APIFeatureOptions {
  lifecycle: boolean;
  admin: boolean;
  remoteWriteReceiver: boolean;
  /** `--enable-feature=search-api`. */
  search: boolean;
}

/** The `api` category: the routes' optional parts this API implements. */
export function apiFeatures(r: FeatureRegistry, o: APIFeatureOptions): void {
  r.set('api', 'lifecycle', o.lifecycle);
  r.set('api', 'admin', o.admin);
  r.set('api', 'remote_write_receiver', o.remoteWriteReceiver);
  r.set('api', 'search', o.search);
  // The fuzzy algorithms are listed whether or not the search routes are on, as Prometheus does.
  for (const alg of FUZZ_ALGORITHMS) r.enable('api', `search_fuzz_alg_${alg}`);
  for (const f of ['label_values_match', 'query_warnings', 'query_stats', 'time_range_series', 'time_range_labels', 'exclude_alerts']) {
    r.enable('api', f);
  }
}

export function registerFeatures(router: Router, reg: FeatureRegistry): void {
  router.get('/api/v1/features', apiHandler(() => data(reg.get())));
}
