/**
 * Configuration: `prometheus.yml` loaded into typed, validated objects with Prometheus's
 * defaults; written back as Prometheus shows it; and the `check config` tool.
 */
export type * from './types.js';
export type * from './sd-types.js';
export { ConfigError } from './errors.js';
export { loadConfigFile, loadConfigString, defaultConfig, expandEnv } from './load.js';
export { configChecksum } from './checksum.js';
export type { LoadOptions } from './load.js';
export { configToYAML } from './marshal.js';
export { EMBEDDED_DEFAULT_CONFIG } from './defaults.js';
export { checkConfig, yamlOnlyRuleFileCheck } from './check.js';
export type { CheckOptions, CheckResult, RuleFileChecker, RuleFileResult, SDFileReader, TargetGroupChecker } from './check.js';
export { otherSDConfigs, isSDKey } from './sd/registry.js';
export { newRelabelConfig, compileRelabelRegex, DEFAULT_RELABEL_REGEX, RELABEL_ACTIONS } from '../relabel/index.js';
export { newScrapeConfig } from './scrape.js';
export {
  SCRAPE_PROTOCOL_HEADERS, DEFAULT_SCRAPE_PROTOCOLS, PROTO_FIRST_SCRAPE_PROTOCOLS, defaultGlobalConfig, setProtoFirstScrapeProtocolsDefault,
} from './global.js';
export { parseBase2Bytes, formatBase2Bytes } from './units.js';
export { globSync } from '../util/glob.js';
