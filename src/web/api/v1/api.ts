/**
 * Registers the query, metadata and search part of the HTTP API (everything under `/api/v1/`
 * except the targets, status, and remote-write routes, which register themselves), with CORS
 * on every API route and OPTIONS on every API path.
 */
import type { RelabelConfig } from '../../../config/types.js';
import type { ParseOptions } from '../../../promql/parser/index.js';
import type { Engine } from '../../../promql/value.js';
import type { ExemplarQueryable, Queryable } from '../../../storage/index.js';
import type { Router } from '../../router.js';
import { registerReadGate } from '../../read-gate.js';
import { registerAdmin, type AdminStorage } from './admin.js';
import { registerCORS } from './cors.js';
import { registerExemplars } from './exemplars.js';
import { registerFeatures, type FeatureRegistry } from './features.js';
import { registerMetricMetadata } from './metric-metadata.js';
import { registerNotifications, type Notifications } from './notifications.js';
import { registerOpenAPI } from './openapi.js';
import { registerParseQuery } from './parse-query.js';
import { registerQuery } from './query.js';
import { registerRelabelSteps } from './relabel-steps.js';
import { registerScrapePoolConfig } from './scrape-pool-config.js';
import { NO_ALERTMANAGERS, NO_RULES, registerRules, type AlertmanagerSource, type RulesSource } from './rules.js';
import { registerSearch } from './search.js';
import { DEFAULT_MAX_SEARCH_LIMIT } from './search-params.js';
import { registerSeries } from './series.js';
import type { TargetSource } from './targets.js';

export interface APIDeps {
  engine: Engine;
  queryable: Queryable;
  /** null: exemplar storage disabled (`query_exemplars` answers empty). */
  exemplars: ExemplarQueryable | null;
  /** The parser options of the server's features, for `format_query`, `parse_query` and exemplar queries. */
  parseOpts: ParseOptions;
  targets: TargetSource;
  /** The target relabel rules of a scrape pool; undefined for an unknown pool. */
  relabelConfigs(pool: string): readonly RelabelConfig[] | undefined;
  /** The effective configuration of a scrape pool as YAML; undefined for an unknown pool. */
  scrapePoolConfigYAML?: (pool: string) => string | undefined;
  /** Defaults: no rule groups, no Alertmanagers. */
  rules?: RulesSource;
  alertmanagers?: AlertmanagerSource;
  admin: AdminStorage;
  enableAdmin: boolean;
  dataDir: string;
  features: FeatureRegistry;
  notifications: Notifications;
  /** `--web.cors.origin`. */
  corsOrigin: string;
  /** The clock of instant queries without `time` and of the search routes' default range (tests pin it). */
  now?: () => number;
  /** `--enable-feature=search-api`: the search routes answer (without it they answer `search API disabled`). */
  enableSearch?: boolean;
  /** `--web.search.max-limit` (default DEFAULT_MAX_SEARCH_LIMIT; 0: no cap). */
  maxSearchLimit?: number;
  /** Read requests (queries, lookups, federation) run at once; the others wait (default DEFAULT_MAX_CONCURRENT_READS, 2). */
  maxConcurrentReads?: number;
}

export function registerAPI(r: Router, d: APIDeps): void {
  registerCORS(r, d.corsOrigin);
  registerReadGate(r, d.maxConcurrentReads);
  registerQuery(r, d.now === undefined ? { engine: d.engine, queryable: d.queryable } : { engine: d.engine, queryable: d.queryable, now: d.now });
  registerExemplars(r, { exemplars: d.exemplars, parseOpts: d.parseOpts });
  registerParseQuery(r, d.parseOpts);
  registerSeries(r, { queryable: d.queryable });
  registerSearch(r, {
    queryable: d.queryable, targets: d.targets, enabled: d.enableSearch === true,
    maxLimit: d.maxSearchLimit ?? DEFAULT_MAX_SEARCH_LIMIT, now: d.now ?? Date.now,
  });
  registerMetricMetadata(r, d.targets);
  registerRelabelSteps(r, { relabelConfigs: (pool) => d.relabelConfigs(pool) });
  registerScrapePoolConfig(r, (pool) => d.scrapePoolConfigYAML?.(pool));
  registerRules(r, d.rules ?? NO_RULES, d.alertmanagers ?? NO_ALERTMANAGERS);
  registerAdmin(r, { storage: d.admin, enableAdmin: d.enableAdmin, dataDir: d.dataDir });
  registerFeatures(r, d.features);
  registerNotifications(r, d.notifications);
  registerOpenAPI(r);
}
