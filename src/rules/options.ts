/**
 * What every group of a rule manager shares: where results go and come from, how alerts
 * leave, the server's flags that shape alerting, and the metrics.
 */
import type { Appendable, Queryable } from '../storage/index.js';
import type { Logger } from '../util/log.js';
import type { NotifyFunc } from './alerting-rule.js';
import type { ConcurrencyController } from './concurrency.js';
import type { RuleMetrics } from './metrics.js';
import type { QueryFunc } from './rule.js';

export interface GroupContext {
  appendable: Appendable;
  /** Where `for` state is restored from (the local storage). */
  queryable: Queryable;
  query: QueryFunc;
  notify: NotifyFunc;
  /** `--web.external-url`, for templates' `externalURL` and `pathPrefix` functions. */
  externalURL: string;
  logger: Logger;
  metrics: RuleMetrics;
  /** `--rules.alert.for-outage-tolerance`, ms. */
  outageToleranceMs: number;
  /** `--rules.alert.for-grace-period`, ms. */
  forGracePeriodMs: number;
  /** `--rules.alert.resend-delay`, ms. */
  resendDelayMs: number;
  /** The global `rule_query_offset`, read at each evaluation (it changes with the config). */
  defaultRuleQueryOffsetMs: () => number;
  concurrency: ConcurrencyController;
  /** Aborted when the manager stops: groups waiting to write stale markers give up. */
  managerDone: AbortSignal;
}
