/**
 * `/api/v1/rules`, `/api/v1/alerts` and `/api/v1/alertmanagers`. The rule manager and the
 * notifier are seen through `RulesSource` and `AlertmanagerSource`, views the composition
 * root adapts; without them (no rule evaluation yet) the answers are Prometheus's with no
 * rule groups and no Alertmanagers. Filters and pagination of `/rules` are validated and
 * applied as Prometheus does (`type`, `rule_name[]`, `rule_group[]`, `file[]`, `match[]`,
 * `exclude_alerts`, `group_limit`, `group_next_token`).
 */
import { createHash } from 'node:crypto';
import type { Labels, Matcher } from '../../../model/index.js';
import type { Router } from '../../router.js';
import { formatRFC3339 } from '../../time-format.js';
import { ApiError } from './envelope.js';
import { apiHandler, data, strictForm } from './handler.js';
import { invalidParam, ParamError, parseBool, parseInt32, parseMatchersParam } from './params.js';

/** Alert states; a rule's state is its highest alert's, or 'unknown' before its first evaluation. */
export type AlertState = 'unknown' | 'inactive' | 'pending' | 'firing';
export type RuleHealth = 'unknown' | 'ok' | 'err';

export interface AlertView {
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  activeAt: Date;
  /** null while the alert is not being kept firing. */
  keepFiringSince: Date | null;
  value: number;
}

interface RuleCommon {
  name: string;
  /** The rule's expression as text. */
  query: string;
  labels: Labels;
  health: RuleHealth;
  lastError: string;
  evaluationTimeSeconds: number;
  lastEvaluation: Date | null;
}

export type RuleView =
  | (RuleCommon & { kind: 'alerting'; state: AlertState; durationSeconds: number; keepFiringForSeconds: number; annotations: Labels; activeAlerts(): AlertView[] })
  | (RuleCommon & { kind: 'recording' });

export interface RuleGroupView {
  name: string;
  file: string;
  intervalSeconds: number;
  limit: number;
  evaluationTimeSeconds: number;
  lastEvaluation: Date | null;
  rules: readonly RuleView[];
}

/** The rule manager as the API sees it. */
export interface RulesSource {
  /** Groups in the manager's order (by file, then by group name, as Prometheus lists them). */
  groups(): readonly RuleGroupView[];
}

/** The notifier's Alertmanager discovery as the API sees it: URLs of the alerts endpoints. */
export interface AlertmanagerSource {
  active(): readonly string[];
  dropped(): readonly string[];
}

export const NO_RULES: RulesSource = { groups: () => [] };
export const NO_ALERTMANAGERS: AlertmanagerSource = { active: () => [], dropped: () => [] };

/** Go's `strconv.FormatFloat(v, 'e', -1, 64)`, as alert values are shown (`1e+00`). */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const e = v.toExponential();
  const i = e.indexOf('e');
  const exp = Number(e.slice(i + 1));
  const a = Math.abs(exp);
  return e.slice(0, i) + 'e' + (exp < 0 ? '-' : '+') + (a < 10 ? '0' : '') + String(a);
}

function alertJSON(a: AlertView): Record<string, unknown> {
  const o: Record<string, unknown> = {
    labels: a.labels.toObject(),
    annotations: a.annotations.toObject(),
    state: a.state,
    activeAt: formatRFC3339(a.activeAt),
  };
  if (a.keepFiringSince !== null) o['keepFiringSince'] = formatRFC3339(a.keepFiringSince);
  o['value'] = formatFloatE(a.value);
  return o;
}

function matchesAny(l: Labels, sets: readonly (readonly Matcher[])[]): boolean {
  if (sets.length === 0) return true;
  return sets.some((ms) => ms.every((m) => m.matches(l.get(m.name))));
}

/** The pagination token of a group: hex SHA-256 of "file;name", as Prometheus makes it. */
export function groupToken(file: string, name: string): string {
  return createHash('sha256').update(`${file};${name}`).digest('hex');
}

