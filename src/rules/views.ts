/**
 * Read-only views of the manager's groups, rules and alerts, in the shapes the HTTP API
 * (`/api/v1/rules`, `/api/v1/alerts`) reads. Built on each call; alerts are copies.
 */
import type { Labels } from '../model/index.js';
import type { Alert, AlertState } from './alert.js';
import type { Group } from './group.js';
import type { RuleHealth } from './rule.js';
import type { Rule } from './rule.js';

export interface AlertInfo {
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  activeAt: Date;
  keepFiringSince: Date | null;
  value: number;
}

interface RuleInfoCommon {
  name: string;
  query: string;
  labels: Labels;
  health: RuleHealth;
  lastError: string;
  evaluationTimeSeconds: number;
  lastEvaluation: Date | null;
}

export type RuleInfo =
  | (RuleInfoCommon & { kind: 'alerting'; state: AlertState; durationSeconds: number; keepFiringForSeconds: number; annotations: Labels; activeAlerts(): AlertInfo[] })
  | (RuleInfoCommon & { kind: 'recording' });

export interface GroupInfo {
  name: string;
  file: string;
  intervalSeconds: number;
  limit: number;
  evaluationTimeSeconds: number;
  lastEvaluation: Date | null;
  rules: RuleInfo[];
}

export function alertInfo(a: Alert): AlertInfo {
  return {
    labels: a.labels, annotations: a.annotations, state: a.state, activeAt: new Date(a.activeAt),
    keepFiringSince: a.keepFiringSince !== 0 ? new Date(a.keepFiringSince) : null, value: a.value,
  };
}

export function ruleInfo(r: Rule): RuleInfo {
  const common: RuleInfoCommon = {
    name: r.name, query: r.exprText, labels: r.labels, health: r.health, lastError: r.lastError?.message ?? '',
    evaluationTimeSeconds: r.evaluationDurationSeconds, lastEvaluation: r.evaluationTimestamp,
  };
  switch (r.kind) {
    case 'recording': return { ...common, kind: 'recording' };
    case 'alerting': return {
      ...common, kind: 'alerting', state: r.state(), durationSeconds: r.holdDurationMs / 1000, keepFiringForSeconds: r.keepFiringForMs / 1000,
      annotations: r.annotations, activeAlerts: () => r.activeAlerts().map(alertInfo),
    };
    default: {
      const never: never = r;
      throw new Error(`unknown rule ${String(never)}`);
    }
  }
}

export function groupInfo(g: Group): GroupInfo {
  return {
    name: g.name, file: g.file, intervalSeconds: g.intervalMs / 1000, limit: g.limit, evaluationTimeSeconds: g.evaluationTimeSeconds,
    lastEvaluation: g.lastEvaluation, rules: g.rules.map(ruleInfo),
  };
}
