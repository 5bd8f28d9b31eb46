export { ScalewayDiscoverer, checkScalewayCredentials, type ScalewayDiscovererOptions } from './scaleway.js';
export { ScalewayClient, zoneRegion, type SecretKeySource } from './client.js';
export { instanceTargets } from './instance.js';
export { baremetalTargets } from './baremetal.js';
