export {
  ConsulDiscoverer, aggregatedStatus, entryLabels, sanitizeLabelName, WATCH_TIMEOUT_MS, RETRY_INTERVAL_MS, type ConsulDiscovererOptions,
} from './consul.js';
export { ConsulClient, encodeQuery, queryEscape, pathEscape, resolveToken, type ConsulEnv, type QueryOptions, type QueryResult } from './client.js';
export { decodeServiceEntries, decodeCatalogServices, decodeAgentDatacenter, ConsulDecodeError, type ServiceEntry } from './decode.js';
export { ConsulSDMetrics } from './metrics.js';
