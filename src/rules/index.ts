/**
 * Recording and alerting rules: rule files (rulefmt.ts), groups evaluated on their slots
 * (group.ts), alert state machines (alerting-rule.ts), the manager that loads and reloads them
 * (manager.ts), views for the HTTP API (views.ts) and the rule unit tests of promtool
 * (unittest/). Rules see the engine through a QueryFunc and the notifier through a NotifyFunc.
 */
export { RuleManager, type RuleManagerOptions, type LoadResult } from './manager.js';
export { Group, groupKey, type GroupOptions } from './group.js';
export {
  AlertingRule, ALERT_METRIC_NAME, ALERT_FOR_STATE_METRIC_NAME, ALERT_NAME_LABEL, ALERT_STATE_LABEL, RESOLVED_RETENTION_MS,
  type AlertingRuleOptions, type NotifyFunc,
} from './alerting-rule.js';
export { RecordingRule } from './recording-rule.js';
export { type Rule, type RuleHealth, type QueryFunc, type EvalContext } from './rule.js';
export { type Alert, type AlertState, needsSending } from './alert.js';
export {
  parseRules, parseRuleFile, validateGroups, checkAlertTemplate, RuleFormatError,
  type RuleDef, type RuleGroupDef, type RuleGroupsDef, type RuleParseOptions, type ParseResult, type NameValidation,
} from './rulefmt.js';
export { engineQueryFunc } from './query-func.js';
export { sendAlerts, type AlertSender, type OutgoingAlert } from './send-alerts.js';
export { groupInfo, ruleInfo, alertInfo, type GroupInfo, type RuleInfo, type AlertInfo } from './views.js';
export { evalTimestamp, groupOffsetMs, labelsHash } from './group-hash.js';
export { RuleMetrics } from './metrics.js';
export { analyseDependencies, BoundedConcurrency, SEQUENTIAL, type ConcurrencyController } from './concurrency.js';
