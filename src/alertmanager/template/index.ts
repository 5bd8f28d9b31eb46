/**
 * Notification templates: Alertmanager's template data (`.Receiver`, `.Status`, `.Alerts`
 * with `.Firing`/`.Resolved`, `.GroupLabels`, `.CommonLabels`, `.CommonAnnotations` with
 * `.SortedPairs`/`.Names`/`.Values`/`.Remove`, `.ExternalURL`), its functions, the default
 * templates of every integration and the email HTML, on the Go text/template engine with
 * html/template's contextual escaping for HTML bodies.
 *
 *   const t = NotificationTemplate.fromGlobs(config.templates);
 *   const data = templateData(receiver, groupLabels, alerts, externalURL, now);
 *   t.executeText('{{ template "slack.default.title" . }}', data);
 */
export {
  NotificationTemplate, TextRenderer, checkTemplateFiles, type TemplateSource, type NotificationTemplateOptions,
} from './template.js';
export {
  templateData, dataValue, quoteMeta, timeNs, GO_ZERO_TIME_NS, type TemplateData, type TemplateAlert, type AlertStatus,
} from './data.js';
export { alertmanagerFuncs, amTitle, loadLocation, ALERTMANAGER_FUNC_NAMES, URL_TYPE, ZONED_TIME } from './funcs.js';
export { DEFAULT_TEMPLATES } from './default-tmpl.js';
export { EMAIL_TEMPLATES } from './email-tmpl.js';
export { newHTMLContextEscaper } from './html-context.js';
export { DATA, ALERT, ALERTS, KV, PAIR, PAIRS, STRINGS, sortedPairs } from './types.js';
