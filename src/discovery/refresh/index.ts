export { RefreshDiscoverer, sleepUnlessAborted, type RefreshFunc, type RefreshOptions } from './refresh.js';
export { RefreshMetrics, type RefreshInstance } from './metrics.js';
