export { HTTPDiscoverer, urlSource, HTTP_SD_URL_LABEL, DEFAULT_MAX_BODY_BYTES, type HTTPDiscovererOptions } from './http.js';
export { HTTPSDMetrics } from './metrics.js';
export { DISCOVERY_USER_AGENT } from './user-agent.js';
