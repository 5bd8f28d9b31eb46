/**
 * Alertmanagers from discovered target groups, as Prometheus derives them: each target gets
 * `__scheme__` and `__alerts_path__` (path prefix + `/api/v2/alerts`) from its config, the
 * group labels it lacks, and then the config's `relabel_configs`; dropped targets are kept
 * (for `/api/v1/alertmanagers`) with their labels before relabeling.
 */
import { posix } from 'node:path';
import { Labels, LabelsBuilder } from '../model/index.js';
import type { AlertmanagerConfig, NameValidationScheme } from '../config/types.js';
import type { TargetGroup } from '../discovery/index.js';
import { processBuilder } from '../relabel/index.js';

export const ALERTS_PATH_LABEL = '__alerts_path__';

/** One Alertmanager: its labels after relabeling (or before, for a dropped one). */
export interface AlertmanagerTarget {
  labels: Labels;
  /** `scheme://address/path`, where alerts are posted. */
  url: string;
}

/** The POST path for alerts under a path prefix. */
export function postPath(prefix: string, apiVersion: string): string {
  return posix.join('/', prefix, `/api/${apiVersion}/alerts`);
}

export function alertmanagerURL(l: Labels): string {
  return `${l.get('__scheme__')}://${l.get('__address__')}${encodeURI(l.get(ALERTS_PATH_LABEL))}`;
}

/**
 * The active and dropped Alertmanagers of a target group. Throws when a relabeled address is
 * not a host[:port] (Prometheus refuses the group).
 */
export function alertmanagersFromGroup(
  tg: TargetGroup, cfg: AlertmanagerConfig, scheme: NameValidationScheme = 'utf8',
): { active: AlertmanagerTarget[]; dropped: AlertmanagerTarget[] } {
  const active: AlertmanagerTarget[] = [];
  const dropped: AlertmanagerTarget[] = [];
  const lb = new LabelsBuilder();
  for (const t of tg.targets) {
    lb.reset(Labels.EMPTY);
    for (const [n, v] of Object.entries(t)) lb.set(n, v);
    lb.set('__scheme__', cfg.scheme);
    lb.set(ALERTS_PATH_LABEL, postPath(cfg.path_prefix, cfg.api_version));
    for (const [n, v] of Object.entries(tg.labels)) if (!Object.hasOwn(t, n)) lb.set(n, v);
    const pre = lb.labels();
    if (!processBuilder(lb, cfg.relabel_configs, scheme)) {
      dropped.push({ labels: pre, url: alertmanagerURL(pre) });
      continue;
    }
    const l = lb.labels();
    const addr = l.get('__address__');
    if (addr.includes('/')) throw new Error(`${JSON.stringify(addr)} is not a valid hostname`);
    active.push({ labels: l, url: alertmanagerURL(l) });
  }
  return { active, dropped };
}
