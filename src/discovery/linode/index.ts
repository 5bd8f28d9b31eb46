export { LinodeDiscoverer, instanceTargets, LINODE_META, type LinodeDiscovererOptions } from './linode.js';
export { LinodeClient, LinodeError, DEFAULT_BASE_URL } from './client.js';
export { LinodeSDMetrics } from './metrics.js';
