/** Prometheus's template functions and expansion (template/template.go of Prometheus 3.14). */
export {
  prometheusFuncs, prometheusFuncNames, toQueryResult, histogramValue, parseDurationSeconds, PROMETHEUS_FUNC_NAMES,
  SAMPLE, SAMPLE_PTR, QUERY_RESULT, HTML, FLOAT_HISTOGRAM,
  type QueryFunc, type QuerySample, type PrometheusFuncOptions,
} from './funcs.js';
export {
  Expander, expandRuleTemplate, alertTemplateData, registerTemplateMetrics, expansionStats,
  ALERT_TEMPLATE_PREAMBLE, ALERT_TEMPLATE_DATA, type AlertTemplateInput, type ExpanderOptions, type RuleTemplateOptions,
} from './expand.js';
export { humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp, convertToFloat } from './humanize.js';
export { TIME, TIME_PTR, DURATION, DURATION_PTR, MONTH, WEEKDAY, timeValue, durationValue, formatTime, durationString, type TimeZoneOffset } from './go-time.js';
export { title, toUpper, toLower, stripPort, stripDomain, splitHostPort, match, reReplaceAll, graphLink, tableLink } from './strings.js';
