export * from './interface.js';
export { configEqual } from './config-equal.js';
export {
  DiscoveryManager, loadDiscoveryMechanisms, providerConfigs, DEFAULT_INITIAL_DELAY_MS, DEFAULT_UPDATE_INTERVAL_MS,
  type DiscoveryManagerOptions, type ProviderConfig, type TargetSets,
} from './manager.js';
export {
  registerDiscovererFactory, registerLazyDiscoverer, loadDiscoverers, discovererFactory, isDiscoveryKey, registeredDiscoveryKeys, mechanismName,
} from './registry.js';
export { StaticDiscoverer, staticTargetGroups } from './static.js';
export {
  FileDiscoverer, fileSource, isValidFileSDPattern, DEFAULT_MAX_FILE_BYTES, FILE_SD_FILEPATH_LABEL,
  type FileDiscovererOptions,
} from './file/file.js';
export { FileSDMetrics } from './file/metrics.js';
export { parseTargetGroups, fileFormat, FileSDParseError, type FileTargetGroup, type FileFormat } from './file/parse.js';
export { glob, GlobPattern, GlobPatternError } from '../util/glob.js';
export { RefreshDiscoverer, RefreshMetrics, type RefreshFunc, type RefreshOptions } from './refresh/index.js';
export { DNSDiscoverer, DNSSDMetrics, type DNSDiscovererOptions } from './dns/index.js';
export { HTTPDiscoverer, HTTPSDMetrics, type HTTPDiscovererOptions } from './http/index.js';
export { ConsulDiscoverer, ConsulSDMetrics, type ConsulDiscovererOptions } from './consul/index.js';
export { KubernetesDiscoverer, KubernetesSDMetrics, type KubernetesDiscovererOptions } from './kubernetes/index.js';
