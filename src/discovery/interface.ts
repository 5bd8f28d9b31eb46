/**
 * The discovery seam. A `Discoverer` watches one source (a static list, files, DNS, Consul,
 * Kubernetes, ...) and sends full target group sets; the manager merges them per scrape pool
 * and hands them to the scrape manager. Nothing outside `discovery/` knows a mechanism.
 */
import type { Registry } from '../instrument/index.js';
import type { Logger } from '../util/log.js';

/** A group of targets sharing labels, identified within its discoverer by `source`. */
export interface TargetGroup {
  /** One label set per target; each has at least `__address__`. */
  targets: Record<string, string>[];
  /** Labels common to all targets of the group (target labels win on conflict). */
  labels: Record<string, string>;
  /** Unique within the discoverer; a later group with the same source replaces the earlier one, an empty one removes it. */
  source: string;
}

export interface Discoverer {
  /**
   * Runs until `signal` aborts. Sends the initial full set of groups as soon as known, then
   * every changed group. Must not throw after start: failures are logged and counted, and
   * the last good groups stay in place.
   */
  run(signal: AbortSignal, send: (groups: TargetGroup[]) => void): Promise<void>;
}

/** What a mechanism's factory gets besides its own config. */
export interface DiscovererOptions {
  /** Logger already carrying the mechanism and the set name. */
  logger: Logger;
  /**
   * Where mechanism metrics go (`prometheus_sd_file_*`, ...). Mechanisms register their
   * metrics once per registry and share them between discoverers, as Prometheus does.
   */
  registry: Registry;
  /** The target set (scrape job name, or alertmanager config name) the discoverer feeds. */
  setName: string;
}

/**
 * Builds a discoverer from one SD config (one element of a `*_sd_configs` list; for
 * `static_configs` the whole list, which Prometheus coalesces into one provider). Throws when
 * the config cannot be used; the manager counts that in `prometheus_sd_failed_configs`.
 */
export type DiscovererFactory = (config: unknown, opts: DiscovererOptions) => Discoverer;
