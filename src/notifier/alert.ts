/**
 * The alerts the notifier sends: what Alertmanager's API v2 takes (labels, annotations, the
 * known time range and a link back to the generating expression), and the relabeling every
 * alert goes through before it is queued (external labels, then `alert_relabel_configs`).
 */
import { LabelsBuilder, type Labels } from '../model/index.js';
import type { NameValidationScheme, RelabelConfig } from '../config/types.js';
import { processBuilder } from '../relabel/index.js';

export interface NotifierAlert {
  /** Must hold at least `alertname`. */
  labels: Labels;
  annotations: Labels;
  /** Unix ms; 0 for "not known". */
  startsAt: number;
  /** Unix ms; 0 for "not known". An alert whose endsAt has passed is resolved. */
  endsAt: number;
  generatorURL: string;
}

export function alertName(a: NotifierAlert): string {
  return a.labels.get('alertname');
}

/** Whether the alert is resolved at `nowMs` (its end time has passed). */
export function resolvedAt(a: NotifierAlert, nowMs: number): boolean {
  return a.endsAt !== 0 && a.endsAt <= nowMs;
}

/**
 * Adds the external labels the alert does not have, applies the relabel rules and drops the
 * alerts they drop. Alerts whose labels are unchanged are returned as they are.
 */
export function relabelAlerts(
  cfgs: readonly RelabelConfig[], externalLabels: Readonly<Record<string, string>>, alerts: readonly NotifierAlert[], scheme: NameValidationScheme = 'utf8',
): NotifierAlert[] {
  const ext = Object.entries(externalLabels);
  if (cfgs.length === 0 && ext.length === 0) return [...alerts];
  const lb = new LabelsBuilder();
  const out: NotifierAlert[] = [];
  for (const a of alerts) {
    lb.reset(a.labels);
    for (const [n, v] of ext) if (a.labels.get(n) === '') lb.set(n, v);
    if (!processBuilder(lb, cfgs, scheme)) continue;
    const l = lb.labels();
    out.push(l.equals(a.labels) ? a : { ...a, labels: l });
  }
  return out;
}
