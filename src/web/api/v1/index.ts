/**
 * The HTTP API v1: query, metadata, rules, admin and status routes (`registerAPI`), the seams
 * they read through (`AdminStorage`, `RulesSource`, `AlertmanagerSource`), the feature
 * registry and the server notifications.
 */
export { registerAPI, type APIDeps } from './api.js';
export { memoryAdminStorage, SNAPSHOT_NOT_SUPPORTED, type MemoryAdminTarget } from './memory-admin.js';
export type { AdminStorage, TSDBStats, WALReplayStatus, NameCount } from './admin.js';
export {
  NO_RULES, NO_ALERTMANAGERS, type RulesSource, type RuleGroupView, type RuleView, type AlertView, type AlertState,
  type RuleHealth, type AlertmanagerSource,
} from './rules.js';
export { FeatureRegistry, promqlFeatures, apiFeatures, type PromQLFeatureOptions, type APIFeatureOptions } from './features.js';
export {
  Notifications, NOTIFICATION_CONFIG_FAILED, NOTIFICATION_SHUTTING_DOWN, NOTIFICATION_STARTING_UP, type Notification,
} from './notifications.js';
export { scrapeConfigYAML } from './scrape-pool-config.js';
export { parseTime, parseDuration, MIN_TIME_MS, MAX_TIME_MS } from './params.js';
export { registerOpenAPI, readOpenAPISpec, renderOpenAPISpec, OPENAPI_SPEC_PATH } from './openapi.js';
