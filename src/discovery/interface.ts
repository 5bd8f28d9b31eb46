/**
 * The discovery seam. A `Discoverer` watches one source (a static list, files, DNS, Consul,
 * Kubernetes, ...) and sends full target group sets; the manager merges them per scrape pool
 * and hands them to the scrape manager. Nothing outside `discovery/` knows a mechanism.
 */

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
