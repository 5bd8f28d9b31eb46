/** alertmanager.yml: typed, validated configuration with Alertmanager's defaults and errors. */
export type * from './types.js';
export type * from './receivers-types.js';
export { integrationsOf } from './receivers-types.js';
export { loadAlertmanagerConfigFile, loadAlertmanagerConfigString, type LoadOptions } from './load.js';
export { setTemplateChecker, templateFiles, checkTemplates, type TemplateChecker } from './templates.js';
export { hostPortString, parseGoDuration, checkAMURL, SECRET_TOKEN, type HostPort } from './kinds.js';
export { DEFAULT_RESOLVE_TIMEOUT_MS } from './global.js';
