export { HetznerDiscoverer, type HetznerDiscovererOptions } from './hetzner.js';
export { hcloudTargets, HcloudClient, HCLOUD_ENDPOINT } from './hcloud.js';
export { robotTargets, ROBOT_ENDPOINT } from './robot.js';
export { HETZNER_META } from './labels.js';