export function registerRules(r: Router, rules: RulesSource, ams: AlertmanagerSource): void {
  r.get('/api/v1/alerts', apiHandler(() => {
    const alerts: unknown[] = [];
    for (const g of rules.groups()) {
      for (const rule of g.rules) if (rule.kind === 'alerting') for (const a of rule.activeAlerts()) alerts.push(alertJSON(a));
    }
    return data({ alerts });
  }));

  r.get('/api/v1/alertmanagers', apiHandler(() => data({
    activeAlertmanagers: ams.active().map((url) => ({ url })),
    droppedAlertmanagers: ams.dropped().map((url) => ({ url })),
  })));

  r.get('/api/v1/rules', apiHandler(async (c) => {
    const f = await strictForm(c);
    const names = new Set(f.getAll('rule_name[]'));
    const groupNames = new Set(f.getAll('rule_group[]'));
    const files = new Set(f.getAll('file[]'));
    let matcherSets: Matcher[][];
    try {
      matcherSets = parseMatchersParam(f.getAll('match[]'));
    } catch (e) {
      if (e instanceof ParamError) throw new ApiError('bad_data', e.message);
      throw e;
    }
    const groups = rules.groups();
    // These three are read from the URL only, as Prometheus reads them.
    const q = c.url.searchParams;
    const typ = (q.get('type') ?? '').toLowerCase();
    if (typ !== '' && typ !== 'alert' && typ !== 'record') throw invalidParam('type', `not supported value ${JSON.stringify(typ)}`);
    const returnAlerts = typ === '' || typ === 'alert';
    const returnRecording = typ === '' || typ === 'record';
    let excludeAlerts = false;
    const ex = (q.get('exclude_alerts') ?? '').toLowerCase();
    if (ex !== '') {
      try {
        excludeAlerts = parseBool(ex);
      } catch (e) {
        throw invalidParam('exclude_alerts', `error converting exclude_alerts: ${(e as Error).message}`);
      }
    }
    const { maxGroups, nextToken } = pagination(q);

    const out: unknown[] = [];
    let groupNextToken = '';
    let foundToken = false;
    for (const g of groups) {
      if (maxGroups > 0 && nextToken !== '' && !foundToken) {
        if (nextToken !== groupToken(g.file, g.name)) continue;
        foundToken = true;
      }
      if (groupNames.size > 0 && !groupNames.has(g.name)) continue;
      if (files.size > 0 && !files.has(g.file)) continue;
      const ruleList: unknown[] = [];
      for (const rule of g.rules) {
        if (!matchesAny(rule.labels, matcherSets)) continue;
        if (names.size > 0 && !names.has(rule.name)) continue;
        const common = {
          health: rule.health,
          ...(rule.lastError !== '' ? { lastError: rule.lastError } : {}),
          evaluationTime: rule.evaluationTimeSeconds,
          lastEvaluation: formatRFC3339(rule.lastEvaluation),
        };
        if (rule.kind === 'alerting') {
          if (!returnAlerts) continue;
          ruleList.push({
            state: rule.state, name: rule.name, query: rule.query, duration: rule.durationSeconds,
            keepFiringFor: rule.keepFiringForSeconds, labels: rule.labels.toObject(), annotations: rule.annotations.toObject(),
            alerts: excludeAlerts ? null : rule.activeAlerts().map(alertJSON), ...common, type: 'alerting',
          });
        } else {
          if (!returnRecording) continue;
          ruleList.push({ name: rule.name, query: rule.query, labels: rule.labels.toObject(), ...common, type: 'recording' });
        }
      }
      if (ruleList.length === 0) continue;
      if (maxGroups > 0 && out.length === maxGroups) {
        groupNextToken = groupToken(g.file, g.name);
        break;
      }
      out.push({
        name: g.name, file: g.file, rules: ruleList, interval: g.intervalSeconds, limit: g.limit,
        evaluationTime: g.evaluationTimeSeconds, lastEvaluation: formatRFC3339(g.lastEvaluation),
      });
    }
    if (maxGroups > 0 && nextToken !== '' && !foundToken) {
      throw invalidParam('group_next_token', `invalid group_next_token '${nextToken}'. were rule groups changed?`);
    }
    const res: Record<string, unknown> = { groups: out };
    if (groupNextToken !== '') res['groupNextToken'] = groupNextToken;
    return data(res);
  }));
}

function pagination(q: URLSearchParams): { maxGroups: number; nextToken: string } {
  const limit = q.get('group_limit') ?? '';
  const nextToken = q.get('group_next_token') ?? '';
  if (nextToken !== '' && limit === '') {
    throw invalidParam('group_next_token', 'group_limit needs to be present in order to paginate over the groups');
  }
  let maxGroups = -1;
  if (limit !== '') {
    try {
      maxGroups = parseInt32(limit);
    } catch (e) {
      throw invalidParam('group_limit', `group_limit needs to be a valid number: ${(e as Error).message}`);
    }
    if (maxGroups <= 0) throw invalidParam('group_limit', 'group_limit needs to be greater than 0');
  }
  return maxGroups > 0 ? { maxGroups, nextToken } : { maxGroups: -1, nextToken: '' };
}
